"""Elastic IPs (VPC addresses, acted on by allocation id)."""

from django.utils.translation import gettext as _

from ...exceptions import NotFound
from ...resources import Address, AddressTarget
from . import parsers
from .session import EC2Session

# Instances an elastic IP can be associated with (a VPC instance also when stopped).
ASSOCIABLE_STATES = ["pending", "running", "stopping", "stopped"]


class EC2Addresses:
    def __init__(self, session: EC2Session):
        self.session = session

    def list_addresses(self) -> list[Address]:
        """The project's elastic IPs: one call (moto and small accounts need no paging)."""
        result = self.session.ec2_call("describe_addresses")
        return sorted((parsers.address(a) for a in result.get("Addresses", [])),
                      key=lambda a: a.ip)

    def get_address(self, address_id: str) -> Address:
        result = self.session.ec2_call("describe_addresses", AllocationIds=[address_id])
        for item in result.get("Addresses", []):
            return parsers.address(item)
        raise NotFound(_("There is no elastic IP %(id)s in this project.") % {"id": address_id})

    def address_pools(self) -> list[tuple[str, str]]:
        """EC2 has no pools to choose from: every address is a VPC address."""
        return []

    def allocate_address(self, pool: str = "") -> Address:
        return parsers.address(self.session.ec2_call("allocate_address", Domain="vpc"))

    def address_targets(self) -> list[AddressTarget]:
        """Instances an elastic IP can go to, with their primary private IP: one call."""
        result = self.session.ec2_call("describe_instances", Filters=[
            {"Name": "instance-state-name", "Values": ASSOCIABLE_STATES}])
        targets = [AddressTarget(instance_id=item["InstanceId"],
                                 instance_name=parsers.tags(item).get("Name", ""),
                                 fixed_ip=item.get("PrivateIpAddress") or "")
                   for reservation in result.get("Reservations", [])
                   for item in reservation.get("Instances", [])]
        return sorted(targets, key=lambda t: (t.instance_name.lower(), t.instance_id))

    def associate_address(self, address: Address, target: AddressTarget) -> None:
        # AllowReassociation stays off: an address in use is never moved silently.
        self.session.ec2_call("associate_address", AllocationId=address.id,
                              InstanceId=target.instance_id)

    def disassociate_address(self, address: Address) -> None:
        self.session.ec2_call("disassociate_address", AssociationId=address.association_id)

    def release_address(self, address: Address) -> None:
        self.session.ec2_call("release_address", AllocationId=address.id)
