"""The EC2 driver: boto3 against AWS, any EC2-compatible endpoint, or the embedded moto cloud."""

import base64
import binascii
import logging
import threading
import time
from functools import lru_cache

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ParamValidationError,
    ReadTimeoutError,
)
from django.utils.dateparse import parse_datetime

from .. import embedded
from ..conf import nova_settings
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
from .base import ComputeDriver, actions, cloud_call
from .ec2_credentials import EC2CredentialsMixin
from .ec2_network import EC2NetworkMixin
from .ec2_volumes import EC2VolumeMixin

log = logging.getLogger(__name__)

LIVE_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"]
# What EC2 lets a user do in each state.
STATE_ACTIONS = {
    "pending": actions("terminate"),
    "running": actions("stop", "reboot", "terminate"),
    "stopping": actions("terminate"),
    "stopped": actions("start", "terminate"),
}
SUPPORTED_ACTIONS = {"start", "stop", "reboot", "terminate"}
# EC2 refuses MaxResults outside 5..1000 for DescribeInstances.
MIN_PAGE, MAX_PAGE = 5, 1000
# Assumed-role credentials are renewed this long before they expire.
CREDENTIAL_MARGIN = 300

FORBIDDEN_CODES = {"UnauthorizedOperation", "AuthFailure", "AccessDenied",
                   "InvalidClientTokenId", "SignatureDoesNotMatch", "OptInRequired"}
CONFLICT_CODES = {"IncorrectInstanceState", "IncorrectState", "DependencyViolation", "VolumeInUse",
                  "InvalidKeyPair.Duplicate", "InvalidGroup.Duplicate"}
INPUT_CODES = {"MissingParameter", "ValidationError", "InvalidKeyPair.Format",
               "InvalidUserData.Malformed", "InvalidAMIName.Malformed"}


def translate_client_error(error: ClientError) -> CloudError:
    """Map an EC2 error code to django_nova's hierarchy."""
    details = error.response.get("Error", {})
    code = details.get("Code", "")
    message = details.get("Message") or code or "The cloud refused the request."
    if code.endswith("NotFound"):
        return NotFound(message, code)
    if code in FORBIDDEN_CODES:
        return Forbidden(message, code)
    if code in CONFLICT_CODES or code.endswith(".Duplicate") or code.endswith(".InUse"):
        return Conflict(message, code)
    if code.endswith("LimitExceeded") or code == "InsufficientInstanceCapacity":
        return QuotaExceeded(message, code)
    if code in INPUT_CODES or code.startswith("InvalidParameter") or code.endswith(".Malformed"):
        return InvalidInput(message, code)
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    if status >= 500 or code in {"RequestLimitExceeded", "Unavailable", "InternalError"}:
        return Unavailable(message, code)
    return CloudError(message, code)


def _client_config() -> Config:
    nova = nova_settings()
    return Config(
        connect_timeout=nova["CONNECT_TIMEOUT"],
        read_timeout=nova["READ_TIMEOUT"],
        retries={"total_max_attempts": nova["MAX_ATTEMPTS"], "mode": "standard"},
        max_pool_connections=nova["MAX_CONCURRENT_CALLS"] * 2,
    )


# One boto3 session for the process: it caches the parsed service models, so a
# new client costs milliseconds instead of re-reading the EC2 model.  Sessions
# are not thread-safe, clients are: creation is serialised, use is not.
_session = boto3.session.Session()
_session_lock = threading.Lock()


@lru_cache(maxsize=256)
def _client(service: str, endpoint: str | None, region: str, key_id: str, secret: str,
            token: str | None, cloud_key: str):
    """A thread-safe boto3 client, shared for the same endpoint and credentials."""
    with _session_lock:
        client = _session.client(
            service, endpoint_url=endpoint, region_name=region, config=_client_config(),
            aws_access_key_id=key_id, aws_secret_access_key=secret, aws_session_token=token)

    def announce(model, **_):
        cloud_call.send(sender=EC2Driver, cloud=cloud_key, operation=model.name)

    client.meta.events.register("before-call", announce)
    return client


