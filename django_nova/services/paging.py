"""Page links carry the cloud's markers signed, so a link someone edited (or one from an
older version) is a clear "invalid" instead of whatever the cloud makes of it.

A link holds the markers of every page before it too (the trail), so a page can link
back as well as on, and say which page it is: clouds page by marker and cannot go back.
"""

from dataclasses import replace

from django.core import signing
from django.utils.translation import gettext as _

from ..conf import nova_settings
from ..exceptions import InvalidInput
from ..resources import Page

SALT = "django_nova.page-marker"


def _trail(link_marker: str) -> list[str]:
    """The cloud's markers of the pages up to the link's ([] for the first page)."""
    if not link_marker:
        return []
    try:
        trail = signing.loads(link_marker, salt=SALT)
    except signing.BadSignature as error:
        raise InvalidInput(_("This page link is broken or out of date: "
                             "start again from the first page.")) from error
    # A link of an older version carries one marker, not a list.
    return [trail] if isinstance(trail, str) else [str(marker) for marker in trail]


def _link(trail: list[str]) -> str:
    return signing.dumps(trail, salt=SALT, compress=True) if trail else ""


def marker_from(link_marker: str) -> str:
    """The cloud's marker a page link carries ("" for the first page)."""
    trail = _trail(link_marker)
    return trail[-1] if trail else ""


def sign(page: Page, link_marker: str = "") -> Page:
    """The page the link ``link_marker`` asked for, with signed links on and back."""
    trail = _trail(link_marker)
    return replace(page, next_marker=_link([*trail, page.next_marker]) if page.next_marker
                   else "", previous_marker=_link(trail[:-1]) if trail else None,
                   number=len(trail) + 1)


def page_sizes() -> list[int]:
    """The rows per page a list offers: the site's PAGE_SIZE, 50 and 100."""
    return sorted({nova_settings()["PAGE_SIZE"], 50, 100})


def page_size(asked: str) -> int:
    """The page size a query asked for, if it is one offered; else the site's."""
    return int(asked) if asked in {str(size) for size in page_sizes()} else (
        nova_settings()["PAGE_SIZE"])
