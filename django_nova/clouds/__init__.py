"""Cloud drivers: the only place that imports a cloud client library."""

from django.utils.module_loading import import_string

from ..conf import cloud_config

DRIVERS = {
    "ec2": "django_nova.clouds.ec2.EC2Driver",
    "openstack": "django_nova.clouds.openstack.OpenStackDriver",
}


def get_driver(cloud_key: str, access, region: str):
    """A driver for one project of one cloud, in one region.

    ``access`` is what that cloud needs to reach the project: a Project row
    on EC2 clouds, a KeystoneSession on OpenStack clouds.
    """
    config = cloud_config(cloud_key)
    driver_class = import_string(DRIVERS[config["DRIVER"]])
    return driver_class(cloud_key, config, access, region)