class _AssumedRoleCache:
    """Temporary credentials per role, renewed shortly before they expire."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: dict[tuple, tuple[float, dict]] = {}

    def get(self, key: tuple, fetch) -> dict:
        with self._lock:
            expires, creds = self._entries.get(key, (0.0, {}))
            if expires - CREDENTIAL_MARGIN > time.time():
                return creds
        creds = fetch()
        with self._lock:
            self._entries[key] = (creds["Expiration"].timestamp(), creds)
        return creds


_assumed_roles = _AssumedRoleCache()


def _parse_instance(data: dict) -> Instance:
    tags = {tag["Key"]: tag["Value"] for tag in data.get("Tags", [])}
    private_ips = [addr["PrivateIpAddress"]
                   for iface in data.get("NetworkInterfaces", [])
                   for addr in iface.get("PrivateIpAddresses", [])]
    if not private_ips and data.get("PrivateIpAddress"):
        private_ips = [data["PrivateIpAddress"]]
    state = data.get("State", {}).get("Name", "unknown")
    return Instance(
        id=data["InstanceId"],
        name=tags.get("Name", ""),
        state=state,
        actions=STATE_ACTIONS.get(state, ()),
        instance_type=data.get("InstanceType", ""),
        image_id=data.get("ImageId", ""),
        key_name=data.get("KeyName", ""),
        private_ips=tuple(dict.fromkeys(private_ips)),
        public_ips=(data["PublicIpAddress"],) if data.get("PublicIpAddress") else (),
        availability_zone=data.get("Placement", {}).get("AvailabilityZone", ""),
        launched_at=data.get("LaunchTime"),
        security_groups=tuple(g.get("GroupName") or g.get("GroupId", "")
                              for g in data.get("SecurityGroups", [])),
        tags=tags,
    )


def _parse_image(data: dict) -> Image:
    created = data.get("CreationDate")
    return Image(
        id=data["ImageId"],
        name=data.get("Name") or data["ImageId"],
        owner_id=data.get("OwnerId", ""),
        is_public=bool(data.get("Public")),
        state=data.get("State", ""),
        description=data.get("Description") or "",
        architecture=data.get("Architecture", ""),
        platform=data.get("PlatformDetails") or data.get("Platform") or "",
        created_at=_parse_timestamp(created) if created else None,
    )


def _parse_timestamp(value):
    return parse_datetime(value) if isinstance(value, str) else value


def _parse_key_pair(data: dict) -> KeyPair:
    return KeyPair(
        name=data["KeyName"],
        fingerprint=data.get("KeyFingerprint", ""),
        key_type=data.get("KeyType", ""),
        id=data.get("KeyPairId", ""),
        created_at=data.get("CreateTime"),
    )


def _decode_console(output: str) -> str:
    """EC2 returns console output base64-encoded; some endpoints send it plain."""
    try:
        return base64.b64decode(output, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return output


class EC2Driver(EC2CredentialsMixin, EC2NetworkMixin, EC2VolumeMixin, ComputeDriver):
    IMAGE_NAME_FIXED = True
    REGISTERS_FROM_SNAPSHOT = True

    @property
    def project(self):
        """The Project row this driver acts for (its ``access``)."""
        return self.access

    def _endpoint(self) -> str | None:
        endpoint = self.config.get("ENDPOINT")
        if endpoint == "embedded":
            try:
                return embedded.endpoint_url()
            except (OSError, RuntimeError) as error:
                log.error("embedded cloud unavailable: %s", error)
                raise Unavailable("The embedded sandbox cloud could not be started; "
                                  "the server log says why.") from error
        return endpoint or None

    def _credentials(self) -> tuple[str, str, str | None]:
        project = self.project
        if project.access_key_id:
            return project.access_key_id, project.secret_access_key, None
        base = (self.config["ACCESS_KEY_ID"], self.config["SECRET_ACCESS_KEY"], None)
        role_arn = project.role_arn(self.config.get("ROLE_NAME", ""))
        sts = _client("sts", self._endpoint(), self.region, *base, self.cloud_key)

        def assume():
            return self._call(sts, "assume_role", RoleArn=role_arn,
                              RoleSessionName=f"django-nova-{project.pk}")["Credentials"]

        creds = _assumed_roles.get((self._endpoint(), role_arn, base), assume)
        return creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]

    @property
    def ec2(self):
        return _client("ec2", self._endpoint(), self.region, *self._credentials(), self.cloud_key)

    def _call(self, client, operation: str, **params):
        try:
            return getattr(client, operation)(**params)
        except ClientError as error:
            raise translate_client_error(error) from error
        except ParamValidationError as error:
            raise InvalidInput(str(error)) from error
        except (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError,
                ConnectionClosedError) as error:
            if self.config.get("ENDPOINT") == "embedded":
                embedded.forget_endpoint()
            log.warning("cloud %s unreachable during %s: %s", self.cloud_key, operation, error)
            raise Unavailable(
                "The cloud did not answer in time. It may be down or unreachable; "
                "try again in a moment.") from error
        except BotoCoreError as error:
            log.warning("cloud %s failed during %s: %s", self.cloud_key, operation, error)
            raise Unavailable("The cloud could not be reached.") from error

    # Instances
    def list_instances(self, marker="", limit=20, include_terminated=False, tag=""):
        params = {"MaxResults": min(max(limit, MIN_PAGE), MAX_PAGE)}
        if marker:
            params["NextToken"] = marker
        filters = []
        if not include_terminated:
            filters.append({"Name": "instance-state-name", "Values": LIVE_STATES})
        if tag:
            key, has_value, value = tag.partition("=")
            filters.append({"Name": f"tag:{key}", "Values": [value]} if has_value
                           else {"Name": "tag-key", "Values": [key]})
        if filters:
            params["Filters"] = filters
        result = self._call(self.ec2, "describe_instances", **params)
        instances = [_parse_instance(item)
                     for reservation in result.get("Reservations", [])
                     for item in reservation.get("Instances", [])]
        instances.sort(key=lambda i: (i.launched_at is None, i.launched_at), reverse=True)
        return Page(items=instances, next_marker=result.get("NextToken") or "")

    def get_instance(self, instance_id):
        result = self._call(self.ec2, "describe_instances", InstanceIds=[instance_id])
        for reservation in result.get("Reservations", []):
            for item in reservation.get("Instances", []):
                return _parse_instance(item)
        raise NotFound(f"The instance {instance_id} does not exist.")

    def launch(self, spec: LaunchSpec):
        params = {
            "ImageId": spec.image_id,
            "InstanceType": spec.instance_type,
            "MinCount": spec.count,
            "MaxCount": spec.count,
        }
        if spec.name:
            params["TagSpecifications"] = [
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": spec.name}]}]
        if spec.key_name:
            params["KeyName"] = spec.key_name
        if spec.security_group_ids:
            params["SecurityGroupIds"] = list(spec.security_group_ids)
        if spec.availability_zone:
            params["Placement"] = {"AvailabilityZone": spec.availability_zone}
        if spec.user_data:
            params["UserData"] = spec.user_data
        result = self._call(self.ec2, "run_instances", **params)
        return [_parse_instance(item) for item in result.get("Instances", [])]

    def instance_action(self, action, instance_ids):
        if action not in SUPPORTED_ACTIONS:
            raise InvalidInput(f"Unknown instance action {action!r}.")
        self._call(self.ec2, f"{action}_instances", InstanceIds=list(instance_ids))

    def create_image(self, instance_id, name, description):
        result = self._call(self.ec2, "create_image", InstanceId=instance_id, Name=name,
                            Description=description)
        return result["ImageId"]

    def update_image(self, image_id, name, description):
        # AMI names are fixed at creation; only the description can change.
        self._call(self.ec2, "modify_image_attribute", ImageId=image_id,
                   Description={"Value": description})

    def set_image_public(self, image_id, public):
        change = {"Add" if public else "Remove": [{"Group": "all"}]}
        self._call(self.ec2, "modify_image_attribute", ImageId=image_id,
                   LaunchPermission=change)

    def delete_image(self, image_id):
        self._call(self.ec2, "deregister_image", ImageId=image_id)

    def register_image(self, snapshot_id, name, description):
        result = self._call(
            self.ec2, "register_image", Name=name, Description=description,
            Architecture="x86_64", VirtualizationType="hvm", RootDeviceName="/dev/sda1",
            BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"SnapshotId": snapshot_id}}])
        return result["ImageId"]

    def set_tag(self, instance_id, key, value):
        self._call(self.ec2, "create_tags", Resources=[instance_id],
                   Tags=[{"Key": key, "Value": value}])

    def delete_tag(self, instance_id, key):
        self._call(self.ec2, "delete_tags", Resources=[instance_id], Tags=[{"Key": key}])

    def console_output(self, instance_id):
        result = self._call(self.ec2, "get_console_output", InstanceId=instance_id)
        return _decode_console(result.get("Output") or "")

    # Catalogs
    def list_images(self, scope):
        if scope == "own":
            params = {"Owners": ["self"]}
        elif scope == "shared":
            params = {"ExecutableUsers": ["self"]}
        elif scope == "public":
            owners = self.config.get("IMAGE_OWNERS") or ["amazon"]
            params = {"Owners": list(owners),
                      "Filters": [{"Name": "is-public", "Values": ["true"]}]}
        else:
            raise InvalidInput(f"Unknown image scope {scope!r}.")
        result = self._call(self.ec2, "describe_images", **params)
        return [_parse_image(item) for item in result.get("Images", [])]

    def get_images(self, image_ids):
        if not image_ids:
            return []
        # A filter, unlike ImageIds, skips deregistered images instead of failing.
        result = self._call(self.ec2, "describe_images",
                            Filters=[{"Name": "image-id", "Values": list(image_ids)}])
        return [_parse_image(item) for item in result.get("Images", [])]

    def list_instance_types(self):
        wanted = self.config.get("INSTANCE_TYPES") or []
        params = {"InstanceTypes": list(wanted)} if wanted else {}
        result = self._call(self.ec2, "describe_instance_types", **params)
        types = [InstanceType(name=item["InstanceType"],
                              vcpus=item.get("VCpuInfo", {}).get("DefaultVCpus", 0),
                              memory_mib=item.get("MemoryInfo", {}).get("SizeInMiB", 0))
                 for item in result.get("InstanceTypes", [])]
        return sorted(types, key=lambda t: (t.vcpus, t.memory_mib, t.name))

    def list_availability_zones(self):
        result = self._call(self.ec2, "describe_availability_zones")
        return [AvailabilityZone(name=z["ZoneName"], state=z.get("State", ""))
                for z in result.get("AvailabilityZones", [])]

    def list_security_groups(self):
        result = self._call(self.ec2, "describe_security_groups")
        return [SecurityGroup(id=g["GroupId"], name=g["GroupName"],
                              description=g.get("Description", ""))
                for g in result.get("SecurityGroups", [])]

    # Key pairs
    def list_key_pairs(self):
        result = self._call(self.ec2, "describe_key_pairs")
        return sorted((_parse_key_pair(k) for k in result.get("KeyPairs", [])),
                      key=lambda k: k.name.lower())

    def create_key_pair(self, name, key_type):
        result = self._call(self.ec2, "create_key_pair", KeyName=name, KeyType=key_type)
        return NewKeyPair(key_pair=_parse_key_pair(result), private_key=result["KeyMaterial"])

    def import_key_pair(self, name, public_key):
        result = self._call(self.ec2, "import_key_pair", KeyName=name,
                            PublicKeyMaterial=public_key.encode())
        return _parse_key_pair(result)

    def delete_key_pair(self, name):
        self._call(self.ec2, "delete_key_pair", KeyName=name)
