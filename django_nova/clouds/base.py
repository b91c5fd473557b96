"""What every cloud offers, in code: a ``Cloud`` made of parts, and ``Capabilities``.

A ``Cloud`` is built per request for one project of one cloud in one region
(``django_nova.clouds.open_cloud``).  It is a set of *parts*, one per area
(compute, images, key pairs, volumes, security groups, addresses, networks,
quotas, administration, credentials, identity); each part's contract is a
Protocol below.  A part the cloud lacks is ``None``, and ``Capabilities``
(frozen data: what the cloud can do and what it calls things) says so to
services, views and templates, which never look at a part's class.

Parts are the only code that talks to a client library.  They take and
return the dataclasses of ``django_nova.resources`` and raise the errors of
``django_nova.exceptions``, nothing else.
"""

from dataclasses import replace
from datetime import datetime
from functools import cached_property
from typing import ClassVar, Protocol

from ..resources import (
    AccessKey,
    Address,
    AddressTarget,
    ApplicationCredential,
    AvailabilityZone,
    Capabilities,
    CloudService,
    Flavor,
    Hypervisor,
    IdentityProject,
    IdentityRole,
    IdentityUser,
    Image,
    Instance,
    InstanceType,
    InstanceUsage,
    KeyPair,
    LaunchSpec,
    Network,
    NewAccessKey,
    NewApplicationCredential,
    NewKeyPair,
    Page,
    ProjectInstance,
    ProjectResource,
    ProjectVolume,
    QuotaUsage,
    RoleAssignment,
    Router,
    SecurityGroup,
    SecurityGroupRule,
    Snapshot,
    Subnet,
    Volume,
    VolumeSpec,
)
from ..search import Search

# Which part each ``has_*`` flag reports.
PART_FLAGS = {
    "has_volumes": "volumes", "has_security_groups": "security_groups",
    "has_addresses": "addresses", "has_networks": "networks", "has_quotas": "quotas",
    "has_usage": "usage", "lists_all_projects": "all_projects",
    "has_compute_admin": "compute_admin", "has_access_keys": "access_keys",
    "has_application_credentials": "application_credentials", "has_identity": "identity",
}


# --- the parts ------------------------------------------------------------------------------

class Compute(Protocol):
    """Instances, their sizes and zones."""

    def list_instances(self, marker: str = "", limit: int = 20,
                       include_terminated: bool = False, tag: str = "",
                       search: Search | None = None) -> Page[Instance]:
        """One page; ``tag`` keeps instances with that tag key (``key=value`` for a value),
        ``search`` those with that id, IP address or a name containing its text (the
        cloud's own filters, over the whole listing)."""

    def get_instance(self, instance_id: str) -> Instance: ...

    def instance_names(self, instance_ids: list[str]) -> dict[str, str]:
        """Names of just these instances (one call), for labelling attachments."""

    def launch(self, spec: LaunchSpec) -> list[Instance]: ...

    def instance_action(self, action: str, instance_ids: list[str]) -> None:
        """Run one of ``resources.ACTIONS`` (one the instances offer) on the instances."""

    def resize(self, instance_id: str, instance_type_id: str) -> None: ...

    def rebuild(self, instance_id: str, image_id: str) -> None: ...

    def console_output(self, instance_id: str) -> str: ...

    def set_tag(self, instance_id: str, key: str, value: str) -> None: ...

    def delete_tag(self, instance_id: str, key: str) -> None: ...

    def add_label(self, instance_id: str, label: str) -> None: ...

    def remove_label(self, instance_id: str, label: str) -> None: ...

    def list_instance_types(self) -> list[InstanceType]: ...

    def list_availability_zones(self) -> list[AvailabilityZone]: ...


