"""The embedded sandbox cloud: one moto EC2 server on loopback per site.

Every process of a site (server workers, the autoreloader, management
commands) calls ``endpoint_url()``.  The first one to find no live server
starts ``python -m django_nova.embedded`` as a detached process; an exclusive
file lock makes the others wait for it and then reuse the same server, whose
address is kept in a small state file.  The server's state lives as long as
that process: it is a sandbox, not a place for data.
"""

import argparse
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .conf import nova_settings

IMAGES_FILE = Path(__file__).resolve().parent / "data" / "embedded_images.json"
START_TIMEOUT = 30.0

_cached_url: str | None = None
_cache_lock = threading.Lock()


def state_dir() -> Path:
    configured = nova_settings()["EMBEDDED_STATE_DIR"]
    default = Path(tempfile.gettempdir()) / f"django-nova-{os.getuid()}"
    path = Path(configured) if configured else default
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def moto_environment() -> dict[str, str]:
    """moto's switches for a realistic sandbox; they must be set before moto is imported."""
    return {
        "MOTO_AMIS_PATH": str(IMAGES_FILE),
        "MOTO_ENABLE_AMI_VALIDATION": "1",
        "MOTO_ENABLE_KEYPAIR_VALIDATION": "1",
        "MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION": "1",
    }


def _read_state(directory: Path) -> dict | None:
    try:
        state = json.loads((directory / "embedded-cloud.json").read_text())
    except (OSError, ValueError):
        return None
    return state if _alive(state) else None


def _alive(state: dict) -> bool:
    try:
        os.kill(state["pid"], 0)
        with socket.create_connection(("127.0.0.1", state["port"]), timeout=1):
            return True
    except (OSError, KeyError, TypeError):
        return False


@contextmanager
def _locked(directory: Path):
    with open(directory / "embedded-cloud.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_running() -> str:
    """Start the shared embedded cloud unless it runs; return its URL."""
    directory = state_dir()
    with _locked(directory):
        state = _read_state(directory)
        if state is None:
            state = _spawn(directory)
    return f"http://127.0.0.1:{state['port']}"


def running_url() -> str | None:
    """The shared server's URL if it runs, without starting it."""
    state = _read_state(state_dir())
    return f"http://127.0.0.1:{state['port']}" if state else None


def _spawn(directory: Path) -> dict:
    (directory / "embedded-cloud.json").unlink(missing_ok=True)
    with open(directory / "embedded-cloud.log", "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "django_nova.embedded", "serve", str(directory)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            start_new_session=True, env={**os.environ, **moto_environment()},
        )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        state = _read_state(directory)
        if state is not None:
            return state
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the embedded cloud did not start; see {directory / 'embedded-cloud.log'}")


def endpoint_url() -> str:
    """The embedded cloud's URL, starting it on first use in this process."""
    global _cached_url
    with _cache_lock:
        if _cached_url is None:
            _cached_url = ensure_running()
        return _cached_url


def forget_endpoint() -> None:
    """Drop the cached URL so the next call checks (and restarts) the server."""
    global _cached_url
    with _cache_lock:
        _cached_url = None


def stop() -> bool:
    """Stop the shared server if it runs; True when one was stopped."""
    directory = state_dir()
    with _locked(directory):
        state = _read_state(directory)
        if state is None:
            return False
        os.kill(state["pid"], signal.SIGTERM)
        (directory / "embedded-cloud.json").unlink(missing_ok=True)
    forget_endpoint()
    return True


def serve(directory: Path) -> None:
    """Run the moto server in this process until SIGTERM or SIGINT."""
    os.environ.update(moto_environment())
    from moto.server import ThreadedMotoServer  # imported after the switches are set

    # Block the stop signals before the server thread exists (threads inherit
    # the mask), so they reach the sigwait below instead of a server thread.
    # Then exit at once: a graceful werkzeug shutdown would wait for every
    # keep-alive connection the dashboard holds, and a sandbox has nothing to flush.
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    state_file = directory / "embedded-cloud.json"
    tmp = state_file.with_suffix(".tmp")
    tmp.write_text(json.dumps({"pid": os.getpid(), "port": port}))
    tmp.replace(state_file)
    signal.sigwait(stop_signals)
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m django_nova.embedded")
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    serve(args.directory)


if __name__ == "__main__":
    main()
