"""Identity administration on EC2 clouds (Django users, projects, memberships; moto accounts).

In a browser: tests/browser/test_admin.py."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from django_nova.clouds.ec2.access_keys import iam_user_name
from django_nova.context import ProjectChoice
from django_nova.models import AuditEntry, Membership, Project
from tests.data import PASSWORD
from tests.helpers import cloud_operations, messages_of, url

HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
NEW_PASSWORD = "Another-long-passphrase-42"  # noqa: S105


def can_log_in(username, password) -> bool:
    """Through the login form, as a person would (the rate limiter wants a request)."""
    response = Client().post(url("login"), {"username": username, "password": password})
    return response.status_code == 302


@pytest.fixture
def admin(make_user):
    return make_user("root", is_staff=True, email="root@example.org")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def admin_urls(project, user):
    """(name, path, has a GET page) of every identity page, with real ids."""
    p, u = str(project.pk), str(user.pk)
    return [
        ("admin-projects", url("admin-projects"), True),
        ("admin-project-create", url("admin-project-create"), True),
        ("admin-project", url("admin-project", p), True),
        ("admin-project-edit", url("admin-project-edit", p), True),
        ("admin-project-delete", url("admin-project-delete", p), True),
        ("admin-project-member-add", url("admin-project-member-add", p), False),
        ("admin-project-member-role", url("admin-project-member-role", p, u), False),
        ("admin-project-member-remove", url("admin-project-member-remove", p, u), True),
        ("admin-users", url("admin-users"), True),
        ("admin-user-create", url("admin-user-create"), True),
        ("admin-user", url("admin-user", u), True),
        ("admin-user-edit", url("admin-user-edit", u), True),
        ("admin-user-password", url("admin-user-password", u), True),
        ("admin-user-enable", url("admin-user-enable", u), True),
        ("admin-user-disable", url("admin-user-disable", u), True),
        ("admin-user-delete", url("admin-user-delete", u), True),
    ]


# --- who may see what ---------------------------------------------------------------------

def test_anonymous_goes_to_login_and_members_get_403(client, member, project, admin):
    for name, path, _ in admin_urls(project, member):
        for response in (client.get(path), client.post(path, {"name": "x"})):
            assert response.status_code == 302, name
            assert response["Location"].startswith(url("login") + "?next="), name
    client.force_login(member)
    for name, path, _ in admin_urls(project, member):
        assert client.get(path).status_code == 403, name
        assert client.post(path, {"name": "x", "role": "admin", "user": member.pk}
                           ).status_code == 403, name
    # Nothing changed for those POSTs.
    assert Project.objects.get(pk=project.pk).name == "alpha"
    assert get_user_model().objects.get(pk=member.pk).is_active
    assert Membership.objects.get(project=project, user=member).role == Membership.ROLE_MEMBER


def test_admin_reaches_every_page(admin_client, member, project):
    for name, path, has_get in admin_urls(project, member):
        response = admin_client.get(path)
        assert response.status_code == (200 if has_get else 405), name
        if has_get:
            assert b'id="nav-admin-projects"' in response.content, name


def test_admin_without_any_project_can_manage(admin_client, admin):
    assert not Membership.objects.filter(user=admin).exists()
    response = admin_client.get(url("admin-projects"))
    assert response.status_code == 200


def test_unknown_ids_are_404(admin_client):
    for path in (url("admin-project", "999999"), url("admin-project", "abc"),
                 url("admin-user", "999999"), url("admin-user-edit", "x")):
        assert admin_client.get(path).status_code == 404, path


# --- projects -----------------------------------------------------------------------------

def test_create_project(admin_client):
    response = admin_client.post(url("admin-project-create"),
                                 {"name": "gamma", "description": "Team G", "enabled": "on"})
    project = Project.objects.get(name="gamma")
    assert response.status_code == 302
    assert response["Location"] == url("admin-project", project.pk)
    assert (project.description, project.enabled, project.cloud) == ("Team G", True, "embedded")
    assert len(project.account_id) == 12
    entry = AuditEntry.objects.get(action="project.create")
    assert entry.outcome == AuditEntry.SUCCESS and str(project.pk) in entry.target
    page = admin_client.get(url("admin-projects")).content.decode()
    assert "gamma" in page and "Team G" in page


def test_create_project_form_errors(admin_client, project):
    response = admin_client.post(url("admin-project-create"), {"name": "alpha"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Project.objects.filter(name="alpha").count() == 1
    response = admin_client.post(url("admin-project-create"), {"name": "  "})
    assert response.status_code == 200 and b"is-invalid" in response.content
    # The refused name by the service's event, the blank one (never reaching it) by its page.
    assert AuditEntry.objects.filter(action="project.create",
                                     outcome=AuditEntry.FAILURE).count() == 1
    assert AuditEntry.objects.filter(action="admin-project-create",
                                     outcome=AuditEntry.FAILURE).count() == 1


def test_edit_project_and_disabled_project_leaves_the_switcher(admin_client, client, member,
                                                               project, make_project):
    make_project("beta", member)
    member_client = Client()
    member_client.force_login(member)
    page = member_client.get("/instances/")
    assert {p.name for p in page.wsgi_request.nova.projects} == {"alpha", "beta"}

    response = admin_client.post(url("admin-project-edit", project.pk),
                                 {"name": "alpha2", "description": "renamed"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.description, project.enabled) == ("alpha2", "renamed", False)
    page = member_client.get("/instances/")
    assert page.wsgi_request.nova.projects == [
        ProjectChoice(id=str(Project.objects.get(name="beta").pk), name="beta",
                      owner_id=Project.objects.get(name="beta").account_id)]
    assert "alpha2" not in page.content.decode()

    admin_client.post(url("admin-project-edit", project.pk),
                      {"name": "alpha2", "description": "", "enabled": "on"})
    page = member_client.get("/instances/")
    assert "alpha2" in {p.name for p in page.wsgi_request.nova.projects}


def test_edit_project_name_taken(admin_client, project, make_project):
    make_project("beta")
    response = admin_client.post(url("admin-project-edit", project.pk),
                                 {"name": "beta", "enabled": "on"})
    assert response.status_code == 200 and "already exists" in response.content.decode()
    project.refresh_from_db()
    assert project.name == "alpha"


def test_delete_empty_project_after_confirmation(admin_client, make_project, member):
    doomed = make_project("doomed", member)
    confirm = admin_client.get(url("admin-project-delete", doomed.pk))
    assert confirm.status_code == 200 and b'id="confirm-action"' in confirm.content
    assert Project.objects.filter(pk=doomed.pk).exists()
    response = admin_client.post(url("admin-project-delete", doomed.pk))
    assert response.status_code == 302 and response["Location"] == url("admin-projects")
    assert not Project.objects.filter(pk=doomed.pk).exists()
    assert not Membership.objects.filter(project_id=doomed.pk).exists()


def test_delete_refused_while_project_owns_resources(admin_client, project, launch, ec2):
    (instance_id,) = launch(name="blocker-vm")
    ec2.create_security_group(GroupName="web", Description="web")
    volume = ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")
    confirm = admin_client.get(url("admin-project-delete", project.pk))
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert 'id="blocking-resources"' in html and 'id="confirm-action"' not in html
    for shown in (instance_id, "blocker-vm", volume["VolumeId"], "security group", "us-east-1"):
        assert shown in html
    response = admin_client.post(url("admin-project-delete", project.pk))
    assert response.status_code == 409
    assert instance_id in response.content.decode()
    assert any("still owns" in m for m in messages_of(response))
    assert Project.objects.filter(pk=project.pk).exists()
    entry = AuditEntry.objects.get(action="project.delete")
    assert entry.outcome == AuditEntry.FAILURE


def test_resources_in_another_region_block_too(admin_client, project, cloud):
    from django_nova.clouds import open_cloud
    west = open_cloud("embedded", project, "eu-west-1")
    address = west.addresses.allocate_address()
    html = admin_client.get(url("admin-project-delete", project.pk)).content.decode()
    assert address.ip in html and "eu-west-1" in html


# --- members ------------------------------------------------------------------------------

def test_add_change_and_remove_a_member(admin_client, project, make_user):
    bob = make_user("bob")
    page = admin_client.get(url("admin-project", project.pk)).content.decode()
    assert 'id="member-add-form"' in page and f'value="{bob.pk}"' in page

    response = admin_client.post(url("admin-project-member-add", project.pk),
                                 {"user": bob.pk, "role": "member"})
    assert response.status_code == 302
    assert Membership.objects.get(project=project, user=bob).role == "member"
    entry = AuditEntry.objects.get(action="member.add")
    assert str(bob.pk) in entry.target

    response = admin_client.post(url("admin-project-member-role", project.pk, bob.pk),
                                 {"role": "admin"})
    assert response.status_code == 302
    assert Membership.objects.get(project=project, user=bob).role == "admin"
    page = admin_client.get(url("admin-project", project.pk)).content.decode()
    assert 'id="member-' + str(bob.pk) + '"' in page and "Project admin" in page

    confirm = admin_client.get(url("admin-project-member-remove", project.pk, bob.pk))
    assert confirm.status_code == 200 and b"bob" in confirm.content
    assert Membership.objects.filter(project=project, user=bob).exists()
    response = admin_client.post(url("admin-project-member-remove", project.pk, bob.pk))
    assert response.status_code == 302
    assert not Membership.objects.filter(project=project, user=bob).exists()


def test_member_form_errors(admin_client, project, member):
    response = admin_client.post(url("admin-project-member-add", project.pk),
                                 {"user": member.pk, "role": "member"})
    assert response.status_code == 200 and "already a member" in response.content.decode()
    response = admin_client.post(url("admin-project-member-add", project.pk),
                                 {"user": "", "role": "root"})
    assert response.status_code == 200 and response.content.count(b"invalid-feedback") >= 2
    response = admin_client.post(url("admin-project-member-role", project.pk, member.pk),
                                 {"role": "owner"})
    assert response.status_code == 302 and messages_of(response)
    assert Membership.objects.get(project=project, user=member).role == "member"
    response = admin_client.post(url("admin-project-member-remove", project.pk, "999999"))
    assert response.status_code == 404


def test_shadow_users_are_not_site_users(admin_client, make_user, project, with_openstack):
    shadow = make_user("0123456789abcdef@openstack")
    users = admin_client.get(url("admin-users")).content.decode()
    assert "0123456789abcdef@openstack" not in users and "alice" in users
    page = admin_client.get(url("admin-project", project.pk)).content.decode()
    assert f'value="{shadow.pk}"' not in page
    assert admin_client.get(url("admin-user", shadow.pk)).status_code == 404


# --- users --------------------------------------------------------------------------------

def test_create_user_and_log_in(admin_client, client):
    response = admin_client.post(url("admin-user-create"), {
        "name": "newbie", "email": "newbie@example.org", "enabled": "on",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    user = get_user_model().objects.get(username="newbie")
    assert response.status_code == 302 and response["Location"] == url("admin-user", user.pk)
    assert user.is_active and not user.is_staff and user.email == "newbie@example.org"
    assert str(user.pk) in AuditEntry.objects.get(action="user.create").target
    assert NEW_PASSWORD not in AuditEntry.objects.get(action="user.create").target
    assert can_log_in("newbie", NEW_PASSWORD)


def test_create_user_form_errors(admin_client, member):
    for data, expected in (
            ({"name": "alice", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
             "already exists"),
            ({"name": "x y!", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
             "Enter a valid username"),
            ({"name": "weak", "password1": "123", "password2": "123"}, "too short"),
            ({"name": "typo", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
             "didn’t match")):
        response = admin_client.post(url("admin-user-create"), data)
        assert response.status_code == 200, data
        assert expected in response.content.decode(), data
    assert not get_user_model().objects.filter(username__in=["weak", "typo"]).exists()


def test_edit_user(admin_client, member):
    response = admin_client.post(url("admin-user-edit", member.pk), {
        "name": "alice2", "email": "a@example.org", "enabled": "on", "is_admin": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.username, member.email, member.is_active, member.is_staff) == (
        "alice2", "a@example.org", True, True)


def test_disable_and_enable_user(admin_client, member, project):
    confirm = admin_client.get(url("admin-user-disable", member.pk))
    assert confirm.status_code == 200 and b"no longer sign in" in confirm.content
    admin_client.post(url("admin-user-disable", member.pk))
    member.refresh_from_db()
    assert not member.is_active
    assert not can_log_in("alice", PASSWORD)
    admin_client.post(url("admin-user-enable", member.pk))
    member.refresh_from_db()
    assert member.is_active and can_log_in("alice", PASSWORD)


def test_reset_password(admin_client, member):
    response = admin_client.post(url("admin-user-password", member.pk),
                                 {"password1": NEW_PASSWORD, "password2": "nope"})
    assert response.status_code == 200 and b"is-invalid" in response.content
    response = admin_client.post(url("admin-user-password", member.pk),
                                 {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert not can_log_in("alice", PASSWORD)
    assert can_log_in("alice", NEW_PASSWORD)


def test_delete_user(admin_client, member, project):
    assert admin_client.get(url("admin-user-delete", member.pk)).status_code == 200
    response = admin_client.post(url("admin-user-delete", member.pk))
    assert response.status_code == 302 and response["Location"] == url("admin-users")
    assert not get_user_model().objects.filter(pk=member.pk).exists()
    assert Project.objects.filter(pk=project.pk).exists()  # the project stays


def test_admin_cannot_lock_themselves_out(admin_client, admin):
    for name, data in (("admin-user-delete", {}), ("admin-user-disable", {}),
                       ("admin-user-edit", {"name": "root", "is_admin": "on"}),
                       ("admin-user-edit", {"name": "root", "enabled": "on"})):
        response = admin_client.post(url(name, admin.pk), data)
        assert response.status_code in (200, 302), name
        assert "your own account" in (response.content.decode() + " ".join(
            messages_of(response))), name
    admin.refresh_from_db()
    assert admin.is_active and admin.is_staff


def test_user_page_lists_projects(admin_client, member, project, make_project):
    make_project("beta")
    Membership.objects.create(user=member, project=make_project("gamma"), role="admin")
    page = admin_client.get(url("admin-user", member.pk)).content.decode()
    assert 'id="user-projects"' in page
    assert "alpha" in page and "gamma" in page and "Project admin" in page
    assert ">beta<" not in page


def test_hostile_names_are_escaped(admin_client, make_user):
    hostile_user = make_user("evil", email="e@example.org")
    response = admin_client.post(url("admin-project-create"),
                                 {"name": HOSTILE, "description": HOSTILE, "enabled": "on"})
    project = Project.objects.get(name=HOSTILE)
    Membership.objects.create(user=hostile_user, project=project)
    for path in (url("admin-projects"), url("admin-project", project.pk),
                 url("admin-project-edit", project.pk), url("admin-project-delete", project.pk),
                 url("admin-user", hostile_user.pk),
                 url("admin-project-member-remove", project.pk, hostile_user.pk)):
        html = admin_client.get(path).content.decode()
        assert HOSTILE not in html and ESCAPED in html, path
    assert response.status_code == 302


# --- superusers stay out of staff admins' reach (EC2 clouds) -------------------------------

@pytest.fixture
def superuser(make_user):
    return make_user("boss", is_staff=True, is_superuser=True, email="boss@example.org")


def test_staff_admin_cannot_change_a_superuser(admin_client, superuser):
    assert superuser.username in admin_client.get(url("admin-users")).content.decode()
    attempts = (
        ("admin-user-edit", {"name": "boss2", "email": "x@example.org", "enabled": "on"},
         "user.update"),
        ("admin-user-password", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
         "user.set-password"),
        ("admin-user-disable", {}, "user.set-enabled"),
        ("admin-user-delete", {}, "user.delete"),
    )
    for name, data, event in attempts:
        response = admin_client.post(url(name, superuser.pk), data)
        shown = response.content.decode() + " ".join(messages_of(response))
        assert "only a superuser can change their account" in shown, name
        assert AuditEntry.objects.filter(action=event).last().outcome == AuditEntry.FAILURE
    superuser.refresh_from_db()
    assert (superuser.username, superuser.email, superuser.is_active, superuser.is_staff) == (
        "boss", "boss@example.org", True, True)
    assert can_log_in("boss", PASSWORD) and not can_log_in("boss", NEW_PASSWORD)


def test_a_superuser_may_change_a_superuser(client, superuser, make_user):
    other = make_user("chief", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    response = client.post(url("admin-user-password", other.pk),
                           {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and can_log_in("chief", NEW_PASSWORD)


def test_nobody_grants_superuser_through_the_edit_form(admin_client, member):
    for name, data in (("admin-user-edit", {"name": "alice", "enabled": "on", "is_admin": "on",
                                            "is_superuser": "on"}),
                       ("admin-user-create", {"name": "sneaky", "password1": NEW_PASSWORD,
                                              "password2": NEW_PASSWORD, "enabled": "on",
                                              "is_superuser": "on"})):
        assert admin_client.post(url(name, *([member.pk] if "edit" in name else [])),
                                 data).status_code == 302, name
    member.refresh_from_db()
    assert member.is_staff and not member.is_superuser
    assert not get_user_model().objects.get(username="sneaky").is_superuser


# --- API access keys go when access goes (EC2 clouds) -------------------------------------

def keys_of(cloud, username):
    return cloud.access_keys.list_access_keys(iam_user_name(username))


def iam_users(cloud):
    """The IAM users the dashboard made in the project's account."""
    found = cloud.access_keys._iam("list_users", PathPrefix="/django-nova/")
    return {u["UserName"] for u in found["Users"]}


