"""Timing pages, counting their backend calls and CPU, in A-B-A blocks.

A *target* is one way of getting a page's data: ``raw`` (the API calls
themselves, openstacksdk or boto3 in this process, through the same counting
proxy), ``django-nova`` or ``horizon`` (a signed-in client of that
dashboard).  For each page and target: one warm-up request (caches,
connections, version discovery), then ``reps`` timed requests one after the
other; the proxy's counts and the CPU of the dashboard's and the cloud's
processes are read around those ``reps`` requests and divided by ``reps``.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from .procs import CpuMeter, loadavg
from .stats import summary


@dataclass
class Page:
    key: str
    title: str
    nova: str                   # django-nova path
    horizon: tuple = ()         # Horizon paths, requested one after the other
    all_rows: bool = False      # served with the page size raised to 1000
    raw: Callable | None = None  # fetches the same data through the API


XHR = {"X-Requested-With": "XMLHttpRequest"}


def openstack_pages(islice) -> list[Page]:
    """The pages and the raw API calls each one needs (openstacksdk, user's token)."""
    return [
        Page("instances_20", "instances, 20 rows", "/instances/", ("/project/instances/",),
             raw=lambda c: list(islice(c.compute.servers(details=True, limit=20), 20))),
        Page("instances_all", "instances, all rows", "/instances/", ("/project/instances/",),
             all_rows=True, raw=lambda c: list(c.compute.servers(details=True))),
        Page("volumes", "volumes", "/volumes/", ("/project/volumes/",),
             raw=lambda c: list(c.block_storage.volumes(details=True))),
        Page("keypairs", "key pairs", "/keypairs/", ("/project/key_pairs/",),
             raw=lambda c: list(c.compute.keypairs())),
        # Horizon's images panel is AngularJS: the shell, then the two requests
        # its JS makes before rows show (user session, then the image list).
        Page("images", "images", "/images/",
             ("/project/images/", "/api/keystone/user-session/", "/api/glance/images/"),
             raw=lambda c: list(c.image.images())),
        Page("overview", "overview", "/overview/", ("/project/",),
             raw=lambda c: (c.compute.get_limits(), c.block_storage.get_limits())),
    ]


def ec2_pages() -> list[Page]:
    return [
        Page("instances_20", "instances, 20 rows", "/instances/",
             raw=lambda c: c.describe_instances(MaxResults=20)),
        Page("instances_all", "instances, all rows", "/instances/", all_rows=True,
             raw=lambda c: [p for p in c.get_paginator("describe_instances").paginate(
                 PaginationConfig={"PageSize": 1000})]),
        Page("volumes", "volumes", "/volumes/", raw=lambda c: c.describe_volumes(MaxResults=20)),
        Page("keypairs", "key pairs", "/keypairs/", raw=lambda c: c.describe_key_pairs()),
        Page("images", "images", "/images/",
             raw=lambda c: c.describe_images(Owners=["self", "100000000001"])),
        Page("overview", "overview", "/overview/",
             raw=lambda c: (c.describe_instances(MaxResults=1000), c.describe_volumes())),
    ]


class Meter:
    """Reads the proxy's counts and the CPU of the processes around a measurement."""

    def __init__(self, proxy, api_roots: dict[str, list[int]]):
        self.proxy = proxy
        self.api = {name: CpuMeter(pids) for name, pids in api_roots.items()}

    def measure(self, fn: Callable[[], int | None], reps: int,
                dashboard: CpuMeter | None) -> dict:
        fn()  # warm-up, not counted
        self.proxy.reset()
        api_before = {name: m.snapshot() for name, m in self.api.items()}
        dash_before = dashboard.snapshot() if dashboard else None
        client_before = time.process_time()
        load = loadavg()
        times, sizes = [], []
        for _ in range(reps):
            started = time.perf_counter()
            size = fn()
            times.append(time.perf_counter() - started)
            sizes.append(size)
        client_cpu = (time.process_time() - client_before) / reps
        dash_cpu = CpuMeter.delta(dash_before, dashboard.snapshot()) / reps if dashboard \
            else None
        api_cpu = {name: CpuMeter.delta(api_before[name], m.snapshot()) / reps
                   for name, m in self.api.items()}
        counts = self.proxy.counts()
        calls = sum(c["calls"] for c in counts) / reps
        ordered = sorted(counts, key=lambda c: (c["service"], c["operation"]))
        by_op = {f"{c['service']} {c['operation']}": c["calls"] / reps for c in ordered}
        seconds_by_op = {f"{c['service']} {c['operation']}": c["seconds"] / reps
                         for c in ordered}
        return {
            "times": times, **summary(times),
            "bytes": sizes[-1],
            "calls": calls, "calls_by_operation": by_op,
            "upstream_s_by_operation": seconds_by_op,
            "upstream_s": sum(c["seconds"] for c in counts) / reps,
            "upstream_bytes": sum(c["bytes"] for c in counts) / reps,
            "dashboard_cpu_s": dash_cpu,
            "client_cpu_s": client_cpu,
            "api_cpu_s": sum(api_cpu.values()),
            "api_cpu_by_service_s": api_cpu,
            "loadavg": [load, loadavg()],
        }


def dashboard_fetch(dashboard, session, paths: tuple) -> Callable[[], int]:
    def fetch() -> int:
        size = 0
        for path in paths:
            response = dashboard.get_with(session, path, XHR if path.startswith("/api/") else {})
            size += len(response.content)
        return size
    return fetch


def run_blocks(blocks: list[tuple[str, Callable]], pages: list[Page], meter: Meter,
               reps: int, log) -> dict:
    """Each block in turn measures every page: A-B-A so drift shows.

    ``blocks`` holds (target name, setup) pairs; setup() returns a function
    page -> (fetch function, dashboard CPU meter) or None when the target has
    no such page.
    """
    results: dict = {}
    for number, (target, setup) in enumerate(blocks):
        getter = setup()
        for page in pages:
            how = getter(page)
            if how is None:
                continue
            fetch, cpu = how
            result = meter.measure(fetch, reps, cpu)
            result["block"] = number
            results.setdefault(page.key, {}).setdefault(target, []).append(result)
            log(f"    [{number}] {target:11s} {page.title:20s} median "
                f"{result['median'] * 1000:7.0f} ms  p95 {result['p95'] * 1000:7.0f} ms  "
                f"calls {result['calls']:5.1f}  load {result['loadavg'][1]:.2f}")
    return results
