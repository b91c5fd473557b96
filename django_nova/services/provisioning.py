"""Provisioning: the cloud side of a newly activated, self-registered site user.

All or nothing.  On an EC2 cloud the user gets a personal project (its own
new account) with them as project admin, in one database transaction.  On an
OpenStack cloud the cloud's ``PROVISIONING`` service account creates a
personal Keystone project, a Keystone user and the configured role
assignment; when a step fails, whatever was created is deleted again before
``ProvisioningError`` is raised.

A cloud's definition may hold::

    "PROVISIONING": {
        "ENABLED": True,
        "SERVICE_CLOUD": "mycloud-admin",   # clouds.yaml cloud of an account with the admin role
        "CLOUDS_YAML": "/etc/nova/clouds.yaml",  # optional; else the OpenStack standard places
        "ROLE": "member",                   # the role given in the personal project
        "DOMAIN": "Default",                # where users and projects are made
    }
"""

import logging
import re
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..clouds import kind_of
from ..conf import cloud_config, nova_settings
from ..exceptions import CloudError, Conflict
from ..models import Membership, Project
from .projects import create_project

log = logging.getLogger(__name__)

NAME_LENGTH = 64
SUFFIX_ATTEMPTS = 5


class ProvisioningError(Exception):
    """Provisioning failed and was rolled back; str(error) is a readable message for the user
    and the admin."""


@dataclass(frozen=True)
class Provisioned:
    cloud: str          # NOVA['CLOUDS'] key
    project_id: str     # Project pk (EC2) or Keystone project id
    project_name: str
    cloud_user_id: str  # Keystone user id on OpenStack, "" on EC2


def provisioning_settings(cloud_key: str) -> dict:
    cloud = nova_settings()["CLOUDS"].get(cloud_key) or {}
    return cloud.get("PROVISIONING") or {}


def provisioning_enabled(cloud_key: str) -> bool:
    return bool(provisioning_settings(cloud_key).get("ENABLED"))


def project_name_candidates(username: str):
    """The user's name, then the same with a short random suffix (for a taken name)."""
    base = re.sub(r"\s+", "-", username.strip())[:NAME_LENGTH] or "project"
    yield base
    for _attempt in range(SUFFIX_ATTEMPTS):
        yield f"{base[:NAME_LENGTH - 5]}-{secrets.token_hex(2)}"


def provision_user(user, cloud_key: str, password: str | None = None) -> Provisioned:
    """Create the cloud side of a newly activated site user, all or nothing.

    EC2: a personal project (own new account) named after the user with the user as project admin.
    OpenStack: a Keystone user (same username, the email, this password) + a personal project
    + the configured role, made with the cloud's PROVISIONING service account; anything created
    is deleted again before ProvisioningError is raised.
    """
    try:
        config = cloud_config(cloud_key)
    except KeyError:
        raise ProvisioningError(_("There is no cloud %(cloud)s to provision on.")
                                % {"cloud": repr(cloud_key)}) from None
    if not provisioning_enabled(cloud_key):
        raise ProvisioningError(_("Provisioning is not enabled on cloud %(cloud)s.")
                                % {"cloud": repr(cloud_key)})
    if kind_of(cloud_key).KEEPS_IDENTITY:
        return _provision_keystone(user, cloud_key, config, password)
    return _provision_django(user, cloud_key)


def _provision_django(user, cloud_key: str) -> Provisioned:
    for name in project_name_candidates(user.get_username()):
        if Project.objects.filter(cloud=cloud_key, name=name).exists():
            continue
        try:
            with transaction.atomic():
                project = create_project(name, cloud_key,
                                         members=[(user, Membership.ROLE_ADMIN)],
                                         description=f"Personal project of {user.get_username()}")
        except IntegrityError:
            continue  # taken meanwhile: try the next name
        except Exception as error:
            log.exception("provisioning %s on %s failed", user.get_username(), cloud_key)
            raise ProvisioningError(_("Your project could not be created; "
                                      "an administrator has to look into it.")) from error
        return Provisioned(cloud=cloud_key, project_id=str(project.pk),
                           project_name=project.name, cloud_user_id="")
    raise ProvisioningError(_("No free project name was found for this account."))


