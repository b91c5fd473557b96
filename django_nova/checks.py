"""System checks: a bad NOVA setting fails at start-up, not on a user's page."""

from django.conf import settings
from django.core import checks

from .clouds import DRIVERS, cloud_class
from .conf import nova_settings

MIDDLEWARE = "django_nova.middleware.NovaContextMiddleware"
AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"


@checks.register()
def check_settings(app_configs, **kwargs):
    errors = []
    nova = nova_settings()
    clouds = nova.get("CLOUDS") or {}
    if not clouds:
        errors.append(checks.Error("NOVA['CLOUDS'] defines no cloud.", id="django_nova.E001"))
    for key, cloud in clouds.items():
        driver = cloud.get("DRIVER")
        try:
            kind = cloud_class(str(driver))
        except (ImportError, TypeError, ValueError) as error:
            errors.append(checks.Error(
                f"Cloud {key!r} has DRIVER {driver!r}; use one of {sorted(DRIVERS)} or the "
                f"dotted path of a django_nova.clouds.base.Cloud subclass ({error}).",
                id="django_nova.E002"))
            kind = None
        if not cloud.get("REGIONS"):
            errors.append(checks.Error(f"Cloud {key!r} lists no REGIONS.", id="django_nova.E003"))
        if kind is not None:
            errors.extend(kind.check_config(key, cloud))
    if not 5 <= int(nova.get("PAGE_SIZE", 0)) <= 1000:
        errors.append(checks.Error("NOVA['PAGE_SIZE'] must be between 5 and 1000.",
                                   id="django_nova.E005"))
    middleware = list(settings.MIDDLEWARE)
    if MIDDLEWARE not in middleware:
        errors.append(checks.Error(f"Add {MIDDLEWARE!r} to MIDDLEWARE.", id="django_nova.E006"))
    elif AUTH_MIDDLEWARE not in middleware[:middleware.index(MIDDLEWARE)]:
        errors.append(checks.Error(f"{MIDDLEWARE!r} must come after {AUTH_MIDDLEWARE!r}.",
                                   id="django_nova.E007"))
    processors = [p for t in settings.TEMPLATES
                  for p in t.get("OPTIONS", {}).get("context_processors", [])]
    if "django.template.context_processors.request" not in processors:
        errors.append(checks.Error(
            "django_nova's templates need 'django.template.context_processors.request'.",
            id="django_nova.E008"))
    return errors


@checks.register()
def check_provisioning(app_configs, **kwargs):
    """A cloud's PROVISIONING must be a dict (what each kind of cloud needs in it, its
    ``check_config`` says)."""
    errors = []
    for key, cloud in (nova_settings().get("CLOUDS") or {}).items():
        provisioning = cloud.get("PROVISIONING")
        if provisioning is None:
            continue
        if not isinstance(provisioning, dict):
            errors.append(checks.Error(f"Cloud {key!r}: PROVISIONING must be a dict.",
                                       id="django_nova.E020"))
    return errors
