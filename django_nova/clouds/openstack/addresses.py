"""Neutron floating IPs: from external networks (``router:external``) to a server's port.

Neutron's ``fip-port-details`` extension names the port's server in the
floating IP itself, so the list needs no port lookups.
"""

from django.utils.translation import gettext as _

from ...exceptions import InvalidInput, NotFound
from ...resources import Address, AddressTarget
from .session import OpenStackSession


def _address(ip, pools: dict[str, str]) -> Address:
    details = ip.port_details or {}
    instance_id = details.get("device_id", "") if str(
        details.get("device_owner", "")).startswith("compute:") else ""
    return Address(
        id=ip.id, ip=ip.floating_ip_address or "",
        pool=pools.get(ip.floating_network_id, ip.floating_network_id or ""),
        instance_id=instance_id or "", fixed_ip=ip.fixed_ip_address or "",
        port_id=ip.port_id or "", state=(ip.status or "").lower())


class OpenStackAddresses:
    def __init__(self, session: OpenStackSession):
        self.session = session

    @property
    def _neutron(self):
        return self.session.conn.network

    def address_pools(self) -> list[tuple[str, str]]:
        """External networks floating IPs come from, as (id, name): one call."""
        networks = self.session.call(lambda: list(self._neutron.networks(
            is_router_external=True)))
        return sorted(((n.id, n.name or n.id) for n in networks), key=lambda p: p[1])

    def list_addresses(self) -> list[Address]:
        """The project's floating IPs, their pools named: two calls."""
        pools = dict(self.address_pools())
        ips = self.session.call(lambda: list(self._neutron.ips(
            project_id=self.session.project_id)))
        return sorted((_address(ip, pools) for ip in ips), key=lambda a: a.ip)

    def get_address(self, address_id: str) -> Address:
        ip = self.session.call(self._neutron.get_ip, address_id)
        if ip.project_id and ip.project_id != self.session.project_id:
            raise NotFound(_("There is no floating IP %(id)s in this project.")
                           % {"id": address_id})
        return _address(ip, {})

    def allocate_address(self, pool: str = "") -> Address:
        if not pool:
            raise InvalidInput(_("Choose the external network to allocate from."))
        ip = self.session.call(self._neutron.create_ip, floating_network_id=pool)
        return _address(ip, dict(self.address_pools()))

    def address_targets(self) -> list[AddressTarget]:
        """One target per IPv4 address of each server port: a server list and a port list."""
        names = self.session.call(lambda: {s.id: s.name or "" for s in
                                           self.session.conn.compute.servers(details=False)})
        ports = self.session.call(lambda: list(self._neutron.ports(
            project_id=self.session.project_id)))
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
            ports = self.session.call(lambda: list(self._neutron.ports(
                device_id=target.instance_id)))
            if not ports:
                raise InvalidInput(_("This server has no network port to associate with."))
            port_id = ports[0].id
        params = {"port_id": port_id}
        if fixed_ip:
            params["fixed_ip_address"] = fixed_ip
        self.session.call(self._neutron.update_ip, address.id, **params)

    def disassociate_address(self, address: Address) -> None:
        self.session.call(self._neutron.update_ip, address.id, port_id=None)

    def release_address(self, address: Address) -> None:
        self.session.call(self._neutron.delete_ip, address.id)
