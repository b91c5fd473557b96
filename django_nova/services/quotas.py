"""Project quotas: limits, how much of them a project uses, and enforcement.

Two kinds of cloud:

- OpenStack keeps quotas itself (Nova, Cinder and Neutron quota sets).  The
  pages read them with usage from the cloud, admins change them there, and
  the cloud refuses what goes over them.
- EC2 enforces none a dashboard could set, so django-nova keeps them
  (``django_nova.models.Quota`` rows, ``NOVA["DEFAULT_QUOTAS"]`` for missing
  ones) and ``check_quota`` refuses a launch or a create that would go over,
  before anything reaches the cloud.  A quota covers the whole project: usage
  is counted from the project's resources in every region of the cloud (an
  EC2 region is its own world: instances, key pairs, volumes, addresses and
  security groups of one are invisible in another).  The counting is one
  concurrent wave of calls: one per listing per region, whatever the number
  of resources.
"""

from dataclasses import dataclass, replace
from functools import cached_property

from django.db import transaction

from ..clouds import get_driver
from ..concurrency import gather
from ..conf import DEFAULTS, cloud_config, nova_settings
from ..context import NovaContext, ProjectChoice
from ..exceptions import CloudError, NotFound, QuotaExceeded
from ..models import Project, Quota
from ..resources import IdentityProject, InstanceType, LaunchSpec, QuotaUsage

UNLIMITED = Quota.UNLIMITED
# Instances in these states hold their vCPUs and RAM (shutting-down ones are going).
HOLDING_STATES = frozenset({"pending", "running", "stopping", "stopped"})


@dataclass(frozen=True)
class Resource:
    key: str
    label: str
    # How a sentence counts it: "5 of 5 instances in use".
    noun: str
    service: str
    unit: str = ""


RESOURCES = (
    Resource("instances", "Instances", "instances", "compute"),
    Resource("cores", "vCPUs", "vCPUs", "compute"),
    Resource("ram", "RAM (MiB)", "MiB of RAM", "compute", "MiB"),
    Resource("key_pairs", "Key pairs", "key pairs", "compute"),
    Resource("volumes", "Volumes", "volumes", "volume"),
    Resource("snapshots", "Snapshots", "snapshots", "volume"),
    Resource("gigabytes", "Volume storage (GB)", "GB of volume storage", "volume", "GB"),
    Resource("floating_ips", "Floating IPs", "floating IPs", "network"),
    Resource("security_groups", "Security groups", "security groups", "network"),
    Resource("security_group_rules", "Security group rules", "security group rules", "network"),
)
BY_KEY = {r.key: r for r in RESOURCES}
SERVICE_LABELS = {"compute": "Compute", "volume": "Volumes", "network": "Network"}

# EC2 usage: which listing counts which resources.
SOURCE_OF = {"instances": "instances", "cores": "instances", "ram": "instances",
             "key_pairs": "key_pairs", "volumes": "volumes", "gigabytes": "volumes",
             "snapshots": "snapshots", "floating_ips": "addresses",
             "security_groups": "groups", "security_group_rules": "groups"}
FETCH = {
    # Terminated ones too: the overview's usage table needs them (still one call).
    "instances": lambda d: d.list_instances(limit=1000, include_terminated=True).items,
    "key_pairs": lambda d: d.list_key_pairs(),
    "volumes": lambda d: d.list_volumes(),
    "snapshots": lambda d: d.list_snapshots(),
    "addresses": lambda d: d.list_addresses(),
    "groups": lambda d: d.security_groups_with_rules(),
}


def region_drivers(context: NovaContext) -> dict:
    """A driver for each region of the context's cloud (the current region's own one)."""
    regions = context.regions or [context.region]
    return {region: context.driver if region == context.region
            else get_driver(context.cloud_key, context.access, region) for region in regions}


def listing_calls(drivers: dict, sources) -> dict:
    """One call per listing (see FETCH) per region, named ``q_<listing>@<region>``."""
    return {f"q_{name}@{region}": (lambda f=FETCH[name], d=driver: f(d))
            for region, driver in drivers.items() for name in sorted(sources)}


def merged_listings(found: dict) -> dict[str, list]:
    """The results of ``listing_calls``, each listing's regions put together."""
    listings: dict[str, list] = {}
    for key, value in found.items():
        if key.startswith("q_") and "@" in key:
            listings.setdefault(key[2:].split("@", 1)[0], []).extend(value)
    return listings


def default_limits() -> dict[str, int]:
    """NOVA["DEFAULT_QUOTAS"] merged key by key over the built-in defaults."""
    return {**DEFAULTS["DEFAULT_QUOTAS"], **(nova_settings().get("DEFAULT_QUOTAS") or {})}


