"""Nova, Cinder and Neutron quota sets, and Nova's usage API.

Reading a project's quotas with usage needs a reader role in it (or admin);
changing them and listing every project needs the admin role, which the
cloud checks against the caller's own token.
"""

from django.utils.translation import gettext as _

from ...exceptions import InvalidInput
from ...resources import IdentityProject, InstanceUsage, QuotaUsage
from . import parsers
from .session import OpenStackSession

# Our resource keys per quota service; openstacksdk names them the same way
# (it maps Neutron's "floatingip" to floating_ips and so on).
SERVICE_RESOURCES = {
    "compute": ("instances", "cores", "ram", "key_pairs"),
    "volume": ("volumes", "snapshots", "gigabytes"),
    "network": ("floating_ips", "security_groups", "security_group_rules"),
}


class OpenStackQuotas:
    def __init__(self, session: OpenStackSession):
        self.session = session

    def _resources(self, service: str) -> tuple[str, ...]:
        if service not in SERVICE_RESOURCES:
            raise InvalidInput(_("Unknown quota service %(service)s.") % {"service": repr(service)})
        return SERVICE_RESOURCES[service]

    def quota_usage(self, project_id: str, service: str) -> list[QuotaUsage]:
        resources = self._resources(service)
        conn = self.session.conn
        if service == "network":
            found = self.session.call(conn.network.get_quota, project_id, details=True)
            return [QuotaUsage(resource=r,
                               limit=parsers.number((getattr(found, r) or {}).get("limit")),
                               used=parsers.number((getattr(found, r) or {}).get("used")))
                    for r in resources]
        proxy = conn.compute if service == "compute" else conn.block_storage
        found = self.session.call(proxy.get_quota_set, project_id, usage=True)
        usage = found.usage or {}
        return [QuotaUsage(resource=r, limit=parsers.number(getattr(found, r, None)),
                           used=parsers.number(usage.get(r))) for r in resources]

    def set_quotas(self, project_id: str, service: str, limits: dict[str, int]) -> None:
        resources = self._resources(service)
        values = {key: int(value) for key, value in limits.items() if key in resources}
        if not values:
            return
        conn = self.session.conn
        update = {"network": conn.network.update_quota,
                  "compute": conn.compute.update_quota_set,
                  "volume": conn.block_storage.update_quota_set}[service]
        self.session.call(update, project_id, **values)

    def quota_projects(self) -> list[IdentityProject]:
        projects = self.session.call(lambda: list(self.session.conn.identity.projects()))
        return sorted((IdentityProject(id=p.id, name=p.name or p.id,
                                       description=p.description or "",
                                       enabled=bool(p.is_enabled)) for p in projects),
                      key=lambda p: p.name.lower())


class OpenStackUsage:
    def __init__(self, session: OpenStackSession):
        self.session = session

    def instance_usage(self, project_id, start, end) -> list[InstanceUsage]:
        # Nova takes naive UTC timestamps (no offset) for the range.
        found = self.session.call(self.session.conn.compute.get_usage, project_id,
                                  start.replace(tzinfo=None), end.replace(tzinfo=None))
        return [parsers.server_usage(entry) for entry in found.server_usages or []]
