"""OpenStack cloud definitions from an OpenStack clouds.yaml entry."""

from django.core.exceptions import ImproperlyConfigured
from openstack import exceptions as sdk_exceptions
from openstack.config import OpenStackConfig


def cloud_from_clouds_yaml(name: str, config_file: str | None = None) -> dict:
    """A NOVA cloud definition from an OpenStack clouds.yaml entry.

    The file is found the OpenStack way (OS_CLIENT_CONFIG_FILE, then the
    standard places) unless given.  Only where the cloud is (auth URL,
    regions, domain) is taken: users log in with their own Keystone
    credentials, never with the file's.
    """
    loader = OpenStackConfig(config_files=[config_file]) if config_file else OpenStackConfig()
    try:
        cloud = loader.get_one(cloud=name)
    except sdk_exceptions.ConfigException as error:
        raise ImproperlyConfigured(f"OpenStack cloud {name!r}: {error} (clouds.yaml is read "
                                   "from OS_CLIENT_CONFIG_FILE or the standard places)") from error
    auth = cloud.config.get("auth", {})
    regions = [r["name"] if isinstance(r, dict) else r
               for r in cloud.config.get("regions") or [cloud.region_name or "RegionOne"]]
    return {
        "DRIVER": "openstack",
        "LABEL": name,
        "AUTH_URL": auth["auth_url"],
        "REGIONS": regions,
        "DEFAULT_DOMAIN": auth.get("user_domain_name") or "Default",
        "INTERFACE": cloud.config.get("interface", "public"),
    }
