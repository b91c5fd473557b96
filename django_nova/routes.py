"""The URL convention every area follows, in one place.

A page of something is ``<prefix>`` named ``<noun>``; what can be done to it is
``<prefix><action>/`` named ``<noun>-<action>`` (underscores in an action become
hyphens in both).  ``routes("volume", "volumes/<str:volume_id>/", edit=VolumeEditView)``
is ``volumes/<id>/edit/`` named ``volume-edit``.
"""

from django.urls import path


def routes(noun: str, prefix: str, page=None, **actions) -> list:
    """URL patterns for one thing: its page (when given) and its actions, in order."""
    found = [path(prefix, page.as_view(), name=noun)] if page is not None else []
    for action, view in actions.items():
        slug = action.rstrip("_").replace("_", "-")  # import_: a keyword, "import"
        found.append(path(f"{prefix}{slug}/", view.as_view(), name=f"{noun}-{slug}"))
    return found
