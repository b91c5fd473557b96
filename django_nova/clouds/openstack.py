"""The OpenStack driver: openstacksdk on a keystoneauth1 session built from the user's token.

Nova, Glance and Neutron are reached through the catalog in the token the
user got at login (kept in the server-side session), so no request
re-authenticates.  Compute microversions are negotiated by openstacksdk per
resource against what the cloud offers.
"""

import base64
import logging
from datetime import UTC
from functools import cached_property

import openstack.connection
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from django.core.exceptions import ImproperlyConfigured
from django.utils.dateparse import parse_datetime
from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions as sdk_exceptions
from openstack.compute.v2.server import Server
from openstack.config import OpenStackConfig

from ..exceptions import (
    CloudError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    QuotaExceeded,
    Unavailable,
)
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
from . import keystone
from .base import ComputeDriver, actions
from .openstack_admin import OpenStackAdminMixin
from .openstack_credentials import OpenStackCredentialsMixin
from .openstack_network import OpenStackNetworkMixin
from .openstack_quotas import OpenStackQuotaMixin
from .openstack_volumes import OpenStackVolumeMixin

log = logging.getLogger(__name__)

# Nova status -> our state vocabulary (shared with EC2 where the meaning is the same).
STATES = {
    "ACTIVE": "running", "BUILD": "building", "SHUTOFF": "stopped", "PAUSED": "paused",
    "SUSPENDED": "suspended", "SHELVED": "shelved", "SHELVED_OFFLOADED": "shelved",
    "REBOOT": "rebooting", "HARD_REBOOT": "rebooting", "RESIZE": "resizing",
    "VERIFY_RESIZE": "verify-resize", "REVERT_RESIZE": "resizing", "REBUILD": "building",
    "MIGRATING": "resizing", "ERROR": "error", "DELETED": "terminated",
    "SOFT_DELETED": "terminated", "RESCUE": "rescue",
}
STATE_ACTIONS = {
    "running": actions("stop", "reboot", "hard-reboot", "pause", "suspend", "shelve",
                       "resize", "rebuild", "terminate"),
    "stopped": actions("start", "shelve", "resize", "rebuild", "terminate"),
    "paused": actions("unpause", "terminate"),
    "suspended": actions("resume", "terminate"),
    "shelved": actions("unshelve", "terminate"),
    "verify-resize": actions("confirm-resize", "revert-resize"),
    "error": actions("hard-reboot", "terminate"),
    "building": actions("terminate"),
}
# Action name -> compute proxy method (plus fixed arguments).
PROXY_ACTIONS = {
    "start": ("start_server", ()), "stop": ("stop_server", ()),
    "reboot": ("reboot_server", ("SOFT",)), "hard-reboot": ("reboot_server", ("HARD",)),
    "pause": ("pause_server", ()), "unpause": ("unpause_server", ()),
    "suspend": ("suspend_server", ()), "resume": ("resume_server", ()),
    "lock": ("lock_server", ()), "unlock": ("unlock_server", ()),
    "shelve": ("shelve_server", ()), "unshelve": ("unshelve_server", ()),
    "confirm-resize": ("confirm_server_resize", ()),
    "revert-resize": ("revert_server_resize", ()),
    "terminate": ("delete_server", ()),
}


