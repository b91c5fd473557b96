"""The OpenStack cloud: openstacksdk on a keystoneauth1 session built from the user's token.

Keystone keeps the users and projects: people sign in with their Keystone
credentials.  What the cloud offers is read from the cloud itself: the
services in the token's catalog (no Cinder: no volumes part; no Neutron: no
security groups, addresses or networks) and Neutron's extensions (read once
per cloud and region, then cached), so a missing service or extension hides
what depends on it instead of failing a page.
"""

from functools import cached_property

from django.core import checks
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from ...exceptions import CloudError
from ...resources import Capabilities
from ..base import Cloud
from . import identity
from .addresses import OpenStackAddresses
from .admin import OpenStackAllProjects, OpenStackComputeAdmin
from .compute import OpenStackCompute
from .config import cloud_from_clouds_yaml
from .credentials import OpenStackApplicationCredentials
from .images import OpenStackImages
from .keypairs import OpenStackKeyPairs
from .networks import OpenStackNetworks
from .quotas import OpenStackQuotas, OpenStackUsage
from .security_groups import OpenStackSecurityGroups
from .session import OpenStackSession
from .volumes import OpenStackVolumes

# Neutron extensions the parts rely on; a cloud that cannot list its extensions is
# taken to have these (its pages then say what fails, one panel at a time).
STANDARD_NETWORK_EXTENSIONS = frozenset({"security-group", "router", "external-net", "quotas",
                                         "quota_details"})
EXTENSIONS_CACHE_SECONDS = 3600


class OpenStackCloud(Cloud):
    KEEPS_IDENTITY = True
    CAPABILITIES = Capabilities(
        instance_type_label=_("Flavor"), instance_types_label=_("Flavors"),
        tags_label=_("Metadata"), has_labels=True,
        uploads_images=True, volume_sources=("snapshot", "image"),
    )

    def __init__(self, key, config, access, region):
        super().__init__(key, config, access, region)
        self.session = OpenStackSession(key, config, access, region)
        self.compute = OpenStackCompute(self.session)
        self.images = OpenStackImages(self.session)
        self.key_pairs = OpenStackKeyPairs(self.session)
        self.quotas = OpenStackQuotas(self.session)
        self.usage = OpenStackUsage(self.session)
        self.all_projects = OpenStackAllProjects(self.session)
        self.compute_admin = OpenStackComputeAdmin(self.session)
        self.application_credentials = OpenStackApplicationCredentials(self.session)
        if "block-storage" in self.session.services:
            self.volumes = OpenStackVolumes(self.session)

    # Parts that depend on Neutron and its extensions
    @cached_property
    def network_extensions(self) -> frozenset[str]:
        if "network" not in self.session.services:
            return frozenset()
        key = f"nova:{self.key}:{self.region}:network-extensions"
        found = cache.get(key)
        if found is None:
            try:
                found = frozenset(self.session.call(lambda: [
                    e.alias for e in self.session.conn.network.extensions()]))
            except CloudError:
                return STANDARD_NETWORK_EXTENSIONS
            cache.set(key, found, EXTENSIONS_CACHE_SECONDS)
        return found

    @cached_property
    def security_groups(self):
        if "security-group" in self.network_extensions:
            return OpenStackSecurityGroups(self.session, self.compute)
        return None

    @cached_property
    def addresses(self):
        if "router" in self.network_extensions:
            return OpenStackAddresses(self.session)
        return None

    @cached_property
    def networks(self):
        return OpenStackNetworks(self.session) if "network" in self.session.services else None

    @cached_property
    def identity(self):
        return identity.for_token(self.key, self.config, self.access.token,
                                  self.access.token_body)

    def discovered_capabilities(self) -> dict:
        services = ["compute"]
        if self.volumes is not None:
            services.append("volume")
        if {"quotas", "quota_details"} <= self.network_extensions:
            services.append("network")
        return {"quota_services": tuple(services)}

    def api_endpoint(self) -> str:
        return self.config["AUTH_URL"]

    @classmethod
    def check_config(cls, key, config):
        errors = []
        if not config.get("AUTH_URL"):
            errors.append(checks.Error(f"Cloud {key!r} needs AUTH_URL (Keystone's URL).",
                                       id="django_nova.E009"))
        provisioning = config.get("PROVISIONING")
        if isinstance(provisioning, dict) and provisioning.get("ENABLED") \
                and not provisioning.get("SERVICE_CLOUD"):
            errors.append(checks.Error(
                f"Cloud {key!r} enables PROVISIONING but names no SERVICE_CLOUD (the "
                "clouds.yaml cloud of a service account with the admin role).",
                id="django_nova.E021"))
        return errors

    @classmethod
    def service_identity(cls, key, config):
        return identity.for_service(key, config)


__all__ = ["OpenStackCloud", "cloud_from_clouds_yaml"]
