from django.urls import path
from django.utils.translation import gettext_lazy as _

from ..menu import MenuEntry
from ..routes import routes
from . import views

urlpatterns = [
    *routes("instances", "instances/", views.InstanceListView, bulk=views.InstanceBulkView),
    *routes("instance", "instances/", launch=views.LaunchView),
    *routes("instance", "instances/<str:instance_id>/", views.InstanceDetailView,
            row=views.InstanceRowView, console=views.InstanceConsoleView,
            terminate=views.InstanceTerminateView, resize=views.InstanceResizeView,
            rebuild=views.InstanceRebuildView),
    # After the named actions: any other is one of the instance's simple actions.
    path("instances/<str:instance_id>/<str:action>/", views.InstanceActionView.as_view(),
         name="instance-action"),
]

menu = [
    MenuEntry("Compute", _("Instances"), "instances", id="nav-instances", order=10),
]
