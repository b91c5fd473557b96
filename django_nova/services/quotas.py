"""Project quotas: limits, how much of them a project uses, and enforcement.

Two kinds of cloud:

- OpenStack keeps quotas itself (Nova, Cinder and Neutron quota sets).  The
  pages read them with usage from the cloud, admins change them there, and
  the cloud refuses what goes over them.
- EC2 enforces none a dashboard could set, so django-nova keeps them
  (``django_nova.models.Quota`` rows, ``NOVA["DEFAULT_QUOTAS"]`` for missing
  ones) and ``quota_held`` refuses a launch or a create that would go over,
  before anything reaches the cloud.  A quota covers the whole project: usage
  is counted from the project's resources in every region of the cloud (an
  EC2 region is its own world: instances, key pairs, volumes, addresses and
  security groups of one are invisible in another).  The counting is one
  concurrent wave of calls: one per listing per region, whatever the number
  of resources.  A launch counts what it makes: instances, vCPUs, RAM, and the
  root volumes of an EBS-backed image.

Check and create are atomic per project: the check runs under a lock on the
project's row (an UPDATE, which locks the row on PostgreSQL and the database
on SQLite, where SELECT ... FOR UPDATE does nothing) and leaves a
``QuotaReservation`` for what it let through, which every later check counts
until the create has ended.  The lock is held for the counting calls only,
never for the create itself.
"""

from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import cached_property

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..clouds import site_clouds
from ..concurrency import gather, gather_outcomes
from ..conf import DEFAULTS, nova_settings
from ..context import NovaContext, site_project_context
from ..events import records
from ..exceptions import CloudError, NotFound, QuotaExceeded
from ..models import Project, Quota, QuotaReservation
from ..resources import IdentityProject, InstanceType, LaunchSpec, QuotaUsage
from .catalogs import instance_types_by_key

UNLIMITED = Quota.UNLIMITED
# Instances in these states hold their vCPUs and RAM (shutting-down ones are going).
HOLDING_STATES = frozenset({"pending", "running", "stopping", "stopped"})


@dataclass(frozen=True)
class Resource:
    key: str
    label: str
    # How a refusal counts it: "5 of 5 instances in use" (%(used)d and %(limit)d).
    in_use: str
    service: str
    unit: str = ""


RESOURCES = (
    Resource("instances", _("Instances"), _("%(used)d of %(limit)d instances in use"),
             "compute"),
    Resource("cores", _("vCPUs"), _("%(used)d of %(limit)d vCPUs in use"), "compute"),
    Resource("ram", _("RAM (MiB)"), _("%(used)d of %(limit)d MiB of RAM in use"), "compute",
             "MiB"),
    Resource("key_pairs", _("Key pairs"), _("%(used)d of %(limit)d key pairs in use"),
             "compute"),
    Resource("volumes", _("Volumes"), _("%(used)d of %(limit)d volumes in use"), "volume"),
    Resource("snapshots", _("Snapshots"), _("%(used)d of %(limit)d snapshots in use"),
             "volume"),
    Resource("gigabytes", _("Volume storage (GB)"),
             _("%(used)d of %(limit)d GB of volume storage in use"), "volume", "GB"),
    Resource("floating_ips", _("Floating IPs"), _("%(used)d of %(limit)d floating IPs in use"),
             "network"),
    Resource("security_groups", _("Security groups"),
             _("%(used)d of %(limit)d security groups in use"), "network"),
    Resource("security_group_rules", _("Security group rules"),
             _("%(used)d of %(limit)d security group rules in use"), "network"),
)
BY_KEY = {r.key: r for r in RESOURCES}
# A quota counted with a noun of the cloud's own ("elastic IPs"): %(noun)s.
IN_USE = _("%(used)d of %(limit)d %(noun)s in use")
SERVICE_LABELS = {"compute": _("Compute"), "volume": _("Volumes"), "network": _("Network")}

# EC2 usage: which listing counts which resources.
SOURCE_OF = {"instances": "instances", "cores": "instances", "ram": "instances",
             "key_pairs": "key_pairs", "volumes": "volumes", "gigabytes": "volumes",
             "snapshots": "snapshots", "floating_ips": "addresses",
             "security_groups": "groups", "security_group_rules": "groups"}
