"""Identity administration on OpenStack: Keystone projects, users and roles, through the pages.

Everything here is made with unique names in the shared test cloud and
deleted again afterwards (fixtures), whatever the outcome.
"""

import uuid

import openstack.connection
import pytest
from django.test import Client
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

from django_nova.models import AuditEntry
from tests.helpers import messages_of, url, wait_for

pytestmark = pytest.mark.openstack

HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
PASSWORD = "Keystone-pass-0123"  # noqa: S105


def unique(prefix="nova-ident"):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def kadmin(os_conn):
    return os_conn("admin")


@pytest.fixture
def cleanup(kadmin):
    """Registers Keystone users/projects (by id) and servers to delete afterwards."""
    made = {"servers": [], "users": [], "projects": []}
    yield made
    for server_conn, server_id in made["servers"]:
        server_conn.compute.delete_server(server_id, ignore_missing=True)
        wait_for(lambda c=server_conn, s=server_id: c.compute.find_server(s) is None,
                 timeout=120)
    for user_id in made["users"]:
        kadmin.identity.delete_user(user_id, ignore_missing=True)
    for project_id in made["projects"]:
        for group in kadmin.network.security_groups(project_id=project_id):
            kadmin.network.delete_security_group(group.id, ignore_missing=True)
        kadmin.identity.delete_project(project_id, ignore_missing=True)


@pytest.fixture
def admin_client(keystone_client):
    return keystone_client("admin")


@pytest.fixture
def project(kadmin, cleanup):
    project = kadmin.identity.create_project(name=unique(), domain_id="default",
                                             description="made by a test")
    cleanup["projects"].append(project.id)
    return project


@pytest.fixture
def cloud_user(kadmin, cleanup):
    user = kadmin.identity.create_user(name=unique("nova-user"), domain_id="default",
                                       password=PASSWORD, email="someone@example.org")
    cleanup["users"].append(user.id)
    return user


def role_id(conn, name):
    return conn.identity.find_role(name).id


def roles_of(conn, project_id, user_id):
    return sorted(a.role["name"] for a in conn.identity.role_assignments(
        scope_project_id=project_id, user_id=user_id, include_names=True))


def keystone_login(openstack_cloud, username, password, project_id=None):
    auth = v3.Password(auth_url=openstack_cloud["definition"]["AUTH_URL"], username=username,
                       password=password, user_domain_name="Default", project_id=project_id,
                       project_domain_name="Default" if project_id else None,
                       unscoped=project_id is None)
    return ks_session.Session(auth=auth)


# --- who may see what ---------------------------------------------------------------------

def test_member_gets_403_and_admin_200(keystone_client, with_openstack, project, cloud_user):
    demo = keystone_client("demo", Client())
    admin = keystone_client("admin", Client())
    p, u = project.id, cloud_user.id
    pages = [url("admin-projects"), url("admin-project-create"), url("admin-project", p),
             url("admin-project-edit", p), url("admin-project-delete", p),
             url("admin-project-member-remove", p, u), url("admin-users"),
             url("admin-user-create"), url("admin-user", u), url("admin-user-edit", u),
             url("admin-user-password", u), url("admin-user-disable", u),
             url("admin-user-delete", u)]
    for path in pages:
        assert demo.get(path).status_code == 403, path
        assert demo.post(path, {"name": "x"}).status_code == 403, path
        response = admin.get(path)
        assert response.status_code == 200, (path, response.content[:500])
    for path in (url("admin-project-member-add", p), url("admin-project-member-role", p, u)):
        assert demo.post(path, {"user": u, "role": "x"}).status_code == 403
    assert Client().get(url("admin-projects")).status_code == 302


def test_lists_show_the_domain(admin_client, project, cloud_user):
    projects = admin_client.get(url("admin-projects")).content.decode()
    assert project.name in projects and "demo" in projects and project.id in projects
    users = admin_client.get(url("admin-users")).content.decode()
    assert cloud_user.name in users and "someone@example.org" in users


