"""Concurrent signed-in clients: throughput and latency (``run``) and the
``load`` mode (N users, each its own session, on a mix of pages).

Closed loop: each client sends its next request when the previous one has
answered (after an optional think time).  The clients are threads of the
bench process, whose CPU is measured too: on a 2-core machine the load
generator competes with the dashboard for the same cores.
"""

import dataclasses
import random
import re
import threading
import time
from pathlib import Path

import requests

from .procs import CpuMeter, loadavg
from .stats import summary

REQUEST_TIMEOUT = 60


def closed_loop(base: str, sessions: list[requests.Session], mix: dict[str, float],
                seconds: float, think: float = 0.0, meters: dict[str, CpuMeter] | None = None,
                seed: int = 13) -> dict:
    """``meters`` name the process trees whose CPU over the window is reported
    (``cpu_s``): the dashboard, the cloud, the counting proxy."""
    meters = meters or {}
    paths, weights = list(mix), list(mix.values())
    deadline = time.monotonic() + seconds
    results: list[tuple[str, float, bool]] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()

    def client(number: int, session: requests.Session):
        rnd = random.Random(seed + number)  # noqa: S311 - a page mix, not a secret
        while time.monotonic() < deadline:
            path = rnd.choices(paths, weights)[0]
            started = time.perf_counter()
            try:
                response = session.get(base + path, timeout=REQUEST_TIMEOUT,
                                       allow_redirects=False)
                ok, why = response.status_code == 200, f"HTTP {response.status_code}"
            except requests.RequestException as error:
                ok, why = False, type(error).__name__
            elapsed = time.perf_counter() - started
            with lock:
                results.append((path, elapsed, ok))
                if not ok:
                    errors[why] = errors.get(why, 0) + 1
            if think:
                time.sleep(rnd.uniform(0.5, 1.5) * think)

    threads = [threading.Thread(target=client, args=(n, s), daemon=True)
               for n, s in enumerate(sessions)]
    before = {name: m.snapshot() for name, m in meters.items()}
    client_cpu = time.process_time()
    started = time.monotonic()
    load_before = loadavg()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0) + REQUEST_TIMEOUT + 5)
    wall = time.monotonic() - started
    client_cpu = time.process_time() - client_cpu
    latencies = [elapsed for _, elapsed, ok in results if ok]
    per_path = {}
    for path in paths:
        samples = [elapsed for p, elapsed, ok in results if p == path and ok]
        per_path[path] = {**summary(samples), "errors": sum(
            1 for p, _, ok in results if p == path and not ok)}
    return {
        "clients": len(sessions), "seconds": round(wall, 2), "think": think,
        "requests": len(results), "ok": len(latencies),
        "errors": sum(errors.values()), "error_kinds": errors,
        "req_per_s": len(latencies) / wall if wall else None,
        "latency": summary(latencies), "per_path": per_path,
        "cpu_s": {name: CpuMeter.delta(before[name], m.snapshot()) for name, m in meters.items()},
        "client_cpu_s": client_cpu,
        "loadavg": [load_before, loadavg()],
    }


def idle_cpu(meters: dict[str, CpuMeter], seconds: float) -> dict:
    """CPU the measured processes use with no bench traffic, per second of wall
    time: on a shared cloud, what its own background work and other users cost."""
    before = {name: m.snapshot() for name, m in meters.items()}
    time.sleep(seconds)
    return {"seconds": seconds, "cores": {
        name: CpuMeter.delta(before[name], m.snapshot()) / seconds for name, m in meters.items()}}


def sign_in_all(dashboard, count: int, credentials: list[dict] | None = None,
                parallel: int = 4, any_first_page: bool = False) -> list[requests.Session]:
    """``count`` signed-in clients, each its own session (logins a few at a time);
    ``any_first_page``: see ``Dashboard.login``."""
    sessions: list = [None] * count
    failures: list = []

    def one(number: int):
        try:
            who = (dataclasses.replace(dashboard, credentials=credentials[number])
                   if credentials else dashboard)
            sessions[number], _ = who.login(any_first_page=any_first_page)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    for first in range(0, count, parallel):
        batch = [threading.Thread(target=one, args=(n,))
                 for n in range(first, min(first + parallel, count))]
        for thread in batch:
            thread.start()
        for thread in batch:
            thread.join(300)
    if failures or any(s is None for s in sessions):
        raise RuntimeError(f"{len(failures)} of {count} logins failed: {failures[:1]}")
    return sessions


ACCESS_LINE = re.compile(r" django_nova\.access \[[^\]]*\] \S+ GET (\S+) (\d{3}) (\d+)ms")


class AccessLog:
    """The time requests spent inside Django, from the access lines the site logs
    after ``start()``: the client's time minus this is the wait for a free
    gunicorn thread, which the site cannot see."""

    def __init__(self, path: Path):
        self.path = path
        self.offset = 0

    def start(self) -> None:
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def read(self, paths: list[str]) -> dict:
        with open(self.path, errors="replace") as log:
            log.seek(self.offset)
            lines = [(m[1], int(m[2]), int(m[3]) / 1000) for m in ACCESS_LINE.finditer(log.read())]
        ok = [(path, seconds) for path, status, seconds in lines if status == 200]
        return {**summary([seconds for _, seconds in ok]),
                "per_path": {p: summary([s for path, s in ok if path == p]) for p in paths}}
