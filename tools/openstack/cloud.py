"""A real OpenStack on 127.0.0.1 for django-nova's integration tests.

Keystone, Nova (fake hypervisor), Placement, Glance, Cinder (fake backend)
and Neutron (ML2/Open vSwitch, no agents) run from one venv, on a private
MariaDB and RabbitMQ. Everything lives in the cloud directory, outside the
checkout, so every clone reuses one install:
``$NOVA_TEST_CLOUD_DIR`` or ``~/.cache/django-nova/openstack``.

Commands: ``up`` (install what is missing, start what is stopped, wait until
everything answers), ``down`` (stop what ``up`` started, by its PID files),
``status``, ``env`` (shell exports) and ``smoke`` (an end-to-end check).
Only the standard library is used here, since this runs before the venv
exists; ``bootstrap.py`` and ``smoke.py`` run inside the venv.
"""

import concurrent.futures
import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCK_FILE = HERE / "requirements.lock"
CLOUD_DIR = Path(os.environ.get("NOVA_TEST_CLOUD_DIR")
                 or Path.home() / ".cache" / "django-nova" / "openstack"
                 ).expanduser().resolve()
VENV = CLOUD_DIR / "venv"
ETC = CLOUD_DIR / "etc"
DATA = CLOUD_DIR / "data"
LOGS = CLOUD_DIR / "log"
RUN = CLOUD_DIR / "run"
STATE = CLOUD_DIR / "state"
SECRETS_FILE = CLOUD_DIR / "secrets.json"
CLOUDS_YAML = CLOUD_DIR / "clouds.yaml"

HOST = "127.0.0.1"
COMPUTE_HOST = "testcloud"
REGION = "RegionOne"
MYSQL_PORT = 13306
RABBIT_PORT = 13672
EPMD_PORT = 14369
KEYSTONE_URL = f"http://{HOST}:5000"
DATABASES = ("keystone", "nova_api", "nova", "nova_cell0", "placement",
             "glance", "cinder", "neutron")
APT_PACKAGES = ("mariadb-server", "mariadb-client", "rabbitmq-server")
# An API's port and the config directory's name, which is also the name
# serve.py knows it by.
APIS = {"keystone": 5000, "placement": 8778, "glance": 9292,
        "cinder": 8776, "neutron": 9696, "nova": 8774}
# Workers without a port: bootstrap.py waits until their service records
# report them up.
WORKERS = ("nova-conductor", "nova-scheduler", "nova-compute",
           "cinder-scheduler", "cinder-volume")
START_TIMEOUT = 300


class CloudError(Exception):
    """A step failed; the message says which, the log tail says why."""


@dataclass
class Service:
    """One process that ``up`` starts and ``down`` stops by its PID file."""

    name: str
    argv: list
    env: dict = field(default_factory=dict)
    port: int = 0   # accepts TCP when ready, unless there is a url
    url: str = ""   # answers HTTP when ready

    @property
    def pid_file(self):
        return RUN / f"{self.name}.pid"

    @property
    def log_file(self):
        return LOGS / f"{self.name}.log"

    def pid(self):
        """The PID of our running process, or None.

        A PID file can outlive its process (a reboot, a kill -9) and the
        number can be reused, so the process must also work inside the
        cloud directory, where ``start`` put it (MariaDB moves on into its
        data directory).
        """
        try:
            pid = int(self.pid_file.read_text())
            cwd = Path(os.readlink(f"/proc/{pid}/cwd"))
        except (OSError, ValueError):
            return None
        if not cwd.is_relative_to(CLOUD_DIR) or not group_alive(pid):
            return None
        return pid

    def ready(self):
        if self.url:
            return http_answers(self.url)
        if self.port:
            return tcp_answers(self.port)
        return True


