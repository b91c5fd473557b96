"""API access on EC2: the endpoint, and IAM access keys against the moto server.

In a browser: tests/browser/test_credentials.py."""

import configparser
import re
import subprocess

import boto3
import pytest
from django.test import Client

from django_nova.clouds.ec2.access_keys import iam_user_name
from django_nova.exceptions import NotFound
from django_nova.mixins import SENT_TWICE, SUBMISSION_FIELD
from django_nova.models import AuditEntry, Membership
from tests.helpers import cloud_operations, cloud_settings, messages_of

PAGE = "/credentials/"
CREATE = "/credentials/keys/create/"
DOWNLOAD = "/credentials/download/"


def create_key(client) -> tuple[str, str, str]:
    """Create an access key through the page; (key id, secret, the one-time page's HTML)."""
    response = client.post(CREATE)
    assert response.status_code == 200, response.content.decode()[:500]
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    key_id = re.search(r'id="credential-id">([A-Z0-9]+)<', html).group(1)
    secret = re.search(r'id="credential-secret">([^<]+)<', html).group(1)
    return key_id, secret, html


def ec2_with(key_id, secret, endpoint):
    return boto3.client("ec2", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=key_id, aws_secret_access_key=secret)


def visible_instances(key_id, secret, endpoint) -> set[str]:
    found = ec2_with(key_id, secret, endpoint).describe_instances()
    return {i["InstanceId"] for r in found["Reservations"] for i in r["Instances"]}


def test_page_shows_endpoint_region_and_no_keys(member_client, nova_cloud):
    response = member_client.get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<code id="ec2-endpoint">{nova_cloud}</code>' in html
    assert '<code id="ec2-region">us-east-1</code>' in html
    assert "<code>alice</code>" in html  # the IAM user
    assert "No access keys yet" in html
    assert 'id="create-access-key"' in html
    # OpenStack's sections and pages are not offered on EC2.
    assert "openrc" not in html
    for path in ("/credentials/openrc/", "/credentials/clouds.yaml",
                 "/credentials/application/create/"):
        assert member_client.get(path).status_code == 404, path


def test_key_is_shown_once_works_in_the_project_and_is_never_kept(member_client, launch,
                                                                  nova_cloud):
    (instance_id,) = launch(name="mine")
    assert member_client.get(CREATE).status_code == 200
    key_id, secret, html = create_key(member_client)
    assert key_id.startswith("AKIA") and len(secret) >= 40
    assert "only time the secret is shown" in html

    # The key reaches the project's own account: it sees the project's instance.
    assert visible_instances(key_id, secret, nova_cloud) == {instance_id}

    # Listed afterwards, but the secret is gone for good.
    listing = member_client.get(PAGE)
    assert key_id in listing.content.decode() and "Active" in listing.content.decode()
    assert secret not in listing.content.decode()
    entry = AuditEntry.objects.get(action="access-key.create")
    assert entry.outcome == AuditEntry.SUCCESS and entry.target == key_id
    for entry in AuditEntry.objects.all():
        assert secret not in f"{entry.target} {entry.error} {entry.action}"


def test_key_downloads_as_aws_cli_profile_and_env(member_client, project, nova_cloud, tmp_path):
    key_id, secret, html = create_key(member_client)
    assert 'value="aws-credentials"' in html and 'value="aws-env"' in html

    response = member_client.post(DOWNLOAD, {"format": "aws-credentials",
                                             "credential_id": key_id, "secret": secret})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="credentials"'
    assert response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"
    ini = configparser.ConfigParser()
    ini.read_string(response.content.decode())
    assert ini["nova-alpha"]["aws_access_key_id"] == key_id
    assert ini["nova-alpha"]["aws_secret_access_key"] == secret
    assert f"endpoint_url = {nova_cloud}" in response.content.decode()

    response = member_client.post(DOWNLOAD, {"format": "aws-env", "credential_id": key_id,
                                             "secret": secret})
    assert response["Content-Disposition"] == 'attachment; filename="aws-env.sh"'
    script = tmp_path / "aws-env.sh"
    script.write_bytes(response.content)
    shown = subprocess.run(["bash", "-c", f". {script} && env"], capture_output=True,
                           text=True, check=True).stdout.splitlines()
    for line in (f"AWS_ACCESS_KEY_ID={key_id}", f"AWS_SECRET_ACCESS_KEY={secret}",
                 "AWS_DEFAULT_REGION=us-east-1", f"AWS_ENDPOINT_URL={nova_cloud}"):
        assert line in shown
    # Downloading changes nothing, so it leaves no audit entry.
    assert not AuditEntry.objects.filter(action="credentials-download").exists()


