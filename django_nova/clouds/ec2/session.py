"""How the EC2 parts reach one project's account: clients, credentials, one call wrapper.

A project is an EC2 account, reached by assuming a role in it (temporary
credentials, cached until shortly before they expire) or with keys stored
for it.  The dashboard assumes those roles with its own credentials: the
cloud's ``ACCESS_KEY_ID`` and ``SECRET_ACCESS_KEY``, or else the standard AWS
credential chain (``PROFILE`` or ``AWS_PROFILE``, ``AWS_*`` environment
variables, the shared credentials and config files, a container or instance
role), as the AWS CLI finds them.  Every call goes through ``EC2Session.call``,
which translates botocore's errors into django_nova's hierarchy.
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
from botocore.parsers import ResponseParserError

from ... import embedded
from ... import exceptions as errors
from ...conf import nova_settings
from ..calls import breakers, cloud_answered, cloud_call, endpoint_of

log = logging.getLogger(__name__)

# Assumed-role credentials are renewed this long before they expire.
CREDENTIAL_MARGIN = 300
# Seconds a credential chain that found nothing (or failed) is not asked again: a
# misconfigured one would otherwise cost every page its instance-metadata timeout.
CHAIN_RETRY_SECONDS = 10
NO_SERVICE_CREDENTIALS = ("The dashboard has no working credentials for this cloud; "
                          "the server log says why.")

FORBIDDEN_CODES = {"UnauthorizedOperation", "AuthFailure", "AccessDenied",
                   "InvalidClientTokenId", "SignatureDoesNotMatch", "OptInRequired"}
CONFLICT_CODES = {"IncorrectInstanceState", "IncorrectState", "DependencyViolation", "VolumeInUse",
                  "InvalidKeyPair.Duplicate", "InvalidGroup.Duplicate"}
INPUT_CODES = {"MissingParameter", "ValidationError", "InvalidKeyPair.Format",
               "InvalidUserData.Malformed", "InvalidAMIName.Malformed"}
NOT_FOUND_CODES = {"NoSuchEntity", "NoSuchEntityException"}
NO_ANSWER = ("The cloud did not answer in time. It may be down or unreachable; "
             "try again in a moment.")
# Operations that change nothing: the only ones retried.
READ_OPERATIONS = ("describe_", "list_", "get_")


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


def client_settings() -> tuple:
    """What a client is built with: its timeouts and pool size (part of the client cache key,
    so a change of settings gets new clients)."""
    nova = nova_settings()
    return nova["CONNECT_TIMEOUT"], nova["READ_TIMEOUT"], nova["MAX_CONCURRENT_CALLS"] * 2


# One boto3 session for the process: it caches the parsed service models, so a
# new client costs milliseconds instead of re-reading the EC2 model.  Sessions
# are not thread-safe, clients are: creation is serialised, use is not.
_boto_session = boto3.session.Session()
_boto_lock = threading.Lock()


@lru_cache(maxsize=256)
def client(service: str, endpoint: str | None, region: str, key_id: str, secret: str,
           token: str | None, cloud_key: str, built_with: tuple = ()):
    """A thread-safe boto3 client, shared for the same endpoint, credentials and settings."""
    connect_timeout, read_timeout, pool = built_with or client_settings()
    config = Config(connect_timeout=connect_timeout, read_timeout=read_timeout,
                    max_pool_connections=pool,
                    # Retries are ours (EC2Session.call): reads only, when nothing was sent.
                    retries={"total_max_attempts": 1})
    with _boto_lock:
        made = _boto_session.client(
            service, endpoint_url=endpoint, region_name=region, config=config,
            aws_access_key_id=key_id, aws_secret_access_key=secret, aws_session_token=token)

    def announce(model, **_):
        cloud_call.send(sender=EC2Session, cloud=cloud_key, operation=model.name)

    made.meta.events.register("before-call", announce)
    made.meta.events.register("before-parse", refuse_html)
    # The embedded sandbox refuses requests without its per-start secret.
    embedded.authorize(made)
    return made


def refuse_html(response_dict=None, **_):
    """An HTML page is no API answer (a proxy's error page): botocore would read it as an
    empty result and the page would show an empty list as if the cloud held nothing."""
    response = response_dict or {}
    content_type = str((response.get("headers") or {}).get("Content-Type", ""))
    if "html" in content_type.lower():
        raise ResponseParserError(f"HTTP {response.get('status_code')} answered with "
                                  f"{content_type}")


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
        now = time.time()
        with self._lock:
            # Keys hold the dashboard's own credentials, which the chain renews: entries
            # of credentials gone by would stay for ever.
            for old in [k for k, (ends, _) in self._entries.items() if ends < now]:
                del self._entries[old]
            self._entries[key] = (creds["Expiration"].timestamp(), creds)
        return creds

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_assumed_roles = _AssumedRoleCache()


class _CredentialChain:
    """The dashboard's own credentials from the standard AWS chain, per profile.

    One boto3 session per profile ("" for none: then ``AWS_PROFILE``, else the
    default) finds them as the AWS CLI does and keeps them; credentials that
    expire (an instance or container role, SSO, a profile's ``role_arn``) are
    renewed by botocore when they are read.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._sessions: dict[str, boto3.session.Session] = {}
        self._failed: dict[str, float] = {}

    def credentials(self, cloud_key: str, profile: str) -> tuple[str, str, str | None]:
        named = f"profile {profile!r}" if profile else "the default profile (or AWS_PROFILE)"
        with self._lock:
            if self._failed.get(profile, 0.0) > time.monotonic():
                raise errors.Unavailable(NO_SERVICE_CREDENTIALS)
            try:
                if profile not in self._sessions:
                    self._sessions[profile] = boto3.session.Session(profile_name=profile or None)
                found = self._sessions[profile].get_credentials()
            except BotoCoreError as error:  # no such profile, a broken file or process...
                self._failed[profile] = time.monotonic() + CHAIN_RETRY_SECONDS
                self._sessions.pop(profile, None)
                log.error("cloud %s: the AWS credential chain (%s) failed: %s", cloud_key,
                          named, error)
                raise errors.Unavailable(NO_SERVICE_CREDENTIALS) from error
            if found is None:
                self._failed[profile] = time.monotonic() + CHAIN_RETRY_SECONDS
                self._sessions.pop(profile, None)
                log.error("cloud %s has no ACCESS_KEY_ID and SECRET_ACCESS_KEY, and the AWS "
                          "credential chain (%s, AWS_* environment variables, shared "
                          "credentials and config files, container or instance role) found "
                          "no credentials", cloud_key, named)
                raise errors.Unavailable(NO_SERVICE_CREDENTIALS)
        try:
            frozen = found.get_frozen_credentials()  # renews expiring ones, thread-safely
        except BotoCoreError as error:
            log.error("cloud %s: renewing the AWS credential chain's credentials (%s) "
                      "failed: %s", cloud_key, named, error)
            raise errors.Unavailable(NO_SERVICE_CREDENTIALS) from error
        return frozen.access_key, frozen.secret_key, frozen.token

    def forget(self) -> None:
        with self._lock:
            self._sessions.clear()
            self._failed.clear()


_credential_chain = _CredentialChain()


def service_credentials(cloud_key: str, config: dict) -> tuple[str, str, str | None]:
    """The dashboard's own credentials for a cloud (what assumes the projects' roles):
    its ACCESS_KEY_ID and SECRET_ACCESS_KEY, else the standard AWS chain's."""
    if config.get("ACCESS_KEY_ID") and config.get("SECRET_ACCESS_KEY"):
        return config["ACCESS_KEY_ID"], config["SECRET_ACCESS_KEY"], None
    return _credential_chain.credentials(cloud_key, config.get("PROFILE") or "")


def forget_credentials() -> None:
    """Read the credential chain and the AWS config files afresh, and assume every role
    again (a changed environment, profile or credentials file; tests)."""
    global _boto_session
    _credential_chain.forget()
    _assumed_roles.clear()
    with _boto_lock:
        # It keeps the config files (AWS_PROFILE's profile) as it first read them.
        _boto_session = boto3.session.Session()
    client.cache_clear()


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
        base = service_credentials(self.cloud_key, self.config)
        role_arn = project.role_arn(self.config.get("ROLE_NAME", ""))
        sts = client("sts", self.endpoint(), self.region, *base, self.cloud_key,
                     client_settings())

        def assume():
            return self.call(sts, "assume_role", RoleArn=role_arn,
                             RoleSessionName=f"django-nova-{project.pk}")["Credentials"]

        creds = _assumed_roles.get((self.endpoint(), role_arn, base), assume)
        return creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]

    def client(self, service: str):
        return client(service, self.endpoint(), self.region, *self.credentials(), self.cloud_key,
                      client_settings())

    @property
    def ec2(self):
        return self.client("ec2")

    def call(self, service_client, operation: str, **params):
        """One API call, its errors in django_nova's hierarchy, whatever went wrong.

        A read whose connection was refused or reset (nothing reached the cloud) is
        tried once more (NOVA["MAX_ATTEMPTS"]); nothing else is retried.  Every call
        passes the endpoint's circuit breaker and the page's deadline first.
        """
        endpoint = endpoint_of(service_client.meta.endpoint_url)
        service = service_client.meta.service_model.service_name
        reads = operation.startswith(READ_OPERATIONS)
        attempts = max(1, nova_settings()["MAX_ATTEMPTS"]) if reads else 1
        for attempt in range(1, attempts + 1):
            breakers.check(self.cloud_key, endpoint)
            started = time.monotonic()
            try:
                result = getattr(service_client, operation)(**params)
            except (EndpointConnectionError, ConnectionClosedError) as error:
                self._unreachable(endpoint, service, operation, started, error, timed_out=False)
                if attempt < attempts:
                    continue
                raise errors.Unavailable(NO_ANSWER) from error
            except (ConnectTimeoutError, ReadTimeoutError) as error:
                self._unreachable(endpoint, service, operation, started, error, timed_out=True)
                raise errors.Unavailable(NO_ANSWER) from error
            except ClientError as error:
                self._answered(endpoint, service, operation, started, "error")
                raise translate_client_error(error) from error
            except ParamValidationError as error:
                # botocore's report names Python types ("<class 'str'>"): for the log.
                log.warning("cloud %s: %s refused before sending: %s", self.cloud_key,
                            operation, error)
                raise errors.InvalidInput("A value given is not of the type or form the "
                                          "cloud takes.") from error
            except ResponseParserError as error:
                self._answered(endpoint, service, operation, started, "error")
                log.warning("cloud %s answered %s with no EC2 API response: %.300s",
                            self.cloud_key, operation, error)
                raise errors.Unavailable("The cloud answered with something that is not an "
                                         "EC2 API response (a proxy's error page?).") from error
            except BotoCoreError as error:
                self._answered(endpoint, service, operation, started, "error")
                log.warning("cloud %s failed during %s: %s", self.cloud_key, operation, error)
                raise errors.Unavailable("The cloud could not complete the request.") from error
            self._answered(endpoint, service, operation, started, "ok")
            return result

    def _answered(self, endpoint, service, operation, started, outcome) -> None:
        breakers.succeeded(self.cloud_key, endpoint)
        cloud_answered.send(sender=EC2Session, cloud=self.cloud_key, service=service,
                            operation=operation, duration=time.monotonic() - started,
                            outcome=outcome)

    def _unreachable(self, endpoint, service, operation, started, error, timed_out) -> None:
        if self.config.get("ENDPOINT") == "embedded":
            embedded.forget_endpoint()
        breakers.failed(self.cloud_key, endpoint, timed_out=timed_out)
        cloud_answered.send(sender=EC2Session, cloud=self.cloud_key, service=service,
                            operation=operation, duration=time.monotonic() - started,
                            outcome="unreachable")
        log.warning("cloud %s unreachable during %s: %s", self.cloud_key, operation, error)

    def ec2_call(self, operation: str, **params):
        """A call to the EC2 API of the project's account."""
        return self.call(self.ec2, operation, **params)
