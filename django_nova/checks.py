"""System checks: a bad NOVA setting fails at start-up, not on a user's page.

The ``NOVA`` dict is walked with django_nova.settings_schema (unknown keys, types,
URLs, bounds), then each cloud for what its driver needs; the site around the app
is checked for what django-nova needs of it (middleware, templates, authentication
backends, a shared cache, a place to write outside the installation).  A check
reports whatever NOVA holds, and never raises: docs/settings.md lists the ids.
"""

import contextlib
import importlib.util
import site
import sysconfig
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from . import settings_schema as schema
from .clouds import DRIVERS, cloud_class
from .conf import DEFAULTS

MIDDLEWARE = "django_nova.middleware.NovaContextMiddleware"
AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"
KEYSTONE_BACKEND = "django_nova.backends.KeystoneBackend"
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache": "keeps a cache per process",
    "django.core.cache.backends.dummy.DummyCache": "caches nothing",
}
# What the embedded cloud runs on: the "embedded" extra (moto's server).
EMBEDDED_MODULES = ("moto", "flask", "werkzeug")

CLOUD_NOT_A_DICT = "django_nova.E015"
MISSING_KEY = "django_nova.E016"
NO_EMBEDDED_EXTRA = "django_nova.E017"
DRIVER_CHECK_FAILED = "django_nova.E018"
NO_KEYSTONE_BACKEND = "django_nova.E030"
PER_PROCESS_CACHE = "django_nova.W001"
STATE_IN_INSTALLATION = "django_nova.W002"


def site_nova():
    """The site's NOVA over the defaults, as ``nova_settings()`` merges them; None when the
    site's NOVA is not a dict (check_settings says so).  No deep copy: garbage may not copy."""
    raw = getattr(settings, "NOVA", {})
    return {**DEFAULTS, **raw} if isinstance(raw, dict) else None


def site_clouds(nova) -> dict:
    """The cloud definitions that are dicts, by key; {} when there are none to look at."""
    clouds = nova.get("CLOUDS") if nova is not None else None
    if not isinstance(clouds, dict):
        return {}
    return {key: cloud for key, cloud in clouds.items() if isinstance(cloud, dict)}


def resolve_driver(driver):
    """(the Cloud class, "") or (None, what is wrong), whatever DRIVER holds."""
    if driver is None or (isinstance(driver, str) and not driver):
        return None, "has no DRIVER"
    if not isinstance(driver, str):
        return None, f"has a DRIVER that is not a string ({schema.type_name(driver)})"
    try:
        return cloud_class(driver), ""
    except Exception as error:  # importing a dotted path may raise anything
        return None, f"has DRIVER {driver!r} ({schema.text(error)})"


def driver_family(kind) -> str | None:
    """"ec2" or "openstack" for those clouds and their subclasses, else None."""
    from .clouds.ec2 import EC2Cloud
    from .clouds.openstack import OpenStackCloud

    if isinstance(kind, type) and issubclass(kind, EC2Cloud):
        return "ec2"
    if isinstance(kind, type) and issubclass(kind, OpenStackCloud):
        return "openstack"
    return None


def is_builtin(kind) -> bool:
    return any(kind is resolve_driver(path)[0] for path in DRIVERS.values())


def missing_modules(names) -> list[str]:
    """Which of these top-level modules cannot be imported (none is imported here)."""
    missing = []
    for name in names:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing


@checks.register()
def check_settings(app_configs, **kwargs):
    errors = []
    raw = getattr(settings, "NOVA", {})
    nova = site_nova()
    if nova is None:
        errors.append(checks.Error(
            f"NOVA must be a dict of django-nova settings, not {schema.type_name(raw)}.",
            hint=f"It is {schema.shown(raw)}. See docs/settings.md.", id=schema.NOT_A_DICT))
    else:
        errors.extend(schema.check_dict(raw, schema.NOVA_KEYS, (), "a django-nova setting",
                                        also_known=DEFAULTS))
        clouds = nova.get("CLOUDS")
        if clouds is None or (isinstance(clouds, dict) and not clouds):
            errors.append(checks.Error("NOVA['CLOUDS'] defines no cloud.", id="django_nova.E001"))
        elif isinstance(clouds, dict):
            for key, cloud in list(clouds.items()):
                errors.extend(check_cloud(key, cloud))
    errors.extend(check_site())
    return errors


