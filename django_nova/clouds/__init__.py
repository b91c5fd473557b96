"""Cloud drivers: the only place that imports a cloud client library."""

from django.utils.module_loading import import_string

from ..conf import cloud_config

DRIVERS = {
    "ec2": "django_nova.clouds.ec2.EC2Driver",
}


def get_driver(cloud_key: str, project, region: str):
    """A driver for one project of one cloud, in one region."""
    config = cloud_config(cloud_key)
    driver_class = import_string(DRIVERS[config["DRIVER"]])
    return driver_class(cloud_key, config, project, region)
