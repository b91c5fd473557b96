"""The dataclasses every layer above the drivers works with.

Drivers build these from their client library's objects; services, views
and templates never see a boto3 dict or an openstacksdk resource.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Generic, TypeVar

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")

# States from which an instance moves on by itself; rows in these poll.
TRANSITIONAL_STATES = frozenset({"pending", "stopping", "shutting-down", "rebooting",
                                 "resizing", "building", "deleting"})


@dataclass(frozen=True)
class Action:
    """Something a user may do to an instance in its current state."""

    name: str
    label: str
    # What it does to what runs on the instance, said on its confirmation page: an
    # action that interrupts a workload or may lose data asks first.
    effect: str = ""
    # Actions that need a choice (a flavor, an image) have a form page of this URL name.
    form_url: str = ""
    # Terminate: it deletes the instance (its own confirmation page, apart in the menu).
    destroys: bool = False

    @property
    def confirm(self) -> bool:
        """It asks first, on a confirmation page."""
        return bool(self.effect) or self.destroys


# Every instance action a cloud may offer; each cloud's parts say which apply when.
# The labels are verbs: what one does to an instance (its menu of actions).
ACTIONS = {action.name: action for action in (
    # Translators: a verb, an action on an instance.
    Action("start", _("Start")),
    # Translators: a verb, an action on an instance.
    Action("stop", _("Stop"), _(
        "The instance shuts down: everything running on it stops until it is started again. "
        "Data on its instance-store (ephemeral) disks may be lost.")),
    Action("reboot", _("Reboot"), _(
        "The instance restarts: what runs on it is interrupted while it boots again.")),
    Action("hard-reboot", _("Hard reboot"), _(
        "The instance is power-cycled without a clean shutdown: what its programs have not "
        "yet written to disk is lost.")),
    # Translators: a verb, an action on an instance.
    Action("pause", _("Pause"), _(
        "The instance is frozen in memory: it stops answering until it is unpaused.")),
    Action("unpause", _("Unpause")),
    # Translators: a verb, an action on an instance.
    Action("suspend", _("Suspend"), _(
        "The instance is saved to disk and stopped: it stops answering until it is "
        "resumed.")),
    # Translators: a verb, an action on an instance.
    Action("resume", _("Resume")),
    # Translators: a verb, an action on an instance.
    Action("lock", _("Lock")),
    # Translators: a verb, an action on an instance.
    Action("unlock", _("Unlock")),
    # Translators: to shelve an instance (OpenStack): stop it and free its host.
    Action("shelve", _("Shelve"), _(
        "The instance shuts down and gives up its host; unshelving starts it again, "
        "perhaps on another host.")),
    Action("unshelve", _("Unshelve")),
    Action("confirm-resize", _("Confirm resize")),
    Action("revert-resize", _("Revert resize"), _(
        "The instance goes back to its old size and restarts there: what changed on its "
        "disk since the resize is lost.")),
    # Translators: a verb that opens a form (hence the ellipsis).
    Action("resize", _("Resize…"), form_url="django_nova:instance-resize"),
    # Translators: a verb that opens a form (hence the ellipsis).
    Action("rebuild", _("Rebuild…"), form_url="django_nova:instance-rebuild"),
    Action("terminate", _("Terminate"), destroys=True),
)}


def actions(*names: str) -> tuple[Action, ...]:
    return tuple(ACTIONS[name] for name in names)


@dataclass(frozen=True)
class Image:
    id: str
    name: str
    owner_id: str
    is_public: bool
    state: str
    description: str = ""
    architecture: str = ""
    platform: str = ""
    created_at: datetime | None = None
    # Set by the service: the image belongs to the current project.
    is_own: bool = False
    # GB of the volume a launch makes for the root device (EC2's EBS-backed images);
    # 0 when a launch makes none (instance store, or an OpenStack image).
    root_volume_gb: int = 0

    @property
    def display_name(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Instance:
    id: str
    name: str
    state: str
    instance_type: str
    image_id: str
    key_name: str = ""
    private_ips: tuple[str, ...] = ()
    public_ips: tuple[str, ...] = ()
    availability_zone: str = ""
    launched_at: datetime | None = None
    security_groups: tuple[str, ...] = ()
    # The groups' ids, where a driver fetched them (the security groups page does).
    security_group_ids: tuple[str, ...] = ()
    # Key/value tags: EC2 tags (Name among them) or Nova server metadata.
    tags: dict[str, str] = field(default_factory=dict)
    # Plain labels: Nova server tags (EC2 has none).
    labels: tuple[str, ...] = ()
    # Filled in by the service from the images the page needs.
    image: Image | None = None
    # The cloud is working on it (an OpenStack task state); it settles by itself.
    busy: bool = False
    # What the user can do now, in menu order (the driver knows its cloud's rules).
    actions: tuple[Action, ...] = ()
    locked: bool = False
    # The device its root volume is on ("/dev/sda1"), where the cloud tells.
    root_device: str = ""

    @property
    def transitional(self) -> bool:
        return self.busy or self.state in TRANSITIONAL_STATES

    @property
    def display_name(self) -> str:
        return self.name or self.id

    @property
    def imageable(self) -> bool:
        """An image can be made of it now (it is running or stopped)."""
        return self.state in ("running", "stopped")

    def with_image(self, image: Image | None) -> "Instance":
        return replace(self, image=image)


@dataclass(frozen=True)
class InstanceType:
    """An EC2 instance type or an OpenStack flavor; ``id`` is what launch takes."""

    name: str
    vcpus: int
    memory_mib: int
    id: str = ""
    disk_gb: int = 0

    def __post_init__(self):
        if not self.id:
            object.__setattr__(self, "id", self.name)

    @property
    def label(self) -> str:
        # Translators: an instance type in a list to choose from: "m1.small (1 vCPU, 2 GiB)".
        return gettext("%(name)s (%(vcpus)s vCPU, %(memory)s GiB)") % {
            "name": self.name, "vcpus": self.vcpus, "memory": f"{self.memory_mib / 1024:g}"}


@dataclass(frozen=True)
class KeyPair:
    name: str
    fingerprint: str
    key_type: str = ""
    id: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True)
class NewKeyPair:
    """A key pair just created; ``private_key`` exists only in this response."""

    key_pair: KeyPair
    private_key: str = field(repr=False)


@dataclass(frozen=True)
class SecurityGroupRule:
    """One rule; ``protocol`` is tcp, udp, icmp or "any"; ports are None for all ports."""

    id: str
    direction: str  # "ingress" or "egress"
    protocol: str
    port_min: int | None = None
    port_max: int | None = None
    remote_cidr: str = ""
    remote_group_id: str = ""
    ether_type: str = "IPv4"


@dataclass(frozen=True)
class SecurityGroup:
    id: str
    name: str
    description: str = ""
    rules: tuple[SecurityGroupRule, ...] = ()


@dataclass(frozen=True)
class Address:
    """A floating IP (OpenStack) or elastic IP (EC2) of the project.

    ``id`` is what the cloud acts on: the floating IP's id, or the elastic
    IP's allocation id.  ``pool`` is the external network (OpenStack) or the
    domain (EC2).  An address is associated when ``port_id`` or
    ``instance_id`` is set.
    """

    id: str
    ip: str
    pool: str = ""
    instance_id: str = ""
    fixed_ip: str = ""
    # The Neutron port, or the EC2 network interface, it is associated with.
    port_id: str = ""
    state: str = ""
    # EC2 disassociates by association id; empty on OpenStack.
    association_id: str = ""
    # Filled in by the service for the page: the instance's display name.
    instance_name: str = ""

    @property
    def associated(self) -> bool:
        return bool(self.port_id or self.instance_id or self.association_id)

    @property
    def instance_label(self) -> str:
        return self.instance_name or self.instance_id


@dataclass(frozen=True)
class AddressTarget:
    """Somewhere an address can be associated: an instance, and one of its ports' IPs."""

    instance_id: str
    instance_name: str = ""
    port_id: str = ""
    fixed_ip: str = ""

    @property
    def key(self) -> str:
        """The form's value for this target (ids contain no '/')."""
        return "/".join((self.instance_id, self.port_id, self.fixed_ip))

    @property
    def label(self) -> str:
        name = self.instance_name or self.instance_id
        if self.fixed_ip:
            # Translators: an instance and one of its addresses: "web (i-0123) at 10.0.0.5".
            return gettext("%(name)s (%(id)s) at %(ip)s") % {
                "name": name, "id": self.instance_id, "ip": self.fixed_ip}
        return f"{name} ({self.instance_id})"


