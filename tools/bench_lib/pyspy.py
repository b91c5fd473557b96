"""Where the site's time goes under load (``tools/bench load --profile``).

py-spy samples every thread of the gunicorn workers, idle ones and native
frames included, and each sample is put in one bucket a fix would aim at:
templates, Django's middleware/sessions/auth, the database, django-nova's own
code, the cloud client library (boto3/botocore, openstacksdk, keystoneauth:
building, signing, sending, parsing), waiting on the cloud, waiting for the GIL.

Why native frames: a thread waiting for the GIL sleeps in the kernel just like
one waiting on a socket; only the C stack tells them apart.  CPython 3.11 waits
for the GIL in ``pthread_cond_timedwait`` (take_gil), while Python's own locks
wait on semaphores, so that one call marks a GIL wait.
"""

import collections
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from . import procs
from .procs import BenchError

RATE = 20  # samples a second: with native unwinding py-spy falls behind above this

REQUEST = "ThreadWorker.handle (gunicorn/workers/gthread.py"
POOL_TASK = "_WorkItem.run (concurrent/futures/thread.py"
CLOUD_CLIENT = ("(botocore/", "(boto3/", "(urllib3/", "(http/client.py", "(openstack/",
                "(keystoneauth1/", "(requests/")
TEMPLATES = ("(django/template/", "(django/templatetags/", "(django_nova/templatetags/")
DATABASE = ("(django/db/", "(libsqlite3", "(sqlite3/", "_sqlite")
MIDDLEWARE = ("(django/contrib/sessions/", "(django/contrib/auth/", "(django/contrib/messages/",
              "(django/middleware/", "(csp/", "(django_permissions_policy/", "(whitenoise/",
              "(axes/")
# What the innermost known frame says, for samples on the CPU outside the above.
OWNERS = (("(logging/", "logging"), ("(django_nova/", "django-nova code"),
          ("(openstack_dashboard/", "django-nova code"),
          (MIDDLEWARE, "Django middleware, sessions, auth"),
          ("(django/", "Django: URLs, request and response"),
          ("(gunicorn/", "gunicorn: HTTP to the client"), ("gc_collect", "garbage collection"))
POOL_WAIT = "waiting for its concurrent cloud calls"
BUCKETS = ("templates", "Django middleware, sessions, auth", "Django: URLs, request and response",
           "database (SQLite)", "Django cache (files)", "django-nova code",
           "cloud client library (CPU)", "waiting on the cloud", "waiting for the GIL",
           "waiting on a lock", "logging", "gunicorn: HTTP to the client",
           "garbage collection", "other")