def test_download_refuses_what_the_cloud_never_hands_out(member_client):
    for data in ({"format": "aws-env", "credential_id": "AKIA$(reboot)", "secret": "x" * 40},
                 {"format": "aws-env", "credential_id": "AKIAABCDEFGHIJKLMNOP",
                  "secret": "a'; rm -rf ~; '" * 3},
                 {"format": "openrc", "credential_id": "0" * 32, "secret": "y" * 40}):
        response = member_client.post(DOWNLOAD, data)
        assert response.status_code == 302 and response["Location"] == PAGE
        assert any("not available" in m for m in messages_of(response))


def test_deactivate_activate_and_delete(member_client, launch, cloud, nova_cloud):
    (instance_id,) = launch()
    key_id, secret, _ = create_key(member_client)
    status_url = f"/credentials/keys/{key_id}/status/"

    response = member_client.post(status_url, {"active": "0"})
    assert response.status_code == 302
    assert f"Access key {key_id} is now inactive." in messages_of(response)
    assert [k.status for k in cloud.access_keys.list_access_keys("alice")] == ["Inactive"]
    assert "Activate</button>" in member_client.get(PAGE).content.decode()
    # moto does not enforce IAM (no INITIAL_NO_AUTH_ACTION_COUNT), so an inactive key
    # is not refused there; AWS refuses it.  The status is what the dashboard controls.

    member_client.post(status_url, {"active": "1"})
    assert [k.status for k in cloud.access_keys.list_access_keys("alice")] == ["Active"]

    confirm = member_client.get(f"/credentials/keys/{key_id}/delete/")
    assert confirm.status_code == 200 and key_id in confirm.content.decode()
    response = member_client.post(f"/credentials/keys/{key_id}/delete/")
    assert f"Deleted access key {key_id}; it no longer works." in messages_of(response)
    assert cloud.access_keys.list_access_keys("alice") == []
    # moto no longer maps the key to the project's account: its instance is out of reach.
    assert instance_id not in visible_instances(key_id, secret, nova_cloud)
    assert member_client.get(f"/credentials/keys/{key_id}/delete/").status_code == 404


def test_two_keys_is_the_limit_with_a_clear_message(member_client, cloud):
    create_key(member_client)
    create_key(member_client)
    page = member_client.get(PAGE).content.decode()
    assert 'id="key-limit"' in page and 'id="create-access-key"' not in page
    assert 'id="key-limit"' in member_client.get(CREATE).content.decode()

    response = member_client.post(CREATE)
    assert response.status_code == 302 and response["Location"] == PAGE
    assert any("the most AWS allows one user" in m for m in messages_of(response))
    assert len(cloud.access_keys.list_access_keys("alice")) == 2
    entry = AuditEntry.objects.filter(action="access-key.create").first()
    assert entry.outcome == AuditEntry.FAILURE


def test_reloading_the_new_key_page_makes_no_second_key(member_client, cloud):
    """The one-time page is a POST's answer; a reload sends that POST again, with the
    same one-time token: it is acted on once, and the reload shows the form instead."""
    page = member_client.get(CREATE)
    token = page.context["submission_token"]
    first = member_client.post(CREATE, {SUBMISSION_FIELD: token})
    assert first.status_code == 200 and 'id="credential-secret"' in first.content.decode()
    reload = member_client.post(CREATE, {SUBMISSION_FIELD: token}, follow=True)
    assert SENT_TWICE in messages_of(reload)
    assert 'id="credential-secret"' not in reload.content.decode()
    assert len(cloud.access_keys.list_access_keys("alice")) == 1


def test_other_members_never_see_or_touch_my_keys(member_client, project, cloud, make_user,
                                                  make_project):
    key_id, secret, _ = create_key(member_client)
    bob = make_user("bob")
    Membership.objects.create(user=bob, project=project, role=Membership.ROLE_MEMBER)
    carol = make_user("carol")
    make_project("gamma", carol)

    for other in (bob, carol):
        client = Client()
        client.force_login(other)
        page = client.get(PAGE).content.decode()
        assert key_id not in page and "No access keys yet" in page
        assert client.get(f"/credentials/keys/{key_id}/delete/").status_code == 404
        assert client.post(f"/credentials/keys/{key_id}/delete/").status_code == 404
        response = client.post(f"/credentials/keys/{key_id}/status/", {"active": "0"})
        assert any(m.startswith(f"Could not change access key {key_id}")
                   for m in messages_of(response))
    keys = cloud.access_keys.list_access_keys("alice")
    assert [(k.id, k.status) for k in keys] == [(key_id, "Active")]


