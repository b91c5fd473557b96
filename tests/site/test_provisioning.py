"""Provisioning of newly activated accounts: all or nothing, on EC2 (moto) and OpenStack."""

import uuid
from unittest import mock

import pytest
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

from django_nova.clouds import open_cloud
from django_nova.exceptions import Unavailable
from django_nova.models import Membership, Project
from django_nova.services import provisioning
from django_nova.services.provisioning import (
    Provisioned,
    ProvisioningError,
    provision_user,
    provisioning_enabled,
    set_cloud_password,
)


def unique(prefix="prov"):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# --- EC2 (embedded cloud) -----------------------------------------------------------------

def test_embedded_cloud_provisions_by_default():
    assert provisioning_enabled("embedded")
    assert not provisioning_enabled("no-such-cloud")


def test_ec2_personal_project_with_user_as_admin(make_user):
    user = make_user("carol")
    result = provision_user(user, "embedded")
    assert isinstance(result, Provisioned)
    assert (result.cloud, result.project_name, result.cloud_user_id) == ("embedded", "carol", "")
    project = Project.objects.get(pk=result.project_id)
    assert project.enabled and project.cloud == "embedded"
    membership = Membership.objects.get(project=project)
    assert (membership.user, membership.role) == (user, Membership.ROLE_ADMIN)
    # Its own account: reachable, and empty.
    cloud = open_cloud("embedded", project, "us-east-1")
    assert cloud.compute.list_instances().items == []


def test_ec2_personal_projects_get_their_own_accounts(make_user):
    first = provision_user(make_user("dave"), "embedded")
    second = provision_user(make_user("erin"), "embedded")
    accounts = set(Project.objects.filter(pk__in=[first.project_id, second.project_id])
                   .values_list("account_id", flat=True))
    assert len(accounts) == 2


def test_ec2_taken_name_gets_a_suffix(make_user, make_project):
    make_project("frank")
    result = provision_user(make_user("frank"), "embedded")
    assert result.project_name.startswith("frank-") and len(result.project_name) == 10
    assert Project.objects.filter(name__startswith="frank").count() == 2


def test_ec2_failure_leaves_nothing(make_user):
    user = make_user("gina")
    with mock.patch.object(Membership.objects, "create", side_effect=RuntimeError("boom")), \
            pytest.raises(ProvisioningError) as raised:
        provision_user(user, "embedded")
    assert "could not be created" in str(raised.value)
    assert not Project.objects.filter(name__startswith="gina").exists()
    assert not Membership.objects.filter(user=user).exists()


def test_disabled_or_unknown_cloud_refuses(make_user, settings):
    user = make_user("hank")
    clouds = settings.NOVA["CLOUDS"]
    settings.NOVA = {**settings.NOVA, "CLOUDS": {
        "embedded": {**clouds["embedded"], "PROVISIONING": {"ENABLED": False}}}}
    assert not provisioning_enabled("embedded")
    with pytest.raises(ProvisioningError):
        provision_user(user, "embedded")
    with pytest.raises(ProvisioningError):
        provision_user(user, "nowhere")
    assert not Project.objects.exists()


# --- OpenStack (real Keystone) ------------------------------------------------------------

def provisioning_cloud(settings, openstack_cloud, moto_url, **overrides):
    from tests.helpers import cloud_settings
    definition = {**openstack_cloud["definition"], "PROVISIONING": {
        "ENABLED": True, "SERVICE_CLOUD": "test-admin",
        "CLOUDS_YAML": openstack_cloud["clouds_yaml"], "ROLE": "member", **overrides}}
    settings.NOVA = {**settings.NOVA, "CLOUDS": {
        **cloud_settings(moto_url)["CLOUDS"], "openstack": definition}}


def keystone_state(conn, name):
    users = list(conn.identity.users(name=name))
    projects = [p for p in conn.identity.projects()
                if p.name == name or p.name.startswith(f"{name}-")]
    return users, projects


def can_log_in(openstack_cloud, username, password, project_id):
    auth = v3.Password(auth_url=openstack_cloud["definition"]["AUTH_URL"], username=username,
                       password=password, user_domain_name="Default",
                       project_id=project_id)
    access = auth.get_access(ks_session.Session(auth=auth))
    return access.role_names


@pytest.mark.openstack
def test_openstack_provisions_user_project_and_role(settings, openstack_cloud, moto_url,
                                                   make_user, os_conn, keystone_cleanup):
    provisioning_cloud(settings, openstack_cloud, moto_url)
    name = unique()
    keystone_cleanup.append(name)
    user = make_user(name, email=f"{name}@example.org")
    result = provision_user(user, "openstack", password="Prov-pass-1234")
    assert result.cloud == "openstack" and result.project_name == name
    conn = os_conn("admin")
    cloud_user = conn.identity.get_user(result.cloud_user_id)
    assert cloud_user.name == name and cloud_user.email == f"{name}@example.org"
    assert cloud_user.default_project_id == result.project_id
    assert conn.identity.get_project(result.project_id).name == name
    # The user logs in with that password, scoped to the new project, with the role.
    assert "member" in can_log_in(openstack_cloud, name, "Prov-pass-1234", result.project_id)
    set_cloud_password("openstack", result.cloud_user_id, "Prov-pass-5678")
    assert "member" in can_log_in(openstack_cloud, name, "Prov-pass-5678", result.project_id)


