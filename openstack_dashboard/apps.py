from django.apps import AppConfig


class OpenStackDashboardConfig(AppConfig):
    name = "openstack_dashboard"
    verbose_name = "django-nova reference site"
