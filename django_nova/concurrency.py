"""Independent cloud calls for one page run side by side on a bounded pool."""

import contextvars
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .clouds.calls import remaining
from .conf import nova_settings
from .exceptions import CloudError, Unavailable

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=nova_settings()["MAX_CONCURRENT_CALLS"],
                                       thread_name_prefix="nova-cloud")
        return _pool


def _in_request_locale(call):
    """``call`` in the caller's language and time zone: Django keeps both per thread,
    so a worker thread would otherwise answer in the site's defaults."""
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def run():
        with translation.override(language), timezone.override(zone):
            return call()
    return run


def _late() -> Unavailable:
    return Unavailable(_("The cloud is answering too slowly: this page gave up waiting. "
                         "Try again in a moment."), code="Deadline")


def _settled(calls: dict) -> tuple[dict[str, Future], set[Future]]:
    """Start every call and wait for all of them, at most until the page's deadline:
    the futures by name, and those still running then.

    Each call runs in a copy of the caller's context, so what it records (events)
    and the deadline it keeps reach it.  A call still running at the deadline ends by
    itself (every cloud call has a timeout); nobody waits for it.
    """
    futures = {name: _executor().submit(contextvars.copy_context().run, _in_request_locale(call))
               for name, call in calls.items()}
    left = remaining()
    _done, pending = wait(futures.values(), timeout=None if left is None else max(0.0, left))
    return futures, pending


def gather(**calls):
    """Run each callable concurrently; return their results by name.

    The first failure (in argument order) is raised once every call has finished; a call
    still running at the page's deadline makes the whole gather Unavailable.
    """
    futures, pending = _settled(calls)
    if pending:
        raise _late()
    for future in futures.values():
        if future.exception() is not None:
            raise future.exception()
    return {name: future.result() for name, future in futures.items()}


def gather_outcomes(**calls) -> dict:
    """Like ``gather``, but a call the cloud refused gives its CloudError as its result,
    and one still running at the page's deadline an Unavailable.

    For pages and bulk actions where one failure must not hide the others;
    any other exception (a bug) is still raised.
    """
    futures, pending = _settled(calls)
    outcomes = {}
    for name, future in futures.items():
        if future in pending:
            outcomes[name] = _late()
            continue
        error = future.exception()
        if error is not None and not isinstance(error, CloudError):
            raise error
        outcomes[name] = error if error is not None else future.result()
    return outcomes


def outcome_error(outcome) -> str:
    """The message of a ``gather_outcomes`` result that failed; "" for one that worked."""
    return outcome.message if isinstance(outcome, CloudError) else ""
