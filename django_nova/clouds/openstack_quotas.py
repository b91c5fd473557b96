"""Nova, Cinder and Neutron quota sets, Keystone's project list and Nova's usage API
(mixed into OpenStackDriver).

Reading a project's quotas with usage needs a reader role in it (or admin);
changing them and listing every project needs the admin role, which the
cloud checks against the caller's own token.
"""

from datetime import UTC

from django.utils.dateparse import parse_datetime

from ..exceptions import InvalidInput
from ..resources import IdentityProject, InstanceUsage, QuotaUsage

# Our resource keys per quota service; openstacksdk names them the same way
# (it maps Neutron's "floatingip" to floating_ips and so on).
SERVICE_RESOURCES = {
    "compute": ("instances", "cores", "ram", "key_pairs"),
    "volume": ("volumes", "snapshots", "gigabytes"),
    "network": ("floating_ips", "security_groups", "security_group_rules"),
}


def _time(value):
    parsed = parse_datetime(value) if isinstance(value, str) and value else None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _parse_server_usage(entry) -> InstanceUsage:
    get = entry.get if isinstance(entry, dict) else lambda key, default=None: getattr(
        entry, key, default)
    ended = _time(get("ended_at"))
    return InstanceUsage(
        instance_id=get("instance_id") or "", name=get("name") or "",
        instance_type=get("flavor") or "", vcpus=_number(get("vcpus")),
        memory_mib=_number(get("memory_mb")),
        state="terminated" if ended else (get("state") or ""),
        hours=float(get("hours") or 0), started_at=_time(get("started_at")), ended_at=ended)


class OpenStackQuotaMixin:
    ENFORCES_QUOTAS = True

    def _resources(self, service: str) -> tuple[str, ...]:
        if service not in SERVICE_RESOURCES:
            raise InvalidInput(f"Unknown quota service {service!r}.")
        return SERVICE_RESOURCES[service]

    def quota_usage(self, project_id: str, service: str) -> list[QuotaUsage]:
        resources = self._resources(service)
        if service == "network":
            found = self._call(self.conn.network.get_quota, project_id, details=True)
            return [QuotaUsage(resource=r, limit=_number((getattr(found, r) or {}).get("limit")),
                               used=_number((getattr(found, r) or {}).get("used")))
                    for r in resources]
        proxy = self.conn.compute if service == "compute" else self.conn.block_storage
        found = self._call(proxy.get_quota_set, project_id, usage=True)
        usage = found.usage or {}
        return [QuotaUsage(resource=r, limit=_number(getattr(found, r, None)),
                           used=_number(usage.get(r))) for r in resources]

    def set_quotas(self, project_id: str, service: str, limits: dict[str, int]) -> None:
        resources = self._resources(service)
        values = {key: int(value) for key, value in limits.items() if key in resources}
        if not values:
            return
        if service == "network":
            self._call(self.conn.network.update_quota, project_id, **values)
        elif service == "compute":
            self._call(self.conn.compute.update_quota_set, project_id, **values)
        else:
            self._call(self.conn.block_storage.update_quota_set, project_id, **values)

    def quota_projects(self) -> list[IdentityProject]:
        projects = self._call(lambda: list(self.conn.identity.projects()))
        return sorted((IdentityProject(id=p.id, name=p.name or p.id,
                                    description=p.description or "",
                                    enabled=bool(p.is_enabled)) for p in projects),
                      key=lambda p: p.name.lower())

    def instance_usage(self, project_id: str, start, end) -> list[InstanceUsage]:
        # Nova takes naive UTC timestamps (no offset) for the range.
        found = self._call(self.conn.compute.get_usage, project_id,
                           start.replace(tzinfo=None), end.replace(tzinfo=None))
        return [_parse_server_usage(entry) for entry in found.server_usages or []]
