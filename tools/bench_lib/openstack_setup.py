"""The bench's own project, user and resources on the OpenStack test cloud.

Made with the test-admin credentials of the test cloud's clouds.yaml; never
the demo/alt/admin projects (test suites use them).  Idempotent: what exists
is counted and topped up, so runs reuse the servers; ``cleanup`` deletes only
projects and users whose names start with ``bench-``.
"""

import concurrent.futures
import itertools
import json
import os
import secrets
import threading
import time
from pathlib import Path

import openstack

from .procs import BenchError

PREFIX = "bench-"
FLAVOR = "m1.tiny"
IMAGE = "cirros-test"
VOLUMES = 5
KEYPAIRS = 5
BATCH = 10          # servers per multi-create request
PARALLEL = 4        # multi-create requests in flight (MariaDB takes it; SQLite would not)
# Waiting for ACTIVE: five minutes plus 6 s per pending server (the fake hypervisor
# builds about 10 a minute on a busy 2-core machine), at most 40 minutes.
ACTIVE_TIMEOUT = 2400


def active_timeout(pending: int) -> float:
    return min(300 + 6 * pending, ACTIVE_TIMEOUT)


def cloud_dir() -> Path:
    return Path(os.environ.get("NOVA_TEST_CLOUD_DIR")
                or Path.home() / ".cache" / "django-nova" / "openstack").expanduser()


def clouds_yaml() -> Path:
    path = cloud_dir() / "clouds.yaml"
    if not path.exists():
        raise BenchError(f"{path} is missing: start the test cloud (tools/openstack-test-cloud up)")
    return path


def admin() -> openstack.connection.Connection:
    os.environ["OS_CLIENT_CONFIG_FILE"] = str(clouds_yaml())
    return openstack.connect(cloud="test-admin")


API_SERVICES = ("keystone", "nova", "glance", "cinder", "neutron", "placement")


def service_pids(names: tuple[str, ...] | None = API_SERVICES) -> dict[str, int]:
    """The test cloud's processes by service, from its PID files: the API servers
    (gunicorn masters), or with ``names=None`` every one of them, what stands behind
    the APIs too (conductor, scheduler, compute, MariaDB, RabbitMQ): all of the
    cloud's CPU that a page view costs."""
    run = cloud_dir() / "run"
    names = names or tuple(sorted(p.stem for p in run.glob("*.pid")))
    pids = {}
    for name in names:
        try:
            pids[name] = int((run / f"{name}.pid").read_text())
        except (OSError, ValueError):
            continue
    return pids


def _password(workdir: Path, user: str) -> str:
    """The bench user's password: generated once, kept in the work dir (mode 600)."""
    path = workdir / "secrets.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    if user not in data:
        data[user] = secrets.token_urlsafe(18)
        fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle)
        path.with_suffix(".tmp").replace(path)
    return data[user]