def test_removing_a_member_deletes_their_access_keys(admin_client, project, cloud, make_user,
                                                     member):
    bob = make_user("Bob")  # a changed IAM name, to be sure the same mapping is used
    Membership.objects.create(user=bob, project=project)
    bob_key = cloud.access_keys.create_access_key(iam_user_name("Bob"))
    alice_key = cloud.access_keys.create_access_key("alice")
    assert [k.status for k in keys_of(cloud, "Bob")] == ["Active"]

    response = admin_client.post(url("admin-project-member-remove", project.pk, bob.pk))
    assert response.status_code == 302
    assert not Membership.objects.filter(project=project, user=bob).exists()
    assert keys_of(cloud, "Bob") == [] and iam_users(cloud) == {"alice"}
    # The key no longer opens the account; the other member's key still does.
    assert not key_works(bob_key, cloud)
    assert key_works(alice_key, cloud)


def key_works(new_key, cloud) -> bool:
    """Whether the key still opens the project's account (moto maps unknown keys to its
    default account instead of refusing them)."""
    import boto3

    sts = boto3.client("sts", endpoint_url=cloud.session.endpoint(), region_name="us-east-1",
                       aws_access_key_id=new_key.key.id, aws_secret_access_key=new_key.secret)
    return sts.get_caller_identity()["Account"] == cloud.access.account_id