def services():
    """Every process of the cloud, in start order."""
    venv_bin = VENV / "bin"
    rabbit_env = {
        "HOME": str(DATA / "rabbitmq"),  # its Erlang cookie stays private
        "RABBITMQ_NODENAME": "rabbit@localhost",
        # Our own epmd; were it not answering, Erlang would start a daemon
        # outside our process group.
        "ERL_EPMD_ADDRESS": HOST,
        "ERL_EPMD_PORT": str(EPMD_PORT),
        "RABBITMQ_CONFIG_FILE": str(ETC / "rabbitmq" / "rabbitmq.conf"),
        "RABBITMQ_CONF_ENV_FILE": str(ETC / "rabbitmq" / "rabbitmq-env.conf"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(ETC / "rabbitmq" /
                                             "enabled_plugins"),
        "RABBITMQ_MNESIA_BASE": str(DATA / "rabbitmq" / "mnesia"),
        "RABBITMQ_LOG_BASE": str(LOGS),
        "RABBITMQ_LOGS": "-",
        "RABBITMQ_PID_FILE": str(DATA / "rabbitmq" / "beam.pid"),
        "RABBITMQ_DIST_PORT": str(RABBIT_PORT + 1),
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS":
            "-kernel inet_dist_use_interface {127,0,0,1}",
    }
    result = [
        Service("mariadb", [
            "/usr/sbin/mariadbd", "--no-defaults", "--user=root",
            f"--datadir={DATA / 'mysql'}", f"--socket={RUN / 'mysql.sock'}",
            f"--pid-file={DATA / 'mysql' / 'mariadbd.pid'}",
            f"--port={MYSQL_PORT}", f"--bind-address={HOST}",
            "--skip-name-resolve", "--max-connections=1000",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_general_ci",
            "--innodb-flush-log-at-trx-commit=2",
        ], port=MYSQL_PORT),
        Service("epmd", ["/usr/bin/epmd", "-address", HOST,
                         "-port", str(EPMD_PORT)], port=EPMD_PORT),
        Service("rabbitmq", ["/usr/lib/rabbitmq/bin/rabbitmq-server"],
                rabbit_env, port=RABBIT_PORT),
    ]
    for api, port in APIS.items():
        result.append(Service(api, [
            str(venv_bin / "gunicorn"), "--bind", f"{HOST}:{port}",
            "--workers", "1", "--worker-class", "gthread", "--threads", "8",
            # Nova asks Neutron for ports with very long query strings.
            "--limit-request-line", "0",
            # The 2 s default races with clients polling on kept-alive
            # connections ("Remote end closed connection").
            "--keep-alive", "75",
            "--timeout", "300", "--graceful-timeout", "5",
            "--no-control-socket", "--name", f"testcloud-{api}",
            "--pythonpath", str(HERE), "serve:application",
        ], {"TESTCLOUD_SERVICE": api,
            "TESTCLOUD_CONFIG_DIR": str(ETC / api),
            "TESTCLOUD_COMPUTE_HOST": COMPUTE_HOST},
            port=port, url=f"http://{HOST}:{port}/"))
    nova_conf = ["--config-file", str(ETC / "nova" / "nova.conf")]
    cinder_conf = ["--config-file", str(ETC / "cinder" / "cinder.conf")]
    result += [
        Service("nova-conductor", [str(venv_bin / "nova-conductor"),
                                   *nova_conf]),
        Service("nova-scheduler", [str(venv_bin / "nova-scheduler"),
                                   *nova_conf]),
        # nova-compute must not see the database sections.
        Service("nova-compute", [
            str(venv_bin / "python"), str(HERE / "nova_compute.py"),
            "--config-file", str(ETC / "nova" / "nova-compute.conf")]),
        Service("cinder-scheduler", [str(venv_bin / "cinder-scheduler"),
                                     *cinder_conf]),
        Service("cinder-volume", [str(venv_bin / "cinder-volume"),
                                  *cinder_conf]),
    ]
    return result


SERVICES = {s.name: s for s in services()}
INFRA = ("mariadb", "epmd", "rabbitmq")


# --- processes -------------------------------------------------------------

def group_alive(pgid):
    """True while any non-zombie process of the process group remains."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def group_rss_kib(pgid):
    """Resident memory of the whole process group (gunicorn's workers too)."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            pid = status.parent.name
            if os.getpgid(int(pid)) != pgid:
                continue
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total


def start(service):
    """Start a service in its own session unless it already runs."""
    if service.pid():
        return
    # Else a stranger on our port would pass for our service.
    if service.port and tcp_answers(service.port):
        raise CloudError(f"{service.name} cannot start: {HOST}:"
                         f"{service.port} is in use by another process", None)
    LOGS.mkdir(parents=True, exist_ok=True)
    RUN.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **service.env}
    with open(service.log_file, "a") as log:
        log.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} "
                  f"starting {service.name} =====\n")
        log.flush()
        process = subprocess.Popen(
            service.argv, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, env=env, cwd=CLOUD_DIR,
            start_new_session=True)
    service.pid_file.write_text(str(process.pid))