def cloud_from_clouds_yaml(name: str, config_file: str | None = None) -> dict:
    """A NOVA cloud definition from an OpenStack clouds.yaml entry.

    The file is found the OpenStack way (OS_CLIENT_CONFIG_FILE, then the
    standard places) unless given.  Only where the cloud is (auth URL,
    regions, domain) is taken: users log in with their own Keystone
    credentials, never with the file's.
    """
    loader = OpenStackConfig(config_files=[config_file]) if config_file else OpenStackConfig()
    try:
        cloud = loader.get_one(cloud=name)
    except sdk_exceptions.ConfigException as error:
        raise ImproperlyConfigured(f"OpenStack cloud {name!r}: {error} (clouds.yaml is read "
                                   "from OS_CLIENT_CONFIG_FILE or the standard places)") from error
    auth = cloud.config.get("auth", {})
    regions = [r["name"] if isinstance(r, dict) else r
               for r in cloud.config.get("regions") or [cloud.region_name or "RegionOne"]]
    return {
        "DRIVER": "openstack",
        "LABEL": name,
        "AUTH_URL": auth["auth_url"],
        "REGIONS": regions,
        "DEFAULT_DOMAIN": auth.get("user_domain_name") or "Default",
        "INTERFACE": cloud.config.get("interface", "public"),
    }


def translate(error: Exception) -> CloudError:
    if isinstance(error, ks_exceptions.ClientException):
        return keystone.translate(error)
    message = (getattr(error, "details", None) or getattr(error, "message", None)
               or str(error) or "The cloud refused the request.")
    status = getattr(error, "status_code", None) or 0
    if isinstance(error, sdk_exceptions.NotFoundException | sdk_exceptions.ResourceNotFound):
        return NotFound(message)
    if "quota" in message.lower():
        return QuotaExceeded(message)
    if isinstance(error, sdk_exceptions.ForbiddenException) or status == 401:
        return Forbidden(message)
    if isinstance(error, sdk_exceptions.ConflictException):
        return Conflict(message)
    if isinstance(error, sdk_exceptions.BadRequestException):
        return InvalidInput(message)
    if status >= 500:
        return Unavailable(message)
    return CloudError(message)


def _addresses(server) -> tuple[tuple[str, ...], tuple[str, ...]]:
    fixed, floating = [], []
    for entries in (server.addresses or {}).values():
        for entry in entries:
            kind = entry.get("OS-EXT-IPS:type")
            (floating if kind == "floating" else fixed).append(entry["addr"])
    return tuple(fixed), tuple(floating)


def _parse_server(server) -> Instance:
    state = STATES.get((server.status or "").upper(), (server.status or "unknown").lower())
    flavor = server.flavor or {}
    private, public = _addresses(server)
    busy = bool(server.task_state)
    available = () if busy else STATE_ACTIONS.get(state, ())
    if server.is_locked:
        available = actions("unlock")
    elif available and available[-1].name == "terminate":
        available = (*available[:-1], *actions("lock"), available[-1])
    return Instance(
        id=server.id,
        name=server.name or "",
        state=(server.task_state or state).replace("_", "-"),
        instance_type=flavor.get("original_name") or flavor.get("name") or flavor.get("id", ""),
        image_id=(server.image or {}).get("id") or "",
        key_name=server.key_name or "",
        private_ips=private,
        public_ips=public,
        availability_zone=server.availability_zone or "",
        launched_at=_parse_time(server.launched_at or server.created_at),
        security_groups=tuple(dict.fromkeys(g.get("name", "")
                                            for g in server.security_groups or [])),
        tags=dict(server.metadata or {}),
        labels=tuple(server.tags or ()),
        busy=busy,
        actions=available,
        locked=bool(server.is_locked),
    )


def _parse_time(value):
    """OpenStack timestamps, some without a zone (they are UTC)."""
    parsed = parse_datetime(value) if value else None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _parse_image(image) -> Image:
    return Image(
        id=image.id, name=image.name or image.id, owner_id=image.owner or "",
        is_public=image.visibility == "public", state=image.status or "",
        description=(image.properties or {}).get("description", "") if image.properties else "",
        architecture=image.architecture or "", platform=image.os_distro or "",
        created_at=_parse_time(image.created_at),
    )


def _new_key(key_type: str) -> tuple[str, str]:
    """A new private key (OpenSSH PEM) and its public line: Nova no longer generates keys."""
    private = (ed25519.Ed25519PrivateKey.generate() if key_type == "ed25519"
               else rsa.generate_private_key(public_exponent=65537, key_size=2048))
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                serialization.NoEncryption()).decode()
    public = private.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                               serialization.PublicFormat.OpenSSH).decode()
    return pem, public