def test_disabling_a_user_deletes_their_keys_in_every_project(admin_client, project, cloud,
                                                              member, make_project):
    from django_nova.clouds import open_cloud

    beta = make_project("beta", member)
    beta_cloud = open_cloud("embedded", beta, "eu-west-1")
    cloud.access_keys.create_access_key("alice")
    cloud.access_keys.create_access_key("alice")
    beta_cloud.access_keys.create_access_key("alice")
    confirm = admin_client.get(url("admin-user-disable", member.pk)).content.decode()
    assert "API access keys are deleted" in confirm

    response = admin_client.post(url("admin-user-disable", member.pk))
    assert response.status_code == 302 and not messages_of(response)[0].startswith("Could")
    member.refresh_from_db()
    assert not member.is_active
    assert keys_of(cloud, "alice") == [] and keys_of(beta_cloud, "alice") == []
    assert iam_users(cloud) == set() and iam_users(beta_cloud) == set()
    # Enabled again, they start afresh with new keys.
    admin_client.post(url("admin-user-enable", member.pk))
    assert cloud.access_keys.create_access_key("alice").key.status == "Active"


def test_disabling_through_the_edit_form_deletes_keys_too(admin_client, project, cloud,
                                                          member):
    cloud.access_keys.create_access_key("alice")
    response = admin_client.post(url("admin-user-edit", member.pk),
                                 {"name": "alice", "email": "a@example.org"})
    assert response.status_code == 302
    assert keys_of(cloud, "alice") == []


