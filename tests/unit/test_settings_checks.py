"""The system checks of django_nova.checks: a wrong NOVA dict, whatever it holds, gives a
message with an id that names the key, never a traceback; the site around the app is
checked for KeystoneBackend, a shared cache and a state directory outside the installation."""

import re
import sysconfig
from pathlib import Path

import pytest
from django.core.cache.backends.locmem import LocMemCache

from django_nova import checks as nova_checks
from django_nova import settings_schema
from django_nova.backends import KeystoneBackend
from django_nova.clouds.ec2 import EC2Cloud
from django_nova.conf import DEFAULTS, EMBEDDED_CLOUD

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "django_nova"
DROP = object()  # a key to leave out of a cloud definition

EC2 = {"DRIVER": "ec2", "LABEL": "AWS", "ENDPOINT": "https://ec2.example.org:8443",
       "REGIONS": ["eu-central-1"], "ACCESS_KEY_ID": "AKIAEXAMPLE",
       "SECRET_ACCESS_KEY": "secret-example", "ROLE_NAME": "Dashboard",
       "IMAGE_OWNERS": ["amazon"], "INSTANCE_TYPES": ["t3.micro"]}
OPENSTACK = {"DRIVER": "openstack", "LABEL": "My cloud",
             "AUTH_URL": "https://keystone.example.org:5000/v3", "REGIONS": ["RegionOne"],
             "DEFAULT_DOMAIN": "Default", "INTERFACE": "public"}


def cloud(base: dict, **changes) -> dict:
    """``base`` with ``changes``; a change to DROP leaves the key out."""
    merged = {**base, **changes}
    return {key: value for key, value in merged.items() if value is not DROP}


def clouds(**definitions) -> dict:
    return {"CLOUDS": definitions}


class Unprintable:
    def __repr__(self):
        raise RuntimeError("no repr for you")


class BrokenCheckCloud(EC2Cloud):
    """A third-party driver whose own check fails."""

    @classmethod
    def check_config(cls, key, config):
        raise KeyError("FLAVOUR")


class SiteKeystoneBackend(KeystoneBackend):
    """A site's own subclass counts as the Keystone backend."""


class SiteLocMemCache(LocMemCache):
    """A site's own cache on top of the local-memory one."""


def all_messages():
    """Every django_nova check that reads NOVA (check_cache reads CACHES only)."""
    return [*nova_checks.check_settings(None), *nova_checks.check_provisioning(None),
            *nova_checks.check_authentication_backends(None),
            *nova_checks.check_state_dirs(None)]


def nova_ids(messages) -> list[str]:
    return [m.id for m in messages]