def check_cloud(key, cloud) -> list[checks.CheckMessage]:
    """One entry of NOVA['CLOUDS']: its key, its keys and their values, what its driver needs."""
    path = ("CLOUDS", key)
    name = schema.shown(key)
    errors = []
    if not isinstance(key, str):
        errors.append(checks.Error(
            f"{schema.where(path)}: a cloud's key must be a string, not {schema.type_name(key)}.",
            id=schema.WRONG_TYPE))
    elif problem := schema.cloud_key_problem(key):
        errors.append(checks.Error(f"Cloud key {name} {problem}.", id=schema.BAD_VALUE))
    if not isinstance(cloud, dict):
        errors.append(checks.Error(
            f"{schema.where(path)} must be a dict (a cloud definition), not "
            f"{schema.type_name(cloud)}.", hint=f"It is {schema.shown(cloud)}.",
            id=CLOUD_NOT_A_DICT))
        return errors
    kind, problem = resolve_driver(cloud.get("DRIVER"))
    if kind is None:
        errors.append(checks.Error(
            f"Cloud {name} {problem}; use one of {sorted(DRIVERS)} or the dotted path of a "
            "django_nova.clouds.base.Cloud subclass.", id="django_nova.E002"))
    family = driver_family(kind)
    fields = {**schema.CLOUD_KEYS, **schema.DRIVER_KEYS.get(family, {})}
    # Keys a third-party driver reads are its own: only ec2 and openstack clouds have a
    # closed set of keys.
    others = {other: keys for other, keys in schema.DRIVER_KEYS.items() if other != family}
    errors.extend(schema.check_dict(
        cloud, fields, path, f"a key of {family or 'any'} clouds",
        unknown=family is not None and is_builtin(kind), skip=("DRIVER", "PROVISIONING"),
        elsewhere=others))
    regions = cloud.get("REGIONS")
    if regions is None or (schema.has_type(regions, schema.LIST) and not regions):
        errors.append(checks.Error(f"Cloud {name} lists no REGIONS.", id="django_nova.E003"))
    if family == "ec2" and is_embedded(cloud):
        errors.extend(check_embedded(key, cloud))
    if kind is not None:
        try:
            errors.extend(kind.check_config(key, cloud))
        except Exception as error:  # a third-party driver's own check
            errors.append(checks.Error(
                f"Cloud {name}: {kind.__module__}.{kind.__qualname__}.check_config raised "
                f"{schema.type_name(error)}: {schema.text(error)}", id=DRIVER_CHECK_FAILED))
    return errors


def given(value) -> bool:
    """Set to something: not None nor an empty string (a wrong type is E012's)."""
    return value is not None and not (isinstance(value, str) and not value.strip())


def is_embedded(cloud: dict) -> bool:
    endpoint = cloud.get("ENDPOINT")
    return isinstance(endpoint, str) and endpoint == "embedded"


def check_embedded(key, cloud) -> list[checks.CheckMessage]:
    """The embedded cloud signs with static keys (never the AWS credential chain of the
    machine), reaches each project by assuming ROLE_NAME in the project's own account, and
    runs on moto's server."""
    errors = []
    name = schema.shown(key)
    if not (given(cloud.get("ACCESS_KEY_ID")) or given(cloud.get("SECRET_ACCESS_KEY"))):
        errors.append(checks.Error(
            f"Cloud {name} is the embedded cloud but has no ACCESS_KEY_ID and "
            "SECRET_ACCESS_KEY: the sandbox takes any, but without them the dashboard would "
            "look for this machine's AWS credentials.",
            hint="django_nova.conf.EMBEDDED_CLOUD has them.", id=MISSING_KEY))
    if not given(cloud.get("ROLE_NAME")):
        errors.append(checks.Error(
            f"Cloud {name} is the embedded cloud but has no ROLE_NAME (the role assumed in "
            "each project's account).", hint="django_nova.conf.EMBEDDED_CLOUD has one.",
            id=MISSING_KEY))
    if missing := missing_modules(EMBEDDED_MODULES):
        errors.append(checks.Error(
            f"Cloud {name} is the embedded cloud (ENDPOINT 'embedded'), which needs "
            f"{', '.join(missing)}: install django-nova[embedded].", id=NO_EMBEDDED_EXTRA))
    return errors


