"""Packaging: the wheel is the reusable app and its licence only, so it installs
beside Horizon; the sdist carries the vendored static files, so a wheel builds
from it with no npm and no network; builds leave the source tree clean and
print no setuptools warning.

One sdist and one wheel are built per test session (fixture `dist`)."""

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import django
import pytest

ROOT = Path(__file__).resolve().parents[2]  # the checkout
NAME = "django_nova-0.1.0"
# One process for the module: one build of the checkout (the session's `dist`) serves
# every test, and two builds at once would trip over each other in the one tree.
pytestmark = pytest.mark.xdist_group("packaging")

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
    # The compiled catalogs (and their sources).
    "django_nova/locale/de/LC_MESSAGES/django.mo",
    "django_nova/locale/de/LC_MESSAGES/django.po",
    "django_nova/locale/zh_Hans/LC_MESSAGES/django.mo",
    "django_nova/locale/zh_Hans/LC_MESSAGES/django.po",
]
VENDORED = [name for name in EXPECTED if "/vendor/" in name]
# distutils' "warning: ..." lines and Python warnings (SetuptoolsDeprecationWarning...);
# pip's own "WARNING:" lines (about its configuration) are not the build's.
SETUPTOOLS_WARNING = re.compile(r"(^|\s)warning:|\w+Warning\b")


def build_env(**extra) -> dict:
    env = {**os.environ, **extra}
    # With it set, distutils warns "byte-compiling is disabled" on every build,
    # although a wheel is never byte-compiled: a warning about the caller, not us.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(args, **kwargs) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def tree_state() -> tuple[set[str], set[str]]:
    """Git's view of the checkout: (changed or untracked entries, ignored entries)."""
    lines = run(["git", "status", "--porcelain", "--ignored"], cwd=ROOT).splitlines()
    changed = {line for line in lines if not line.startswith("!! ")}
    ignored = {line[3:] for line in lines if line.startswith("!! ")}
    return changed, ignored


def warnings_in(log: str) -> list[str]:
    return [line for line in log.splitlines() if SETUPTOOLS_WARNING.search(line)]


def contents(wheel: Path) -> dict[str, bytes]:
    """A wheel's files, less what only says which setuptools wrote it."""
    with zipfile.ZipFile(wheel) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files.pop(f"{NAME}.dist-info/RECORD")
    wheel_file = f"{NAME}.dist-info/WHEEL"
    files[wheel_file] = b"".join(line for line in files[wheel_file].splitlines(keepends=True)
                                 if not line.startswith(b"Generator:"))
    return files


@dataclass
class Dist:
    sdist: Path
    wheel: Path
    log: str
    before: tuple[set[str], set[str]]
    after: tuple[set[str], set[str]]


@pytest.fixture(scope="session")
def dist(tmp_path_factory) -> Dist:
    """`python -m build --sdist --wheel` of the checkout, as a packager would run it."""
    out = tmp_path_factory.mktemp("dist")
    before = tree_state()
    log = run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out),
               str(ROOT)], env=build_env())
    after = tree_state()
    (sdist,) = out.glob("django_nova-*.tar.gz")
    (wheel,) = out.glob("django_nova-*.whl")
    return Dist(sdist, wheel, log, before, after)


def test_wheel_carries_templates_and_static_files(dist):
    names = set(zipfile.ZipFile(dist.wheel).namelist())
    missing = [name for name in EXPECTED if name not in names]
    assert not missing


def test_wheel_is_the_app_and_its_licence_only(dist):
    with zipfile.ZipFile(dist.wheel) as archive:
        names = archive.namelist()
        licence = archive.read(f"{NAME}.dist-info/licenses/LICENSE")
        metadata = archive.read(f"{NAME}.dist-info/METADATA").decode()
    assert licence == (ROOT / "LICENSE").read_bytes()
    # Nothing under a name Horizon's wheel uses (openstack_dashboard), no tests.
    strays = [name for name in names if not name.startswith(("django_nova/", f"{NAME}.dist-info/"))]
    assert not strays
    assert "License-Expression: Apache-2.0" in metadata
    assert "License-File: LICENSE" in metadata
    assert "Project-URL: Source, https://github.com/django-nova/django-nova" in metadata
    # The classifiers name what this very run tests (CI runs Django 5.2 on Python 3.11
    # and Django 6.1 on Python 3.12), and nothing else.
    django_minor = ".".join(map(str, django.VERSION[:2]))
    python_minor = ".".join(map(str, sys.version_info[:2]))
    assert f"Classifier: Framework :: Django :: {django_minor}" in metadata
    assert f"Classifier: Programming Language :: Python :: {python_minor}" in metadata
    versioned = re.findall(r"^Classifier: (?:Framework :: Django|Programming Language :: "
                           r"Python) :: (.+)$", metadata, re.MULTILINE)
    assert sorted(versioned) == ["3.11", "3.12", "5.2", "6.1"]