def stop(names, timeout=20):
    """SIGTERM the process groups we started, SIGKILL what outlives it."""
    pids = {}
    for name in names:
        pid = SERVICES[name].pid()
        if pid:
            pids[name] = pid
            os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while any(group_alive(p) for p in pids.values()):
        if time.monotonic() > deadline:
            for pid in pids.values():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
            break
        time.sleep(0.2)
    for name in names:
        SERVICES[name].pid_file.unlink(missing_ok=True)
    return list(pids)


def log_tail(path, lines=40):
    """The last lines of a log since its last start marker."""
    try:
        text = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return f"(no log at {path})"
    starts = [i for i, line in enumerate(text) if line.startswith("===== ")]
    since = text[starts[-1]:] if starts else text
    return "\n".join(since[-lines:])


def wait_ready(names, timeout=START_TIMEOUT):
    """Wait until the services answer; fail with the log of one that died."""
    pending = list(names)
    deadline = time.monotonic() + timeout
    while pending:
        for name in list(pending):
            service = SERVICES[name]
            if not service.pid():
                raise CloudError(f"{name} exited while starting",
                                 service.log_file)
            if service.ready():
                pending.remove(name)
        if pending and time.monotonic() > deadline:
            raise CloudError(f"{pending[0]} did not answer in {timeout} s",
                             SERVICES[pending[0]].log_file)
        if pending:
            time.sleep(0.5)


def http_answers(url):
    try:
        urllib.request.urlopen(url, timeout=5).close()  # noqa: S310 (http)
    except urllib.error.HTTPError:
        return True  # any HTTP status means the API is serving
    except OSError:
        return False
    return True


def tcp_answers(port):
    try:
        socket.create_connection((HOST, port), timeout=2).close()
    except OSError:
        return False
    return True


def run(argv, log_name, ok_codes=(0,), **kwargs):
    """Run a one-off command, its output appended to log/<log_name>.log."""
    log_path = LOGS / f"{log_name}.log"
    with open(log_path, "a") as log:
        log.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} "
                  f"{' '.join(str(a) for a in argv)} =====\n")
        log.flush()
        result = subprocess.run([str(a) for a in argv], stdout=log,
                                stderr=subprocess.STDOUT, **kwargs)
    if result.returncode not in ok_codes:
        raise CloudError(f"{Path(str(argv[0])).name} failed "
                         f"(exit {result.returncode})", log_path)


# --- install ---------------------------------------------------------------

def lock_hash():
    return hashlib.sha256(LOCK_FILE.read_bytes()).hexdigest()[:16]


def stamp(name):
    try:
        return (STATE / name).read_text().strip()
    except OSError:
        return ""


def set_stamp(name, value):
    STATE.mkdir(parents=True, exist_ok=True)
    (STATE / name).write_text(value + "\n")


