"""Test settings: the reference site, pointed at the test moto server by tests/conftest.py."""

import os
import tempfile

# Keep the reference site's var/ (secret key, database) out of the checkout.
os.environ.setdefault("NOVA_VAR_DIR", tempfile.mkdtemp(prefix="nova-test-var-"))

from openstack_dashboard.settings import *  # noqa: E402, F403

SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"  # noqa: S105
# SQLite in memory, unless the run names a real database (NOVA_DATABASE_URL: the
# second pass of ./run_tests.sh uses PostgreSQL from tools/test-services).
# The site's SQLite settings, in a file: concurrent requests (tests/ec2/test_races.py,
# live servers) need real locking, which an in-memory database shared between
# threads does not have ("database table is locked").
if not os.environ.get("NOVA_DATABASE_URL"):
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.mkdtemp(prefix="nova-test-db-"), "test.sqlite3")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A loaded CI machine can keep moto busy for seconds: the production timeouts would
# turn that into "Cloud unavailable" pages.  tests/*/test_faults.py set short ones.
NOVA = {"EMBEDDED_STATE_DIR": tempfile.mkdtemp(prefix="nova-test-embedded-"),
        "READ_TIMEOUT": 60, "PAGE_DEADLINE": 120}
# Serve static files from the apps (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Per test process: the site's shared file cache would leak rate-limit counts between
# runs.  With NOVA_REDIS_URL the site's Redis cache is kept (tests clear it as they start).
if not os.environ.get("NOVA_REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # One test process, one cache: the per-process cache warning does not apply here.
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_nova.W001"]  # noqa: F405
elif os.environ.get("PYTEST_XDIST_WORKER"):
    # Each pytest-xdist worker clears the cache as its tests start: one Redis database
    # each (gw0 -> 1, gw1 -> 2, ...), so no worker wipes another's sessions or counts.
    from urllib.parse import urlsplit, urlunsplit

    _redis = urlsplit(os.environ["NOVA_REDIS_URL"])
    _database = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw")) + 1
    CACHES["default"]["LOCATION"] = urlunsplit(_redis._replace(path=f"/{_database}"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
