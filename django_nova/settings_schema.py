"""What the ``NOVA`` setting may hold: every key, the type of its value and the values it takes.

A small declarative schema, walked by django_nova.checks: ``check_dict`` reports a
dict's unknown keys (with a "did you mean"), values of the wrong type and values
out of bounds, each as a system check message naming the key by its full path
(``NOVA['CLOUDS']['aws']['REGIONS'][0]``).  Nothing here raises, whatever it is
given: a check must report a broken setting, never fail on it.

Which keys are required, and what a driver needs beyond its types, the checks
say (django_nova.checks and each driver's ``check_config``).
"""

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core import checks

from .conf import DEFAULTS

NOT_A_DICT = "django_nova.E010"
UNKNOWN_KEY = "django_nova.E011"
WRONG_TYPE = "django_nova.E012"
BAD_VALUE = "django_nova.E013"
BAD_URL = "django_nova.E014"

NoneType = type(None)


@dataclass(frozen=True)
class Key:
    """One key of a settings dict.

    ``kind`` names the expected value in messages ("an integer"); ``types`` are
    the accepted Python types (a bool is never taken for an int); ``test`` says
    what is wrong with a value of the right type ("" when nothing), reported
    with ``value_id``; ``items`` checks each item of a list, ``fields`` the keys
    of a dict (``noun`` is what its keys are called).  A ``secret`` value is never
    shown in a message.
    """

    kind: str
    types: tuple[type, ...]
    test: Callable[[object], str] | None = None
    value_id: str = BAD_VALUE
    items: "Key | None" = None
    fields: dict[str, "Key"] | None = field(default=None)
    noun: str = "a known key"
    secret: bool = False


# --- tests of values: "" when the value is fine, else what is wrong with it -----------------

def at_least(low) -> Callable[[object], str]:
    return lambda value: "" if value >= low else f"must be at least {low}"


def more_than(low) -> Callable[[object], str]:
    return lambda value: "" if value > low else f"must be more than {low}"


def between(low, high) -> Callable[[object], str]:
    return lambda value: "" if low <= value <= high else f"must be between {low} and {high}"


def one_of(*choices: str) -> Callable[[object], str]:
    return lambda value: "" if value in choices else f"must be one of {', '.join(choices)}"


def not_empty(value) -> str:
    return "" if value else "must not be empty"


def not_blank(value) -> str:
    return "" if value.strip() else "must not be empty"


def url_problem(value: str) -> str:
    """What keeps ``value`` from being an http(s) URL a client library can call."""
    if value != value.strip() or any(c.isspace() for c in value):
        return "is not a URL: it holds spaces"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError for a port that is no number)
    except ValueError as error:
        return f"is not a URL ({error})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not a URL: it needs http:// or https:// and a host name"
    return ""


def ec2_endpoint(value) -> str:
    """None or "": AWS itself; "embedded": the sandbox; else the URL of an EC2 API."""
    return "" if value in (None, "", "embedded") else url_problem(value)


def cloud_key_problem(key: str) -> str:
    """Cloud keys name projects (64 characters) and shadow users (``<user id>@<cloud>``)."""
    if not key.strip():
        return "must not be empty"
    if "@" in key:
        return "must not hold '@' (shadow users are named <user id>@<cloud>)"
    if len(key) > 64:
        return "must be at most 64 characters (projects keep it in a 64-character column)"
    return ""


# --- the schema ----------------------------------------------------------------------------

INTEGER = (int,)
NUMBER = (int, float)
TEXT = (str,)
PATH = (str, os.PathLike, NoneType)
LIST = (list, tuple)

SECONDS = Key("a number of seconds", NUMBER, more_than(0))
NAMES = Key("a list of strings", LIST, items=Key("a string", TEXT, not_blank))
QUOTA = Key("an integer (-1: unlimited)", INTEGER, at_least(-1))

PROVISIONING_KEYS = {
    "ENABLED": Key("True or False", (bool,)),
    "SERVICE_CLOUD": Key("the name of a clouds.yaml cloud", TEXT),
    "CLOUDS_YAML": Key("a path or None", PATH),
    "ROLE": Key("a role name", TEXT, not_blank),
    "DOMAIN": Key("a domain name", TEXT, not_blank),
}

# Every cloud, whatever its DRIVER (DRIVER itself is checked by django_nova.checks).
CLOUD_KEYS = {
    "DRIVER": Key("a string", TEXT),
    "LABEL": Key("a string", TEXT),
    "REGIONS": Key("a list of region names", LIST, items=Key("a region name", TEXT, not_blank)),
    "PROVISIONING": Key("a dict", (dict, NoneType), fields=PROVISIONING_KEYS,
                        noun="a PROVISIONING key"),
}
EC2_KEYS = {
    "ENDPOINT": Key('None, "embedded" or a URL', (str, NoneType), ec2_endpoint, value_id=BAD_URL),
    "ACCESS_KEY_ID": Key("a string", TEXT, secret=True),
    "SECRET_ACCESS_KEY": Key("a string", TEXT, secret=True),
    # The dashboard's own credentials: both keys, or neither and the AWS credential chain.
    "PROFILE": Key("an AWS profile name", TEXT),
    "ROLE_NAME": Key("a role name", TEXT),
    "IMAGE_OWNERS": NAMES,
    "INSTANCE_TYPES": NAMES,
}
OPENSTACK_KEYS = {
    "AUTH_URL": Key("a URL", TEXT, lambda v: url_problem(v) if v else "", value_id=BAD_URL),
    "DEFAULT_DOMAIN": Key("a domain name", TEXT, not_blank),
    "DEFAULT_DOMAIN_ID": Key("a domain id", TEXT),
    # TLS verification of Keystone and the catalog's endpoints (clouds.yaml's verify,
    # insecure, cacert): True, False, or a CA bundle.
    "VERIFY": Key("True, False or the path of a CA bundle", (bool, str, os.PathLike)),
    "INTERFACE": Key("an endpoint interface", TEXT, one_of(
        "public", "internal", "admin", "publicURL", "internalURL", "adminURL")),
}
# A cloud's keys by the kind of its driver ("ec2", "openstack").
DRIVER_KEYS = {"ec2": EC2_KEYS, "openstack": OPENSTACK_KEYS}

