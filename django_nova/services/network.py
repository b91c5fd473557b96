"""Security groups and their rules, which groups an instance is in, and floating/elastic
IPs, for one project.

Every page fetches the project's groups once: both clouds list each group
with its rules, so a group's page, its forms and the checks before a change
(the default group, duplicates, references) cost that one call.
"""

import contextlib
import ipaddress
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..concurrency import gather
from ..context import NovaContext
from ..events import records
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
from .quotas import quota_held

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


def _part(part, missing):
    """A part the page needs; a cloud without it has no such page (404, saying ``missing``)."""
    if part is None:
        raise NotFound(missing)
    return part


NO_SUCH_GROUP = gettext_lazy("There is no security group %(id)s in this project.")


class NetworkService:
    def __init__(self, context: NovaContext):
        self.context = context
        self.cloud = context.cloud

    @property
    def features(self):
        """What the current cloud allows, for forms and templates."""
        return self.context.capabilities

    @property
    def groups(self):
        return _part(self.cloud.security_groups,
                     _("This cloud has no security groups to manage here."))

    @property
    def addresses_part(self):
        return _part(self.cloud.addresses, _("This cloud has no floating IPs to manage here."))

    @property
    def networks_part(self):
        return _part(self.cloud.networks, _("This cloud has no networks to manage here."))

    # Groups
    def security_groups(self) -> list[SecurityGroup]:
        """The project's groups with their rules, ``default`` first: one call."""
        groups = self.groups.list_security_groups()
        return sorted(groups, key=lambda g: (not is_default(g), g.name.lower(), g.id))

    def security_group(self, group_id: str) -> tuple[SecurityGroup, list[SecurityGroup]]:
        """One group of the project, and all of them (to name rule sources): one call."""
        groups = self.security_groups()
        found = next((g for g in groups if g.id == group_id), None)
        if found is None:
            raise NotFound(NO_SUCH_GROUP % {"id": group_id})
        return found, groups

    def _check_name(self, name: str, groups: list[SecurityGroup], group_id: str = "") -> None:
        if name == DEFAULT_GROUP:
            raise Conflict(_("The name default is reserved for the project's default group."))
        if any(g.name == name and g.id != group_id for g in groups):
            raise Conflict(_("A security group named %(name)s already exists in this project.")
                           % {"name": name})

    @records("security-group.create", "name", made="id")
    def create_security_group(self, name: str, description: str) -> SecurityGroup:
        """Create a group; names are unique in a project (Nova refers to groups by name)."""
        self._check_name(name, self.groups.list_security_groups())
        with quota_held(self.context, security_groups=1):
            return self.groups.create_security_group(name, description)

    def edit_refusal(self, group: SecurityGroup) -> str:
        """Why the group's name and description cannot change; "" if they can."""
        if not self.features.groups_editable:
            return _("This cloud cannot rename a security group or change its description "
                     "(EC2 fixes both at creation). Create a new group instead and move "
                     "instances to it; its rules can still be changed.")
        if is_default(group):
            return _("The default security group cannot be renamed or described differently.")
        return ""

    @records("security-group.update", "group_id")
    def update_security_group(self, group_id: str, name: str, description: str) -> None:
        group, groups = self.security_group(group_id)
        refusal = self.edit_refusal(group)
        if refusal:
            raise InvalidInput(refusal)
        self._check_name(name, groups, group_id)
        self.groups.update_security_group(group_id, name, description)

    def deletion_refusal(self, group: SecurityGroup, groups: list[SecurityGroup]) -> str:
        """Why the group cannot be deleted, known without asking the cloud; "" if it may be."""
        if is_default(group):
            return _("The default security group cannot be deleted.")
        referring = sorted(g.name for g in groups if g.id != group.id
                           and any(r.remote_group_id == group.id for r in g.rules))
        if referring:
            return _("Rules of %(groups)s refer to this group as their source; "
                     "remove those rules first.") % {"groups": ", ".join(referring)}
        return ""

    @records("security-group.delete", "group_id")
    def delete_security_group(self, group_id: str) -> SecurityGroup:
        group, groups = self.security_group(group_id)
        refusal = self.deletion_refusal(group, groups)
        if refusal:
            raise Conflict(refusal)
        try:
            self.groups.delete_security_group(group_id)
        except Conflict as error:
            raise Conflict(_("%(group)s is in use: remove it from its instances first (%(why)s)")
                           % {"group": group.name, "why": error.message}, error.code) from error
        return group

    # Rules
    @records("security-group.add-rule", "group.id")
    def add_rule(self, group: SecurityGroup, rule: SecurityGroupRule) -> None:
        """Add a rule to a group already fetched (the form checked it against its rules)."""
        duplicate = find_duplicate(rule, group.rules)
        if duplicate is not None:
            raise Conflict(_("This group already has this rule."))
        with quota_held(self.context, security_group_rules=1):
            self.groups.add_rule(group.id, rule)

    def rule(self, group_id: str, rule_id: str) -> tuple[SecurityGroup, SecurityGroupRule,
                                                          list[SecurityGroup]]:
        group, groups = self.security_group(group_id)
        found = next((r for r in group.rules if r.id == rule_id), None)
        if found is None:
            raise NotFound(_("This security group has no such rule."))
        return group, found, groups

    @records("security-group.delete-rule", "group_id")
    def delete_rule(self, group_id: str, rule_id: str) -> SecurityGroupRule:
        """Remove one of the group's rules (never a rule of another group, by URL)."""
        _, rule, _ = self.rule(group_id, rule_id)
        self.groups.delete_rule(group_id, rule_id)
        return rule

    # Instances
    def instance_security_groups(self, instance_id: str
                                 ) -> tuple[Instance, list[SecurityGroup]]:
        """An instance with its groups' ids, and the project's groups, concurrently."""
        found = gather(instance=lambda: self.groups.instance_with_groups(
            instance_id), groups=self.security_groups)
        return found["instance"], found["groups"]

    @records("instance.set-security-groups", "instance.id")
    def set_instance_security_groups(self, instance: Instance, group_ids: list[str],
                                     groups: list[SecurityGroup]) -> None:
        """Put the instance in exactly these of the project's ``groups``.

        Groups it is in that are not the project's (an admin's doing) stay.
        """
        known = {g.id for g in groups}
        unknown = [g for g in group_ids if g not in known]
        if unknown:
            raise NotFound(NO_SUCH_GROUP % {"id": unknown[0]})
        kept = [g for g in instance.security_group_ids if g not in known]
        wanted = list(dict.fromkeys([*group_ids, *kept]))
        if not wanted and self.features.instance_needs_group:
            raise InvalidInput(_("Choose at least one security group: "
                                 "this cloud's instances always have one."))
        self.groups.set_instance_groups(instance, wanted)

    # Floating / elastic IPs
    def _named(self, addresses: list[Address]) -> list[Address]:
        """The addresses with their instances' names: one call, for just those instances."""
        ids = sorted({a.instance_id for a in addresses if a.instance_id})
        names = self.cloud.compute.instance_names(ids) if ids else {}
        return [replace(a, instance_name=names.get(a.instance_id, "")) for a in addresses]

    def addresses(self) -> list[Address]:
        """The project's addresses, each with its instance's name: two calls at most
        (three on OpenStack, which names the pools too)."""
        return self._named(self.addresses_part.list_addresses())

    def address(self, address_id: str) -> Address:
        """One of the project's addresses (404 for anyone else's), its instance named."""
        return self._named([self.addresses_part.get_address(address_id)])[0]

    def address_pools(self) -> list[tuple[str, str]]:
        """(id, name) of the pools to allocate from; empty where the cloud has no choice."""
        return self.addresses_part.address_pools()

    @records("address.allocate", made="id")
    def allocate_address(self, pool: str = "") -> Address:
        with quota_held(self.context, floating_ips=1):
            return self.addresses_part.allocate_address(pool)

    def address_targets(self) -> list[AddressTarget]:
        return self.addresses_part.address_targets()

    @records("address.associate", "address.id")
    def associate_address(self, address: Address, key: str,
                          targets: list[AddressTarget]) -> AddressTarget:
        """Associate an unassociated address with one of ``targets`` (by its form key)."""
        target = next((t for t in targets if t.key == key), None)
        if target is None:
            raise InvalidInput(_("Choose one of the instances offered."))
        if address.associated:
            raise Conflict(_("%(ip)s is already associated with %(target)s: disassociate it "
                             "first.") % {"ip": address.ip,
                                          "target": address.instance_label or address.port_id})
        self.addresses_part.associate_address(address, target)
        return target

    @records("address.disassociate", "address_id")
    def disassociate_address(self, address_id: str) -> Address:
        address = self.address(address_id)
        if not address.associated:
            raise Conflict(_("%(ip)s is not associated with anything.") % {"ip": address.ip})
        self.addresses_part.disassociate_address(address)
        return address

    def release_refusal(self, address: Address) -> str:
        """Why the address cannot be released yet; "" if it can.

        Like the EC2 API (``InvalidIPAddress.InUse``), an associated address
        is not released: its instance would lose its public address silently.
        """
        if address.associated:
            where = address.instance_label or address.port_id
            if not where:
                return _("%(ip)s is associated with an instance. Disassociate it "
                         "first, then release it.") % {"ip": address.ip}
            return _("%(ip)s is associated with %(where)s. Disassociate it first, "
                     "then release it.") % {"ip": address.ip, "where": where}
        return ""

    @records("address.release", "address_id")
    def release_address(self, address_id: str) -> Address:
        address = self.address(address_id)
        refusal = self.release_refusal(address)
        if refusal:
            raise Conflict(refusal)
        self.addresses_part.release_address(address)
        return address

    # Networks, subnets and routers (Neutron only: other clouds have no networks part)
    def _networks(self) -> list[Network]:
        return self.networks_part.list_networks()

    def networks(self) -> list[Network]:
        """Every network the project sees, its own first: two calls."""
        return sorted(self._networks(), key=lambda n: (not n.own, n.external,
                                                       n.name.lower(), n.id))

    def launch_networks(self) -> list[Network]:
        """Networks an instance can attach to: the project's own and shared ones."""
        return [n for n in self.networks() if not n.external and (n.own or n.shared)]

    def external_networks(self) -> list[Network]:
        return [n for n in self.networks() if n.external]

    def network(self, network_id: str) -> Network:
        """One of the project's own networks (404 for a shared one or anyone else's)."""
        return self.networks_part.get_network(network_id)

    @records("network.create", "name")
    def create_network(self, name: str, subnet: SubnetRequest | None = None
                       ) -> tuple[Network, Subnet | None]:
        """A network and, optionally, its first subnet; no half-made network is left."""
        network = self.networks_part.create_network(name)
        if subnet is None:
            return network, None
        try:
            made = self._create_subnet(network.id, subnet)
        except Exception:
            with contextlib.suppress(Exception):
                self.networks_part.delete_network(network.id)
            raise
        return network, made

    def _create_subnet(self, network_id: str, subnet: SubnetRequest) -> Subnet:
        return self.networks_part.create_subnet(network_id, subnet.name, subnet.cidr,
                                         subnet.ip_version, subnet.gateway_ip, subnet.dhcp)

    def network_deletion_refusal(self, network: Network) -> str:
        """Why the network cannot be deleted yet; "" if it can (one call)."""
        owners = [o for o, _ in self.networks_part.network_port_owners(network.id)
                  if o not in NETWORK_OWNED_PORTS]
        if not owners:
            return ""
        routers = sum(1 for o in owners if o.startswith("network:router_interface"))
        servers = sum(1 for o in owners if o.startswith("compute:"))
        others = len(owners) - routers - servers
        parts = []
        if servers:
            parts.append(ngettext(
                "%(count)d instance port (delete those instances first)",
                "%(count)d instance ports (delete those instances first)", servers)
                % {"count": servers})
        if routers:
            parts.append(ngettext(
                "%(count)d router interface (remove them on the Routers page first)",
                "%(count)d router interfaces (remove them on the Routers page first)", routers)
                % {"count": routers})
        if others:
            parts.append(ngettext(
                "%(count)d other port", "%(count)d other ports", others) % {"count": others})
        ports = parts[0]
        for part in parts[1:]:
            # Translators: two things a network still has: "2 instance ports and 1 other port".
            ports = _("%(first)s and %(second)s") % {"first": ports, "second": part}
        return _("%(network)s is still in use: it has %(ports)s.") % {"network": network.label,
                                                                       "ports": ports}

    @records("network.delete", "network_id")
    def delete_network(self, network_id: str) -> Network:
        network = self.network(network_id)
        refusal = self.network_deletion_refusal(network)
        if refusal:
            raise Conflict(refusal)
        try:
            self.networks_part.delete_network(network_id)
        except Conflict as error:  # NetworkInUse: a port appeared since the check
            raise Conflict(_("%(network)s is still in use (ports remain on it): remove its "
                             "instances and router interfaces first.")
                           % {"network": network.label}, error.code) from error
        return network

    @records("subnet.create", "network_id")
    def create_subnet(self, network_id: str, subnet: SubnetRequest) -> tuple[Network, Subnet]:
        network = self.network(network_id)
        return network, self._create_subnet(network.id, subnet)

    def subnet(self, subnet_id: str) -> Subnet:
        """One of the project's own subnets (404 for anyone else's)."""
        return self.networks_part.get_subnet(subnet_id)

    @records("subnet.delete", "subnet_id")
    def delete_subnet(self, subnet_id: str) -> Subnet:
        subnet = self.subnet(subnet_id)
        try:
            self.networks_part.delete_subnet(subnet_id)
        except Conflict as error:  # SubnetInUse
            raise Conflict(_("Subnet %(subnet)s is still in use: remove its router interface and "
                             "the instances with addresses on it first.")
                           % {"subnet": subnet.name or subnet.cidr}, error.code) from error
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
        found = gather(routers=self.networks_part.list_routers,
                       networks=self.networks_part.list_networks)
        routers = [self._describe(r, found["networks"]) for r in found["routers"]]
        return sorted(routers, key=lambda r: (r.name.lower(), r.id))

    def router(self, router_id: str) -> tuple[Router, list[Network]]:
        """One of the project's routers (404 otherwise), and the networks it may use."""
        found = gather(router=lambda: self.networks_part.get_router(router_id),
                       networks=self.networks)
        return self._describe(found["router"], found["networks"]), found["networks"]

    @records("router.create", "name", made="id")
    def create_router(self, name: str, external_network_id: str = "") -> Router:
        return self.networks_part.create_router(name, external_network_id)

    @records("router.set-gateway", "router.id")
    def set_router_gateway(self, router: Router, external_network_id: str,
                           networks: list[Network]) -> None:
        if external_network_id and external_network_id not in {
                n.id for n in networks if n.external}:
            raise InvalidInput(_("Choose one of the external networks offered."))
        self.networks_part.set_router_gateway(router.id, external_network_id)

    @records("router.add-interface", "router.id")
    def add_router_interface(self, router: Router, subnet_id: str,
                             networks: list[Network]) -> Subnet:
        subnet = next((s for n in networks if n.own for s in n.subnets if s.id == subnet_id),
                      None)
        if subnet is None:
            raise InvalidInput(_("Choose one of this project's subnets."))
        if any(i.subnet_id == subnet_id for i in router.interfaces):
            raise Conflict(_("%(router)s already has an interface on this subnet.")
                           % {"router": router.label})
        self.networks_part.add_router_interface(router.id, subnet_id)
        return subnet

    def router_interface(self, router: Router, subnet_id: str) -> RouterInterface:
        found = next((i for i in router.interfaces if i.subnet_id == subnet_id), None)
        if found is None:
            raise NotFound(_("%(router)s has no interface on subnet %(subnet)s.")
                           % {"router": router.label, "subnet": subnet_id})
        return found

    @records("router.remove-interface", "router.id")
    def remove_router_interface(self, router: Router, subnet_id: str) -> RouterInterface:
        interface = self.router_interface(router, subnet_id)
        try:
            self.networks_part.remove_router_interface(router.id, subnet_id)
        except Conflict as error:  # RouterInterfaceInUseByFloatingIP
            raise Conflict(_("Floating IPs of instances on this subnet reach the outside through "
                             "this interface: disassociate them first (%(why)s)")
                           % {"why": error.message}, error.code) from error
        return interface

    @records("router.delete", "router_id")
    def delete_router(self, router_id: str) -> Router:
        """Remove the router's interfaces, then the router (the confirm page says so)."""
        router, _ = self.router(router_id)
        for interface in router.interfaces:
            self.remove_router_interface(router, interface.subnet_id)
        try:
            self.networks_part.delete_router(router_id)
        except Conflict as error:
            raise Conflict(_("%(router)s is still in use: %(why)s")
                           % {"router": router.label, "why": error.message},
                           error.code) from error
        return router
