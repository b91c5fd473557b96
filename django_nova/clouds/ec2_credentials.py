"""API access on EC2 clouds: IAM access keys of the dashboard user (mixed into EC2Driver).

Each dashboard user gets an IAM user of their own in the project's account,
created on first use, whose access keys they manage.  Every call names that
IAM user, so IAM itself refuses another user's key ids.  Secrets pass
through ``create_access_key``'s answer once and are never stored.
"""

import hashlib
import re

from ..concurrency import gather
from ..exceptions import CloudError, NotFound
from ..resources import AccessKey, NewAccessKey

# IAM user names: letters, digits and +=,.@_- (ASCII), at most 64, unique ignoring case.
IAM_NAME_MAX = 64
IAM_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9+=,.@_-]")
# Where the dashboard's IAM users live, so an account's admin can tell them apart.
IAM_PATH = "/django-nova/"
# AWS allows this many access keys per IAM user.
MAX_ACCESS_KEYS = 2


def iam_user_name(username: str) -> str:
    """The IAM user name for a dashboard username, within IAM's rules.

    A name that had to change (unsafe characters, upper case, too long) gets a
    short digest of the original, so two dashboard users never share one
    IAM user: IAM names are unique regardless of case.
    """
    clean = IAM_NAME_UNSAFE.sub("-", username)
    if clean == username.lower() and 0 < len(clean) <= IAM_NAME_MAX:
        return clean
    digest = hashlib.sha256(username.encode()).hexdigest()[:10]
    return f"{clean[:IAM_NAME_MAX - len(digest) - 1]}-{digest}"


def _parse_access_key(data: dict, last_used: dict | None = None) -> AccessKey:
    last_used = last_used or {}
    service = last_used.get("ServiceName") or ""
    return AccessKey(
        id=data["AccessKeyId"],
        status=data.get("Status", ""),
        created_at=data.get("CreateDate"),
        last_used_at=last_used.get("LastUsedDate"),
        last_used_service="" if service == "N/A" else service,
    )


class EC2CredentialsMixin:
    HAS_ACCESS_KEYS = True

    @property
    def iam(self):
        from .ec2 import _client  # ec2.py imports this module: import at call time

        return _client("iam", self._endpoint(), self.region, *self._credentials(), self.cloud_key)

    def _iam_call(self, operation: str, **params):
        try:
            return self._call(self.iam, operation, **params)
        except CloudError as error:
            if error.code in {"NoSuchEntity", "NoSuchEntityException"}:
                raise NotFound(error.message, error.code) from error
            raise

    def api_endpoint(self) -> str:
        return self._endpoint() or self.ec2.meta.endpoint_url

    def list_access_keys(self, user_name: str) -> list[AccessKey]:
        """The user's keys with when each was last used; no IAM user yet means no keys."""
        try:
            found = self._iam_call("list_access_keys", UserName=user_name)
        except NotFound:
            return []
        keys = found.get("AccessKeyMetadata", [])
        # At most MAX_ACCESS_KEYS keys, so at most two more calls, made together.
        used = gather(**{f"k{n}": (lambda key_id=k["AccessKeyId"]: self._iam_call(
            "get_access_key_last_used", AccessKeyId=key_id).get("AccessKeyLastUsed"))
            for n, k in enumerate(keys)})
        parsed = [_parse_access_key(k, used[f"k{n}"]) for n, k in enumerate(keys)]
        return sorted(parsed, key=lambda k: (k.created_at is None, k.created_at))

    def create_access_key(self, user_name: str) -> NewAccessKey:
        """A new key for the user, creating their IAM user on first use."""
        try:
            result = self._iam_call("create_access_key", UserName=user_name)
        except NotFound:
            try:
                self._iam_call("create_user", UserName=user_name, Path=IAM_PATH,
                               Tags=[{"Key": "created-by", "Value": "django-nova"}])
            except CloudError as error:
                if error.code != "EntityAlreadyExists":  # created meanwhile: fine
                    raise
            result = self._iam_call("create_access_key", UserName=user_name)
        data = result["AccessKey"]
        return NewAccessKey(key=_parse_access_key(data), user_name=user_name,
                            secret=data["SecretAccessKey"])

    def set_access_key_status(self, user_name: str, key_id: str, active: bool) -> None:
        self._iam_call("update_access_key", UserName=user_name, AccessKeyId=key_id,
                       Status="Active" if active else "Inactive")

    def delete_access_key(self, user_name: str, key_id: str) -> None:
        self._iam_call("delete_access_key", UserName=user_name, AccessKeyId=key_id)