# --- projects -----------------------------------------------------------------------------

def test_create_edit_and_delete_a_project(admin_client, kadmin, cleanup):
    name = unique()
    response = admin_client.post(url("admin-project-create"),
                                 {"name": name, "description": "first", "enabled": "on"})
    found = kadmin.identity.find_project(name, domain_id="default")
    assert found is not None
    cleanup["projects"].append(found.id)
    assert response.status_code == 302
    assert response["Location"] == url("admin-project", found.id)
    assert found.description == "first" and found.is_enabled
    assert found.id == AuditEntry.objects.get(action="project.create").target

    duplicate = admin_client.post(url("admin-project-create"), {"name": name})
    assert duplicate.status_code == 200 and b"is-invalid" in duplicate.content

    response = admin_client.post(url("admin-project-edit", found.id),
                                 {"name": name + "-x", "description": "second"})
    assert response.status_code == 302
    edited = kadmin.identity.get_project(found.id)
    assert (edited.name, edited.description, edited.is_enabled) == (
        name + "-x", "second", False)

    confirm = admin_client.get(url("admin-project-delete", found.id))
    assert b'id="confirm-action"' in confirm.content
    response = admin_client.post(url("admin-project-delete", found.id))
    assert response.status_code == 302 and response["Location"] == url("admin-projects")
    assert kadmin.identity.find_project(found.id) is None


def test_disabled_project_leaves_the_members_switcher(keystone_client, admin_client, kadmin,
                                                      project, cloud_user, openstack_cloud):
    kadmin.identity.assign_project_role_to_user(project, cloud_user,
                                                role_id(kadmin, "member"))
    member = Client()
    login = {"cloud": "openstack", "username": cloud_user.name, "password": PASSWORD,
             "domain": "Default"}
    assert member.post("/login/", login).status_code == 302
    assert project.name in {p.name for p in member.get("/instances/").wsgi_request.nova.projects}
    admin_client.post(url("admin-project-edit", project.id),
                      {"name": project.name, "description": ""})
    assert not kadmin.identity.get_project(project.id).is_enabled
    again = Client()
    assert again.post("/login/", login).status_code == 302
    assert project.name not in {p.name for p in
                                again.get("/instances/").wsgi_request.nova.projects}


def test_delete_refused_while_the_project_has_a_server(admin_client, kadmin, project,
                                                       cloud_user, cleanup, openstack_cloud):
    kadmin.identity.assign_project_role_to_user(project, cloud_user,
                                                role_id(kadmin, "member"))
    member = openstack.connection.Connection(
        session=keystone_login(openstack_cloud, cloud_user.name, PASSWORD, project.id),
        region_name="RegionOne")
    image = next(i for i in kadmin.image.images() if i.name == "cirros-test")
    flavor = kadmin.compute.find_flavor("m1.tiny")
    server = member.compute.create_server(name=unique("blocker"), image_id=image.id,
                                          flavor_id=flavor.id, networks="none")
    cleanup["servers"].append((member, server.id))

    page = admin_client.get(url("admin-project-delete", project.id)).content.decode()
    assert 'id="blocking-resources"' in page and 'id="confirm-action"' not in page
    assert server.id in page and "server" in page
    response = admin_client.post(url("admin-project-delete", project.id))
    assert response.status_code == 409 and server.id in response.content.decode()
    assert any("still owns" in m for m in messages_of(response))
    assert kadmin.identity.get_project(project.id).name == project.name


def test_admin_cannot_delete_their_current_project(admin_client, kadmin):
    current = kadmin.identity.find_project("admin", domain_id="default")
    response = admin_client.post(url("admin-project-delete", current.id))
    assert response.status_code == 302
    assert any("current project" in m for m in messages_of(response))
    assert kadmin.identity.get_project(current.id).is_enabled


