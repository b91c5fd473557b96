"""Packaging for django-nova: the reusable app `django_nova` only.

The reference site (`openstack_dashboard/`) is not packaged: it runs from the
checkout (run_dashboard.sh, manage.py), and Horizon's wheel owns that import
name, so the two install side by side.

The vendored front-end files (Bootstrap, htmx) are fetched from the npm
registry at build time by tools/fetch_static.py, so the wheel carries them
and a site needs no CDN.
"""

import subprocess
import sys
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
REPOSITORY = "https://github.com/django-nova/django-nova"


class BuildWithStatic(build_py):
    """Fetch the vendored static files before copying package data."""

    def run(self):
        subprocess.check_call([sys.executable, str(HERE / "tools" / "fetch_static.py")])
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
    package_data={"django_nova": ["templates/**/*", "static/**/*", "data/*"]},
    install_requires=[
        "Django>=5.2",
        "boto3>=1.40",
        "openstacksdk>=4.5",
        "keystoneauth1>=5.10",
        "cryptography>=44",
    ],
    extras_require={
        # The embedded sandbox cloud: a moto EC2 server on loopback.
        "embedded": ["moto[server]>=5.1.10"],
        # What the reference site (run from the checkout) needs to serve itself,
        # sign-ups and rate limits included.
        "site": ["gunicorn>=23", "whitenoise>=6.9", "django-registration>=5.2",
                 "django-axes>=8.3", "django-ratelimit>=4.1", "dj-database-url>=2.3"],
        # The reference site on PostgreSQL (NOVA_DATABASE_URL) and Redis (NOVA_REDIS_URL).
        "postgres": ["psycopg[binary]>=3.2"],
        "redis": ["redis>=5.2"],
        "test": [
            "pytest>=8.3",
            "pytest-django>=4.11",
            "selenium>=4.51,<4.52",
            "ruff>=0.15",
        ],
    },
    cmdclass={"build_py": BuildWithStatic},
    # Exactly what CI tests: Django 5.2 on Python 3.11, Django 6.1 on Python 3.12.
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Framework :: Django :: 6.1",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ],
)