# (case id, NOVA, the check id expected, text its message must hold)
WRONG = [
    # NOVA itself
    ("nova-a-list", ["CLOUDS"], "django_nova.E010", "NOVA must be a dict"),
    ("nova-none", None, "django_nova.E010", "not NoneType"),
    ("nova-a-string", "CLOUDS", "django_nova.E010", "not str"),
    ("nova-a-number", 42, "django_nova.E010", "not int"),
    # top-level keys
    ("unknown-key", {"PAGESIZE": 20}, "django_nova.E011", "did you mean 'PAGE_SIZE'"),
    ("unknown-key-lowercase", {"read_timeout": 5}, "django_nova.E011",
     "NOVA['read_timeout'] is not a django-nova setting; did you mean 'READ_TIMEOUT'"),
    ("unknown-key-no-match", {"XYZZY": 1}, "django_nova.E011", "NOVA['XYZZY']"),
    ("unknown-key-not-a-string", {1: 2}, "django_nova.E011", "NOVA[1]"),
    ("page-size-a-string", {"PAGE_SIZE": "20"}, "django_nova.E012",
     "NOVA['PAGE_SIZE'] must be an integer, not str"),
    ("page-size-a-bool", {"PAGE_SIZE": True}, "django_nova.E012", "NOVA['PAGE_SIZE']"),
    ("page-size-too-small", {"PAGE_SIZE": 2}, "django_nova.E005",
     "NOVA['PAGE_SIZE'] must be between 5 and 1000."),
    ("page-size-too-big", {"PAGE_SIZE": 5000}, "django_nova.E005", "NOVA['PAGE_SIZE']"),
    ("read-timeout-negative", {"READ_TIMEOUT": -1}, "django_nova.E013",
     "NOVA['READ_TIMEOUT'] must be more than 0"),
    ("read-timeout-a-string", {"READ_TIMEOUT": "8"}, "django_nova.E012", "NOVA['READ_TIMEOUT']"),
    ("connect-timeout-zero", {"CONNECT_TIMEOUT": 0}, "django_nova.E013",
     "NOVA['CONNECT_TIMEOUT']"),
    ("page-deadline-a-list", {"PAGE_DEADLINE": [10]}, "django_nova.E012",
     "NOVA['PAGE_DEADLINE']"),
    ("max-attempts-zero", {"MAX_ATTEMPTS": 0}, "django_nova.E013", "NOVA['MAX_ATTEMPTS']"),
    ("max-attempts-a-float", {"MAX_ATTEMPTS": 1.5}, "django_nova.E012", "NOVA['MAX_ATTEMPTS']"),
    ("breaker-failures-zero", {"BREAKER_FAILURES": 0}, "django_nova.E013",
     "NOVA['BREAKER_FAILURES']"),
    ("breaker-seconds-negative", {"BREAKER_SECONDS": -1}, "django_nova.E013",
     "NOVA['BREAKER_SECONDS']"),
    ("concurrent-calls-zero", {"MAX_CONCURRENT_CALLS": 0}, "django_nova.E013",
     "NOVA['MAX_CONCURRENT_CALLS']"),
    ("catalog-seconds-a-string", {"CATALOG_CACHE_SECONDS": "300"}, "django_nova.E012",
     "NOVA['CATALOG_CACHE_SECONDS']"),
    ("poll-seconds-zero", {"POLL_SECONDS": 0}, "django_nova.E013", "NOVA['POLL_SECONDS']"),
    ("trusted-proxies-negative", {"TRUSTED_PROXIES": -1}, "django_nova.E013",
     "NOVA['TRUSTED_PROXIES']"),
    ("trusted-proxies-a-string", {"TRUSTED_PROXIES": "1"}, "django_nova.E012",
     "NOVA['TRUSTED_PROXIES']"),
    ("metrics-token-a-number", {"METRICS_TOKEN": 1234}, "django_nova.E012",
     "NOVA['METRICS_TOKEN'] must be a string"),
    ("idle-timeout-negative", {"SESSION_IDLE_TIMEOUT": -5}, "django_nova.E013",
     "NOVA['SESSION_IDLE_TIMEOUT']"),
    ("state-dir-a-number", {"EMBEDDED_STATE_DIR": 5}, "django_nova.E012",
     "NOVA['EMBEDDED_STATE_DIR']"),
    ("quotas-a-list", {"DEFAULT_QUOTAS": ["instances"]}, "django_nova.E012",
     "NOVA['DEFAULT_QUOTAS']"),
    ("quotas-unknown-resource", {"DEFAULT_QUOTAS": {"instanses": 5}}, "django_nova.E011",
     "NOVA['DEFAULT_QUOTAS']['instanses'] is not a quota resource; did you mean 'instances'"),
    ("quotas-a-string", {"DEFAULT_QUOTAS": {"cores": "20"}}, "django_nova.E012",
     "NOVA['DEFAULT_QUOTAS']['cores']"),
    ("quotas-below-unlimited", {"DEFAULT_QUOTAS": {"ram": -2}}, "django_nova.E013",
     "NOVA['DEFAULT_QUOTAS']['ram'] must be at least -1"),
    # CLOUDS
    ("clouds-a-list", {"CLOUDS": [EC2]}, "django_nova.E012",
     "NOVA['CLOUDS'] must be a dict of cloud definitions, not list"),
    ("clouds-a-string", {"CLOUDS": "aws"}, "django_nova.E012", "NOVA['CLOUDS']"),
    ("clouds-empty", {"CLOUDS": {}}, "django_nova.E001", "NOVA['CLOUDS'] defines no cloud"),
    ("clouds-none", {"CLOUDS": None}, "django_nova.E001", "NOVA['CLOUDS']"),
    ("cloud-a-list", clouds(aws=["ec2"]), "django_nova.E015",
     "NOVA['CLOUDS']['aws'] must be a dict"),
    ("cloud-none", clouds(aws=None), "django_nova.E015", "NOVA['CLOUDS']['aws']"),
    ("cloud-a-string", clouds(aws="ec2"), "django_nova.E015", "NOVA['CLOUDS']['aws']"),
    ("cloud-key-a-number", {"CLOUDS": {7: EC2}}, "django_nova.E012", "NOVA['CLOUDS'][7]"),
    ("cloud-key-with-at", {"CLOUDS": {"a@b": EC2}}, "django_nova.E013", "'a@b'"),
    ("cloud-key-too-long", {"CLOUDS": {"c" * 65: EC2}}, "django_nova.E013", "64 characters"),
    # every cloud
    ("driver-missing", clouds(aws=cloud(EC2, DRIVER=DROP)), "django_nova.E002",
     "Cloud 'aws' has no DRIVER"),
    ("driver-a-number", clouds(aws=cloud(EC2, DRIVER=2)), "django_nova.E002", "'aws'"),
    ("driver-unknown", clouds(aws=cloud(EC2, DRIVER="ec3")), "django_nova.E002", "'ec3'"),
    ("label-a-number", clouds(aws=cloud(EC2, LABEL=5)), "django_nova.E012",
     "NOVA['CLOUDS']['aws']['LABEL']"),
    ("regions-missing", clouds(aws=cloud(EC2, REGIONS=DROP)), "django_nova.E003",
     "Cloud 'aws' lists no REGIONS"),
    ("regions-empty", clouds(aws=cloud(EC2, REGIONS=[])), "django_nova.E003", "REGIONS"),
    ("regions-a-string", clouds(aws=cloud(EC2, REGIONS="eu-central-1")), "django_nova.E012",
     "NOVA['CLOUDS']['aws']['REGIONS'] must be a list of region names, not str"),
    ("region-a-number", clouds(aws=cloud(EC2, REGIONS=["eu-central-1", 5])),
     "django_nova.E012", "NOVA['CLOUDS']['aws']['REGIONS'][1]"),
    ("region-empty", clouds(aws=cloud(EC2, REGIONS=[""])), "django_nova.E013",
     "NOVA['CLOUDS']['aws']['REGIONS'][0] must not be empty"),
    # EC2 clouds
    ("ec2-unknown-key", clouds(aws=cloud(EC2, REGION="eu-west-1")), "django_nova.E011",
     "NOVA['CLOUDS']['aws']['REGION'] is not a key of ec2 clouds; did you mean 'REGIONS'"),
    ("ec2-openstack-key", clouds(aws=cloud(EC2, AUTH_URL="https://k.example.org/v3")),
     "django_nova.E011", "NOVA['CLOUDS']['aws']['AUTH_URL']"),
    ("ec2-endpoint-no-url", clouds(aws=cloud(EC2, ENDPOINT="ec2 example org")),
     "django_nova.E014", "NOVA['CLOUDS']['aws']['ENDPOINT'] is not a URL"),
    ("ec2-endpoint-no-scheme", clouds(aws=cloud(EC2, ENDPOINT="ec2.example.org:8443")),
     "django_nova.E014", "http:// or https://"),
    ("ec2-endpoint-ftp", clouds(aws=cloud(EC2, ENDPOINT="ftp://ec2.example.org")),
     "django_nova.E014", "NOVA['CLOUDS']['aws']['ENDPOINT']"),
    ("ec2-endpoint-bad-port", clouds(aws=cloud(EC2, ENDPOINT="http://ec2.example.org:port")),
     "django_nova.E014", "NOVA['CLOUDS']['aws']['ENDPOINT']"),
    ("ec2-endpoint-a-number", clouds(aws=cloud(EC2, ENDPOINT=8443)), "django_nova.E012",
     "NOVA['CLOUDS']['aws']['ENDPOINT']"),
    ("ec2-keys-missing", clouds(aws=cloud(EC2, ACCESS_KEY_ID=DROP)), "django_nova.E004",
     "ACCESS_KEY_ID and SECRET_ACCESS_KEY"),
    ("ec2-secret-empty", clouds(aws=cloud(EC2, SECRET_ACCESS_KEY="")), "django_nova.E004",
     "'aws'"),
    ("ec2-key-a-number", clouds(aws=cloud(EC2, SECRET_ACCESS_KEY=12345)), "django_nova.E012",
     "NOVA['CLOUDS']['aws']['SECRET_ACCESS_KEY'] must be a string"),
    ("ec2-role-a-list", clouds(aws=cloud(EC2, ROLE_NAME=["Dashboard"])), "django_nova.E012",
     "NOVA['CLOUDS']['aws']['ROLE_NAME']"),
    ("ec2-image-owners-a-string", clouds(aws=cloud(EC2, IMAGE_OWNERS="amazon")),
     "django_nova.E012", "NOVA['CLOUDS']['aws']['IMAGE_OWNERS']"),
    ("ec2-instance-type-a-number", clouds(aws=cloud(EC2, INSTANCE_TYPES=[1])),
     "django_nova.E012", "NOVA['CLOUDS']['aws']['INSTANCE_TYPES'][0]"),
    # the embedded cloud
    ("embedded-no-role", clouds(sandbox=cloud(EMBEDDED_CLOUD, ROLE_NAME=DROP)),
     "django_nova.E016", "Cloud 'sandbox' is the embedded cloud but has no ROLE_NAME"),
    ("embedded-one-key", clouds(sandbox=cloud(EMBEDDED_CLOUD, SECRET_ACCESS_KEY=DROP)),
     "django_nova.E004", "'sandbox'"),
    ("embedded-no-keys",
     clouds(sandbox=cloud(EMBEDDED_CLOUD, ACCESS_KEY_ID=DROP, SECRET_ACCESS_KEY=DROP)),
     "django_nova.E016", "Cloud 'sandbox' is the embedded cloud but has no ACCESS_KEY_ID"),
    ("ec2-profile-a-number", clouds(aws=cloud(EC2, PROFILE=5)), "django_nova.E012",
     "NOVA['CLOUDS']['aws']['PROFILE']"),
    # OpenStack clouds
    ("openstack-unknown-key", clouds(os=cloud(OPENSTACK, AUTHURL="https://k.example.org")),
     "django_nova.E011", "NOVA['CLOUDS']['os']['AUTHURL'] is not a key of openstack clouds; "
                         "did you mean 'AUTH_URL'"),
    ("openstack-ec2-key", clouds(os=cloud(OPENSTACK, ACCESS_KEY_ID="AKIA")),
     "django_nova.E011", "NOVA['CLOUDS']['os']['ACCESS_KEY_ID']"),
    ("openstack-no-auth-url", clouds(os=cloud(OPENSTACK, AUTH_URL=DROP)), "django_nova.E009",
     "Cloud 'os' needs AUTH_URL"),
    ("openstack-auth-url-no-scheme",
     clouds(os=cloud(OPENSTACK, AUTH_URL="keystone.example.org:5000/v3")),
     "django_nova.E014", "NOVA['CLOUDS']['os']['AUTH_URL'] is not a URL"),
    ("openstack-auth-url-spaces", clouds(os=cloud(OPENSTACK, AUTH_URL="https://k example/v3")),
     "django_nova.E014", "NOVA['CLOUDS']['os']['AUTH_URL']"),
    ("openstack-auth-url-a-list", clouds(os=cloud(OPENSTACK, AUTH_URL=["https://k/v3"])),
     "django_nova.E012", "NOVA['CLOUDS']['os']['AUTH_URL'] must be a URL, not list"),
    ("openstack-interface", clouds(os=cloud(OPENSTACK, INTERFACE="private")),
     "django_nova.E013", "NOVA['CLOUDS']['os']['INTERFACE'] must be one of public"),
    ("openstack-domain-empty", clouds(os=cloud(OPENSTACK, DEFAULT_DOMAIN="")),
     "django_nova.E013", "NOVA['CLOUDS']['os']['DEFAULT_DOMAIN']"),
    ("openstack-domain-id-a-number", clouds(os=cloud(OPENSTACK, DEFAULT_DOMAIN_ID=5)),
     "django_nova.E012", "NOVA['CLOUDS']['os']['DEFAULT_DOMAIN_ID']"),
    ("openstack-verify-a-number", clouds(os=cloud(OPENSTACK, VERIFY=0)), "django_nova.E012",
     "NOVA['CLOUDS']['os']['VERIFY'] must be True, False or the path of a CA bundle"),
    # PROVISIONING
    ("provisioning-not-a-dict", clouds(aws=cloud(EC2, PROVISIONING=True)), "django_nova.E020",
     "Cloud 'aws': PROVISIONING must be a dict"),
    ("provisioning-unknown-key", clouds(aws=cloud(EC2, PROVISIONING={"ENABLE": True})),
     "django_nova.E011",
     "NOVA['CLOUDS']['aws']['PROVISIONING']['ENABLE'] is not a PROVISIONING key; "
     "did you mean 'ENABLED'"),
    ("provisioning-enabled-a-string", clouds(aws=cloud(EC2, PROVISIONING={"ENABLED": "yes"})),
     "django_nova.E012", "NOVA['CLOUDS']['aws']['PROVISIONING']['ENABLED'] must be True or"),
    ("provisioning-no-service-cloud", clouds(os=cloud(OPENSTACK, PROVISIONING={"ENABLED": True})),
     "django_nova.E021", "Cloud 'os' enables PROVISIONING but names no SERVICE_CLOUD"),
    ("provisioning-service-cloud-a-number",
     clouds(os=cloud(OPENSTACK, PROVISIONING={"ENABLED": True, "SERVICE_CLOUD": 5})),
     "django_nova.E012", "NOVA['CLOUDS']['os']['PROVISIONING']['SERVICE_CLOUD']"),
    ("provisioning-role-empty",
     clouds(os=cloud(OPENSTACK, PROVISIONING={"ENABLED": False, "ROLE": " "})),
     "django_nova.E013", "NOVA['CLOUDS']['os']['PROVISIONING']['ROLE']"),
    # a third-party driver whose own check raises
    ("driver-check-raises",
     clouds(aws=cloud(EC2, DRIVER="tests.unit.test_settings_checks.BrokenCheckCloud")),
     "django_nova.E018", "BrokenCheckCloud.check_config raised KeyError"),
    # garbage all the way down
    ("garbage-value", {"PAGE_SIZE": Unprintable()}, "django_nova.E012", "NOVA['PAGE_SIZE']"),
    ("garbage-cloud", clouds(aws={"DRIVER": "ec2", "REGIONS": {"a": 1}, "PROVISIONING": [1],
                                  "IMAGE_OWNERS": {1: 2}, "ENDPOINT": Unprintable(),
                                  Unprintable(): None}),
     "django_nova.E012", "NOVA['CLOUDS']['aws']['REGIONS']"),
]


