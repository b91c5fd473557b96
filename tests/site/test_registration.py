"""Sign-up on the reference site: registration, email activation, provisioning, first login.

EC2 sign-ups run against the session's moto server; OpenStack sign-ups
against the real test cloud, with ``test-admin`` as the service account.
"""

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from django_nova.crypto import decrypt
from django_nova.models import AuditEntry, Membership, Project
from django_nova.services import provisioning
from openstack_dashboard.registration.models import Signup
from openstack_dashboard.registration.signups import purge_expired_signups
from tests.data import SIGNUP_PASSWORD as PASSWORD
from tests.signups import SIGNUP_URL, activate, activation_path, login, sign_up


def unique(prefix="reg"):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# --- EC2 (embedded cloud) ------------------------------------------------------------------

def test_signup_makes_an_inactive_account_and_emails_the_link(client, signups):
    response = sign_up(client, "newcomer")
    assert response.status_code == 302 and response["Location"].endswith(
        "/accounts/register/complete/")
    user = get_user_model().objects.get(username="newcomer")
    assert not user.is_active and user.email == "newcomer@example.org"
    signup = Signup.objects.get(user=user)
    assert (signup.cloud, signup.state, signup.password) == ("embedded", Signup.PENDING, "")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["newcomer@example.org"]
    assert "/accounts/activate/?activation_key=" in mail.outbox[0].body
    assert PASSWORD not in mail.outbox[0].body
    # Not active yet: signing in fails.
    assert login(client, "newcomer").status_code == 200
    entry = AuditEntry.objects.filter(action="django_registration_register").latest("id")
    assert (entry.target, entry.outcome) == ("newcomer", AuditEntry.SUCCESS)


def test_activation_provisions_a_personal_project_and_the_first_login_lands_in_it(
        client, signups):
    sign_up(client, "carol")
    response = activate(client, activation_path(mail.outbox[0]))
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/activate/complete/")
    user = get_user_model().objects.get(username="carol")
    assert user.is_active and user.has_usable_password()
    project = Project.objects.get(cloud="embedded", members=user)
    assert project.name == "carol"
    assert Membership.objects.filter(user=user, project=project).count() == 1
    signup = Signup.objects.get(user=user)
    assert (signup.state, signup.project_name) == (Signup.ACTIVE, "carol")

    assert login(client, "carol").status_code == 302
    page = client.get("/instances/")
    assert page.status_code == 200
    assert page.context["request"].nova.project.name == "carol"
    # The link is single-use: opened again, it says so and offers sign-in, not a button;
    # the button's POST, sent anyway, is refused the same way.
    link = activation_path(mail.outbox[0])
    again = client.get(link)
    assert again.status_code == 200 and b"already been activated" in again.content
    assert b'id="activate-submit"' not in again.content and b'href="/login/"' in again.content
    key = link.split("activation_key=", 1)[1]
    posted = client.post("/accounts/activate/", {"activation_key": key})
    assert posted.status_code == 200 and b"already been activated" in posted.content


def test_signing_in_before_activating_says_why(client, signups):
    sign_up(client, "early")
    refused = login(client, "early")
    assert refused.status_code == 200
    assert "not active yet" in " ".join(refused.context["form"].non_field_errors())
    # Only the right password learns that the account exists.
    wrong = login(client, "early", password="not-the-password-1")
    errors = " ".join(wrong.context["form"].non_field_errors())
    assert "not active yet" not in errors and "correct username and password" in errors


def test_signup_refuses_taken_names_and_emails(client, signups, make_user):
    make_user("taken", email="Taken@Example.org")
    response = sign_up(client, "taken", email="fresh@example.org")
    assert response.status_code == 200 and "username" in response.context["form"].errors
    response = sign_up(client, "fresh", email="taken@example.org")
    assert response.status_code == 200 and "email" in response.context["form"].errors
    response = sign_up(client, "has@sign")
    assert "username" in response.context["form"].errors
    response = sign_up(client, "weak", password="123")
    assert "password2" in response.context["form"].errors
    assert not get_user_model().objects.filter(username__in=["fresh", "has@sign", "weak"])
    assert mail.outbox == []


def test_no_account_is_kept_when_the_activation_email_cannot_be_sent(
        client, signups, closed_port_url):
    signups.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    signups.EMAIL_HOST, signups.EMAIL_PORT = "127.0.0.1", int(closed_port_url.rsplit(":", 1)[1])
    signups.EMAIL_TIMEOUT = 3
    response = sign_up(client, "nomail")
    assert response.status_code == 200
    assert "activation email could not be sent" in str(response.context["form"].errors)
    assert not get_user_model().objects.filter(username="nomail").exists()
    assert not Signup.objects.filter(username="nomail").exists()


