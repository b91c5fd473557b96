"""What every cloud call goes through: a count, a deadline, a circuit breaker, a report.

- ``cloud_call`` is sent once per API request a cloud part makes (after retries are
  decided), with ``cloud`` and ``operation``: benchmarks and tests count calls per page.
- ``cloud_answered`` is sent when it finished, with its ``service``, ``duration``
  (seconds) and ``outcome`` ("ok", "error" or "unreachable"): metrics.
- A page has a deadline (``NOVA["PAGE_DEADLINE"]``, set per request by
  ``deadline_for_request``): past it, further calls fail at once.
- A circuit breaker per endpoint: once an endpoint timed out or refused connections
  (``BREAKER_FAILURES`` times in a row), calls to it fail at once for
  ``BREAKER_SECONDS``, then one call tries again.  A hung or dead cloud costs one wait,
  not one per call, and pages that need no cloud are never held up by it.
"""

import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import urlsplit

import django.dispatch
from django.utils.translation import gettext as _

from ..conf import nova_settings
from ..exceptions import Unavailable

cloud_call = django.dispatch.Signal()
cloud_answered = django.dispatch.Signal()

_deadline: ContextVar[float | None] = ContextVar("nova_deadline", default=None)


@contextmanager
def deadline_for_request():
    """Give the code inside (one request) NOVA["PAGE_DEADLINE"] seconds of cloud time."""
    token = _deadline.set(time.monotonic() + nova_settings()["PAGE_DEADLINE"])
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left before this request's deadline (None outside a request)."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


def endpoint_of(url: str) -> str:
    """What a breaker guards: scheme, host and port of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else url


@dataclass
class _State:
    failures: int = 0
    open_until: float = 0.0
    trial: bool = False


class Breakers:
    """Circuit breakers by (cloud, endpoint), shared by the threads of a process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._states: dict[tuple[str, str], _State] = {}

    def check(self, cloud: str, endpoint: str) -> None:
        """Raise Unavailable at once while the endpoint's breaker is open or the page's
        deadline has passed; otherwise let the call go (one trial when it half-opens)."""
        left = remaining()
        if left is not None and left <= 0:
            raise Unavailable(_("The cloud is answering too slowly: this page gave up waiting. "
                                "Try again in a moment."), code="Deadline")
        with self._lock:
            state = self._states.get((cloud, endpoint))
            if state is None or not state.open_until:
                return
            now = time.monotonic()
            if now < state.open_until or state.trial:
                wait = max(1, round(state.open_until - now))
                # Translators: %(wait)d is a number of seconds ("s").
                raise Unavailable(_("The cloud is not answering at the moment; django-nova "
                                    "tries again in about %(wait)d s.") % {"wait": wait},
                                  code="BreakerOpen")
            state.trial = True  # half-open: this call tries; others still fail fast

    def succeeded(self, cloud: str, endpoint: str) -> None:
        with self._lock:
            self._states.pop((cloud, endpoint), None)

    def failed(self, cloud: str, endpoint: str, timed_out: bool = False) -> None:
        """An endpoint that did not answer: a timeout opens the breaker at once."""
        settings = nova_settings()
        with self._lock:
            state = self._states.setdefault((cloud, endpoint), _State())
            state.failures += settings["BREAKER_FAILURES"] if timed_out else 1
            state.trial = False
            if state.failures >= settings["BREAKER_FAILURES"]:
                state.open_until = time.monotonic() + settings["BREAKER_SECONDS"]

    def open_endpoints(self, cloud: str) -> list[str]:
        """The cloud's endpoints whose breaker is open now (for banners and health)."""
        now = time.monotonic()
        with self._lock:
            return sorted(endpoint for (key, endpoint), state in self._states.items()
                          if key == cloud and state.open_until > now)

    def states(self) -> dict[tuple[str, str], bool]:
        """(cloud, endpoint) -> open, for every endpoint that failed lately (metrics)."""
        now = time.monotonic()
        with self._lock:
            return {key: state.open_until > now for key, state in self._states.items()}

    def reset(self) -> None:
        with self._lock:
            self._states.clear()


breakers = Breakers()


def raised_inside(error: BaseException, packages: tuple[str, ...]) -> bool:
    """Whether ``error`` was raised by code of one of ``packages`` (top-level names): a
    client library choking on an answer, not a bug of ours in the code that called it."""
    trace = error.__traceback__
    if trace is None:
        return False
    while trace.tb_next is not None:
        trace = trace.tb_next
    module = trace.tb_frame.f_globals.get("__name__", "")
    return module.partition(".")[0] in packages


def read_timeout() -> float:
    """The read timeout for the next call: NOVA["READ_TIMEOUT"], or less near the deadline."""
    left = remaining()
    configured = float(nova_settings()["READ_TIMEOUT"])
    return configured if left is None else max(0.5, min(configured, left))
