"""Telling users that the embedded sandbox cloud they worked in is gone.

The embedded cloud keeps everything in memory: when its server stops, the
next request starts an empty one, and instances, volumes and key pairs are
gone.  Each start has its own generation (django_nova.embedded); the
session remembers the one it last saw, and ``SandboxRestartMiddleware`` says
so, once, on the first page after the sandbox changed.
"""

import logging

from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from . import embedded
from .conf import nova_settings
from .keystone import SESSION_KEYSTONE

log = logging.getLogger(__name__)

SESSION_SANDBOX = "nova_sandbox"
RESTARTED = _("The embedded sandbox cloud was restarted; what it held before is gone.")


def site_has_sandbox() -> bool:
    return any(cloud.get("ENDPOINT") == "embedded"
               for cloud in nova_settings()["CLOUDS"].values())


class SandboxRestartMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware.

    Looks only at signed-in users of EC2 clouds (Keystone users are on
    OpenStack) on sites with an embedded cloud, and only at full pages: a
    live-status poll leaves the news for the page around it.  The sandbox is
    started here if it does not run, as the page's first cloud call would.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.user.is_authenticated and SESSION_KEYSTONE not in request.session
                and not request.headers.get("HX-Request") and site_has_sandbox()):
            self.check(request)
        return self.get_response(request)

    def check(self, request):
        try:
            current = embedded.generation()
        except (OSError, RuntimeError) as error:  # the page's own cloud call will say so
            log.error("embedded cloud unavailable: %s", error)
            return
        seen = request.session.get(SESSION_SANDBOX)
        if seen == current:
            return
        request.session[SESSION_SANDBOX] = current
        if seen is not None:
            messages.warning(request, RESTARTED)
