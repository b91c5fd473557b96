"""The interface every cloud driver implements.

A driver is built per request for one (cloud, project, region) and is the
only code that talks to a client library.  It returns django_nova.resources
dataclasses and raises django_nova.exceptions errors, nothing else.
"""

from abc import ABC, abstractmethod

import django.dispatch

from ..exceptions import InvalidInput
from ..resources import (
    Action,
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

ACTIONS = {action.name: action for action in (
    Action("start", "Start"),
    Action("stop", "Stop"),
    Action("reboot", "Reboot"),
    Action("hard-reboot", "Hard reboot"),
    Action("pause", "Pause"),
    Action("unpause", "Unpause"),
    Action("suspend", "Suspend"),
    Action("resume", "Resume"),
    Action("lock", "Lock"),
    Action("unlock", "Unlock"),
    Action("shelve", "Shelve"),
    Action("unshelve", "Unshelve"),
    Action("confirm-resize", "Confirm resize"),
    Action("revert-resize", "Revert resize"),
    Action("resize", "Resize…", form_url="django_nova:instance-resize"),
    Action("rebuild", "Rebuild…", form_url="django_nova:instance-rebuild"),
    Action("terminate", "Terminate", confirm=True),
)}


def actions(*names: str) -> tuple[Action, ...]:
    return tuple(ACTIONS[name] for name in names)


class ComputeDriver(ABC):
    #: What this cloud calls a machine size.
    INSTANCE_TYPE_LABEL = "Instance type"
    #: Image listing scopes: the project's own, shared with it, public.
    IMAGE_SCOPES = ("own", "shared", "public")

    def __init__(self, cloud_key: str, config: dict, access, region: str):
        self.cloud_key = cloud_key
        self.config = config
        self.access = access
        self.region = region

    # Instances
    @abstractmethod
    def list_instances(self, marker: str = "", limit: int = 20,
                       include_terminated: bool = False, tag: str = "") -> Page[Instance]:
        """One page; ``tag`` keeps instances with that tag key (``key=value`` for a value)."""

    @abstractmethod
    def get_instance(self, instance_id: str) -> Instance: ...

    @abstractmethod
    def launch(self, spec: LaunchSpec) -> list[Instance]: ...

    @abstractmethod
    def instance_action(self, action: str, instance_ids: list[str]) -> None:
        """Run one of ACTIONS (one the instances offer) on the given instances."""

    @abstractmethod
    def console_output(self, instance_id: str) -> str: ...

    #: EC2 fixes image names at creation and registers images from snapshots.
    IMAGE_NAME_FIXED = False
    REGISTERS_FROM_SNAPSHOT = False

    #: What key/value tags are called on this cloud, and whether it has plain labels too.
    TAGS_LABEL = "Tags"
    HAS_LABELS = False

    #: Networks, subnets and routers of the project's own (Neutron); EC2 has no such pages.
    HAS_NETWORKS = False

    @abstractmethod
    def set_tag(self, instance_id: str, key: str, value: str) -> None: ...

    @abstractmethod
    def delete_tag(self, instance_id: str, key: str) -> None: ...

    def add_label(self, instance_id: str, label: str) -> None:
        raise InvalidInput("This cloud has no instance labels; use tags.")

    def remove_label(self, instance_id: str, label: str) -> None:
        raise InvalidInput("This cloud has no instance labels; use tags.")

    # Images the project owns
    @abstractmethod
    def create_image(self, instance_id: str, name: str, description: str) -> str:
        """Snapshot an instance into a new image; returns the image id."""

    @abstractmethod
    def update_image(self, image_id: str, name: str, description: str) -> None: ...

    @abstractmethod
    def set_image_public(self, image_id: str, public: bool) -> None: ...

    @abstractmethod
    def delete_image(self, image_id: str) -> None: ...

    #: Whether images can be uploaded from the browser (Glance can, EC2 cannot).
    UPLOADS_IMAGES = False

    def upload_image(self, name: str, data, size: int, disk_format: str,
                     container_format: str, min_disk_gb: int, min_ram_mb: int) -> str:
        """Stream an image file (a file object) into the image service; returns its id."""
        raise InvalidInput("This cloud does not take image uploads; register from a snapshot.")

    def register_image(self, snapshot_id: str, name: str, description: str) -> str:
        raise InvalidInput("This cloud registers images by upload, not from snapshots.")

    def resize(self, instance_id: str, instance_type_id: str) -> None:
        """Move to another size; clouds that can offer it in their instances' actions."""
        raise InvalidInput("This cloud cannot resize instances from the dashboard.")

    def rebuild(self, instance_id: str, image_id: str) -> None:
        """Reinstall from an image, keeping the instance's id and addresses."""
        raise InvalidInput("This cloud cannot rebuild instances.")

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
