from django.apps import AppConfig


class DjangoNovaConfig(AppConfig):
    name = "django_nova"
    verbose_name = "Nova cloud dashboard"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
