"""Page links: on, back, the page's number, and a bounded length however deep."""

import secrets

import pytest
from django.core import signing

from django_nova.exceptions import InvalidInput
from django_nova.resources import Page
from django_nova.services.paging import MAX_TRAIL, SALT, marker_from, sign


def walk(pages: int) -> list[Page]:
    """Follow Next through ``pages`` pages whose cloud markers are long and random (as
    AWS NextTokens are)."""
    found, link = [], ""
    for _ in range(pages):
        page = sign(Page(items=[], next_marker=secrets.token_urlsafe(300)), link)
        found.append(page)
        link = page.next_marker
    return found


def test_numbers_and_the_way_back():
    pages = walk(4)
    assert [p.number for p in pages] == [1, 2, 3, 4]
    assert pages[0].previous_marker is None and pages[1].previous_marker == ""
    # Page 4's Previous leads where page 2's Next did: to page 3, by its cloud marker.
    assert marker_from(pages[3].previous_marker) == marker_from(pages[1].next_marker)


def test_a_deep_link_stays_short_and_still_counts():
    pages = walk(MAX_TRAIL + 8)
    assert [p.number for p in pages] == list(range(1, MAX_TRAIL + 9))
    assert max(len(p.next_marker) for p in pages) < 4000  # under gunicorn's request line
    deepest = pages[-1]
    back = sign(Page(items=[]), deepest.previous_marker)
    assert back.number == deepest.number - 1
    # Back as far as the link remembers; then only the first page is a link away.
    link, steps = deepest.previous_marker, 1
    while link:
        page = sign(Page(items=[]), link)
        link, steps = page.previous_marker, steps + 1
    assert steps == MAX_TRAIL


def test_an_edited_link_is_refused_and_an_old_one_still_works():
    with pytest.raises(InvalidInput):
        sign(Page(items=[]), walk(2)[1].next_marker + "x")
    old = signing.dumps("cloud-marker", salt=SALT)  # one marker, as before the trail
    page = sign(Page(items=[]), old)
    assert marker_from(old) == "cloud-marker" and page.number == 2
    assert page.previous_marker == ""
