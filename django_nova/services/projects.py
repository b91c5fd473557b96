"""Projects: creating them (EC2), logging into Keystone (OpenStack), choosing the current one."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ..clouds import identity_clouds, kind_of
from ..clouds.openstack import keystone as keystone_api
from ..conf import cloud_config, nova_settings
from ..context import SESSION_PROJECT, SESSION_REGION, ProjectChoice
from ..keystone import KeystoneSession
from ..models import Membership, Project, new_account_id


def keystone_clouds() -> dict[str, str]:
    """The clouds people sign in to with their Keystone credentials, with their default
    domain."""
    clouds = nova_settings()["CLOUDS"]
    return {key: clouds[key].get("DEFAULT_DOMAIN", "Default") for key in identity_clouds()}


@transaction.atomic
def create_project(name: str, cloud: str, members=(), account_id: str = "",
                   description: str = "") -> Project:
    """A project on an EC2 cloud; on the embedded cloud it gets its own new account."""
    cloud_config(cloud)  # fails loudly for an unknown cloud
    project = Project(name=name, cloud=cloud, description=description,
                      account_id=account_id or new_account_id())
    project.full_clean()
    project.save()
    for user, role in members:
        Membership.objects.create(user=user, project=project, role=role)
    return project


def keystone_login(cloud: str, username: str, password: str, domain: str) -> KeystoneSession:
    """Log into Keystone and scope to the user's first project (alphabetically)."""
    config = cloud_config(cloud)
    login = keystone_api.password_login(config, username, password, domain)
    keystone = KeystoneSession(
        cloud=cloud, user_id=login.user_id, user_name=login.user_name, domain=domain,
        unscoped_token=login.unscoped_token, projects=login.projects,
        expires_at=login.expires_at.isoformat())
    if login.projects:
        keystone.apply_scope(keystone_api.scope(config, login.unscoped_token,
                                                login.projects[0]["id"]))
    return keystone


def keystone_logout(keystone: KeystoneSession) -> None:
    """Revoke both tokens, so a stolen session is useless after logout."""
    config = cloud_config(keystone.cloud)
    for token in {keystone.token, keystone.unscoped_token} - {""}:
        keystone_api.revoke(config, token)


def switch_project(request, project_id: str) -> ProjectChoice:
    """Make one of the user's projects current (rescoping on Keystone); others are refused."""
    context = request.nova
    project = next((p for p in context.projects if p.id == str(project_id)), None)
    if project is None:
        raise PermissionDenied(_("You are not a member of that project."))
    if kind_of(context.cloud_key).KEEPS_IDENTITY:
        keystone = context.access
        keystone.apply_scope(keystone_api.scope(cloud_config(keystone.cloud),
                                                keystone.unscoped_token, project.id))
        keystone.save(request.session)
    else:
        request.session[SESSION_PROJECT] = project.id
    request.session.pop(SESSION_REGION, None)
    return project


def switch_region(request, region: str) -> str:
    if region not in request.nova.regions:
        raise PermissionDenied(_("That region is not offered by this cloud."))
    request.session[SESSION_REGION] = region
    return region
