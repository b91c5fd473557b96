"""API access on OpenStack: openrc, clouds.yaml and application credentials, against the
real test cloud's Keystone.

``demo_keystone`` and ``credential_cleanup`` are in tests/conftest.py; in a browser:
tests/browser/test_credentials.py."""

import re
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from django.test import Client
from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3
from openstack.exceptions import BadRequestException

from django_nova.context import NovaContext, ProjectChoice
from django_nova.keystone import KeystoneSession
from django_nova.models import AuditEntry
from django_nova.services.credentials import CredentialService
from tests.helpers import messages_of

pytestmark = pytest.mark.openstack

PAGE = "/credentials/"
CREATE = "/credentials/application/create/"
DOWNLOAD = "/credentials/download/"


def source(script_path, stdin="", show="env") -> dict:
    """Source a shell file in bash and return the environment it leaves."""
    done = subprocess.run(["bash", "-c", f'. "$0" && {show}', str(script_path)], input=stdin,
                          capture_output=True, text=True, check=True, timeout=20)
    return dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)


def test_page_offers_the_project_files_and_credentials(keystone_client, client, with_openstack):
    keystone_client("demo")
    html = client.get(PAGE).content.decode()
    auth_url = with_openstack["definition"]["AUTH_URL"]
    assert f'<code id="auth-url">{auth_url}</code>' in html
    for expected in ('id="download-openrc"', 'id="download-clouds-yaml"',
                     'id="create-app-credential"', "Application credentials"):
        assert expected in html
    assert "Access keys" not in html
    # EC2's pages are not offered on OpenStack.
    assert client.get("/credentials/keys/create/").status_code == 404
    assert client.post("/credentials/keys/AKIAABCDEFGHIJKLMNOP/delete/").status_code == 404


def test_openrc_asks_for_the_password_and_names_the_project(keystone_client, client,
                                                            with_openstack, demo_keystone,
                                                            tmp_path):
    keystone_client("demo")
    response = client.get("/credentials/openrc/")
    assert response["Content-Disposition"] == 'attachment; filename="openrc"'
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    password = with_openstack["users"]["demo"][1]
    assert password not in text and "read -sr" in text
    script = tmp_path / "openrc"
    script.write_text(text)
    env = source(script, stdin="typed-password\n")
    assert env["OS_PASSWORD"] == "typed-password"
    assert env["OS_AUTH_URL"] == with_openstack["definition"]["AUTH_URL"]
    assert env["OS_USERNAME"] == "demo" and env["OS_USER_DOMAIN_NAME"] == "Default"
    assert env["OS_PROJECT_NAME"] == "demo"
    assert env["OS_PROJECT_ID"] == demo_keystone["project_id"]
    assert env["OS_PROJECT_DOMAIN_ID"] == "default"
    assert env["OS_REGION_NAME"] == "RegionOne" and env["OS_INTERFACE"] == "public"
    assert env["OS_IDENTITY_API_VERSION"] == "3"
    # With the real password typed in, the variables log into Keystone.
    env = source(script, stdin=password + "\n")
    auth = v3.Password(auth_url=env["OS_AUTH_URL"], username=env["OS_USERNAME"],
                       password=env["OS_PASSWORD"], user_domain_name=env["OS_USER_DOMAIN_NAME"],
                       project_id=env["OS_PROJECT_ID"])
    assert ks_session.Session(auth=auth).get_project_id() == demo_keystone["project_id"]


def test_clouds_yaml_has_no_password_and_works_with_one_added(keystone_client, client,
                                                              with_openstack, demo_keystone,
                                                              tmp_path, monkeypatch):
    # openstacksdk reads OS_CLIENT_CONFIG_FILE before any file it is given.
    monkeypatch.delenv("OS_CLIENT_CONFIG_FILE", raising=False)
    keystone_client("demo")
    response = client.get("/credentials/clouds.yaml")
    assert response["Content-Disposition"] == 'attachment; filename="clouds.yaml"'
    text = response.content.decode()
    password = with_openstack["users"]["demo"][1]
    assert password not in text and "secure.yaml" in text
    entry = yaml.safe_load(text)["clouds"]["openstack"]
    assert "password" not in entry["auth"]
    assert entry["auth"]["username"] == "demo"
    assert entry["auth"]["project_id"] == demo_keystone["project_id"]
    assert entry["auth"]["project_name"] == "demo"
    assert entry["auth"]["user_domain_name"] == "Default"
    assert entry["region_name"] == "RegionOne" and entry["identity_api_version"] == 3

    # openstacksdk reads it as is, with the password from a secure.yaml beside it.
    from openstack.config import OpenStackConfig

    (tmp_path / "clouds.yaml").write_text(text)
    (tmp_path / "secure.yaml").write_text(
        yaml.safe_dump({"clouds": {"openstack": {"auth": {"password": password}}}}))
    loader = OpenStackConfig(config_files=[str(tmp_path / "clouds.yaml")],
                             secure_files=[str(tmp_path / "secure.yaml")])
    cloud = loader.get_one(cloud="openstack")
    assert cloud.get_session().get_project_id() == demo_keystone["project_id"]