FETCH = {
    # Terminated ones too: the overview's usage table needs them (still one call).
    "instances": lambda c: c.compute.list_instances(limit=1000, include_terminated=True).items,
    "key_pairs": lambda c: c.key_pairs.list_key_pairs(),
    "volumes": lambda c: c.volumes.list_volumes() if c.volumes else [],
    "snapshots": lambda c: c.volumes.list_snapshots() if c.volumes else [],
    "addresses": lambda c: c.addresses.list_addresses() if c.addresses else [],
    "groups": lambda c: c.security_groups.list_security_groups() if c.security_groups else [],
}


def region_clouds(context: NovaContext) -> dict:
    """The project in each region of its cloud (the current region's own Cloud)."""
    return {region: context.cloud_in(region) for region in context.regions or [context.region]}


def listing_calls(clouds: dict, sources) -> dict:
    """One call per listing (see FETCH) per region, named ``q_<listing>@<region>``."""
    return {f"q_{name}@{region}": (lambda f=FETCH[name], c=cloud: f(c))
            for region, cloud in clouds.items() for name in sorted(sources)}


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
    """"5 of 5 instances in use." (and what more is needed, where that is not one more);
    ``noun`` names the resource where the cloud has a word of its own (a plural)."""
    usage = (IN_USE % {"used": used, "limit": limit, "noun": noun} if noun else
             BY_KEY[resource].in_use % {"used": used, "limit": limit})
    if wanted > 1 or resource in ("cores", "ram", "gigabytes"):
        # Translators: %(usage)s is a quota's usage ("2 of 3 vCPUs in use").
        return gettext("%(usage)s; this needs %(wanted)d more.") % {"usage": usage,
                                                                      "wanted": wanted}
    # Translators: %(usage)s is a quota's usage ("1 of 1 instances in use"), as a sentence.
    return gettext("%(usage)s.") % {"usage": usage}


def _label(context: NovaContext, resource: str) -> str:
    if resource == "floating_ips":
        return context.capabilities.address_label
    return BY_KEY[resource].label


class CloudKeptQuotas:
    """The cloud keeps and enforces quotas itself (OpenStack's quota sets): read them there."""

    def __init__(self, context: NovaContext):
        self.context = context
        self.part = context.cloud.quotas
        self.services = context.capabilities.quota_services
        # The cloud counts usage itself, across its regions.
        self.regions: list[str] = []

    def usage_calls(self, project_id: str = "", sources=None) -> dict:
        project_id = project_id or self.context.project.id
        return {f"q_{service}": (lambda s=service: self.part.quota_usage(project_id, s))
                for service in self.services}

    def usage_from(self, found: dict) -> dict[str, QuotaUsage]:
        """The services' quotas in ``found`` (a service whose call failed is left out)."""
        return {q.resource: q for service in self.services
                for q in found.get(f"q_{service}", [])}

    def held(self, launch: LaunchSpec | None = None, **wanted: int):
        """The cloud refuses what goes over its quotas, atomically: nothing to hold here."""
        return nullcontext()

    def set_limits(self, project_id: str, limits: dict[str, int]) -> None:
        by_service = {}
        for key, value in limits.items():
            by_service.setdefault(BY_KEY[key].service, {})[key] = value
        gather(**{service: (lambda s=service, v=values: self.part.set_quotas(project_id, s, v))
                  for service, values in by_service.items()})


