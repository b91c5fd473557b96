"""Keystone administration through openstacksdk: projects, users and role assignments.

The only code that makes identity calls with openstacksdk.  Two ways in:

- ``for_token``: a dashboard admin acting with their own scoped token (the
  admin pages), limited to the domain of the admin's user;
- ``for_service``: the service account a cloud's ``PROVISIONING`` setting
  names in clouds.yaml (provisioning self-registered users), limited to the
  configured domain.

Everything returns django_nova.resources dataclasses and raises
django_nova.exceptions errors.
"""

import logging
from collections.abc import Callable
from functools import cached_property

import openstack.connection
from django.utils.translation import gettext as _
from openstack import exceptions as sdk_exceptions
from openstack.config import OpenStackConfig

from ...conf import nova_settings
from ...exceptions import CloudError, NotFound
from ...resources import (
    IdentityProject,
    IdentityRole,
    IdentityUser,
    ProjectResource,
    RoleAssignment,
    resource_kind,
)
from . import keystone
from .errors import call as _call
from .session import GuardedConnection

log = logging.getLogger(__name__)

# What keeps a project from being deleted, one listing each (per region).
RESOURCE_KINDS = ("server", "volume", "snapshot", "image", "floating IP", "network", "router",
                  "port", "security group")


def _project(project, cloud: str) -> IdentityProject:
    return IdentityProject(id=project.id, name=project.name or project.id,
                           description=project.description or "",
                           enabled=bool(project.is_enabled), cloud=cloud)


def _user(user) -> IdentityUser:
    return IdentityUser(id=user.id, name=user.name or user.id, email=user.email or "",
                        enabled=bool(user.is_enabled))


def _role(data: dict) -> IdentityRole:
    return IdentityRole(id=data.get("id", ""), name=data.get("name") or data.get("id", ""))


