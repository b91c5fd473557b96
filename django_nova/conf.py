"""django-nova's settings: one ``NOVA`` dict in the site's settings.

Every key has a documented default here; ``nova_settings()`` merges the site's
dict over them on each call, so tests and ``override_settings`` just work.
django_nova.checks validates the result at start-up.
"""

from copy import deepcopy

from django.conf import settings

# The embedded sandbox cloud: a moto EC2 server on loopback that the dashboard
# starts and shares between its processes (see django_nova.embedded).
EMBEDDED_CLOUD = {
    "DRIVER": "ec2",
    "LABEL": "Embedded sandbox cloud",
    "ENDPOINT": "embedded",
    "REGIONS": ["us-east-1", "eu-west-1"],
    # moto takes any key for its default account; projects are reached by
    # assuming a role in their own account, which isolates them.
    "ACCESS_KEY_ID": "nova-embedded",
    "SECRET_ACCESS_KEY": "nova-embedded",
    "ROLE_NAME": "NovaProjectAccess",
    # Offer a short, sensible list instead of the ~1,400 types EC2 knows.
    "INSTANCE_TYPES": ["t3.nano", "t3.micro", "t3.small", "t3.medium", "m5.large", "c5.large"],
    # Whose public images the launch form offers besides the project's own.
    "IMAGE_OWNERS": ["100000000001"],
    # What activating a self-registered account creates (django_nova.services.provisioning):
    # here a personal project with its own new account.  Any cloud may hold
    #   "PROVISIONING": {"ENABLED": bool,
    #                    "SERVICE_CLOUD": "<clouds.yaml cloud of an account with the admin role>",
    #                    "CLOUDS_YAML": "<optional clouds.yaml path>",
    #                    "ROLE": "member", "DOMAIN": "Default"}
    # OpenStack clouds need SERVICE_CLOUD: a Keystone user, a personal project and
    # ROLE in it are made with that account (ROLE and DOMAIN are OpenStack only).
    "PROVISIONING": {"ENABLED": True},
}

DEFAULTS = {
    # cloud key -> cloud definition; see EMBEDDED_CLOUD for the EC2 keys.
    "CLOUDS": {"embedded": EMBEDDED_CLOUD},
    # Rows per page on list pages (instances).
    "PAGE_SIZE": 20,
    # Seconds: connecting to and waiting on a cloud API.  Short on purpose,
    # so a dead cloud gives a message rather than a hung page.
    "CONNECT_TIMEOUT": 3,
    "READ_TIMEOUT": 8,
    # Attempts for a read whose connection was refused (2 = one retry); nothing
    # else is retried (a change, or a cloud that does not answer in time).
    "MAX_ATTEMPTS": 2,
    # Seconds of cloud time a page gets in all: past it, further calls fail at once.
    "PAGE_DEADLINE": 10,
    # Circuit breaker per cloud endpoint: after this many failures in a row (one
    # timeout counts as all of them), calls fail at once for BREAKER_SECONDS.
    "BREAKER_FAILURES": 2,
    "BREAKER_SECONDS": 20,
    # Threads for independent cloud calls made for one page.
    "MAX_CONCURRENT_CALLS": 8,
    # Seconds slow-changing catalogs (instance types, zones, public images) stay cached.
    "CATALOG_CACHE_SECONDS": 300,
    # Seconds between live-status polls of rows in a transitional state.
    "POLL_SECONDS": 2,
    # Reverse proxies in front of the site that append to X-Forwarded-For; the
    # client's address (audit log, rate limits) is the one the outermost saw.
    # 0: REMOTE_ADDR, and X-Forwarded-For is never trusted.
    "TRUSTED_PROXIES": 0,
    # /metrics answers requests from loopback, and those that carry
    # "Authorization: Bearer <METRICS_TOKEN>" when it is set.
    "METRICS_TOKEN": "",
    # Seconds without a request after which a session ends (SessionTimeoutMiddleware;
    # 0: never).  The absolute limit is Django's SESSION_COOKIE_AGE.
    "SESSION_IDLE_TIMEOUT": 1800,
    # Where the embedded cloud keeps its lock, state file and log.
    "EMBEDDED_STATE_DIR": None,
    # Per-project limits on clouds that enforce none themselves (EC2), for
    # projects without a Quota row for the resource; -1 means unlimited.  A
    # site's dict is merged over these, key by key.  OpenStack uses the
    # services' own quotas instead (django_nova.services.quotas).
    "DEFAULT_QUOTAS": {
        "instances": 10, "cores": 20, "ram": 51200,  # ram in MiB
        "key_pairs": 100,
        "volumes": 10, "snapshots": 10, "gigabytes": 1000,
        "floating_ips": 5, "security_groups": 10, "security_group_rules": 100,
    },
}


def nova_settings() -> dict:
    """The effective NOVA settings: the site's values over the defaults."""
    merged = deepcopy(DEFAULTS)
    merged.update(getattr(settings, "NOVA", {}))
    return merged


def cloud_config(cloud_key: str) -> dict:
    """One cloud's definition; KeyError when the site does not define it."""
    return nova_settings()["CLOUDS"][cloud_key]
