"""The audit log: every POST leaves an entry (also failed ones), secrets never do,
users see their project's entries and admins everything, CSV exports are inert."""

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from django_nova.models import AuditEntry
from tests.data import IMAGE_ID, PASSWORD
from tests.urlwalk import PATH_SAMPLES, accepts_post, nova_patterns, url_for

SECRET_WORD = "Sup3r-secret-passw0rd!"  # noqa: S105 - must never reach the log
# What a stable event name looks like: <thing>.<change>.
EVENT = re.compile(r"[a-z][a-z-]*\.[a-z][a-z-]*")


def only_entry(**filters) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(**filters))
    assert len(entries) == 1, [str(e) for e in AuditEntry.objects.all()]
    return entries[0]


def test_launch_is_recorded_with_who_where_and_what(member_client, member, project):
    response = member_client.post(reverse("django_nova:instance-launch"), {
        "name": "audited", "image": IMAGE_ID, "instance_type": "t3.micro", "count": 1},
        REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = only_entry(action="instance.launch")
    assert entry.outcome == AuditEntry.SUCCESS and entry.error == ""
    assert entry.user == member and entry.username == "alice"
    assert entry.address == "192.0.2.7"
    assert (entry.cloud, entry.project_id, entry.project_name) == ("embedded", str(project.pk),
                                                                   "alpha")
    assert entry.target.startswith("i-")


def test_address_behind_a_trusted_proxy_is_the_one_it_saw(member_client, settings):
    url = reverse("django_nova:keypair-delete", args=["k1"])
    member_client.post(url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")
    settings.NOVA = {**settings.NOVA, "TRUSTED_PROXIES": 1}
    member_client.post(url, REMOTE_ADDR="10.0.0.2",
                       HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5")
    # Without a trusted proxy the header is ignored; with one, its view counts.
    assert [e.address for e in AuditEntry.objects.order_by("id")] == ["10.0.0.2",
                                                                      "203.0.113.5"]


def test_invalid_form_is_recorded_as_failure(member_client):
    response = member_client.post(reverse("django_nova:keypair-import"),
                                  {"name": "k1", "public_key": "not a key"})
    assert response.status_code == 200
    entry = only_entry(action="keypair-import")
    assert entry.outcome == AuditEntry.FAILURE and "public_key" in entry.error
    assert "not a key" not in entry.error  # input is not echoed into the log


def test_failed_cloud_call_is_recorded(member_client, launch):
    response = member_client.post(reverse("django_nova:instance-action",
                                          args=["i-0123456789abcdef0", "stop"]))
    assert response.status_code == 302
    entry = only_entry(action="instance.stop")
    assert entry.outcome == AuditEntry.FAILURE and entry.target == "i-0123456789abcdef0"
    assert "i-0123456789abcdef0" in entry.error


def test_unreachable_cloud_is_recorded(member_client, settings, closed_port_url):
    settings.NOVA = {**settings.NOVA, "CLOUDS": {"embedded": {
        **settings.NOVA["CLOUDS"]["embedded"], "ENDPOINT": closed_port_url}}}
    response = member_client.post(reverse("django_nova:keypair-delete", args=["k1"]))
    assert response.status_code in (302, 503)
    entry = only_entry(action="keypair-delete")
    assert entry.outcome == AuditEntry.FAILURE and entry.error


def test_bulk_confirmation_step_is_not_a_change_and_the_action_is(member_client, launch):
    ids = launch(count=2)
    url = reverse("django_nova:instances-bulk")
    member_client.post(url, {"action": "stop", "ids": ids})
    assert not AuditEntry.objects.exists()
    member_client.post(url, {"action": "stop", "ids": [*ids, "i-0123456789abcdef0"],
                             "confirmed": "1"})
    # One entry per instance, each with its own outcome.
    entries = {e.target: e for e in AuditEntry.objects.filter(action="instance.stop")}
    assert set(entries) == {*ids, "i-0123456789abcdef0"}
    assert all(entries[i].outcome == AuditEntry.SUCCESS and not entries[i].error for i in ids)
    assert entries["i-0123456789abcdef0"].outcome == AuditEntry.FAILURE
    assert entries["i-0123456789abcdef0"].error


def test_admin_actions_are_filed_under_no_project(client, make_user, project):
    """Administration is filed under no project: it stays out of the admin's project log."""
    from django_nova.models import Membership

    root = make_user("root", is_staff=True)
    Membership.objects.create(user=root, project=project)
    client.force_login(root)
    client.post(reverse("django_nova:admin-project-edit", args=[project.pk]),
                {"name": "alpha", "description": "edited", "enabled": "on"})
    entry = only_entry(action="project.update")
    assert (entry.cloud, entry.project_id, entry.project_name) == ("embedded", "", "")
    assert entry.target == str(project.pk)
    assert "project.update" not in client.get(reverse("django_nova:audit-log")).content.decode()


def test_logins_are_recorded_and_passwords_never(client, member, project):
    client.post(reverse("django_nova:login"), {"cloud": "embedded", "username": "alice",
                                               "password": SECRET_WORD})
    failed = only_entry(action="login")
    assert failed.outcome == AuditEntry.FAILURE and failed.target == "alice"
    assert failed.user is None and failed.cloud == "embedded"
    client.post(reverse("django_nova:login"), {"username": "alice", "password": PASSWORD})
    succeeded = only_entry(action="login", outcome=AuditEntry.SUCCESS)
    assert succeeded.user == member and succeeded.project_name == "alpha"
    client.post(reverse("django_nova:logout"))
    logout = only_entry(action="logout")
    assert logout.user == member and logout.outcome == AuditEntry.SUCCESS
    for entry in AuditEntry.objects.all():
        assert SECRET_WORD not in str(vars(entry)) and PASSWORD not in str(vars(entry))


def test_created_private_key_never_reaches_the_log(member_client):
    response = member_client.post(reverse("django_nova:keypair-create"),
                                  {"name": "k-secret", "key_type": "ed25519"})
    assert b"PRIVATE KEY" in response.content
    entry = only_entry(action="keypair.create")
    assert entry.outcome == AuditEntry.SUCCESS and entry.target == "k-secret"
    assert "PRIVATE" not in str(vars(entry))


# Views whose POST changes nothing but the session (project, region) or only hands
# back a file built from what was posted (a new credential's one-time download).
# What changes only this session or person's view (and a download), not a project.
UNAUDITED = {"switch-project", "switch-region", "credentials-download", "user-settings"}


def test_switching_project_or_region_is_not_logged(member_client, project):
    member_client.post(reverse("django_nova:switch-project"), {"project": project.pk})
    member_client.post(reverse("django_nova:switch-region"), {"region": "eu-west-1"})
    assert not AuditEntry.objects.exists()


def test_every_post_url_leaves_an_entry(client, member, project, launch):
    """Walk the URLconf: a new mutating view is audited without anyone remembering to."""
    (instance_id,) = launch()
    samples = {"instance_id": instance_id}
    checked = []
    unaudited = set()
    for name, params, callback in nova_patterns():
        if not accepts_post(callback):
            continue
        if not getattr(callback.view_class, "audited", True):
            unaudited.add(name)
            continue
        client.force_login(member)
        before = AuditEntry.objects.count()
        url = url_for(name, params, **{k: v for k, v in samples.items() if k in params})
        client.post(url, {"ids": [instance_id], "action": "reboot", "confirmed": "1"})
        assert AuditEntry.objects.count() > before, f"{name} ({url}) left no audit entry"
        # Named by the event of the change the service made, or by the page when the
        # change never reached a service (a refused form).
        for entry in AuditEntry.objects.order_by("-id")[:AuditEntry.objects.count() - before]:
            assert entry.action.split(":")[0] == name or EVENT.fullmatch(entry.action), (
                name, entry.action)
        checked.append(name)
    assert {"instance-launch", "keypair-create", "volume-create"} <= set(checked)
    assert unaudited == UNAUDITED
    assert PATH_SAMPLES  # the walk uses the security tests' samples for path parameters


@pytest.fixture
def entries(member, make_user, make_project, project):
    other = make_project("beta", make_user("bob"))
    make = AuditEntry.objects.create
    make(username="alice", cloud="embedded", project_id=str(project.pk), project_name="alpha",
         action="volume-create", target="vol-a", outcome=AuditEntry.SUCCESS)
    make(username="bob", cloud="embedded", project_id=str(other.pk), project_name="beta",
         action="volume-create", target="vol-b", outcome=AuditEntry.SUCCESS)
    make(username="bob", cloud="embedded", project_id=str(other.pk), project_name="beta",
         action="keypair-delete", target="=HYPERLINK(\"http://evil.example\")",
         outcome=AuditEntry.FAILURE, error="@SUM(1)")
    return other


def test_members_see_their_project_log_only(member_client, entries):
    page = member_client.get(reverse("django_nova:audit-log")).content.decode()
    assert "vol-a" in page and "vol-b" not in page and "HYPERLINK" not in page


def test_admin_log_is_for_admins(member_client, entries):
    assert member_client.get(reverse("django_nova:admin-audit-log")).status_code == 403
    assert Client().get(reverse("django_nova:admin-audit-log")).status_code == 302


def test_admin_sees_and_filters_everything(client, make_user, entries):
    client.force_login(make_user("root", is_staff=True))
    url = reverse("django_nova:admin-audit-log")
    page = client.get(url).content.decode()
    assert "vol-a" in page and "vol-b" in page
    filtered = client.get(url, {"user": "bob", "action": "keypair"}).content.decode()
    assert "vol-a" not in filtered and "vol-b" not in filtered and "HYPERLINK" in filtered
    assert "vol-b" in client.get(url, {"project": "beta"}).content.decode()
    bad = client.get(url, {"since": "2026-02-02", "until": "2026-01-01"})
    assert "before the start date" in bad.content.decode()


def test_csv_export_neutralises_formulas(client, make_user, entries):
    client.force_login(make_user("root", is_staff=True))
    response = client.get(reverse("django_nova:admin-audit-log"), {"format": "csv",
                                                                  "user": "bob"})
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0].startswith("time")
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\")" in cells and "'@SUM(1)" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert len(rows) == 3  # header + bob's two entries


def test_hostile_target_is_escaped_on_the_page(client, make_user, entries):
    AuditEntry.objects.create(username="x", action="volume-create", outcome="failure",
                              target="<img src=x onerror=alert(1)>")
    client.force_login(make_user("root", is_staff=True))
    page = client.get(reverse("django_nova:admin-audit-log")).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


@pytest.mark.openstack
def test_keystone_admin_sees_their_clouds_entries_only(keystone_client, client):
    make = AuditEntry.objects.create
    make(username="x", cloud="openstack", action="volume-create", target="vol-openstack",
         outcome=AuditEntry.SUCCESS)
    make(username="y", cloud="embedded", action="volume-create", target="vol-embedded",
         outcome=AuditEntry.SUCCESS)
    make(username="", cloud="", action="django_registration_register", target="stranger",
         outcome=AuditEntry.SUCCESS)
    keystone_client("admin")
    page = client.get(reverse("django_nova:admin-audit-log")).content.decode()
    assert "vol-openstack" in page
    assert "vol-embedded" not in page and "stranger" not in page