def test_closed_registration_shows_the_closed_page(client, signups):
    signups.REGISTRATION_OPEN = False
    response = client.get(SIGNUP_URL, follow=True)
    assert response.redirect_chain[-1][0].endswith("/accounts/register/closed/")
    assert b"Sign-up is closed" in response.content
    assert sign_up(client, "latecomer").status_code == 302
    assert not get_user_model().objects.filter(username="latecomer").exists()


def test_without_provisioning_the_account_activates_without_a_project(client, signups):
    signups.NOVA["CLOUDS"]["embedded"]["PROVISIONING"] = {"ENABLED": False}
    sign_up(client, "dave")
    assert activate(client, activation_path(mail.outbox[0])).status_code == 302
    user = get_user_model().objects.get(username="dave")
    assert user.is_active
    assert not Project.objects.filter(members=user).exists()
    assert login(client, "dave").status_code == 302
    # No project yet: an admin assigns one; the dashboard says so.
    assert b"not a member of any project" in client.get("/instances/").content


def test_failed_provisioning_keeps_the_account_inactive_and_tells_user_and_admins(
        client, signups, monkeypatch):
    sign_up(client, "erin")
    path = activation_path(mail.outbox[0])
    calls = []

    def fail(user, cloud_key, password=None):
        calls.append(cloud_key)
        raise provisioning.ProvisioningError("The cloud is out of accounts.")
    monkeypatch.setattr(provisioning, "provision_user", fail)
    response = activate(client, path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your account could not be set up" in page and "out of accounts" in page
    user = get_user_model().objects.get(username="erin")
    assert not user.is_active and calls == ["embedded"]
    assert not Project.objects.filter(members=user).exists()
    signup = Signup.objects.get(user=user)
    assert (signup.state, signup.error) == (Signup.FAILED, "The cloud is out of accounts.")
    admin_mail = [m for m in mail.outbox if m.to == ["ops@example.org"]]
    assert len(admin_mail) == 1 and "erin" in admin_mail[0].subject
    assert "out of accounts" in admin_mail[0].body
    entry = AuditEntry.objects.filter(action="django_registration_activate").latest("id")
    assert entry.outcome == AuditEntry.FAILURE and "out of accounts" in entry.error
    assert login(client, "erin").status_code == 200

    # Once fixed, the same link tries again and succeeds.
    monkeypatch.undo()
    assert activate(client, path).status_code == 302
    assert get_user_model().objects.get(username="erin").is_active


def test_an_unexpected_provisioning_error_is_not_shown_raw(client, signups, monkeypatch):
    sign_up(client, "frank")

    def crash(user, cloud_key, password=None):
        raise RuntimeError("secret internals at 10.0.0.1")
    monkeypatch.setattr(provisioning, "provision_user", crash)
    response = activate(client, activation_path(mail.outbox[0]))
    assert b"unexpected error" in response.content
    assert b"10.0.0.1" not in response.content
    assert not get_user_model().objects.get(username="frank").is_active
    assert any("RuntimeError" in m.body for m in mail.outbox if m.to == ["ops@example.org"])


def test_a_bad_activation_key_is_refused(client, signups):
    response = client.post("/accounts/activate/", {"activation_key": "forged:key"})
    assert response.status_code == 200
    assert b"activation key you provided is invalid" in response.content


def test_login_page_links_to_sign_up_and_password_reset(client, signups):
    page = client.get("/login/").content.decode()
    assert 'href="/accounts/register/"' in page and "Create an account" in page
    assert 'href="/accounts/password/reset/"' in page and "Forgot password?" in page


def test_registration_pages_escape_hostile_input(client, signups):
    hostile = "<img src=x onerror=alert(1)>"
    response = sign_up(client, hostile, email="x@example.org")
    assert response.status_code == 200
    assert hostile.encode() not in response.content


# --- OpenStack ---------------------------------------------------------------------------

@pytest.mark.openstack
def test_form_offers_the_clouds_that_take_sign_ups(client, openstack_signups):
    page = client.get(SIGNUP_URL)
    assert [c for c, _ in page.context["form"].fields["cloud"].choices] == [
        "embedded", "openstack"]
    assert b'id="id_cloud"' in page.content


@pytest.mark.openstack
def test_openstack_without_provisioning_takes_no_sign_ups(client, openstack_signups, settings):
    settings.NOVA["CLOUDS"]["openstack"]["PROVISIONING"] = {"ENABLED": False}
    choices = client.get(SIGNUP_URL).context["form"].fields["cloud"].choices
    assert [c for c, _ in choices] == ["embedded"]
    response = sign_up(client, unique(), cloud="openstack")
    assert response.status_code == 200 and "cloud" in response.context["form"].errors


@pytest.mark.openstack
def test_openstack_signup_provisions_a_keystone_user_the_login_lands_on(
        client, openstack_signups, keystone_cleanup, os_conn):
    name = unique()
    keystone_cleanup.append(name)
    assert sign_up(client, name, cloud="openstack").status_code == 302
    signup = Signup.objects.get(username=name)
    # Kept for provisioning, encrypted: the database never holds it in clear text.
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM nova_registration_signup WHERE id = %s",
                       [signup.pk])
        stored = cursor.fetchone()[0]
    assert PASSWORD not in stored and decrypt(stored) == PASSWORD

    assert activate(client, activation_path(mail.outbox[0])).status_code == 302
    signup.refresh_from_db()
    assert signup.state == Signup.ACTIVE and signup.password == ""
    user = signup.user
    assert user.username == f"{signup.cloud_user_id}@openstack"
    assert user.is_active and not user.has_usable_password()
    assert user.email == f"{name}@example.org"
    keystone_user = os_conn("admin").identity.get_user(signup.cloud_user_id)
    assert keystone_user.name == name and keystone_user.default_project_id == signup.project_id

    assert login(client, name, cloud="openstack").status_code == 302
    # The same Django account, not a second one.
    assert client.session["_auth_user_id"] == str(user.pk)
    assert get_user_model().objects.filter(email=f"{name}@example.org").count() == 1
    nova = client.get("/instances/").context["request"].nova
    assert (nova.project.id, nova.project.name) == (signup.project_id, signup.project_name)
    assert "member" in nova.access.roles and not nova.is_cloud_admin


