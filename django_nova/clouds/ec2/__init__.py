"""The EC2 cloud: boto3 against AWS, any EC2-compatible endpoint, or the embedded moto cloud.

django-nova keeps the users, projects and quotas of EC2 clouds itself
(``django_nova.models``); a project is one EC2 account.
"""

from django.core import checks
from django.utils.translation import gettext_lazy as _

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
        address_label=_("Elastic IPs"), address_noun=_("elastic IP"),
        address_noun_plural=_("elastic IPs"),
        # Translators: where an EC2 elastic IP belongs ("vpc"), as EC2 calls it.
        address_pool_label=_("Domain"),
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
        # The dashboard's own credentials: both static keys, or neither (the standard AWS
        # credential chain, with PROFILE or AWS_PROFILE).
        keys = [bool(config.get(name)) for name in ("ACCESS_KEY_ID", "SECRET_ACCESS_KEY")]
        if any(keys) and not all(keys):
            return [checks.Error(
                f"Cloud {key!r} sets only one of ACCESS_KEY_ID and SECRET_ACCESS_KEY.",
                hint="Set both, or neither to use the standard AWS credential chain (PROFILE "
                     "or AWS_PROFILE, environment variables, shared files, instance role).",
                id="django_nova.E004")]
        if all(keys) and config.get("PROFILE"):
            return [checks.Error(
                f"Cloud {key!r} sets both static keys and a PROFILE.",
                hint="Keep one: ACCESS_KEY_ID and SECRET_ACCESS_KEY, or PROFILE.",
                id="django_nova.E004")]
        return []
