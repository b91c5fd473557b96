"""Security groups and their rules, which groups an instance is in, and floating/elastic
IPs, for one project.

Every page fetches the project's groups once: both clouds list each group
with its rules, so a group's page, its forms and the checks before a change
(the default group, duplicates, references) cost that one call.
"""

import contextlib
import ipaddress
from dataclasses import dataclass, replace

from ..concurrency import gather
from ..context import NovaContext
from ..exceptions import Conflict, InvalidInput, NotFound
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
from .quotas import check_quota

DEFAULT_GROUP = "default"
# Ports Neutron removes with their network; any other port keeps the network in use.
NETWORK_OWNED_PORTS = ("network:dhcp",)
ANY_ADDRESS = {"IPv4": "0.0.0.0/0", "IPv6": "::/0"}


@dataclass(frozen=True)
class SubnetRequest:
    """A subnet to create, already validated by the form."""

    cidr: str
    ip_version: int
    name: str = ""
    gateway_ip: str = ""
    dhcp: bool = True


@dataclass(frozen=True)
class NetworkFeatures:
    """What the current cloud allows, for forms and templates."""

    groups_editable: bool
    description_required: bool
    instance_needs_group: bool
    group_rules_have_ether_type: bool
    # "Floating IPs" (OpenStack) or "Elastic IPs" (EC2), and one of them in a sentence.
    address_label: str = "Floating IPs"
    address_noun: str = "floating IP"
    # What the address's origin is called: "Pool" (an external network) or "Domain" (EC2).
    address_pool_label: str = "Pool"
    # Whether the project manages networks, subnets and routers here (Neutron).
    has_networks: bool = False


def is_default(group: SecurityGroup) -> bool:
    return group.name == DEFAULT_GROUP


def rule_key(rule: SecurityGroupRule) -> tuple:
    """What makes two rules the same rule to the cloud (ids aside).

    A rule without a source is open to every address of its family, which
    Neutron treats as the same rule as 0.0.0.0/0 (or ::/0).
    """
    if rule.remote_group_id:
        source = ("group", rule.remote_group_id)
    else:
        cidr = rule.remote_cidr or ANY_ADDRESS.get(rule.ether_type, "")
        with contextlib.suppress(ValueError):
            cidr = str(ipaddress.ip_network(cidr, strict=False))
        source = ("cidr", cidr)
    port_max = rule.port_max if rule.port_max is not None else rule.port_min
    return (rule.direction, rule.ether_type, rule.protocol, rule.port_min, port_max, *source)


def find_duplicate(rule: SecurityGroupRule,
                   rules: tuple[SecurityGroupRule, ...]) -> SecurityGroupRule | None:
    key = rule_key(rule)
    return next((r for r in rules if rule_key(r) == key), None)


