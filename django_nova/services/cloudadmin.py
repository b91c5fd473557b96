"""Cloud administration: every project's instances and volumes; flavors, hypervisors, services.

Two ways to see all projects:

- OpenStack: the admin's own cloud lists every project in one call
  (``all_projects``); the project names and the page's images are one call
  each, independent calls run side by side.
- EC2: each project is its own account, so "all projects" is one listing per
  project.  A page covers up to ``MAX_CONCURRENT_CALLS`` projects (one
  concurrent wave), each with its first ``PAGE_SIZE`` rows; a project with
  more is paged on its own with the project filter.
"""

from dataclasses import dataclass, field, replace
from functools import cached_property

from django.utils.translation import gettext as _

from ..clouds import site_clouds
from ..concurrency import gather, gather_outcomes
from ..conf import nova_settings
from ..context import NovaContext, ProjectChoice, site_project_context
from ..events import records
from ..exceptions import CloudError, InvalidInput, NotFound
from ..models import Project
from ..resources import (
    CloudService,
    Flavor,
    Hypervisor,
    Page,
    ProjectInstance,
    ProjectVolume,
)
from .catalogs import forget_catalogs
from .compute import ComputeService
from .paging import marker_from, sign
from .volumes import VolumeService


@dataclass(frozen=True)
class AllProjectsPage:
    """One page of an all-projects list."""

    rows: list  # ProjectInstance or ProjectVolume
    # Every project of the cloud, for the filter (id, name).
    projects: list[ProjectChoice] = field(default_factory=list)
    next_marker: str = ""
    # EC2: projects on this page with more rows than shown (page them with the filter).
    truncated: list[ProjectChoice] = field(default_factory=list)
    # EC2: projects whose account could not be listed, with the cloud's message.
    failed: list[tuple[ProjectChoice, str]] = field(default_factory=list)


@dataclass(frozen=True)
class FlavorAccess:
    flavor: Flavor
    # Projects with access (id, name), and the others an admin may add.
    granted: list[ProjectChoice]
    available: list[ProjectChoice]


@dataclass(frozen=True)
class ComputeHosts:
    hypervisors: list[Hypervisor]
    services: list[CloudService]


def _choice(project_id: str, names: dict[str, str]) -> ProjectChoice:
    return ProjectChoice(id=project_id, name=names.get(project_id, ""), owner_id=project_id)


def _row_choice(row: Project) -> ProjectChoice:
    return ProjectChoice(id=str(row.pk), name=row.name, owner_id=row.account_id)