@dataclass(frozen=True)
class Subnet:
    """A Neutron subnet: an address range of one network."""

    id: str
    name: str
    network_id: str
    cidr: str
    ip_version: int = 4
    gateway_ip: str = ""
    dhcp: bool = True
    project_id: str = ""


@dataclass(frozen=True)
class Network:
    """A Neutron network the project can see: its own, a shared or an external one."""

    id: str
    name: str
    status: str = ""
    shared: bool = False
    external: bool = False
    project_id: str = ""
    # True when the current project owns it (only those can change).
    own: bool = False
    subnets: tuple[Subnet, ...] = ()

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class RouterInterface:
    """A router's port on a subnet."""

    port_id: str
    subnet_id: str
    # Filled in for the page where the subnet is known.
    subnet: Subnet | None = None


@dataclass(frozen=True)
class Router:
    """A Neutron router: its external gateway and its interfaces on subnets."""

    id: str
    name: str
    status: str = ""
    external_network_id: str = ""
    project_id: str = ""
    interfaces: tuple[RouterInterface, ...] = ()
    # Filled in for the page: the gateway network's name.
    external_network_name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class AvailabilityZone:
    name: str
    state: str = "available"


# Volume and snapshot states that settle by themselves.
VOLUME_TRANSITIONAL_STATES = frozenset({
    "creating", "attaching", "detaching", "deleting", "extending", "reserved",
    "downloading", "optimizing", "modifying", "pending", "backing-up", "restoring-backup"})


