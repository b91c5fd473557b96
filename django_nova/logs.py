"""Logging for operators: a request id on every log record and response, an access log.

``RequestLogMiddleware`` (first in MIDDLEWARE) gives each request an id, sends it
back as ``X-Request-ID`` and writes one access line per request to the
``django_nova.access`` logger.  ``RequestIdFilter`` puts the id on every record a
handler formats (``%(request_id)s``), so a traceback in ``django.request`` can be
found from the id a user reports.  ``logging_config`` is the LOGGING dict the
reference site uses: everything to stderr, text or JSON lines.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from .client_address import client_address
from .conf import nova_settings
from .metrics import observe_request

_request_id: ContextVar[str] = ContextVar("nova_request_id", default="-")
# An id a trusted proxy already gave the request is kept when it looks like one.
INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

access = logging.getLogger("django_nova.access")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (the current request's, or "-") to every record."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class RequestLogMiddleware:
    """A request id for each request (``X-Request-ID``), and one access log line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        trusted = nova_settings()["TRUSTED_PROXIES"] > 0 and INCOMING_ID.fullmatch(incoming)
        request_id = incoming if trusted else uuid.uuid4().hex
        token = _request_id.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            seconds = time.monotonic() - started
            observe_request(request, response.status_code, seconds)
            user = getattr(request, "user", None)
            access.info("%s %s %s %d %.0fms %s", client_address(request) or "-",
                        request.method, request.get_full_path()[:2000], response.status_code,
                        seconds * 1000,
                        user.get_username() if getattr(user, "is_authenticated", False)
                        else "-")
            return response
        finally:
            _request_id.reset(token)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"


def logging_config(json_lines: bool = False, level: str = "INFO") -> dict:
    """Everything to stderr, with request ids: Django's errors and their tracebacks
    (``django.request``), django-nova's own records and the access log."""
    formatter = ({"()": "pythonjsonlogger.json.JsonFormatter", "format": JSON_FIELDS}
                 if json_lines else {"format": TEXT_FORMAT})
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "django_nova.logs.RequestIdFilter"}},
        "formatters": {"nova": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "nova",
                                "filters": ["request_id"]}},
        "root": {"handlers": ["stderr"], "level": "WARNING"},
        "loggers": {
            "django": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            # 4xx answers are the users' business, 5xx the operators' (with traceback).
            "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
            "django.server": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "django_nova": {"handlers": ["stderr"], "level": level, "propagate": False},
        },
    }
