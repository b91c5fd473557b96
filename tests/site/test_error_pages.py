"""403, 404 and 500 inside the site's layout, with a way back; a 500 page that needs
neither the database nor a cloud; a favicon instead of a 404 in every log."""

import pytest
from django.test import RequestFactory

from django_nova.errorpages import server_error
from django_nova.services.compute import ComputeService


def test_a_missing_page_is_the_sites_404_with_a_way_back(member_client):
    response = member_client.get("/no-such-page/<b>x</b>")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'id="nav-volumes"' in html  # the layout, signed in
    assert 'href="/"' in html and "Go to the dashboard" in html
    assert "/no-such-page/%3Cb%3Ex%3C/b%3E" in html and "<b>x</b>" not in html  # the path


def test_anonymous_visitors_get_the_404_without_the_signed_in_parts(client):
    html = client.get("/no-such-page/").content.decode()
    assert "Page not found" in html and "Sign out" not in html


def test_an_admin_page_refuses_a_member_in_the_layout(member_client):
    response = member_client.get("/manage/quotas/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Not allowed" in html and "Go to the dashboard" in html and "Sign out" in html


def test_a_500_is_the_sites_page_with_the_request_id(member_client, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom-500-page")

    monkeypatch.setattr(ComputeService, "instances_page", explode)
    member_client.raise_request_exception = False
    response = member_client.get("/instances/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and "boom-500-page" not in html
    assert f'<code id="nova-request-id">{response["X-Request-ID"]}</code>' in html


def test_the_500_page_needs_no_database(django_db_blocker):
    with django_db_blocker.block():  # any query would raise here
        response = server_error(RequestFactory().get("/instances/"))
    assert response.status_code == 500 and b"Something went wrong" in response.content


@pytest.mark.django_db
def test_a_favicon_on_every_page_and_at_favicon_ico(client):
    page = client.get("/login/").content.decode()
    assert 'rel="icon" href="/static/django_nova/favicon.svg"' in page
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301 and answer["Location"] == "/static/django_nova/favicon.svg"
    icon = client.get(answer["Location"])
    assert icon.status_code == 200 and icon["Content-Type"].startswith("image/svg+xml")