@pytest.mark.openstack
def test_openstack_taken_project_name_gets_suffix(settings, openstack_cloud, moto_url,
                                                  make_user, os_conn, keystone_cleanup):
    provisioning_cloud(settings, openstack_cloud, moto_url)
    name = unique()
    keystone_cleanup.append(name)
    conn = os_conn("admin")
    conn.identity.create_project(name=name, domain_id="default")
    result = provision_user(make_user(name), "openstack", password="Prov-pass-1234")
    assert result.project_name.startswith(f"{name}-") and result.project_name != name
    assert conn.identity.get_project(result.project_id).name == result.project_name


@pytest.mark.openstack
def test_openstack_failed_role_assignment_rolls_everything_back(
        settings, openstack_cloud, moto_url, make_user, os_conn, keystone_cleanup):
    provisioning_cloud(settings, openstack_cloud, moto_url, ROLE="no-such-role-xyz")
    name = unique()
    keystone_cleanup.append(name)
    with pytest.raises(ProvisioningError) as raised:
        provision_user(make_user(name), "openstack", password="Prov-pass-1234")
    assert "no-such-role-xyz" in str(raised.value)
    assert keystone_state(os_conn("admin"), name) == ([], [])


@pytest.mark.openstack
def test_openstack_failure_after_creation_deletes_user_and_project(
        settings, openstack_cloud, moto_url, make_user, os_conn, keystone_cleanup):
    """The role exists but assigning it fails: the user and project made before are deleted."""
    provisioning_cloud(settings, openstack_cloud, moto_url)
    name = unique()
    keystone_cleanup.append(name)
    from django_nova.clouds.openstack.identity import KeystoneAdmin
    with mock.patch.object(KeystoneAdmin, "assign_role",
                           side_effect=Unavailable("Keystone did not answer.")), \
            pytest.raises(ProvisioningError) as raised:
        provision_user(make_user(name), "openstack", password="Prov-pass-1234")
    assert "Keystone did not answer" in str(raised.value)
    assert keystone_state(os_conn("admin"), name) == ([], [])


@pytest.mark.openstack
def test_openstack_existing_cloud_user_is_refused_and_kept(
        settings, openstack_cloud, moto_url, make_user, os_conn, keystone_cleanup):
    provisioning_cloud(settings, openstack_cloud, moto_url)
    name = unique()
    keystone_cleanup.append(name)
    conn = os_conn("admin")
    existing = conn.identity.create_user(name=name, domain_id="default")
    with pytest.raises(ProvisioningError) as raised:
        provision_user(make_user(name), "openstack", password="Prov-pass-1234")
    assert "already has a user" in str(raised.value)
    users, projects = keystone_state(conn, name)
    assert [u.id for u in users] == [existing.id] and projects == []


@pytest.mark.openstack
def test_openstack_bad_service_account_is_a_provisioning_error(
        settings, openstack_cloud, moto_url, make_user):
    provisioning_cloud(settings, openstack_cloud, moto_url, SERVICE_CLOUD="no-such-cloud")
    with pytest.raises(ProvisioningError) as raised:
        provision_user(make_user(unique()), "openstack")
    assert "service account" in str(raised.value)
    with pytest.raises(ProvisioningError):
        set_cloud_password("openstack", "0" * 32, "whatever-1234")


def test_project_name_candidates_are_bounded():
    names = list(provisioning.project_name_candidates("x" * 200))
    assert names[0] == "x" * 64
    assert all(len(n) <= 64 for n in names) and len(set(names)) == len(names)


def test_system_check_wants_a_service_account(settings, moto_url):
    from django_nova.checks import check_provisioning, check_settings
    from tests.helpers import cloud_settings
    openstack = {"DRIVER": "openstack", "AUTH_URL": "http://127.0.0.1:5000/v3",
                 "REGIONS": ["RegionOne"], "PROVISIONING": {"ENABLED": True}}
    settings.NOVA = {**settings.NOVA, "CLOUDS": {**cloud_settings(moto_url)["CLOUDS"],
                                                 "os": openstack}}
    assert [e.id for e in check_settings(None)] == ["django_nova.E021"]
    openstack["PROVISIONING"]["SERVICE_CLOUD"] = "admin-cloud"
    assert check_settings(None) == [] and check_provisioning(None) == []
    openstack["PROVISIONING"] = True
    assert [e.id for e in check_provisioning(None)] == ["django_nova.E020"]
