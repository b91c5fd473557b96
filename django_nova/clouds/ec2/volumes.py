"""EBS volumes and snapshots."""

from django.utils.translation import gettext as _

from ...exceptions import InvalidInput
from ...resources import Snapshot, Volume, VolumeSpec
from . import parsers
from .session import EC2Session

# EBS volume types, as the create form offers them.
EBS_TYPES = ["gp3", "gp2", "io1", "io2", "st1", "sc1", "standard"]


def _name_tags(resource: str, name: str, description: str) -> list[dict]:
    tags = [{"Key": k, "Value": v} for k, v in (("Name", name), ("Description", description)) if v]
    return [{"ResourceType": resource, "Tags": tags}] if tags else []


class EC2Volumes:
    def __init__(self, session: EC2Session):
        self.session = session

    def list_volumes(self) -> list[Volume]:
        result = self.session.ec2_call("describe_volumes")
        return sorted((parsers.volume(v) for v in result.get("Volumes", [])),
                      key=lambda v: (v.created_at is None, v.created_at), reverse=True)

    def get_volume(self, volume_id: str) -> Volume:
        result = self.session.ec2_call("describe_volumes", VolumeIds=[volume_id])
        return parsers.volume(result["Volumes"][0])

    def list_volume_types(self) -> list[str]:
        return list(EBS_TYPES)

    def create_volume(self, spec: VolumeSpec) -> Volume:
        if spec.image_id:
            raise InvalidInput(_("EC2 makes volumes from snapshots, not straight from images."))
        if not spec.availability_zone:
            raise InvalidInput(_("EC2 volumes need an availability zone."))
        params = {"Size": spec.size_gb, "AvailabilityZone": spec.availability_zone}
        if tags := _name_tags("volume", spec.name, spec.description):
            params["TagSpecifications"] = tags
        if spec.volume_type:
            params["VolumeType"] = spec.volume_type
        if spec.snapshot_id:
            params["SnapshotId"] = spec.snapshot_id
        return parsers.volume(self.session.ec2_call("create_volume", **params))

    def update_volume(self, volume_id: str, name: str, description: str) -> None:
        self._retag(volume_id, name, description)

    def _retag(self, resource_id: str, name: str, description: str) -> None:
        pairs = (("Name", name), ("Description", description))
        keep = [{"Key": k, "Value": v} for k, v in pairs if v]
        drop = [{"Key": k} for k, v in pairs if not v]
        if keep:
            self.session.ec2_call("create_tags", Resources=[resource_id], Tags=keep)
        if drop:
            self.session.ec2_call("delete_tags", Resources=[resource_id], Tags=drop)

    def extend_volume(self, volume_id: str, size_gb: int) -> None:
        self.session.ec2_call("modify_volume", VolumeId=volume_id, Size=size_gb)

    def attach_volume(self, volume_id: str, instance_id: str, device: str) -> None:
        self.session.ec2_call("attach_volume", VolumeId=volume_id, InstanceId=instance_id,
                              Device=device or "/dev/sdf")

    def detach_volume(self, volume_id: str, instance_id: str) -> None:
        self.session.ec2_call("detach_volume", VolumeId=volume_id, InstanceId=instance_id)

    def delete_volume(self, volume_id: str) -> None:
        self.session.ec2_call("delete_volume", VolumeId=volume_id)

    def list_snapshots(self) -> list[Snapshot]:
        result = self.session.ec2_call("describe_snapshots", OwnerIds=["self"])
        # moto answers "self" with the public images' snapshots too (owned by the image
        # owner); AWS never does.  Keeping the account's own keeps lists and quotas honest.
        own = self.session.account_id
        return sorted((parsers.snapshot(s) for s in result.get("Snapshots", [])
                       if not own or s.get("OwnerId", own) == own),
                      key=lambda s: (s.created_at is None, s.created_at), reverse=True)

    def get_snapshot(self, snapshot_id: str) -> Snapshot:
        result = self.session.ec2_call("describe_snapshots", SnapshotIds=[snapshot_id])
        return parsers.snapshot(result["Snapshots"][0])

    def create_snapshot(self, volume_id: str, name: str, description: str) -> Snapshot:
        params = {"VolumeId": volume_id, "Description": description}
        if tags := _name_tags("snapshot", name, description):
            params["TagSpecifications"] = tags
        return parsers.snapshot(self.session.ec2_call("create_snapshot", **params))

    def update_snapshot(self, snapshot_id: str, name: str, description: str) -> None:
        self._retag(snapshot_id, name, description)

    def delete_snapshot(self, snapshot_id: str) -> None:
        self.session.ec2_call("delete_snapshot", SnapshotId=snapshot_id)
