from ..menu import MenuEntry
from ..routes import routes
from . import views

urlpatterns = [
    *routes("keypairs", "keypairs/", views.KeyPairListView),
    *routes("keypair", "keypairs/", create=views.KeyPairCreateView,
            import_=views.KeyPairImportView),
    *routes("keypairs-bulk", "keypairs/", delete=views.KeyPairBulkDeleteView),
    *routes("keypair", "keypairs/<str:name>/", delete=views.KeyPairDeleteView),
]

menu = [
    MenuEntry("Compute", "Key pairs", "keypairs", id="nav-keypairs", order=40),
]