class SiteKeptQuotas:
    """django-nova keeps the quotas (Quota rows) and counts usage across the cloud's regions."""

    def __init__(self, context: NovaContext):
        self.context = context

    @cached_property
    def clouds(self) -> dict:
        return region_clouds(self.context)

    @property
    def regions(self) -> list[str]:
        return list(self.clouds)

    def usage_calls(self, project_id: str = "", sources=None) -> dict:
        """One call per listing per region (``merged_listings`` puts them together), and the
        instance types."""
        sources = set(FETCH) if sources is None else set(sources)
        calls = listing_calls(self.clouds, sources)
        if "instances" in sources:
            calls["q_types"] = lambda: instance_types_by_key(self.context)
        return calls

    def _used(self, found: dict) -> dict[str, int]:
        return count_usage(merged_listings(found), found.get("q_types") or {})

    def usage_from(self, found: dict) -> dict[str, QuotaUsage]:
        used = self._used(found)
        limits = project_limits(self.context.access)
        return {key: QuotaUsage(resource=key, limit=limits.get(key, UNLIMITED),
                                used=used.get(key, 0)) for key in used}

    def wanted_by(self, launch: LaunchSpec | None, wanted: dict[str, int]) -> dict[str, int]:
        """What an action adds: ``wanted``, plus a launch's instances, vCPUs, RAM and the
        root volumes of an EBS-backed image."""
        wanted = dict(wanted)
        if launch is not None:
            found = gather(types=lambda: instance_types_by_key(self.context),
                           images=lambda: self.context.cloud.images.get_images(
                               [launch.image_id]))
            add = {"instances": launch.count}
            size = found["types"].get(launch.instance_type)
            if size is not None:
                add.update(cores=launch.count * size.vcpus, ram=launch.count * size.memory_mib)
            root_gb = next((i.root_volume_gb for i in found["images"]), 0)
            if root_gb:
                add.update(volumes=launch.count, gigabytes=launch.count * root_gb)
            for key, amount in add.items():
                wanted[key] = wanted.get(key, 0) + amount
        return wanted

    @contextmanager
    def held(self, launch: LaunchSpec | None = None, **wanted: int):
        """Check under the project's lock and hold what passed until the block ends."""
        project = self.context.access
        limits = project_limits(project)
        relevant = {key: amount for key, amount in self.wanted_by(launch, wanted).items()
                    if amount > 0 and limits.get(key, UNLIMITED) != UNLIMITED}
        if not relevant:
            yield
            return
        with transaction.atomic():
            # The lock: concurrent checks of this project wait here, one at a time.
            Project.objects.filter(pk=project.pk).update(name=F("name"))
            holding = self._held(project)
            used = self._used(gather(**self.usage_calls(
                sources={SOURCE_OF[key] for key in relevant})))
            for key, amount in relevant.items():
                in_use = used.get(key, 0) + holding.get(key, 0)
                if in_use + amount > limits[key]:
                    noun = (self.context.capabilities.address_noun_plural
                            if key == "floating_ips" else "")
                    raise QuotaExceeded(exceeded_message(key, in_use, limits[key], amount, noun),
                                        code="QuotaExceeded")
            reservations = [QuotaReservation.objects.create(project=project, resource=key,
                                                            amount=amount)
                            for key, amount in relevant.items()]
        try:
            yield
        finally:
            QuotaReservation.objects.filter(pk__in=[r.pk for r in reservations]).delete()

    @staticmethod
    def _held(project: Project) -> dict[str, int]:
        """What creates under way hold (those of a process that died stop counting)."""
        since = timezone.now() - timedelta(seconds=QuotaReservation.HELD_SECONDS)
        rows = (QuotaReservation.objects.filter(project=project, created_at__gte=since)
                .values("resource").annotate(total=Sum("amount")))
        return {row["resource"]: row["total"] for row in rows}

    def set_limits(self, project_id: str, limits: dict[str, int]) -> None:
        with transaction.atomic():
            for key, value in limits.items():
                Quota.objects.update_or_create(project=self.context.access, resource=key,
                                               defaults={"limit": value})


def quota_keeper(context: NovaContext) -> CloudKeptQuotas | SiteKeptQuotas:
    """Whoever keeps this project's quotas: the cloud where it has a quotas part."""
    return CloudKeptQuotas(context) if context.cloud.quotas else SiteKeptQuotas(context)


