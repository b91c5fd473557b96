"""The site's error pages, inside its layout.

403 and 404 are Django's own views rendering ``403.html`` and ``404.html`` (a site
provides them; the reference site's extend ``django_nova/base.html``).  A 500 is
rendered by ``server_error``: without context processors, so it needs neither the
database nor a cloud (either may be why it failed), but with the request id the
user can quote (django_nova.logs).
"""

from django.http import HttpResponseServerError
from django.template import loader
from django.utils.html import escape
from django.utils.translation import gettext

from .logs import current_request_id


def server_error(request, template_name="500.html"):
    """``handler500``: the 500 page with the request's id, and nothing that could fail."""
    try:
        template = loader.get_template(template_name)
        body = template.render({"request_id": current_request_id()})
    except Exception:  # a broken error page must not hide the error itself
        body = f"<h1>{_fallback_title()}</h1>"
    return HttpResponseServerError(body)


def _fallback_title() -> str:
    """The title of the page without a template, translated if translating works."""
    try:
        return escape(gettext("Server Error (500)"))
    except Exception:  # nothing here may fail
        return "Server Error (500)"
