"""Neutron security groups, floating IPs and networks (mixed into OpenStackDriver).

Neutron lists each group with its rules, so a groups page is one call.
Instances gain and lose groups through Nova (``addSecurityGroup`` /
``removeSecurityGroup``), which takes a group's id as well as its name, so
groups that share a name stay distinct.

Floating IPs come from external networks (``router:external``) and go to a
port of a server.  Neutron's ``fip-port-details`` extension names the port's
server in the floating IP itself, so the list needs no port lookups.
"""

from dataclasses import replace

from ..exceptions import InvalidInput, NotFound
from ..resources import (
    Address,
    AddressTarget,
    Instance,
    Network,
    Router,
    RouterInterface,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
)

ROUTER_INTERFACE_OWNERS = ("network:router_interface", "network:router_interface_distributed",
                           "network:ha_router_replicated_interface")

# Neutron protocol names and numbers -> ours (None is any protocol).
PROTOCOLS = {None: "any", "tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp",
             "icmp": "icmp", "1": "icmp", "ipv6-icmp": "icmp", "icmpv6": "icmp", "58": "icmp"}


def _parse_rule(rule: dict) -> SecurityGroupRule:
    raw = rule.get("protocol")
    protocol = PROTOCOLS.get(raw.lower() if isinstance(raw, str) else raw, str(raw))
    return SecurityGroupRule(
        id=rule["id"], direction=rule.get("direction") or "ingress", protocol=protocol,
        port_min=rule.get("port_range_min"), port_max=rule.get("port_range_max"),
        remote_cidr=rule.get("remote_ip_prefix") or "",
        remote_group_id=rule.get("remote_group_id") or "",
        ether_type=rule.get("ethertype") or "IPv4",
    )


def _parse_group(group) -> SecurityGroup:
    rules = sorted((_parse_rule(r) for r in group.security_group_rules or []),
                   key=lambda r: (r.direction != "ingress", r.ether_type, r.protocol,
                                  r.port_min or 0, r.remote_cidr, r.remote_group_id))
    return SecurityGroup(id=group.id, name=group.name or "",
                         description=group.description or "", rules=tuple(rules))


def _parse_address(ip, pools: dict[str, str]) -> Address:
    details = ip.port_details or {}
    instance_id = details.get("device_id", "") if str(
        details.get("device_owner", "")).startswith("compute:") else ""
    return Address(
        id=ip.id, ip=ip.floating_ip_address or "",
        pool=pools.get(ip.floating_network_id, ip.floating_network_id or ""),
        instance_id=instance_id or "", fixed_ip=ip.fixed_ip_address or "",
        port_id=ip.port_id or "", state=(ip.status or "").lower())


def _parse_subnet(subnet) -> Subnet:
    return Subnet(id=subnet.id, name=subnet.name or "", network_id=subnet.network_id or "",
                  cidr=subnet.cidr or "", ip_version=int(subnet.ip_version or 4),
                  gateway_ip=subnet.gateway_ip or "", dhcp=bool(subnet.is_dhcp_enabled),
                  project_id=subnet.project_id or "")


def _parse_network(network, subnets: list[Subnet], project_id: str) -> Network:
    mine = sorted((s for s in subnets if s.network_id == network.id),
                  key=lambda s: (s.ip_version, s.name.lower(), s.cidr))
    return Network(id=network.id, name=network.name or "", status=(network.status or "").lower(),
                   shared=bool(network.is_shared), external=bool(network.is_router_external),
                   project_id=network.project_id or "",
                   own=bool(network.project_id) and network.project_id == project_id,
                   subnets=tuple(mine))


def _parse_router(router, ports: list) -> Router:
    gateway = router.external_gateway_info or {}
    interfaces = tuple(
        RouterInterface(port_id=p.id, subnet_id=fixed.get("subnet_id", ""))
        for p in ports if p.device_id == router.id
        for fixed in p.fixed_ips or [] if fixed.get("subnet_id"))
    return Router(id=router.id, name=router.name or "", status=(router.status or "").lower(),
                  external_network_id=gateway.get("network_id") or "",
                  project_id=router.project_id or "", interfaces=interfaces)


