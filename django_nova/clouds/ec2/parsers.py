"""EC2 API answers (boto3 dicts) into django_nova's dataclasses."""

import base64
import binascii
import json

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from ...exceptions import InvalidInput, NotFound
from ...resources import (
    AccessKey,
    Address,
    Image,
    Instance,
    KeyPair,
    SecurityGroup,
    SecurityGroupRule,
    Snapshot,
    Volume,
    VolumeAttachment,
    actions,
)

# What EC2 lets a user do in each state.
STATE_ACTIONS = {
    "pending": actions("terminate"),
    "running": actions("stop", "reboot", "terminate"),
    "stopping": actions("terminate"),
    "stopped": actions("start", "terminate"),
}
# EC2 protocol names and numbers -> ours.
PROTOCOLS = {"-1": "any", "tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp",
             "icmp": "icmp", "1": "icmp", "icmpv6": "icmp", "58": "icmp"}
ALL_PORTS = (0, 65535)
# Where each kind of rule source sits in an IpPermission, and the key of its value.
SOURCES = {"cidr4": ("IpRanges", "CidrIp"), "cidr6": ("Ipv6Ranges", "CidrIpv6"),
           "group": ("UserIdGroupPairs", "GroupId"), "prefix": ("PrefixListIds", "PrefixListId")}


def tags(data: dict) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in data.get("Tags", [])}


def timestamp(value):
    return parse_datetime(value) if isinstance(value, str) else value


def instance(data: dict) -> Instance:
    named = tags(data)
    private_ips = [addr["PrivateIpAddress"]
                   for iface in data.get("NetworkInterfaces", [])
                   for addr in iface.get("PrivateIpAddresses", [])]
    if not private_ips and data.get("PrivateIpAddress"):
        private_ips = [data["PrivateIpAddress"]]
    state = data.get("State", {}).get("Name", "unknown")
    return Instance(
        id=data["InstanceId"],
        name=named.get("Name", ""),
        state=state,
        actions=STATE_ACTIONS.get(state, ()),
        instance_type=data.get("InstanceType", ""),
        image_id=data.get("ImageId", ""),
        key_name=data.get("KeyName", ""),
        private_ips=tuple(dict.fromkeys(private_ips)),
        public_ips=(data["PublicIpAddress"],) if data.get("PublicIpAddress") else (),
        availability_zone=data.get("Placement", {}).get("AvailabilityZone", ""),
        launched_at=data.get("LaunchTime"),
        security_groups=tuple(g.get("GroupName") or g.get("GroupId", "")
                              for g in data.get("SecurityGroups", [])),
        security_group_ids=tuple(g["GroupId"] for g in data.get("SecurityGroups", [])
                                 if g.get("GroupId")),
        tags=named,
        root_device=data.get("RootDeviceName", ""),
    )


def instances(result: dict) -> list[Instance]:
    """Every instance of a DescribeInstances answer, whatever its reservation."""
    return [instance(item) for reservation in result.get("Reservations", [])
            for item in reservation.get("Instances", [])]


def image(data: dict) -> Image:
    created = data.get("CreationDate")
    return Image(
        id=data["ImageId"],
        name=data.get("Name") or data["ImageId"],
        owner_id=data.get("OwnerId", ""),
        is_public=bool(data.get("Public")),
        state=data.get("State", ""),
        description=data.get("Description") or "",
        architecture=data.get("Architecture", ""),
        platform=data.get("PlatformDetails") or data.get("Platform") or "",
        created_at=timestamp(created) if created else None,
        root_volume_gb=root_volume_gb(data),
    )


def root_volume_gb(data: dict) -> int:
    """The size of the EBS volume an image's root device gets at launch (0: none)."""
    if data.get("RootDeviceType") != "ebs":
        return 0
    volumes = [m for m in data.get("BlockDeviceMappings") or [] if "Ebs" in m]
    # The root device's mapping; moto names another device than it says, so else the first.
    root = next((m for m in volumes if m.get("DeviceName") == data.get("RootDeviceName")),
                volumes[0] if volumes else None)
    return int(root["Ebs"].get("VolumeSize") or 0) if root else 0


def key_pair(data: dict) -> KeyPair:
    return KeyPair(
        name=data["KeyName"],
        fingerprint=data.get("KeyFingerprint", ""),
        key_type=data.get("KeyType", ""),
        id=data.get("KeyPairId", ""),
        created_at=data.get("CreateTime"),
    )