def test_hostile_project_name_is_escaped(admin_client, kadmin, cleanup):
    response = admin_client.post(url("admin-project-create"),
                                 {"name": HOSTILE + uuid.uuid4().hex[:4], "enabled": "on",
                                  "description": HOSTILE})
    assert response.status_code == 302
    project_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    cleanup["projects"].append(project_id)
    for path in (url("admin-projects"), url("admin-project", project_id),
                 url("admin-project-delete", project_id)):
        html = admin_client.get(path).content.decode()
        assert HOSTILE not in html and ESCAPED in html, path


# --- members ------------------------------------------------------------------------------

def test_add_change_and_remove_member(admin_client, kadmin, project, cloud_user):
    page = admin_client.get(url("admin-project", project.id)).content.decode()
    assert f'value="{cloud_user.id}"' in page
    member_role, reader_role = role_id(kadmin, "member"), role_id(kadmin, "reader")
    assert f'value="{reader_role}"' in page  # Keystone's roles are offered

    response = admin_client.post(url("admin-project-member-add", project.id),
                                 {"user": cloud_user.id, "role": member_role})
    assert response.status_code == 302
    assert roles_of(kadmin, project.id, cloud_user.id) == ["member"]
    page = admin_client.get(url("admin-project", project.id)).content.decode()
    assert f'id="member-{cloud_user.id}"' in page

    again = admin_client.post(url("admin-project-member-add", project.id),
                              {"user": cloud_user.id, "role": member_role})
    assert again.status_code == 200 and "already has that role" in again.content.decode()

    response = admin_client.post(url("admin-project-member-role", project.id, cloud_user.id),
                                 {"role": reader_role})
    assert response.status_code == 302
    assert roles_of(kadmin, project.id, cloud_user.id) == ["reader"]

    user_page = admin_client.get(url("admin-user", cloud_user.id)).content.decode()
    assert project.name in user_page and "reader" in user_page

    assert admin_client.get(url("admin-project-member-remove", project.id,
                                cloud_user.id)).status_code == 200
    response = admin_client.post(url("admin-project-member-remove", project.id, cloud_user.id))
    assert response.status_code == 302
    assert roles_of(kadmin, project.id, cloud_user.id) == []


def test_unknown_role_is_refused(admin_client, kadmin, project, cloud_user):
    response = admin_client.post(url("admin-project-member-add", project.id),
                                 {"user": cloud_user.id, "role": "no-such-role"})
    assert response.status_code == 200 and b"invalid-feedback" in response.content
    assert roles_of(kadmin, project.id, cloud_user.id) == []


# --- users --------------------------------------------------------------------------------

