"""Neutron security groups; instances gain and lose them through Nova.

Neutron lists each group with its rules, so a groups page is one call.  Nova's
``addSecurityGroup`` / ``removeSecurityGroup`` take a group's id as well as its
name, so groups that share a name stay distinct.
"""

from dataclasses import replace

from django.utils.translation import gettext as _

from ...exceptions import InvalidInput, NotFound
from ...resources import Instance, SecurityGroup, SecurityGroupRule
from . import parsers
from .compute import OpenStackCompute
from .session import OpenStackSession


class OpenStackSecurityGroups:
    def __init__(self, session: OpenStackSession, compute: OpenStackCompute):
        self.session = session
        self.compute = compute

    @property
    def _neutron(self):
        return self.session.conn.network

    def list_security_groups(self) -> list[SecurityGroup]:
        groups = self.session.call(lambda: list(self._neutron.security_groups(
            project_id=self.session.project_id)))
        return [parsers.security_group(g) for g in groups]

    def create_security_group(self, name: str, description: str) -> SecurityGroup:
        return parsers.security_group(self.session.call(
            self._neutron.create_security_group, name=name, description=description))

    def update_security_group(self, group_id: str, name: str, description: str) -> None:
        self.session.call(self._neutron.update_security_group, group_id, name=name,
                          description=description)

    def delete_security_group(self, group_id: str) -> None:
        self.session.call(self._neutron.delete_security_group, group_id)

    def add_rule(self, group_id: str, rule: SecurityGroupRule) -> None:
        protocol = None if rule.protocol == "any" else rule.protocol
        if protocol == "icmp" and rule.ether_type == "IPv6":
            protocol = "ipv6-icmp"
        self.session.call(
            self._neutron.create_security_group_rule,
            security_group_id=group_id, direction=rule.direction,
            ethertype=rule.ether_type, protocol=protocol, port_range_min=rule.port_min,
            port_range_max=rule.port_max if rule.port_max is not None else rule.port_min,
            remote_ip_prefix=rule.remote_cidr or None,
            remote_group_id=rule.remote_group_id or None)

    def delete_rule(self, group_id: str, rule_id: str) -> None:
        self.session.call(self._neutron.delete_security_group_rule, rule_id)

    def _ports(self, instance_id: str) -> list:
        return self.session.call(lambda: list(self._neutron.ports(device_id=instance_id)))

    def instance_with_groups(self, instance_id: str) -> Instance:
        """A server with ``security_group_ids`` from its ports (Nova only knows names)."""
        server = self.compute.get_instance(instance_id)
        ids = dict.fromkeys(g for p in self._ports(server.id) for g in p.security_group_ids or [])
        return replace(server, security_group_ids=tuple(ids))

    def set_instance_groups(self, instance: Instance, group_ids: list[str]) -> None:
        nova = self.session.conn.compute
        current = list(instance.security_group_ids)
        changes = ([(nova.add_security_group_to_server, g) for g in group_ids
                    if g not in current]
                   + [(nova.remove_security_group_from_server, g) for g in current
                      if g not in group_ids])
        for change, group_id in changes:
            try:
                self.session.call(change, instance.id, group_id)
            except NotFound:
                # Nova applies groups to the server's ports; a server without any says 404.
                if not self._ports(instance.id):
                    raise InvalidInput(_("This server has no network port, and security groups "
                                         "apply to ports: there is nothing to change.")) from None
                raise
