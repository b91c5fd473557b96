"""Authentication backend for Keystone users.

``authenticate(request, cloud_username=..., password=..., cloud=..., domain=...)``
checks the password with Keystone and maps the login to a local shadow user
(``<keystone user id>@<cloud>``) that Django's sessions, CSRF and permissions
work with.  Shadow users have no usable password.

Going through ``authenticate()`` matters: a refused password sends Django's
``user_login_failed`` signal with the request, so login rate limiting (django-axes
on the reference site) counts Keystone failures too, and a locked-out user never
reaches Keystone.  The credentials use ``cloud_username``, not ``username``, so
Django's ModelBackend never mistakes a Keystone login for a local account (and
not ``keystone_username``: Django masks credentials whose name contains "key"
in that signal, which would make every Keystone name look the same).

An unreachable Keystone is not a failed login: ``Unavailable`` propagates to the
login form, which shows it as such.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend

from .clouds import identity_clouds
from .conf import nova_settings
from .exceptions import Forbidden
from .keystone import KeystoneSession
from .services.projects import keystone_login


def shadow_username(keystone: KeystoneSession) -> str:
    return make_shadow_username(keystone.user_id, keystone.cloud)


def make_shadow_username(user_id: str, cloud: str) -> str:
    return f"{user_id}@{cloud}"[:150]


def keystone_identity(user) -> tuple[str, str] | None:
    """``(keystone user id, cloud)`` of a shadow user; None for local (Django) accounts."""
    user_id, sep, cloud = user.get_username().rpartition("@")
    if not sep or not user_id or cloud not in identity_clouds():
        return None
    if user.has_usable_password():
        return None
    return user_id, cloud


class KeystoneBackend(BaseBackend):
    def authenticate(self, request, cloud_username: str | None = None,
                     password: str | None = None, cloud: str | None = None,
                     domain: str | None = None, **kwargs):
        if not (cloud_username and password and cloud):
            return None
        if cloud not in identity_clouds():
            return None
        config = nova_settings()["CLOUDS"][cloud]
        try:
            keystone = keystone_login(cloud, cloud_username, password,
                                      domain or config.get("DEFAULT_DOMAIN_ID")
                                      or config.get("DEFAULT_DOMAIN", "Default"))
        except Forbidden:
            return None  # authenticate() then sends user_login_failed
        user, created = get_user_model().objects.get_or_create(
            username=shadow_username(keystone), defaults={"first_name": keystone.user_name[:150]})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if not user.is_active:
            return None
        # The login form stores the tokens in the session once login() has rotated its key.
        user.keystone_session = keystone
        return user

    def get_user(self, user_id):
        return get_user_model().objects.filter(pk=user_id, is_active=True).first()
