from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "openstack_dashboard.registration"
    label = "nova_registration"
    verbose_name = _("Sign-ups")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_save

        from . import checks  # noqa: F401  (registers the system checks)
        from .signups import forget_kept_password

        # However an account becomes active, its sign-up's kept password goes.
        post_save.connect(forget_kept_password, sender=settings.AUTH_USER_MODEL,
                          dispatch_uid="nova_registration.forget_kept_password")
