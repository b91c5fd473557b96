"""Who is asking: the client address and the login name that rate limits count.

Logins are limited by django-axes (failed attempts per name and address,
stored in the database, so every gunicorn worker sees them); sign-ups and
password resets by django-ratelimit (posts per address, and reset requests
per email address, counted in the site's shared cache).  All take the client
address from django_nova.client_address, as the audit log does, so
NOVA["TRUSTED_PROXIES"] applies to them all.
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


def reset_email(group, request) -> str:
    """The email address a reset request asks for, as the reset form compares it."""
    return request.POST.get("email", "").strip().lower()


def password_reset_limited(request) -> bool:
    """Count this reset request per address and per email asked for; True when over either.

    Every email is counted, whether or not an account has it, so being
    limited tells nothing about which addresses have accounts.
    """
    by_address = is_ratelimited(request, group="nova-password-reset", key="ip", method="POST",
                                rate=settings.PASSWORD_RESET_RATE, increment=True)
    by_email = bool(reset_email(None, request)) and is_ratelimited(
        request, group="nova-password-reset-email", key=reset_email, method="POST",
        rate=settings.PASSWORD_RESET_EMAIL_RATE, increment=True)
    return by_address or by_email


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout as a page in the site's layout (HTTP 429)."""
    cool_off = get_cool_off(request)
    context = {"failure_limit": get_failure_limit(request, credentials),
               "username": get_client_username(request, credentials) or "",
               "minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0}
    return render(request, "nova_registration/lockout.html", context,
                  status=settings.AXES_HTTP_RESPONSE_CODE)
