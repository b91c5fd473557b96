"""API access on EC2 clouds: IAM access keys of the dashboard user.

Each dashboard user gets an IAM user of their own in the project's account,
created on first use, whose access keys they manage.  Every call names that
IAM user, so IAM itself refuses another user's key ids.  Secrets pass
through ``create_access_key``'s answer once and are never stored.
"""

import hashlib
import re

from ...concurrency import gather
from ...exceptions import CloudError, NotFound
from ...resources import AccessKey, NewAccessKey
from . import parsers
from .session import EC2Session

# IAM user names: letters, digits and +=,.@_- (ASCII), at most 64, unique ignoring case.
IAM_NAME_MAX = 64
IAM_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9+=,.@_-]")
# Where the dashboard's IAM users live, so an account's admin can tell them apart.
IAM_PATH = "/django-nova/"
# The suffix a changed name gets: a short digest of the original name.
DIGEST_LENGTH = 10
DIGEST_SUFFIX = re.compile(rf"-[0-9a-f]{{{DIGEST_LENGTH}}}$")


def iam_user_name(username: str) -> str:
    """The IAM user name for a dashboard username, within IAM's rules; injective.

    IAM names are unique regardless of case, so only a name that is already
    lower case, IAM-safe and short enough is kept as it is.  Any other name
    (unsafe characters, upper case, too long, empty), and any name that merely
    looks like such a result (ends in ``-`` and the digest's length of hex
    digits), gets a digest of the original appended: kept names never end like
    that, changed ones always do, so "Alice" and a real "alice-<digest>" never
    share an IAM user.
    """
    clean = IAM_NAME_UNSAFE.sub("-", username)
    if (clean == username.lower() and 0 < len(clean) <= IAM_NAME_MAX
            and not DIGEST_SUFFIX.search(clean)):
        return clean
    digest = hashlib.sha256(username.encode()).hexdigest()[:DIGEST_LENGTH]
    return f"{clean[:IAM_NAME_MAX - DIGEST_LENGTH - 1]}-{digest}"


class EC2AccessKeys:
    #: AWS allows this many access keys per IAM user.
    max_keys = 2

    def __init__(self, session: EC2Session):
        self.session = session

    def _iam(self, operation: str, **params):
        return self.session.call(self.session.client("iam"), operation, **params)

    def user_name_for(self, username: str) -> str:
        return iam_user_name(username)

    def list_access_keys(self, user_name: str) -> list[AccessKey]:
        """The user's keys with when each was last used; no IAM user yet means no keys."""
        try:
            found = self._iam("list_access_keys", UserName=user_name)
        except NotFound:
            return []
        keys = found.get("AccessKeyMetadata", [])
        # At most max_keys keys, so at most two more calls, made together.
        used = gather(**{f"k{n}": (lambda key_id=k["AccessKeyId"]: self._iam(
            "get_access_key_last_used", AccessKeyId=key_id).get("AccessKeyLastUsed"))
            for n, k in enumerate(keys)})
        parsed = [parsers.access_key(k, used[f"k{n}"]) for n, k in enumerate(keys)]
        return sorted(parsed, key=lambda k: (k.created_at is None, k.created_at))

    def create_access_key(self, user_name: str) -> NewAccessKey:
        """A new key for the user, creating their IAM user on first use."""
        try:
            result = self._iam("create_access_key", UserName=user_name)
        except NotFound:
            try:
                self._iam("create_user", UserName=user_name, Path=IAM_PATH,
                          Tags=[{"Key": "created-by", "Value": "django-nova"}])
            except CloudError as error:
                if error.code != "EntityAlreadyExists":  # created meanwhile: fine
                    raise
            result = self._iam("create_access_key", UserName=user_name)
        data = result["AccessKey"]
        return NewAccessKey(key=parsers.access_key(data), user_name=user_name,
                            secret=data["SecretAccessKey"])

    def set_access_key_status(self, user_name: str, key_id: str, active: bool) -> None:
        self._iam("update_access_key", UserName=user_name, AccessKeyId=key_id,
                  Status="Active" if active else "Inactive")

    def delete_access_key(self, user_name: str, key_id: str) -> None:
        self._iam("delete_access_key", UserName=user_name, AccessKeyId=key_id)

    def revoke_api_access(self, user_name: str) -> list[str]:
        """Delete every access key of the dashboard user's IAM user, then the IAM user.

        Sequential calls (at most five: the user, its keys, up to two deletions,
        the user's deletion), so callers can run one per account side by side.
        An IAM user outside the dashboard's path keeps existing (only its keys
        go).  Returns the deleted key ids; no IAM user means nothing to do.
        """
        try:
            user = self._iam("get_user", UserName=user_name)["User"]
            keys = self._iam("list_access_keys", UserName=user_name)
        except NotFound:
            return []
        deleted = []
        for key in keys.get("AccessKeyMetadata", []):
            try:
                self.delete_access_key(user_name, key["AccessKeyId"])
            except NotFound:  # deleted meanwhile
                continue
            deleted.append(key["AccessKeyId"])
        if user.get("Path") == IAM_PATH:
            try:
                self._iam("delete_user", UserName=user_name)
            except NotFound:
                pass
            except CloudError as error:  # something else attached to it: its keys are gone
                if error.code != "DeleteConflict":
                    raise
        return deleted

    def dashboard_users(self) -> list[str]:
        """Names of the IAM users the dashboard made in this account (one page: up to 1000)."""
        found = self._iam("list_users", PathPrefix=IAM_PATH, MaxItems=1000)
        return [u["UserName"] for u in found.get("Users", [])]