@dataclass(frozen=True)
class VolumeAttachment:
    instance_id: str
    device: str = ""
    # Filled in by the service for the page: the instance's display name.
    instance_name: str = ""


@dataclass(frozen=True)
class Detachment:
    """What detaching a volume from one instance means, for its confirmation."""

    attachment: VolumeAttachment
    instance_state: str = ""
    # The volume is the instance's root device: it cannot start without one.
    root: bool = False
    # Why the cloud would refuse it now ("" if it may go ahead).
    refusal: str = ""


@dataclass(frozen=True)
class Volume:
    id: str
    name: str
    size_gb: int
    state: str
    volume_type: str = ""
    availability_zone: str = ""
    description: str = ""
    attachments: tuple[VolumeAttachment, ...] = ()
    snapshot_id: str = ""
    created_at: datetime | None = None

    @property
    def transitional(self) -> bool:
        return self.state in VOLUME_TRANSITIONAL_STATES

    @property
    def display_name(self) -> str:
        return self.name or self.id

    @property
    def in_use(self) -> bool:
        return bool(self.attachments) or self.state == "in-use"


@dataclass(frozen=True)
class Snapshot:
    id: str
    name: str
    volume_id: str
    size_gb: int
    state: str
    description: str = ""
    created_at: datetime | None = None

    @property
    def transitional(self) -> bool:
        return self.state in VOLUME_TRANSITIONAL_STATES

    @property
    def display_name(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class VolumeSpec:
    """What the create-volume form asks for; at most one source."""

    name: str
    size_gb: int
    volume_type: str = ""
    availability_zone: str = ""
    description: str = ""
    snapshot_id: str = ""
    image_id: str = ""


@dataclass(frozen=True)
class LaunchSpec:
    """What the launch form asks the cloud for."""

    name: str
    image_id: str
    instance_type: str
    count: int = 1
    key_name: str = ""
    security_group_ids: tuple[str, ...] = ()
    availability_zone: str = ""
    user_data: str = ""
    # OpenStack: the networks to attach; empty lets the driver choose.
    network_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page(Generic[T]):  # noqa: UP046 - PEP 695 syntax needs Python 3.12
    """One page of a server-side paginated listing; ``next_marker`` is opaque.

    Pages for links (``services.paging.sign``) also know the link back
    (``previous_marker``: "" for the first page, None on the first page) and their
    ``number``.
    """

    items: list[T]
    next_marker: str = ""
    previous_marker: str | None = None
    number: int = 1


# Identity administration (projects, users, role assignments): django_nova.identity


@dataclass(frozen=True)
class IdentityProject:
    """A project as the admin pages see it: a Project row (EC2) or a Keystone project."""

    id: str
    name: str
    description: str = ""
    enabled: bool = True
    cloud: str = ""


@dataclass(frozen=True)
class IdentityUser:
    """A site user (EC2 clouds) or a Keystone user; ``is_admin`` is site staff on EC2."""

    id: str
    name: str
    email: str = ""
    enabled: bool = True
    is_admin: bool = False


@dataclass(frozen=True)
class IdentityRole:
    id: str
    name: str


@dataclass(frozen=True)
class RoleAssignment:
    """One user's roles in one project (a member row, or a project on a user's page)."""

    project_id: str
    project_name: str
    user_id: str
    user_name: str
    roles: tuple[IdentityRole, ...] = ()

    @property
    def role_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.roles)


