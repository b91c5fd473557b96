"""EC2 images (AMIs): the project's own, shared with it, and public ones."""

from django.utils.translation import gettext as _

from ...exceptions import InvalidInput
from . import parsers
from .session import EC2Session


class EC2Images:
    def __init__(self, session: EC2Session):
        self.session = session

    def list_images(self, scope):
        if scope == "own":
            params = {"Owners": ["self"]}
        elif scope == "shared":
            params = {"ExecutableUsers": ["self"]}
        elif scope == "public":
            owners = self.session.config.get("IMAGE_OWNERS") or ["amazon"]
            params = {"Owners": list(owners),
                      "Filters": [{"Name": "is-public", "Values": ["true"]}]}
        else:
            raise InvalidInput(_("Unknown image scope %(scope)s.") % {"scope": repr(scope)})
        result = self.session.ec2_call("describe_images", **params)
        return [parsers.image(item) for item in result.get("Images", [])]

    def get_images(self, image_ids):
        if not image_ids:
            return []
        # A filter, unlike ImageIds, skips deregistered images instead of failing.
        result = self.session.ec2_call(
            "describe_images", Filters=[{"Name": "image-id", "Values": list(image_ids)}])
        return [parsers.image(item) for item in result.get("Images", [])]

    def create_image(self, instance_id, name, description):
        result = self.session.ec2_call("create_image", InstanceId=instance_id, Name=name,
                                       Description=description)
        return result["ImageId"]

    def update_image(self, image_id, name, description):
        # AMI names are fixed at creation; only the description can change.
        self.session.ec2_call("modify_image_attribute", ImageId=image_id,
                              Description={"Value": description})

    def set_image_public(self, image_id, public):
        change = {"Add" if public else "Remove": [{"Group": "all"}]}
        self.session.ec2_call("modify_image_attribute", ImageId=image_id,
                              LaunchPermission=change)

    def delete_image(self, image_id):
        self.session.ec2_call("deregister_image", ImageId=image_id)

    def upload_image(self, name, data, size, disk_format, container_format, min_disk_gb,
                     min_ram_mb):
        raise InvalidInput(_("This cloud does not take image uploads; register from a "
                             "snapshot."))

    def register_image(self, snapshot_id, name, description):
        result = self.session.ec2_call(
            "register_image", Name=name, Description=description,
            Architecture="x86_64", VirtualizationType="hvm", RootDeviceName="/dev/sda1",
            BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"SnapshotId": snapshot_id}}])
        return result["ImageId"]
