from django.urls import include, path

from ..menu import MenuEntry
from . import views

paths = [
    path("", views.KeyPairListView.as_view(), name="keypairs"),
    path("create/", views.KeyPairCreateView.as_view(), name="keypair-create"),
    path("import/", views.KeyPairImportView.as_view(), name="keypair-import"),
    path("delete/", views.KeyPairBulkDeleteView.as_view(), name="keypairs-bulk-delete"),
    path("<str:name>/delete/", views.KeyPairDeleteView.as_view(), name="keypair-delete"),
]

urlpatterns = [path("keypairs/", include(paths))]

menu = [
    MenuEntry("Compute", "Key pairs", "keypairs", id="nav-keypairs", order=40),
]
