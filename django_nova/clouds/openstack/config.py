"""OpenStack cloud definitions the OpenStack way: through openstacksdk's own config loader.

``cloud_from_clouds_yaml`` reads a ``clouds.yaml`` cloud and ``clouds_from_environment``
the cloud that ``OS_*`` variables describe (an openrc), both with
``openstack.config.OpenStackConfig``, exactly as the ``openstack`` CLI reads them:
vendor profiles, ``secure.yaml``, ``regions`` lists, ``domain_id`` shorthands,
``insecure``/``verify``/``cacert`` and the other fixes the loader makes all apply.
Every value of a definition comes from the loader's result, never from the YAML.

Only where the cloud is, and how to reach it, is taken (its Keystone URL, regions,
interface, the users' domain, TLS verification): people sign in with their own
Keystone credentials.  Passwords, application credentials and tokens in the file or
the environment are never copied into a definition; a provisioning service account
keeps its credentials in clouds.yaml (``PROVISIONING["SERVICE_CLOUD"]``).
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from keystoneauth1 import exceptions as ksa_exceptions
from openstack import exceptions as sdk_exceptions
from openstack.config import OpenStackConfig

# A cloud whose entry names no region: the region devstack and most installers make.
FALLBACK_REGION = "RegionOne"
# What a definition takes from each region, which must agree between a cloud's regions.
SHARED_KEYS = ("AUTH_URL", "INTERFACE", "DEFAULT_DOMAIN", "DEFAULT_DOMAIN_ID", "VERIFY")
LOADER_ERRORS = (sdk_exceptions.ConfigException, ksa_exceptions.AuthPluginException,
                 OSError, ValueError)


def cloud_from_clouds_yaml(name: str, config_file: str | None = None) -> dict:
    """A NOVA cloud definition from a ``clouds.yaml`` cloud, with every region it has.

    The file is found the OpenStack way (``OS_CLIENT_CONFIG_FILE``, then
    ``./clouds.yaml``, ``~/.config/openstack/``, ``/etc/openstack/``) unless
    ``config_file`` is given, which is then the only one read.
    """
    where = (config_file if config_file
             else "OS_CLIENT_CONFIG_FILE or the standard places (./clouds.yaml, "
                  "~/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml)")
    try:
        # An explicit file is that file: OS_CLIENT_CONFIG_FILE (and the environment's
        # own cloud) would otherwise come first.
        loader = (OpenStackConfig(config_files=[config_file], load_envvars=False)
                  if config_file else OpenStackConfig())
    except LOADER_ERRORS as error:
        raise ImproperlyConfigured(f"clouds.yaml ({where}) cannot be read: {error}") from error
    if name != loader.envvar_key:  # the OS_* variables' own cloud is not asked for
        loader.cloud_config["clouds"].pop(loader.envvar_key, None)
    return _definition(loader, name, label=name, where=f"in clouds.yaml ({where})")


def clouds_from_environment() -> dict[str, dict]:
    """``{name: definition}`` for the cloud the ``OS_*`` variables describe, or ``{}``.

    As the ``openstack`` CLI sees an openrc: ``OS_AUTH_URL``, ``OS_REGION_NAME``,
    ``OS_INTERFACE``, ``OS_USER_DOMAIN_NAME`` (or ``_ID``), ``OS_CACERT``,
    ``OS_INSECURE``...  The name is openstacksdk's for that cloud: ``OS_CLOUD_NAME``,
    else ``envvars``.  Nothing without ``OS_AUTH_URL``.
    """
    if not os.environ.get("OS_AUTH_URL"):
        return {}
    try:
        loader = OpenStackConfig(load_yaml_config=False)
    except LOADER_ERRORS as error:
        raise ImproperlyConfigured(f"The OS_* environment variables: {error}") from error
    name = loader.envvar_key
    # OS_CLOUD names a clouds.yaml cloud; the loader would also take it for this cloud's
    # vendor profile (the old meaning of a "cloud" key), which it is not.
    if os.environ.get("OS_CLOUD"):
        loader.cloud_config["clouds"][name].pop("cloud", None)
    label = (name if os.environ.get("OS_CLOUD_NAME")
             else urlsplit(os.environ["OS_AUTH_URL"]).hostname or name)
    return {name: _definition(loader, name, label=label, where="in the OS_* variables")}


def _definition(loader: OpenStackConfig, name: str, label: str, where: str) -> dict:
    regions = _regions(loader, name, where)
    shared = [_region_settings(region, name, where) for region in regions]
    for other, region in zip(shared[1:], regions[1:], strict=True):
        differ = [key for key in SHARED_KEYS if other.get(key) != shared[0].get(key)]
        if differ:
            raise ImproperlyConfigured(
                f"OpenStack cloud {name!r} {where}: region {region.region_name!r} has another "
                f"{', '.join(differ)} than region {regions[0].region_name!r}; a dashboard "
                "cloud's regions share them (define a cloud per Keystone).")
    names = [region.region_name for region in regions if region.region_name]
    return {"DRIVER": "openstack", "LABEL": label, **shared[0],
            "REGIONS": names or [FALLBACK_REGION]}


def _regions(loader: OpenStackConfig, name: str, where: str) -> list:
    """The loader's CloudRegion for each region of the cloud (``regions``, ``region_name``,
    a vendor profile's), in its order: what ``openstack --os-cloud NAME`` would use."""
    try:
        found = [region for region in loader.get_all() if region.name == name]
        # The loader leaves out a cloud it cannot make (and logs why): ask for it alone,
        # which raises the reason.
        return found or [loader.get_one(cloud=name)]
    except LOADER_ERRORS as error:
        raise ImproperlyConfigured(f"OpenStack cloud {name!r} {where}: {error}") from error


def _region_settings(region, name: str, where: str) -> dict:
    """What a definition takes from one CloudRegion: no credential, ever."""
    auth = region.config.get("auth") or {}
    if not auth.get("auth_url"):
        raise ImproperlyConfigured(f"OpenStack cloud {name!r} {where} has no auth_url.")
    interface = region.get_interface() or "public"
    if isinstance(interface, list):  # the loader allows a list; the catalog is read with one
        interface = next((i for i in interface if i), "public")
    interface = interface.removesuffix("URL")  # the old endpoint_type's "internalURL"
    verify, _cert = region.get_requests_verify_args()
    settings = {"AUTH_URL": auth["auth_url"], "INTERFACE": interface}
    # The users' domain, by name and/or id (``domain_id``/``domain_name`` shorthands are
    # the loader's to expand).  Keystone's bootstrap domain is id "default", name
    # "Default"; of another domain known only by id the name is not known here.
    domain_id = auth.get("user_domain_id") or ""
    domain_name = auth.get("user_domain_name") or ("Default" if domain_id in ("", "default")
                                                   else "")
    if domain_name:
        settings["DEFAULT_DOMAIN"] = domain_name
    if domain_id:
        settings["DEFAULT_DOMAIN_ID"] = domain_id
    if verify is not True:  # False (insecure, verify: false), or cacert's CA bundle
        settings["VERIFY"] = verify if isinstance(verify, str) else bool(verify)
    return settings
