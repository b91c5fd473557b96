from django.urls import include, path

from ..menu import MenuEntry
from . import views

paths = [
    path("", views.InstanceListView.as_view(), name="instances"),
    path("launch/", views.LaunchView.as_view(), name="instance-launch"),
    path("bulk/", views.InstanceBulkView.as_view(), name="instances-bulk"),
    path("<str:instance_id>/", views.InstanceDetailView.as_view(), name="instance"),
    path("<str:instance_id>/row/", views.InstanceRowView.as_view(), name="instance-row"),
    path("<str:instance_id>/console/", views.InstanceConsoleView.as_view(),
         name="instance-console"),
    path("<str:instance_id>/terminate/", views.InstanceTerminateView.as_view(),
         name="instance-terminate"),
    path("<str:instance_id>/resize/", views.InstanceResizeView.as_view(),
         name="instance-resize"),
    path("<str:instance_id>/rebuild/", views.InstanceRebuildView.as_view(),
         name="instance-rebuild"),
    path("<str:instance_id>/<str:action>/", views.InstanceActionView.as_view(),
         name="instance-action"),
]

urlpatterns = [path("instances/", include(paths))]

menu = [
    MenuEntry("Compute", "Instances", "instances", id="nav-instances", order=10),
]
