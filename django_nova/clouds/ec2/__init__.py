"""The EC2 cloud: boto3 against AWS, any EC2-compatible endpoint, or the embedded moto cloud.

django-nova keeps the users, projects and quotas of EC2 clouds itself
(``django_nova.models``); a project is one EC2 account.
"""

from django.core import checks

from ...resources import Capabilities
from ..base import Cloud
from .access_keys import EC2AccessKeys
from .addresses import EC2Addresses
from .compute import EC2Compute
from .images import EC2Images
from .keypairs import EC2KeyPairs
from .security_groups import EC2SecurityGroups
from .session import EC2Session
from .volumes import EC2Volumes


class EC2Cloud(Cloud):
    CAPABILITIES = Capabilities(
        address_label="Elastic IPs", address_noun="elastic IP", address_pool_label="Domain",
        image_name_fixed=True, registers_from_snapshot=True,
        # EBS cannot make a volume straight from an AMI, and attaches only in its zone.
        volume_sources=("snapshot",), attach_same_zone=True,
        # EC2 cannot rename a group, refuses one without a description, and a VPC
        # instance always has a group; rules from a source group have no ether type.
        groups_editable=False, group_description_required=True, instance_needs_group=True,
        group_rules_have_ether_type=False,
    )

    def __init__(self, key, config, access, region):
        super().__init__(key, config, access, region)
        self.session = EC2Session(key, config, access, region)
        self.compute = EC2Compute(self.session)
        self.images = EC2Images(self.session)
        self.key_pairs = EC2KeyPairs(self.session)
        self.volumes = EC2Volumes(self.session)
        self.security_groups = EC2SecurityGroups(self.session, self.compute)
        self.addresses = EC2Addresses(self.session)
        self.access_keys = EC2AccessKeys(self.session)

    def api_endpoint(self) -> str:
        return self.session.endpoint() or self.session.ec2.meta.endpoint_url

    @classmethod
    def check_config(cls, key, config):
        if config.get("ACCESS_KEY_ID") and config.get("SECRET_ACCESS_KEY"):
            return []
        return [checks.Error(f"Cloud {key!r} needs ACCESS_KEY_ID and SECRET_ACCESS_KEY to "
                             "assume project roles.", id="django_nova.E004")]
