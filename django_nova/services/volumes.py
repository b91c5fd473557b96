"""Volumes and snapshots for one project, on any cloud."""

from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from ..concurrency import gather
from ..context import NovaContext
from ..events import records
from ..exceptions import Conflict, InvalidInput, NotFound
from ..resources import Detachment, Image, Instance, Snapshot, Volume, VolumeSpec
from ..states import state_label
from .quotas import quota_held

# States in which an instance can take or give up a volume.
ATTACHABLE_STATES = {"running", "stopped"}
# States in which an instance can give up its root volume.
ROOT_DETACHABLE_STATES = {"stopped", "shelved-offloaded"}


@dataclass(frozen=True)
class VolumeOptions:
    volume_types: list[str]
    zones: list[str]
    snapshots: list[Snapshot]
    images: list[Image]


class VolumeService:
    def __init__(self, context: NovaContext):
        self.context = context
        self.cloud = context.cloud
        if self.cloud.volumes is None:
            raise NotFound(_("This cloud has no volumes."))
        self.part = self.cloud.volumes

    def _with_instance_names(self, volumes: list[Volume]) -> list[Volume]:
        """Label attachments with instance names: one call for the whole page."""
        ids = sorted({a.instance_id for v in volumes for a in v.attachments})
        names = self.cloud.compute.instance_names(ids)
        return [replace(v, attachments=tuple(replace(a, instance_name=names.get(a.instance_id, ""))
                                             for a in v.attachments)) for v in volumes]

    def volumes(self) -> list[Volume]:
        return self._with_instance_names(self.part.list_volumes())

    def volume(self, volume_id: str) -> Volume:
        return self._with_instance_names([self.part.get_volume(volume_id)])[0]

    def create_options(self) -> VolumeOptions:
        sources = self.context.capabilities.volume_sources
        found = gather(
            volume_types=self.part.list_volume_types,
            zones=lambda: [z.name for z in self.cloud.compute.list_availability_zones()],
            snapshots=lambda: [s for s in self.part.list_snapshots()
                               if s.state in ("completed", "available")],
            images=(lambda: self.cloud.images.list_images("public")
                    + self.cloud.images.list_images("own"))
            if "image" in sources else list,
        )
        return VolumeOptions(**found)

    @records("volume.create", "spec.name", made="id")
    def create(self, spec: VolumeSpec) -> Volume:
        with quota_held(self.context, volumes=1, gigabytes=spec.size_gb):
            return self.part.create_volume(spec)

    @records("volume.update", "volume_id")
    def update(self, volume_id: str, name: str, description: str) -> None:
        self.part.update_volume(volume_id, name, description)

    @records("volume.extend", "volume_id")
    def extend(self, volume_id: str, size_gb: int) -> None:
        volume = self.part.get_volume(volume_id)
        if size_gb <= volume.size_gb:
            raise InvalidInput(_("A volume only grows: pick more than its %(size)s GB.")
                               % {"size": volume.size_gb})
        with quota_held(self.context, gigabytes=size_gb - volume.size_gb):
            self.part.extend_volume(volume_id, size_gb)

    def attachable_instances(self, volume: Volume) -> list[Instance]:
        """Instances that can take this volume (same zone, settled state)."""
        instances = self.cloud.compute.list_instances(limit=1000).items
        same_zone = self.context.capabilities.attach_same_zone
        return [i for i in instances if i.state in ATTACHABLE_STATES
                and (not same_zone or i.availability_zone == volume.availability_zone)]

    @records("volume.attach", "volume_id")
    def attach(self, volume_id: str, instance_id: str, device: str) -> None:
        self.part.attach_volume(volume_id, instance_id, device)

    def detachments(self, volume: Volume) -> list[Detachment]:
        """What detaching means for each instance the volume is attached to.

        A root device is refused while its instance runs (AWS's rule; Nova has its
        own), so nobody pulls the disk from under a running system.
        """
        instances = gather(**{f"i{n}": (lambda a=a: self.cloud.compute.get_instance(
            a.instance_id)) for n, a in enumerate(volume.attachments)})
        found = []
        for n, attachment in enumerate(volume.attachments):
            instance = instances[f"i{n}"]
            root = bool(attachment.device) and attachment.device == instance.root_device
            refusal = ""
            if root and instance.state not in ROOT_DETACHABLE_STATES:
                refusal = _("%(device)s is the root device of %(instance)s, which is "
                            "%(state)s: stop the instance first, then detach the volume.") % {
                    "device": attachment.device, "instance": instance.display_name,
                    "state": state_label(instance.state)}
            found.append(Detachment(attachment=replace(
                attachment, instance_name=instance.display_name),
                instance_state=instance.state, root=root, refusal=refusal))
        return found

    @records("volume.detach", "volume_id")
    def detach(self, volume_id: str) -> Volume:
        volume = self.part.get_volume(volume_id)
        if not volume.attachments:
            raise Conflict(_("The volume is not attached to an instance."))
        refused = [d.refusal for d in self.detachments(volume) if d.refusal]
        if refused:
            raise Conflict(refused[0])
        for attachment in volume.attachments:
            self.part.detach_volume(volume_id, attachment.instance_id)
        return volume

    @records("volume.delete", "volume_id")
    def delete(self, volume_id: str) -> None:
        volume = self.volume(volume_id)
        if volume.in_use:
            names = ", ".join(a.instance_name or a.instance_id for a in volume.attachments)
            if not names:
                raise Conflict(_("The volume is attached to an instance; detach it first."))
            raise Conflict(_("The volume is attached to %(instances)s; detach it first.")
                           % {"instances": names})
        self.part.delete_volume(volume_id)

    # Snapshots
    def snapshots(self) -> list[Snapshot]:
        return self.part.list_snapshots()

    def snapshot(self, snapshot_id: str) -> Snapshot:
        return self.part.get_snapshot(snapshot_id)

    @records("snapshot.create", "name", made="id")
    def create_snapshot(self, volume_id: str, name: str, description: str) -> Snapshot:
        with quota_held(self.context, snapshots=1):
            return self.part.create_snapshot(volume_id, name, description)

    @records("snapshot.update", "snapshot_id")
    def update_snapshot(self, snapshot_id: str, name: str, description: str) -> None:
        self.part.update_snapshot(snapshot_id, name, description)

    @records("snapshot.delete", "snapshot_id")
    def delete_snapshot(self, snapshot_id: str) -> None:
        self.part.delete_snapshot(snapshot_id)
