"""The per-request cloud context: who, which cloud, which project, which region.

Built once per request by NovaContextMiddleware (lazily, so pages that do
not need it pay nothing) and handed to services; clouds are built from it,
never from globals.  Two kinds of identity feed it:

- EC2 clouds: Django users, projects and memberships (django_nova.models);
- OpenStack clouds: a Keystone login kept in the server-side session
  (django_nova.keystone), whose projects come from Keystone itself.
"""

from dataclasses import dataclass, field, replace
from functools import cached_property

from .clouds import kind_of, open_cloud, site_clouds
from .clouds.base import Cloud
from .conf import nova_settings
from .keystone import SESSION_KEYSTONE, KeystoneSession
from .models import Project
from .resources import Capabilities

SESSION_PROJECT = "nova_project"
SESSION_REGION = "nova_region"


@dataclass(frozen=True)
class ProjectChoice:
    """A project the user may work in, as the header and services see it."""

    id: str
    name: str
    # The id the cloud marks the project's own resources with (EC2 account, Keystone project).
    owner_id: str


@dataclass
class NovaContext:
    user: object
    cloud_key: str = ""
    projects: list[ProjectChoice] = field(default_factory=list)
    project: ProjectChoice | None = None
    region: str = ""
    # What the driver needs to reach the project: a Project row (EC2) or a KeystoneSession.
    access: object = None
    # Keystone's admin role on an OpenStack cloud; site staff on EC2 clouds.
    is_cloud_admin: bool = False

    @property
    def config(self) -> dict:
        """The cloud's definition in NOVA["CLOUDS"] (empty without a cloud)."""
        return nova_settings()["CLOUDS"].get(self.cloud_key, {})

    @property
    def regions(self) -> list[str]:
        return list(self.config.get("REGIONS", []))

    @property
    def user_label(self) -> str:
        keystone = self.access if isinstance(self.access, KeystoneSession) else None
        return keystone.user_name if keystone else self.user.get_username()

    @cached_property
    def cloud(self) -> Cloud | None:
        """The current project of the cloud in the current region, made of parts."""
        if self.access is None or self.project is None:
            return None
        return open_cloud(self.cloud_key, self.access, self.region)

    def acting_in(self, project: ProjectChoice) -> "NovaContext":
        """The same user, cloud and access, acting in (and filed under) another project:
        a cloud admin's token reaches every project of the cloud."""
        return replace(self, project=project)

    def cloud_in(self, region: str) -> Cloud:
        """The current project in another region of its cloud."""
        if region == self.region:
            return self.cloud
        return open_cloud(self.cloud_key, self.access, region)

    @property
    def keeps_identity(self) -> bool:
        """The cloud keeps the user's account (Keystone), not django-nova."""
        return bool(self.cloud_key) and kind_of(self.cloud_key).KEEPS_IDENTITY

    @property
    def capabilities(self) -> Capabilities:
        """What the current cloud offers; nothing but the defaults without a project."""
        return self.cloud.capabilities if self.cloud is not None else Capabilities()


def site_project_context(context: NovaContext, project: Project) -> NovaContext:
    """A cloud admin's context for another django-nova project (its own account)."""
    regions = list(nova_settings()["CLOUDS"].get(project.cloud, {}).get("REGIONS", []))
    region = context.region if context.region in regions else (regions[0] if regions else "")
    choice = ProjectChoice(id=str(project.pk), name=project.name, owner_id=project.account_id)
    return NovaContext(user=context.user, cloud_key=project.cloud, projects=[choice],
                       project=choice, region=region, access=project,
                       is_cloud_admin=context.is_cloud_admin)


def _choose_region(request, context: NovaContext) -> None:
    regions = context.regions
    region = request.session.get(SESSION_REGION)
    context.region = region if region in regions else (regions[0] if regions else "")


def _keystone_context(request, keystone: KeystoneSession) -> NovaContext:
    projects = [ProjectChoice(id=p["id"], name=p["name"], owner_id=p["id"])
                for p in keystone.projects]
    current = next((p for p in projects if p.id == keystone.project_id), None)
    context = NovaContext(user=request.user, cloud_key=keystone.cloud, projects=projects,
                          project=current, access=keystone,
                          is_cloud_admin=keystone.is_admin)
    _choose_region(request, context)
    return context


def _django_context(request) -> NovaContext:
    user = request.user
    rows = list(Project.objects.filter(memberships__user=user, cloud__in=site_clouds(),
                                       enabled=True))
    chosen = str(request.session.get(SESSION_PROJECT, ""))
    row = next((p for p in rows if str(p.pk) == chosen), rows[0] if rows else None)
    context = NovaContext(
        user=user,
        projects=[ProjectChoice(id=str(p.pk), name=p.name, owner_id=p.account_id) for p in rows],
        is_cloud_admin=user.is_staff,
    )
    if row is not None:
        context.cloud_key = row.cloud
        context.project = next(p for p in context.projects if p.id == str(row.pk))
        context.access = row
        _choose_region(request, context)
    return context


def build_context(request) -> NovaContext:
    if not request.user.is_authenticated:
        return NovaContext(user=request.user)
    keystone = KeystoneSession.from_session(request.session)
    if keystone is not None:
        return _keystone_context(request, keystone)
    return _django_context(request)


__all__ = ["SESSION_KEYSTONE", "SESSION_PROJECT", "SESSION_REGION", "NovaContext",
           "ProjectChoice", "build_context", "site_project_context"]