class QuotaService:
    def __init__(self, context: NovaContext):
        self.context = context
        self.keeper = quota_keeper(context)

    @property
    def regions(self) -> list[str]:
        """The regions counted for the project (none where the cloud counts itself)."""
        return self.keeper.regions

    # Usage: the calls, then the assembly, so pages can gather them with their own calls.
    def usage_calls(self, project_id: str = "", sources=None) -> dict:
        """Independent calls that fetch what ``usage_from`` needs (names prefixed ``q_``)."""
        return self.keeper.usage_calls(project_id, sources)

    def usage_from(self, found: dict) -> list[QuotaUsage]:
        """Every resource's limit and usage, labelled, in RESOURCES order."""
        items = self.keeper.usage_from(found)
        # Real strs: pages join labels into messages.
        return [replace(items[r.key], label=str(_label(self.context, r.key)), unit=r.unit)
                for r in RESOURCES if r.key in items]

    def usage(self, project_id: str = "") -> list[QuotaUsage]:
        """The project's quotas with usage: one concurrent round of calls."""
        return self.usage_from(gather(**self.usage_calls(project_id)))

    def held(self, launch: LaunchSpec | None = None, **wanted: int):
        """A context for a create: refuses (QuotaExceeded) what would take the project over
        a quota django-nova keeps, and holds what it let through until the block ends.

        ``wanted`` is what the action adds (``volumes=1, gigabytes=20``); a
        ``launch`` adds its instances, vCPUs, RAM and root volumes.  Where the
        cloud keeps the quotas it refuses by itself.
        """
        return self.keeper.held(launch, **wanted)


def quota_held(context: NovaContext, launch: LaunchSpec | None = None, **wanted: int):
    """``QuotaService(context).held(...)``, for services that create things::

        with quota_held(self.context, volumes=1, gigabytes=size):
            return self.part.create_volume(spec)
    """
    return QuotaService(context).held(launch, **wanted)


# --- cloud admins: every project's quotas ----------------------------------------------

class AdminQuotaService:
    """Quotas of any project of the admin's cloud (AdminRequiredMixin guards the pages)."""

    def __init__(self, context: NovaContext):
        self.context = context

    @property
    def _cloud_quotas(self):
        """The admin's cloud's own quotas part, where the cloud keeps quotas."""
        return self.context.cloud.quotas if self.context.cloud is not None else None

    @property
    def cloud_keeps_quotas(self) -> bool:
        """The cloud keeps and enforces the quotas itself (else django-nova does)."""
        return self._cloud_quotas is not None

    def _rows(self):
        if self.context.cloud_key:
            return Project.objects.filter(cloud=self.context.cloud_key)
        return Project.objects.filter(cloud__in=site_clouds())

    def projects(self) -> list[IdentityProject]:
        if self._cloud_quotas:
            return self._cloud_quotas.quota_projects()
        return [IdentityProject(id=str(p.pk), name=p.name, description=p.description,
                                enabled=p.enabled) for p in self._rows()]

    def _row(self, project_id: str) -> Project:
        row = self._rows().filter(pk=int(project_id)).first() if project_id.isdigit() else None
        if row is None:
            raise NotFound(gettext("There is no project %(id)s on this cloud.")
                           % {"id": project_id})
        return row

    def project(self, project_id: str) -> tuple[IdentityProject, list[QuotaUsage]]:
        """One project and its quotas with usage: one concurrent round of calls."""
        if self._cloud_quotas:
            service = QuotaService(self.context)
            # Quota calls about a project id that does not exist fail in their own ways
            # (Neutron: 400); a missing project is a 404 whatever they said.
            found = gather_outcomes(projects=self._cloud_quotas.quota_projects,
                                    **service.usage_calls(project_id))
            projects = found["projects"]
            if isinstance(projects, CloudError):
                raise projects
            project = next((p for p in projects if p.id == project_id), None)
            if project is None:
                raise NotFound(gettext("There is no project %(id)s on this cloud.")
                               % {"id": project_id})
            for value in found.values():
                if isinstance(value, CloudError):
                    raise value
            return project, service.usage_from(found)
        row = self._row(project_id)
        project = IdentityProject(id=str(row.pk), name=row.name, description=row.description,
                                  enabled=row.enabled)
        return project, QuotaService(site_project_context(self.context, row)).usage()

    @records("quota.update", "project_id", in_project=False)
    def set_limits(self, project_id: str, limits: dict[str, int]) -> None:
        """Set the given limits (only those; -1 = unlimited)."""
        limits = {key: int(value) for key, value in limits.items() if key in BY_KEY}
        if not limits:
            return
        if self._cloud_quotas:
            CloudKeptQuotas(self.context).set_limits(project_id, limits)
        else:
            SiteKeptQuotas(site_project_context(self.context, self._row(project_id))
                           ).set_limits(project_id, limits)