class Images(Protocol):
    """The images a project can launch, and its own ones to manage."""

    def list_images(self, scope: str) -> list[Image]:
        """``scope``: "own", "shared" (with the project) or "public"."""

    def get_images(self, image_ids: list[str]) -> list[Image]:
        """Exactly the images asked for that still exist (missing ids are skipped)."""

    def create_image(self, instance_id: str, name: str, description: str) -> str:
        """Snapshot an instance into a new image; returns the image id."""

    def update_image(self, image_id: str, name: str, description: str) -> None: ...

    def set_image_public(self, image_id: str, public: bool) -> None: ...

    def delete_image(self, image_id: str) -> None: ...

    def upload_image(self, name: str, data, size: int, disk_format: str,
                     container_format: str, min_disk_gb: int, min_ram_mb: int) -> str:
        """Stream a file object into the image service (``uploads_images``); returns its id."""

    def register_image(self, snapshot_id: str, name: str, description: str) -> str:
        """An image from a volume snapshot (``registers_from_snapshot``); returns its id."""


class KeyPairs(Protocol):
    def list_key_pairs(self) -> list[KeyPair]: ...

    def create_key_pair(self, name: str, key_type: str) -> NewKeyPair: ...

    def import_key_pair(self, name: str, public_key: str) -> KeyPair: ...

    def delete_key_pair(self, name: str) -> None: ...


class Volumes(Protocol):
    """Block storage: volumes and their snapshots."""

    def list_volumes(self) -> list[Volume]: ...

    def get_volume(self, volume_id: str) -> Volume: ...

    def list_volume_types(self) -> list[str]: ...

    def create_volume(self, spec: VolumeSpec) -> Volume: ...

    def update_volume(self, volume_id: str, name: str, description: str) -> None: ...

    def extend_volume(self, volume_id: str, size_gb: int) -> None: ...

    def attach_volume(self, volume_id: str, instance_id: str, device: str) -> None: ...

    def detach_volume(self, volume_id: str, instance_id: str) -> None: ...

    def delete_volume(self, volume_id: str) -> None: ...

    def list_snapshots(self) -> list[Snapshot]: ...

    def get_snapshot(self, snapshot_id: str) -> Snapshot: ...

    def create_snapshot(self, volume_id: str, name: str, description: str) -> Snapshot: ...

    def update_snapshot(self, snapshot_id: str, name: str, description: str) -> None: ...

    def delete_snapshot(self, snapshot_id: str) -> None: ...


class SecurityGroups(Protocol):
    """Security groups with their rules, and which groups an instance is in."""

    def list_security_groups(self) -> list[SecurityGroup]:
        """The project's groups, each with its rules: one call."""

    def create_security_group(self, name: str, description: str) -> SecurityGroup: ...

    def update_security_group(self, group_id: str, name: str, description: str) -> None:
        """Only where ``groups_editable``."""

    def delete_security_group(self, group_id: str) -> None: ...

    def add_rule(self, group_id: str, rule: SecurityGroupRule) -> None: ...

    def delete_rule(self, group_id: str, rule_id: str) -> None: ...

    def instance_with_groups(self, instance_id: str) -> Instance:
        """The instance with ``security_group_ids`` filled in."""

    def set_instance_groups(self, instance: Instance, group_ids: list[str]) -> None: ...


class Addresses(Protocol):
    """Floating IPs (OpenStack) or elastic IPs (EC2) of the project."""

    def list_addresses(self) -> list[Address]: ...

    def get_address(self, address_id: str) -> Address:
        """One of the project's addresses; NotFound for anyone else's."""

    def address_pools(self) -> list[tuple[str, str]]:
        """(id, name) of the pools to allocate from; empty where the cloud has no choice."""

    def allocate_address(self, pool: str = "") -> Address: ...

    def address_targets(self) -> list[AddressTarget]: ...

    def associate_address(self, address: Address, target: AddressTarget) -> None: ...

    def disassociate_address(self, address: Address) -> None: ...

    def release_address(self, address: Address) -> None: ...


class Networks(Protocol):
    """Networks, subnets and routers of the project's own (Neutron)."""

    def list_networks(self) -> list[Network]:
        """The networks the project sees (own, shared, external) with their subnets."""

    def get_network(self, network_id: str) -> Network:
        """One of the project's own networks (NotFound for anyone else's)."""

    def network_port_owners(self, network_id: str) -> list[tuple[str, str]]:
        """(device_owner, device_id) of every port on a network."""

    def create_network(self, name: str) -> Network: ...

    def delete_network(self, network_id: str) -> None: ...

    def create_subnet(self, network_id: str, name: str, cidr: str, ip_version: int,
                      gateway_ip: str = "", dhcp: bool = True) -> Subnet: ...

    def get_subnet(self, subnet_id: str) -> Subnet: ...

    def delete_subnet(self, subnet_id: str) -> None: ...

    def list_routers(self) -> list[Router]: ...

    def get_router(self, router_id: str) -> Router: ...

    def create_router(self, name: str, external_network_id: str = "") -> Router: ...

    def set_router_gateway(self, router_id: str, external_network_id: str = "") -> None: ...

    def add_router_interface(self, router_id: str, subnet_id: str) -> None: ...

    def remove_router_interface(self, router_id: str, subnet_id: str) -> None: ...

    def delete_router(self, router_id: str) -> None: ...