def _free_keystone_name(admin, username: str) -> str:
    for name in project_name_candidates(username):
        if admin.find_project(name) is None:
            return name
    raise ProvisioningError(_("No free project name was found for this account."))


def _provision_keystone(user, cloud_key: str, config: dict,
                        password: str | None) -> Provisioned:
    username = user.get_username()
    role_name = provisioning_settings(cloud_key).get("ROLE") or "member"
    created: list[tuple[str, str]] = []  # ("user"|"project", id), undone in reverse
    admin = None
    try:
        admin = kind_of(cloud_key).service_identity(cloud_key, config)
        if admin.find_user(username) is not None:
            raise ProvisioningError(_("The cloud already has a user named %(user)s; "
                                      "ask an administrator to link or rename it.")
                                    % {"user": repr(username)})
        role = admin.find_role(role_name)
        project = admin.create_project(_free_keystone_name(admin, username),
                                       description=f"Personal project of {username}")
        created.append(("project", project.id))
        cloud_user = admin.create_user(username, email=user.email or "", password=password,
                                       default_project_id=project.id)
        created.append(("user", cloud_user.id))
        admin.assign_role(project.id, cloud_user.id, role.id)
    except (CloudError, ProvisioningError) as error:
        _roll_back(admin, created, cloud_key)
        if isinstance(error, ProvisioningError):
            raise
        log.error("provisioning %s on %s failed: %s", username, cloud_key, error.message)
        message = (_("The cloud already has a user or project by that name.")
                   if isinstance(error, Conflict) else
                   _("The cloud could not set up your account: %(why)s")
                   % {"why": error.message})
        raise ProvisioningError(message) from error
    except Exception as error:
        _roll_back(admin, created, cloud_key)
        log.exception("provisioning %s on %s failed", username, cloud_key)
        raise ProvisioningError(_("The cloud could not set up your account; "
                                  "an administrator has to look into it.")) from error
    return Provisioned(cloud=cloud_key, project_id=project.id, project_name=project.name,
                       cloud_user_id=cloud_user.id)


def _roll_back(admin, created: list[tuple[str, str]], cloud_key: str) -> bool:
    """Delete what provisioning made, newest first; a failure here is logged, not hidden."""
    clean = True
    for kind, resource_id in reversed(created):
        try:
            admin.discard(kind, resource_id)
        except CloudError as error:
            clean = False
            log.error("provisioning rollback on %s left %s %s behind: %s",
                      cloud_key, kind, resource_id, error.message)
    return clean


def deprovision(provisioned: Provisioned) -> bool:
    """Undo a provision_user whose result the caller could not record (so it can retry).

    OpenStack: delete the Keystone user and its personal project; EC2: delete
    the personal project (made moments ago, so it holds nothing).  A failure is
    logged, not raised; False says something may be left behind.
    """
    try:
        config = cloud_config(provisioned.cloud)
        if not kind_of(provisioned.cloud).KEEPS_IDENTITY:
            Project.objects.filter(cloud=provisioned.cloud, pk=provisioned.project_id).delete()
            return True
        admin = kind_of(provisioned.cloud).service_identity(provisioned.cloud, config)
    except (KeyError, CloudError) as error:
        log.error("undoing the provisioning of project %s on %s failed: %s",
                  provisioned.project_id, provisioned.cloud, error)
        return False
    created = [("project", provisioned.project_id), ("user", provisioned.cloud_user_id)]
    return _roll_back(admin, [item for item in created if item[1]], provisioned.cloud)


def set_cloud_password(cloud_key: str, cloud_user_id: str, password: str) -> None:
    """Set a Keystone user's password with the service account (password reset).

    Raises ProvisioningError (a readable message) when the cloud refuses or fails.
    """
    try:
        admin = kind_of(cloud_key).service_identity(cloud_key, cloud_config(cloud_key))
        admin.set_password(cloud_user_id, password)
    except KeyError:
        raise ProvisioningError(_("There is no cloud %(cloud)s.")
                                % {"cloud": repr(cloud_key)}) from None
    except CloudError as error:
        log.error("setting the cloud password of %s on %s failed: %s",
                  cloud_user_id, cloud_key, error.message)
        raise ProvisioningError(_("The cloud did not accept the new password: %(why)s")
                                % {"why": error.message}) from error
