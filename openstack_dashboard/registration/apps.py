from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "openstack_dashboard.registration"
    label = "nova_registration"
    verbose_name = "Sign-ups"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
