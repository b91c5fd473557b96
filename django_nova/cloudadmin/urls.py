from django.urls import path

from ..menu import MenuEntry
from . import views

urlpatterns = [
    path("manage/instances/", views.AllInstancesView.as_view(), name="admin-instances"),
    path("manage/instances/<str:project_id>/<str:instance_id>/terminate/",
         views.AdminInstanceTerminateView.as_view(), name="admin-instance-terminate"),
    path("manage/instances/<str:project_id>/<str:instance_id>/<str:action>/",
         views.AdminInstanceActionView.as_view(), name="admin-instance-action"),
    path("manage/volumes/", views.AllVolumesView.as_view(), name="admin-volumes"),
    path("manage/volumes/<str:project_id>/<str:volume_id>/delete/",
         views.AdminVolumeDeleteView.as_view(), name="admin-volume-delete"),
    path("manage/flavors/", views.FlavorListView.as_view(), name="admin-flavors"),
    path("manage/flavors/create/", views.FlavorCreateView.as_view(), name="admin-flavor-create"),
    path("manage/flavors/<str:flavor_id>/delete/", views.FlavorDeleteView.as_view(),
         name="admin-flavor-delete"),
    path("manage/flavors/<str:flavor_id>/access/", views.FlavorAccessView.as_view(),
         name="admin-flavor-access"),
    path("manage/flavors/<str:flavor_id>/access/<str:project_id>/remove/",
         views.FlavorAccessRemoveView.as_view(), name="admin-flavor-access-remove"),
    path("manage/hypervisors/", views.HypervisorListView.as_view(), name="admin-hypervisors"),
    path("manage/compute-services/<str:service_id>/disable/",
         views.ServiceDisableView.as_view(), name="admin-compute-service-disable"),
    path("manage/compute-services/<str:service_id>/enable/",
         views.ServiceEnableView.as_view(), name="admin-compute-service-enable"),
]

menu = [
    MenuEntry("Admin", "All instances", "admin-instances", id="nav-admin-instances", order=40,
              admin_only=True),
    MenuEntry("Admin", "All volumes", "admin-volumes", id="nav-admin-volumes", order=50,
              admin_only=True),
    MenuEntry("Admin", "Flavors", "admin-flavors", id="nav-admin-flavors", order=60,
              admin_only=True),
    MenuEntry("Admin", "Hypervisors", "admin-hypervisors", id="nav-admin-hypervisors", order=70,
              admin_only=True),
]