def project_limits(project: Project) -> dict[str, int]:
    """A django-nova project's limits: its Quota rows over the defaults (one query)."""
    limits = default_limits()
    limits.update(dict(project.quotas.values_list("resource", "limit")))
    return limits


def count_usage(found: dict, types: dict[str, InstanceType]) -> dict[str, int]:
    """How much of each resource the listings in ``found`` (see FETCH) hold."""
    used = {}
    if "instances" in found:
        holding = [i for i in found["instances"] if i.state in HOLDING_STATES]
        sized = [types[i.instance_type] for i in holding if i.instance_type in types]
        used.update(instances=len(holding), cores=sum(t.vcpus for t in sized),
                    ram=sum(t.memory_mib for t in sized))
    if "key_pairs" in found:
        used["key_pairs"] = len(found["key_pairs"])
    if "volumes" in found:
        used.update(volumes=len(found["volumes"]),
                    gigabytes=sum(v.size_gb for v in found["volumes"]))
    if "snapshots" in found:
        used["snapshots"] = len(found["snapshots"])
    if "addresses" in found:
        used["floating_ips"] = len(found["addresses"])
    if "groups" in found:
        used.update(security_groups=len(found["groups"]),
                    security_group_rules=sum(len(g.rules) for g in found["groups"]))
    return used


def exceeded_message(resource: str, used: int, limit: int, wanted: int, noun: str = "") -> str:
    noun = noun or BY_KEY[resource].noun
    message = f"{used} of {limit} {noun} in use"
    if wanted > 1 or resource in ("cores", "ram", "gigabytes"):
        message += f"; this needs {wanted} more"
    return message + "."


def context_for(context: NovaContext, project: Project) -> NovaContext:
    """The context of another django-nova project, for a cloud admin's pages about it."""
    regions = list(cloud_config(project.cloud).get("REGIONS", []))
    region = context.region if context.region in regions else (regions[0] if regions else "")
    return NovaContext(user=context.user, cloud_key=project.cloud,
                       project=ProjectChoice(id=str(project.pk), name=project.name,
                                             owner_id=project.account_id),
                       region=region, access=project, is_cloud_admin=context.is_cloud_admin)


class QuotaService:
    def __init__(self, context: NovaContext):
        self.context = context
        self.driver = context.driver

    @property
    def cloud_keeps_quotas(self) -> bool:
        return self.driver.ENFORCES_QUOTAS

    @cached_property
    def drivers(self) -> dict:
        """The project's driver in each region: usage is counted project-wide."""
        return region_drivers(self.context)

    def _label(self, resource: str) -> str:
        if resource == "floating_ips":
            return getattr(self.driver, "ADDRESS_LABEL", "") or BY_KEY[resource].label
        return BY_KEY[resource].label

    def _instance_types(self) -> dict[str, InstanceType]:
        from .compute import ComputeService  # compute imports this module

        types = ComputeService(self.context).instance_types()
        return {key: t for t in types for key in {t.id, t.name}}

    # Usage: the calls, then the assembly, so pages can gather them with their own calls.
    def usage_calls(self, project_id: str = "", sources=None) -> dict:
        """Independent calls that fetch what ``usage_from`` needs (names prefixed ``q_``).

        EC2: one call per listing per region (``merged_listings`` puts them together),
        and the instance types.
        """
        if self.cloud_keeps_quotas:
            project_id = project_id or self.context.project.id
            return {f"q_{service}": (lambda s=service: self.driver.quota_usage(project_id, s))
                    for service in self.driver.QUOTA_SERVICES}
        sources = set(FETCH) if sources is None else set(sources)
        calls = listing_calls(self.drivers, sources)
        if "instances" in sources:
            calls["q_types"] = self._instance_types
        return calls

    def usage_from(self, found: dict) -> list[QuotaUsage]:
        """Every resource's limit and usage, labelled, in RESOURCES order."""
        if self.cloud_keeps_quotas:
            items = {q.resource: q for service in self.driver.QUOTA_SERVICES
                     for q in found[f"q_{service}"]}
        else:
            used = count_usage(merged_listings(found), found.get("q_types") or {})
            limits = project_limits(self.context.access)
            items = {key: QuotaUsage(resource=key, limit=limits.get(key, UNLIMITED),
                                     used=used.get(key, 0)) for key in used}
        return [replace(items[r.key], label=self._label(r.key), unit=r.unit)
                for r in RESOURCES if r.key in items]

    def usage(self, project_id: str = "") -> list[QuotaUsage]:
        """The project's quotas with usage: one concurrent round of calls."""
        return self.usage_from(gather(**self.usage_calls(project_id)))

    # Enforcement where the cloud has none
    def check(self, **wanted: int) -> None:
        if self.cloud_keeps_quotas:
            return
        limits = project_limits(self.context.access)
        relevant = {key: amount for key, amount in wanted.items()
                    if amount > 0 and limits.get(key, UNLIMITED) != UNLIMITED}
        if not relevant:
            return
        found = gather(**self.usage_calls(sources={SOURCE_OF[key] for key in relevant}))
        used = count_usage(merged_listings(found), found.get("q_types") or {})
        for key, amount in relevant.items():
            if used.get(key, 0) + amount > limits[key]:
                noun = (f"{self.driver.ADDRESS_NOUN}s" if key == "floating_ips"
                        and getattr(self.driver, "ADDRESS_NOUN", "") else "")
                raise QuotaExceeded(exceeded_message(key, used.get(key, 0), limits[key], amount,
                                                     noun), code="QuotaExceeded")