@pytest.mark.parametrize(("nova", "check_id", "text"), [case[1:] for case in WRONG],
                         ids=[case[0] for case in WRONG])
def test_a_wrong_nova_setting_has_its_message(settings, nova, check_id, text):
    settings.NOVA = nova
    messages = all_messages()  # never raises, whatever NOVA holds
    matching = [m for m in messages if m.id == check_id]
    assert matching, f"no {check_id} in {[(m.id, m.msg) for m in messages]}"
    assert any(text in m.msg for m in matching), [m.msg for m in matching]
    for message in messages:
        assert message.id.startswith("django_nova.") and message.msg
        assert message.is_serious() == (message.id[len("django_nova.")] == "E")


GARBAGE = [None, Unprintable(), [], {}, (), "", "x", -1, 0.5, True, b"bytes", [None], {1: [{}]}]


def test_no_value_anywhere_makes_a_check_raise(settings):
    """Each key the schema knows, at each level, set to each kind of garbage."""
    places = [
        (settings_schema.NOVA_KEYS, lambda v, k: {k: v}),
        ({**settings_schema.CLOUD_KEYS, **settings_schema.EC2_KEYS},
         lambda v, k: clouds(sandbox={**EMBEDDED_CLOUD, k: v})),
        (settings_schema.OPENSTACK_KEYS, lambda v, k: clouds(os={**OPENSTACK, k: v})),
        (settings_schema.PROVISIONING_KEYS,
         lambda v, k: clouds(os={**OPENSTACK, "PROVISIONING": {k: v}})),
    ]
    seen = set()
    for keys, nova in places:
        for key in keys:
            for value in GARBAGE:
                settings.NOVA = nova(value, key)
                seen.update(nova_ids(all_messages()))
    settings.NOVA = {Unprintable(): 1, "CLOUDS": {Unprintable(): {Unprintable(): 2}}}
    seen.update(nova_ids(all_messages()))
    assert {"django_nova.E011", "django_nova.E012", "django_nova.E013", "django_nova.E014",
            "django_nova.E015"} <= seen