class OpenStackNetworkMixin:
    """Security groups through Neutron; instance membership through Nova."""

    SECURITY_GROUPS_EDITABLE = True
    SECURITY_GROUP_DESCRIPTION_REQUIRED = False
    INSTANCE_NEEDS_SECURITY_GROUP = False
    GROUP_RULES_HAVE_ETHER_TYPE = True

    def security_groups_with_rules(self) -> list[SecurityGroup]:
        """The project's groups with their rules: one call."""
        groups = self._call(lambda: list(self.conn.network.security_groups(
            project_id=self.keystone.project_id)))
        return [_parse_group(g) for g in groups]

    def create_security_group(self, name: str, description: str) -> SecurityGroup:
        return _parse_group(self._call(self.conn.network.create_security_group,
                                       name=name, description=description))

    def update_security_group(self, group_id: str, name: str, description: str) -> None:
        self._call(self.conn.network.update_security_group, group_id, name=name,
                   description=description)

    def delete_security_group(self, group_id: str) -> None:
        self._call(self.conn.network.delete_security_group, group_id)

    def add_security_group_rule(self, group_id: str, rule: SecurityGroupRule) -> None:
        protocol = None if rule.protocol == "any" else rule.protocol
        if protocol == "icmp" and rule.ether_type == "IPv6":
            protocol = "ipv6-icmp"
        self._call(self.conn.network.create_security_group_rule,
                   security_group_id=group_id, direction=rule.direction,
                   ethertype=rule.ether_type, protocol=protocol,
                   port_range_min=rule.port_min,
                   port_range_max=rule.port_max if rule.port_max is not None else rule.port_min,
                   remote_ip_prefix=rule.remote_cidr or None,
                   remote_group_id=rule.remote_group_id or None)

    def delete_security_group_rule(self, group_id: str, rule_id: str) -> None:
        self._call(self.conn.network.delete_security_group_rule, rule_id)

    def get_instance_with_security_groups(self, instance_id: str) -> Instance:
        """A server with ``security_group_ids`` from its ports (Nova only knows names)."""
        from .openstack import _parse_server  # openstack imports this module

        server = _parse_server(self._call(self.conn.compute.get_server, instance_id))
        ports = self._call(lambda: list(self.conn.network.ports(device_id=server.id)))
        ids = dict.fromkeys(g for p in ports for g in p.security_group_ids or [])
        return replace(server, security_group_ids=tuple(ids))

    def set_instance_security_groups(self, instance: Instance, group_ids: list[str]) -> None:
        current = list(instance.security_group_ids)
        changes = ([(self.conn.compute.add_security_group_to_server, g)
                    for g in group_ids if g not in current]
                   + [(self.conn.compute.remove_security_group_from_server, g)
                      for g in current if g not in group_ids])
        for change, group_id in changes:
            try:
                self._call(change, instance.id, group_id)
            except NotFound:
                # Nova applies groups to the server's ports; a server without any says 404.
                if not self._call(lambda: list(self.conn.network.ports(device_id=instance.id))):
                    raise InvalidInput("This server has no network port, and security groups "
                                       "apply to ports: there is nothing to change.") from None
                raise

    # Floating IPs

    ADDRESS_LABEL = "Floating IPs"
    ADDRESS_POOL_LABEL = "Pool"
    ADDRESS_NOUN = "floating IP"

    def address_pools(self) -> list[tuple[str, str]]:
        """External networks floating IPs come from, as (id, name): one call."""
        networks = self._call(lambda: list(self.conn.network.networks(is_router_external=True)))
        return sorted(((n.id, n.name or n.id) for n in networks), key=lambda p: p[1])

    def list_addresses(self) -> list[Address]:
        """The project's floating IPs, their pools named: two calls."""
        pools = dict(self.address_pools())
        ips = self._call(lambda: list(self.conn.network.ips(
            project_id=self.keystone.project_id)))
        return sorted((_parse_address(ip, pools) for ip in ips), key=lambda a: a.ip)

    def get_address(self, address_id: str) -> Address:
        ip = self._call(self.conn.network.get_ip, address_id)
        if ip.project_id and ip.project_id != self.keystone.project_id:
            raise NotFound(f"There is no floating IP {address_id} in this project.")
        return _parse_address(ip, {})

    def allocate_address(self, pool: str = "") -> Address:
        if not pool:
            raise InvalidInput("Choose the external network to allocate from.")
        ip = self._call(self.conn.network.create_ip, floating_network_id=pool)
        return _parse_address(ip, dict(self.address_pools()))

    def address_targets(self) -> list[AddressTarget]:
        """One target per IPv4 address of each server port: a server list and a port list."""
        names = self._call(lambda: {s.id: s.name or ""
                                    for s in self.conn.compute.servers(details=False)})
        ports = self._call(lambda: list(self.conn.network.ports(
            project_id=self.keystone.project_id)))
        targets = []
        for port in ports:
            if port.device_id not in names or not str(port.device_owner or "").startswith(
                    "compute:"):
                continue
            for fixed in port.fixed_ips or []:
                ip = fixed.get("ip_address", "")
                if ip and ":" not in ip:  # floating IPs are IPv4
                    targets.append(AddressTarget(instance_id=port.device_id,
                                                 instance_name=names[port.device_id],
                                                 port_id=port.id, fixed_ip=ip))
        return sorted(targets, key=lambda t: (t.instance_name.lower(), t.instance_id,
                                              t.fixed_ip))

    def associate_address(self, address: Address, target: AddressTarget) -> None:
        port_id, fixed_ip = target.port_id, target.fixed_ip
        if not port_id:
            ports = self._call(lambda: list(self.conn.network.ports(
                device_id=target.instance_id)))
            if not ports:
                raise InvalidInput("This server has no network port to associate with.")
            port_id = ports[0].id
        params = {"port_id": port_id}
        if fixed_ip:
            params["fixed_ip_address"] = fixed_ip
        self._call(self.conn.network.update_ip, address.id, **params)

    def disassociate_address(self, address: Address) -> None:
        self._call(self.conn.network.update_ip, address.id, port_id=None)

    def release_address(self, address: Address) -> None:
        self._call(self.conn.network.delete_ip, address.id)

    # Networks, subnets and routers (Neutron)

    HAS_NETWORKS = True

    def _own(self, resource, noun: str, resource_id: str):
        """``resource`` if the project owns it; NotFound otherwise (as for a wrong id)."""
        if (resource.project_id or "") != self.keystone.project_id:
            raise NotFound(f"There is no {noun} {resource_id} in this project.")
        return resource

    def list_networks(self) -> list[Network]:
        """The networks the project sees (own, shared, external) with their subnets: 2 calls."""
        networks = self._call(lambda: list(self.conn.network.networks()))
        subnets = self._call(lambda: [_parse_subnet(s) for s in self.conn.network.subnets()])
        project_id = self.keystone.project_id
        return [_parse_network(n, subnets, project_id) for n in networks]

    def get_network(self, network_id: str) -> Network:
        """One of the project's own networks with its subnets (404 for anyone else's)."""
        network = self._own(self._call(self.conn.network.get_network, network_id),
                            "network", network_id)
        subnets = self._call(lambda: [_parse_subnet(s) for s in self.conn.network.subnets(
            network_id=network_id)])
        return _parse_network(network, subnets, self.keystone.project_id)

    def network_port_owners(self, network_id: str) -> list[tuple[str, str]]:
        """(device_owner, device_id) of every port on a network: one call."""
        return self._call(lambda: [(p.device_owner or "", p.device_id or "")
                                   for p in self.conn.network.ports(network_id=network_id)])

    def create_network(self, name: str) -> Network:
        network = self._call(self.conn.network.create_network, name=name)
        return _parse_network(network, [], self.keystone.project_id)

    def delete_network(self, network_id: str) -> None:
        self._call(self.conn.network.delete_network, network_id, ignore_missing=False)

    def create_subnet(self, network_id: str, name: str, cidr: str, ip_version: int,
                      gateway_ip: str = "", dhcp: bool = True) -> Subnet:
        params = {"network_id": network_id, "name": name, "cidr": cidr,
                  "ip_version": ip_version, "enable_dhcp": dhcp}
        if gateway_ip:  # an explicit None would mean "no gateway" to Neutron
            params["gateway_ip"] = gateway_ip
        return _parse_subnet(self._call(self.conn.network.create_subnet, **params))

    def get_subnet(self, subnet_id: str) -> Subnet:
        subnet = self._own(self._call(self.conn.network.get_subnet, subnet_id),
                           "subnet", subnet_id)
        return _parse_subnet(subnet)

    def delete_subnet(self, subnet_id: str) -> None:
        self._call(self.conn.network.delete_subnet, subnet_id, ignore_missing=False)

    def _router_ports(self, **filters) -> list:
        ports = self._call(lambda: list(self.conn.network.ports(**filters)))
        return [p for p in ports if (p.device_owner or "") in ROUTER_INTERFACE_OWNERS]

    def list_routers(self) -> list[Router]:
        """The project's routers with their interfaces: two calls."""
        project_id = self.keystone.project_id
        routers = self._call(lambda: list(self.conn.network.routers(project_id=project_id)))
        ports = self._router_ports(project_id=project_id) if routers else []
        return [_parse_router(r, ports) for r in routers]

    def get_router(self, router_id: str) -> Router:
        router = self._own(self._call(self.conn.network.get_router, router_id),
                           "router", router_id)
        return _parse_router(router, self._router_ports(device_id=router_id))

    def create_router(self, name: str, external_network_id: str = "") -> Router:
        params = {"name": name}
        if external_network_id:
            params["external_gateway_info"] = {"network_id": external_network_id}
        return _parse_router(self._call(self.conn.network.create_router, **params), [])

    def set_router_gateway(self, router_id: str, external_network_id: str = "") -> None:
        info = {"network_id": external_network_id} if external_network_id else {}
        self._call(self.conn.network.update_router, router_id, external_gateway_info=info)

    def add_router_interface(self, router_id: str, subnet_id: str) -> None:
        self._call(self.conn.network.add_interface_to_router, router_id, subnet=subnet_id)

    def remove_router_interface(self, router_id: str, subnet_id: str) -> None:
        self._call(self.conn.network.remove_interface_from_router, router_id,
                   subnet=subnet_id)

    def delete_router(self, router_id: str) -> None:
        self._call(self.conn.network.delete_router, router_id, ignore_missing=False)
