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

    # Cloud admin (django_nova.cloudadmin).  Clouds without these keep the defaults below;
    # the cloud-admin service checks the flags before calling.
    #: The admin's own driver lists every project's instances and volumes, one call each.
    LISTS_ALL_PROJECTS = False
    #: Flavors, hypervisors and compute services can be managed (Nova).
    HAS_COMPUTE_ADMIN = False

    def _no_cloud_admin(self, *args, **kwargs):
        raise InvalidInput("This cloud has no such administration page.")

    # All projects: list_all_instances(marker, limit, project_id) -> Page[ProjectInstance],
    # list_all_volumes(marker, limit, project_id) -> Page[ProjectVolume],
    # project_names() -> {id: name}, all_instance_names(ids) -> {id: name}.
    list_all_instances = list_all_volumes = _no_cloud_admin
    project_names = all_instance_names = _no_cloud_admin
    # Flavors: list_flavors() -> [Flavor], get_flavor(id), create_flavor(name, vcpus, ram_mb,
    # disk_gb, is_public) -> Flavor, delete_flavor(id), flavor_projects(id) -> [project id],
    # add_flavor_project(id, project_id), remove_flavor_project(id, project_id).
    list_flavors = get_flavor = create_flavor = delete_flavor = _no_cloud_admin
    flavor_projects = add_flavor_project = remove_flavor_project = _no_cloud_admin
    # Hypervisors and services: list_hypervisors() -> [Hypervisor],
    # list_compute_services() -> [CloudService], set_compute_service(id, enabled, reason).
    list_hypervisors = list_compute_services = set_compute_service = _no_cloud_admin

    # API access (credentials): IAM access keys on EC2, application credentials on Keystone.
    # Drivers that have them override these (clouds/ec2_credentials.py, openstack_credentials.py).
    HAS_ACCESS_KEYS = False
    HAS_APPLICATION_CREDENTIALS = False

    def api_endpoint(self) -> str:
        """Where command-line tools start: the EC2 endpoint, Keystone's auth URL."""
        return ""

    def list_access_keys(self, user_name: str) -> list:
        raise InvalidInput("This cloud has no access keys.")

    def create_access_key(self, user_name: str):
        raise InvalidInput("This cloud has no access keys.")

    def set_access_key_status(self, user_name: str, key_id: str, active: bool) -> None:
        raise InvalidInput("This cloud has no access keys.")

    def delete_access_key(self, user_name: str, key_id: str) -> None:
        raise InvalidInput("This cloud has no access keys.")

    def list_application_credentials(self) -> list:
        raise InvalidInput("This cloud has no application credentials.")

    def create_application_credential(self, name: str, description: str, expires_at,
                                      roles: list[str]):
        raise InvalidInput("This cloud has no application credentials.")

    def delete_application_credential(self, credential_id: str) -> None:
        raise InvalidInput("This cloud has no application credentials.")

    # Quotas and usage (django_nova.services.quotas / usage).  Clouds with their own quotas
    # (OpenStack: clouds/openstack_quotas.py) override these; on the others django-nova keeps
    # and enforces the quotas itself (django_nova.models.Quota).
    #: The cloud keeps and enforces per-project quotas itself.
    ENFORCES_QUOTAS = False
    #: The quota services this cloud has, in the order the pages show them.
    QUOTA_SERVICES = ("compute", "volume", "network")

    def quota_usage(self, project_id: str, service: str) -> list:
        """[QuotaUsage] of one quota service ("compute", "volume", "network") of a project."""
        raise InvalidInput("This cloud keeps no quotas of its own.")

    def set_quotas(self, project_id: str, service: str, limits: dict[str, int]) -> None:
        """Set limits of one quota service of a project (cloud admins only)."""
        raise InvalidInput("This cloud keeps no quotas of its own.")

    def quota_projects(self) -> list:
        """[IdentityProject]: every project of the cloud (cloud admins only)."""
        raise InvalidInput("This cloud keeps no projects of its own.")

    def instance_usage(self, project_id: str, start, end) -> list:
        """[InstanceUsage] of a project between two naive UTC datetimes, from the cloud."""
        raise InvalidInput("This cloud reports no usage; django-nova computes it.")