@pytest.mark.parametrize("secret", ["METRICS_TOKEN", "SECRET_ACCESS_KEY"])
def test_a_secret_of_the_wrong_type_is_not_shown(settings, secret):
    value = 987654321987
    settings.NOVA = ({"METRICS_TOKEN": value} if secret == "METRICS_TOKEN"
                     else clouds(aws=cloud(EC2, SECRET_ACCESS_KEY=value)))
    (message,) = [m for m in all_messages() if m.id == "django_nova.E012"]
    assert secret in message.msg
    assert str(value) not in message.msg + str(message.hint)


def test_an_unknown_key_without_a_near_one_lists_the_known_keys(settings):
    settings.NOVA = {"XYZZY": 1}
    (message,) = nova_checks.check_settings(None)
    assert "did you mean" not in message.msg and "PAGE_SIZE" in message.hint


def test_a_key_of_the_other_driver_says_so(settings):
    settings.NOVA = clouds(aws=cloud(EC2, AUTH_URL="https://k.example.org/v3"))
    (message,) = nova_checks.check_settings(None)
    assert message.id == "django_nova.E011" and "openstack clouds" in message.hint


@pytest.mark.parametrize("nova", [
    {},
    {"SESSION_IDLE_TIMEOUT": None, "EMBEDDED_STATE_DIR": None, "METRICS_TOKEN": ""},
    {"SESSION_IDLE_TIMEOUT": 0, "READ_TIMEOUT": 2.5, "DEFAULT_QUOTAS": {"instances": -1}},
    {"CLOUDS": {"aws": EC2}},
    {"CLOUDS": {"aws": cloud(EC2, ENDPOINT=None)}},
    {"CLOUDS": {"aws": cloud(EC2, ENDPOINT="", ROLE_NAME="", IMAGE_OWNERS=[])}},
    # No static keys: the AWS credential chain, with a profile or without.
    {"CLOUDS": {"aws": cloud(EC2, ACCESS_KEY_ID=DROP, SECRET_ACCESS_KEY=DROP)}},
    {"CLOUDS": {"aws": cloud(EC2, ACCESS_KEY_ID=DROP, SECRET_ACCESS_KEY=DROP,
                             PROFILE="dashboard")}},
    {"CLOUDS": {"aws": cloud(EC2, REGIONS=("eu-central-1", "us-east-1"))}},
    {"CLOUDS": {"sandbox": EMBEDDED_CLOUD, "os": OPENSTACK}},
    {"CLOUDS": {"os": cloud(OPENSTACK, INTERFACE="internal", PROVISIONING={
        "ENABLED": True, "SERVICE_CLOUD": "admin", "CLOUDS_YAML": None, "ROLE": "member",
        "DOMAIN": "Default"})}},
    {"CLOUDS": {"os": cloud(OPENSTACK, AUTH_URL="http://[::1]:5000/v3")}},
    {"CLOUDS": {"os": cloud(OPENSTACK, DEFAULT_DOMAIN=DROP, DEFAULT_DOMAIN_ID="a1b2",
                            VERIFY=False)}},
    {"CLOUDS": {"os": cloud(OPENSTACK, VERIFY="/etc/ssl/certs/ca-certificates.crt")}},
    # A third-party driver's own keys are its own.
    {"CLOUDS": {"aws": cloud(EC2, DRIVER="tests.unit.thirdparty.EC2WithoutBlockStorage",
                             FLAVOUR="vanilla")}},
], ids=["defaults", "empty-values", "zeros", "ec2", "aws-itself", "ec2-empty-values",
        "ec2-credential-chain", "ec2-profile", "regions-a-tuple", "embedded-and-openstack",
        "openstack-provisioning", "ipv6", "openstack-domain-id", "openstack-ca-bundle",
        "third-party"])
