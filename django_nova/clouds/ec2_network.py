"""EC2 security groups and elastic IPs (mixed into EC2Driver).

EC2 describes a group's rules as ``IpPermissions``: one entry per protocol and
port range, each with several sources (IPv4 ranges, IPv6 ranges, other groups,
prefix lists).  django_nova shows one rule per source, so each source becomes
a ``SecurityGroupRule``.  Rules have no id in ``DescribeSecurityGroups``, so
the driver makes one: the rule's own EC2 terms, encoded.  Removing a rule
decodes them into exactly the ``IpPermissions`` EC2 revokes, with no extra call
to look rule ids up (and on endpoints without ``SecurityGroupRuleIds``).
"""

import base64
import binascii
import json
from dataclasses import replace

from ..exceptions import Conflict, InvalidInput, NotFound
from ..resources import Address, AddressTarget, Instance, SecurityGroup, SecurityGroupRule

# EC2 protocol names and numbers -> ours.
PROTOCOLS = {"-1": "any", "tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp",
             "icmp": "icmp", "1": "icmp", "icmpv6": "icmp", "58": "icmp"}
ALL_PORTS = (0, 65535)
# Where each kind of source sits in an IpPermission, and the key of its value.
SOURCES = {"cidr4": ("IpRanges", "CidrIp"), "cidr6": ("Ipv6Ranges", "CidrIpv6"),
           "group": ("UserIdGroupPairs", "GroupId"), "prefix": ("PrefixListIds", "PrefixListId")}
# What counts as "in use" for a group: instances that still exist.
LIVE_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"]
# Instances an elastic IP can be associated with (a VPC instance also when stopped).
ASSOCIABLE_STATES = ["pending", "running", "stopping", "stopped"]