class KeystoneAdmin:
    """Identity administration of one domain of one cloud."""

    def __init__(self, cloud_key: str, regions: list[str],
                 connect: Callable[[str], openstack.connection.Connection],
                 domain: str = "", domain_id: str = ""):
        self.cloud_key = cloud_key
        self.regions = list(regions) or [""]
        self._connect = connect
        self._connections: dict[str, GuardedConnection] = {}
        self._domain = domain
        self._domain_id = domain_id

    def conn_for(self, region: str) -> GuardedConnection:
        if region not in self._connections:
            self._connections[region] = GuardedConnection(self._connect(region))
        return self._connections[region]

    @property
    def conn(self) -> GuardedConnection:
        return self.conn_for(self.regions[0])

    @cached_property
    def domain_id(self) -> str:
        if self._domain_id:
            return self._domain_id
        found = _call(self.conn.identity.find_domain, self._domain or "default")
        if found is None:
            raise NotFound(_("Keystone has no domain %(domain)s.") % {"domain": repr(self._domain)})
        return found.id

    # Projects
    def resource_kinds(self) -> tuple[str, ...]:
        return RESOURCE_KINDS

    def list_projects(self) -> list[IdentityProject]:
        projects = _call(lambda: list(self.conn.identity.projects(domain_id=self.domain_id)))
        return sorted((_project(p, self.cloud_key) for p in projects),
                      key=lambda p: p.name.lower())

    def get_project(self, project_id: str) -> IdentityProject:
        project = _call(self.conn.identity.get_project, project_id)
        if project.domain_id != self.domain_id or project.is_domain:
            raise NotFound(_("There is no project %(id)s in this domain.") % {"id": project_id})
        return _project(project, self.cloud_key)

    def find_project(self, name: str) -> IdentityProject | None:
        found = _call(self.conn.identity.find_project, name, domain_id=self.domain_id)
        return _project(found, self.cloud_key) if found is not None else None

    def create_project(self, name: str, description: str = "",
                       enabled: bool = True) -> IdentityProject:
        project = _call(self.conn.identity.create_project, name=name, description=description,
                        is_enabled=enabled, domain_id=self.domain_id)
        return _project(project, self.cloud_key)

    def update_project(self, project_id: str, name: str, description: str,
                       enabled: bool) -> IdentityProject:
        self.get_project(project_id)
        project = _call(self.conn.identity.update_project, project_id, name=name,
                        description=description, is_enabled=enabled)
        return _project(project, self.cloud_key)

    def delete_project(self, project_id: str) -> None:
        """Delete a project (and the default security groups Neutron made for it)."""
        self.get_project(project_id)
        for region in self.regions:
            network = self.conn_for(region).network
            for group in _call(lambda n=network: list(n.security_groups(project_id=project_id,
                                                                           name="default"))):
                _call(network.delete_security_group, group.id, ignore_missing=True)
        _call(self.conn.identity.delete_project, project_id)

    def project_resources(self, project_id: str, kind: str, region: str,
                          limit: int = 50) -> list[ProjectResource]:
        """What ``project_id`` owns of one kind in one region: one call."""
        conn = self.conn_for(region)
        listings = {
            "server": lambda: conn.compute.servers(details=False, all_projects=True,
                                                   project_id=project_id),
            "volume": lambda: conn.block_storage.volumes(details=False, all_projects=True,
                                                         project_id=project_id),
            "snapshot": lambda: conn.block_storage.snapshots(details=False, all_projects=True,
                                                             project_id=project_id),
            "image": lambda: conn.image.images(owner=project_id),
            "floating IP": lambda: conn.network.ips(project_id=project_id),
            "network": lambda: conn.network.networks(project_id=project_id),
            "router": lambda: conn.network.routers(project_id=project_id),
            # Ports of servers, routers and DHCP go with them: only loose ports count.
            "port": lambda: (p for p in conn.network.ports(project_id=project_id)
                             if not str(p.device_owner or "").startswith(("network:",
                                                                          "compute:"))),
            "security group": lambda: (g for g in conn.network.security_groups(
                project_id=project_id) if g.name != "default"),
        }

        def fetch():
            found = []
            for item in listings[kind]():
                name = (getattr(item, "floating_ip_address", None) if kind == "floating IP"
                        else getattr(item, "name", None))
                found.append(ProjectResource(kind=resource_kind(kind), id=item.id,
                                             name=name or "", region=region))
                if len(found) >= limit:
                    break
            return found
        return _call(fetch)

    # Users
    def list_users(self) -> list[IdentityUser]:
        users = _call(lambda: list(self.conn.identity.users(domain_id=self.domain_id)))
        return sorted((_user(u) for u in users), key=lambda u: u.name.lower())

    def get_user(self, user_id: str) -> IdentityUser:
        user = _call(self.conn.identity.get_user, user_id)
        if user.domain_id != self.domain_id:
            raise NotFound(_("There is no user %(id)s in this domain.") % {"id": user_id})
        return _user(user)

    def find_user(self, name: str) -> IdentityUser | None:
        found = _call(self.conn.identity.find_user, name, domain_id=self.domain_id)
        return _user(found) if found is not None else None

    def create_user(self, name: str, email: str = "", password: str | None = None,
                    enabled: bool = True, default_project_id: str = "") -> IdentityUser:
        params = {"name": name, "domain_id": self.domain_id, "is_enabled": enabled}
        if email:
            params["email"] = email
        if password:
            params["password"] = password
        if default_project_id:
            params["default_project_id"] = default_project_id
        return _user(_call(self.conn.identity.create_user, **params))

    def update_user(self, user_id: str, name: str, email: str, enabled: bool) -> IdentityUser:
        self.get_user(user_id)
        return _user(_call(self.conn.identity.update_user, user_id, name=name, email=email,
                           is_enabled=enabled))

    def set_enabled(self, user_id: str, enabled: bool) -> None:
        self.get_user(user_id)
        _call(self.conn.identity.update_user, user_id, is_enabled=enabled)

    def set_password(self, user_id: str, password: str) -> None:
        self.get_user(user_id)
        _call(self.conn.identity.update_user, user_id, password=password)

    def delete_user(self, user_id: str) -> None:
        self.get_user(user_id)
        _call(self.conn.identity.delete_user, user_id)

    def discard(self, kind: str, resource_id: str) -> None:
        """Delete a just-created "user" or "project" again (a rollback); gone already is fine."""
        delete = (self.conn.identity.delete_user if kind == "user"
                  else self.conn.identity.delete_project)
        _call(delete, resource_id, ignore_missing=True)

    # Roles
    def list_roles(self) -> list[IdentityRole]:
        roles = _call(lambda: list(self.conn.identity.roles()))
        # Domain-specific roles of other domains are not assignable here.
        return sorted((IdentityRole(id=r.id, name=r.name) for r in roles
                       if not r.domain_id or r.domain_id == self.domain_id),
                      key=lambda r: r.name.lower())

    def find_role(self, name_or_id: str) -> IdentityRole:
        found = _call(self.conn.identity.find_role, name_or_id)
        if found is None:
            raise NotFound(_("Keystone has no role %(role)s.") % {"role": repr(name_or_id)})
        return IdentityRole(id=found.id, name=found.name)

    def _assignments(self, **query) -> list[RoleAssignment]:
        """Direct user assignments on projects, grouped per (project, user): one call."""
        found = _call(lambda: list(self.conn.identity.role_assignments(include_names=True,
                                                                       **query)))
        grouped: dict[tuple[str, str], dict] = {}
        for item in found:
            project = (item.scope or {}).get("project")
            user = item.user
            if not project or not user:
                continue  # domain or system scope, or a group's assignment
            entry = grouped.setdefault((project["id"], user["id"]), {
                "project_id": project["id"], "project_name": project.get("name", ""),
                "user_id": user["id"], "user_name": user.get("name", ""), "roles": []})
            entry["roles"].append(_role(item.role or {}))
        return [RoleAssignment(**{**entry, "roles": tuple(sorted(entry["roles"],
                                                                 key=lambda r: r.name))})
                for entry in grouped.values()]

    def project_members(self, project_id: str) -> list[RoleAssignment]:
        return sorted(self._assignments(scope_project_id=project_id),
                      key=lambda a: a.user_name.lower())

    def user_projects(self, user_id: str) -> list[RoleAssignment]:
        return sorted(self._assignments(user_id=user_id), key=lambda a: a.project_name.lower())

    def assign_role(self, project_id: str, user_id: str, role_id: str) -> None:
        done = _call(self.conn.identity.assign_project_role_to_user, project_id, user_id,
                     role_id)
        if done is False:
            raise CloudError(_("Keystone did not assign the role."))

    def unassign_role(self, project_id: str, user_id: str, role_id: str) -> None:
        _call(self.conn.identity.unassign_project_role_from_user, project_id, user_id, role_id)


