"""Navigation helpers: which sidebar link is the current page's."""

from django import template

from ..navigation import sidebar

register = template.Library()


@register.filter
def startswith(path: str, prefix: str) -> bool:
    """``request.path|startswith:url``: the page is that link or below it.

    A plain ``in`` test would also match ``/manage/instances/`` for the
    ``/instances/`` link.
    """
    return bool(prefix) and str(path).startswith(str(prefix))


@register.simple_tag(takes_context=True)
def nova_sidebar(context):
    """The sidebar's sections and links for this request (django_nova.navigation)."""
    return sidebar(context["request"])
