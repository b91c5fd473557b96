from django.urls import include, path

from ..menu import MenuEntry
from . import views

paths = [
    path("", views.VolumeListView.as_view(), name="volumes"),
    path("create/", views.VolumeCreateView.as_view(), name="volume-create"),
    path("delete/", views.VolumeBulkDeleteView.as_view(), name="volumes-bulk-delete"),
    path("snapshots/delete/", views.SnapshotBulkDeleteView.as_view(),
         name="snapshots-bulk-delete"),
    path("snapshots/", views.SnapshotListView.as_view(), name="snapshots"),
    path("snapshots/<str:snapshot_id>/row/", views.SnapshotRowView.as_view(),
         name="snapshot-row"),
    path("snapshots/<str:snapshot_id>/edit/", views.SnapshotEditView.as_view(),
         name="snapshot-edit"),
    path("snapshots/<str:snapshot_id>/delete/", views.SnapshotDeleteView.as_view(),
         name="snapshot-delete"),
    path("<str:volume_id>/row/", views.VolumeRowView.as_view(), name="volume-row"),
    path("<str:volume_id>/edit/", views.VolumeEditView.as_view(), name="volume-edit"),
    path("<str:volume_id>/extend/", views.VolumeExtendView.as_view(), name="volume-extend"),
    path("<str:volume_id>/attach/", views.VolumeAttachView.as_view(), name="volume-attach"),
    path("<str:volume_id>/detach/", views.VolumeDetachView.as_view(), name="volume-detach"),
    path("<str:volume_id>/snapshot/", views.SnapshotCreateView.as_view(),
         name="volume-snapshot"),
    path("<str:volume_id>/delete/", views.VolumeDeleteView.as_view(), name="volume-delete"),
]

urlpatterns = [path("volumes/", include(paths))]

menu = [
    MenuEntry("Storage", "Volumes", "volumes", id="nav-volumes", order=10, needs="has_volumes"),
    MenuEntry("Storage", "Snapshots", "snapshots", id="nav-snapshots", order=20,
              needs="has_volumes"),
]