# What the kinds of resource that keep a project from being deleted are called on its page.
RESOURCE_KINDS = {
    "instance": _("instance"),
    "server": _("server"),
    "volume": _("volume"),
    "snapshot": _("snapshot"),
    "image": _("image"),
    "elastic IP": _("elastic IP"),
    "floating IP": _("floating IP"),
    "network": _("network"),
    "router": _("router"),
    "port": _("port"),
    "security group": _("security group"),
}


def resource_kind(kind: str) -> str:
    """What a kind of ProjectResource is called (``kind`` itself for one of no name here)."""
    return RESOURCE_KINDS.get(kind, kind)


@dataclass(frozen=True)
class ProjectResource:
    """Something a project still owns, which keeps it from being deleted."""

    kind: str  # what it is called (``resource_kind``): shown, never compared
    id: str
    name: str = ""
    region: str = ""


# Cloud admin (all projects; OpenStack flavors, hypervisors and compute services)

@dataclass(frozen=True)
class ProjectInstance:
    """An instance on the all-projects page, with the project it belongs to."""

    project_id: str
    instance: Instance
    project_name: str = ""


@dataclass(frozen=True)
class ProjectVolume:
    """A volume on the all-projects page, with the project it belongs to."""

    project_id: str
    volume: Volume
    project_name: str = ""


@dataclass(frozen=True)
class Flavor:
    """A Nova flavor as an admin manages it (public ones are offered to every project)."""

    id: str
    name: str
    vcpus: int
    ram_mb: int
    disk_gb: int
    is_public: bool = True
    ephemeral_gb: int = 0
    swap_mb: int = 0


@dataclass(frozen=True)
class Hypervisor:
    """A compute node; usage figures are None where the cloud does not report them."""

    id: str
    name: str
    state: str
    status: str
    hypervisor_type: str = ""
    host_ip: str = ""
    running_vms: int | None = None
    vcpus: int | None = None
    vcpus_used: int | None = None
    memory_mb: int | None = None
    memory_mb_used: int | None = None
    disk_gb: int | None = None
    disk_gb_used: int | None = None


@dataclass(frozen=True)
class CloudService:
    """A Nova service (nova-compute, nova-scheduler...) on one host."""

    id: str
    binary: str
    host: str
    zone: str = ""
    status: str = ""  # enabled / disabled (an admin's choice)
    state: str = ""  # up / down (whether it reports in)
    updated_at: datetime | None = None
    disabled_reason: str = ""

    @property
    def enabled(self) -> bool:
        return self.status == "enabled"


# --- API access (credentials) ---------------------------------------------------------------

@dataclass(frozen=True)
class AccessKey:
    """An EC2/IAM access key of the dashboard user; its secret is never listed."""

    id: str
    status: str  # "Active" or "Inactive"
    created_at: datetime | None = None
    last_used_at: datetime | None = None
    last_used_service: str = ""

    @property
    def active(self) -> bool:
        return self.status == "Active"