def test_a_good_nova_setting_passes(settings, nova):
    settings.NOVA = nova
    assert all_messages() == []


def test_the_embedded_cloud_needs_its_extra(settings, monkeypatch):
    settings.NOVA = clouds(sandbox=EMBEDDED_CLOUD)
    monkeypatch.setattr(nova_checks, "missing_modules", lambda names: ["moto"])
    (message,) = all_messages()
    assert message.id == "django_nova.E017"
    assert "'sandbox'" in message.msg and "django-nova[embedded]" in message.msg


def test_the_schema_knows_every_default():
    """A key added to django_nova.conf needs its line in django_nova.settings_schema."""
    assert set(DEFAULTS) <= set(settings_schema.NOVA_KEYS), "add it to NOVA_KEYS"
    assert set(EMBEDDED_CLOUD) <= set(settings_schema.CLOUD_KEYS) | set(settings_schema.EC2_KEYS)
    quotas = settings_schema.NOVA_KEYS["DEFAULT_QUOTAS"].fields
    assert set(DEFAULTS["DEFAULT_QUOTAS"]) == set(quotas)


def test_every_check_id_is_documented():
    code = "".join(path.read_text() for path in (
        PACKAGE / "checks.py", PACKAGE / "settings_schema.py",
        PACKAGE / "clouds" / "ec2" / "__init__.py",
        PACKAGE / "clouds" / "openstack" / "__init__.py"))
    used = set(re.findall(r"django_nova\.[EW]\d{3}", code))
    documented = set(re.findall(r"^\| `(django_nova\.[EW]\d{3})` \|",
                                (ROOT / "docs" / "settings.md").read_text(), re.MULTILINE))
    assert used == documented