@pytest.mark.openstack
def test_openstack_provisioning_failure_creates_nothing(client, openstack_signups, settings,
                                                       keystone_cleanup, os_conn):
    settings.NOVA["CLOUDS"]["openstack"]["PROVISIONING"]["SERVICE_CLOUD"] = "no-such-cloud"
    name = unique()
    keystone_cleanup.append(name)
    sign_up(client, name, cloud="openstack")
    response = activate(client, activation_path(mail.outbox[0]))
    assert response.status_code == 200
    assert b"Your account could not be set up" in response.content
    signup = Signup.objects.get(username=name)
    assert signup.state == Signup.FAILED and not signup.user.is_active
    assert signup.user.username == name and signup.password  # kept for the retry
    assert os_conn("admin").identity.find_user(name, domain_id="default") is None
    assert any(name in m.subject for m in mail.outbox if m.to == ["ops@example.org"])


def test_a_dead_activation_can_be_taken_over_but_a_live_one_cannot(client, signups):
    sign_up(client, "gina")
    path = activation_path(mail.outbox[0])
    signup = Signup.objects.get(username="gina")
    Signup.objects.filter(pk=signup.pk).update(state=Signup.PROVISIONING,
                                               claimed_at=timezone.now())
    busy = activate(client, path)
    assert busy.status_code == 200 and b"being activated already" in busy.content
    Signup.objects.filter(pk=signup.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert activate(client, path).status_code == 302
    assert get_user_model().objects.get(username="gina").is_active


def test_purge_deletes_expired_sign_ups_only(client, signups):
    for name in ("old", "fresh", "done"):
        sign_up(client, name)
    activate(client, activation_path(mail.outbox[2]))  # "done" is active
    long_ago = timezone.now() - timedelta(days=signups.ACCOUNT_ACTIVATION_DAYS + 1)
    Signup.objects.filter(username__in=["old", "done"]).update(created_at=long_ago)
    out = StringIO()
    call_command("purge_signups", stdout=out)
    assert "Deleted 1 expired sign-up." in out.getvalue()
    assert set(Signup.objects.values_list("username", flat=True)) == {"fresh", "done"}
    assert not get_user_model().objects.filter(username="old").exists()


# --- the kept password and the cloud side, whatever happens ---------------------------------

def kept_password(username) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM nova_registration_signup WHERE username = %s",
                       [username])
        return cursor.fetchone()[0]


