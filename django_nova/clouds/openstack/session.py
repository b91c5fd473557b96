"""How the OpenStack parts reach the user's project: one connection, one call wrapper.

Nova, Glance, Cinder and Neutron are reached through the catalog in the
token the user got at login (kept in the server-side session), so no request
re-authenticates.  Compute microversions are negotiated by openstacksdk per
resource against what the cloud offers.
"""

import logging
from functools import cached_property

import openstack.connection

from . import keystone
from .errors import call

log = logging.getLogger(__name__)

# Catalog service types, by what django-nova calls the service.
SERVICE_TYPES = {
    "compute": ("compute",),
    "image": ("image",),
    "block-storage": ("block-storage", "volumev3", "volumev2", "volume"),
    "network": ("network",),
    "identity": ("identity",),
}


def catalog_services(token_body: dict, region: str, interface: str) -> frozenset[str]:
    """The services the user's token catalog offers in a region, by django-nova's names.

    A token without a catalog (it cannot tell) is taken to offer them all.
    """
    catalog = (token_body or {}).get("token", token_body or {}).get("catalog")
    if catalog is None:
        return frozenset(SERVICE_TYPES)
    offered = {entry.get("type") for entry in catalog
               if any(e.get("interface") == interface
                      and (not region or region in (e.get("region_id"), e.get("region")))
                      for e in entry.get("endpoints", []))}
    return frozenset(name for name, types in SERVICE_TYPES.items() if offered & set(types))


class GuardedConnection:
    """An openstacksdk connection whose service proxies are made inside ``call``.

    openstacksdk makes a proxy on first use of ``conn.image`` (and the like) and may read
    the service's version document to do so, raising NotSupported when it cannot: in
    ``call(conn.image.get_image, ...)`` that happens before ``call`` starts.
    """

    def __init__(self, conn: openstack.connection.Connection):
        self._conn = conn

    def __getattr__(self, name):
        return call(getattr, self._conn, name)


class OpenStackSession:
    """The signed-in user's project in one region: what every OpenStack part is given."""

    def __init__(self, cloud_key: str, config: dict, keystone_session, region: str):
        self.cloud_key = cloud_key
        self.config = config
        self.keystone = keystone_session
        self.region = region

    @property
    def project_id(self) -> str:
        return self.keystone.project_id

    @cached_property
    def services(self) -> frozenset[str]:
        return catalog_services(self.keystone.token_body, self.region,
                                self.config.get("INTERFACE", "public"))

    @cached_property
    def conn(self) -> GuardedConnection:
        session = keystone.authenticated_session(self.keystone.token, self.keystone.token_body,
                                                 cloud=self.cloud_key)
        return GuardedConnection(openstack.connection.Connection(
            session=session, region_name=self.region,
            interface=self.config.get("INTERFACE", "public"), app_name="django-nova"))

    call = staticmethod(call)