class NetworkService:
    def __init__(self, context: NovaContext):
        self.context = context
        self.driver = context.driver

    @property
    def features(self) -> NetworkFeatures:
        driver = self.driver
        return NetworkFeatures(
            groups_editable=driver.SECURITY_GROUPS_EDITABLE,
            description_required=driver.SECURITY_GROUP_DESCRIPTION_REQUIRED,
            instance_needs_group=driver.INSTANCE_NEEDS_SECURITY_GROUP,
            group_rules_have_ether_type=driver.GROUP_RULES_HAVE_ETHER_TYPE,
            address_label=driver.ADDRESS_LABEL,
            address_noun=driver.ADDRESS_NOUN,
            address_pool_label=driver.ADDRESS_POOL_LABEL,
            has_networks=driver.HAS_NETWORKS,
        )

    # Groups
    def security_groups(self) -> list[SecurityGroup]:
        """The project's groups with their rules, ``default`` first: one call."""
        groups = self.driver.security_groups_with_rules()
        return sorted(groups, key=lambda g: (not is_default(g), g.name.lower(), g.id))

    def security_group(self, group_id: str) -> tuple[SecurityGroup, list[SecurityGroup]]:
        """One group of the project, and all of them (to name rule sources): one call."""
        groups = self.security_groups()
        found = next((g for g in groups if g.id == group_id), None)
        if found is None:
            raise NotFound(f"There is no security group {group_id} in this project.")
        return found, groups

    def _check_name(self, name: str, groups: list[SecurityGroup], group_id: str = "") -> None:
        if name == DEFAULT_GROUP:
            raise Conflict("The name default is reserved for the project's default group.")
        if any(g.name == name and g.id != group_id for g in groups):
            raise Conflict(f"A security group named {name} already exists in this project.")

    def create_security_group(self, name: str, description: str) -> SecurityGroup:
        """Create a group; names are unique in a project (Nova refers to groups by name)."""
        self._check_name(name, self.driver.security_groups_with_rules())
        check_quota(self.context, security_groups=1)
        return self.driver.create_security_group(name, description)

    def edit_refusal(self, group: SecurityGroup) -> str:
        """Why the group's name and description cannot change; "" if they can."""
        if not self.driver.SECURITY_GROUPS_EDITABLE:
            return ("This cloud cannot rename a security group or change its description "
                    "(EC2 fixes both at creation). Create a new group instead and move "
                    "instances to it; its rules can still be changed.")
        if is_default(group):
            return "The default security group cannot be renamed or described differently."
        return ""

    def update_security_group(self, group_id: str, name: str, description: str) -> None:
        group, groups = self.security_group(group_id)
        refusal = self.edit_refusal(group)
        if refusal:
            raise InvalidInput(refusal)
        self._check_name(name, groups, group_id)
        self.driver.update_security_group(group_id, name, description)

    def deletion_refusal(self, group: SecurityGroup, groups: list[SecurityGroup]) -> str:
        """Why the group cannot be deleted, known without asking the cloud; "" if it may be."""
        if is_default(group):
            return "The default security group cannot be deleted."
        referring = sorted(g.name for g in groups if g.id != group.id
                           and any(r.remote_group_id == group.id for r in g.rules))
        if referring:
            return (f"Rules of {', '.join(referring)} refer to this group as their source; "
                    "remove those rules first.")
        return ""

    def delete_security_group(self, group_id: str) -> SecurityGroup:
        group, groups = self.security_group(group_id)
        refusal = self.deletion_refusal(group, groups)
        if refusal:
            raise Conflict(refusal)
        try:
            self.driver.delete_security_group(group_id)
        except Conflict as error:
            raise Conflict(f"{group.name} is in use: remove it from its instances first "
                           f"({error.message})", error.code) from error
        return group

    # Rules
    def add_rule(self, group: SecurityGroup, rule: SecurityGroupRule) -> None:
        """Add a rule to a group already fetched (the form checked it against its rules)."""
        duplicate = find_duplicate(rule, group.rules)
        if duplicate is not None:
            raise Conflict("This group already has this rule.")
        check_quota(self.context, security_group_rules=1)
        self.driver.add_security_group_rule(group.id, rule)

    def rule(self, group_id: str, rule_id: str) -> tuple[SecurityGroup, SecurityGroupRule,
                                                          list[SecurityGroup]]:
        group, groups = self.security_group(group_id)
        found = next((r for r in group.rules if r.id == rule_id), None)
        if found is None:
            raise NotFound("This security group has no such rule.")
        return group, found, groups

    def delete_rule(self, group_id: str, rule_id: str) -> SecurityGroupRule:
        """Remove one of the group's rules (never a rule of another group, by URL)."""
        _, rule, _ = self.rule(group_id, rule_id)
        self.driver.delete_security_group_rule(group_id, rule_id)
        return rule

    # Instances
    def instance_security_groups(self, instance_id: str
                                 ) -> tuple[Instance, list[SecurityGroup]]:
        """An instance with its groups' ids, and the project's groups, concurrently."""
        found = gather(instance=lambda: self.driver.get_instance_with_security_groups(
            instance_id), groups=self.security_groups)
        return found["instance"], found["groups"]

    def set_instance_security_groups(self, instance: Instance, group_ids: list[str],
                                     groups: list[SecurityGroup]) -> None:
        """Put the instance in exactly these of the project's ``groups``.

        Groups it is in that are not the project's (an admin's doing) stay.
        """
        known = {g.id for g in groups}
        unknown = [g for g in group_ids if g not in known]
        if unknown:
            raise NotFound(f"There is no security group {unknown[0]} in this project.")
        kept = [g for g in instance.security_group_ids if g not in known]
        wanted = list(dict.fromkeys([*group_ids, *kept]))
        if not wanted and self.driver.INSTANCE_NEEDS_SECURITY_GROUP:
            raise InvalidInput("Choose at least one security group: "
                               "this cloud's instances always have one.")
        self.driver.set_instance_security_groups(instance, wanted)

    # Floating / elastic IPs
    def _named(self, addresses: list[Address]) -> list[Address]:
        """The addresses with their instances' names: one call, for just those instances."""
        ids = sorted({a.instance_id for a in addresses if a.instance_id})
        names = self.driver.instance_names(ids) if ids else {}
        return [replace(a, instance_name=names.get(a.instance_id, "")) for a in addresses]

    def addresses(self) -> list[Address]:
        """The project's addresses, each with its instance's name: two calls at most
        (three on OpenStack, which names the pools too)."""
        return self._named(self.driver.list_addresses())

    def address(self, address_id: str) -> Address:
        """One of the project's addresses (404 for anyone else's), its instance named."""
        return self._named([self.driver.get_address(address_id)])[0]

    def address_pools(self) -> list[tuple[str, str]]:
        """(id, name) of the pools to allocate from; empty where the cloud has no choice."""
        return self.driver.address_pools()

    def allocate_address(self, pool: str = "") -> Address:
        check_quota(self.context, floating_ips=1)
        return self.driver.allocate_address(pool)

    def address_targets(self) -> list[AddressTarget]:
        return self.driver.address_targets()

    def associate_address(self, address: Address, key: str,
                          targets: list[AddressTarget]) -> AddressTarget:
        """Associate an unassociated address with one of ``targets`` (by its form key)."""
        target = next((t for t in targets if t.key == key), None)
        if target is None:
            raise InvalidInput("Choose one of the instances offered.")
        if address.associated:
            raise Conflict(f"{address.ip} is already associated with "
                           f"{address.instance_label or address.port_id}: disassociate it first.")
        self.driver.associate_address(address, target)
        return target

    def disassociate_address(self, address_id: str) -> Address:
        address = self.address(address_id)
        if not address.associated:
            raise Conflict(f"{address.ip} is not associated with anything.")
        self.driver.disassociate_address(address)
        return address

    def release_refusal(self, address: Address) -> str:
        """Why the address cannot be released yet; "" if it can.

        Like the EC2 API (``InvalidIPAddress.InUse``), an associated address
        is not released: its instance would lose its public address silently.
        """
        if address.associated:
            where = address.instance_label or address.port_id or "an instance"
            return (f"{address.ip} is associated with {where}. Disassociate it first, "
                    "then release it.")
        return ""

    def release_address(self, address_id: str) -> Address:
        address = self.address(address_id)
        refusal = self.release_refusal(address)
        if refusal:
            raise Conflict(refusal)
        self.driver.release_address(address)
        return address

    # Networks, subnets and routers (Neutron only; EC2 drivers have HAS_NETWORKS = False)
    def _networks(self) -> list[Network]:
        if not self.driver.HAS_NETWORKS:
            raise NotFound("This cloud has no networks to manage here.")
        return self.driver.list_networks()

    def networks(self) -> list[Network]:
        """Every network the project sees, its own first: two calls."""
        return sorted(self._networks(), key=lambda n: (not n.own, n.external,
                                                       n.name.lower(), n.id))

    def launch_networks(self) -> list[Network]:
        """Networks an instance can attach to: the project's own and shared ones."""
        return [n for n in self.networks() if not n.external and (n.own or n.shared)]

    def external_networks(self) -> list[Network]:
        return [n for n in self.networks() if n.external]

    def own_subnets(self) -> list[tuple[Network, Subnet]]:
        return [(n, s) for n in self.networks() if n.own for s in n.subnets]

    def network(self, network_id: str) -> Network:
        """One of the project's own networks (404 for a shared one or anyone else's)."""
        if not self.driver.HAS_NETWORKS:
            raise NotFound("This cloud has no networks to manage here.")
        return self.driver.get_network(network_id)

    def create_network(self, name: str, subnet: SubnetRequest | None = None
                       ) -> tuple[Network, Subnet | None]:
        """A network and, optionally, its first subnet; no half-made network is left."""
        if not self.driver.HAS_NETWORKS:
            raise NotFound("This cloud has no networks to manage here.")
        network = self.driver.create_network(name)
        if subnet is None:
            return network, None
        try:
            made = self._create_subnet(network.id, subnet)
        except Exception:
            with contextlib.suppress(Exception):
                self.driver.delete_network(network.id)
            raise
        return network, made

    def _create_subnet(self, network_id: str, subnet: SubnetRequest) -> Subnet:
        return self.driver.create_subnet(network_id, subnet.name, subnet.cidr,
                                         subnet.ip_version, subnet.gateway_ip, subnet.dhcp)

    def network_deletion_refusal(self, network: Network) -> str:
        """Why the network cannot be deleted yet; "" if it can (one call)."""
        owners = [o for o, _ in self.driver.network_port_owners(network.id)
                  if o not in NETWORK_OWNED_PORTS]
        if not owners:
            return ""
        routers = sum(1 for o in owners if o.startswith("network:router_interface"))
        servers = sum(1 for o in owners if o.startswith("compute:"))
        others = len(owners) - routers - servers
        parts = []
        if servers:
            parts.append(f"{servers} instance port{'s' if servers > 1 else ''} "
                         "(delete those instances first)")
        if routers:
            parts.append(f"{routers} router interface{'s' if routers > 1 else ''} "
                         "(remove them on the Routers page first)")
        if others:
            parts.append(f"{others} other port{'s' if others > 1 else ''}")
        return f"{network.label} is still in use: it has {' and '.join(parts)}."

    def delete_network(self, network_id: str) -> Network:
        network = self.network(network_id)
        refusal = self.network_deletion_refusal(network)
        if refusal:
            raise Conflict(refusal)
        try:
            self.driver.delete_network(network_id)
        except Conflict as error:  # NetworkInUse: a port appeared since the check
            raise Conflict(f"{network.label} is still in use (ports remain on it): "
                           "remove its instances and router interfaces first.",
                           error.code) from error
        return network

    def create_subnet(self, network_id: str, subnet: SubnetRequest) -> tuple[Network, Subnet]:
        network = self.network(network_id)
        return network, self._create_subnet(network.id, subnet)

    def subnet(self, subnet_id: str) -> Subnet:
        """One of the project's own subnets (404 for anyone else's)."""
        if not self.driver.HAS_NETWORKS:
            raise NotFound("This cloud has no networks to manage here.")
        return self.driver.get_subnet(subnet_id)

    def delete_subnet(self, subnet_id: str) -> Subnet:
        subnet = self.subnet(subnet_id)
        try:
            self.driver.delete_subnet(subnet_id)
        except Conflict as error:  # SubnetInUse
            raise Conflict(f"Subnet {subnet.name or subnet.cidr} is still in use: remove its "
                           "router interface and the instances with addresses on it first.",
                           error.code) from error
        return subnet

    @staticmethod
    def _describe(router: Router, networks: list[Network]) -> Router:
        names = {n.id: n.label for n in networks}
        subnets = {s.id: s for n in networks for s in n.subnets}
        interfaces = tuple(replace(i, subnet=subnets.get(i.subnet_id))
                           for i in router.interfaces)
        return replace(router, interfaces=interfaces,
                       external_network_name=names.get(router.external_network_id,
                                                       router.external_network_id))

    def routers(self) -> list[Router]:
        """The project's routers, gateways and subnets named: four calls, two at a time."""
        if not self.driver.HAS_NETWORKS:
            raise NotFound("This cloud has no routers to manage here.")
        found = gather(routers=self.driver.list_routers, networks=self.driver.list_networks)
        routers = [self._describe(r, found["networks"]) for r in found["routers"]]
        return sorted(routers, key=lambda r: (r.name.lower(), r.id))

    def router(self, router_id: str) -> tuple[Router, list[Network]]:
        """One of the project's routers (404 otherwise), and the networks it may use."""
        if not self.driver.HAS_NETWORKS:
            raise NotFound("This cloud has no routers to manage here.")
        found = gather(router=lambda: self.driver.get_router(router_id),
                       networks=self.networks)
        return self._describe(found["router"], found["networks"]), found["networks"]

    def create_router(self, name: str, external_network_id: str = "") -> Router:
        if not self.driver.HAS_NETWORKS:
            raise NotFound("This cloud has no routers to manage here.")
        return self.driver.create_router(name, external_network_id)

    def set_router_gateway(self, router: Router, external_network_id: str,
                           networks: list[Network]) -> None:
        if external_network_id and external_network_id not in {
                n.id for n in networks if n.external}:
            raise InvalidInput("Choose one of the external networks offered.")
        self.driver.set_router_gateway(router.id, external_network_id)

    def add_router_interface(self, router: Router, subnet_id: str,
                             networks: list[Network]) -> Subnet:
        subnet = next((s for n in networks if n.own for s in n.subnets if s.id == subnet_id),
                      None)
        if subnet is None:
            raise InvalidInput("Choose one of this project's subnets.")
        if any(i.subnet_id == subnet_id for i in router.interfaces):
            raise Conflict(f"{router.label} already has an interface on this subnet.")
        self.driver.add_router_interface(router.id, subnet_id)
        return subnet

    def router_interface(self, router: Router, subnet_id: str) -> RouterInterface:
        found = next((i for i in router.interfaces if i.subnet_id == subnet_id), None)
        if found is None:
            raise NotFound(f"{router.label} has no interface on subnet {subnet_id}.")
        return found

    def remove_router_interface(self, router: Router, subnet_id: str) -> RouterInterface:
        interface = self.router_interface(router, subnet_id)
        try:
            self.driver.remove_router_interface(router.id, subnet_id)
        except Conflict as error:  # RouterInterfaceInUseByFloatingIP
            raise Conflict("Floating IPs of instances on this subnet reach the outside "
                           "through this interface: disassociate them first "
                           f"({error.message})", error.code) from error
        return interface

    def delete_router(self, router_id: str) -> Router:
        """Remove the router's interfaces, then the router (the confirm page says so)."""
        router, _ = self.router(router_id)
        for interface in router.interfaces:
            self.remove_router_interface(router, interface.subnet_id)
        try:
            self.driver.delete_router(router_id)
        except Conflict as error:
            raise Conflict(f"{router.label} is still in use: {error.message}",
                           error.code) from error
        return router
