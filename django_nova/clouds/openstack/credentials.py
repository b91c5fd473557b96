"""Keystone application credentials of the signed-in user, for the current project.

Application credentials belong to the user and are managed with the user's
own project-scoped token (``/v3/users/{own id}/application_credentials``), so
Keystone itself keeps users to their own.  The dashboard shows only those of
the current project.  A new credential's secret passes through
``create_application_credential``'s answer once and is never stored.
"""

from datetime import UTC, datetime

from django.utils.translation import gettext as _

from ...exceptions import Forbidden, NotFound
from ...resources import ApplicationCredential, NewApplicationCredential
from . import parsers
from .session import OpenStackSession


class OpenStackApplicationCredentials:
    def __init__(self, session: OpenStackSession):
        self.session = session

    @property
    def _user_id(self) -> str:
        return self.session.keystone.user_id

    def list_application_credentials(self) -> list[ApplicationCredential]:
        """The user's credentials for the current project (Keystone lists all their projects')."""
        found = self.session.call(lambda: list(
            self.session.conn.identity.application_credentials(self._user_id)))
        return sorted((parsers.application_credential(c) for c in found
                       if c.project_id == self.session.project_id),
                      key=lambda c: c.name.lower())

    def create_application_credential(self, name: str, description: str,
                                      expires_at: datetime | None,
                                      roles: list[str]) -> NewApplicationCredential:
        attrs = {"description": description, "unrestricted": False}
        if expires_at is not None:
            attrs["expires_at"] = expires_at.astimezone(UTC).replace(tzinfo=None).isoformat()
        if roles:
            attrs["roles"] = [{"name": role} for role in roles]
        created = self.session.call(self.session.conn.identity.create_application_credential,
                                    self._user_id, name, **attrs)
        return NewApplicationCredential(credential=parsers.application_credential(created),
                                        secret=created.secret)

    def delete_application_credential(self, credential_id: str) -> None:
        """Delete one of the user's credentials of the current project; others are NotFound."""
        identity = self.session.conn.identity
        missing = NotFound(_("No application credential %(id)s in this project.")
                           % {"id": credential_id})
        try:
            credential = self.session.call(identity.get_application_credential, self._user_id,
                                           credential_id)
        except Forbidden as error:  # Keystone's answer for another user's credential
            raise missing from error
        if credential.project_id != self.session.project_id:
            raise missing
        self.session.call(identity.delete_application_credential, self._user_id,
                          credential_id, ignore_missing=False)
