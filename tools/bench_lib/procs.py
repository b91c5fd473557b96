"""Processes the bench starts, and only those: started in their own session,
remembered by PID, stopped by PID on exit, on errors and on Ctrl-C.

Also CPU accounting from /proc for a process and its children (read only:
the OpenStack services are measured, never touched).
"""

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import requests

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_started: list[subprocess.Popen] = []
_lock = threading.Lock()


class BenchError(Exception):
    """A step of the bench failed; the message says which and where to look."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(argv: list[str], log: Path, env: dict | None = None, cwd: Path | None = None,
          ) -> subprocess.Popen:
    """Start a process in its own session (so it is its own process group)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                   env=env, cwd=cwd, start_new_session=True)
    with _lock:
        _started.append(process)
    return process


def stop(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM to the process group we created, then SIGKILL after ``timeout``."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    with _lock:
        if process in _started:
            _started.remove(process)


def stop_all() -> None:
    with _lock:
        started = list(reversed(_started))
    for process in started:
        stop(process)


def _on_signal(signum, frame):
    stop_all()
    raise KeyboardInterrupt


def install_handlers() -> None:
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, _on_signal)


def wait_http(url: str, timeout: float, process: subprocess.Popen | None = None,
              log: Path | None = None) -> None:
    """Wait until ``url`` answers any HTTP status; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise BenchError(f"process exited ({process.returncode}) before {url} answered;"
                             f" see {log}")
        try:
            requests.get(url, timeout=2, allow_redirects=False)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise BenchError(f"{url} did not answer within {timeout:.0f} s; see {log}")


def run(argv: list[str], log: Path, env: dict | None = None, timeout: float = 600,
        cwd: Path | None = None) -> str:
    """Run a command to completion (bounded); its output goes to ``log`` and is returned."""
    log.parent.mkdir(parents=True, exist_ok=True)
    try:
        result = subprocess.run(argv, capture_output=True, text=True, errors="replace",
                                env=env, cwd=cwd,
                                timeout=timeout, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"{argv[0]} {' '.join(argv[1:3])} took over {timeout:.0f} s") from error
    with open(log, "a") as out:
        out.write(f"$ {' '.join(argv)}\n{result.stdout}{result.stderr}\n")
    if result.returncode:
        raise BenchError(f"{' '.join(argv[:4])} failed ({result.returncode}); see {log}:\n"
                         + (result.stderr or result.stdout)[-2000:])
    return result.stdout


# --- CPU from /proc ----------------------------------------------------------

def _stat(pid: int) -> tuple[int, int] | None:
    """(ppid, utime+stime ticks) of one process, or None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), int(fields[11]) + int(fields[12])


def tree(pids: list[int]) -> list[int]:
    """The given processes and all their descendants."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat:
                parents[int(entry.name)] = stat[0]
    result, todo = set(), list(pids)
    while todo:
        pid = todo.pop()
        if pid in result or pid not in parents:
            continue
        result.add(pid)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return sorted(result)


class CpuMeter:
    """CPU seconds (user + system) used by a set of process trees between snapshots.

    Per process, so that a worker recycled between two snapshots does not
    make the delta negative; threads are included (they share the process's
    counters)."""

    def __init__(self, roots: list[int]):
        self.roots = roots

    def snapshot(self) -> dict[int, int]:
        return {pid: stat[1] for pid in tree(self.roots) if (stat := _stat(pid))}

    @staticmethod
    def delta(before: dict[int, int], after: dict[int, int]) -> float:
        ticks = sum(t - before.get(pid, 0) for pid, t in after.items())
        return max(ticks, 0) / CLOCK_TICKS


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])
