"""API access on OpenStack clouds: Keystone application credentials (mixed into OpenStackDriver).

Application credentials belong to the logged-in user and are managed with
the user's own project-scoped token (``/v3/users/{own id}/application_credentials``),
so Keystone itself keeps users to their own.  The dashboard shows only
those of the current project.  A new credential's secret passes through
``create_application_credential``'s answer once and is never stored.
"""

from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime

from ..exceptions import Forbidden, NotFound
from ..resources import ApplicationCredential, NewApplicationCredential


def _parse_expiry(value) -> datetime | None:
    parsed = parse_datetime(value) if isinstance(value, str) and value else None
    return parsed.replace(tzinfo=UTC) if parsed and parsed.tzinfo is None else parsed


def _parse_credential(credential) -> ApplicationCredential:
    return ApplicationCredential(
        id=credential.id,
        name=credential.name or "",
        project_id=credential.project_id or "",
        description=credential.description or "",
        expires_at=_parse_expiry(credential.expires_at),
        roles=tuple(sorted(r.get("name", "") for r in credential.roles or [])),
        unrestricted=bool(credential.unrestricted),
    )


class OpenStackCredentialsMixin:
    HAS_APPLICATION_CREDENTIALS = True

    def api_endpoint(self) -> str:
        return self.config["AUTH_URL"]

    def list_application_credentials(self) -> list[ApplicationCredential]:
        """The user's credentials for the current project (Keystone lists all their projects')."""
        user_id = self.keystone.user_id
        found = self._call(lambda: list(self.conn.identity.application_credentials(user_id)))
        return sorted((_parse_credential(c) for c in found
                       if c.project_id == self.keystone.project_id),
                      key=lambda c: c.name.lower())

    def create_application_credential(self, name: str, description: str,
                                      expires_at: datetime | None,
                                      roles: list[str]) -> NewApplicationCredential:
        attrs = {"description": description, "unrestricted": False}
        if expires_at is not None:
            attrs["expires_at"] = expires_at.astimezone(UTC).replace(tzinfo=None).isoformat()
        if roles:
            attrs["roles"] = [{"name": role} for role in roles]
        created = self._call(self.conn.identity.create_application_credential,
                             self.keystone.user_id, name, **attrs)
        return NewApplicationCredential(credential=_parse_credential(created),
                                        secret=created.secret)

    def delete_application_credential(self, credential_id: str) -> None:
        """Delete one of the user's credentials of the current project; others are NotFound."""
        user_id = self.keystone.user_id
        missing = NotFound(f"No application credential {credential_id} in this project.")
        try:
            credential = self._call(self.conn.identity.get_application_credential, user_id,
                                    credential_id)
        except Forbidden as error:  # Keystone's answer for another user's credential
            raise missing from error
        if credential.project_id != self.keystone.project_id:
            raise missing
        self._call(self.conn.identity.delete_application_credential, user_id, credential_id,
                   ignore_missing=False)
