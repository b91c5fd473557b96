"""How the OpenStack parts reach the user's project: one connection, one call wrapper.

Nova, Glance, Cinder and Neutron are reached through the catalog in the
token the user got at login (kept in the server-side session), so no request
re-authenticates.  Compute microversions are negotiated by openstacksdk per
resource against what the cloud offers.
"""

import json
import logging
from functools import cached_property

import openstack.connection
import requests
from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions as sdk_exceptions

from ... import exceptions as errors
from . import keystone

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


def translate(error: Exception) -> errors.CloudError:
    """openstacksdk and keystoneauth1 errors in django_nova's hierarchy."""
    if isinstance(error, ks_exceptions.ClientException):
        return keystone.translate(error)
    message = (getattr(error, "details", None) or getattr(error, "message", None)
               or str(error) or "The cloud refused the request.")
    status = getattr(error, "status_code", None) or 0
    if isinstance(error, sdk_exceptions.NotFoundException | sdk_exceptions.ResourceNotFound):
        return errors.NotFound(message)
    if "quota" in message.lower():
        return errors.QuotaExceeded(message)
    if isinstance(error, sdk_exceptions.ForbiddenException) or status == 401:
        return errors.Forbidden(message)
    if isinstance(error, sdk_exceptions.ConflictException):
        return errors.Conflict(message)
    if isinstance(error, sdk_exceptions.BadRequestException):
        return errors.InvalidInput(message)
    if status >= 500:
        return errors.Unavailable(message)
    return errors.CloudError(message)


def call(action, *args, **kwargs):
    """Run one SDK call (or a callable making several) with its errors translated,
    whatever went wrong: a refusal, no answer, or an answer that is no API response."""
    try:
        return action(*args, **kwargs)
    except (sdk_exceptions.SDKException, ks_exceptions.ClientException) as error:
        translated = translate(error)
        if isinstance(translated, errors.Unavailable):
            log.warning("cloud call failed: %s", error)
        raise translated from error
    except (json.JSONDecodeError, requests.exceptions.RequestException) as error:
        # A body that is no JSON (a proxy's error page, a cut-off answer), a broken stream.
        log.warning("cloud answered with no API response: %.300s", error)
        raise errors.Unavailable("The cloud answered with something that is not an API "
                                 "response (a proxy's error page, or a cut-off answer).") \
            from error


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
    def conn(self) -> openstack.connection.Connection:
        session = keystone.authenticated_session(self.keystone.token, self.keystone.token_body,
                                                 cloud=self.cloud_key)
        return openstack.connection.Connection(
            session=session, region_name=self.region,
            interface=self.config.get("INTERFACE", "public"), app_name="django-nova")

    call = staticmethod(call)