def check_site() -> list[checks.CheckMessage]:
    """What django_nova needs of the site around it: middleware and templates."""
    errors = []
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    if MIDDLEWARE not in middleware:
        errors.append(checks.Error(f"Add {MIDDLEWARE!r} to MIDDLEWARE.", id="django_nova.E006"))
    elif AUTH_MIDDLEWARE not in middleware[:middleware.index(MIDDLEWARE)]:
        errors.append(checks.Error(f"{MIDDLEWARE!r} must come after {AUTH_MIDDLEWARE!r}.",
                                   id="django_nova.E007"))
    processors = [p for t in getattr(settings, "TEMPLATES", None) or [] if isinstance(t, dict)
                  for p in (t.get("OPTIONS") or {}).get("context_processors", [])]
    if "django.template.context_processors.request" not in processors:
        errors.append(checks.Error(
            "django_nova's templates need 'django.template.context_processors.request'.",
            id="django_nova.E008"))
    return errors


@checks.register()
def check_provisioning(app_configs, **kwargs):
    """A cloud's PROVISIONING must be a dict of known keys (what each kind of cloud needs in
    it, its ``check_config`` says)."""
    errors = []
    for key, cloud in site_clouds(site_nova()).items():
        provisioning = cloud.get("PROVISIONING")
        if provisioning is None:
            continue
        if not isinstance(provisioning, dict):
            name = schema.shown(key)
            errors.append(checks.Error(f"Cloud {name}: PROVISIONING must be a dict.",
                                       hint=f"It is {schema.shown(provisioning)}.",
                                       id="django_nova.E020"))
            continue
        errors.extend(schema.check_dict(provisioning, schema.PROVISIONING_KEYS,
                                        ("CLOUDS", key, "PROVISIONING"), "a PROVISIONING key"))
    return errors


def has_backend(wanted: str) -> bool:
    """Whether AUTHENTICATION_BACKENDS holds ``wanted`` or a subclass of it."""
    backends = getattr(settings, "AUTHENTICATION_BACKENDS", None) or []
    if not isinstance(backends, list | tuple):
        return False
    if wanted in backends:
        return True
    try:
        wanted_class = import_string(wanted)
    except ImportError:
        return False
    for path in backends:
        try:
            found = import_string(path)
        except Exception:  # noqa: S112 - Django's own checks report a bad backend
            continue
        if isinstance(found, type) and issubclass(found, wanted_class):
            return True
    return False


@checks.register(checks.Tags.security)
def check_authentication_backends(app_configs, **kwargs):
    """OpenStack users sign in through KeystoneBackend: without it every Keystone login is
    refused as a wrong password."""
    keystone = []
    for key, cloud in site_clouds(site_nova()).items():
        kind, _ = resolve_driver(cloud.get("DRIVER"))
        if getattr(kind, "KEEPS_IDENTITY", False):
            keystone.append(key)
    if not keystone or has_backend(KEYSTONE_BACKEND):
        return []
    return [checks.Error(
        f"NOVA['CLOUDS'] has OpenStack clouds ({', '.join(map(schema.shown, keystone))}), but "
        f"AUTHENTICATION_BACKENDS lacks {KEYSTONE_BACKEND!r}: every Keystone login would be "
        "refused as a wrong user name or password.",
        hint=f"Add {KEYSTONE_BACKEND!r} to AUTHENTICATION_BACKENDS (beside Django's "
             "ModelBackend, which EC2 clouds' users sign in with).",
        id=NO_KEYSTONE_BACKEND)]


