"""Everything the reference site writes under NOVA_VAR_DIR is private to its user:
directories 0700, files 0600 (the database, the secret key, the demo password, the file
cache, the embedded cloud's state, lock and log), and an open var/ left by an older
version is closed.  The commands run as ./run_dashboard.sh runs them, in subprocesses."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from django_nova import embedded

ROOT = Path(__file__).resolve().parents[2]  # the checkout


def manage(var_dir, *args, **environ):
    env = {**os.environ, "NOVA_VAR_DIR": str(var_dir), "NOVA_REDIS_URL": "",
           "NOVA_DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "openstack_dashboard.settings",
           **environ}
    env.pop("DJANGO_SECRET_KEY", None)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True).stdout


def open_entries(var_dir: Path) -> list[str]:
    """Every file or directory under var_dir that its owner does not keep to itself."""
    found = []
    for path in [var_dir, *var_dir.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        wanted = 0o700 if path.is_dir() else 0o600
        if not path.is_symlink() and mode != wanted:
            found.append(f"{path.relative_to(var_dir.parent)} {oct(mode)}")
    return found


def test_what_the_site_writes_is_private(tmp_path):
    var = tmp_path / "var"
    manage(var, "migrate", "--noinput", "-v0")
    manage(var, "ensure_demo_accounts")
    manage(var, "shell", "-c", "from django.core.cache import cache; cache.set('probe', 1)")
    try:
        manage(var, "embedded_cloud", "start")
    finally:
        manage(var, "embedded_cloud", "stop")
    names = {p.relative_to(var).as_posix() for p in var.rglob("*")}
    assert {"db.sqlite3", "secret_key", "demo_password", "cache",
            "embedded-cloud/embedded-cloud.lock", "embedded-cloud/embedded-cloud.log"} <= names
    assert any(name.startswith("cache/") for name in names)
    assert open_entries(var) == []


def test_an_open_var_dir_from_an_older_version_is_closed(tmp_path):
    var = tmp_path / "var"
    (var / "cache").mkdir(parents=True)
    (var / "embedded-cloud").mkdir()
    for name in ("db.sqlite3", "secret_key", "demo_password", "cache/1a2b.djcache",
                 "embedded-cloud/embedded-cloud.log", "embedded-cloud/embedded-cloud.json"):
        (var / name).write_text("x" * 60)
    for path in [var, var / "cache", var / "embedded-cloud"]:
        path.chmod(0o755)
    for path in var.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
    assert len(open_entries(var)) == 9
    manage(var, "check")
    assert open_entries(var) == []


def test_the_site_reads_its_session_settings_from_the_environment(tmp_path):
    code = ("from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_AGE, s.NOVA['SESSION_IDLE_TIMEOUT'])")
    assert manage(tmp_path, "shell", "-v", "0", "-c", code).split() == ["43200", "1800"]
    assert manage(tmp_path, "shell", "-v", "0", "-c", code, NOVA_SESSION_MAX_AGE="3600",
                  NOVA_SESSION_IDLE_TIMEOUT="0").split() == ["3600", "0"]


def test_the_embedded_state_dir_is_private_and_closed(tmp_path, settings):
    state = tmp_path / "state"
    state.mkdir(mode=0o755)
    (state / "embedded-cloud.log").write_text("old")
    (state / "embedded-cloud.log").chmod(0o644)
    settings.NOVA = {**settings.NOVA, "EMBEDDED_STATE_DIR": str(state)}
    assert embedded.state_dir() == state
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert stat.S_IMODE((state / "embedded-cloud.log").stat().st_mode) == 0o600


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make a directory of another user")
def test_a_state_dir_of_another_user_is_refused(tmp_path, settings):
    state = tmp_path / "squatted"
    state.mkdir(mode=0o777)
    os.chown(state, 65534, 65534)  # nobody
    settings.NOVA = {**settings.NOVA, "EMBEDDED_STATE_DIR": str(state)}
    with pytest.raises(RuntimeError, match="belongs to another user"):
        embedded.state_dir()