def test_renaming_a_user_deletes_the_keys_of_the_old_name(admin_client, project, cloud,
                                                          member):
    old = cloud.access_keys.create_access_key("alice")
    response = admin_client.post(url("admin-user-edit", member.pk),
                                 {"name": "alicia", "enabled": "on"})
    assert response.status_code == 302
    assert keys_of(cloud, "alice") == [] and not key_works(old, cloud)


def test_deleting_a_user_deletes_their_keys_so_a_namesake_gets_none(admin_client, project,
                                                                    cloud, member, make_user):
    cloud.access_keys.create_access_key("alice")
    response = admin_client.post(url("admin-user-delete", member.pk))
    assert response.status_code == 302
    assert keys_of(cloud, "alice") == [] and iam_users(cloud) == set()
    namesake = make_user("alice")
    Membership.objects.create(user=namesake, project=project)
    assert keys_of(cloud, "alice") == []


def test_deleting_a_project_deletes_every_key_made_for_it(admin_client, make_project, member,
                                                          make_user):
    from django_nova.clouds import open_cloud

    doomed = make_project("doomed", member)
    doomed_cloud = open_cloud("embedded", doomed, "us-east-1")
    kept = doomed_cloud.access_keys.create_access_key("alice")
    # A former member's key (left by an earlier version): nobody could delete it otherwise.
    doomed_cloud.access_keys.create_access_key("carol")
    # An IAM user the account's owner made outside the dashboard is not ours to touch.
    doomed_cloud.access_keys._iam("create_user", UserName="ops")
    confirm = admin_client.get(url("admin-project-delete", doomed.pk)).content.decode()
    assert 'id="confirm-action"' in confirm and "every API access key" in confirm

    response = admin_client.post(url("admin-project-delete", doomed.pk))
    assert response.status_code == 302
    assert not Project.objects.filter(pk=doomed.pk).exists()
    assert iam_users(doomed_cloud) == set()
    assert keys_of(doomed_cloud, "alice") == keys_of(doomed_cloud, "carol") == []
    assert not key_works(kept, doomed_cloud)
    assert doomed_cloud.access_keys._iam("get_user", UserName="ops")["User"]["UserName"] == "ops"


