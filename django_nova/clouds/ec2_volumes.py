"""EBS volumes and snapshots (mixed into EC2Driver)."""

from ..exceptions import InvalidInput
from ..resources import Snapshot, Volume, VolumeAttachment, VolumeSpec

# EBS volume types, as the create form offers them.
EBS_TYPES = ["gp3", "gp2", "io1", "io2", "st1", "sc1", "standard"]


def _tags(data: dict) -> dict:
    return {t["Key"]: t["Value"] for t in data.get("Tags", [])}


def _parse_volume(data: dict) -> Volume:
    tags = _tags(data)
    return Volume(
        id=data["VolumeId"], name=tags.get("Name", ""), size_gb=data.get("Size", 0),
        state=data.get("State", ""), volume_type=data.get("VolumeType", ""),
        availability_zone=data.get("AvailabilityZone", ""),
        description=tags.get("Description", ""), snapshot_id=data.get("SnapshotId") or "",
        created_at=data.get("CreateTime"),
        attachments=tuple(VolumeAttachment(instance_id=a["InstanceId"], device=a.get("Device", ""))
                          for a in data.get("Attachments", [])
                          if a.get("State") in ("attaching", "attached")),
    )


def _parse_snapshot(data: dict) -> Snapshot:
    tags = _tags(data)
    return Snapshot(
        id=data["SnapshotId"], name=tags.get("Name", ""), volume_id=data.get("VolumeId", ""),
        size_gb=data.get("VolumeSize", 0), state=data.get("State", ""),
        description=tags.get("Description") or data.get("Description") or "",
        created_at=data.get("StartTime"),
    )


def _name_tags(resource: str, name: str, description: str) -> list[dict]:
    tags = [{"Key": k, "Value": v} for k, v in (("Name", name), ("Description", description)) if v]
    return [{"ResourceType": resource, "Tags": tags}] if tags else []


class EC2VolumeMixin:
    VOLUME_SOURCES = ("snapshot",)  # EBS cannot make a volume straight from an AMI
    ATTACH_SAME_ZONE = True  # an EBS volume attaches only to instances in its zone

    def list_volumes(self) -> list[Volume]:
        result = self._call(self.ec2, "describe_volumes")
        return sorted((_parse_volume(v) for v in result.get("Volumes", [])),
                      key=lambda v: (v.created_at is None, v.created_at), reverse=True)

    def get_volume(self, volume_id: str) -> Volume:
        result = self._call(self.ec2, "describe_volumes", VolumeIds=[volume_id])
        return _parse_volume(result["Volumes"][0])

    def list_volume_types(self) -> list[str]:
        return list(EBS_TYPES)

    def create_volume(self, spec: VolumeSpec) -> Volume:
        if spec.image_id:
            raise InvalidInput("EC2 makes volumes from snapshots, not straight from images.")
        if not spec.availability_zone:
            raise InvalidInput("EC2 volumes need an availability zone.")
        params = {"Size": spec.size_gb, "AvailabilityZone": spec.availability_zone,
                  "TagSpecifications": _name_tags("volume", spec.name, spec.description)}
        if spec.volume_type:
            params["VolumeType"] = spec.volume_type
        if spec.snapshot_id:
            params["SnapshotId"] = spec.snapshot_id
        if not params["TagSpecifications"]:
            del params["TagSpecifications"]
        return _parse_volume(self._call(self.ec2, "create_volume", **params))

    def update_volume(self, volume_id: str, name: str, description: str) -> None:
        self._retag(volume_id, name, description)

    def _retag(self, resource_id: str, name: str, description: str) -> None:
        keep = [{"Key": k, "Value": v} for k, v in (("Name", name), ("Description", description))
                if v]
        drop = [{"Key": k} for k, v in (("Name", name), ("Description", description)) if not v]
        if keep:
            self._call(self.ec2, "create_tags", Resources=[resource_id], Tags=keep)
        if drop:
            self._call(self.ec2, "delete_tags", Resources=[resource_id], Tags=drop)

    def extend_volume(self, volume_id: str, size_gb: int) -> None:
        self._call(self.ec2, "modify_volume", VolumeId=volume_id, Size=size_gb)

    def attach_volume(self, volume_id: str, instance_id: str, device: str) -> None:
        self._call(self.ec2, "attach_volume", VolumeId=volume_id, InstanceId=instance_id,
                   Device=device or "/dev/sdf")

    def detach_volume(self, volume_id: str, instance_id: str) -> None:
        self._call(self.ec2, "detach_volume", VolumeId=volume_id, InstanceId=instance_id)

    def delete_volume(self, volume_id: str) -> None:
        self._call(self.ec2, "delete_volume", VolumeId=volume_id)

    def instance_names(self, instance_ids: list[str]) -> dict[str, str]:
        """Names of just these instances (one call), for labelling attachments."""
        if not instance_ids:
            return {}
        result = self._call(self.ec2, "describe_instances",
                            Filters=[{"Name": "instance-id", "Values": list(instance_ids)}])
        return {i["InstanceId"]: _tags(i).get("Name", "")
                for r in result.get("Reservations", []) for i in r.get("Instances", [])}

    # Snapshots
    def list_snapshots(self) -> list[Snapshot]:
        result = self._call(self.ec2, "describe_snapshots", OwnerIds=["self"])
        # moto answers "self" with the public images' snapshots too (owned by the image
        # owner); AWS never does.  Keeping the account's own keeps lists and quotas honest.
        own = getattr(self.access, "account_id", "")
        return sorted((_parse_snapshot(s) for s in result.get("Snapshots", [])
                       if not own or s.get("OwnerId", own) == own),
                      key=lambda s: (s.created_at is None, s.created_at), reverse=True)

    def get_snapshot(self, snapshot_id: str) -> Snapshot:
        result = self._call(self.ec2, "describe_snapshots", SnapshotIds=[snapshot_id])
        return _parse_snapshot(result["Snapshots"][0])

    def create_snapshot(self, volume_id: str, name: str, description: str) -> Snapshot:
        params = {"VolumeId": volume_id, "Description": description}
        if tags := _name_tags("snapshot", name, description):
            params["TagSpecifications"] = tags
        return _parse_snapshot(self._call(self.ec2, "create_snapshot", **params))

    def update_snapshot(self, snapshot_id: str, name: str, description: str) -> None:
        self._retag(snapshot_id, name, description)

    def delete_snapshot(self, snapshot_id: str) -> None:
        self._call(self.ec2, "delete_snapshot", SnapshotId=snapshot_id)