def test_create_edit_disable_password_and_delete_a_user(admin_client, kadmin, cleanup,
                                                       openstack_cloud):
    name = unique("nova-user")
    response = admin_client.post(url("admin-user-create"), {
        "name": name, "email": "new@example.org", "enabled": "on",
        "password1": PASSWORD, "password2": PASSWORD})
    created = kadmin.identity.find_user(name, domain_id="default")
    assert created is not None
    cleanup["users"].append(created.id)
    assert response.status_code == 302
    assert response["Location"] == url("admin-user", created.id)
    assert created.email == "new@example.org" and created.is_enabled
    keystone_login(openstack_cloud, name, PASSWORD).get_token()

    response = admin_client.post(url("admin-user-edit", created.id),
                                 {"name": name, "email": "changed@example.org",
                                  "enabled": "on"})
    assert response.status_code == 302
    assert kadmin.identity.get_user(created.id).email == "changed@example.org"

    admin_client.post(url("admin-user-disable", created.id))
    assert not kadmin.identity.get_user(created.id).is_enabled
    admin_client.post(url("admin-user-enable", created.id))
    assert kadmin.identity.get_user(created.id).is_enabled

    new_password = PASSWORD + "-new"
    response = admin_client.post(url("admin-user-password", created.id),
                                 {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    keystone_login(openstack_cloud, name, new_password).get_token()

    response = admin_client.post(url("admin-user-delete", created.id))
    assert response.status_code == 302
    assert kadmin.identity.find_user(created.id) is None


def test_duplicate_user_name_is_a_form_error(admin_client, cloud_user):
    response = admin_client.post(url("admin-user-create"), {
        "name": cloud_user.name, "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 200 and "already exists" in response.content.decode()


def test_admin_cannot_delete_or_disable_themselves(admin_client, kadmin):
    me = kadmin.identity.find_user("admin", domain_id="default")
    for name in ("admin-user-delete", "admin-user-disable"):
        response = admin_client.post(url(name, me.id))
        assert any("your own account" in m for m in messages_of(response)), name
    assert kadmin.identity.get_user(me.id).is_enabled


def test_other_domains_are_out_of_reach(admin_client, kadmin, cleanup):
    domain = kadmin.identity.create_domain(name=unique("nova-domain"))
    try:
        project = kadmin.identity.create_project(name=unique(), domain_id=domain.id)
        cleanup["projects"].append(project.id)
        assert admin_client.get(url("admin-project", project.id)).status_code == 404
        assert project.name not in admin_client.get(url("admin-projects")).content.decode()
    finally:
        kadmin.identity.delete_project(project.id, ignore_missing=True)
        kadmin.identity.update_domain(domain, is_enabled=False)
        kadmin.identity.delete_domain(domain, ignore_missing=True)


def test_other_domains_roles_cannot_be_changed_or_removed(admin_client, kadmin, cleanup):
    """POSTs too, not only the pages: another domain's project is a 404, its roles stay."""
    domain = kadmin.identity.create_domain(name=unique("nova-domain"))
    project = user = None
    try:
        project = kadmin.identity.create_project(name=unique(), domain_id=domain.id)
        user = kadmin.identity.create_user(name=unique("nova-user"), domain_id=domain.id)
        cleanup["projects"].append(project.id)
        cleanup["users"].append(user.id)
        kadmin.identity.assign_project_role_to_user(project, user, role_id(kadmin, "member"))
        response = admin_client.post(url("admin-project-member-role", project.id, user.id),
                                     {"role": role_id(kadmin, "admin")})
        assert response.status_code == 404
        response = admin_client.post(url("admin-project-member-remove", project.id, user.id))
        assert response.status_code == 404
        assert roles_of(kadmin, project.id, user.id) == ["member"]
        entry = AuditEntry.objects.filter(action="member.change-role").last()
        assert entry.outcome == AuditEntry.FAILURE
    finally:
        if user is not None:
            kadmin.identity.delete_user(user.id, ignore_missing=True)
        if project is not None:
            kadmin.identity.delete_project(project.id, ignore_missing=True)
        kadmin.identity.update_domain(domain, is_enabled=False)
        kadmin.identity.delete_domain(domain, ignore_missing=True)


def test_project_page_makes_a_constant_number_of_calls(admin_client, kadmin, project,
                                                       cleanup):
    """Four Keystone calls (project, assignments, roles, users), however many members."""
    from django_nova.clouds.calls import cloud_call

    def count():
        seen = []

        def record(sender, cloud, operation, **_):
            seen.append(operation)
        cloud_call.connect(record, weak=False)
        try:
            assert admin_client.get(url("admin-project", project.id)).status_code == 200
        finally:
            cloud_call.disconnect(record)
        return seen

    count()  # what the cloud offers (its extensions) is read once, then cached
    few = count()
    member = role_id(kadmin, "member")
    for _ in range(3):
        user = kadmin.identity.create_user(name=unique("nova-user"), domain_id="default")
        cleanup["users"].append(user.id)
        kadmin.identity.assign_project_role_to_user(project, user, member)
    many = count()
    assert len(few) == len(many) <= 4, many