def test_key_deletion_is_one_wave_of_calls_per_account(admin_client, project, cloud, member,
                                                       make_project):
    """Per account: the IAM user, its keys, each key's deletion, the user's deletion."""
    from django_nova.clouds import open_cloud

    others = [make_project(f"p{n}", member) for n in range(3)]
    for extra in others:
        open_cloud("embedded", extra, "us-east-1").access_keys.create_access_key("alice")
    cloud.access_keys.create_access_key("alice")
    seen = cloud_operations(lambda: admin_client.post(url("admin-user-disable", member.pk)))
    assert seen == sorted(["GetUser", "ListAccessKeys", "DeleteAccessKey", "DeleteUser"] * 4)


def test_unreachable_cloud_still_disables_but_says_keys_remain(admin_client, project, member,
                                                               settings, closed_port_url):
    from tests.helpers import cloud_settings

    settings.NOVA = {**settings.NOVA, **cloud_settings(closed_port_url)}
    response = admin_client.post(url("admin-user-disable", member.pk))
    member.refresh_from_db()
    assert not member.is_active  # disabling must work in an emergency, cloud or not
    assert any("is disabled, but their API access keys could not be deleted" in m
               and "alpha" in m for m in messages_of(response))
    assert AuditEntry.objects.get(action="user.set-enabled").outcome == AuditEntry.FAILURE
    # Removing or deleting keeps everything as it was, so trying again is possible.
    for name in ("admin-project-member-remove", "admin-user-delete"):
        args = (project.pk, member.pk) if "member" in name else (member.pk,)
        response = admin_client.post(url(name, *args))
        assert any("nothing was changed" in m for m in messages_of(response)), name
    assert Membership.objects.filter(project=project, user=member).exists()