def pyspy() -> str:
    """py-spy from the bench's venv or PATH."""
    found = shutil.which("py-spy", path=os.pathsep.join(
        [str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if not found:
        raise BenchError("--profile needs py-spy: .venv/bin/pip install py-spy")
    return found


def start(pid: int, seconds: float, out: Path, site: bool = True) -> subprocess.Popen:
    """Sample ``pid`` and its children (the gunicorn workers) for ``seconds``:
    every thread, native frames too (``breakdown``); with ``site=False`` only
    threads on the CPU, Python frames only (``by_package``: the embedded cloud)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    how = ["--subprocesses", "--idle", "--native"] if site else []
    return procs.start([pyspy(), "record", "--pid", str(pid), *how, "--rate", str(RATE),
                        "--duration", str(round(seconds)), "--format", "raw",
                        "--output", str(out)], out.with_suffix(".log"))


def finish(process: subprocess.Popen, out: Path, timeout: float, site: bool = True) -> dict:
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        procs.stop(process)
    if not out.exists():
        raise BenchError(f"py-spy wrote no profile; see {out.with_suffix('.log')}")
    raw = out.read_text(errors="replace")
    return {**(breakdown(raw) if site else by_package(raw)), "raw": str(out)}


FRAME = re.compile(r"\((?P<path>[^:()]+\.py):\d+\)$")
# Packages named with their first sub-package too: where inside them the time goes.
SPLIT = ("moto",)


def package_of(frame: str) -> str | None:
    """``moto/ec2`` of ``describe (moto/ec2/responses/instances.py:12)``, ``jinja2`` of a
    Jinja frame; None for the standard library's frames and native ones."""
    match = FRAME.search(frame)
    if not match:
        return None
    parts = match["path"].split("/")
    top = parts[0].removesuffix(".py")
    if top in sys.stdlib_module_names or top.startswith("<"):
        return None
    return "/".join(parts[:2]) if top in SPLIT and len(parts) > 2 else top


# Leaves of threads that py-spy, without native stacks, may still count as active.
WAITS = ("sigwait (", "select (selectors.py", "Condition.wait (threading.py",
         "readinto (socket.py", "accept (socket.py")


def by_package(raw: str, top: int = 12) -> dict:
    """Shares of the CPU samples by the package of the innermost frame outside the
    standard library (the code that asked for the work); threads waiting in a
    signal, a select, a socket read or a condition are left out."""
    counts = collections.Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if any(wait in stack.rsplit(";", 1)[-1] for wait in WAITS):
            continue
        owner = next((p for f in reversed(stack.split(";")) if (p := package_of(f))), "other")
        counts[owner] += int(count)
    total = sum(counts.values())
    return {"rate": RATE, "samples": total,
            "cpu": {name: n / total for name, n in counts.most_common(top)} if total else {}}


def bucket(stack: str) -> tuple[str | None, str]:
    """(the thread's role, the bucket) of one sample; role None: an idle thread
    (gunicorn's accept loop, pool threads without work, the master)."""
    if REQUEST in stack:
        role = "request"
    elif POOL_TASK in stack and "(django_nova/" in stack:
        role = "cloud call"
    else:
        return None, ""
    frames = stack.split(";")
    leaf = ";".join(frames[-5:])
    if "pthread_cond_timedwait" in leaf:
        return role, "waiting for the GIL"
    if "PyThread_acquire_lock_timed" in leaf:
        return role, POOL_WAIT if "(django_nova/concurrency.py" in stack else "waiting on a lock"
    if any(call in leaf for call in ("poll (libc", "recv (libc", "connect (libc")):
        if any(lib in stack for lib in CLOUD_CLIENT):
            return role, "waiting on the cloud"
        return role, "gunicorn: HTTP to the client"
    if any(lib in stack for lib in CLOUD_CLIENT):
        return role, "cloud client library (CPU)"
    if any(lib in stack for lib in TEMPLATES):
        return role, "templates"
    if any(lib in stack for lib in DATABASE):
        return role, "database (SQLite)"
    if "(django/core/cache/" in stack:
        return role, "Django cache (files)"
    for frame in reversed(frames):
        for marks, name in OWNERS:
            if any(mark in frame for mark in ((marks,) if isinstance(marks, str) else marks)):
                return role, name
    return role, "other"


def breakdown(raw: str) -> dict:
    """Shares of the request threads' time, with the time they wait for their
    concurrent cloud calls given to what the pool threads were doing meanwhile
    (in proportion), and shares of the CPU (every sample on the CPU)."""
    samples = {"request": collections.Counter(), "cloud call": collections.Counter()}
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        role, name = bucket(stack)
        if role:
            samples[role][name] += int(count)
    request, pool = samples["request"], samples["cloud call"]
    waiting = request.pop(POOL_WAIT, 0)
    pool_total = sum(pool.values())
    attributed = collections.Counter(request)
    for name, n in pool.items():
        attributed[name] += waiting * n / pool_total if pool_total else 0
    on_cpu = request + pool
    for name in ("waiting on the cloud", "waiting for the GIL", "waiting on a lock"):
        on_cpu.pop(name, None)

    def shares(counter):
        total = sum(counter.values())
        return {name: counter[name] / total for name in BUCKETS if counter[name]} if total else {}

    return {"rate": RATE, "request_samples": sum(request.values()) + waiting,
            "cloud_call_samples": pool_total, "request_waiting_for_pool": waiting,
            "in_django": shares(attributed), "cpu": shares(on_cpu),
            "request_threads": dict(request), "cloud_call_threads": dict(pool)}
