"""tools/bench's pure helpers: the py-spy breakdown and what a scoped cleanup deletes.

Fast and offline; the measurements themselves live in tools/bench, not here.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from bench_lib import openstack_setup, pyspy  # noqa: E402

HANDLE = "run (threading.py:1);ThreadWorker.handle (gunicorn/workers/gthread.py:271)"
TASK = "_bootstrap (threading.py:1);_WorkItem.run (concurrent/futures/thread.py:58)"


@pytest.mark.parametrize(("stack", "expected"), [
    (f"{HANDLE};render (django/template/base.py:1)", ("request", "templates")),
    (f"{HANDLE};send (botocore/endpoint.py:1);poll (libc.so.6)",
     ("request", "waiting on the cloud")),
    (f"{HANDLE};render (django/template/base.py:1);take_gil;pthread_cond_timedwait (libc.so.6)",
     ("request", "waiting for the GIL")),
    (f"{HANDLE};parallel (django_nova/concurrency.py:1);PyThread_acquire_lock_timed (python)",
     ("request", pyspy.POOL_WAIT)),
    (f"{HANDLE};recv (libc.so.6)", ("request", "gunicorn: HTTP to the client")),
    (f"{HANDLE};get_context (django_nova/instances/views.py:1)", ("request", "django-nova code")),
    (f"{TASK};fetch (django_nova/clouds/ec2/compute.py:1);_parse (botocore/parsers.py:1)",
     ("cloud call", "cloud client library (CPU)")),
    ("run (threading.py:1);accept (gunicorn/workers/gthread.py:1);poll (libc.so.6)", (None, "")),
])
def test_each_sample_goes_to_one_bucket(stack, expected):
    assert pyspy.bucket(stack) == expected


def test_the_wait_for_concurrent_calls_goes_to_what_they_did():
    raw = "\n".join([
        f"{HANDLE};render (django/template/base.py:1) 2",
        f"{HANDLE};parallel (django_nova/concurrency.py:1);PyThread_acquire_lock_timed (x) 4",
        f"{TASK};f (django_nova/clouds/ec2/compute.py:1);send (botocore/x.py:1);poll (libc.so.6) 3",
        f"{TASK};f (django_nova/clouds/ec2/compute.py:1);_parse (botocore/parsers.py:1) 1",
    ])
    result = pyspy.breakdown(raw)
    assert result["request_samples"] == 6
    assert result["in_django"] == pytest.approx({
        "templates": 2 / 6, "waiting on the cloud": 3 / 6, "cloud client library (CPU)": 1 / 6})
    # On the CPU: the template and the parsing samples, not the waits.
    assert result["cpu"] == pytest.approx({"templates": 2 / 3, "cloud client library (CPU)": 1 / 3})


@pytest.mark.parametrize(("name", "project", "load_users", "deleted"), [
    ("bench-20-load-001", "bench-20", True, True),
    ("bench-20-user", "bench-20", True, False),
    ("bench-200-load-001", "bench-20", True, False),
    ("bench-200-load-001", "", True, True),
    ("bench-20-user", "bench-20", False, True),
    ("bench-200-user", "bench-20", False, False),
    ("bench-200-user", "", False, True),
    ("demo", "", False, False),
])
def test_a_scoped_cleanup_deletes_only_its_users(name, project, load_users, deleted):
    assert openstack_setup.user_to_delete(name, project, load_users) is deleted


def test_moto_cpu_goes_to_the_package_that_asked_for_it():
    raw = "\n".join([
        "run (threading.py:1);dispatch (moto/core/responses.py:1);render (jinja2/environment.py:1);"
        "sub (re/__init__.py:1) 3",
        "run (threading.py:1);describe (moto/ec2/responses/instances.py:1);deepcopy (copy.py:1) 1",
        "run (threading.py:1);serve_forever (werkzeug/serving.py:1);"
        "_PollLikeSelector.select (selectors.py:415) 5",
    ])
    assert pyspy.package_of("f (moto/ec2/models/instances.py:3)") == "moto/ec2"
    assert pyspy.package_of("f (json/decoder.py:3)") is None
    assert pyspy.by_package(raw)["cpu"] == {"jinja2": 0.75, "moto/ec2": 0.25}
