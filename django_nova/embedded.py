"""The embedded sandbox cloud: one moto EC2 server on loopback per site.

Every process of a site (server workers, the autoreloader, management
commands) calls ``endpoint_url()``.  The first one to find no live server
starts ``python -m django_nova.embedded`` as a detached process; an exclusive
file lock makes the others wait for it and then reuse the same server, whose
address is kept in a small state file.  The server's state lives as long as
that process: it is a sandbox, not a place for data.

Other local users must not reach it: moto itself takes any keys for any
account.  So the state directory and every file in it are private to the
site's user (0700, 0600), and the server sits behind django_nova.embedded_gate,
which lets through the dashboard's requests (they carry the secret made at
each start, from the state file: see ``authorize``) and requests signed with
access keys the sandbox issued, and refuses the rest.  Each start also has its
own ``generation``, so the dashboard can tell users when the sandbox they
worked in is gone (django_nova.sandbox).
"""

import argparse
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from .conf import nova_settings
from .embedded_gate import SECRET_HEADER, SandboxGate, new_secret

IMAGES_FILE = Path(__file__).resolve().parent / "data" / "embedded_images.json"
START_TIMEOUT = 30.0
STATE_FILE = "embedded-cloud.json"
LOCK_FILE = "embedded-cloud.lock"
LOG_FILE = "embedded-cloud.log"

# The server this process talks to: its state file's content, and when that was read.
_cached: dict | None = None
_cached_stamp: tuple | None = None
_cache_lock = threading.Lock()


def _directory() -> Path:
    configured = nova_settings()["EMBEDDED_STATE_DIR"]
    default = Path(tempfile.gettempdir()) / f"django-nova-{os.getuid()}"
    return Path(configured) if configured else default


def state_dir() -> Path:
    """The private directory of the site's embedded cloud (made 0700, or closed to 0700).

    A directory of another user is refused: in a shared temporary directory,
    someone could have made it first to hand the dashboard a server of theirs.
    """
    path = _directory()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = path.stat()
    if info.st_uid != os.geteuid():
        raise RuntimeError(f"{path} belongs to another user; the embedded cloud will not use it")
    if info.st_mode & 0o077:
        path.chmod(0o700)
    for name in (STATE_FILE, LOCK_FILE, LOG_FILE):  # as an older version may have left them
        _close(path / name)
    return path


def _close(path: Path) -> None:
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except FileNotFoundError:
        pass


def _private(path: Path, flags: int) -> int:
    """Open (creating) ``path`` as a file only its owner may read: mode 600."""
    fd = os.open(path, flags | os.O_CREAT, 0o600)
    os.fchmod(fd, 0o600)
    return fd


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
        state = json.loads((directory / STATE_FILE).read_text())
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
    with os.fdopen(_private(directory / LOCK_FILE, os.O_RDWR), "r+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _url(state: dict) -> str:
    return f"http://127.0.0.1:{state['port']}"


def _running_state() -> dict:
    """The state of the shared embedded cloud, started unless it runs."""
    directory = state_dir()
    with _locked(directory):
        state = _read_state(directory)
        if state is None:
            state = _spawn(directory)
    return state


def ensure_running() -> str:
    """Start the shared embedded cloud unless it runs; return its URL."""
    return _url(_running_state())


def running_url() -> str | None:
    """The shared server's URL if it runs, without starting it."""
    state = _read_state(state_dir())
    return _url(state) if state else None


def _spawn(directory: Path) -> dict:
    (directory / STATE_FILE).unlink(missing_ok=True)
    with os.fdopen(_private(directory / LOG_FILE, os.O_WRONLY | os.O_APPEND), "ab") as log:
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
    raise RuntimeError(f"the embedded cloud did not start; see {directory / LOG_FILE}")


def _stamp() -> tuple | None:
    """What changes when the state file is replaced (a new server): inode and mtime."""
    try:
        info = (_directory() / STATE_FILE).stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


def _current() -> dict:
    """The state of the server this process talks to, starting one on first use.

    The state file is looked at (one stat) on each call, so a server
    restarted by another process is picked up at once.
    """
    global _cached, _cached_stamp
    with _cache_lock:
        if _cached is None or _stamp() != _cached_stamp:
            _cached = _running_state()
            _cached_stamp = _stamp()
        return _cached


def endpoint_url() -> str:
    """The embedded cloud's URL, starting it on first use in this process."""
    return _url(_current())


def request_secret() -> str:
    """The secret the dashboard's requests to the embedded cloud carry (see ``authorize``)."""
    return _current()["secret"]


def generation() -> str:
    """Which start of the embedded cloud this process talks to (new at every start)."""
    return _current()["generation"]


def running_generation() -> str | None:
    """The generation of the server that runs, without starting one."""
    state = _read_state(state_dir())
    return state["generation"] if state else None


def authorize(client) -> None:
    """Make a boto3 client send the sandbox's secret with each request to the embedded cloud.

    Requests to any other endpoint are left alone, so the secret never leaves
    this machine.  The secret is looked up per request: a restarted sandbox
    has a new one.
    """
    def add_secret(request, **_):
        state = _cached
        if state is not None and urlsplit(request.url).netloc == f"127.0.0.1:{state['port']}":
            request.headers[SECRET_HEADER] = state["secret"]

    client.meta.events.register("before-send", add_secret)


def forget_endpoint() -> None:
    """Drop the cached server so the next call checks (and restarts) it."""
    global _cached, _cached_stamp
    with _cache_lock:
        _cached = _cached_stamp = None


def stop() -> bool:
    """Stop the shared server if it runs; True when one was stopped."""
    directory = state_dir()
    with _locked(directory):
        state = _read_state(directory)
        if state is None:
            return False
        os.kill(state["pid"], signal.SIGTERM)
        (directory / STATE_FILE).unlink(missing_ok=True)
    forget_endpoint()
    return True


def serve(directory: Path) -> None:
    """Run the moto server in this process until SIGTERM or SIGINT."""
    os.umask(0o077)
    os.environ.update(moto_environment())
    # Imported after the switches are set.
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    # Block the stop signals before the server thread exists (threads inherit
    # the mask), so they reach the sigwait below instead of a server thread.
    # Then exit at once: a graceful werkzeug shutdown would wait for every
    # keep-alive connection the dashboard holds, and a sandbox has nothing to flush.
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    secret = new_secret()
    # moto's own server (as ThreadedMotoServer builds it), behind the gate.
    app = SandboxGate(DomainDispatcherApplication(create_backend_app), secret)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    state = {"pid": os.getpid(), "port": port, "secret": secret,
             "generation": secrets.token_hex(8),
             "started": datetime.now(UTC).isoformat(timespec="seconds")}
    state_file = directory / STATE_FILE
    tmp = state_file.with_suffix(".tmp")
    with os.fdopen(_private(tmp, os.O_WRONLY | os.O_TRUNC), "w") as handle:
        handle.write(json.dumps(state))
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