# --- KeystoneBackend ----------------------------------------------------------------------

def test_an_openstack_cloud_needs_the_keystone_backend(settings):
    settings.NOVA = clouds(aws=EC2, os=OPENSTACK)
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    (message,) = all_messages()
    assert message.id == "django_nova.E030" and message.is_serious()
    assert "'os'" in message.msg and "django_nova.backends.KeystoneBackend" in message.msg
    assert "'aws'" not in message.msg


@pytest.mark.parametrize("backends", [
    ["django_nova.backends.KeystoneBackend"],
    ("axes.backends.AxesStandaloneBackend", "django_nova.backends.KeystoneBackend",
     "django.contrib.auth.backends.ModelBackend"),
    ["tests.unit.test_settings_checks.SiteKeystoneBackend", "no.such.Backend"],
], ids=["alone", "reference-site", "a-subclass"])
def test_the_keystone_backend_is_found(settings, backends):
    settings.NOVA = clouds(os=OPENSTACK)
    settings.AUTHENTICATION_BACKENDS = backends
    assert nova_checks.check_authentication_backends(None) == []


@pytest.mark.parametrize("nova", [clouds(aws=EC2), {}, [], clouds(os="openstack"),
                                  {"CLOUDS": ["os"]}], ids=str)
def test_ec2_clouds_need_no_keystone_backend(settings, nova):
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    settings.NOVA = nova
    assert nova_checks.check_authentication_backends(None) == []


