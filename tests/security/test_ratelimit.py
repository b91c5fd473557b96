"""Rate limits: failed logins (django-axes, local and Keystone) and sign-ups (django-ratelimit)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.cache.backends.filebased import FileBasedCache

from django_nova.clouds.calls import cloud_call
from tests.data import PASSWORD
from tests.signups import login, sign_up

ROOT = Path(__file__).resolve().parents[2]  # the checkout
LIMIT = django_settings.AXES_FAILURE_LIMIT


def fail_logins(client, username, cloud="embedded", times=LIMIT):
    return [login(client, username, "wrong-password", cloud=cloud) for _ in range(times)]


def test_failed_logins_lock_the_name_out_with_a_readable_page(client, member, project):
    responses = fail_logins(client, "alice")
    assert [r.status_code for r in responses[:-1]] == [200] * (LIMIT - 1)
    locked = responses[-1]
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed sign-ins" in page and "15 minutes" in page
    assert "alice" in page
    # Even the right password is refused while locked out.
    assert login(client, "alice", PASSWORD).status_code == 429
    # Other names from the same address are not affected.
    assert login(client, "bob", "wrong-password").status_code == 200


def test_a_successful_login_resets_the_count(client, member, project):
    fail_logins(client, "alice", times=LIMIT - 1)
    assert login(client, "alice", PASSWORD).status_code == 302
    client.post("/logout/")
    assert login(client, "alice", "wrong-password").status_code == 200


def test_admin_site_login_is_limited_too(client, member):
    for _ in range(LIMIT):
        response = client.post("/admin/login/?next=/admin/",
                               {"username": "alice", "password": "wrong"})
    assert response.status_code == 429


@pytest.mark.openstack
def test_failed_keystone_logins_count_and_a_locked_name_never_reaches_keystone(
        client, with_openstack):
    name = "nobody-here"
    responses = fail_logins(client, name, cloud="openstack")
    assert responses[-1].status_code == 429
    attempt = AccessAttempt.objects.get()
    assert attempt.username == f"{name} (openstack)" and attempt.failures_since_start == LIMIT
    calls = []

    def count(sender, **kwargs):
        calls.append(kwargs)
    cloud_call.connect(count)
    try:
        username, password = with_openstack["users"]["demo"]
        blocked = fail_logins(client, name, cloud="openstack", times=1)[0]
        assert blocked.status_code == 429
        assert calls == []
        # A different Keystone user still signs in.
        assert login(client, username, password, cloud="openstack").status_code == 302
    finally:
        cloud_call.disconnect(count)


def test_sign_ups_per_address_are_limited(client, signups, settings):
    settings.REGISTRATION_RATE = "2/h"
    assert sign_up(client, "first").status_code == 302
    assert sign_up(client, "second").status_code == 302
    response = sign_up(client, "third")
    assert response.status_code == 429
    assert b"Too many sign-ups" in response.content
    # Another address is not affected.
    other = client.post("/accounts/register/", {}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_forwarded_for_counts_only_behind_a_trusted_proxy(client, signups, settings):
    settings.REGISTRATION_RATE = "1/h"
    for n in range(3):  # a client cannot dodge the limit by inventing addresses
        response = client.post("/accounts/register/", {},
                               HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert response.status_code == 429
    settings.NOVA = {**settings.NOVA, "TRUSTED_PROXIES": 1}
    response = client.post("/accounts/register/", {}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 200


def site_cache(tmp_path, **environ) -> list[str]:
    """The reference site's cache backend and location under the given environment."""
    env = {**os.environ, "NOVA_VAR_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "openstack_dashboard.settings", **environ}
    code = ("from django.conf import settings; c = settings.CACHES['default']; "
            "print(c['BACKEND'], c['LOCATION'])")
    return subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"],
                          cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout.split()


def test_redis_url_gives_the_site_a_redis_cache(tmp_path):
    url = "redis://127.0.0.1:6390/3"
    assert site_cache(tmp_path, NOVA_REDIS_URL=url) == [
        "django.core.cache.backends.redis.RedisCache", url]


def test_the_site_cache_is_shared_between_processes(tmp_path):
    """The reference site's cache is a file cache in NOVA_VAR_DIR: every worker sees it."""
    backend, location = site_cache(tmp_path, NOVA_REDIS_URL="")
    assert backend.endswith("FileBasedCache") and location == str(tmp_path / "cache")
    # Two cache objects over one directory (as two processes have) see each other's counts.
    first, second = FileBasedCache(location, {}), FileBasedCache(location, {})
    first.add("count", 0)
    first.incr("count")
    assert second.incr("count") == 2


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {**os.environ, "NOVA_VAR_DIR": str(tmp_path), "NOVA_HTTPS": "1",
           "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
           "DJANGO_ALLOWED_HOSTS": "nova.example.org",
           "DJANGO_SETTINGS_MODULE": "openstack_dashboard.settings"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy",
                             "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
