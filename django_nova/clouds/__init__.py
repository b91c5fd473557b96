"""Clouds: the only code that imports a cloud client library.

``open_cloud`` builds the ``Cloud`` (see ``base``) for one project of one
cloud in one region.  A cloud definition's ``DRIVER`` names its kind:
"ec2", "openstack", or the dotted path of a third-party ``Cloud`` subclass.
"""

from django.utils.module_loading import import_string

from ..conf import cloud_config, nova_settings
from .base import Cloud

DRIVERS = {
    "ec2": "django_nova.clouds.ec2.EC2Cloud",
    "openstack": "django_nova.clouds.openstack.OpenStackCloud",
}


def cloud_class(driver: str) -> type[Cloud]:
    """The Cloud class a ``DRIVER`` value names (ImportError, TypeError when it names none)."""
    found = import_string(DRIVERS.get(driver, driver))
    if not (isinstance(found, type) and issubclass(found, Cloud)):
        raise TypeError(f"{driver!r} is not a django_nova.clouds.base.Cloud subclass.")
    return found


def kind_of(cloud_key: str) -> type[Cloud]:
    """The Cloud class of a configured cloud."""
    return cloud_class(cloud_config(cloud_key)["DRIVER"])


def open_cloud(cloud_key: str, access, region: str) -> Cloud:
    """One project of one cloud, in one region.

    ``access`` is what that cloud needs to reach the project: a Project row
    where django-nova keeps projects, a KeystoneSession on OpenStack clouds.
    """
    config = cloud_config(cloud_key)
    return cloud_class(config["DRIVER"])(cloud_key, config, access, region)


def site_clouds() -> list[str]:
    """The configured clouds whose users and projects django-nova keeps (not the cloud)."""
    return [key for key, config in nova_settings()["CLOUDS"].items()
            if not cloud_class(config.get("DRIVER", "")).KEEPS_IDENTITY]


def identity_clouds() -> list[str]:
    """The configured clouds that keep their own users and projects (people sign in there)."""
    return [key for key, config in nova_settings()["CLOUDS"].items()
            if cloud_class(config.get("DRIVER", "")).KEEPS_IDENTITY]

