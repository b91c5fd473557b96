"""`pip install .` must give a wheel that carries templates, static files and data."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

EXPECTED = [
    "django_nova/templates/django_nova/base.html",
    "django_nova/templates/django_nova/instances/list.html",
    "django_nova/static/django_nova/nova.js",
    "django_nova/static/django_nova/vendor/bootstrap/bootstrap.min.css",
    "django_nova/static/django_nova/vendor/bootstrap/LICENSE",
    "django_nova/static/django_nova/vendor/htmx/htmx.min.js",
    "django_nova/static/django_nova/vendor/htmx/LICENSE",
    "django_nova/data/embedded_images.json",
    "django_nova/migrations/0001_initial.py",
]


def test_wheel_carries_templates_and_static_files(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--wheel-dir", str(tmp_path), str(ROOT)], check=True, timeout=300)
    (wheel,) = tmp_path.glob("django_nova-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in EXPECTED if name not in names]
    assert not missing
    assert not any(name.startswith(("tests/", "openstack_dashboard/")) for name in names)