@pytest.mark.openstack
def test_an_openstack_signup_activated_by_an_admin_keeps_no_password_and_no_local_login(
        client, openstack_signups, make_user):
    admin = Client()
    admin.force_login(make_user(unique("root"), is_staff=True))
    enabled, ticked = unique(), unique()
    for name in (enabled, ticked):
        assert sign_up(client, name, cloud="openstack").status_code == 302
        assert decrypt(kept_password(name)) == PASSWORD
        # The chosen password lives only in the sign-up, for Keystone.
        assert not get_user_model().objects.get(username=name).has_usable_password()

    # Admin ▸ Users ▸ Enable (django_nova's identity pages) ...
    user = get_user_model().objects.get(username=enabled)
    assert admin.post(reverse("django_nova:admin-user-enable", args=[user.pk])).status_code \
        == 302
    # ... or "Active" ticked in the Django admin (a plain save of the user).
    other = get_user_model().objects.get(username=ticked)
    other.is_active = True
    other.save()
    for name in (enabled, ticked):
        user = get_user_model().objects.get(username=name)
        assert user.is_active and not user.has_usable_password()
        assert kept_password(name) == ""
        assert Signup.objects.get(username=name).state == Signup.PENDING
        # An OpenStack account without a Keystone user cannot sign in locally.
        assert login(client, name).status_code == 200
        assert "_auth_user_id" not in client.session
    # A deleted account takes its sign-up (and anything kept in it) along.
    other.delete()
    assert not Signup.objects.filter(username=ticked).exists()


@pytest.mark.openstack
def test_an_openstack_signup_does_not_activate_without_provisioning(
        client, openstack_signups, settings):
    name = unique()
    sign_up(client, name, cloud="openstack")
    settings.NOVA["CLOUDS"]["openstack"]["PROVISIONING"] = {"ENABLED": False}
    response = activate(client, activation_path(mail.outbox[0]))
    assert response.status_code == 200
    assert b"Provisioning is not enabled" in response.content
    signup = Signup.objects.get(username=name)
    assert signup.state == Signup.FAILED and not signup.user.is_active
    admin_mail = [m for m in mail.outbox if m.to == ["ops@example.org"]]
    assert "Do not activate this account in the admin" in admin_mail[0].body
    assert "the same activation link tries again" in admin_mail[0].body


def test_purge_erases_old_kept_passwords_in_any_state(client, signups):
    for name in ("stuck", "enabled", "recent", "expired"):
        sign_up(client, name)
    Signup.objects.update(password="kept-secret")  # as an OpenStack sign-up keeps it
    Signup.objects.filter(username="stuck").update(state=Signup.PROVISIONING,
                                                   claimed_at=timezone.now())
    # Activated in the admin before this signal existed (its password still kept).
    get_user_model().objects.filter(username="enabled").update(is_active=True)
    long_ago = timezone.now() - timedelta(days=signups.ACCOUNT_ACTIVATION_DAYS + 1)
    Signup.objects.exclude(username="recent").update(created_at=long_ago)
    assert purge_expired_signups() == 1
    kept = {s.username: s.password for s in Signup.objects.all()}
    assert kept == {"stuck": "", "enabled": "", "recent": "kept-secret"}
    assert get_user_model().objects.filter(username="enabled", is_active=True).exists()


def fail_final_save(monkeypatch):
    """The activation's last database step (recording the sign-up) fails."""
    def save(self, *args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed: auth_user.username")
    monkeypatch.setattr(Signup, "save", save)


def test_a_failed_final_save_removes_the_project_and_the_link_retries(
        client, signups, monkeypatch):
    sign_up(client, "hana")
    path = activation_path(mail.outbox[0])
    fail_final_save(monkeypatch)
    response = activate(client, path)
    assert response.status_code == 200 and b"unexpected error" in response.content
    user = get_user_model().objects.get(username="hana")
    assert not user.is_active
    assert not Project.objects.filter(cloud="embedded", name__startswith="hana").exists()
    assert Signup.objects.get(user=user).state == Signup.FAILED
    assert any("IntegrityError" in m.body for m in mail.outbox if m.to == ["ops@example.org"])

    monkeypatch.undo()
    assert activate(client, path).status_code == 302
    # The same name: nothing of the first attempt was left behind.
    assert Project.objects.get(cloud="embedded", members=user).name == "hana"


@pytest.mark.openstack
def test_a_failed_final_save_removes_the_keystone_user_and_the_link_retries(
        client, openstack_signups, keystone_cleanup, os_conn, monkeypatch):
    name = unique()
    keystone_cleanup.append(name)
    sign_up(client, name, cloud="openstack")
    path = activation_path(mail.outbox[0])
    fail_final_save(monkeypatch)
    response = activate(client, path)
    assert response.status_code == 200 and b"unexpected error" in response.content
    admin = os_conn("admin")
    assert admin.identity.find_user(name, domain_id="default") is None
    assert not list(admin.identity.projects(name=name))
    signup = Signup.objects.get(username=name)
    assert signup.state == Signup.FAILED and not signup.user.is_active
    assert signup.user.username == name and decrypt(kept_password(name)) == PASSWORD

    monkeypatch.undo()
    assert activate(client, path).status_code == 302
    signup.refresh_from_db()
    assert signup.state == Signup.ACTIVE and signup.password == ""
    assert admin.identity.get_user(signup.cloud_user_id).name == name
    assert login(client, name, cloud="openstack").status_code == 302
