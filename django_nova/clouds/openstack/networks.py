"""Neutron networks, subnets and routers of the project's own."""

from django.utils.translation import gettext_lazy as _

from ...exceptions import NotFound
from ...resources import Network, Router, Subnet
from . import parsers
from .session import OpenStackSession

# What a wrong id says, for each kind of resource ``_own`` is asked about.
NOT_HERE = {
    "network": _("There is no network %(id)s in this project."),
    "subnet": _("There is no subnet %(id)s in this project."),
    "router": _("There is no router %(id)s in this project."),
}
ROUTER_INTERFACE_OWNERS = ("network:router_interface", "network:router_interface_distributed",
                           "network:ha_router_replicated_interface")


class OpenStackNetworks:
    def __init__(self, session: OpenStackSession):
        self.session = session

    @property
    def _neutron(self):
        return self.session.conn.network

    def _own(self, resource, noun: str, resource_id: str):
        """``resource`` if the project owns it; NotFound otherwise (as for a wrong id)."""
        if (resource.project_id or "") != self.session.project_id:
            raise NotFound(NOT_HERE[noun] % {"id": resource_id})
        return resource

    def _subnets(self, **filters) -> list[Subnet]:
        return self.session.call(lambda: [parsers.subnet(s)
                                          for s in self._neutron.subnets(**filters)])

    def list_networks(self) -> list[Network]:
        """The networks the project sees (own, shared, external) with their subnets: 2 calls."""
        networks = self.session.call(lambda: list(self._neutron.networks()))
        subnets = self._subnets()
        return [parsers.network(n, subnets, self.session.project_id) for n in networks]

    def get_network(self, network_id: str) -> Network:
        network = self._own(self.session.call(self._neutron.get_network, network_id),
                            "network", network_id)
        return parsers.network(network, self._subnets(network_id=network_id),
                               self.session.project_id)

    def network_port_owners(self, network_id: str) -> list[tuple[str, str]]:
        return self.session.call(lambda: [(p.device_owner or "", p.device_id or "")
                                          for p in self._neutron.ports(network_id=network_id)])

    def create_network(self, name: str) -> Network:
        network = self.session.call(self._neutron.create_network, name=name)
        return parsers.network(network, [], self.session.project_id)

    def delete_network(self, network_id: str) -> None:
        self.session.call(self._neutron.delete_network, network_id, ignore_missing=False)

    def create_subnet(self, network_id: str, name: str, cidr: str, ip_version: int,
                      gateway_ip: str = "", dhcp: bool = True) -> Subnet:
        params = {"network_id": network_id, "name": name, "cidr": cidr,
                  "ip_version": ip_version, "enable_dhcp": dhcp}
        if gateway_ip:  # an explicit None would mean "no gateway" to Neutron
            params["gateway_ip"] = gateway_ip
        return parsers.subnet(self.session.call(self._neutron.create_subnet, **params))

    def get_subnet(self, subnet_id: str) -> Subnet:
        return parsers.subnet(self._own(self.session.call(self._neutron.get_subnet, subnet_id),
                                        "subnet", subnet_id))

    def delete_subnet(self, subnet_id: str) -> None:
        self.session.call(self._neutron.delete_subnet, subnet_id, ignore_missing=False)

    def _router_ports(self, **filters) -> list:
        ports = self.session.call(lambda: list(self._neutron.ports(**filters)))
        return [p for p in ports if (p.device_owner or "") in ROUTER_INTERFACE_OWNERS]

    def list_routers(self) -> list[Router]:
        """The project's routers with their interfaces: two calls."""
        project_id = self.session.project_id
        routers = self.session.call(lambda: list(self._neutron.routers(project_id=project_id)))
        ports = self._router_ports(project_id=project_id) if routers else []
        return [parsers.router(r, ports) for r in routers]

    def get_router(self, router_id: str) -> Router:
        router = self._own(self.session.call(self._neutron.get_router, router_id),
                           "router", router_id)
        return parsers.router(router, self._router_ports(device_id=router_id))

    def create_router(self, name: str, external_network_id: str = "") -> Router:
        params = {"name": name}
        if external_network_id:
            params["external_gateway_info"] = {"network_id": external_network_id}
        return parsers.router(self.session.call(self._neutron.create_router, **params), [])

    def set_router_gateway(self, router_id: str, external_network_id: str = "") -> None:
        info = {"network_id": external_network_id} if external_network_id else {}
        self.session.call(self._neutron.update_router, router_id, external_gateway_info=info)

    def add_router_interface(self, router_id: str, subnet_id: str) -> None:
        self.session.call(self._neutron.add_interface_to_router, router_id, subnet=subnet_id)

    def remove_router_interface(self, router_id: str, subnet_id: str) -> None:
        self.session.call(self._neutron.remove_interface_from_router, router_id,
                          subnet=subnet_id)

    def delete_router(self, router_id: str) -> None:
        self.session.call(self._neutron.delete_router, router_id, ignore_missing=False)
