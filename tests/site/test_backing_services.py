"""The database and cache the run was given are the ones in use.

./run_tests.sh runs the suite a second time against PostgreSQL and Redis
(tools/test-services) by setting NOVA_DATABASE_URL and NOVA_REDIS_URL; these
tests make sure that pass really talks to them and is not quietly on SQLite
and a per-process cache.
"""

import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from django_nova.models import AuditEntry

DATABASE_URL = os.environ.get("NOVA_DATABASE_URL", "")
REDIS_URL = os.environ.get("NOVA_REDIS_URL", "")


def test_database_is_the_one_configured(db):
    expected = "postgresql" if DATABASE_URL.startswith("postgres") else "sqlite"
    assert connection.vendor == expected
    AuditEntry.objects.create(action="probe", outcome=AuditEntry.SUCCESS, target="é ✓")
    assert AuditEntry.objects.get(action="probe").target == "é ✓"


@pytest.mark.skipif(not REDIS_URL, reason="no NOVA_REDIS_URL: the per-process cache is used")
def test_cache_is_the_redis_server():
    import redis

    key, value = f"probe-{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 30)
    # The cache's own Redis database (under pytest-xdist, one per worker: tests/settings.py).
    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    stored = [k for k in server.scan_iter(match=f"*{key}*")]
    assert len(stored) == 1  # written by Django into the real server, under its key prefix
    assert cache.get(key) == value
    server.delete(*stored)
    assert cache.get(key) is None
