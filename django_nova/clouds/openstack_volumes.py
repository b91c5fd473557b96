"""Cinder volumes and snapshots (mixed into OpenStackDriver)."""

from django.utils.dateparse import parse_datetime

from ..resources import Snapshot, Volume, VolumeAttachment, VolumeSpec


def _time(value):
    return parse_datetime(value) if value else None


def _parse_volume(volume) -> Volume:
    return Volume(
        id=volume.id, name=volume.name or "", size_gb=volume.size or 0,
        state=volume.status or "", volume_type=volume.volume_type or "",
        availability_zone=volume.availability_zone or "",
        description=volume.description or "", snapshot_id=volume.snapshot_id or "",
        created_at=_time(volume.created_at),
        attachments=tuple(VolumeAttachment(instance_id=a.get("server_id", ""),
                                           device=a.get("device") or "")
                          for a in volume.attachments or []),
    )


def _parse_snapshot(snapshot) -> Snapshot:
    return Snapshot(
        id=snapshot.id, name=snapshot.name or "", volume_id=snapshot.volume_id or "",
        size_gb=snapshot.size or 0, state=snapshot.status or "",
        description=snapshot.description or "", created_at=_time(snapshot.created_at),
    )


class OpenStackVolumeMixin:
    VOLUME_SOURCES = ("snapshot", "image")
    ATTACH_SAME_ZONE = False  # Nova decides (cross_az_attach)

    def list_volumes(self) -> list[Volume]:
        return self._call(lambda: [_parse_volume(v)
                                   for v in self.conn.block_storage.volumes(details=True)])

    def get_volume(self, volume_id: str) -> Volume:
        return _parse_volume(self._call(self.conn.block_storage.get_volume, volume_id))

    def list_volume_types(self) -> list[str]:
        return self._call(lambda: sorted(t.name for t in self.conn.block_storage.types()))

    def create_volume(self, spec: VolumeSpec) -> Volume:
        params = {"name": spec.name, "size": spec.size_gb, "description": spec.description}
        for key, value in (("volume_type", spec.volume_type),
                           ("availability_zone", spec.availability_zone),
                           ("snapshot_id", spec.snapshot_id), ("image_id", spec.image_id)):
            if value:
                params[key] = value
        return _parse_volume(self._call(self.conn.block_storage.create_volume, **params))

    def update_volume(self, volume_id: str, name: str, description: str) -> None:
        self._call(self.conn.block_storage.update_volume, volume_id, name=name,
                   description=description)

    def extend_volume(self, volume_id: str, size_gb: int) -> None:
        self._call(self.conn.block_storage.extend_volume, volume_id, size_gb)

    def attach_volume(self, volume_id: str, instance_id: str, device: str) -> None:
        extra = {"device": device} if device else {}
        self._call(self.conn.compute.create_volume_attachment, instance_id, volume=volume_id,
                   **extra)

    def detach_volume(self, volume_id: str, instance_id: str) -> None:
        self._call(self.conn.compute.delete_volume_attachment, instance_id, volume_id)

    def delete_volume(self, volume_id: str) -> None:
        self._call(self.conn.block_storage.delete_volume, volume_id)

    def instance_names(self, instance_ids: list[str]) -> dict[str, str]:
        """Names for attachments: one plain server list (Nova cannot filter members by id)."""
        if not instance_ids:
            return {}
        wanted = set(instance_ids)
        return self._call(lambda: {s.id: s.name for s in self.conn.compute.servers(details=False)
                                   if s.id in wanted})

    # Snapshots
    def list_snapshots(self) -> list[Snapshot]:
        return self._call(lambda: [_parse_snapshot(s)
                                   for s in self.conn.block_storage.snapshots(details=True)])

    def get_snapshot(self, snapshot_id: str) -> Snapshot:
        return _parse_snapshot(self._call(self.conn.block_storage.get_snapshot, snapshot_id))

    def create_snapshot(self, volume_id: str, name: str, description: str) -> Snapshot:
        return _parse_snapshot(self._call(self.conn.block_storage.create_snapshot,
                                          volume_id=volume_id, name=name,
                                          description=description, force=True))

    def update_snapshot(self, snapshot_id: str, name: str, description: str) -> None:
        self._call(self.conn.block_storage.update_snapshot, snapshot_id, name=name,
                   description=description)

    def delete_snapshot(self, snapshot_id: str) -> None:
        self._call(self.conn.block_storage.delete_snapshot, snapshot_id)