class OpenStackDriver(OpenStackAdminMixin, OpenStackQuotaMixin, OpenStackCredentialsMixin,
                      OpenStackNetworkMixin, OpenStackVolumeMixin, ComputeDriver):
    INSTANCE_TYPE_LABEL = "Flavor"

    @property
    def keystone(self):
        """The KeystoneSession this driver acts with (its ``access``)."""
        return self.access

    @cached_property
    def conn(self):
        session = keystone.authenticated_session(self.keystone.token, self.keystone.token_body,
                                                 cloud=self.cloud_key)
        return openstack.connection.Connection(
            session=session, region_name=self.region,
            interface=self.config.get("INTERFACE", "public"), app_name="django-nova")

    def _call(self, action, *args, **kwargs):
        try:
            return action(*args, **kwargs)
        except (sdk_exceptions.SDKException, ks_exceptions.ClientException) as error:
            translated = translate(error)
            if isinstance(translated, Unavailable):
                log.warning("cloud %s failed: %s", self.cloud_key, error)
            raise translated from error

    # Instances
    def list_instances(self, marker="", limit=20, include_terminated=False, tag=""):
        params = {"details": True, "limit": limit, "paginated": False}
        if tag:
            # Nova filters on its plain server tags (members cannot filter on metadata).
            params["tags"] = tag
        if marker:
            params["marker"] = marker
        servers = self._call(lambda: list(self.conn.compute.servers(**params)))
        items = [_parse_server(s) for s in servers]
        return Page(items=items, next_marker=items[-1].id if len(items) >= limit else "")

    def get_instance(self, instance_id):
        return _parse_server(self._call(self.conn.compute.get_server, instance_id))

    def _networks_for_launch(self):
        """The project's own networks, else the shared ones; none when there are none."""
        networks = self._call(lambda: [n for n in self.conn.network.networks()
                                       if not n.is_router_external])
        own = [n for n in networks if n.project_id == self.keystone.project_id]
        chosen = own or [n for n in networks if n.is_shared]
        return [{"uuid": n.id} for n in chosen[:1]] or "none"

    def launch(self, spec: LaunchSpec):
        params = {
            "name": spec.name, "image_id": spec.image_id, "flavor_id": spec.instance_type,
            "min_count": spec.count, "max_count": spec.count,
            "networks": ([{"uuid": n} for n in spec.network_ids]
                         or self._networks_for_launch()),
        }
        if spec.key_name:
            params["key_name"] = spec.key_name
        if spec.security_group_ids:
            groups = {g.id: g.name for g in self.list_security_groups()}
            params["security_groups"] = [{"name": groups.get(g, g)}
                                         for g in spec.security_group_ids]
        if spec.availability_zone:
            params["availability_zone"] = spec.availability_zone
        if spec.user_data:
            params["user_data"] = base64.b64encode(spec.user_data.encode()).decode()
        server = self._call(self.conn.compute.create_server, **params)
        return [_parse_server(self._call(self.conn.compute.get_server, server.id))]

    def instance_action(self, action, instance_ids):
        if action not in PROXY_ACTIONS:
            raise InvalidInput(f"Unknown instance action {action!r}.")
        method, args = PROXY_ACTIONS[action]
        for instance_id in instance_ids:
            self._call(getattr(self.conn.compute, method), instance_id, *args)

    def create_image(self, instance_id, name, description):
        image = self._call(self.conn.compute.create_server_image, instance_id, name,
                           metadata={"description": description} if description else None)
        return image.id

    UPLOADS_IMAGES = True

    def upload_image(self, name, data, size, disk_format, container_format, min_disk_gb,
                     min_ram_mb):
        image = self._call(self.conn.image.create_image, name, data=data, size=size,
                           disk_format=disk_format, container_format=container_format,
                           min_disk=min_disk_gb, min_ram=min_ram_mb, visibility="private",
                           allow_duplicates=True, validate_checksum=False)
        return image.id

    def update_image(self, image_id, name, description):
        self._call(self.conn.image.update_image, image_id, name=name, description=description)

    def set_image_public(self, image_id, public):
        self._call(self.conn.image.update_image, image_id,
                   visibility="public" if public else "private")

    def delete_image(self, image_id):
        self._call(self.conn.image.delete_image, image_id)

    TAGS_LABEL = "Metadata"
    HAS_LABELS = True

    def set_tag(self, instance_id, key, value):
        self._call(self.conn.compute.set_server_metadata, instance_id, **{key: value})

    def delete_tag(self, instance_id, key):
        self._call(self.conn.compute.delete_server_metadata, instance_id, [key])

    def add_label(self, instance_id, label):
        self._call(Server.existing(id=instance_id).add_tag, self.conn.compute, label)

    def remove_label(self, instance_id, label):
        self._call(Server.existing(id=instance_id).remove_tag, self.conn.compute, label)

    def resize(self, instance_id: str, flavor_id: str) -> None:
        self._call(self.conn.compute.resize_server, instance_id, flavor_id)

    def rebuild(self, instance_id: str, image_id: str) -> None:
        self._call(self.conn.compute.rebuild_server, instance_id, image=image_id)

    def console_output(self, instance_id):
        result = self._call(self.conn.compute.get_server_console_output, instance_id)
        return result.get("output") or ""

    # Catalogs
    def list_images(self, scope):
        filters = {"own": {"owner": self.keystone.project_id},
                   "shared": {"visibility": "shared"},
                   "public": {"visibility": "public"}}.get(scope)
        if filters is None:
            raise InvalidInput(f"Unknown image scope {scope!r}.")
        return self._call(lambda: [_parse_image(i) for i in self.conn.image.images(**filters)])

    def get_images(self, image_ids):
        if not image_ids:
            return []
        wanted = "in:" + ",".join(image_ids)
        return self._call(lambda: [_parse_image(i) for i in self.conn.image.images(id=wanted)])

    def list_instance_types(self):
        flavors = self._call(lambda: list(self.conn.compute.flavors(details=True)))
        types = [InstanceType(id=f.id, name=f.name, vcpus=f.vcpus, memory_mib=f.ram,
                              disk_gb=f.disk) for f in flavors]
        return sorted(types, key=lambda t: (t.vcpus, t.memory_mib, t.name))

    def list_availability_zones(self):
        zones = self._call(lambda: list(self.conn.compute.availability_zones()))
        return [AvailabilityZone(name=z.name, state="available" if (z.state or {}).get(
            "available") else "unavailable") for z in zones]

    def list_security_groups(self):
        groups = self._call(lambda: list(self.conn.network.security_groups(
            project_id=self.keystone.project_id)))
        return [SecurityGroup(id=g.id, name=g.name, description=g.description or "")
                for g in groups]

    # Key pairs
    def list_key_pairs(self):
        pairs = self._call(lambda: list(self.conn.compute.keypairs()))
        return sorted((KeyPair(name=k.name, fingerprint=k.fingerprint or "",
                               key_type=k.type or "ssh") for k in pairs),
                      key=lambda k: k.name.lower())

    def create_key_pair(self, name, key_type):
        private_key, public_key = _new_key(key_type)
        return NewKeyPair(key_pair=self.import_key_pair(name, public_key), private_key=private_key)

    def import_key_pair(self, name, public_key):
        created = self._call(self.conn.compute.create_keypair, name=name, public_key=public_key)
        return KeyPair(name=created.name, fingerprint=created.fingerprint or "",
                       key_type=created.type or "ssh")

    def delete_key_pair(self, name):
        self._call(self.conn.compute.delete_keypair, name)
