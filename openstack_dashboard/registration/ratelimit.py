"""Who is asking: the client address and the login name that rate limits count.

Logins are limited by django-axes (failed attempts per name and address,
stored in the database, so every gunicorn worker sees them); sign-ups by
django-ratelimit (sign-up posts per address, counted in the site's shared
cache).  Both take the client address from django_nova.client_address, as
the audit log does, so NOVA["TRUSTED_PROXIES"] applies to all three.
"""

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from django_nova.clouds import identity_clouds


def attempt_username(request, credentials) -> str:
    """The name a login attempt counts against: a Keystone name is per cloud.

    Keystone logins come as ``cloud_username`` + ``cloud`` (see
    django_nova.backends); local accounts as ``username``.
    """
    data = credentials or getattr(request, "POST", None) or {}
    cloud = data.get("cloud") or ""
    name = data.get("cloud_username") or data.get("username") or ""
    return f"{name} ({cloud})" if name and cloud in identity_clouds() else name


def signup_limited(request) -> bool:
    """Count this sign-up post and say whether the address has posted too many."""
    return is_ratelimited(request, group="nova-signup", key="ip", method="POST",
                          rate=settings.REGISTRATION_RATE, increment=True)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout as a page in the site's layout (HTTP 429)."""
    cool_off = get_cool_off(request)
    context = {"failure_limit": get_failure_limit(request, credentials),
               "username": get_client_username(request, credentials) or "",
               "minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0}
    return render(request, "nova_registration/lockout.html", context,
                  status=settings.AXES_HTTP_RESPONSE_CODE)
