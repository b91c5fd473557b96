"""Cloud administration (admins only): all projects' instances and volumes; flavors,
hypervisors and compute services."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from ..menu import MenuEntry
from ..routes import routes
from . import views

FLAVOR = "manage/flavors/<str:flavor_id>/"
SERVICE = "manage/compute-services/<str:service_id>/"

urlpatterns = [
    *routes("admin-instances", "manage/instances/", views.AllInstancesView),
    *routes("admin-instance", "manage/instances/<str:project_id>/<str:instance_id>/",
            terminate=views.AdminInstanceTerminateView),
    # After terminate: any other is one of the instance's simple actions.
    path("manage/instances/<str:project_id>/<str:instance_id>/<str:action>/",
         views.AdminInstanceActionView.as_view(), name="admin-instance-action"),
    *routes("admin-volumes", "manage/volumes/", views.AllVolumesView),
    *routes("admin-volume", "manage/volumes/<str:project_id>/<str:volume_id>/",
            delete=views.AdminVolumeDeleteView),
    *routes("admin-flavors", "manage/flavors/", views.FlavorListView),
    *routes("admin-flavor", "manage/flavors/", create=views.FlavorCreateView),
    *routes("admin-flavor", FLAVOR, delete=views.FlavorDeleteView, access=views.FlavorAccessView),
    *routes("admin-flavor-access", f"{FLAVOR}access/<str:project_id>/",
            remove=views.FlavorAccessRemoveView),
    *routes("admin-hypervisors", "manage/hypervisors/", views.HypervisorListView),
    *routes("admin-compute-service", SERVICE, disable=views.ServiceDisableView,
            enable=views.ServiceEnableView),
]

menu = [
    MenuEntry("Admin", _("All instances"), "admin-instances", id="nav-admin-instances", order=40,
              admin_only=True),
    MenuEntry("Admin", _("All volumes"), "admin-volumes", id="nav-admin-volumes", order=50,
              admin_only=True),
    # Nova's admin APIs: a cloud without them (EC2) shows no entry leading nowhere.
    MenuEntry("Admin", _("Flavors"), "admin-flavors", id="nav-admin-flavors", order=60,
              admin_only=True, needs="has_compute_admin"),
    MenuEntry("Admin", _("Hypervisors"), "admin-hypervisors", id="nav-admin-hypervisors", order=70,
              admin_only=True, needs="has_compute_admin"),
]