def cache_backend_problem(backend) -> str:
    """Why a cache backend (dotted path) is per process, or ""."""
    if not isinstance(backend, str):
        return ""
    if backend in PER_PROCESS_CACHES:
        return PER_PROCESS_CACHES[backend]
    try:
        found = import_string(backend)
    except Exception:  # Django's own checks report a bad backend
        return ""
    for path, problem in PER_PROCESS_CACHES.items():
        if isinstance(found, type) and issubclass(found, import_string(path)):
            return problem
    return ""


@checks.register(checks.Tags.caches)
def check_cache(app_configs, **kwargs):
    """Rate limits, catalogs and cache-backed sessions must be the same for every process."""
    return cache_warnings(getattr(settings, "CACHES", None),
                          getattr(settings, "SESSION_ENGINE", ""))


def cache_warnings(caches, session_engine) -> list[checks.CheckMessage]:
    default = caches.get("default") if isinstance(caches, dict) else None
    backend = default.get("BACKEND") if isinstance(default, dict) else None
    problem = cache_backend_problem(backend)
    if not problem:
        return []
    shared = ["catalogs (flavors, zones, images)", "rate limits"]
    if isinstance(session_engine, str) and session_engine.startswith(
            "django.contrib.sessions.backends.cache"):
        shared.append("sessions (SESSION_ENGINE keeps them in the cache)")
    shared = ", ".join(shared[:-1]) + " and " + shared[-1]
    return [checks.Warning(
        f"The default cache ({backend.rsplit('.', 1)[-1]}) {problem}: with several worker "
        f"processes, {shared} differ from one process to the next.",
        hint="Use a cache every process shares (Redis, Memcached, a file or database cache); "
             f"with one process only, add {PER_PROCESS_CACHE!r} to SILENCED_SYSTEM_CHECKS.",
        id=PER_PROCESS_CACHE)]


def installation_dirs() -> list[Path]:
    """Where Python packages are installed, and the installed django_nova package itself."""
    found = [Path(__file__).resolve().parent]
    paths = sysconfig.get_paths()
    candidates = [paths.get("purelib"), paths.get("platlib")]
    with contextlib.suppress(AttributeError):  # a virtualenv's old site module
        candidates += [*site.getsitepackages(), site.getusersitepackages()]
    for candidate in candidates:
        if candidate:
            path = Path(candidate).resolve()
            if path not in found:
                found.append(path)
    return found


def inside_installation(path) -> Path | None:
    """The installation directory (see above) that holds ``path``, or None."""
    try:
        resolved = Path(path).resolve()
    except (TypeError, ValueError, OSError, RuntimeError):
        return None
    for directory in installation_dirs():
        if resolved == directory or directory in resolved.parents:
            return directory
    for parent in (resolved, *resolved.parents):
        if parent.name in ("site-packages", "dist-packages"):
            return parent
    return None


@checks.register()
def check_state_dirs(app_configs, **kwargs):
    """django-nova's state (the reference site's VAR_DIR: secret key, database, cache; the
    embedded cloud's state) must not be written into the installation."""
    places = []
    var_dir = getattr(settings, "VAR_DIR", None)
    if var_dir:
        places.append(("VAR_DIR (the secret key, database and file cache)", var_dir,
                       "Set NOVA_VAR_DIR to a directory of its own"))
    nova = site_nova()
    state_dir = nova.get("EMBEDDED_STATE_DIR") if nova is not None else None
    if schema.has_type(state_dir, schema.PATH) and state_dir:
        places.append(("NOVA['EMBEDDED_STATE_DIR'] (the embedded cloud's state)", state_dir,
                       "Set NOVA['EMBEDDED_STATE_DIR'] to a directory of its own"))
    warnings = []
    for what, path, hint in places:
        directory = inside_installation(path)
        if directory is not None:
            warnings.append(checks.Warning(
                f"{what} is {path}, inside {directory}: django-nova would write its state into "
                "the installation, where an upgrade removes it and other users may read it.",
                hint=f"{hint}, outside site-packages and the package.",
                id=STATE_IN_INSTALLATION))
    return warnings
