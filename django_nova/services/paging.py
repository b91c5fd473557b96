"""Page links carry the cloud's marker signed, so a link someone edited (or one from an
older version) is a clear "invalid" instead of whatever the cloud makes of it."""

from django.core import signing
from django.utils.translation import gettext as _

from ..exceptions import InvalidInput
from ..resources import Page

SALT = "django_nova.page-marker"


def sign(page: Page) -> Page:
    """The same page, its next marker signed for a link."""
    if not page.next_marker:
        return page
    return Page(items=page.items, next_marker=signing.dumps(page.next_marker, salt=SALT))


def marker_from(link_marker: str) -> str:
    """The cloud's marker a page link carries ("" for the first page)."""
    if not link_marker:
        return ""
    try:
        return signing.loads(link_marker, salt=SALT)
    except signing.BadSignature as error:
        raise InvalidInput(_("This page link is broken or out of date: "
                             "start again from the first page.")) from error