# --- the cache ----------------------------------------------------------------------------

# Through cache_warnings: changing settings.CACHES would replace the tests' own cache.
SESSIONS_IN_DB = "django.contrib.sessions.backends.db"


@pytest.mark.parametrize(("backend", "problem"), [
    ("django.core.cache.backends.locmem.LocMemCache", "keeps a cache per process"),
    ("django.core.cache.backends.dummy.DummyCache", "caches nothing"),
], ids=["locmem", "dummy"])
def test_a_per_process_cache_is_a_warning(backend, problem):
    (message,) = nova_checks.cache_warnings({"default": {"BACKEND": backend}}, SESSIONS_IN_DB)
    assert message.id == "django_nova.W001" and not message.is_serious()
    assert problem in message.msg and "rate limits" in message.msg
    assert "sessions" not in message.msg


def test_the_registered_check_reads_the_settings():
    """tests/settings.py has LocMemCache unless NOVA_REDIS_URL names a Redis."""
    from django.conf import settings

    local = "locmem" in settings.CACHES["default"]["BACKEND"]
    assert nova_ids(nova_checks.check_cache(None)) == (["django_nova.W001"] if local else [])


def test_a_subclass_of_the_local_memory_cache_is_per_process_too():
    caches = {"default": {"BACKEND": "tests.unit.test_settings_checks.SiteLocMemCache"}}
    assert nova_ids(nova_checks.cache_warnings(caches, SESSIONS_IN_DB)) == ["django_nova.W001"]


