from django.utils.translation import gettext_lazy as _

from ..menu import MenuEntry
from ..routes import routes
from . import views

urlpatterns = [
    *routes("volumes", "volumes/", views.VolumeListView),
    *routes("volume", "volumes/", create=views.VolumeCreateView),
    *routes("volumes-bulk", "volumes/", delete=views.VolumeBulkDeleteView),
    *routes("snapshots-bulk", "volumes/snapshots/", delete=views.SnapshotBulkDeleteView),
    *routes("snapshots", "volumes/snapshots/", views.SnapshotListView),
    *routes("snapshot", "volumes/snapshots/<str:snapshot_id>/", row=views.SnapshotRowView,
            edit=views.SnapshotEditView, delete=views.SnapshotDeleteView),
    *routes("volume", "volumes/<str:volume_id>/", row=views.VolumeRowView,
            edit=views.VolumeEditView, extend=views.VolumeExtendView,
            attach=views.VolumeAttachView, detach=views.VolumeDetachView,
            snapshot=views.SnapshotCreateView, delete=views.VolumeDeleteView),
]

menu = [
    MenuEntry("Storage", _("Volumes"), "volumes", id="nav-volumes", order=10, needs="has_volumes"),
    MenuEntry("Storage", _("Snapshots"), "snapshots", id="nav-snapshots", order=20,
              needs="has_volumes"),
]
