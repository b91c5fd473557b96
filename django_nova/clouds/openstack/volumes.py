"""Cinder volumes and snapshots; attachments go through Nova."""

from ...resources import Snapshot, Volume, VolumeSpec
from . import parsers
from .session import OpenStackSession


class OpenStackVolumes:
    def __init__(self, session: OpenStackSession):
        self.session = session

    @property
    def _cinder(self):
        return self.session.conn.block_storage

    def list_volumes(self) -> list[Volume]:
        return self.session.call(lambda: [parsers.volume(v)
                                          for v in self._cinder.volumes(details=True)])

    def get_volume(self, volume_id: str) -> Volume:
        return parsers.volume(self.session.call(self._cinder.get_volume, volume_id))

    def list_volume_types(self) -> list[str]:
        return self.session.call(lambda: sorted(t.name for t in self._cinder.types()))

    def create_volume(self, spec: VolumeSpec) -> Volume:
        params = {"name": spec.name, "size": spec.size_gb, "description": spec.description}
        for key, value in (("volume_type", spec.volume_type),
                           ("availability_zone", spec.availability_zone),
                           ("snapshot_id", spec.snapshot_id), ("image_id", spec.image_id)):
            if value:
                params[key] = value
        return parsers.volume(self.session.call(self._cinder.create_volume, **params))

    def update_volume(self, volume_id: str, name: str, description: str) -> None:
        self.session.call(self._cinder.update_volume, volume_id, name=name,
                          description=description)

    def extend_volume(self, volume_id: str, size_gb: int) -> None:
        self.session.call(self._cinder.extend_volume, volume_id, size_gb)

    def attach_volume(self, volume_id: str, instance_id: str, device: str) -> None:
        extra = {"device": device} if device else {}
        self.session.call(self.session.conn.compute.create_volume_attachment, instance_id,
                          volume=volume_id, **extra)

    def detach_volume(self, volume_id: str, instance_id: str) -> None:
        self.session.call(self.session.conn.compute.delete_volume_attachment, instance_id,
                          volume_id)

    def delete_volume(self, volume_id: str) -> None:
        self.session.call(self._cinder.delete_volume, volume_id)

    def list_snapshots(self) -> list[Snapshot]:
        return self.session.call(lambda: [parsers.snapshot(s)
                                          for s in self._cinder.snapshots(details=True)])

    def get_snapshot(self, snapshot_id: str) -> Snapshot:
        return parsers.snapshot(self.session.call(self._cinder.get_snapshot, snapshot_id))

    def create_snapshot(self, volume_id: str, name: str, description: str) -> Snapshot:
        return parsers.snapshot(self.session.call(
            self._cinder.create_snapshot, volume_id=volume_id, name=name,
            description=description, force=True))

    def update_snapshot(self, snapshot_id: str, name: str, description: str) -> None:
        self.session.call(self._cinder.update_snapshot, snapshot_id, name=name,
                          description=description)

    def delete_snapshot(self, snapshot_id: str) -> None:
        self.session.call(self._cinder.delete_snapshot, snapshot_id)
