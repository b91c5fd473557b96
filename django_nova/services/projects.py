"""Creating projects and choosing the current one."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ..conf import cloud_config
from ..context import SESSION_PROJECT, SESSION_REGION
from ..models import Membership, Project, new_account_id


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


def switch_project(request, project_id: int) -> Project:
    """Make one of the user's projects current; anything else is refused."""
    project = next((p for p in request.nova.projects if p.pk == project_id), None)
    if project is None:
        raise PermissionDenied("You are not a member of that project.")
    request.session[SESSION_PROJECT] = project.pk
    request.session.pop(SESSION_REGION, None)
    return project


def switch_region(request, region: str) -> str:
    if region not in request.nova.regions:
        raise PermissionDenied("That region is not offered by this cloud.")
    request.session[SESSION_REGION] = region
    return region
