"""A minimal, unrelated Django site that embeds django_nova: one INSTALLED_APPS
entry, one include() and one NOVA dict.  No openstack_dashboard anywhere."""

import os
import tempfile

SECRET_KEY = "embedding-test-only-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_nova",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_nova.middleware.NovaContextMiddleware",
]
ROOT_URLCONF = "tests.embedding.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    # The host's own layout for django_nova's pages (templates/django_nova/base.html).
    "DIRS": [os.path.join(os.path.dirname(__file__), "templates")],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
STATIC_URL = "/assets/"
USE_TZ = True
LOGIN_URL = "django_nova:login"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Django's default cache (LocMemCache) is per process: this site runs in one, so
# django_nova's warning about several workers disagreeing does not apply.
SILENCED_SYSTEM_CHECKS = ["django_nova.W001"]
NOVA = {
    "CLOUDS": {"sandbox": {
        "DRIVER": "ec2",
        "LABEL": "Team sandbox",
        "ENDPOINT": os.environ["EMBEDDING_EC2_ENDPOINT"],
        "REGIONS": ["eu-central-1"],
        "ACCESS_KEY_ID": "embedding-test",
        "SECRET_ACCESS_KEY": "embedding-test",
        "ROLE_NAME": "Dashboard",
        "IMAGE_OWNERS": ["100000000001"],
        "INSTANCE_TYPES": ["t3.micro"],
    }},
    "EMBEDDED_STATE_DIR": tempfile.mkdtemp(prefix="nova-embedding-"),
}
