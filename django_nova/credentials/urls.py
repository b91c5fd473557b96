from django.urls import path
from django.utils.translation import gettext_lazy as _

from ..menu import MenuEntry
from ..routes import routes
from . import views

urlpatterns = [
    *routes("credentials", "credentials/", views.CredentialsView,
            download=views.SecretDownloadView),
    path("credentials/openrc/", views.ProjectFileView.as_view(kind="openrc"),
         name="credentials-openrc"),
    path("credentials/clouds.yaml", views.ProjectFileView.as_view(kind="clouds-yaml"),
         name="credentials-clouds-yaml"),
    *routes("credentials-app", "credentials/application/",
            create=views.ApplicationCredentialCreateView),
    *routes("credentials-app", "credentials/application/<str:credential_id>/",
            delete=views.ApplicationCredentialDeleteView),
    *routes("credentials-key", "credentials/keys/", create=views.AccessKeyCreateView),
    *routes("credentials-key", "credentials/keys/<str:key_id>/",
            status=views.AccessKeyStatusView, delete=views.AccessKeyDeleteView),
]

menu = [
    MenuEntry("Project", _("API access"), "credentials", id="nav-credentials", order=20,
              project_only=True),
]