def ensure_packages():
    """Install MariaDB and RabbitMQ from Debian when they are missing."""
    needed = ["/usr/sbin/mariadbd", "/usr/bin/mariadb-install-db",
              "/usr/bin/mariadb", "/usr/lib/rabbitmq/bin/rabbitmq-server",
              "/usr/bin/epmd"]
    if all(Path(p).exists() for p in needed):
        return
    print("Installing MariaDB and RabbitMQ from Debian...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    LOGS.mkdir(parents=True, exist_ok=True)
    run([*sudo, "apt-get", "update"], "apt", env=env)
    run([*sudo, "apt-get", "install", "-y", "--no-install-recommends",
         *APT_PACKAGES], "apt", env=env)


def ensure_venv():
    """(Re)create the venv from requirements.lock when the lock changed."""
    if (VENV / "bin" / "python").exists() and stamp("venv") == lock_hash():
        return
    print(f"Installing OpenStack into {VENV} (about a minute)...", flush=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(VENV, ignore_errors=True)
    run([sys.executable, "-m", "venv", VENV], "pip")
    # --no-deps: the lock already names every package, pinned.  --no-compile: byte-compiling
    # thousands of modules is a third of the install; the services compile what they import.
    run([VENV / "bin" / "python", "-m", "pip", "install", "--no-deps", "--no-compile",
         "-r", LOCK_FILE], "pip")
    set_stamp("venv", lock_hash())


def load_secrets():
    """Random passwords made on the first install and kept (mode 600)."""
    if SECRETS_FILE.exists():
        return json.loads(SECRETS_FILE.read_text())
    values = {name: secrets.token_urlsafe(18) for name in
              ("admin", "demo", "alt", "service", "database", "rabbit")}
    SECRETS_FILE.touch(mode=0o600)
    SECRETS_FILE.write_text(json.dumps(values, indent=2) + "\n")
    return values


# --- configuration ---------------------------------------------------------

def ini(sections):
    lines = []
    for section, options in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {value}" for key, value in options.items()]
        lines.append("")
    return "\n".join(lines)


def write_configs(pw):
    """Render every service's configuration (cheap, so on every ``up``)."""
    def db(name):
        return (f"mysql+pymysql://openstack:{pw['database']}@{HOST}:"
                f"{MYSQL_PORT}/{name}?charset=utf8")

    def auth(user):
        return {"auth_url": KEYSTONE_URL, "auth_type": "password",
                "username": user, "password": pw["service"],
                "project_name": "service", "user_domain_name": "Default",
                "project_domain_name": "Default", "region_name": REGION}

    def authtoken(user):
        return {"www_authenticate_uri": KEYSTONE_URL, **auth(user)}

    def lock_path(service):
        return {"lock_path": DATA / service / "lock"}

    rabbit = f"rabbit://openstack:{pw['rabbit']}@{HOST}:{RABBIT_PORT}/"
    unlimited = {key: -1 for key in (
        "instances", "cores", "ram", "key_pairs", "metadata_items",
        "server_groups", "server_group_members")}
    nova = {
        "DEFAULT": {
            "host": COMPUTE_HOST, "my_ip": HOST,
            "state_path": DATA / "nova",
            "instances_path": DATA / "nova" / "instances",
            "transport_url": rabbit,
            "compute_driver": "testcloud_fake.StableFakeDriver",
            # Nothing plugs VIFs: do not wait for Neutron to report them.
            "vif_plugging_is_fatal": "false", "vif_plugging_timeout": 0,
            "allow_resize_to_same_host": "true",
            # Fresh service records sooner: `up` waits for them.
            "report_interval": 5,
        },
        "api_database": {"connection": db("nova_api")},
        "database": {"connection": db("nova")},
        "wsgi": {"api_paste_config": ETC / "nova" / "api-paste.ini"},
        "keystone_authtoken": authtoken("nova"),
        "service_user": {"send_service_user_token": "true", **auth("nova")},
        "placement": auth("nova"),
        "glance": auth("nova"),
        "cinder": {**auth("nova"), "os_region_name": REGION},
        "neutron": {**auth("nova"), "default_floating_pool": "public"},
        "conductor": {"workers": 1},
        "scheduler": {"workers": 1},
        "quota": unlimited,
        "vnc": {"enabled": "false"},
        "oslo_concurrency": lock_path("nova"),
    }
    nova_compute = {k: v for k, v in nova.items()
                    if k not in ("database", "api_database")}
    configs = {
        "keystone/keystone.conf": {
            "database": {"connection": db("keystone")},
            "token": {"provider": "fernet"},
            "fernet_tokens": {"key_repository":
                              DATA / "keystone" / "fernet-keys"},
            "fernet_receipts": {"key_repository":
                                DATA / "keystone" / "fernet-keys"},
            "credential": {"key_repository":
                           DATA / "keystone" / "credential-keys"},
            # Tests log in a lot; full-strength bcrypt costs ~0.25 s each.
            "identity": {"password_hash_rounds": 4},
        },
        "placement/placement.conf": {
            "placement_database": {"connection": db("placement")},
            "api": {"auth_strategy": "keystone"},
            "keystone_authtoken": authtoken("placement"),
        },
        "glance/glance-api.conf": {
            "DEFAULT": {"enabled_backends": "fs:file"},
            "database": {"connection": db("glance")},
            "keystone_authtoken": authtoken("glance"),
            "paste_deploy": {"flavor": "keystone"},
            "glance_store": {"default_backend": "fs"},
            "fs": {"filesystem_store_datadir": DATA / "glance" / "images"},
            "os_glance_staging_store": {
                "filesystem_store_datadir": DATA / "glance" / "staging"},
            "os_glance_tasks_store": {
                "filesystem_store_datadir": DATA / "glance" / "tasks"},
            "oslo_concurrency": lock_path("glance"),
        },
        "nova/nova.conf": nova,
        "nova/nova-compute.conf": nova_compute,
        "cinder/cinder.conf": {
            "DEFAULT": {
                "host": COMPUTE_HOST, "my_ip": HOST,
                "state_path": DATA / "cinder", "transport_url": rabbit,
                "auth_strategy": "keystone", "enabled_backends": "fake",
                "report_interval": 5,
                "api_paste_config": ETC / "cinder" / "api-paste.ini",
                **{f"quota_{key}": -1 for key in (
                    "volumes", "snapshots", "gigabytes", "backups",
                    "backup_gigabytes", "groups")},
            },
            "database": {"connection": db("cinder")},
            "keystone_authtoken": authtoken("cinder"),
            "nova": auth("cinder"),
            "coordination": {"backend_url":
                             f"file://{DATA / 'cinder' / 'coordination'}"},
            "fake": {"volume_driver":
                     "cinder.tests.fake_driver.FakeLoggingVolumeDriver",
                     "volume_backend_name": "fake"},
            "oslo_concurrency": lock_path("cinder"),
        },
        "neutron/neutron.conf": {
            "DEFAULT": {
                "host": COMPUTE_HOST, "core_plugin": "ml2",
                "service_plugins": "router", "auth_strategy": "keystone",
                # The API alone needs no message bus: there are no agents.
                "transport_url": "fake:/", "dhcp_agent_notification": "false",
                "allow_overlapping_ips": "true",
                "notify_nova_on_port_status_changes": "true",
                "notify_nova_on_port_data_changes": "true",
                # serve.py reports the Open vSwitch agent every 30 s.
                "agent_down_time": 300,
                "api_paste_config": ETC / "neutron" / "api-paste.ini",
                "state_path": DATA / "neutron",
            },
            "database": {"connection": db("neutron")},
            "keystone_authtoken": authtoken("neutron"),
            "nova": auth("neutron"),
            "quotas": {key: -1 for key in (
                "default_quota", "quota_network", "quota_subnet",
                "quota_port", "quota_router", "quota_floatingip",
                "quota_security_group", "quota_security_group_rule")},
            "oslo_concurrency": lock_path("neutron"),
        },
        "neutron/ml2_conf.ini": {
            "ml2": {"type_drivers": "flat,vlan",
                    "project_network_types": "vlan",
                    "mechanism_drivers": "openvswitch",
                    "extension_drivers": "port_security"},
            "ml2_type_flat": {"flat_networks": "public"},
            "ml2_type_vlan": {"network_vlan_ranges": "physnet1:100:2999"},
            "securitygroup": {"enable_security_group": "true",
                              "firewall_driver": "openvswitch"},
        },
    }
    for path, sections in configs.items():
        target = ETC / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch(mode=0o600)
        target.write_text(ini(sections))
    for service, paste in (("nova", "api-paste.ini"),
                           ("cinder", "api-paste.ini"),
                           ("neutron", "api-paste.ini"),
                           ("glance", "glance-api-paste.ini")):
        shutil.copyfile(VENV / "etc" / service / paste, ETC / service / paste)

    rabbit_dir = ETC / "rabbitmq"
    rabbit_dir.mkdir(parents=True, exist_ok=True)
    (rabbit_dir / "rabbitmq-env.conf").write_text("")
    (rabbit_dir / "enabled_plugins").write_text("[].\n")
    (rabbit_dir / "rabbitmq.conf").touch(mode=0o600)
    (rabbit_dir / "rabbitmq.conf").write_text(
        f"listeners.tcp.default = {HOST}:{RABBIT_PORT}\n"
        f"default_user = openstack\ndefault_pass = {pw['rabbit']}\n"
        "loopback_users = none\n")
    for directory in ("nova", "cinder", "neutron", "glance", "keystone",
                      "rabbitmq"):
        (DATA / directory).mkdir(parents=True, exist_ok=True)
    write_clouds_yaml(pw)


def write_clouds_yaml(pw):
    """The standard clouds.yaml (JSON strings are valid YAML scalars)."""
    lines = ["clouds:"]
    for cloud, user, project in (("test-admin", "admin", "admin"),
                                 ("test-demo", "demo", "demo"),
                                 ("test-alt", "alt", "alt")):
        lines += [
            f"  {cloud}:",
            "    auth:",
            f"      auth_url: {KEYSTONE_URL}/v3",
            f"      username: {user}",
            f"      password: {json.dumps(pw[user])}",
            f"      project_name: {project}",
            "      user_domain_name: Default",
            "      project_domain_name: Default",
            f"    region_name: {REGION}",
            "    identity_api_version: 3",
            "    interface: public",
        ]
    CLOUDS_YAML.touch(mode=0o600)
    CLOUDS_YAML.write_text("\n".join(lines) + "\n")


# --- databases -------------------------------------------------------------

def start_mariadb(pw):
    """Start the private MariaDB; create its data dir and databases."""
    datadir = DATA / "mysql"
    if not datadir.exists():
        # Empty databases: the schemas and the seed must be made again.
        for name in ("databases", "seeded"):
            (STATE / name).unlink(missing_ok=True)
        scratch = DATA / "mysql.new"
        shutil.rmtree(scratch, ignore_errors=True)
        run(["/usr/bin/mariadb-install-db", "--no-defaults", "--user=root",
             f"--datadir={scratch}", "--skip-test-db",
             "--auth-root-authentication-method=normal"], "mariadb")
        scratch.rename(datadir)
    start(SERVICES["mariadb"])
    wait_ready(["mariadb"], timeout=60)
    grants = "".join(
        f"CREATE DATABASE IF NOT EXISTS {name} CHARACTER SET utf8;"
        f"GRANT ALL PRIVILEGES ON {name}.* TO 'openstack'@'{HOST}';"
        for name in DATABASES)
    sql = (f"CREATE USER IF NOT EXISTS 'openstack'@'{HOST}';"
           f"ALTER USER 'openstack'@'{HOST}' "
           f"IDENTIFIED BY '{pw['database']}';{grants}")
    # On stdin: the logged command line must not show the password.
    run(["/usr/bin/mariadb", "--no-defaults", f"--socket={RUN / 'mysql.sock'}",
         "-uroot"], "mariadb", input=sql.encode())


def sync_databases(pw):
    """Create or upgrade every schema; three chains run side by side."""
    bin_ = VENV / "bin"
    keystone = ["--config-file", ETC / "keystone" / "keystone.conf"]
    nova = ["--config-file", ETC / "nova" / "nova.conf"]
    owner = ["--keystone-user", "root", "--keystone-group", "root"]
    endpoint = f"{KEYSTONE_URL}/v3/"
    chains = {
        "keystone-manage": [
            [bin_ / "keystone-manage", *keystone, "db_sync"],
            [bin_ / "keystone-manage", *keystone, "fernet_setup", *owner],
            [bin_ / "keystone-manage", *keystone, "credential_setup",
             *owner],
            [bin_ / "keystone-manage", *keystone, "bootstrap",
             "--bootstrap-region-id", REGION,
             "--bootstrap-admin-url", endpoint,
             "--bootstrap-internal-url", endpoint,
             "--bootstrap-public-url", endpoint],
        ],
        "nova-manage": [
            [bin_ / "nova-manage", *nova, "api_db", "sync"],
            # cell0's database: [database] connection's name + "_cell0".
            [bin_ / "nova-manage", *nova, "cell_v2", "map_cell0"],
            # Exit 2: cell1 exists already.
            [bin_ / "nova-manage", *nova, "cell_v2", "create_cell",
             "--name", "cell1"],
            [bin_ / "nova-manage", *nova, "db", "sync"],
        ],
        "db-manage": [
            [bin_ / "placement-manage", "--config-file",
             ETC / "placement" / "placement.conf", "db", "sync"],
            [bin_ / "glance-manage", "--config-file",
             ETC / "glance" / "glance-api.conf", "db_sync"],
            [bin_ / "cinder-manage", "--config-file",
             ETC / "cinder" / "cinder.conf", "db", "sync"],
            [bin_ / "neutron-db-manage",
             "--config-file", ETC / "neutron" / "neutron.conf",
             "--config-file", ETC / "neutron" / "ml2_conf.ini",
             "upgrade", "heads"],
        ],
    }

    # Passwords go through the environment, not into the logged argv.
    env = {**os.environ, "OS_BOOTSTRAP_PASSWORD": pw["admin"]}

    def run_chain(log_name, commands):
        for argv in commands:
            ok = (0, 2) if "create_cell" in argv else (0,)
            run(argv, log_name, ok_codes=ok, env=env)

    with concurrent.futures.ThreadPoolExecutor(len(chains)) as pool:
        for future in [pool.submit(run_chain, name, commands)
                       for name, commands in chains.items()]:
            future.result()


# --- commands --------------------------------------------------------------

def all_answer():
    return all(s.pid() and s.ready() for s in SERVICES.values())


def bootstrap(*steps, **options):
    """Run bootstrap.py (openstacksdk, in the venv) for the given steps."""
    argv = [VENV / "bin" / "python", HERE / "bootstrap.py", *steps]
    for key, value in options.items():
        argv += [f"--{key.replace('_', '-')}", value]
    env = {**os.environ, "OS_CLIENT_CONFIG_FILE": str(CLOUDS_YAML),
           "TESTCLOUD_SECRETS": str(SECRETS_FILE),
           "TESTCLOUD_COMPUTE_HOST": COMPUTE_HOST}
    try:
        run(argv, "bootstrap", env=env)
    except CloudError:
        last = log_tail(LOGS / "bootstrap.log", lines=1)
        if not last.startswith("NOT UP: "):
            raise
        name = last.split()[2]
        raise CloudError(f"{name} did not report up in time",
                         SERVICES[name].log_file) from None


def up():
    began = time.monotonic()
    running = any(s.pid() for s in SERVICES.values())
    if running and stamp("venv") != lock_hash():
        raise CloudError("requirements.lock changed: run `down`, then `up` "
                         "to reinstall", None)
    if stamp("seeded") and all_answer():
        print(f"OpenStack test cloud already running ({CLOUD_DIR}).")
        return
    ensure_packages()
    ensure_venv()
    pw = load_secrets()
    write_configs(pw)
    start_mariadb(pw)
    start(SERVICES["epmd"])
    wait_ready(["epmd"], timeout=30)
    start(SERVICES["rabbitmq"])
    if stamp("databases") != lock_hash():
        print("Creating the databases...", flush=True)
        sync_databases(pw)
        set_stamp("databases", lock_hash())
    seeded = bool(stamp("seeded"))
    if not seeded:
        # The other services' users must exist before they authenticate.
        start(SERVICES["keystone"])
        wait_ready(["keystone"])
        bootstrap("identity")
    print("Starting the OpenStack services...", flush=True)
    for name in ("keystone", "placement", "glance", "neutron"):
        start(SERVICES[name])  # these need no RabbitMQ: start them first
    wait_ready(["rabbitmq"])
    for service in SERVICES.values():
        start(service)
    wait_ready(list(SERVICES))
    started = {name: SERVICES[name].pid_file.stat().st_mtime
               for name in WORKERS}
    # Resources are cheap to check and tests may delete them: restore them
    # on every start. Identity was done above, before the services started.
    bootstrap("resources", "wait", started=json.dumps(started))
    if not seeded:
        run([VENV / "bin" / "nova-manage", "--config-file",
             ETC / "nova" / "nova.conf", "cell_v2", "discover_hosts"],
            "nova-manage")
        set_stamp("seeded", time.strftime("%Y-%m-%d %H:%M:%S"))
    print(f"OpenStack test cloud up in {time.monotonic() - began:.0f} s.")
    print(f"clouds.yaml: {CLOUDS_YAML} (clouds test-admin, test-demo, "
          "test-alt)")


def down():
    with_workers = [n for n in SERVICES if n not in INFRA]
    stopped = stop(with_workers)
    stopped += stop(["rabbitmq"], timeout=30)
    stopped += stop(["epmd", "mariadb"], timeout=30)
    print(f"Stopped: {', '.join(stopped) or 'nothing was running'}.")


def status():
    """Print each service, its PID, RSS and whether it answers."""
    total = 0
    print(f"{'service':18} {'pid':>8} {'rss MiB':>8}  state")
    for service in SERVICES.values():
        pid = service.pid()
        if not pid:
            print(f"{service.name:18} {'-':>8} {'-':>8}  stopped")
            continue
        rss = group_rss_kib(pid) / 1024
        total += rss
        where = service.url or (f"tcp {service.port}" if service.port else "")
        state = "answers" if service.ready() else "NOT ANSWERING"
        if not service.port:
            state = "running"
        print(f"{service.name:18} {pid:>8} {rss:>8.0f}  {state} {where}")
    print(f"{'total':18} {'':>8} {total:>8.0f}")
    print(f"cloud dir: {CLOUD_DIR}")
    return 0 if all_answer() else 3


def env():
    print(f"export OS_CLIENT_CONFIG_FILE={CLOUDS_YAML}")
    print("# clouds: test-admin (admin), test-demo (demo), test-alt (alt)")


def smoke():
    argv = [VENV / "bin" / "python", HERE / "smoke.py"]
    env = {**os.environ, "OS_CLIENT_CONFIG_FILE": str(CLOUDS_YAML)}
    return subprocess.run(argv, env=env).returncode


@contextlib.contextmanager
def cloud_lock():
    """One ``up`` or ``down`` at a time (tests may start several)."""
    CLOUD_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(CLOUD_DIR / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def main(argv):
    commands = {"up": up, "down": down, "status": status, "env": env,
                "smoke": smoke}
    if len(argv) < 2 or argv[1] not in commands:
        print(f"usage: openstack-test-cloud {'|'.join(commands)}",
              file=sys.stderr)
        return 2
    try:
        if argv[1] in ("up", "down"):
            with cloud_lock():
                return commands[argv[1]]() or 0
        return commands[argv[1]]() or 0
    except CloudError as error:
        message, log_path = error.args
        print(f"ERROR: {message}", file=sys.stderr)
        if log_path:
            print(f"--- last lines of {log_path} ---\n{log_tail(log_path)}",
                  file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
