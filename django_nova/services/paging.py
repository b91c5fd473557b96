"""Page links carry the cloud's markers signed, so a link someone edited (or one from an
older version) is a clear "invalid" instead of whatever the cloud makes of it.

A link holds the markers of up to MAX_TRAIL pages before it too (the trail) and how many
it let go of, so a page can link back as well as on, and say which page it is: clouds page
by marker and cannot go back.
"""

from dataclasses import replace

from django.core import signing
from django.utils.translation import gettext as _

from ..conf import nova_settings
from ..exceptions import InvalidInput
from ..resources import Page

SALT = "django_nova.page-marker"
# The most earlier pages a link remembers (Previous goes back that far).
MAX_TRAIL = 5


def _trail(link_marker: str) -> tuple[int, list[str]]:
    """How many pages' markers the link let go of, and the markers it keeps, up to the
    link's page ((0, []) for the first page)."""
    if not link_marker:
        return 0, []
    try:
        trail = signing.loads(link_marker, salt=SALT)
    except signing.BadSignature as error:
        raise InvalidInput(_("This page link is broken or out of date: "
                             "start again from the first page.")) from error
    if isinstance(trail, str):  # a link of an older version: one marker
        return 0, [trail]
    dropped = trail[0] if trail and isinstance(trail[0], int) else 0
    return dropped, [str(marker) for marker in trail[1 if dropped else 0:]]


def _link(dropped: int, trail: list[str]) -> str:
    """A link's marker: the trail signed, its oldest markers let go of beyond MAX_TRAIL
    (a cloud's markers can be long, and a URL must stay short)."""
    if len(trail) > MAX_TRAIL:
        dropped, trail = dropped + len(trail) - MAX_TRAIL, trail[-MAX_TRAIL:]
    if not trail:
        return ""
    return signing.dumps([dropped, *trail] if dropped else trail, salt=SALT, compress=True)


def marker_from(link_marker: str) -> str:
    """The cloud's marker a page link carries ("" for the first page)."""
    trail = _trail(link_marker)[1]
    return trail[-1] if trail else ""


def sign(page: Page, link_marker: str = "") -> Page:
    """The page the link ``link_marker`` asked for, with signed links on and back (back
    as far as the link keeps markers; the first page is always a link away)."""
    dropped, trail = _trail(link_marker)
    back = None
    if len(trail) > 1 or (trail and not dropped):
        back = _link(dropped, trail[:-1])
    return replace(page, next_marker=_link(dropped, [*trail, page.next_marker])
                   if page.next_marker else "", previous_marker=back,
                   number=dropped + len(trail) + 1)


def page_sizes() -> list[int]:
    """The rows per page a list offers: the site's PAGE_SIZE, 50 and 100."""
    return sorted({nova_settings()["PAGE_SIZE"], 50, 100})


def page_size(asked: str) -> int:
    """The page size a query asked for, if it is one offered; else the site's."""
    return int(asked) if asked in {str(size) for size in page_sizes()} else (
        nova_settings()["PAGE_SIZE"])
