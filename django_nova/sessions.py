"""How long a signed-in session lasts: an idle timeout and an absolute lifetime.

Django alone keeps a session for ``SESSION_COOKIE_AGE`` after it was last
saved, so a session in use lives for ever, and an unattended one for two
weeks by default.  ``SessionTimeoutMiddleware`` ends a session

- after ``NOVA["SESSION_IDLE_TIMEOUT"]`` seconds without a request from the
  user (default 1800: 30 minutes; 0 or None: no idle timeout), and
- ``SESSION_COOKIE_AGE`` seconds after it started, however busy it is.

The defaults of the reference site (30 minutes, 12 hours) are NIST SP
800-63B's re-authentication limits for AAL2.  Horizon's SESSION_TIMEOUT
(3600 s, refreshed by activity) is the same idea; it does not need an
absolute limit because its Keystone tokens expire.

Ending it is a logout like the "Sign out" button's: Keystone tokens are
revoked, the session is flushed, and the user lands on the login page with
the page they wanted as ``next`` and a message saying why.  Live-status polls
(htmx requests) are no activity: an unattended tab does not keep a session
alive; an ended session answers them with ``HX-Redirect`` to the login page.

The last-activity stamp is written at most once a minute, so the session is
not saved on every request.
"""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .conf import nova_settings
from .exceptions import CloudError
from .htmx import page_behind
from .keystone import KeystoneSession

log = logging.getLogger(__name__)

SESSION_STARTED = "nova_started_at"
SESSION_SEEN = "nova_seen_at"
# The last-activity stamp is saved at most this often (seconds).
STAMP_INTERVAL = 60


def idle_timeout() -> int:
    return int(nova_settings()["SESSION_IDLE_TIMEOUT"] or 0)


def describe(seconds: int) -> str:
    """``1800`` as "30 minutes", ``43200`` as "12 hours"."""
    units = (
        (86400, lambda n: ngettext("%(count)d day", "%(count)d days", n)),
        (3600, lambda n: ngettext("%(count)d hour", "%(count)d hours", n)),
        (60, lambda n: ngettext("%(count)d minute", "%(count)d minutes", n)),
    )
    for size, words in units:
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return words(count) % {"count": count}
    return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}


def end_session(request) -> None:
    """Sign the user out as the logout view does: revoke Keystone tokens, flush the session."""
    keystone = KeystoneSession.from_session(request.session)
    if keystone is not None:
        from .services.projects import keystone_logout

        try:
            keystone_logout(keystone)
        except CloudError as error:  # the session ends anyway; the token expires on its own
            log.warning("could not revoke the Keystone tokens of an ended session: %s", error)
    logout(request)


class SessionTimeoutMiddleware:
    """End idle and too old sessions.  After AuthenticationMiddleware and
    MessageMiddleware, before NovaContextMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            ended = self.check(request)
            if ended is not None:
                return ended
        return self.get_response(request)

    def check(self, request):
        session = request.session
        now = int(time.time())
        started, seen = session.get(SESSION_STARTED), session.get(SESSION_SEEN)
        if not isinstance(started, int) or not isinstance(seen, int):
            # Signed in just now (or before these stamps existed): the clock starts.
            session[SESSION_STARTED] = session[SESSION_SEEN] = now
            return None
        idle, lifetime = idle_timeout(), settings.SESSION_COOKIE_AGE
        if idle and now - seen > idle:
            why = _("You were signed out after %(duration)s without activity.") % {
                "duration": describe(idle)}
        elif lifetime and now - started > lifetime:
            why = _("Sessions last %(duration)s at most. Please sign in again.") % {
                "duration": describe(lifetime)}
        else:
            if now - seen >= STAMP_INTERVAL and not request.headers.get("HX-Request"):
                session[SESSION_SEEN] = now
            return None
        end_session(request)
        messages.info(request, why)
        if not request.headers.get("HX-Request"):
            return redirect_to_login(request.get_full_path())
        # A live-status poll: have htmx load the login page (back to the page the
        # poll came from) instead of swapping it into a table row.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = redirect_to_login(page_behind(request))["Location"]
        return response
