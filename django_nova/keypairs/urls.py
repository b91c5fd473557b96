from django.utils.translation import gettext_lazy as _

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
    MenuEntry("Compute", _("Key pairs"), "keypairs", id="nav-keypairs", order=40),
]