def _encode_rule_id(terms: list) -> str:
    raw = json.dumps(terms, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_rule_id(rule_id: str) -> tuple[str, dict]:
    """(direction, IpPermission) from a rule id this driver made; NotFound otherwise."""
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
        raise NotFound("This security group has no such rule.") from error
    return direction, permission


def _ports(protocol: str, from_port, to_port) -> tuple[int | None, int | None]:
    """Our port range (None for all ports): EC2 says -1 (icmp, any) or 0-65535 (tcp, udp)."""
    if protocol == "any" or from_port is None or from_port == -1:
        return None, None
    if protocol in {"tcp", "udp"} and (from_port, to_port) == ALL_PORTS:
        return None, None
    return from_port, (None if to_port == -1 else to_port)


def _parse_permissions(permissions: list[dict], direction: str) -> list[SecurityGroupRule]:
    rules = []
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
                rule_id = _encode_rule_id([direction, ip_protocol, from_port, to_port,
                                           kind, value])
                rules.append(SecurityGroupRule(
                    id=rule_id, direction=direction, protocol=protocol,
                    port_min=port_min, port_max=port_max,
                    remote_cidr=value if kind in {"cidr4", "cidr6", "prefix"} else "",
                    remote_group_id=value if kind == "group" else "",
                    # A source group covers whatever addresses its members have.
                    ether_type={"cidr4": "IPv4", "cidr6": "IPv6"}.get(kind, ""),
                ))
    return rules


def _parse_group(data: dict) -> SecurityGroup:
    rules = (_parse_permissions(data.get("IpPermissions", []), "ingress")
             + _parse_permissions(data.get("IpPermissionsEgress", []), "egress"))
    return SecurityGroup(id=data["GroupId"], name=data.get("GroupName", ""),
                         description=data.get("Description") or "", rules=tuple(rules))


def _parse_address(data: dict) -> Address:
    associated = bool(data.get("AssociationId") or data.get("InstanceId")
                      or data.get("NetworkInterfaceId"))
    return Address(
        id=data.get("AllocationId") or data.get("PublicIp", ""), ip=data.get("PublicIp", ""),
        pool=data.get("Domain", ""), instance_id=data.get("InstanceId") or "",
        fixed_ip=data.get("PrivateIpAddress") or "",
        port_id=data.get("NetworkInterfaceId") or "",
        association_id=data.get("AssociationId") or "",
        state="associated" if associated else "available")


def _permission(rule: SecurityGroupRule) -> dict:
    """The IpPermission that grants a new rule."""
    ipv6 = rule.ether_type == "IPv6"
    if rule.protocol == "any":
        permission = {"IpProtocol": "-1"}
    elif rule.protocol == "icmp":
        permission = {"IpProtocol": "icmpv6" if ipv6 else "icmp", "FromPort": -1, "ToPort": -1}
    elif rule.protocol in {"tcp", "udp"}:
        low, high = ((rule.port_min, rule.port_max) if rule.port_min is not None
                     else ALL_PORTS)
        permission = {"IpProtocol": rule.protocol, "FromPort": low,
                      "ToPort": high if high is not None else low}
    else:
        raise InvalidInput(f"Unsupported protocol {rule.protocol!r}.")
    if rule.remote_group_id:
        permission["UserIdGroupPairs"] = [{"GroupId": rule.remote_group_id}]
    elif ipv6:
        permission["Ipv6Ranges"] = [{"CidrIpv6": rule.remote_cidr or "::/0"}]
    else:
        permission["IpRanges"] = [{"CidrIp": rule.remote_cidr or "0.0.0.0/0"}]
    return permission


class EC2NetworkMixin:
    """Security groups through the EC2 API (VPC groups: ingress and egress rules)."""

    #: EC2 cannot rename a group or change its description.
    SECURITY_GROUPS_EDITABLE = False
    #: EC2 refuses a group without a description.
    SECURITY_GROUP_DESCRIPTION_REQUIRED = True
    #: A VPC instance always has at least one group.
    INSTANCE_NEEDS_SECURITY_GROUP = True
    #: Rules from a source group have no ether type on EC2.
    GROUP_RULES_HAVE_ETHER_TYPE = False

    def security_groups_with_rules(self) -> list[SecurityGroup]:
        """The project's groups with their rules: one call."""
        result = self._call(self.ec2, "describe_security_groups")
        return [_parse_group(g) for g in result.get("SecurityGroups", [])]

    def create_security_group(self, name: str, description: str) -> SecurityGroup:
        result = self._call(self.ec2, "create_security_group", GroupName=name,
                            Description=description)
        return SecurityGroup(id=result["GroupId"], name=name, description=description)

    def update_security_group(self, group_id: str, name: str, description: str) -> None:
        raise InvalidInput("EC2 cannot rename a security group or change its description. "
                           "Create a new group instead and move instances to it.")

    def delete_security_group(self, group_id: str) -> None:
        # AWS refuses with DependencyViolation; some EC2 endpoints (moto) delete anyway.
        result = self._call(self.ec2, "describe_instances", Filters=[
            {"Name": "instance.group-id", "Values": [group_id]},
            {"Name": "instance-state-name", "Values": LIVE_STATES}])
        users = [i["InstanceId"] for r in result.get("Reservations", [])
                 for i in r.get("Instances", [])]
        if users:
            raise Conflict(f"The security group is in use by {', '.join(sorted(users))}.",
                           "DependencyViolation")
        self._call(self.ec2, "delete_security_group", GroupId=group_id)

    def add_security_group_rule(self, group_id: str, rule: SecurityGroupRule) -> None:
        operation = ("authorize_security_group_egress" if rule.direction == "egress"
                     else "authorize_security_group_ingress")
        self._call(self.ec2, operation, GroupId=group_id, IpPermissions=[_permission(rule)])

    def delete_security_group_rule(self, group_id: str, rule_id: str) -> None:
        direction, permission = _decode_rule_id(rule_id)
        operation = ("revoke_security_group_egress" if direction == "egress"
                     else "revoke_security_group_ingress")
        self._call(self.ec2, operation, GroupId=group_id, IpPermissions=[permission])

    def get_instance_with_security_groups(self, instance_id: str) -> Instance:
        """An instance with ``security_group_ids`` filled in: one call."""
        from .ec2 import _parse_instance  # ec2 imports this module

        result = self._call(self.ec2, "describe_instances", InstanceIds=[instance_id])
        for reservation in result.get("Reservations", []):
            for item in reservation.get("Instances", []):
                ids = tuple(g["GroupId"] for g in item.get("SecurityGroups", [])
                            if g.get("GroupId"))
                return replace(_parse_instance(item), security_group_ids=ids)
        raise NotFound(f"The instance {instance_id} does not exist.")

    def set_instance_security_groups(self, instance: Instance, group_ids: list[str]) -> None:
        if not group_ids:
            raise InvalidInput("An EC2 instance needs at least one security group.")
        self._call(self.ec2, "modify_instance_attribute", InstanceId=instance.id,
                   Groups=list(group_ids))

    # Elastic IPs (VPC addresses, acted on by allocation id)

    #: What the sidebar and pages call addresses on this cloud.
    ADDRESS_LABEL = "Elastic IPs"
    ADDRESS_POOL_LABEL = "Domain"
    ADDRESS_NOUN = "elastic IP"

    def list_addresses(self) -> list[Address]:
        """The project's elastic IPs: one call (moto and small accounts need no paging)."""
        result = self._call(self.ec2, "describe_addresses")
        return sorted((_parse_address(a) for a in result.get("Addresses", [])),
                      key=lambda a: a.ip)

    def get_address(self, address_id: str) -> Address:
        result = self._call(self.ec2, "describe_addresses", AllocationIds=[address_id])
        for item in result.get("Addresses", []):
            return _parse_address(item)
        raise NotFound(f"There is no elastic IP {address_id} in this project.")

    def address_pools(self) -> list[tuple[str, str]]:
        """EC2 has no pools to choose from: every address is a VPC address."""
        return []

    def allocate_address(self, pool: str = "") -> Address:
        result = self._call(self.ec2, "allocate_address", Domain="vpc")
        return _parse_address(result)

    def address_targets(self) -> list[AddressTarget]:
        """Instances an elastic IP can go to, with their primary private IP: one call."""
        result = self._call(self.ec2, "describe_instances", Filters=[
            {"Name": "instance-state-name", "Values": ASSOCIABLE_STATES}])
        targets = []
        for reservation in result.get("Reservations", []):
            for item in reservation.get("Instances", []):
                name = next((t["Value"] for t in item.get("Tags", []) if t["Key"] == "Name"), "")
                targets.append(AddressTarget(instance_id=item["InstanceId"], instance_name=name,
                                             fixed_ip=item.get("PrivateIpAddress") or ""))
        return sorted(targets, key=lambda t: (t.instance_name.lower(), t.instance_id))

    def associate_address(self, address: Address, target: AddressTarget) -> None:
        # AllowReassociation stays off: an address in use is never moved silently.
        self._call(self.ec2, "associate_address", AllocationId=address.id,
                   InstanceId=target.instance_id)

    def disassociate_address(self, address: Address) -> None:
        self._call(self.ec2, "disassociate_address", AssociationId=address.association_id)

    def release_address(self, address: Address) -> None:
        self._call(self.ec2, "release_address", AllocationId=address.id)
