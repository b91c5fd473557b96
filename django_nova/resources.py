"""The dataclasses every layer above the drivers works with.

Drivers build these from their client library's objects; services, views
and templates never see a boto3 dict or an openstacksdk resource.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Generic, TypeVar

T = TypeVar("T")

# States from which an instance moves on by itself; rows in these poll.
TRANSITIONAL_STATES = frozenset({"pending", "stopping", "shutting-down", "rebooting",
                                 "resizing", "building", "deleting"})


@dataclass(frozen=True)
class Action:
    """Something a user may do to an instance in its current state."""

    name: str
    label: str
    # Actions that destroy or disrupt ask for confirmation first.
    confirm: bool = False
    # Actions that need a choice (a flavor, an image) have a form page of this URL name.
    form_url: str = ""


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

    @property
    def transitional(self) -> bool:
        return self.busy or self.state in TRANSITIONAL_STATES

    @property
    def display_name(self) -> str:
        return self.name or self.id

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
        return f"{self.name} ({self.vcpus} vCPU, {self.memory_mib / 1024:g} GiB)"


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
        where = f" at {self.fixed_ip}" if self.fixed_ip else ""
        return f"{name} ({self.instance_id}){where}"


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
    """One page of a server-side paginated listing; ``next_marker`` is opaque."""

    items: list[T]
    next_marker: str = ""