def hostile_service(settings, with_openstack, name: str) -> CredentialService:
    """The service for a project with a hostile name (Keystone is not asked)."""
    keystone = KeystoneSession(cloud="openstack", user_id="u1", user_name="demo",
                               domain="Default", unscoped_token="", project_id="p1",
                               roles=["member"])
    context = NovaContext(user=None, cloud_key="openstack",
                          projects=[ProjectChoice(id="p1", name=name, owner_id="p1")],
                          region="RegionOne", access=keystone)
    context.project = context.projects[0]
    return CredentialService(context)


def test_hostile_project_name_stays_quoted(settings, with_openstack, tmp_path):
    hostile = "x'; touch pwned; echo '$(touch pwned2)`touch pwned3`\nexport OS_AUTH_URL=evil"
    service = hostile_service(settings, with_openstack, hostile)
    script = tmp_path / "openrc"
    script.write_text(service.project_openrc())
    env = source(script, stdin="pw\n", show="printf '%s' \"$OS_PROJECT_NAME\"; echo; env")
    assert not list(tmp_path.parent.glob("pwned*")) and not list(tmp_path.glob("pwned*"))
    assert env["OS_AUTH_URL"] == with_openstack["definition"]["AUTH_URL"]
    shown = subprocess.run(["bash", "-c", '. "$0" >/dev/null && printf %s "$OS_PROJECT_NAME"',
                            str(script)], input="pw\n", capture_output=True, text=True,
                           check=True, cwd=tmp_path).stdout
    assert shown == hostile
    assert not list(tmp_path.glob("pwned*"))
    loaded = yaml.safe_load(service.project_clouds_yaml())
    assert loaded["clouds"]["openstack"]["auth"]["project_name"] == hostile


def create_credential(client, name, **extra):
    # Always a role subset: other tests on the shared cloud may grant and revoke demo's
    # other roles meanwhile, and Keystone refuses a credential with a revoked role.
    data = {"name": name, "description": "made by a test", "roles": ["member"], **extra}
    for _ in range(5):
        response = client.post(CREATE, data)
        form = response.context.get("form")
        # Keystone checks the roles against the token's as of now: while another suite on the
        # shared cloud changes role assignments or inferences, it refuses for a moment.
        if not (form and "role" in str(form.non_field_errors())):
            break
        time.sleep(1)
    assert response.status_code == 200, response.content.decode()[:300]
    html = response.content.decode()
    form = response.context.get("form")
    assert "only time the secret is shown" in html, (form.errors if form else html[:3000])
    assert response["Cache-Control"] == "no-store"
    credential_id = re.search(r'id="credential-id">([0-9a-f]{32})<', html).group(1)
    secret = re.search(r'id="credential-secret">([A-Za-z0-9_-]+)<', html).group(1)
    return credential_id, secret, html


def app_credential_auth(auth_url, credential_id, secret):
    auth = v3.ApplicationCredential(auth_url=auth_url, application_credential_id=credential_id,
                                    application_credential_secret=secret)
    return ks_session.Session(auth=auth)


