"""Slow clients (issue 10): 30 connections that send their headers a line every
few seconds, and never finish, must not delay anyone else.

Both runs are ``run_dashboard.sh`` itself, on a free port with a var dir of
their own: one with its nginx front, one with ``NOVA_FRONT=none`` (gunicorn
facing clients, as before the front). Under the attack the first must answer
every other request in under 2 s for 20 s; the second, attacked alike at the
same time, must make requests wait longer, which shows that the front is what
helps. (The 30 connections spread over gunicorn's two workers unevenly, and a
worker holding fewer than 4 of them still has a thread free, so the second
run is asked only that some requests wait; in practice all of them do.)
Both runs start together, to keep the test short.
"""

import os
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.serving

REPO = Path(__file__).resolve().parents[2]
SLOW_CONNECTIONS = 30
LINE_EVERY = 3.0          # seconds between a slow client's header lines
MEASURE_SECONDS = 20
LIMIT = 2.0               # seconds any other request may take
START_TIMEOUT = 150
PASSWORD = "slow-clients-demo-1"


def nginx_or_skip() -> None:
    if shutil.which("nginx") or any(os.access(p, os.X_OK)
                                    for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")):
        return
    if os.environ.get("CI") == "true":
        pytest.fail("nginx is missing: CI must install it (.ci/run)")
    pytest.skip("nginx is not installed (Debian: apt-get install nginx)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_state(pid: int) -> tuple[str, int] | None:
    """(state, session id) of a process from /proc/PID/stat (Linux); None when gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return fields[0], int(fields[3])


def alive(pid: int) -> bool:
    """Running, not merely a zombie its (re)parent has not reaped yet."""
    state = process_state(pid)
    return state is not None and state[0] != "Z"


def session_members(sid: int) -> list[int]:
    """The live processes of session ``sid``."""
    return [int(e.name) for e in Path("/proc").iterdir()
            if e.name.isdigit() and alive(int(e.name))
            and (process_state(int(e.name)) or ("", -1))[1] == sid]


class Dashboard:
    """One ``./run_dashboard.sh``, in its own session, stopped as a user would."""

    def __init__(self, var_dir: Path, front: str):
        self.port = free_port()
        self.var_dir = var_dir
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = var_dir.parent / f"run_dashboard-{front}.log"
        # Nothing of the test run's own site (database, cache, clouds) leaks in.
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("NOVA_", "DJANGO_", "OS_", "PYTEST_"))}
        env.update(PORT=str(self.port), NOVA_VAR_DIR=str(var_dir), NOVA_FRONT=front,
                   NOVA_DEMO_PASSWORD=PASSWORD, **venv_env())
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([str(REPO / "run_dashboard.sh")], cwd=REPO, env=env,
                                            stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"run_dashboard.sh exited ({self.process.returncode}):\n{self.log()}")
            try:
                if requests.get(self.url + "/login/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        pytest.fail(f"run_dashboard.sh did not answer in {START_TIMEOUT} s:\n{self.log()}")

    def embedded_cloud_pid(self) -> int | None:
        state = self.var_dir / "embedded-cloud" / "embedded-cloud.json"
        match = re.search(r'"pid":\s*(\d+)', state.read_text()) if state.exists() else None
        return int(match.group(1)) if match else None

    def terminate(self) -> None:
        """SIGTERM to the script, as a process manager (or Ctrl-C) stops it."""
        self.cloud = self.embedded_cloud_pid()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def leftovers(self) -> list[str]:
        """After terminate(): what is still running (then killed, whatever the outcome)."""
        left = []
        try:
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                left.append("run_dashboard.sh itself")
            # The embedded cloud's server exits shortly after its stop signal.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and (session_members(self.process.pid)
                                                   or self.cloud and alive(self.cloud)):
                time.sleep(0.2)
            left += [Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
                     for pid in session_members(self.process.pid) if alive(pid)]
            if self.cloud and alive(self.cloud):
                left.append(f"the embedded cloud ({self.cloud})")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    left.append(f"a listener on port {self.port}")
        finally:
            for pid in session_members(self.process.pid):
                os.kill(pid, signal.SIGKILL)
            if self.cloud and alive(self.cloud):
                os.kill(self.cloud, signal.SIGKILL)
        return left


def venv_env() -> dict:
    """Run the script with this test run's venv when it is one ensure_venv made."""
    if (Path(sys.prefix) / ".django-nova-installed").exists():
        return {"NOVA_VENV": os.path.relpath(sys.prefix, REPO)}
    return {}


class SlowClients:
    """Connections that send a request line, then a header line every
    LINE_EVERY seconds, and never end their headers. One the server closes is
    opened again at once, as an attacker would."""

    def __init__(self, port: int, count: int):
        self.port, self.count = port, count
        self.socks: list[socket.socket] = []
        self.next_line: dict[socket.socket, float] = {}
        self.reopened = 0
        self.fewest_open = count
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def open_one(self, stagger: float = 0.0) -> None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            sock.sendall(b"GET /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            sock.setblocking(False)
        except OSError:
            return
        self.socks.append(sock)
        self.next_line[sock] = time.monotonic() + LINE_EVERY + stagger

    def close(self, sock: socket.socket) -> None:
        self.socks.remove(sock)
        del self.next_line[sock]
        sock.close()

    def __enter__(self):
        for i in range(self.count):
            self.open_one(stagger=LINE_EVERY * i / self.count)
        self.thread.start()
        return self

    def run(self) -> None:
        n = 0
        while not self.stopping.is_set():
            readable, _, _ = select.select(self.socks, [], [], 0.1)
            for sock in readable:  # closed by the server (or answered: not expected)
                self.close(sock)
            now = time.monotonic()
            for sock in list(self.socks):
                if now >= self.next_line[sock]:
                    try:
                        n += 1
                        sock.send(b"X-Slow-%d: x\r\n" % n)
                        self.next_line[sock] = now + LINE_EVERY
                    except OSError:
                        self.close(sock)
            while len(self.socks) < self.count and not self.stopping.is_set():
                self.reopened += 1
                self.open_one()
            self.fewest_open = min(self.fewest_open, len(self.socks))

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join(timeout=10)
        for sock in self.socks:
            sock.close()


def timed_get(session, url: str, timeout: float) -> tuple[float, int | None]:
    """Seconds to the whole answer, and its status (a redirect to log in is a 302)."""
    started = time.monotonic()
    try:
        status = session.get(url, timeout=timeout, allow_redirects=False).status_code
    except requests.RequestException:
        status = None
    return time.monotonic() - started, status


def sign_in(base: str) -> tuple[requests.Session, str]:
    """A demo user's session, and the page the login lands on."""
    session = requests.Session()
    page = session.get(base + "/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(base + "/login/", timeout=10,
                          headers={"Origin": base, "Referer": base + "/login/"},
                          data={"csrfmiddlewaretoken": token, "cloud": "embedded",
                                "username": "demo", "password": PASSWORD})
    assert answer.status_code == 200 and "/login/" not in answer.url, answer.text[:500]
    return session, answer.url


def probe_without_front(dashboard: "Dashboard", until: float, waits: list) -> None:
    """The same attack on gunicorn facing clients: GET /login/ again and again."""
    with SlowClients(dashboard.port, SLOW_CONNECTIONS):
        time.sleep(1.5)
        while time.monotonic() < until:
            waits.append(timed_get(requests, dashboard.url + "/login/", timeout=3))


@pytest.mark.once  # nginx's buffering, whatever Django answers behind it
def test_slow_clients_wait_at_the_front_not_in_gunicorn(tmp_path):
    nginx_or_skip()
    # Install (if anything is missing) once, not in two scripts at once.
    subprocess.run(["bash", "-c", 'source tools/ensure_venv.sh && ensure_venv "site,embedded"'],
                   cwd=REPO, env={**os.environ, **venv_env()}, check=True,
                   stdout=subprocess.DEVNULL)
    runs = {}
    try:
        for front in ("nginx", "none"):
            (tmp_path / front).mkdir()
            runs[front] = Dashboard(tmp_path / front / "var", front)
        with_front, without = runs["nginx"], runs["none"]
        started = time.monotonic()
        with_front.wait_ready()
        without.wait_ready()
        print(f"\nboth runs answered after {time.monotonic() - started:.0f} s")
        assert "nginx faces clients" in with_front.log()
        assert "slow clients can tie up its threads" in without.log()

        # Signed in, and both gunicorn workers warmed up, before the attack.
        user, page = sign_in(with_front.url)
        for _ in range(4):
            assert timed_get(user, page, 10)[1] == 200
            assert timed_get(requests, with_front.url + "/login/", 10)[1] == 200

        times = {"/login/": [], page: []}
        failures, waits = [], []
        with SlowClients(with_front.port, SLOW_CONNECTIONS) as slow:
            time.sleep(1)
            deadline = time.monotonic() + MEASURE_SECONDS
            # Meanwhile the run without the front takes the same attack.
            control = threading.Thread(target=probe_without_front,
                                       args=(without, deadline, waits))
            control.start()
            while time.monotonic() < deadline:
                for session, url in ((requests, with_front.url + "/login/"), (user, page)):
                    elapsed, status = timed_get(session, url, timeout=10)
                    times[url if session is user else "/login/"].append(elapsed)
                    if status != 200 or elapsed >= LIMIT:
                        failures.append((url, round(elapsed, 2), status))
            control.join()
            fewest_open, reopened = slow.fewest_open, slow.reopened
        every = [t for kind in times.values() for t in kind]
        print(f"with the nginx front: {len(every)} requests in {MEASURE_SECONDS} s, median "
              f"{statistics.median(every):.3f} s, max {max(every):.3f} s (/login/ max "
              f"{max(times['/login/']):.3f} s, signed-in page max {max(times[page]):.3f} s); "
              f"{SLOW_CONNECTIONS} slow connections (never fewer than {fewest_open} open, "
              f"{reopened} reopened after nginx timed them out)")
        slow_waits = [e for e, status in waits if status is None or e > LIMIT]
        print(f"without it (NOVA_FRONT=none): {len(slow_waits)} of {len(waits)} GET /login/ "
              f"took over {LIMIT:.0f} s (given up after 3 s); the others: "
              + (", ".join(f"{e:.2f} s" for e, status in waits if e <= LIMIT) or "none"))
        assert not failures, failures
        assert len(every) >= 20
        assert fewest_open >= SLOW_CONNECTIONS - 2
        assert waits and slow_waits, waits
    finally:
        stopping = time.monotonic()
        for dashboard in runs.values():
            dashboard.terminate()
        leftovers = {front: dashboard.leftovers() for front, dashboard in runs.items()}
        print(f"both stopped after {time.monotonic() - stopping:.0f} s")
    assert leftovers == {"nginx": [], "none": []}
    assert not list((tmp_path / "nginx" / "var" / "nginx").glob("*.sock"))