def test_sdist_carries_licence_and_vendored_files_but_no_tests(dist):
    with tarfile.open(dist.sdist) as archive:
        names = {name.removeprefix(f"{NAME}/") for name in archive.getnames()}
    assert {"LICENSE", "PKG-INFO", "setup.py", "pyproject.toml", "tools/fetch_static.py",
            *EXPECTED} <= names
    assert not [name for name in names if name.startswith(("tests", "openstack_dashboard"))]


def test_build_leaves_the_tree_clean_and_warns_nothing(dist):
    changed_before, ignored_before = dist.before
    changed_after, ignored_after = dist.after
    assert changed_after == changed_before
    # No build/, *.egg-info or dist/ (nor anything else) written into the checkout.
    assert ignored_after - ignored_before == set()
    assert not warnings_in(dist.log)


def test_wheel_builds_from_the_sdist_without_npm_or_network(dist, tmp_path):
    with tarfile.open(dist.sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    source = tmp_path / NAME
    # No npm on PATH, fetch_static forbidden to fetch, pip forbidden an index, and no
    # build isolation (which would download setuptools): this venv's setuptools builds.
    path = str(Path(sys.executable).parent)
    assert shutil.which("npm", path=path) is None
    env = build_env(PATH=path, NOVA_FETCH_STATIC_OFFLINE="1", PIP_NO_INDEX="1")
    log = run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps",
               "--verbose", "--wheel-dir", str(tmp_path / "out"), str(source)],
              env=env, cwd=tmp_path)
    (wheel,) = (tmp_path / "out").glob("django_nova-*.whl")
    assert contents(wheel) == contents(dist.wheel)
    assert not warnings_in(log)
    # The build wrote nothing into the unpacked sdist either (no build/, no egg-info).
    assert not list(source.glob("build")) and not list(source.glob("*.egg-info"))


def test_fetch_static_offline_refuses_to_fetch(tmp_path):
    """What makes the sdist build above honest: offline, fetch_static fails loudly."""
    (tmp_path / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "fetch_static.py", tmp_path / "tools")
    vendor = Path("django_nova/static/django_nova/vendor")
    shutil.copytree(ROOT / vendor, tmp_path / vendor)
    (tmp_path / vendor / "versions.json").write_text("[2]")  # a stray, e.g. an old stamp
    script = [sys.executable, str(tmp_path / "tools" / "fetch_static.py")]
    env = {**os.environ, "NOVA_FETCH_STATIC_OFFLINE": "1", "PATH": ""}

    done = subprocess.run(script, env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert not (tmp_path / vendor / "versions.json").exists()

    (tmp_path / vendor / "htmx" / "htmx.min.js").write_text("tampered")
    refused = subprocess.run(script, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert "offline" in refused.stderr and "htmx/htmx.min.js" in refused.stderr


def pypi_reachable() -> bool:
    try:
        subprocess.run([sys.executable, "-m", "pip", "index", "versions", "horizon"],
                       check=True, capture_output=True, timeout=60)
    except (subprocess.SubprocessError, OSError):
        return False
    return True


@pytest.mark.pypi
@pytest.mark.once  # its venv has Horizon's own Django, not the pass's
def test_installs_beside_horizon(dist, tmp_path):
    """One fresh venv: the wheel and Horizon 27.0.0, `pip check` clean, all importable."""
    if not pypi_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail("PyPI is unreachable; CI must run the Horizon co-install")
        pytest.skip("PyPI is unreachable")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = str(venv / "bin" / "python")
    # No byte-compiling: a third of the install time, and nothing here needs it.
    run([python, "-m", "pip", "install", "--quiet", "--no-compile", str(dist.wheel),
         "horizon==27.0.0"],
        cwd=tmp_path)
    run([python, "-m", "pip", "check"], cwd=tmp_path)
    probe = """
import json, sys
from importlib.metadata import distribution, version
import django_nova, horizon, openstack_dashboard
nova_files = [str(f) for f in distribution("django-nova").files]
print(json.dumps({
    "django_nova": django_nova.__file__, "horizon": horizon.__file__,
    "openstack_dashboard": openstack_dashboard.__file__,
    "nova_owns_openstack_dashboard": any(f.startswith("openstack_dashboard") for f in nova_files),
    "horizon_owns_openstack_dashboard": "openstack_dashboard/__init__.py" in
        [str(f) for f in distribution("horizon").files],
    "versions": {name: version(name) for name in ("django-nova", "horizon", "Django")},
}))
"""
    # Run from tmp_path, so the checkout's own openstack_dashboard is not on sys.path.
    report = json.loads(run([python, "-c", probe], cwd=tmp_path).splitlines()[-1])
    site_packages = str(venv / "lib")
    assert all(report[module].startswith(site_packages)
               for module in ("django_nova", "horizon", "openstack_dashboard"))
    assert report["horizon_owns_openstack_dashboard"]
    assert not report["nova_owns_openstack_dashboard"]
    assert report["versions"]["horizon"] == "27.0.0"
    print(report["versions"])
