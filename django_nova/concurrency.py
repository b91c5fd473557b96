"""Independent cloud calls for one page run side by side on a bounded pool."""

import contextvars
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from .conf import nova_settings
from .exceptions import CloudError

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=nova_settings()["MAX_CONCURRENT_CALLS"],
                                       thread_name_prefix="nova-cloud")
        return _pool


def _settled(calls: dict) -> dict[str, Future]:
    """Start every call and wait for all of them, so no call outlives its request.

    Each call runs in a copy of the caller's context, so what it records (events)
    reaches the request that started it.
    """
    futures = {name: _executor().submit(contextvars.copy_context().run, call)
               for name, call in calls.items()}
    for future in futures.values():
        future.exception()
    return futures


def gather(**calls):
    """Run each callable concurrently; return their results by name.

    The first failure (in argument order) is raised once every call has finished.
    """
    futures = _settled(calls)
    for future in futures.values():
        if future.exception() is not None:
            raise future.exception()
    return {name: future.result() for name, future in futures.items()}


def gather_outcomes(**calls) -> dict:
    """Like ``gather``, but a call the cloud refused gives its CloudError as its result.

    For pages and bulk actions where one failure must not hide the others;
    any other exception (a bug) is still raised.
    """
    futures = _settled(calls)
    outcomes = {}
    for name, future in futures.items():
        error = future.exception()
        if error is not None and not isinstance(error, CloudError):
            raise error
        outcomes[name] = error if error is not None else future.result()
    return outcomes


def outcome_error(outcome) -> str:
    """The message of a ``gather_outcomes`` result that failed; "" for one that worked."""
    return outcome.message if isinstance(outcome, CloudError) else ""