def test_password_fields_are_kept_out_of_error_reports(admin_client, member):
    for name, args in (("admin-user-create", ()), ("admin-user-password", (member.pk,))):
        response = admin_client.post(url(name, *args), {"password1": "x", "password2": "y"})
        assert response.wsgi_request.sensitive_post_parameters == ("password1", "password2")


def test_add_member_offers_the_member_role_first(admin_client, project):
    """Least privilege by default: the add-member form preselects "member", not admin."""
    page = admin_client.get(reverse("django_nova:admin-project", args=[project.pk]))
    assert page.context["form"]["role"].value() == "member"
    assert '<option value="member" selected>' in page.content.decode()


# --- one name rule: case and hidden characters ---------------------------------------------

@pytest.mark.parametrize("name", ["ALPHA", "Alpha", "ａｌｐｈａ"])
def test_project_names_are_unique_whatever_their_case(admin_client, project, make_project,
                                                      name):
    response = admin_client.post(url("admin-project-create"), {"name": name})
    assert response.status_code == 200 and "already exists" in response.content.decode()
    beta = make_project("beta")
    renamed = admin_client.post(url("admin-project-edit", beta.pk), {"name": name})
    assert renamed.status_code == 200 and "already exists" in renamed.content.decode()
    assert sorted(Project.objects.values_list("name", flat=True)) == ["alpha", "beta"]
    # Its own name in another case is a rename, not a clash.
    assert admin_client.post(url("admin-project-edit", project.pk),
                             {"name": "Alpha", "enabled": "on"}).status_code == 302


def test_the_database_refuses_a_project_name_in_another_case(project):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(name="ALPHA", cloud=project.cloud)


def test_user_names_are_unique_whatever_their_case(admin_client, member, make_user):
    data = {"name": "Alice", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = admin_client.post(url("admin-user-create"), data)
    assert response.status_code == 200 and "already exists" in response.content.decode()
    bob = make_user("bob")
    renamed = admin_client.post(url("admin-user-edit", bob.pk), {"name": "ALICE", "enabled": "on"})
    assert renamed.status_code == 200 and "already exists" in renamed.content.decode()
    assert not get_user_model().objects.filter(username__in=["Alice", "ALICE"]).exists()


@pytest.mark.parametrize("name", ["tab\there", "esc\x1bhere", "evil\u202etxt.exe",
                                  "zero\u200bwidth", "iso\u2066late", "bom\ufeff"])
def test_project_names_with_hidden_characters_are_refused(admin_client, name):
    response = admin_client.post(url("admin-project-create"), {"name": name})
    assert response.status_code == 200
    assert "control characters" in response.content.decode()
    assert not Project.objects.filter(name=name).exists()