def test_hostile_project_name_stays_inert(member_client, project, tmp_path):
    project.name = "<img src=x onerror=alert(1)>$(touch pwned)"
    project.save()
    page = member_client.get(PAGE).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    key_id, secret, _ = create_key(member_client)
    response = member_client.post(DOWNLOAD, {"format": "aws-credentials",
                                             "credential_id": key_id, "secret": secret})
    ini = configparser.ConfigParser()
    ini.read_string(response.content.decode())
    assert ini.sections() == ["nova-img-src-x-onerror-alert-1-touch-pwned"]


def test_unreachable_cloud_gives_a_readable_page(member_client, settings, closed_port_url):
    settings.NOVA = {**settings.NOVA, **cloud_settings(closed_port_url)}
    response = member_client.get(PAGE)
    assert response.status_code == 200
    assert "did not answer in time" in response.content.decode()
    response = member_client.post(CREATE)
    assert response.status_code == 302
    assert any("did not answer" in m for m in messages_of(response))


def test_credentials_page_needs_login_and_a_project(client, make_user):
    assert client.get(PAGE)["Location"].startswith("/login/")
    client.force_login(make_user("nobody"))
    assert client.get(PAGE).status_code == 403


@pytest.mark.parametrize(("username", "expected"), [
    ("alice", "alice"),
    ("bob.smith@example.com", "bob.smith@example.com"),
])
def test_iam_user_name_keeps_safe_names(username, expected):
    assert iam_user_name(username) == expected


def test_iam_user_name_sanitises_and_keeps_users_apart():
    names = {iam_user_name(u) for u in ("Alice", "alice", "josé", "jos-", "x" * 150, "a b")}
    assert len(names) == 6
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9+=,.@_-]{1,64}", name), name
    assert iam_user_name("Alice") == iam_user_name("Alice")


def test_iam_user_name_never_collides_with_a_real_name_that_looks_mapped():
    """IAM names ignore case: "Alice" maps to "Alice-<digest>", so a real user called
    "alice-<that digest>" must get another IAM user."""
    mapped = iam_user_name("Alice")
    lookalike = mapped.lower()
    assert lookalike != "alice" and iam_user_name(lookalike).lower() != mapped.lower()
    names = ["Alice", "alice", lookalike, iam_user_name(lookalike), "a" * 64, "a" * 65,
             "x-0123456789", "x-012345678", "X-0123456789"]
    mapped_all = [iam_user_name(n).lower() for n in names]
    assert len(set(mapped_all)) == len(names)
    assert iam_user_name("x-012345678") == "x-012345678"  # not digest-like: kept


def test_lookalike_names_get_separate_iam_users(member_client, project, cloud, make_user):
    lookalike = make_user(iam_user_name("Alice").lower())
    upper = make_user("Alice")
    for user in (upper, lookalike):
        Membership.objects.create(user=user, project=project, role=Membership.ROLE_MEMBER)
    keys = {}
    for user in (upper, lookalike):
        client = Client()
        client.force_login(user)
        keys[user.username] = create_key(client)[0]
    assert keys[upper.username] != keys[lookalike.username]
    def key_ids(username):
        return [k.id for k in cloud.access_keys.list_access_keys(iam_user_name(username))]
    assert key_ids("Alice") == [keys["Alice"]]
    assert key_ids(lookalike.username) == [keys[lookalike.username]]


def test_iam_refuses_a_key_of_another_user_by_name(cloud):
    """The cloud always names the IAM user, so IAM itself keeps users' keys apart."""
    mine = cloud.access_keys.create_access_key("alice")
    cloud.access_keys.create_access_key("bob")
    with pytest.raises(NotFound):
        cloud.access_keys.delete_access_key("bob", mine.key.id)
    with pytest.raises(NotFound):
        cloud.access_keys.set_access_key_status("bob", mine.key.id, False)
    assert [(k.id, k.status) for k in cloud.access_keys.list_access_keys("alice")] == [
        (mine.key.id, "Active")]


def test_page_makes_a_bounded_number_of_calls(member_client, cloud):
    cloud.access_keys.create_access_key("alice")
    cloud.access_keys.create_access_key("alice")

    def page():
        assert member_client.get(PAGE).status_code == 200

    seen = cloud_operations(page)
    # One listing, then "last used" for each key (at most two, AWS's limit), concurrently.
    assert seen == [
        "GetAccessKeyLastUsed", "GetAccessKeyLastUsed", "ListAccessKeys"]
