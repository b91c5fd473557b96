"""openstacksdk resources (and Nova's JSON) into django_nova's dataclasses."""

from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime

from ...resources import (
    ApplicationCredential,
    CloudService,
    Flavor,
    Hypervisor,
    Image,
    Instance,
    InstanceUsage,
    Network,
    Router,
    RouterInterface,
    SecurityGroup,
    SecurityGroupRule,
    Snapshot,
    Subnet,
    Volume,
    VolumeAttachment,
    actions,
)

# Nova status -> our state vocabulary (shared with EC2 where the meaning is the same).
STATES = {
    "ACTIVE": "running", "BUILD": "building", "SHUTOFF": "stopped", "PAUSED": "paused",
    "SUSPENDED": "suspended", "SHELVED": "shelved", "SHELVED_OFFLOADED": "shelved",
    "REBOOT": "rebooting", "HARD_REBOOT": "rebooting", "RESIZE": "resizing",
    "VERIFY_RESIZE": "verify-resize", "REVERT_RESIZE": "resizing", "REBUILD": "building",
    "MIGRATING": "resizing", "ERROR": "error", "DELETED": "terminated",
    "SOFT_DELETED": "terminated", "RESCUE": "rescue",
}
STATE_ACTIONS = {
    "running": actions("stop", "reboot", "hard-reboot", "pause", "suspend", "shelve",
                       "resize", "rebuild", "terminate"),
    "stopped": actions("start", "shelve", "resize", "rebuild", "terminate"),
    "paused": actions("unpause", "terminate"),
    "suspended": actions("resume", "terminate"),
    "shelved": actions("unshelve", "terminate"),
    "verify-resize": actions("confirm-resize", "revert-resize"),
    "error": actions("hard-reboot", "terminate"),
    "building": actions("terminate"),
}
# Neutron protocol names and numbers -> ours (None is any protocol).
PROTOCOLS = {None: "any", "tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp",
             "icmp": "icmp", "1": "icmp", "ipv6-icmp": "icmp", "icmpv6": "icmp", "58": "icmp"}


def time(value) -> datetime | None:
    """OpenStack timestamps, some without a zone (they are UTC)."""
    parsed = parse_datetime(value) if isinstance(value, str) and value else None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _addresses(server) -> tuple[tuple[str, ...], tuple[str, ...]]:
    fixed, floating = [], []
    for entries in (server.addresses or {}).values():
        for entry in entries:
            kind = entry.get("OS-EXT-IPS:type")
            (floating if kind == "floating" else fixed).append(entry["addr"])
    return tuple(fixed), tuple(floating)


class ServerJSON:
    """A server of Nova's JSON, read under openstacksdk's attribute names (those
    ``server`` reads), so a listing need not build the SDK's resources."""

    NAMES = {"task_state": "OS-EXT-STS:task_state", "is_locked": "locked",
             "availability_zone": "OS-EXT-AZ:availability_zone",
             "launched_at": "OS-SRV-USG:launched_at", "created_at": "created",
             "root_device_name": "OS-EXT-SRV-ATTR:root_device_name"}

    def __init__(self, body: dict):
        self._body = body

    def __getattr__(self, name):
        return self._body.get(self.NAMES.get(name, name))


def server(found) -> Instance:
    """An Instance of an openstacksdk Server, or of a ServerJSON."""
    state = STATES.get((found.status or "").upper(), (found.status or "unknown").lower())
    flavor = found.flavor or {}
    private, public = _addresses(found)
    busy = bool(found.task_state)
    available = () if busy else STATE_ACTIONS.get(state, ())
    if found.is_locked:
        available = actions("unlock")
    elif available and available[-1].name == "terminate":
        available = (*available[:-1], *actions("lock"), available[-1])
    return Instance(
        id=found.id,
        name=found.name or "",
        state=(found.task_state or state).replace("_", "-"),
        instance_type=flavor.get("original_name") or flavor.get("name") or flavor.get("id", ""),
        image_id=(found.image or {}).get("id") or "",
        key_name=found.key_name or "",
        private_ips=private,
        public_ips=public,
        availability_zone=found.availability_zone or "",
        launched_at=time(found.launched_at or found.created_at),
        security_groups=tuple(dict.fromkeys(g.get("name", "")
                                            for g in found.security_groups or [])),
        tags=dict(found.metadata or {}),
        labels=tuple(found.tags or ()),
        busy=busy,
        actions=available,
        locked=bool(found.is_locked),
        # Nova tells administrators only (extended server attributes).
        root_device=getattr(found, "root_device_name", None) or "",
    )


def image(found) -> Image:
    return Image(
        id=found.id, name=found.name or found.id, owner_id=found.owner or "",
        is_public=found.visibility == "public", state=found.status or "",
        description=(found.properties or {}).get("description", "") if found.properties else "",
        architecture=found.architecture or "", platform=found.os_distro or "",
        created_at=time(found.created_at),
    )


