"""A Keystone login as kept in the server-side session (never in a cookie or a page).

The unscoped token lets the user switch projects (rescoping) without typing
the password again; the scoped token and its catalog drive the OpenStack
driver.  Everything here is plain data so Django's session can store it.
"""

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime

SESSION_KEYSTONE = "nova_keystone"
ADMIN_ROLE = "admin"


@dataclass
class KeystoneSession:
    cloud: str
    user_id: str
    user_name: str
    domain: str
    unscoped_token: str
    projects: list[dict] = field(default_factory=list)
    project_id: str = ""
    token: str = ""
    token_body: dict = field(default_factory=dict)
    roles: list[str] = field(default_factory=list)
    expires_at: str = ""

    def __repr__(self):  # tokens must never reach a log through a repr
        return f"<KeystoneSession {self.user_name}@{self.cloud} project={self.project_id}>"

    @property
    def is_admin(self) -> bool:
        return ADMIN_ROLE in self.roles

    @property
    def expired(self) -> bool:
        expires = parse_datetime(self.expires_at) if self.expires_at else None
        return expires is None or expires <= datetime.now(UTC)

    def apply_scope(self, scope) -> None:
        self.project_id = scope.project_id
        self.token = scope.token
        self.token_body = scope.body
        self.roles = scope.roles
        self.expires_at = scope.expires_at.isoformat()

    def save(self, session) -> None:
        session[SESSION_KEYSTONE] = asdict(self)

    @classmethod
    def from_session(cls, session) -> "KeystoneSession | None":
        data = session.get(SESSION_KEYSTONE)
        return cls(**data) if data else None
