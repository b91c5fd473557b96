"""Sessions end after an idle spell and after a fixed lifetime (django_nova.sessions).

The clock is the session's own stamps, moved back in time: no sleeping.
"""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings

from django_nova import sessions
from django_nova.keystone import KeystoneSession
from tests.helpers import messages_of

IDLE = 1800
LIFETIME = django_settings.SESSION_COOKIE_AGE


def age(client, *, idle=0, since_start=0):
    """Pretend the last activity was ``idle`` seconds ago and the start ``since_start``."""
    now = int(time.time())
    session = client.session
    session[sessions.SESSION_SEEN] = now - idle
    session[sessions.SESSION_STARTED] = now - max(since_start, idle)
    session.save()


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def assert_sent_to_login(response, path):
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/login/" and parse_qs(location.query)["next"] == [path]


def test_the_defaults():
    # tests/settings.py keeps the reference site's SESSION_COOKIE_AGE, not its NOVA
    # dict (tests/site/test_private_files.py reads the site's own values).
    assert sessions.idle_timeout() == IDLE == 30 * 60
    assert LIFETIME == 12 * 3600
    assert sessions.describe(IDLE) == "30 minutes" and sessions.describe(LIFETIME) == "12 hours"


def test_a_session_in_use_stays(member_client):
    assert member_client.get("/instances/").status_code == 200
    age(member_client, idle=IDLE - 60, since_start=LIFETIME - 60)
    assert member_client.get("/keypairs/").status_code == 200
    assert signed_in(member_client)


def test_an_idle_session_is_signed_out_with_a_message(member_client):
    member_client.get("/instances/")
    age(member_client, idle=IDLE + 1)
    response = member_client.get("/keypairs/?page=2")
    assert_sent_to_login(response, "/keypairs/?page=2")
    assert not signed_in(member_client)
    assert messages_of(response) == ["You were signed out after 30 minutes without activity."]
    page = member_client.get(response["Location"])
    assert b"You were signed out after 30 minutes without activity." in page.content


def test_a_session_ends_at_its_lifetime_however_busy(member_client):
    member_client.get("/instances/")
    age(member_client, idle=5, since_start=LIFETIME + 1)
    response = member_client.get("/instances/")
    assert_sent_to_login(response, "/instances/")
    assert not signed_in(member_client)
    assert messages_of(response) == ["Sessions last 12 hours at most. Please sign in again."]


def test_activity_is_stamped_at_most_once_a_minute(member_client):
    member_client.get("/instances/")
    age(member_client, idle=30)
    before = member_client.session[sessions.SESSION_SEEN]
    key = member_client.session.session_key
    member_client.get("/instances/")
    assert member_client.session[sessions.SESSION_SEEN] == before  # not saved again
    age(member_client, idle=90)
    member_client.get("/instances/")
    assert abs(member_client.session[sessions.SESSION_SEEN] - time.time()) < 5
    assert member_client.session.session_key == key


def test_live_status_polls_are_no_activity(member_client):
    member_client.get("/instances/")
    age(member_client, idle=90)
    before = member_client.session[sessions.SESSION_SEEN]
    member_client.get("/instances/", HTTP_HX_REQUEST="true")
    assert member_client.session[sessions.SESSION_SEEN] == before


def test_a_poll_of_an_ended_session_sends_the_page_to_the_login(member_client):
    member_client.get("/instances/")
    age(member_client, idle=IDLE + 1)
    response = member_client.get("/instances/i-0123456789abcdef0/row/", HTTP_HX_REQUEST="true",
                                 HTTP_HX_CURRENT_URL="http://testserver/instances/?q=web")
    assert response.status_code == 204 and response.content == b""
    target = urlsplit(response["HX-Redirect"])
    assert target.path == "/login/" and parse_qs(target.query)["next"] == ["/instances/?q=web"]
    assert not signed_in(member_client)


def test_idle_timeout_zero_turns_it_off(member_client, settings):
    settings.NOVA = {**settings.NOVA, "SESSION_IDLE_TIMEOUT": 0}
    member_client.get("/instances/")
    age(member_client, idle=10 * IDLE)
    assert member_client.get("/instances/").status_code == 200


def test_an_ended_keystone_session_has_its_tokens_revoked(member_client, monkeypatch):
    revoked = []
    monkeypatch.setattr("django_nova.services.projects.keystone_logout",
                        lambda keystone: revoked.append(keystone.token))
    member_client.get("/instances/")
    session = member_client.session
    KeystoneSession(cloud="openstack", user_id="u1", user_name="alice", domain="Default",
                    unscoped_token="unscoped-1", token="scoped-1",
                    expires_at="2999-01-01T00:00:00+00:00").save(session)
    session.save()
    age(member_client, idle=IDLE + 1)
    response = member_client.get("/instances/")
    assert_sent_to_login(response, "/instances/")
    assert revoked == ["scoped-1"]
    assert not signed_in(member_client)


@pytest.mark.openstack
def test_an_idle_keystone_login_is_revoked_in_keystone(client, keystone_client, os_conn):
    keystone_client("demo")
    assert client.get("/instances/").status_code == 200
    keystone = KeystoneSession.from_session(client.session)
    age(client, idle=IDLE + 1)
    assert_sent_to_login(client.get("/instances/"), "/instances/")
    admin = os_conn("admin")
    for token in (keystone.token, keystone.unscoped_token):
        check = admin.session.get(
            "/auth/tokens", raise_exc=False, headers={"X-Subject-Token": token},
            endpoint_filter={"service_type": "identity", "interface": "public"})
        assert check.status_code == 404