def test_application_credential_lifecycle(keystone_client, client, with_openstack,
                                          demo_keystone, credential_cleanup, tmp_path,
                                          monkeypatch):
    # openstacksdk reads OS_CLIENT_CONFIG_FILE before any file it is given.
    monkeypatch.delenv("OS_CLIENT_CONFIG_FILE", raising=False)
    keystone_client("demo")
    name = f"ci-{uuid.uuid4().hex[:8]}"
    credential_cleanup.append(name)
    form = client.get(CREATE).content.decode()
    assert 'name="roles" value="member"' in form

    expires = (datetime.now(UTC) + timedelta(days=3)).date()
    credential_id, secret, html = create_credential(client, name, expires=expires.isoformat())
    assert 'value="openrc"' in html and 'value="clouds-yaml"' in html

    # The secret authenticates against Keystone, in the current project.
    auth_url = with_openstack["definition"]["AUTH_URL"]
    session = app_credential_auth(auth_url, credential_id, secret)
    assert session.get_project_id() == demo_keystone["project_id"]

    # Both downloads carry it, as openstacksdk and the openstack CLI want it.
    response = client.post(DOWNLOAD, {"format": "clouds-yaml", "credential_id": credential_id,
                                      "secret": secret})
    assert response["Content-Disposition"] == 'attachment; filename="clouds.yaml"'
    assert response["Cache-Control"] == "no-store"
    entry = yaml.safe_load(response.content)["clouds"]["openstack-appcred"]
    assert entry["auth_type"] == "v3applicationcredential"
    assert entry["auth"] == {"auth_url": auth_url, "application_credential_id": credential_id,
                             "application_credential_secret": secret}
    from openstack.config import OpenStackConfig

    (tmp_path / "clouds.yaml").write_bytes(response.content)
    cloud = OpenStackConfig(config_files=[str(tmp_path / "clouds.yaml")]).get_one(
        cloud="openstack-appcred")
    assert cloud.get_session().get_project_id() == demo_keystone["project_id"]

    response = client.post(DOWNLOAD, {"format": "openrc", "credential_id": credential_id,
                                      "secret": secret})
    assert response["Content-Disposition"] == 'attachment; filename="app-cred-openrc.sh"'
    (tmp_path / "openrc").write_bytes(response.content)
    env = source(tmp_path / "openrc")
    assert env["OS_AUTH_TYPE"] == "v3applicationcredential"
    assert env["OS_APPLICATION_CREDENTIAL_ID"] == credential_id
    assert env["OS_APPLICATION_CREDENTIAL_SECRET"] == secret
    assert "OS_USERNAME" not in env and "OS_PASSWORD" not in env

    # Listed afterwards, without its secret; the audit log names it, never the secret.
    page = client.get(PAGE).content.decode()
    assert name in page and credential_id in page and "member" in page
    assert expires.isoformat() in page
    assert secret not in page
    entry = AuditEntry.objects.get(action="application-credential.create")
    assert entry.outcome == AuditEntry.SUCCESS and entry.target == credential_id
    for entry in AuditEntry.objects.all():
        assert secret not in f"{entry.target} {entry.error} {entry.action}"

    # Deleted: it no longer authenticates.
    delete_url = f"/credentials/application/{credential_id}/delete/"
    assert name in client.get(delete_url).content.decode()
    response = client.post(delete_url)
    assert any(m.startswith("Deleted the application credential") for m in messages_of(response))
    assert credential_id not in client.get(PAGE).content.decode()
    with pytest.raises((ks_exceptions.Unauthorized, ks_exceptions.NotFound)):
        app_credential_auth(auth_url, credential_id, secret).get_token()
    assert client.get(delete_url).status_code == 404


def test_create_form_validates(keystone_client, client, credential_cleanup):
    keystone_client("demo")
    name = f"dup-{uuid.uuid4().hex[:8]}"
    credential_cleanup.append(name)
    cases = [
        ({"name": ""}, "name"),
        ({"name": "<img src=x onerror=alert(1)>"}, "name"),
        ({"name": "ok-name", "expires": datetime.now(UTC).date().isoformat()}, "expires"),
        ({"name": "ok-name", "expires": "not-a-date"}, "expires"),
        ({"name": "ok-name", "roles": ["no-such-role"]}, "roles"),
    ]
    for data, field in cases:
        response = client.post(CREATE, data)
        assert response.status_code == 200
        assert field in response.context["form"].errors, (data, response.context["form"].errors)
        assert "only time the secret is shown" not in response.content.decode()
    create_credential(client, name)
    response = client.post(CREATE, {"name": name, "roles": ["member"]})
    assert response.context["form"].errors["name"] == [
        "You already have an application credential with this name."]


def test_other_users_never_see_or_delete_my_credential(keystone_client, client, demo_keystone,
                                                       credential_cleanup):
    keystone_client("demo")
    name = f"mine-{uuid.uuid4().hex[:8]}"
    credential_cleanup.append(name)
    credential_id, secret, _ = create_credential(client, name)

    other = keystone_client("alt", test_client=Client())
    assert name not in other.get(PAGE).content.decode()
    delete_url = f"/credentials/application/{credential_id}/delete/"
    assert other.get(delete_url).status_code == 404
    assert other.post(delete_url).status_code == 404
    conn = demo_keystone["conn"]
    still = conn.identity.get_application_credential(demo_keystone["user_id"], credential_id)
    assert still.name == name


def test_hostile_credential_name_is_escaped(keystone_client, client, demo_keystone,
                                            credential_cleanup):
    hostile = f"<script>alert(1)</script>-{uuid.uuid4().hex[:6]}"
    credential_cleanup.append(hostile)
    conn = demo_keystone["conn"]
    for attempt in range(5):  # see create_credential: the shared cloud's roles may move
        try:
            made = conn.identity.create_application_credential(
                demo_keystone["user_id"], hostile, description="<img src=x onerror=alert(1)>",
                roles=[{"name": "member"}])
            break
        except BadRequestException:
            if attempt == 4:
                raise
            time.sleep(1)
    keystone_client("demo")
    for path in (PAGE, f"/credentials/application/{made.id}/delete/"):
        html = client.get(path).content.decode()
        assert "<script>alert(1)</script>" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