class Quotas(Protocol):
    """Quotas the cloud keeps and enforces itself, per quota service (``quota_services``)."""

    def quota_usage(self, project_id: str, service: str) -> list[QuotaUsage]: ...

    def set_quotas(self, project_id: str, service: str, limits: dict[str, int]) -> None:
        """Cloud admins only."""

    def quota_projects(self) -> list[IdentityProject]:
        """Every project of the cloud (cloud admins only)."""


class Usage(Protocol):
    """Instance usage over time, as the cloud reports it."""

    def instance_usage(self, project_id: str, start: datetime,
                       end: datetime) -> list[InstanceUsage]: ...


class AllProjects(Protocol):
    """A cloud admin's view of every project's instances and volumes, one call each."""

    def list_all_instances(self, marker: str = "", limit: int = 20,
                           project_id: str = "") -> Page[ProjectInstance]: ...

    def list_all_volumes(self, marker: str = "", limit: int = 20,
                         project_id: str = "") -> Page[ProjectVolume]: ...

    def project_names(self) -> dict[str, str]: ...

    def all_instance_names(self, instance_ids: list[str] | None = None) -> dict[str, str]: ...


class ComputeAdmin(Protocol):
    """Flavors, hypervisors and compute services (Nova's admin APIs)."""

    def list_flavors(self) -> list[Flavor]: ...

    def get_flavor(self, flavor_id: str) -> Flavor: ...

    def create_flavor(self, name: str, vcpus: int, ram_mb: int, disk_gb: int,
                      is_public: bool) -> Flavor: ...

    def delete_flavor(self, flavor_id: str) -> None: ...

    def flavor_projects(self, flavor_id: str) -> list[str]: ...

    def add_flavor_project(self, flavor_id: str, project_id: str) -> None: ...

    def remove_flavor_project(self, flavor_id: str, project_id: str) -> None: ...

    def list_hypervisors(self) -> list[Hypervisor]: ...

    def list_compute_services(self) -> list[CloudService]: ...

    def set_compute_service(self, service_id: str, enabled: bool, reason: str = "") -> None: ...


class AccessKeys(Protocol):
    """API access keys of a dashboard user in the project's account (EC2/IAM)."""

    #: How many keys the cloud allows one user.
    max_keys: int

    def user_name_for(self, username: str) -> str:
        """The cloud user that holds a dashboard user's keys (one per dashboard user)."""

    def list_access_keys(self, user_name: str) -> list[AccessKey]: ...

    def create_access_key(self, user_name: str) -> NewAccessKey: ...

    def set_access_key_status(self, user_name: str, key_id: str, active: bool) -> None: ...

    def delete_access_key(self, user_name: str, key_id: str) -> None: ...

    def revoke_api_access(self, user_name: str) -> list[str]:
        """Delete every key of the user (and the cloud user the dashboard made for it)."""

    def dashboard_users(self) -> list[str]:
        """The cloud users the dashboard made in this account."""


class ApplicationCredentials(Protocol):
    """The signed-in user's application credentials for the current project (Keystone)."""

    def list_application_credentials(self) -> list[ApplicationCredential]: ...

    def create_application_credential(self, name: str, description: str,
                                      expires_at: datetime | None,
                                      roles: list[str]) -> NewApplicationCredential: ...

    def delete_application_credential(self, credential_id: str) -> None: ...


