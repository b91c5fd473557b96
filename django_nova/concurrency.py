"""Independent cloud calls for one page run side by side on a bounded pool."""

import threading
from concurrent.futures import ThreadPoolExecutor

from .conf import nova_settings

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=nova_settings()["MAX_CONCURRENT_CALLS"],
                                       thread_name_prefix="nova-cloud")
        return _pool


def gather(**calls):
    """Run each callable concurrently; return their results by name.

    The first failure (in argument order) is raised once every call has
    finished, so no call outlives the request that started it.
    """
    futures = {name: _executor().submit(call) for name, call in calls.items()}
    errors = [f.exception() for f in futures.values()]
    for error in errors:
        if error is not None:
            raise error
    return {name: future.result() for name, future in futures.items()}
