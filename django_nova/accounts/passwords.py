"""Changing a signed-in user's password where their identity lives.

Local (Django) accounts change it in Django; Keystone users change it in
Keystone with the self-service API, and the session logs in again with the new
password so the user stays signed in (Keystone may revoke the old tokens).
"""

import time

from ..clouds.openstack import keystone as keystone_api
from ..conf import cloud_config
from ..exceptions import CloudError, Forbidden, NotFound
from ..keystone import KeystoneSession
from ..services.projects import keystone_login, keystone_logout


def change_keystone_password(request, keystone: KeystoneSession, old_password: str,
                             new_password: str) -> KeystoneSession | None:
    """Change the password in Keystone, then replace the session's tokens with fresh ones.

    None: the password was changed but the new login (or its scoping to the
    session's project) failed; the caller signs the user out so they log in
    again with the new password.  Only the change itself raises CloudError.
    """
    config = cloud_config(keystone.cloud)
    keystone_api.change_password(config, keystone.user_id, old_password, new_password)
    # Changed: from here on, a failure only means signing in again.
    keystone_logout(keystone)
    fresh = _login_after_change(keystone, new_password)
    if fresh is None:
        return None
    try:
        if keystone.project_id and keystone.project_id != fresh.project_id and any(
                p["id"] == keystone.project_id for p in fresh.projects):
            fresh.apply_scope(keystone_api.scope(config, fresh.unscoped_token,
                                                 keystone.project_id))
    except CloudError:
        keystone_logout(fresh)
        return None
    fresh.save(request.session)
    return fresh


# Keystone revokes the user's tokens at a password change with one-second
# precision, so a token issued in that same second is refused: wait it out.
RELOGIN_ATTEMPTS = 3
RELOGIN_PAUSE = 1.0


def _login_after_change(keystone: KeystoneSession, new_password: str) -> KeystoneSession | None:
    for attempt in range(RELOGIN_ATTEMPTS):
        if attempt:
            time.sleep(RELOGIN_PAUSE)
        try:
            return keystone_login(keystone.cloud, keystone.user_name, new_password,
                                  keystone.domain)
        except (Forbidden, NotFound):
            continue
        except CloudError:
            return None
    return None
