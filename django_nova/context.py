"""The per-request cloud context: who, which cloud, which project, which region.

Built once per request by NovaContextMiddleware (lazily, so pages that do
not need it pay nothing) and handed to services; drivers are built from it,
never from globals.
"""

from dataclasses import dataclass, field
from functools import cached_property

from .clouds import get_driver
from .conf import nova_settings
from .models import Project

SESSION_PROJECT = "nova_project"
SESSION_REGION = "nova_region"


@dataclass
class NovaContext:
    user: object
    projects: list[Project] = field(default_factory=list)
    project: Project | None = None
    region: str = ""

    @property
    def cloud_key(self) -> str:
        return self.project.cloud if self.project else ""

    @property
    def cloud(self) -> dict:
        return nova_settings()["CLOUDS"].get(self.cloud_key, {})

    @property
    def regions(self) -> list[str]:
        return list(self.cloud.get("REGIONS", []))

    @cached_property
    def driver(self):
        return get_driver(self.cloud_key, self.project, self.region)


def build_context(request) -> NovaContext:
    user = request.user
    if not user.is_authenticated:
        return NovaContext(user=user)
    clouds = nova_settings()["CLOUDS"]
    projects = list(Project.objects.filter(memberships__user=user, cloud__in=list(clouds)))
    chosen = request.session.get(SESSION_PROJECT)
    project = next((p for p in projects if p.pk == chosen), projects[0] if projects else None)
    context = NovaContext(user=user, projects=projects, project=project)
    if project is not None:
        regions = context.regions
        region = request.session.get(SESSION_REGION)
        context.region = region if region in regions else (regions[0] if regions else "")
    return context
