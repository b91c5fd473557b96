"""How the EC2 parts reach one project's account: clients, credentials, one call wrapper.

A project is an EC2 account, reached by assuming a role in it (temporary
credentials, cached until shortly before they expire) or with keys stored
for it.  Every call goes through ``EC2Session.call``, which translates
botocore's errors into django_nova's hierarchy.
"""

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

from ... import embedded
from ... import exceptions as errors
from ...conf import nova_settings
from ..calls import cloud_call

log = logging.getLogger(__name__)

# Assumed-role credentials are renewed this long before they expire.
CREDENTIAL_MARGIN = 300

FORBIDDEN_CODES = {"UnauthorizedOperation", "AuthFailure", "AccessDenied",
                   "InvalidClientTokenId", "SignatureDoesNotMatch", "OptInRequired"}
CONFLICT_CODES = {"IncorrectInstanceState", "IncorrectState", "DependencyViolation", "VolumeInUse",
                  "InvalidKeyPair.Duplicate", "InvalidGroup.Duplicate"}
INPUT_CODES = {"MissingParameter", "ValidationError", "InvalidKeyPair.Format",
               "InvalidUserData.Malformed", "InvalidAMIName.Malformed"}
NOT_FOUND_CODES = {"NoSuchEntity", "NoSuchEntityException"}


def translate_client_error(error: ClientError) -> errors.CloudError:
    """Map an EC2 (or IAM, STS) error code to django_nova's hierarchy."""
    details = error.response.get("Error", {})
    code = details.get("Code", "")
    message = details.get("Message") or code or "The cloud refused the request."
    if code.endswith("NotFound") or code in NOT_FOUND_CODES:
        return errors.NotFound(message, code)
    if code in FORBIDDEN_CODES:
        return errors.Forbidden(message, code)
    if code in CONFLICT_CODES or code.endswith(".Duplicate") or code.endswith(".InUse"):
        return errors.Conflict(message, code)
    if code.endswith("LimitExceeded") or code == "InsufficientInstanceCapacity":
        return errors.QuotaExceeded(message, code)
    if code in INPUT_CODES or code.startswith("InvalidParameter") or code.endswith(".Malformed"):
        return errors.InvalidInput(message, code)
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    if status >= 500 or code in {"RequestLimitExceeded", "Unavailable", "InternalError"}:
        return errors.Unavailable(message, code)
    return errors.CloudError(message, code)


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
_boto_session = boto3.session.Session()
_boto_lock = threading.Lock()


@lru_cache(maxsize=256)
def client(service: str, endpoint: str | None, region: str, key_id: str, secret: str,
           token: str | None, cloud_key: str):
    """A thread-safe boto3 client, shared for the same endpoint and credentials."""
    with _boto_lock:
        made = _boto_session.client(
            service, endpoint_url=endpoint, region_name=region, config=_client_config(),
            aws_access_key_id=key_id, aws_secret_access_key=secret, aws_session_token=token)

    def announce(model, **_):
        cloud_call.send(sender=EC2Session, cloud=cloud_key, operation=model.name)

    made.meta.events.register("before-call", announce)
    return made


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


class EC2Session:
    """One project's account in one region: what every EC2 part is given."""

    def __init__(self, cloud_key: str, config: dict, project, region: str):
        self.cloud_key = cloud_key
        self.config = config
        self.project = project
        self.region = region

    @property
    def account_id(self) -> str:
        return getattr(self.project, "account_id", "")

    def endpoint(self) -> str | None:
        endpoint = self.config.get("ENDPOINT")
        if endpoint == "embedded":
            try:
                return embedded.endpoint_url()
            except (OSError, RuntimeError) as error:
                log.error("embedded cloud unavailable: %s", error)
                raise errors.Unavailable("The embedded sandbox cloud could not be started; "
                                  "the server log says why.") from error
        return endpoint or None

    def credentials(self) -> tuple[str, str, str | None]:
        project = self.project
        if project.access_key_id:
            return project.access_key_id, project.secret_access_key, None
        base = (self.config["ACCESS_KEY_ID"], self.config["SECRET_ACCESS_KEY"], None)
        role_arn = project.role_arn(self.config.get("ROLE_NAME", ""))
        sts = client("sts", self.endpoint(), self.region, *base, self.cloud_key)

        def assume():
            return self.call(sts, "assume_role", RoleArn=role_arn,
                             RoleSessionName=f"django-nova-{project.pk}")["Credentials"]

        creds = _assumed_roles.get((self.endpoint(), role_arn, base), assume)
        return creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]

    def client(self, service: str):
        return client(service, self.endpoint(), self.region, *self.credentials(), self.cloud_key)

    @property
    def ec2(self):
        return self.client("ec2")

    def call(self, service_client, operation: str, **params):
        try:
            return getattr(service_client, operation)(**params)
        except ClientError as error:
            raise translate_client_error(error) from error
        except ParamValidationError as error:
            raise errors.InvalidInput(str(error)) from error
        except (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError,
                ConnectionClosedError) as error:
            if self.config.get("ENDPOINT") == "embedded":
                embedded.forget_endpoint()
            log.warning("cloud %s unreachable during %s: %s", self.cloud_key, operation, error)
            raise errors.Unavailable(
                "The cloud did not answer in time. It may be down or unreachable; "
                "try again in a moment.") from error
        except BotoCoreError as error:
            log.warning("cloud %s failed during %s: %s", self.cloud_key, operation, error)
            raise errors.Unavailable("The cloud could not be reached.") from error

    def ec2_call(self, operation: str, **params):
        """A call to the EC2 API of the project's account."""
        return self.call(self.ec2, operation, **params)
