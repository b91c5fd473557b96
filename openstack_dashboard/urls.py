from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page says: send them to the icon
    (resolved per request, so a static manifest is read only once it exists)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("django_nova/favicon.svg")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", FaviconView.as_view()),
    # Django's set_language: the language picker visitors see before they sign in.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("openstack_dashboard.registration.urls")),
    path("", include("django_nova.urls")),
]

# A 500 page that needs neither the database nor a cloud (403 and 404: templates/).
handler500 = "django_nova.errorpages.server_error"
