"""OpenStack cloud definitions from clouds.yaml and OS_* variables, read by openstacksdk's
own loader: regions, domains, application credentials, interface, TLS verification.

No cloud is called: temporary clouds.yaml files, a cleaned environment, and the
definitions (and the reference site's NOVA["CLOUDS"]) that come of them.
"""

import os
import runpy
import warnings

import pytest
from django.core.exceptions import ImproperlyConfigured
from keystoneauth1.identity import generic, v3

from django_nova.clouds.openstack import cloud_from_clouds_yaml, identity
from django_nova.clouds.openstack.config import clouds_from_environment

AUTH_URL = "https://keystone.example.org:5000/v3"
SECRETS = ("s3cret-password", "app-cred-secret-value")

CLOUDS_YAML = f"""
clouds:
  multi:
    auth:
      auth_url: {AUTH_URL}
      user_domain_name: Users
    regions: [RegionOne, RegionTwo]
  regions-with-values:
    auth:
      auth_url: {AUTH_URL}
    regions:
      - name: north
        values:
          interface: internal
      - name: south
        values:
          interface: internal
  one-region:
    auth:
      auth_url: {AUTH_URL}
    region_name: RegionThree
  no-region:
    auth:
      auth_url: {AUTH_URL}
  domain-ids:
    auth:
      auth_url: {AUTH_URL}
      username: alice
      password: {SECRETS[0]}
      project_name: demo
      user_domain_id: 3f2a9c
      project_domain_id: 3f2a9c
    region_name: RegionOne
  domain-shorthand:
    auth:
      auth_url: {AUTH_URL}
      username: alice
      password: {SECRETS[0]}
      project_name: demo
      domain_id: default
  app-credential:
    auth_type: v3applicationcredential
    auth:
      auth_url: {AUTH_URL}
      application_credential_id: 0123456789abcdef
      application_credential_secret: {SECRETS[1]}
    region_name: RegionOne
    interface: internal
    cacert: /etc/ssl/private-ca.pem
  old-endpoint-type:
    auth:
      auth_url: {AUTH_URL}
    endpoint_type: adminURL
  not-verified:
    auth:
      auth_url: {AUTH_URL}
    verify: false
  insecure:
    auth:
      auth_url: {AUTH_URL}
    insecure: true
  split-regions:
    auth:
      auth_url: {AUTH_URL}
    regions:
      - name: here
      - name: there
        values:
          auth:
            auth_url: https://other-keystone.example.org/v3
  broken-app-credential:
    auth_type: v3applicationcredential
    auth:
      auth_url: {AUTH_URL}
"""


@pytest.fixture
def clean_env(monkeypatch):
    """No OS_* variable of the developer's shell, nor its NOVA_PROVISIONING*.  Tests that
    read no given file name theirs in OS_CLIENT_CONFIG_FILE, which comes first."""
    for name in list(os.environ):
        if name.startswith("OS_") or name in ("NOVA_PROVISIONING", "NOVA_PROVISIONING_CLOUD"):
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
def clouds_yaml(clean_env, tmp_path):
    path = tmp_path / "config" / "clouds.yaml"
    path.parent.mkdir()
    path.write_text(CLOUDS_YAML)
    return str(path)


def assert_no_secret(definition) -> None:
    assert not any(secret in repr(definition) for secret in SECRETS)


# --- clouds.yaml ----------------------------------------------------------------------------

def test_every_region_of_a_cloud(clouds_yaml):
    assert cloud_from_clouds_yaml("multi", clouds_yaml) == {
        "DRIVER": "openstack", "LABEL": "multi", "AUTH_URL": AUTH_URL,
        "REGIONS": ["RegionOne", "RegionTwo"], "INTERFACE": "public",
        "DEFAULT_DOMAIN": "Users"}
    with_values = cloud_from_clouds_yaml("regions-with-values", clouds_yaml)
    assert with_values["REGIONS"] == ["north", "south"]
    assert with_values["INTERFACE"] == "internal"


def test_one_region_or_none(clouds_yaml):
    assert cloud_from_clouds_yaml("one-region", clouds_yaml)["REGIONS"] == ["RegionThree"]
    assert cloud_from_clouds_yaml("no-region", clouds_yaml)["REGIONS"] == ["RegionOne"]


def test_user_domain_by_id(clouds_yaml):
    definition = cloud_from_clouds_yaml("domain-ids", clouds_yaml)
    assert definition["DEFAULT_DOMAIN_ID"] == "3f2a9c"
    # Its name is not known without asking Keystone: no made-up "Default".
    assert "DEFAULT_DOMAIN" not in definition
    assert definition["REGIONS"] == ["RegionOne"]
    assert_no_secret(definition)


def test_domain_shorthand_is_the_loaders(clouds_yaml):
    """openstacksdk spreads ``domain_id`` over the user and project domains."""
    definition = cloud_from_clouds_yaml("domain-shorthand", clouds_yaml)
    assert definition["DEFAULT_DOMAIN_ID"] == "default"
    assert definition["DEFAULT_DOMAIN"] == "Default"  # Keystone's bootstrap domain
    assert_no_secret(definition)