class Identity(Protocol):
    """Projects, users and role assignments the cloud keeps itself (Keystone), in a domain."""

    regions: list[str]

    def list_projects(self) -> list[IdentityProject]: ...

    def get_project(self, project_id: str) -> IdentityProject: ...

    def find_project(self, name: str) -> IdentityProject | None: ...

    def create_project(self, name: str, description: str = "",
                       enabled: bool = True) -> IdentityProject: ...

    def update_project(self, project_id: str, name: str, description: str,
                       enabled: bool) -> IdentityProject: ...

    def delete_project(self, project_id: str) -> None: ...

    def resource_kinds(self) -> tuple[str, ...]:
        """The kinds of resource that keep a project from being deleted."""

    def project_resources(self, project_id: str, kind: str, region: str,
                          limit: int = 50) -> list[ProjectResource]: ...

    def list_users(self) -> list[IdentityUser]: ...

    def get_user(self, user_id: str) -> IdentityUser: ...

    def find_user(self, name: str) -> IdentityUser | None: ...

    def create_user(self, name: str, email: str = "", password: str | None = None,
                    enabled: bool = True, default_project_id: str = "") -> IdentityUser: ...

    def update_user(self, user_id: str, name: str, email: str,
                    enabled: bool) -> IdentityUser: ...

    def set_enabled(self, user_id: str, enabled: bool) -> None: ...

    def set_password(self, user_id: str, password: str) -> None: ...

    def delete_user(self, user_id: str) -> None: ...

    def discard(self, kind: str, resource_id: str) -> None:
        """Delete a just-created "user" or "project" again (a rollback)."""

    def list_roles(self) -> list[IdentityRole]: ...

    def find_role(self, name_or_id: str) -> IdentityRole: ...

    def project_members(self, project_id: str) -> list[RoleAssignment]: ...

    def user_projects(self, user_id: str) -> list[RoleAssignment]: ...

    def assign_role(self, project_id: str, user_id: str, role_id: str) -> None: ...

    def unassign_role(self, project_id: str, user_id: str, role_id: str) -> None: ...


# --- the cloud ------------------------------------------------------------------------------

class Cloud:
    """One project of one cloud in one region, made of parts; ``None`` where a part is lacking.

    Subclasses set the parts (plain attributes or cached properties), their
    ``CAPABILITIES`` and the class-level facts below.  ``access`` is what the
    cloud needs to reach the project: a ``Project`` row where django-nova
    keeps projects, the signed-in user's ``KeystoneSession`` on OpenStack.
    """

    #: The cloud keeps users and projects itself (people sign in with its credentials);
    #: otherwise django-nova keeps them (``django_nova.models``).
    KEEPS_IDENTITY: ClassVar[bool] = False
    #: The cloud's names and abilities, before the parts are counted.
    CAPABILITIES: ClassVar[Capabilities] = Capabilities()

    compute: Compute
    images: Images
    key_pairs: KeyPairs
    volumes: Volumes | None = None
    security_groups: SecurityGroups | None = None
    addresses: Addresses | None = None
    networks: Networks | None = None
    quotas: Quotas | None = None
    usage: Usage | None = None
    all_projects: AllProjects | None = None
    compute_admin: ComputeAdmin | None = None
    access_keys: AccessKeys | None = None
    application_credentials: ApplicationCredentials | None = None
    identity: Identity | None = None

    def __init__(self, key: str, config: dict, access, region: str):
        self.key, self.config, self.access, self.region = key, config, access, region

    @cached_property
    def capabilities(self) -> Capabilities:
        present = {flag: getattr(self, part) is not None for flag, part in PART_FLAGS.items()}
        return replace(self.CAPABILITIES, **self.discovered_capabilities(), **present)

    def discovered_capabilities(self) -> dict:
        """Capabilities read from the cloud itself (its catalog, its extensions); none here."""
        return {}

    def api_endpoint(self) -> str:
        """Where command-line tools start: the EC2 endpoint, Keystone's auth URL."""
        return ""

    @classmethod
    def check_config(cls, key: str, config: dict) -> list[str]:
        """What is wrong with a cloud definition of this kind (system checks show it)."""
        return []

    @classmethod
    def service_identity(cls, key: str, config: dict) -> Identity | None:
        """Identity administration with the cloud's provisioning service account, where the
        cloud keeps identity (``KEEPS_IDENTITY``); None elsewhere."""
        return None