@pytest.mark.parametrize("engine", ["django.contrib.sessions.backends.cache",
                                    "django.contrib.sessions.backends.cached_db"])
def test_cache_backed_sessions_are_named(engine):
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    (message,) = nova_checks.cache_warnings(caches, engine)
    assert "sessions" in message.msg


@pytest.mark.parametrize("caches", [
    {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                 "LOCATION": "/tmp/nova-cache"}},
    {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                 "LOCATION": "redis://127.0.0.1:6379/0"}},
    {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                 "LOCATION": "nova_cache"}},
    {"default": {"BACKEND": "no.such.Cache"}},
    {"default": {"BACKEND": 5}},
    {"default": "garbage"},
    {},
    [],
    None,
], ids=["file", "redis", "database", "unknown", "a-number", "garbage", "no-default", "a-list",
        "none"])
def test_a_shared_cache_passes(caches):
    assert nova_checks.cache_warnings(caches, SESSIONS_IN_DB) == []


def test_the_test_settings_pass_the_checks():
    """tests/settings.py runs one process with LocMemCache (unless NOVA_REDIS_URL is set),
    and silences the per-process cache warning for it."""
    from django.core import checks

    assert [m.id for m in checks.run_checks()
            if m.id.startswith("django_nova.") and not m.is_silenced()] == []


# --- where state is written ---------------------------------------------------------------

SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])


@pytest.mark.parametrize("var_dir", [
    SITE_PACKAGES / "var",
    SITE_PACKAGES / "openstack_dashboard" / ".." / "var",
    PACKAGE / "var",
    Path("/usr/lib/python3/dist-packages/var"),
], ids=["site-packages", "site-packages-dotdot", "the-package", "dist-packages"])
def test_a_var_dir_in_the_installation_is_a_warning(settings, var_dir):
    settings.VAR_DIR = var_dir
    (message,) = nova_checks.check_state_dirs(None)
    assert message.id == "django_nova.W002" and not message.is_serious()
    assert "VAR_DIR" in message.msg and "secret key" in message.msg
    assert "NOVA_VAR_DIR" in message.hint


def test_an_embedded_state_dir_in_the_package_is_a_warning(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.NOVA = {"EMBEDDED_STATE_DIR": str(PACKAGE / "state")}
    (message,) = nova_checks.check_state_dirs(None)
    assert message.id == "django_nova.W002" and "EMBEDDED_STATE_DIR" in message.msg


@pytest.mark.parametrize("nova", [{}, {"EMBEDDED_STATE_DIR": None}, [], None,
                                  {"EMBEDDED_STATE_DIR": 5}], ids=str)
def test_state_outside_the_installation_passes(settings, tmp_path, nova):
    settings.VAR_DIR = tmp_path / "var"
    settings.NOVA = nova
    assert nova_checks.check_state_dirs(None) == []


def test_the_reference_site_default_var_dir_is_outside_the_installation():
    """A checkout's var/ (NOVA_VAR_DIR unset) sits beside the packages, not in them."""
    assert nova_checks.inside_installation(ROOT / "var") is None