def test_application_credential_cloud(clouds_yaml):
    definition = cloud_from_clouds_yaml("app-credential", clouds_yaml)
    assert definition == {
        "DRIVER": "openstack", "LABEL": "app-credential", "AUTH_URL": AUTH_URL,
        "REGIONS": ["RegionOne"], "INTERFACE": "internal", "DEFAULT_DOMAIN": "Default",
        "VERIFY": "/etc/ssl/private-ca.pem"}
    assert_no_secret(definition)


def test_interface_and_verification_as_the_loader_fixes_them(clouds_yaml):
    assert cloud_from_clouds_yaml("old-endpoint-type", clouds_yaml)["INTERFACE"] == "admin"
    assert cloud_from_clouds_yaml("not-verified", clouds_yaml)["VERIFY"] is False
    assert cloud_from_clouds_yaml("insecure", clouds_yaml)["VERIFY"] is False
    assert "VERIFY" not in cloud_from_clouds_yaml("multi", clouds_yaml)


def test_secure_yaml_is_merged_by_the_loader(clouds_yaml, tmp_path, clean_env):
    """Values in secure.yaml (OS_CLIENT_SECURE_FILE) count as the loader merges them."""
    secure = tmp_path / "secure.yaml"
    secure.write_text("clouds:\n  one-region:\n    auth:\n      user_domain_name: Staff\n")
    clean_env.setenv("OS_CLIENT_CONFIG_FILE", clouds_yaml)
    clean_env.setenv("OS_CLIENT_SECURE_FILE", str(secure))
    assert cloud_from_clouds_yaml("one-region")["DEFAULT_DOMAIN"] == "Staff"


def test_the_file_is_found_the_openstack_way(clouds_yaml, tmp_path, clean_env):
    clean_env.setenv("OS_CLIENT_CONFIG_FILE", clouds_yaml)
    assert cloud_from_clouds_yaml("multi")["REGIONS"] == ["RegionOne", "RegionTwo"]
    # A file given explicitly is that file, whatever OS_CLIENT_CONFIG_FILE says.
    other = tmp_path / "other.yaml"
    other.write_text(f"clouds:\n  multi:\n    auth:\n      auth_url: {AUTH_URL}\n"
                     "    region_name: Elsewhere\n")
    assert cloud_from_clouds_yaml("multi", str(other))["REGIONS"] == ["Elsewhere"]


def test_what_cannot_be_a_cloud_says_why(clouds_yaml):
    with pytest.raises(ImproperlyConfigured, match="'nowhere'.*not found"):
        cloud_from_clouds_yaml("nowhere", clouds_yaml)
    with pytest.raises(ImproperlyConfigured, match="broken-app-credential.*application "
                                                   "credential"):
        cloud_from_clouds_yaml("broken-app-credential", clouds_yaml)
    with pytest.raises(ImproperlyConfigured, match="region 'there' has another AUTH_URL"):
        cloud_from_clouds_yaml("split-regions", clouds_yaml)


# --- OS_* variables -------------------------------------------------------------------------

OPENRC = {
    "OS_AUTH_URL": AUTH_URL, "OS_USERNAME": "alice", "OS_PASSWORD": SECRETS[0],
    "OS_PROJECT_NAME": "demo", "OS_USER_DOMAIN_NAME": "Users",
    "OS_PROJECT_DOMAIN_ID": "default", "OS_IDENTITY_API_VERSION": "3",
}


def test_no_os_auth_url_no_cloud(clean_env):
    assert clouds_from_environment() == {}
    clean_env.setenv("OS_USERNAME", "alice")
    assert clouds_from_environment() == {}


def test_an_openrc_is_a_cloud(clean_env):
    for name, value in {**OPENRC, "OS_REGION_NAME": "RegionTwo", "OS_INTERFACE": "internal",
                        "OS_CACERT": "/etc/ssl/private-ca.pem"}.items():
        clean_env.setenv(name, value)
    clouds = clouds_from_environment()
    assert clouds == {"envvars": {
        "DRIVER": "openstack", "LABEL": "keystone.example.org", "AUTH_URL": AUTH_URL,
        "REGIONS": ["RegionTwo"], "INTERFACE": "internal", "DEFAULT_DOMAIN": "Users",
        "VERIFY": "/etc/ssl/private-ca.pem"}}
    assert_no_secret(clouds)


def test_the_environments_cloud_by_its_name_and_domain_id(clean_env):
    for name, value in {**OPENRC, "OS_CLOUD_NAME": "lab", "OS_INSECURE": "true"}.items():
        clean_env.setenv(name, value)
    clean_env.delenv("OS_USER_DOMAIN_NAME")
    clean_env.setenv("OS_USER_DOMAIN_ID", "3f2a9c")
    (name, definition), = clouds_from_environment().items()
    assert name == "lab" and definition["LABEL"] == "lab"
    assert definition["DEFAULT_DOMAIN_ID"] == "3f2a9c" and "DEFAULT_DOMAIN" not in definition
    assert definition["VERIFY"] is False and definition["REGIONS"] == ["RegionOne"]


