"""Neutron security groups, floating IPs and networks (mixed into OpenStackDriver)."""


class OpenStackNetworkMixin:
    pass
