"""Settings of the reference site.

Everything a deployment changes comes from the environment (NOVA_*,
DJANGO_* variables); the defaults serve the embedded sandbox cloud on
loopback, which is what ./run_dashboard.sh does.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import django
from csp.constants import NONE, SELF

from django_nova.conf import EMBEDDED_CLOUD
from django_nova.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NOVA_VAR_DIR", BASE_DIR / "var"))


def _private_var_dir(path: Path) -> None:
    """Keep everything the site writes in VAR_DIR private to its user.

    The site's processes (gunicorn workers, management commands, the embedded
    cloud they start) create files 0600 and directories 0700: the umask is
    tightened here, before any of them is written.  A VAR_DIR that others can
    enter (left by an older version, or made by hand) is closed as a whole,
    once: every directory 0700, every file 0600.
    """
    os.umask(os.umask(0o077) | 0o077)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.stat().st_mode & 0o077:
        return
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            entry = os.path.join(root, name)
            if not os.path.islink(entry):
                os.chmod(entry, 0o700 if name in dirs else 0o600)
    path.chmod(0o700)


_private_var_dir(VAR_DIR)


def _secret_key() -> str:
    """DJANGO_SECRET_KEY, or one generated on first run and kept in var/ (mode 600)."""
    if key := os.environ.get("DJANGO_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("NOVA_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    # First: the site's templates brand django_nova's, and both catalogs win over Django's
    # own (the admin's German "Filter" is a noun; django_nova's button says "Filtern").
    "openstack_dashboard",
    "django_nova",
    "openstack_dashboard.registration",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_ratelimit",
    "csp",
]

MIDDLEWARE = [
    # First: every request gets its id and access line, whatever happens inside.
    "django_nova.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files get the security headers too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages (Django pads them against BREACH).  Below WhiteNoise, which
    # answers static files itself, precompressed.  Outside the ETag middleware, so the
    # ETag is the page's own (made weak here) and a 304 skips the compressing.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language: a person's saved choice (NovaContextMiddleware), else the
    # language cookie, else Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Before the cloud context: an idle or too old session ends before any cloud call.
    "django_nova.sessions.SessionTimeoutMiddleware",
    "django_nova.sandbox.SandboxRestartMiddleware",
    "django_nova.middleware.NovaContextMiddleware",
    # Last: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "openstack_dashboard.urls"
WSGI_APPLICATION = "openstack_dashboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite in var/ by default; NOVA_DATABASE_URL (postgres://user@host:port/name)
# for a real deployment (install the "postgres" extra).
if os.environ.get("NOVA_DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(
        os.environ["NOVA_DATABASE_URL"], conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # gunicorn's threads and workers write at once (sessions, audit, quota
            # holds).  IMMEDIATE takes the write lock when a transaction begins, so a
            # writer waits its turn (up to "timeout" s) instead of failing with
            # "database is locked" when two read-then-write transactions meet; WAL
            # lets pages read while one writes.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE",
                        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL"},
        }
    }

# One cache for every process of the site (gunicorn workers, management
# commands): rate limits and catalogs must not be per worker.  Redis when
# NOVA_REDIS_URL is set (install the "redis" extra), else files in var/.
if os.environ.get("NOVA_REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["NOVA_REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses locked-out logins before any password is checked (Keystone included).
    "axes.backends.AxesStandaloneBackend",
    "django_nova.backends.KeystoneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "django_nova:login"
LOGIN_REDIRECT_URL = "django_nova:instances"

# The languages django-nova ships catalogs for; the browser's Accept-Language picks one,
# and each person can choose another on their settings page (django_nova.preferences).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("zh-hans", "简体中文")]
# English dates stay ISO-like (2026-12-01 18:20); other languages use Django's formats.
FORMAT_MODULE_PATH = ["openstack_dashboard.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cookies: HttpOnly session, no JS access to CSRF; HTTPS-only when served over TLS.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp, the same on Django 5.2 and 6.x): the pages
# have no inline script or style and load nothing from elsewhere.  data: images
# are Bootstrap's own SVG icons (select arrows, close buttons, check marks).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): the dashboard uses no device or
# powerful feature, so no page (nor anything injected into one) may.
PERMISSIONS_POLICY = {feature: [] for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
    "fullscreen", "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer",
    "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking")}

# Sessions: signed out after NOVA_SESSION_IDLE_TIMEOUT seconds without activity
# (default 30 minutes) and NOVA_SESSION_MAX_AGE seconds after signing in (default
# 12 hours), whatever happens: NIST SP 800-63B's limits for AAL2 (see
# django_nova.sessions).  0 switches the idle timeout off.
SESSION_COOKIE_AGE = int(os.environ.get("NOVA_SESSION_MAX_AGE", "43200"))
_session_idle_timeout = int(os.environ.get("NOVA_SESSION_IDLE_TIMEOUT", "1800"))

if os.environ.get("NOVA_HTTPS") == "1":
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# NOVA_PROVISIONING=0: sign-ups get no project; an admin assigns them.
_provisioning = os.environ.get("NOVA_PROVISIONING", "1") != "0"
NOVA = {
    # A sign-up on the embedded cloud gets a personal project (its own account).
    "CLOUDS": {"embedded": {**EMBEDDED_CLOUD, "PROVISIONING": {"ENABLED": _provisioning}}},
    "EMBEDDED_STATE_DIR": str(VAR_DIR / "embedded-cloud"),
    # Behind N trusted reverse proxies, the client address (audit log, rate limits)
    # is the Nth from the right of X-Forwarded-For; 0 trusts REMOTE_ADDR only.
    "TRUSTED_PROXIES": int(os.environ.get("NOVA_PROXY_COUNT", "0")),
    "SESSION_IDLE_TIMEOUT": _session_idle_timeout,
    # Besides loopback, Prometheus scrapes /metrics with "Authorization: Bearer <token>".
    "METRICS_TOKEN": os.environ.get("NOVA_METRICS_TOKEN", ""),
}
# OpenStack clouds the OpenStack way, read by openstacksdk's own loader: OS_CLOUD names
# a clouds.yaml cloud (in OS_CLIENT_CONFIG_FILE or the standard places), and OS_AUTH_URL
# with the other OS_* variables of an openrc describes one, as for the openstack CLI.
# With both, both are offered.
_openstack_clouds = {}
if os.environ.get("OS_CLOUD"):
    from django_nova.clouds.openstack import cloud_from_clouds_yaml

    _openstack_clouds[os.environ["OS_CLOUD"]] = cloud_from_clouds_yaml(os.environ["OS_CLOUD"])
if os.environ.get("OS_AUTH_URL"):
    from django_nova.clouds.openstack.config import clouds_from_environment

    _openstack_clouds.update(clouds_from_environment())
NOVA["CLOUDS"].update(_openstack_clouds)
# Sign-ups on the OS_CLOUD cloud (else the OS_* one) need a service account: a clouds.yaml
# cloud with the admin role, or "envvars" for the OS_* variables' own user.  Users are
# made in the domain they sign in to.
if _openstack_clouds and os.environ.get("NOVA_PROVISIONING_CLOUD"):
    _signups = next(iter(_openstack_clouds.values()))
    _signups["PROVISIONING"] = {
        "ENABLED": _provisioning,
        "SERVICE_CLOUD": os.environ["NOVA_PROVISIONING_CLOUD"],
        "CLOUDS_YAML": os.environ.get("OS_CLIENT_CONFIG_FILE"),
        "DOMAIN": _signups.get("DEFAULT_DOMAIN_ID") or _signups.get("DEFAULT_DOMAIN", "Default"),
    }

# Sign-up (django-registration's activation workflow, openstack_dashboard.registration).
# NOVA_REGISTRATION=closed shows the "registration closed" page instead.
REGISTRATION_OPEN = os.environ.get("NOVA_REGISTRATION", "open") != "closed"
# Clouds that take sign-ups (None: every cloud; OpenStack ones only with provisioning on).
REGISTRATION_CLOUDS = ([c for c in os.environ["NOVA_REGISTRATION_CLOUDS"].split(",") if c]
                       if os.environ.get("NOVA_REGISTRATION_CLOUDS") else None)
ACCOUNT_ACTIVATION_DAYS = 3
# Sign-up posts per client address (django-ratelimit, counted in the shared cache).
REGISTRATION_RATE = os.environ.get("NOVA_REGISTRATION_RATE", "10/h")
# Password reset requests per client address, and per email address asked for
# (whether or not an account has it, so the limit tells nothing).
PASSWORD_RESET_RATE = os.environ.get("NOVA_PASSWORD_RESET_RATE", "10/h")
PASSWORD_RESET_EMAIL_RATE = os.environ.get("NOVA_PASSWORD_RESET_EMAIL_RATE", "3/h")

# Email: printed on the console (the demo's activation links), or sent by SMTP.
if os.environ.get("NOVA_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["NOVA_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("NOVA_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("NOVA_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("NOVA_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("NOVA_EMAIL_TLS", "1") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = SERVER_EMAIL = os.environ.get("NOVA_EMAIL_FROM", "nova@localhost")
# Who hears about failed provisioning: NOVA_ADMINS="ops@example.org,root@example.org".
_admins = [a.strip() for a in os.environ.get("NOVA_ADMINS", "").split(",") if a.strip()]
ADMINS = _admins if django.VERSION >= (6, 0) else [(a, a) for a in _admins]

# Login rate limiting (django-axes): 5 failures per user name and address lock
# that pair out for 15 minutes; attempts live in the database, shared by workers.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "openstack_dashboard.registration.ratelimit.lockout_response"
AXES_USERNAME_CALLABLE = "openstack_dashboard.registration.ratelimit.attempt_username"
AXES_CLIENT_IP_CALLABLE = RATELIMIT_IP_META_KEY = "django_nova.client_address.client_address"
# django-ratelimit wants a cache with atomic increments.  Django's own RedisCache
# has them (INCRBY) but is newer than django-ratelimit's list of known backends
# (W001).  The shared file cache has none: under a concurrent burst it may let a
# few extra sign-ups through, which a sign-up limit can live with (E003).
SILENCED_SYSTEM_CHECKS = (["django_ratelimit.W001"] if "redis" in CACHES["default"]["BACKEND"]
                          else ["django_ratelimit.E003", "django_ratelimit.W001"])

# Everything to stderr with request ids (django_nova.logs): 500s with their traceback,
# the access log, django-nova's records. NOVA_LOG_FORMAT=json for JSON lines.
LOGGING = logging_config(json_lines=os.environ.get("NOVA_LOG_FORMAT") == "json",
                         level=os.environ.get("NOVA_LOG_LEVEL", "INFO"))