def console(output: str) -> str:
    """EC2 returns console output base64-encoded; some endpoints send it plain."""
    try:
        return base64.b64decode(output, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return output


def volume(data: dict) -> Volume:
    named = tags(data)
    return Volume(
        id=data["VolumeId"], name=named.get("Name", ""), size_gb=data.get("Size", 0),
        state=data.get("State", ""), volume_type=data.get("VolumeType", ""),
        availability_zone=data.get("AvailabilityZone", ""),
        description=named.get("Description", ""), snapshot_id=data.get("SnapshotId") or "",
        created_at=data.get("CreateTime"),
        attachments=tuple(VolumeAttachment(instance_id=a["InstanceId"], device=a.get("Device", ""))
                          for a in data.get("Attachments", [])
                          if a.get("State") in ("attaching", "attached")),
    )


def snapshot(data: dict) -> Snapshot:
    named = tags(data)
    return Snapshot(
        id=data["SnapshotId"], name=named.get("Name", ""), volume_id=data.get("VolumeId", ""),
        size_gb=data.get("VolumeSize", 0), state=data.get("State", ""),
        description=named.get("Description") or data.get("Description") or "",
        created_at=data.get("StartTime"),
    )


# Security group rules.  EC2 describes a group's rules as ``IpPermissions``: one
# entry per protocol and port range, each with several sources (IPv4 ranges, IPv6
# ranges, other groups, prefix lists).  django_nova shows one rule per source, so
# each source becomes a ``SecurityGroupRule``.  Rules have no id in
# ``DescribeSecurityGroups``, so one is made: the rule's own EC2 terms, encoded.
# Removing a rule decodes them into exactly the ``IpPermissions`` EC2 revokes, with
# no extra call to look rule ids up (and on endpoints without SecurityGroupRuleIds).

def encode_rule_id(terms: list) -> str:
    raw = json.dumps(terms, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_rule_id(rule_id: str) -> tuple[str, dict]:
    """(direction, IpPermission) from a rule id ``encode_rule_id`` made; NotFound otherwise."""
    try:
        raw = base64.urlsafe_b64decode(rule_id + "=" * (-len(rule_id) % 4))
        direction, protocol, from_port, to_port, kind, value = json.loads(raw)
        list_key, value_key = SOURCES[kind]
        if direction not in {"ingress", "egress"} or not isinstance(value, str) \
                or not isinstance(protocol, str):
            raise ValueError(direction)
        permission = {"IpProtocol": protocol, list_key: [{value_key: value}]}
        for key, port in (("FromPort", from_port), ("ToPort", to_port)):
            if port is not None:
                permission[key] = int(port)
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError) as error:
        raise NotFound(_("This security group has no such rule.")) from error
    return direction, permission


def _ports(protocol: str, from_port, to_port) -> tuple[int | None, int | None]:
    """Our port range (None for all ports): EC2 says -1 (icmp, any) or 0-65535 (tcp, udp)."""
    if protocol == "any" or from_port is None or from_port == -1:
        return None, None
    if protocol in {"tcp", "udp"} and (from_port, to_port) == ALL_PORTS:
        return None, None
    return from_port, (None if to_port == -1 else to_port)


def rules(permissions: list[dict], direction: str) -> list[SecurityGroupRule]:
    found = []
    for permission in permissions:
        ip_protocol = str(permission.get("IpProtocol", "-1"))
        protocol = PROTOCOLS.get(ip_protocol.lower(), ip_protocol)
        from_port, to_port = permission.get("FromPort"), permission.get("ToPort")
        port_min, port_max = _ports(protocol, from_port, to_port)
        for kind, (list_key, value_key) in SOURCES.items():
            for source in permission.get(list_key, []):
                value = source.get(value_key, "")
                if not value:
                    continue
                rule_id = encode_rule_id([direction, ip_protocol, from_port, to_port,
                                          kind, value])
                found.append(SecurityGroupRule(
                    id=rule_id, direction=direction, protocol=protocol,
                    port_min=port_min, port_max=port_max,
                    remote_cidr=value if kind in {"cidr4", "cidr6", "prefix"} else "",
                    remote_group_id=value if kind == "group" else "",
                    # A source group covers whatever addresses its members have.
                    ether_type={"cidr4": "IPv4", "cidr6": "IPv6"}.get(kind, ""),
                ))
    return found


def security_group(data: dict) -> SecurityGroup:
    found = (rules(data.get("IpPermissions", []), "ingress")
             + rules(data.get("IpPermissionsEgress", []), "egress"))
    return SecurityGroup(id=data["GroupId"], name=data.get("GroupName", ""),
                         description=data.get("Description") or "", rules=tuple(found))


def permission(rule: SecurityGroupRule) -> dict:
    """The IpPermission that grants a new rule."""
    ipv6 = rule.ether_type == "IPv6"
    if rule.protocol == "any":
        granted = {"IpProtocol": "-1"}
    elif rule.protocol == "icmp":
        granted = {"IpProtocol": "icmpv6" if ipv6 else "icmp", "FromPort": -1, "ToPort": -1}
    elif rule.protocol in {"tcp", "udp"}:
        low, high = ((rule.port_min, rule.port_max) if rule.port_min is not None
                     else ALL_PORTS)
        granted = {"IpProtocol": rule.protocol, "FromPort": low,
                   "ToPort": high if high is not None else low}
    else:
        raise InvalidInput(_("Unsupported protocol %(protocol)s.")
                           % {"protocol": repr(rule.protocol)})
    if rule.remote_group_id:
        granted["UserIdGroupPairs"] = [{"GroupId": rule.remote_group_id}]
    elif ipv6:
        granted["Ipv6Ranges"] = [{"CidrIpv6": rule.remote_cidr or "::/0"}]
    else:
        granted["IpRanges"] = [{"CidrIp": rule.remote_cidr or "0.0.0.0/0"}]
    return granted


def address(data: dict) -> Address:
    associated = bool(data.get("AssociationId") or data.get("InstanceId")
                      or data.get("NetworkInterfaceId"))
    return Address(
        id=data.get("AllocationId") or data.get("PublicIp", ""), ip=data.get("PublicIp", ""),
        pool=data.get("Domain", ""), instance_id=data.get("InstanceId") or "",
        fixed_ip=data.get("PrivateIpAddress") or "",
        port_id=data.get("NetworkInterfaceId") or "",
        association_id=data.get("AssociationId") or "",
        state="associated" if associated else "available")


def access_key(data: dict, last_used: dict | None = None) -> AccessKey:
    last_used = last_used or {}
    service = last_used.get("ServiceName") or ""
    return AccessKey(
        id=data["AccessKeyId"],
        status=data.get("Status", ""),
        created_at=data.get("CreateDate"),
        last_used_at=last_used.get("LastUsedDate"),
        last_used_service="" if service == "N/A" else service,
    )