def check_quota(context: NovaContext, launch: LaunchSpec | None = None, **wanted: int) -> None:
    """Refuse (QuotaExceeded) what would take the project over a quota django-nova keeps.

    ``wanted`` is what the action adds (``volumes=1, gigabytes=20``); a
    ``launch`` adds its instances, vCPUs and RAM.  A no-op on clouds that
    enforce their own quotas.  Check and create are not atomic: two
    simultaneous requests may both pass.
    """
    service = QuotaService(context)
    if service.cloud_keeps_quotas:
        return
    if launch is not None:
        wanted["instances"] = wanted.get("instances", 0) + launch.count
        size = service._instance_types().get(launch.instance_type)
        if size is not None:
            wanted["cores"] = wanted.get("cores", 0) + launch.count * size.vcpus
            wanted["ram"] = wanted.get("ram", 0) + launch.count * size.memory_mib
    service.check(**wanted)


# --- cloud admins: every project's quotas ----------------------------------------------

def _returning_errors(call):
    """``call``, giving back a CloudError instead of raising it (to decide after a gather)."""
    def run():
        try:
            return call()
        except CloudError as error:
            return error
    return run


class AdminQuotaService:
    """Quotas of any project of the admin's cloud (AdminRequiredMixin guards the pages)."""

    def __init__(self, context: NovaContext):
        self.context = context

    @property
    def cloud_keeps_quotas(self) -> bool:
        return bool(self.context.cloud_key) and self.context.driver.ENFORCES_QUOTAS

    def _rows(self):
        if self.context.cloud_key:
            return Project.objects.filter(cloud=self.context.cloud_key)
        clouds = [k for k, c in nova_settings()["CLOUDS"].items() if c.get("DRIVER") == "ec2"]
        return Project.objects.filter(cloud__in=clouds)

    def projects(self) -> list[IdentityProject]:
        if self.cloud_keeps_quotas:
            return self.context.driver.quota_projects()
        return [IdentityProject(id=str(p.pk), name=p.name, description=p.description,
                             enabled=p.enabled) for p in self._rows()]

    def _row(self, project_id: str) -> Project:
        row = self._rows().filter(pk=int(project_id)).first() if project_id.isdigit() else None
        if row is None:
            raise NotFound(f"There is no project {project_id} on this cloud.")
        return row

    def project(self, project_id: str) -> tuple[IdentityProject, list[QuotaUsage]]:
        """One project and its quotas with usage: one concurrent round of calls."""
        if self.cloud_keeps_quotas:
            service = QuotaService(self.context)
            # Quota calls about a project id that does not exist fail in their own ways
            # (Neutron: 400); a missing project is a 404 whatever they said.
            found = gather(projects=self.context.driver.quota_projects,
                           **{name: _returning_errors(call)
                              for name, call in service.usage_calls(project_id).items()})
            project = next((p for p in found["projects"] if p.id == project_id), None)
            if project is None:
                raise NotFound(f"There is no project {project_id} on this cloud.")
            for value in found.values():
                if isinstance(value, CloudError):
                    raise value
            return project, service.usage_from(found)
        row = self._row(project_id)
        project = IdentityProject(id=str(row.pk), name=row.name, description=row.description,
                               enabled=row.enabled)
        return project, QuotaService(context_for(self.context, row)).usage()

    def set_limits(self, project_id: str, limits: dict[str, int]) -> None:
        """Set the given limits (only those; -1 = unlimited)."""
        limits = {key: int(value) for key, value in limits.items() if key in BY_KEY}
        if not limits:
            return
        if self.cloud_keeps_quotas:
            driver = self.context.driver
            by_service = {}
            for key, value in limits.items():
                by_service.setdefault(BY_KEY[key].service, {})[key] = value
            gather(**{service: (lambda s=service, v=values: driver.set_quotas(project_id, s, v))
                      for service, values in by_service.items()})
            return
        row = self._row(project_id)
        with transaction.atomic():
            for key, value in limits.items():
                Quota.objects.update_or_create(project=row, resource=key,
                                               defaults={"limit": value})
