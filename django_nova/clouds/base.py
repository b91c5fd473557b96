"""The interface every cloud driver implements.

A driver is built per request for one (cloud, project, region) and is the
only code that talks to a client library.  It returns django_nova.resources
dataclasses and raises django_nova.exceptions errors, nothing else.
"""

from abc import ABC, abstractmethod

import django.dispatch

from ..resources import (
    AvailabilityZone,
    Image,
    Instance,
    InstanceType,
    KeyPair,
    LaunchSpec,
    NewKeyPair,
    Page,
    SecurityGroup,
)

# Sent once per API request a driver makes (after retries are decided),
# with ``cloud`` (the cloud key) and ``operation`` (the API's name for it).
# Benchmarks and tests use it to count calls per page.
cloud_call = django.dispatch.Signal()

INSTANCE_ACTIONS = ("start", "stop", "reboot", "terminate")


class ComputeDriver(ABC):
    #: Image listing scopes: the project's own, shared with it, public.
    IMAGE_SCOPES = ("own", "shared", "public")

    def __init__(self, cloud_key: str, config: dict, project, region: str):
        self.cloud_key = cloud_key
        self.config = config
        self.project = project
        self.region = region

    # Instances
    @abstractmethod
    def list_instances(self, marker: str = "", limit: int = 20,
                       include_terminated: bool = False) -> Page[Instance]: ...

    @abstractmethod
    def get_instance(self, instance_id: str) -> Instance: ...

    @abstractmethod
    def launch(self, spec: LaunchSpec) -> list[Instance]: ...

    @abstractmethod
    def instance_action(self, action: str, instance_ids: list[str]) -> None:
        """Run one of INSTANCE_ACTIONS on the given instances."""

    @abstractmethod
    def console_output(self, instance_id: str) -> str: ...

    # Catalogs
    @abstractmethod
    def list_images(self, scope: str) -> list[Image]: ...

    @abstractmethod
    def get_images(self, image_ids: list[str]) -> list[Image]:
        """Exactly the images asked for that still exist (missing ids are skipped)."""

    @abstractmethod
    def list_instance_types(self) -> list[InstanceType]: ...

    @abstractmethod
    def list_availability_zones(self) -> list[AvailabilityZone]: ...

    @abstractmethod
    def list_security_groups(self) -> list[SecurityGroup]: ...

    # Key pairs
    @abstractmethod
    def list_key_pairs(self) -> list[KeyPair]: ...

    @abstractmethod
    def create_key_pair(self, name: str, key_type: str) -> NewKeyPair: ...

    @abstractmethod
    def import_key_pair(self, name: str, public_key: str) -> KeyPair: ...

    @abstractmethod
    def delete_key_pair(self, name: str) -> None: ...