class Account:
    """A bench project with its member user, and the user's own connection."""

    def __init__(self, workdir: Path, servers: int):
        self.project_name = f"{PREFIX}{servers}"
        self.user_name = f"{PREFIX}{servers}-user"
        self.password = _password(workdir, self.user_name)
        self.servers = servers

    def ensure(self, log=print) -> None:
        conn = admin()
        project = conn.identity.find_project(self.project_name, domain_id="default")
        if project is None:
            project = conn.identity.create_project(
                name=self.project_name, domain_id="default",
                description="tools/bench: servers for page-speed measurements")
        self._member(conn, project, self.user_name, self.password)
        self.project_id = project.id
        # Unlimited quotas for our project only (the cloud's defaults may change).
        conn.set_compute_quotas(project.id, instances=-1, cores=-1, ram=-1, key_pairs=-1)
        conn.set_volume_quotas(project.id, volumes=-1, gigabytes=-1, snapshots=-1)
        conn.set_network_quotas(project.id, port=-1, floatingip=-1, security_group=-1)
        self._top_up(log)

    @staticmethod
    def _member(conn, project, name: str, password: str):
        """The user ``name`` with this password and the member role in ``project``."""
        user = conn.identity.find_user(name, domain_id="default")
        if user is None:
            user = conn.identity.create_user(name=name, domain_id="default", password=password,
                                             default_project_id=project.id)
        else:
            conn.identity.update_user(user, password=password)
        conn.identity.assign_project_role_to_user(project, user,
                                                  conn.identity.find_role("member"))
        return user

    def login_fields(self, cloud: str, user_name: str = "") -> dict:
        """What django-nova's login form takes for this project's user."""
        return {"cloud": cloud, "username": user_name or self.user_name,
                "password": self.password, "domain": "Default"}

    def ensure_load_users(self, count: int, cloud: str, log=print) -> list[dict]:
        """``count`` more members of the project for ``tools/bench load``, each
        signing in on its own; their login fields for the site's ``cloud``.

        They share the project user's password.  Nova keeps key pairs per user,
        so each gets KEYPAIRS of its own (made by the admin for that user): their
        key pair page lists what the embedded cloud's load users see.
        """
        project = admin().identity.get_project(self.project_id)
        names = [f"{load_user_prefix(self.project_name)}{n:03d}" for n in range(count)]
        local = threading.local()  # a connection per thread: they are not thread-safe

        def ensure(name):
            if not hasattr(local, "conn"):
                local.conn = admin()
            conn = local.conn
            user = self._member(conn, project, name, self.password)
            have = sum(1 for _ in conn.compute.keypairs(user_id=user.id))
            for n in range(have, KEYPAIRS):
                conn.compute.create_keypair(name=f"bench-key-{n}", user_id=user.id)

        with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
            list(pool.map(ensure, names))
        log(f"  {self.project_name}: {count} load users, {KEYPAIRS} key pairs each")
        return [self.login_fields(cloud, name) for name in names]

    def connect(self, auth_url: str = "http://127.0.0.1:5000/v3"):
        return openstack.connect(
            auth_url=auth_url, username=self.user_name, password=self.password,
            project_name=self.project_name, user_domain_name="Default",
            project_domain_name="Default", region_name="RegionOne",
            compute_api_version="2.37", identity_api_version="3")

    def _top_up(self, log) -> None:
        conn = self.connect()
        # Servers left in ERROR by an earlier run are replaced.
        for server in conn.compute.servers(status="ERROR"):
            conn.compute.delete_server(server)
        have = sum(1 for s in conn.compute.servers() if s.status != "ERROR")
        missing = self.servers - have
        flavor = conn.compute.find_flavor(FLAVOR)
        image = conn.image.find_image(IMAGE)
        if flavor is None or image is None:
            raise BenchError(f"the test cloud lacks {FLAVOR} or {IMAGE}: "
                             "tools/openstack-test-cloud up restores the seed")
        if missing > 0:
            log(f"  {self.project_name}: creating {missing} servers (have {have})")
            started = time.monotonic()
            batches, counter = [], itertools.count(have)
            while missing > 0:
                size = min(BATCH, missing)
                batches.append((next(counter), size))
                for _ in range(size - 1):
                    next(counter)
                missing -= size

            def create(batch):
                first, size = batch
                # networks="none" needs compute microversion >= 2.37.
                return self.connect().compute.create_server(
                    name=f"bench-{first:04d}", flavor_id=flavor.id, image_id=image.id,
                    networks="none", min_count=size, max_count=size)

            with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
                list(pool.map(create, batches))
            self._wait_active(conn, started, log)
        else:
            self._wait_active(conn, time.monotonic(), log)
        if missing < 0:
            log(f"  {self.project_name}: has {have} servers, more than {self.servers}; "
                "the extra ones are kept (cleanup deletes them)")
        volumes = list(conn.block_storage.volumes())
        for n in range(len(volumes), VOLUMES):
            conn.block_storage.create_volume(name=f"bench-vol-{n}", size=1)
        keypairs = list(conn.compute.keypairs())
        for n in range(len(keypairs), KEYPAIRS):
            conn.compute.create_keypair(name=f"bench-key-{n}")

    def _wait_active(self, conn, started, log) -> None:
        deadline = None
        while True:
            statuses = [s.status for s in conn.compute.servers()]
            pending = [s for s in statuses if s not in ("ACTIVE", "ERROR")]
            if not pending:
                break
            if deadline is None:
                deadline = started + active_timeout(len(pending))
            if time.monotonic() > deadline:
                raise BenchError(f"{len(pending)} servers of {self.project_name} not ACTIVE "
                                 f"after {time.monotonic() - started:.0f} s")
            time.sleep(5)
        errors = statuses.count("ERROR")
        if errors:
            raise BenchError(f"{errors} servers of {self.project_name} went to ERROR; "
                             "rerun to replace them")
        log(f"  {self.project_name}: {statuses.count('ACTIVE')} servers ACTIVE "
            f"({time.monotonic() - started:.0f} s)")


def load_user_prefix(project_name: str) -> str:
    return f"{project_name}-load-"


def user_to_delete(name: str, project_name: str = "", load_users: bool = False) -> bool:
    """Whether ``cleanup(project_name=..., load_users=...)`` deletes the user ``name``."""
    if not name.startswith(PREFIX):
        return False
    if load_users:
        return name.startswith(load_user_prefix(project_name)) if project_name else "-load-" in name
    return name.startswith(f"{project_name}-") if project_name else True


def cleanup(log=print, project_name: str = "", load_users: bool = False) -> None:
    """Delete the bench's projects, users and everything in those projects.

    ``project_name``: that bench project only, and its users; ``load_users``: only
    the load users (``bench-*-load-*``, of that project or of all), projects kept.
    On a shared cloud a bench run cleans up after itself without touching the
    projects another bench run uses.
    """
    if project_name and not project_name.startswith(PREFIX):
        raise BenchError(f"cleanup deletes bench projects only ({PREFIX}*)")
    conn = admin()
    for project in [] if load_users else conn.identity.projects(domain_id="default"):
        if not project.name.startswith(PREFIX) or project_name not in ("", project.name):
            continue
        servers = list(conn.compute.servers(all_projects=True, project_id=project.id))
        for server in servers:
            conn.compute.delete_server(server)
        deadline = time.monotonic() + ACTIVE_TIMEOUT
        while list(conn.compute.servers(all_projects=True, project_id=project.id)):
            if time.monotonic() > deadline:
                raise BenchError(f"servers of {project.name} still there after "
                                 f"{ACTIVE_TIMEOUT} s")
            time.sleep(3)
        for volume in conn.block_storage.volumes(all_projects=True, project_id=project.id):
            conn.block_storage.delete_volume(volume, force=True)
        log(f"  deleted {len(servers)} servers and the volumes of {project.name}")
        conn.identity.delete_project(project)
    for user in conn.identity.users(domain_id="default"):
        if user_to_delete(user.name, project_name, load_users):
            for keypair in conn.compute.keypairs(user_id=user.id):
                conn.compute.delete_keypair(keypair, user_id=user.id)
            conn.identity.delete_user(user)
            log(f"  deleted user {user.name}")