@dataclass(frozen=True)
class NewAccessKey:
    """An access key just created; ``secret`` exists only in this response."""

    key: AccessKey
    user_name: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class ApplicationCredential:
    """A Keystone application credential of the user in one project (no secret)."""

    id: str
    name: str
    project_id: str = ""
    description: str = ""
    expires_at: datetime | None = None
    roles: tuple[str, ...] = ()
    unrestricted: bool = False


@dataclass(frozen=True)
class NewApplicationCredential:
    """An application credential just created; ``secret`` exists only in this response."""

    credential: ApplicationCredential
    secret: str = field(repr=False)


# --- quotas and usage (django_nova.services.quotas, django_nova.services.usage) ---

@dataclass(frozen=True)
class QuotaUsage:
    """One resource's limit (-1: unlimited) and how much of it a project uses.

    ``resource`` is one of django_nova.services.quotas.RESOURCES' keys;
    ``label`` is filled in by the service.
    """

    resource: str
    limit: int
    used: int
    label: str = ""
    unit: str = ""

    @property
    def unlimited(self) -> bool:
        return self.limit < 0

    @property
    def percent(self) -> int:
        """How full, 0-100 (100 when a limit of 0 or less than used)."""
        if self.unlimited:
            return 0
        if self.limit == 0:
            return 100 if self.used else 0
        return min(100, round(100 * self.used / self.limit))

    @property
    def level(self) -> str:
        """"success", "warning" (80 % or more) or "danger" (full), for colours."""
        if self.unlimited:
            return "success"
        if self.used >= self.limit:
            return "danger"
        return "warning" if self.percent >= 80 else "success"


@dataclass(frozen=True)
class InstanceUsage:
    """One instance's share of a usage period."""

    instance_id: str
    name: str
    instance_type: str
    vcpus: int
    memory_mib: int
    state: str
    hours: float
    started_at: datetime | None = None
    ended_at: datetime | None = None
    # Terminated, but when is unknown (no audit entry): counted as zero hours.
    end_unknown: bool = False

    @property
    def vcpu_hours(self) -> float:
        return self.vcpus * self.hours

    @property
    def gb_hours(self) -> float:
        """RAM GiB-hours."""
        return self.memory_mib / 1024 * self.hours


# --- what a cloud offers (each cloud package sets its own; see django_nova.clouds.base) ---

@dataclass(frozen=True)
class Capabilities:
    """What one cloud can do and what it calls things.

    The per-cloud defaults live in each cloud package; the ``has_*`` flags
    are filled in from the parts the cloud has (``Cloud.capabilities``).
    """

    # What this cloud calls a machine size, its key/value tags and its public addresses
    # (labels: capitalised; nouns: inside a sentence).
    instance_type_label: str = _("Instance type")
    instance_types_label: str = _("Instance types")
    tags_label: str = _("Tags")
    address_label: str = _("Floating IPs")
    address_noun: str = _("floating IP")
    address_noun_plural: str = _("floating IPs")
    # Translators: where a floating IP comes from (an external network).
    address_pool_label: str = _("Pool")
    # Instances and images.
    has_labels: bool = False            # plain labels besides key/value tags (Nova tags)
    image_name_fixed: bool = False      # EC2 fixes an image's name at creation
    image_description_editable: bool = True
    uploads_images: bool = False        # images upload from the browser (Glance)
    registers_from_snapshot: bool = False  # images register from a volume snapshot (EC2)
    # Volumes: what a new volume can be made from, and whether it attaches in its zone only.
    volume_sources: tuple[str, ...] = ("snapshot",)
    attach_same_zone: bool = False
    # Security groups.
    groups_editable: bool = True
    group_description_required: bool = False
    instance_needs_group: bool = False
    group_rules_have_ether_type: bool = True
    # The quota services the cloud keeps, in page order (none: django-nova keeps quotas).
    quota_services: tuple[str, ...] = ()
    # Parts present (filled in by ``Cloud.capabilities``).
    has_volumes: bool = False
    has_security_groups: bool = False
    has_addresses: bool = False
    has_networks: bool = False
    has_quotas: bool = False
    has_usage: bool = False
    lists_all_projects: bool = False
    has_compute_admin: bool = False
    has_access_keys: bool = False
    has_application_credentials: bool = False
    has_identity: bool = False
