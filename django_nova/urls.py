"""django_nova's URLs; a site includes them once: ``path("", include("django_nova.urls"))``."""

from django.urls import include, path
from django.views.generic import RedirectView

from .images import views as images_views

app_name = "django_nova"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="django_nova:instances"), name="home"),
    path("", include("django_nova.accounts.urls")),
    path("instances/", include("django_nova.instances.urls")),
    path("images/", include("django_nova.images.urls")),
    path("flavors/", images_views.InstanceTypeListView.as_view(), name="flavors"),
    path("keypairs/", include("django_nova.keypairs.urls")),
    path("network/", include("django_nova.network.urls")),
    path("volumes/", include("django_nova.volumes.urls")),
    # Areas that name their own paths: project pages at the top, admin pages under manage/.
    path("", include("django_nova.quotas.urls")),
    path("", include("django_nova.credentials.urls")),
    path("", include("django_nova.audit.urls")),
    path("", include("django_nova.identity.urls")),
    path("", include("django_nova.cloudadmin.urls")),
]