NOVA_KEYS = {
    "CLOUDS": Key("a dict of cloud definitions", (dict, NoneType)),
    "PAGE_SIZE": Key("an integer", INTEGER, between(5, 1000), value_id="django_nova.E005"),
    "CONNECT_TIMEOUT": SECONDS,
    "READ_TIMEOUT": SECONDS,
    "MAX_ATTEMPTS": Key("an integer", INTEGER, at_least(1)),
    "PAGE_DEADLINE": SECONDS,
    "BREAKER_FAILURES": Key("an integer", INTEGER, at_least(1)),
    "BREAKER_SECONDS": Key("a number of seconds", NUMBER, at_least(0)),
    "MAX_CONCURRENT_CALLS": Key("an integer", INTEGER, at_least(1)),
    "CATALOG_CACHE_SECONDS": Key("a number of seconds", NUMBER, at_least(0)),
    "POLL_SECONDS": SECONDS,
    "TRUSTED_PROXIES": Key("an integer", INTEGER, at_least(0)),
    "METRICS_TOKEN": Key("a string", TEXT, secret=True),
    "SESSION_IDLE_TIMEOUT": Key("a number of seconds or None", (int, float, NoneType),
                                lambda v: "" if v is None else at_least(0)(v)),
    "EMBEDDED_STATE_DIR": Key("a path or None", PATH),
    "DEFAULT_QUOTAS": Key("a dict of resource limits", (dict,),
                          fields={name: QUOTA for name in DEFAULTS["DEFAULT_QUOTAS"]},
                          noun="a quota resource"),
}


# --- walking a value -----------------------------------------------------------------------

def shown(value, limit: int = 80) -> str:
    """``repr(value)``, short, and never an exception (a value's own __repr__ may raise)."""
    try:
        text = repr(value)
    except Exception:  # whatever the site put there
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def text(value) -> str:
    """``str(value)``, never an exception."""
    try:
        return str(value)
    except Exception:  # whatever the site put there
        return shown(value)


def where(path: tuple) -> str:
    """``NOVA['CLOUDS']['aws']['REGIONS'][0]`` for ("CLOUDS", "aws", "REGIONS", 0)."""
    return "NOVA" + "".join(f"[{shown(part)}]" for part in path)


def type_name(value) -> str:
    return type(value).__name__


def has_type(value, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in types:
        return False
    return isinstance(value, types)


def check_value(value, spec: Key, path: tuple) -> list[checks.CheckMessage]:
    """What is wrong with one value: its type, its items or keys, then the value itself."""
    hint = None if spec.secret else f"It is {shown(value)}."
    if not has_type(value, spec.types):
        return [checks.Error(f"{where(path)} must be {spec.kind}, not {type_name(value)}.",
                             hint=hint, id=WRONG_TYPE)]
    errors = []
    if spec.items is not None:
        for index, item in enumerate(value):
            errors.extend(check_value(item, spec.items, (*path, index)))
    if spec.fields is not None and isinstance(value, dict):
        errors.extend(check_dict(value, spec.fields, path, spec.noun))
    if spec.test is not None and not errors:
        try:
            problem = spec.test(value)
        except Exception as error:  # a value that cannot even be compared
            problem = f"cannot be checked ({type_name(error)}: {text(error)})"
        if problem:
            errors.append(checks.Error(f"{where(path)} {problem}.", hint=hint, id=spec.value_id))
    return errors


def unknown_key(key, known, path: tuple, noun: str, elsewhere: dict | None = None):
    """E011 for a key no one reads: the nearest known key, or the known keys, as the hint."""
    message = f"{where((*path, key))} is not {noun}"
    by_case = {name.casefold(): name for name in known if isinstance(name, str)}
    near = (difflib.get_close_matches(key.casefold(), list(by_case), n=1, cutoff=0.6)
            if isinstance(key, str) else [])
    if near:
        message += f"; did you mean {by_case[near[0]]!r}?"
        hint = None
    else:
        message += "."
        hint = f"Known keys: {', '.join(sorted(known))}."
    for other, keys in (elsewhere or {}).items():
        if key in keys:
            hint = f"{key!r} is a key of {other} clouds: is DRIVER right?"
    return checks.Error(message, hint=hint, id=UNKNOWN_KEY)


def check_dict(data: dict, fields: dict[str, Key], path: tuple, noun: str = "a known key",
               unknown: bool = True, skip=(), elsewhere: dict | None = None,
               also_known=()) -> list[checks.CheckMessage]:
    """Unknown keys (when ``unknown``) and each known key's value, but those in ``skip``."""
    errors = []
    known = {**fields, **dict.fromkeys(also_known)}
    for key, value in list(data.items()):
        if key not in known:
            if unknown:
                errors.append(unknown_key(key, known, path, noun, elsewhere))
        elif key not in skip and fields.get(key) is not None:
            errors.extend(check_value(value, fields[key], (*path, key)))
    return errors
