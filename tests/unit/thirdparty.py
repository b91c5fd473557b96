"""A Cloud from outside django_nova, as a third-party package would write one."""

from django_nova.clouds.ec2 import EC2Cloud


class EC2WithoutBlockStorage(EC2Cloud):
    """An EC2-compatible cloud that has no volumes: its part is None."""

    def __init__(self, key, config, access, region):
        super().__init__(key, config, access, region)
        self.volumes = None


class NotACloud:
    """Named as a DRIVER, this must be refused by the system checks."""
