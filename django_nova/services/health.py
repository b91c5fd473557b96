"""Whether this site works (database, cache) and whether its clouds answer."""

import socket
import uuid
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import connection

from .. import embedded
from ..clouds.calls import breakers
from ..concurrency import gather_outcomes
from ..conf import nova_settings


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _cache() -> str:
    key, value = f"nova:healthz:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, 10)
    found = cache.get(key)
    cache.delete(key)
    return "ok" if found == value else "not working"


def _endpoint(config: dict) -> str:
    if config.get("ENDPOINT") == "embedded":
        return embedded.running_url() or ""
    return config.get("AUTH_URL") or config.get("ENDPOINT") or ""


def _reachable(cloud_key: str, config: dict) -> str:
    if breakers.open_endpoints(cloud_key):
        return "not answering (circuit breaker open)"
    url = urlsplit(_endpoint(config))
    if not url.hostname:
        return "unknown"
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname, port), timeout=1).close()
    except OSError:
        return "unreachable"
    return "reachable"


def site_checks() -> dict[str, str]:
    """"ok" or what is wrong, for the database and the cache."""
    checks = {}
    for name, check in (("database", _database), ("cache", _cache)):
        try:
            checks[name] = check()
        except Exception as error:  # any failure is the answer, reported, not raised
            checks[name] = f"failing: {type(error).__name__}"
    return checks


def cloud_reachability() -> dict[str, str]:
    """Each configured cloud: reachable, unreachable, or not answering (breaker open)."""
    clouds = nova_settings()["CLOUDS"]
    found = gather_outcomes(**{key: (lambda k=key, c=config: _reachable(k, c))
                               for key, config in clouds.items()})
    return {key: str(value) for key, value in found.items()}
