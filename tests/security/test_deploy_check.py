"""``manage.py check --deploy`` is clean under the reference site's production settings
(HTTPS on, a real secret key, named hosts), in a process of its own."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_in_production(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("NOVA_", "DJANGO_", "OS_"))}
    env.update(DJANGO_SETTINGS_MODULE="openstack_dashboard.settings", NOVA_HTTPS="1",
               DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
               DJANGO_ALLOWED_HOSTS="dashboard.example.org", NOVA_VAR_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "manage.py", "check", "--deploy",
                           "--fail-level", "WARNING"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
