"""Test settings: the reference site, pointed at the test moto server by tests/conftest.py."""

import tempfile

from openstack_dashboard.settings import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"  # noqa: S105
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
NOVA = {"EMBEDDED_STATE_DIR": tempfile.mkdtemp(prefix="nova-test-embedded-")}
LOGGING = {"version": 1, "disable_existing_loggers": False}