def test_an_application_credential_openrc(clean_env):
    for name, value in {"OS_AUTH_URL": AUTH_URL, "OS_AUTH_TYPE": "v3applicationcredential",
                        "OS_APPLICATION_CREDENTIAL_ID": "0123456789abcdef",
                        "OS_APPLICATION_CREDENTIAL_SECRET": SECRETS[1],
                        "OS_REGION_NAME": "RegionOne"}.items():
        clean_env.setenv(name, value)
    clouds = clouds_from_environment()
    assert clouds["envvars"]["AUTH_URL"] == AUTH_URL
    assert clouds["envvars"]["REGIONS"] == ["RegionOne"]
    assert_no_secret(clouds)


def test_a_broken_openrc_says_why(clean_env):
    clean_env.setenv("OS_AUTH_URL", AUTH_URL)
    clean_env.setenv("OS_AUTH_TYPE", "v3applicationcredential")
    with pytest.raises(ImproperlyConfigured, match="OS_\\* variables.*application credential"):
        clouds_from_environment()


# --- the service account: the loader's cloud, credentials and all ---------------------------

def test_an_application_credential_service_account(clouds_yaml):
    """PROVISIONING's SERVICE_CLOUD is connected with the loader's own CloudRegion: an
    application credential and the cloud's CA bundle are used as they are."""
    admin = identity.for_service("lab", {
        "REGIONS": ["RegionOne"],
        "PROVISIONING": {"SERVICE_CLOUD": "app-credential", "CLOUDS_YAML": clouds_yaml}})
    session = admin._connect("RegionOne").session
    assert isinstance(session.auth, v3.ApplicationCredential)
    assert session.verify == "/etc/ssl/private-ca.pem"


def test_the_environment_as_service_account(clean_env):
    for name, value in OPENRC.items():
        clean_env.setenv(name, value)
    admin = identity.for_service("lab", {
        "REGIONS": ["RegionOne"], "PROVISIONING": {"SERVICE_CLOUD": "envvars"}})
    auth = admin._connect("RegionOne").session.auth
    assert isinstance(auth, generic.Password) and auth.auth_url == AUTH_URL


# --- the reference site ---------------------------------------------------------------------

def site_clouds() -> dict:
    """openstack_dashboard.settings' NOVA["CLOUDS"], for the environment as it is now
    (run again, beside the imported one)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'openstack_dashboard.settings' found in sys.modules",
                                RuntimeWarning)
        # OS_CLOUD is no vendor profile of the OS_* cloud (as openstacksdk would take it).
        warnings.filterwarnings("error", "Couldn't find the vendor profile")
        return runpy.run_module("openstack_dashboard.settings")["NOVA"]["CLOUDS"]


def test_the_reference_site_without_os_variables(clean_env):
    assert list(site_clouds()) == ["embedded"]


def test_the_reference_site_adds_os_cloud_and_the_openrc(clouds_yaml, clean_env):
    clean_env.setenv("OS_CLOUD", "multi")
    clean_env.setenv("OS_CLIENT_CONFIG_FILE", clouds_yaml)
    for name, value in {**OPENRC, "OS_REGION_NAME": "RegionTwo"}.items():
        clean_env.setenv(name, value)
    clean_env.setenv("NOVA_PROVISIONING_CLOUD", "app-credential")
    clouds = site_clouds()
    assert list(clouds) == ["embedded", "multi", "envvars"]
    assert clouds["multi"]["REGIONS"] == ["RegionOne", "RegionTwo"]
    assert clouds["envvars"]["REGIONS"] == ["RegionTwo"]
    assert clouds["envvars"]["AUTH_URL"] == AUTH_URL
    # Sign-ups go to the OS_CLOUD cloud, made in the domain its users sign in to.
    assert clouds["multi"]["PROVISIONING"] == {
        "ENABLED": True, "SERVICE_CLOUD": "app-credential", "CLOUDS_YAML": clouds_yaml,
        "DOMAIN": "Users"}
    assert "PROVISIONING" not in clouds["envvars"]
    assert_no_secret(clouds)


def test_the_reference_site_with_an_openrc_alone(clean_env):
    for name, value in {**OPENRC, "OS_USER_DOMAIN_ID": "3f2a9c"}.items():
        clean_env.setenv(name, value)
    clean_env.delenv("OS_USER_DOMAIN_NAME")
    clean_env.setenv("NOVA_PROVISIONING_CLOUD", "envvars")
    clean_env.setenv("NOVA_PROVISIONING", "0")
    clouds = site_clouds()
    assert list(clouds) == ["embedded", "envvars"]
    assert clouds["envvars"]["PROVISIONING"] == {
        "ENABLED": False, "SERVICE_CLOUD": "envvars", "CLOUDS_YAML": None, "DOMAIN": "3f2a9c"}
    assert_no_secret(clouds)


def test_the_reference_site_refuses_a_broken_os_cloud(clouds_yaml, clean_env):
    clean_env.setenv("OS_CLOUD", "nowhere")
    clean_env.setenv("OS_CLIENT_CONFIG_FILE", clouds_yaml)
    with pytest.raises(ImproperlyConfigured, match="'nowhere'"):
        site_clouds()

