from django.urls import path

from ..menu import MenuEntry
from . import views

urlpatterns = [
    path("credentials/", views.CredentialsView.as_view(), name="credentials"),
    path("credentials/openrc/", views.ProjectFileView.as_view(kind="openrc"),
         name="credentials-openrc"),
    path("credentials/clouds.yaml", views.ProjectFileView.as_view(kind="clouds-yaml"),
         name="credentials-clouds-yaml"),
    path("credentials/download/", views.SecretDownloadView.as_view(),
         name="credentials-download"),
    path("credentials/application/create/", views.ApplicationCredentialCreateView.as_view(),
         name="credentials-app-create"),
    path("credentials/application/<str:credential_id>/delete/",
         views.ApplicationCredentialDeleteView.as_view(), name="credentials-app-delete"),
    path("credentials/keys/create/", views.AccessKeyCreateView.as_view(),
         name="credentials-key-create"),
    path("credentials/keys/<str:key_id>/status/", views.AccessKeyStatusView.as_view(),
         name="credentials-key-status"),
    path("credentials/keys/<str:key_id>/delete/", views.AccessKeyDeleteView.as_view(),
         name="credentials-key-delete"),
]

menu = [
    MenuEntry("Project", "API access", "credentials", id="nav-credentials", order=20,
              project_only=True),
]
