"""Sign-up settings fail loudly: a cloud that takes sign-ups must exist."""

from django.conf import settings
from django.core import checks

from django_nova.conf import nova_settings


@checks.register()
def check_registration_clouds(app_configs, **kwargs):
    wanted = getattr(settings, "REGISTRATION_CLOUDS", None)
    if wanted is None:
        return []
    nova = getattr(settings, "NOVA", {})
    if not isinstance(nova, dict) or not isinstance(nova.get("CLOUDS", {}), dict):
        return []  # django_nova's own checks say what is wrong with NOVA
    clouds = nova_settings()["CLOUDS"]
    return [checks.Error(f"REGISTRATION_CLOUDS names {key!r}, which is not in NOVA['CLOUDS'].",
                         id="nova_registration.E001")
            for key in wanted if key not in clouds]
