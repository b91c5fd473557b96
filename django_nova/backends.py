"""Authentication backend for Keystone users.

The login form checks the password with Keystone itself (so it can tell a
wrong password from an unreachable cloud) and hands the verified login here;
this backend only maps it to a local shadow user that Django's sessions,
CSRF and permissions work with.  Shadow users have no usable password.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend

from .keystone import KeystoneSession


def shadow_username(keystone: KeystoneSession) -> str:
    return f"{keystone.user_id}@{keystone.cloud}"[:150]


class KeystoneBackend(BaseBackend):
    def authenticate(self, request, keystone: KeystoneSession | None = None, **kwargs):
        if keystone is None:
            return None
        user, created = get_user_model().objects.get_or_create(
            username=shadow_username(keystone), defaults={"first_name": keystone.user_name[:150]})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user if user.is_active else None

    def get_user(self, user_id):
        return get_user_model().objects.filter(pk=user_id, is_active=True).first()