class CloudAdminService:
    def __init__(self, context: NovaContext):
        self.context = context

    # Which cloud, and what it offers
    @cached_property
    def cloud_key(self) -> str:
        """The admin's cloud; a staff user with no project yet gets the first site cloud."""
        if self.context.cloud_key:
            return self.context.cloud_key
        return next(iter(site_clouds()), "")

    @cached_property
    def region(self) -> str:
        regions = nova_settings()["CLOUDS"].get(self.cloud_key, {}).get("REGIONS", [])
        return self.context.region or (regions[0] if regions else "")

    @property
    def _cloud(self):
        return self.context.cloud

    @property
    def all_projects(self):
        """The cloud's all-projects part (OpenStack), or None: each project is then listed
        with its own access (EC2 accounts)."""
        return self._cloud.all_projects if self._cloud is not None else None

    @property
    def lists_all_projects(self) -> bool:
        return self.all_projects is not None

    @property
    def has_compute_admin(self) -> bool:
        return self._cloud is not None and self._cloud.compute_admin is not None

    def _admin_part(self):
        if not self.has_compute_admin:
            raise InvalidInput(_("This cloud has no flavors, hypervisors or compute services "
                                 "to manage."))
        return self._cloud.compute_admin

    # EC2: one context (and cloud) per project
    def _project_rows(self) -> list[Project]:
        return list(Project.objects.filter(cloud=self.cloud_key).order_by("name", "pk"))

    def _project_row(self, project_id: str) -> Project:
        row = (Project.objects.filter(cloud=self.cloud_key, pk=project_id).first()
               if project_id.isdigit() else None)
        if row is None:
            raise NotFound(_("There is no project %(id)s on this cloud.") % {"id": project_id})
        return row

    def _project_context(self, row: Project) -> NovaContext:
        return site_project_context(self.context, row)

    def context_for(self, project_id: str) -> NovaContext:
        """Acting in one project: the admin's own access on OpenStack (its token reaches
        every project), the project's own account on EC2.  Either way what is done there
        is filed under that project."""
        if not self.lists_all_projects:
            return self._project_context(self._project_row(project_id))
        try:
            name = self._cloud.identity.get_project(project_id).name
        except CloudError:
            name = ""
        return self.context.acting_in(ProjectChoice(id=project_id, name=name,
                                                    owner_id=project_id))

    def compute_for(self, project_id: str) -> ComputeService:
        return ComputeService(self.context_for(project_id))

    def volumes_for(self, project_id: str) -> VolumeService:
        return VolumeService(self.context_for(project_id))

    def _each_project(self, marker: str, project_id: str, listing,
                      make_row) -> AllProjectsPage:
        """EC2: ``listing(context, marker)`` -> Page for a window of projects, concurrently.

        ``make_row(project, item)`` makes each page row.
        """
        rows = self._project_rows()
        projects = [_row_choice(r) for r in rows]
        if project_id:
            window, start, project_marker = [self._project_row(project_id)], 0, marker
        else:
            start = int(marker) if marker.isdigit() else 0
            window, project_marker = rows[start:start + nova_settings()["MAX_CONCURRENT_CALLS"]], ""

        found = gather_outcomes(**{f"p{n}": (lambda row=row: listing(
            self._project_context(row), project_marker)) for n, row in enumerate(window)})
        items, truncated, failed, next_marker = [], [], [], ""
        for n, row in enumerate(window):
            page = found[f"p{n}"]
            choice = _row_choice(row)
            if isinstance(page, CloudError):
                failed.append((choice, page.message))
                continue
            items.extend(make_row(choice, item) for item in page.items)
            if page.next_marker:
                if project_id:
                    next_marker = page.next_marker
                else:
                    truncated.append(choice)
        if not project_id and start + len(window) < len(rows):
            next_marker = str(start + len(window))
        return AllProjectsPage(rows=items, projects=projects, next_marker=next_marker,
                               truncated=truncated, failed=failed)

    # All instances
    def instances_page(self, marker: str = "", project_id: str = "") -> AllProjectsPage:
        if not self.lists_all_projects:
            return self._each_project(
                marker, project_id,
                lambda context, m: ComputeService(context).instances_page(marker=m),
                lambda p, i: ProjectInstance(project_id=p.id, project_name=p.name, instance=i))
        found = gather(
            page=lambda: sign(self.all_projects.list_all_instances(
                marker=marker_from(marker), limit=nova_settings()["PAGE_SIZE"],
                project_id=project_id), marker),
            names=self.all_projects.project_names)
        page, names = found["page"], found["names"]
        wanted = sorted({r.instance.image_id for r in page.items if r.instance.image_id})
        images = {i.id: i for i in self._cloud.images.get_images(wanted)} if wanted else {}
        rows = [replace(r, project_name=names.get(r.project_id, ""),
                        instance=r.instance.with_image(images.get(r.instance.image_id)))
                for r in page.items]
        return AllProjectsPage(rows=rows, projects=self._sorted_projects(names),
                               next_marker=page.next_marker)

    @staticmethod
    def _sorted_projects(names: dict[str, str]) -> list[ProjectChoice]:
        return sorted((_choice(pid, names) for pid in names), key=lambda p: p.name.lower())

    def act(self, project_id: str, action: str, instance_id: str) -> None:
        self.compute_for(project_id).act(action, [instance_id])

    # All volumes
    def volumes_page(self, marker: str = "", project_id: str = "") -> AllProjectsPage:
        if not self.lists_all_projects:
            # EC2 lists a project's volumes whole (one page).
            return self._each_project(
                marker, project_id,
                lambda context, _m: Page(items=VolumeService(context).volumes()),
                lambda p, v: ProjectVolume(project_id=p.id, project_name=p.name, volume=v))
        found = gather(
            page=lambda: sign(self.all_projects.list_all_volumes(
                marker=marker_from(marker), limit=nova_settings()["PAGE_SIZE"],
                project_id=project_id), marker),
            names=self.all_projects.project_names,
            servers=self.all_projects.all_instance_names)
        page, names, servers = found["page"], found["names"], found["servers"]
        rows = [replace(r, project_name=names.get(r.project_id, ""), volume=replace(
            r.volume, attachments=tuple(replace(a, instance_name=servers.get(a.instance_id, ""))
                                        for a in r.volume.attachments)))
                for r in page.items]
        return AllProjectsPage(rows=rows, projects=self._sorted_projects(names),
                               next_marker=page.next_marker)

    # Flavors (OpenStack)
    def _forget_flavor_catalog(self) -> None:
        """The launch form caches each project's flavors per region: drop them all."""
        forget_catalogs(self.cloud_key)

    def flavors(self) -> list[Flavor]:
        return self._admin_part().list_flavors()

    def flavor(self, flavor_id: str) -> Flavor:
        return self._admin_part().get_flavor(flavor_id)

    @records("flavor.create", "name", made="id", in_project=False)
    def create_flavor(self, name: str, vcpus: int, ram_mb: int, disk_gb: int,
                      is_public: bool) -> Flavor:
        """Nova refuses a duplicate name (a Conflict, shown on the name field)."""
        flavor = self._admin_part().create_flavor(name, vcpus, ram_mb, disk_gb, is_public)
        self._forget_flavor_catalog()
        return flavor

    @records("flavor.delete", "flavor_id", in_project=False)
    def delete_flavor(self, flavor_id: str) -> None:
        self._admin_part().delete_flavor(flavor_id)
        self._forget_flavor_catalog()

    def flavor_access(self, flavor_id: str) -> FlavorAccess:
        """The flavor, the projects with access and the others (three concurrent calls)."""
        part = self._admin_part()
        flavor = part.get_flavor(flavor_id)
        if flavor.is_public:
            return FlavorAccess(flavor=flavor, granted=[], available=[])
        found = gather(granted=lambda: part.flavor_projects(flavor_id),
                       names=self.all_projects.project_names)
        names, granted = found["names"], set(found["granted"])
        return FlavorAccess(
            flavor=flavor,
            granted=sorted((_choice(p, names) for p in granted), key=lambda p: p.name.lower()),
            available=[p for p in self._sorted_projects(names) if p.id not in granted])

    @records("flavor.add-project", "flavor_id project_id", in_project=False)
    def add_flavor_project(self, flavor_id: str, project_id: str) -> None:
        self._admin_part().add_flavor_project(flavor_id, project_id)
        self._forget_flavor_catalog()

    @records("flavor.remove-project", "flavor_id project_id", in_project=False)
    def remove_flavor_project(self, flavor_id: str, project_id: str) -> None:
        self._admin_part().remove_flavor_project(flavor_id, project_id)
        self._forget_flavor_catalog()

    # Hypervisors and compute services (OpenStack)
    def compute_hosts(self) -> ComputeHosts:
        part = self._admin_part()
        return ComputeHosts(**gather(hypervisors=part.list_hypervisors,
                                     services=part.list_compute_services))

    def compute_service(self, service_id: str) -> CloudService:
        found = next((s for s in self._admin_part().list_compute_services()
                      if s.id == service_id), None)
        if found is None:
            raise NotFound(_("There is no compute service %(id)s.") % {"id": service_id})
        return found

    @records("compute-service.set-enabled", "service_id", in_project=False)
    def set_compute_service(self, service_id: str, enabled: bool, reason: str = "") -> None:
        self._admin_part().set_compute_service(service_id, enabled, reason)