def _regions(config: dict) -> list[str]:
    return list(config.get("REGIONS") or [""])


def for_token(cloud_key: str, config: dict, token: str, body: dict) -> KeystoneAdmin:
    """Administration with a logged-in admin's own scoped token, in their user's domain."""
    session = keystone.authenticated_session(token, body, cloud_key)
    token = body.get("token", body)  # Keystone v3 wraps the token's data in "token"
    domain_id = ((token.get("user") or {}).get("domain") or {}).get("id", "")

    def connect(region: str) -> openstack.connection.Connection:
        return openstack.connection.Connection(
            session=session, region_name=region or None,
            interface=config.get("INTERFACE", "public"), app_name="django-nova")
    return KeystoneAdmin(cloud_key, _regions(config), connect, domain_id=domain_id)


def for_service(cloud_key: str, config: dict) -> KeystoneAdmin:
    """Administration with the service account named by the cloud's PROVISIONING setting."""
    provisioning = config.get("PROVISIONING") or {}
    name = provisioning.get("SERVICE_CLOUD") or ""
    if not name:
        raise CloudError(_("Cloud %(cloud)s names no PROVISIONING SERVICE_CLOUD.")
                         % {"cloud": repr(cloud_key)})
    path = provisioning.get("CLOUDS_YAML") or ""
    try:
        loader = OpenStackConfig(config_files=[path]) if path else OpenStackConfig()
        region = loader.get_one(cloud=name, api_timeout=nova_settings()["READ_TIMEOUT"])
    except (sdk_exceptions.ConfigException, OSError, KeyError) as error:
        log.error("provisioning service account %r of cloud %s: %s", name, cloud_key, error)
        raise CloudError(_("The cloud's provisioning service account is not configured "
                           "correctly; the server log says why.")) from error

    def connect(region_name: str) -> openstack.connection.Connection:
        return openstack.connection.Connection(config=region, app_name="django-nova")
    return KeystoneAdmin(cloud_key, _regions(config)[:1], connect,
                         domain=provisioning.get("DOMAIN") or "Default")
