"""Keystone login and sessions against the real OpenStack test cloud: the token kept
server side, form errors, cloud admins, project switch, logout, expiry, and the
OpenStack cloud beside the embedded one.

Users log in through the login form with their Keystone credentials.
"""

import pytest
from django.test import Client

from django_nova.keystone import SESSION_KEYSTONE, KeystoneSession

pytestmark = pytest.mark.openstack


def keystone_of(client) -> KeystoneSession:
    return KeystoneSession.from_session(client.session)


def test_keystone_login_keeps_the_token_server_side(keystone_client, client):
    keystone_client("demo")
    keystone = keystone_of(client)
    assert keystone.cloud == "openstack" and keystone.user_name == "demo"
    assert keystone.token and keystone.project_id
    assert [p["name"] for p in keystone.projects] == ["demo"]
    page = client.get("/instances/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "demo" in html and "OpenStack test cloud" in html
    for secret in (keystone.token, keystone.unscoped_token):
        assert secret not in html
        assert all(secret not in c.value for c in client.cookies.values())
    assert not keystone.is_admin and not page.wsgi_request.nova.is_cloud_admin


def test_wrong_password_is_a_form_error(client, with_openstack):
    response = client.post("/login/", {"cloud": "openstack", "username": "demo",
                                       "password": "wrong-password", "domain": "Default"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert SESSION_KEYSTONE not in client.session


def test_anonymous_login_page_writes_no_session(client, with_openstack):
    response = client.get("/login/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert b'name="domain"' in response.content and b"OpenStack test cloud" in response.content


def test_admin_role_makes_a_cloud_admin(keystone_client, client):
    keystone_client("admin")
    assert keystone_of(client).is_admin
    assert client.get("/instances/").wsgi_request.nova.is_cloud_admin


def test_project_switch_rescopes(keystone_client, client, os_conn):
    admin = os_conn("admin")
    second = admin.identity.find_project("nova-test-second") or admin.identity.create_project(
        name="nova-test-second", domain_id="default")
    demo_user = admin.identity.find_user("demo", domain_id="default")
    member = admin.identity.find_role("member")
    admin.identity.assign_project_role_to_user(second, demo_user, member)
    try:
        keystone_client("demo")
        first = keystone_of(client)
        assert {p["name"] for p in first.projects} == {"demo", "nova-test-second"}
        assert client.post("/switch/project/", {"project": second.id}).status_code == 302
        switched = keystone_of(client)
        assert switched.project_id == second.id and switched.token != first.token
        assert client.get("/instances/").wsgi_request.nova.project.name == "nova-test-second"
        stranger = admin.identity.find_project("admin", domain_id="default")
        assert client.post("/switch/project/", {"project": stranger.id}).status_code == 403
    finally:
        admin.identity.unassign_project_role_from_user(second, demo_user, member)


def test_logout_revokes_the_token(keystone_client, client, os_conn):
    keystone_client("demo")
    keystone = keystone_of(client)
    client.post("/logout/")
    assert client.get("/instances/").status_code == 302
    admin = os_conn("admin")
    check = admin.session.get("/auth/tokens", raise_exc=False,
                              endpoint_filter={"service_type": "identity", "interface": "public"},
                              headers={"X-Subject-Token": keystone.token})
    assert check.status_code == 404


def test_expired_token_sends_back_to_login_with_next(keystone_client, client):
    keystone_client("demo")
    session = client.session
    session[SESSION_KEYSTONE]["expires_at"] = "2001-01-01T00:00:00+00:00"
    session.save()
    response = client.get("/images/?x=1")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/images/%3Fx%3D1"
    assert SESSION_KEYSTONE not in client.session


def test_two_clouds_side_by_side(keystone_client, client, member, project):
    ec2_client = Client()
    ec2_client.force_login(member)
    assert ec2_client.get("/instances/").wsgi_request.nova.cloud_key == "embedded"
    keystone_client("demo")
    assert client.get("/instances/").wsgi_request.nova.cloud_key == "openstack"


def test_os_cloud_adds_the_clouds_yaml_cloud_to_the_site(openstack_cloud, tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "OS_CLOUD": "test-demo", "NOVA_VAR_DIR": str(tmp_path),
           "OS_CLIENT_CONFIG_FILE": openstack_cloud["clouds_yaml"],
           "DJANGO_SETTINGS_MODULE": "openstack_dashboard.settings"}
    out = subprocess.run([sys.executable, "-c", "from django.conf import settings; "
                          "print(sorted(settings.NOVA['CLOUDS']))"],
                         env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['embedded', 'test-demo']"
