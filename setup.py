"""Packaging for django-nova: the reusable app `django_nova` only.

The reference site (`openstack_dashboard/`) is not packaged: it runs from the
checkout (run_dashboard.sh, manage.py), and Horizon's wheel owns that import
name, so the two install side by side.

The vendored front-end files (Bootstrap, htmx) are fetched from the npm
registry by tools/fetch_static.py before an sdist or a wheel is built; the
sdist carries them, so a wheel built from it needs no npm and no network.

Builds keep the source tree clean: egg-info and build/ go to a scratch folder
outside it, removed when the build ends.
"""

import atexit
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
REPOSITORY = "https://github.com/django-nova/django-nova"

SCRATCH = Path(tempfile.mkdtemp(prefix="django-nova-build-"))
atexit.register(shutil.rmtree, SCRATCH, ignore_errors=True)


def vendor_static():
    subprocess.check_call([sys.executable, str(HERE / "tools" / "fetch_static.py")])


class BuildWithStatic(build_py):
    """Vendor the static files (unless present and matching) before copying package data."""

    def run(self):
        vendor_static()
        super().run()


class SdistWithStatic(sdist):
    """Vendor the static files into the sdist, so building from it needs no npm."""

    def run(self):
        vendor_static()
        super().run()


setup(
    name="django-nova",
    version="0.1.0",
    description="A Django dashboard for OpenStack and EC2 clouds",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license_expression="Apache-2.0",
    license_files=["LICENSE"],
    project_urls={
        "Homepage": REPOSITORY,
        "Documentation": f"{REPOSITORY}/tree/main/docs",
        "Source": REPOSITORY,
        "Issues": f"{REPOSITORY}/issues",
    },
    python_requires=">=3.11",
    # Namespace discovery, so template and static folders travel as package data.
    packages=find_namespace_packages(include=["django_nova", "django_nova.*"]),
    include_package_data=True,
    package_data={"django_nova": ["templates/**/*", "static/**/*", "data/*",
                                  "locale/*/LC_MESSAGES/*"]},
    install_requires=[
        "Django>=5.2",
        "boto3>=1.40",
        "openstacksdk>=4.5",
        "keystoneauth1>=5.10",
        "cryptography>=44",
        "prometheus-client>=0.20",
    ],
    extras_require={
        # The embedded sandbox cloud: a moto EC2 server on loopback.
        "embedded": ["moto[server]>=5.1.10"],
        # What the reference site (run from the checkout) needs to serve itself,
        # sign-ups and rate limits included.
        # django-csp and django-permissions-policy: the security headers, one code path on
        # Django 5.2 and 6.x (Django's own CSP exists from 6.0 only).
        "site": ["gunicorn>=23", "whitenoise>=6.9", "django-registration>=5.2",
                 "django-axes>=8.3", "django-ratelimit>=4.1", "dj-database-url>=2.3",
                 "python-json-logger>=3.1", "django-csp>=4.0",
                 "django-permissions-policy>=4.33"],
        # The reference site on PostgreSQL (NOVA_DATABASE_URL) and Redis (NOVA_REDIS_URL).
        "postgres": ["psycopg[binary]>=3.2"],
        "redis": ["redis>=5.2"],
        "test": [
            # <9.2: pytest-xdist 3.8's --dist loadgroup does not group on pytest 9.2
            # (pytest-dev/pytest-xdist#1386); tests/conftest.py refuses to run ungrouped.
            "pytest>=8.3,<9.2",
            "pytest-django>=4.11",
            # ./run_tests.sh runs the suite in two processes (tests/conftest.py groups them).
            "pytest-xdist>=3.6",
            "selenium>=4.51,<4.52",
            "ruff>=0.15",
            # tests/test_packaging.py builds the sdist and wheels, one without isolation.
            "build>=1.2",
            "setuptools>=77",
        ],
    },
    cmdclass={"build_py": BuildWithStatic, "sdist": SdistWithStatic},
    # Scratch outside the source tree (an explicit option, e.g. from dist_info, still wins).
    options={
        "egg_info": {"egg_base": str(SCRATCH)},
        "build": {"build_base": str(SCRATCH / "build")},
    },
    # Exactly what CI tests: Django 5.2 on Python 3.11, Django 6.1 on Python 3.12.
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Framework :: Django :: 6.1",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ],
)
