"""Password change (signed in) and password reset (by email), for local and Keystone accounts."""

import re
import time
import uuid
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.template.loader import render_to_string

from django_nova.clouds.openstack import keystone as keystone_api
from django_nova.exceptions import Forbidden, Unavailable
from django_nova.keystone import KeystoneSession
from django_nova.services.projects import keystone_login
from tests.data import PASSWORD
from tests.helpers import messages_of
from tests.signups import login

NEW_PASSWORD = "another-quite-long-passphrase-77"  # noqa: S105
RESET_LINK = re.compile(r"https?://[^\s]+/accounts/password/reset/[^\s]+/[^\s]+/")


def reset_path(message) -> str:
    match = RESET_LINK.search(message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def reset(client, email, new_password=NEW_PASSWORD):
    """Ask for the link, open it (Django redirects to the set-password URL), set the password."""
    mail.outbox.clear()
    assert client.post("/accounts/password/reset/", {"email": email}).status_code == 302
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    link = reset_path(mail.outbox[0])
    page = client.get(link, follow=True)
    assert page.status_code == 200 and page.context["validlink"]
    set_url = page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": new_password,
                                      "new_password2": new_password})
    return link, response


# --- local (EC2) accounts ----------------------------------------------------------------

def test_change_password_of_a_local_account(member_client, member):
    page = member_client.get("/password/change/")
    assert page.status_code == 200 and b'name="old_password"' in page.content
    wrong = member_client.post("/password/change/", {
        "old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert wrong.status_code == 200 and "old_password" in wrong.context["form"].errors
    response = member_client.post("/password/change/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    # Still signed in (the session hash follows the new password).
    assert member_client.get("/instances/").status_code == 200
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_password_change_needs_login(client, db):
    response = client.get("/password/change/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_user_menu_offers_password_change(rf, member):
    # The header includes django_nova/accounts/user_menu.html beside "Sign out".
    request = rf.get("/")
    request.user = member
    html = render_to_string("django_nova/accounts/user_menu.html", request=request)
    assert 'href="/password/change/"' in html and "Change password" in html


def test_reset_password_of_a_local_account(client, make_user):
    user = make_user("grace", email="grace@example.org")
    link, response = reset(client, "GRACE@example.org")
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/password/reset/done/")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert login(client, "grace", NEW_PASSWORD).status_code == 302
    # The link works once.
    client.logout()
    assert not client.get(link, follow=True).context["validlink"]


def test_reset_of_an_unknown_email_sends_nothing_and_says_the_same(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"},
                           follow=True)
    assert b"If an account has that email address" in response.content
    assert mail.outbox == []


# --- Keystone accounts -------------------------------------------------------------------

@pytest.fixture
def keystone_user(openstack_signups, os_conn):
    """A fresh Keystone user (member of its own project), deleted afterwards."""
    admin = os_conn("admin")
    name = f"pw-{uuid.uuid4().hex[:8]}"
    project = admin.identity.create_project(name=name, domain_id="default")
    user = admin.identity.create_user(name=name, password=PASSWORD, domain_id="default",
                                      default_project_id=project.id)
    role = admin.identity.find_role("member")
    admin.identity.assign_project_role_to_user(project, user, role)
    try:
        yield {"name": name, "id": user.id, "project_id": project.id}
    finally:
        admin.identity.delete_user(user.id)
        admin.identity.delete_project(project.id)


def keystone_accepts(name, password) -> bool:
    # Keystone revokes a user's tokens at a password change with one-second
    # precision: a token issued within that second is refused.
    time.sleep(1.1)
    try:
        keystone_login("openstack", name, password, "Default")
    except Forbidden:
        return False
    return True


@pytest.mark.openstack
def test_change_password_of_a_keystone_user(client, keystone_user, with_openstack):
    assert login(client, keystone_user["name"], PASSWORD, cloud="openstack").status_code == 302
    before = KeystoneSession.from_session(client.session)
    page = client.get("/password/change/")
    assert b"kept by" in page.content
    wrong = client.post("/password/change/", {
        "old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert wrong.status_code == 200
    assert "current password is not correct" in str(wrong.context["form"].errors)
    response = client.post("/password/change/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD})
    assert response.status_code == 302, response.context["form"].errors
    # Still signed in, on fresh tokens, in the same project.
    after = KeystoneSession.from_session(client.session)
    assert after.token != before.token and after.project_id == before.project_id
    assert client.get("/instances/").status_code == 200
    assert keystone_accepts(keystone_user["name"], NEW_PASSWORD)
    assert not keystone_accepts(keystone_user["name"], PASSWORD)


@pytest.mark.openstack
def test_reset_password_of_a_keystone_linked_account(client, keystone_user, with_openstack):
    # The account a provisioned sign-up leaves: shadow name, email, no Django password.
    user = get_user_model().objects.create_user(
        username=f"{keystone_user['id']}@openstack", email="kira@example.org",
        first_name=keystone_user["name"])
    user.set_unusable_password()
    user.save()
    link, response = reset(client, "kira@example.org")
    assert response.status_code == 302
    assert keystone_user["name"] in mail.outbox[0].body  # the name to sign in with
    assert keystone_accepts(keystone_user["name"], NEW_PASSWORD)
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert not client.get(link, follow=True).context["validlink"]
    assert login(client, keystone_user["name"], NEW_PASSWORD, cloud="openstack").status_code \
        == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.openstack
def test_no_reset_for_keystone_users_where_the_site_cannot_set_passwords(
        client, keystone_user, settings):
    settings.NOVA["CLOUDS"]["openstack"]["PROVISIONING"] = {"ENABLED": False}
    user = get_user_model().objects.create_user(
        username=f"{keystone_user['id']}@openstack", email="lee@example.org")
    user.set_unusable_password()
    user.save()
    client.post("/accounts/password/reset/", {"email": "lee@example.org"})
    assert mail.outbox == []


@pytest.mark.openstack
@pytest.mark.parametrize("failure", [Unavailable("Keystone is down."),
                                     Forbidden("Not allowed.")])
def test_a_failed_rescoping_after_a_keystone_password_change_still_reports_success(
        client, keystone_user, with_openstack, os_conn, monkeypatch, failure):
    # A second project, later in the alphabet, is the session's project; the fresh
    # login lands in the first one, so the change has to rescope, and that fails.
    admin = os_conn("admin")
    second = admin.identity.create_project(name=f"{keystone_user['name']}-b",
                                           domain_id="default")
    try:
        admin.identity.assign_project_role_to_user(
            second, admin.identity.get_user(keystone_user["id"]),
            admin.identity.find_role("member"))
        assert login(client, keystone_user["name"], PASSWORD,
                     cloud="openstack").status_code == 302
        assert client.post("/switch/project/", {"project": second.id}).status_code == 302
        before = KeystoneSession.from_session(client.session)
        assert before.project_id == second.id
        real_scope = keystone_api.scope

        def scope(config, token, project_id):
            if project_id == second.id and token != before.unscoped_token:
                raise failure
            return real_scope(config, token, project_id)
        monkeypatch.setattr(keystone_api, "scope", scope)
        response = client.post("/password/change/", {
            "old_password": PASSWORD, "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD}, follow=True)
        # Changed, so it says so, and the session (with its revoked tokens) is gone.
        assert response.redirect_chain[-1][0] == "/login/"
        assert "Your password has been changed. Sign in with the new password." in \
            messages_of(response)
        assert KeystoneSession.from_session(client.session) is None
        assert "_auth_user_id" not in client.session
        monkeypatch.undo()
        assert keystone_accepts(keystone_user["name"], NEW_PASSWORD)
        assert login(client, keystone_user["name"], NEW_PASSWORD,
                     cloud="openstack").status_code == 302
    finally:
        admin.identity.delete_project(second.id)