def volume(found) -> Volume:
    return Volume(
        id=found.id, name=found.name or "", size_gb=found.size or 0,
        state=found.status or "", volume_type=found.volume_type or "",
        availability_zone=found.availability_zone or "",
        description=found.description or "", snapshot_id=found.snapshot_id or "",
        created_at=time(found.created_at),
        attachments=tuple(VolumeAttachment(instance_id=a.get("server_id", ""),
                                           device=a.get("device") or "")
                          for a in found.attachments or []),
    )


def snapshot(found) -> Snapshot:
    return Snapshot(
        id=found.id, name=found.name or "", volume_id=found.volume_id or "",
        size_gb=found.size or 0, state=found.status or "",
        description=found.description or "", created_at=time(found.created_at),
    )


def rule(data: dict) -> SecurityGroupRule:
    raw = data.get("protocol")
    protocol = PROTOCOLS.get(raw.lower() if isinstance(raw, str) else raw, str(raw))
    return SecurityGroupRule(
        id=data["id"], direction=data.get("direction") or "ingress", protocol=protocol,
        port_min=data.get("port_range_min"), port_max=data.get("port_range_max"),
        remote_cidr=data.get("remote_ip_prefix") or "",
        remote_group_id=data.get("remote_group_id") or "",
        ether_type=data.get("ethertype") or "IPv4",
    )


def security_group(group) -> SecurityGroup:
    rules = sorted((rule(r) for r in group.security_group_rules or []),
                   key=lambda r: (r.direction != "ingress", r.ether_type, r.protocol,
                                  r.port_min or 0, r.remote_cidr, r.remote_group_id))
    return SecurityGroup(id=group.id, name=group.name or "",
                         description=group.description or "", rules=tuple(rules))


def subnet(found) -> Subnet:
    return Subnet(id=found.id, name=found.name or "", network_id=found.network_id or "",
                  cidr=found.cidr or "", ip_version=int(found.ip_version or 4),
                  gateway_ip=found.gateway_ip or "", dhcp=bool(found.is_dhcp_enabled),
                  project_id=found.project_id or "")


def network(found, subnets: list[Subnet], project_id: str) -> Network:
    mine = sorted((s for s in subnets if s.network_id == found.id),
                  key=lambda s: (s.ip_version, s.name.lower(), s.cidr))
    return Network(id=found.id, name=found.name or "", status=(found.status or "").lower(),
                   shared=bool(found.is_shared), external=bool(found.is_router_external),
                   project_id=found.project_id or "",
                   own=bool(found.project_id) and found.project_id == project_id,
                   subnets=tuple(mine))


def router(found, ports: list) -> Router:
    gateway = found.external_gateway_info or {}
    interfaces = tuple(
        RouterInterface(port_id=p.id, subnet_id=fixed.get("subnet_id", ""))
        for p in ports if p.device_id == found.id
        for fixed in p.fixed_ips or [] if fixed.get("subnet_id"))
    return Router(id=found.id, name=found.name or "", status=(found.status or "").lower(),
                  external_network_id=gateway.get("network_id") or "",
                  project_id=found.project_id or "", interfaces=interfaces)


def flavor(found) -> Flavor:
    return Flavor(
        id=found.id, name=found.name or found.id, vcpus=found.vcpus or 0,
        ram_mb=found.ram or 0, disk_gb=found.disk or 0, is_public=bool(found.is_public),
        ephemeral_gb=found.ephemeral or 0, swap_mb=int(found.swap or 0),
    )


def hypervisor(data: dict) -> Hypervisor:
    return Hypervisor(
        id=str(data.get("id", "")), name=data.get("hypervisor_hostname") or "",
        state=data.get("state") or "", status=data.get("status") or "",
        hypervisor_type=data.get("hypervisor_type") or "", host_ip=data.get("host_ip") or "",
        running_vms=data.get("running_vms"), vcpus=data.get("vcpus"),
        vcpus_used=data.get("vcpus_used"), memory_mb=data.get("memory_mb"),
        memory_mb_used=data.get("memory_mb_used"), disk_gb=data.get("local_gb"),
        disk_gb_used=data.get("local_gb_used"),
    )


def compute_service(found) -> CloudService:
    return CloudService(
        id=str(found.id), binary=found.binary or "", host=found.host or "",
        zone=found.availability_zone or "", status=found.status or "", state=found.state or "",
        updated_at=time(found.updated_at), disabled_reason=found.disabled_reason or "")


def application_credential(found) -> ApplicationCredential:
    return ApplicationCredential(
        id=found.id,
        name=found.name or "",
        project_id=found.project_id or "",
        description=found.description or "",
        expires_at=time(found.expires_at),
        roles=tuple(sorted(r.get("name", "") for r in found.roles or [])),
        unrestricted=bool(found.unrestricted),
    )


def server_usage(entry) -> InstanceUsage:
    get = entry.get if isinstance(entry, dict) else lambda key, default=None: getattr(
        entry, key, default)
    ended = time(get("ended_at"))
    return InstanceUsage(
        instance_id=get("instance_id") or "", name=get("name") or "",
        instance_type=get("flavor") or "", vcpus=number(get("vcpus")),
        memory_mib=number(get("memory_mb")),
        state="terminated" if ended else (get("state") or ""),
        hours=float(get("hours") or 0), started_at=time(get("started_at")), ended_at=ended)
