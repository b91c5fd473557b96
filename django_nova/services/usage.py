"""The project overview: quotas with usage, counts by state, and instance usage over time.

Instance usage (instance-hours, vCPU-hours, RAM GiB-hours) comes from Nova's
usage API (os-simple-tenant-usage) on OpenStack.  EC2 has no such API for a
project, so it is computed from the instances' launch times (terminated ones
included, while the cloud still lists them) in every region of the cloud, and
their termination times from django-nova's audit log.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from ..concurrency import gather, gather_outcomes
from ..context import NovaContext
from ..exceptions import CloudError, NotFound
from ..models import AuditEntry
from ..resources import Instance, InstanceType, InstanceUsage, QuotaUsage
from .quotas import QuotaService, merged_listings

# The event that ends an instance's usage (django_nova.events); its target is the instance.
TERMINATE_EVENT = "instance.terminate"
# The quotas the overview charts.
CHARTED = ("instances", "cores", "ram", "volumes", "gigabytes", "floating_ips",
           "security_groups")
# A cell a spreadsheet would run as a formula starts with one of these.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class UsageReport:
    start: date
    end: date
    rows: list[InstanceUsage]

    @property
    def hours(self) -> float:
        return sum(r.hours for r in self.rows)

    @property
    def vcpu_hours(self) -> float:
        return sum(r.vcpu_hours for r in self.rows)

    @property
    def gb_hours(self) -> float:
        return sum(r.gb_hours for r in self.rows)


@dataclass(frozen=True)
class Overview:
    quotas: list[QuotaUsage]
    instance_states: list[tuple[str, int]]
    volume_states: list[tuple[str, int]]
    usage: UsageReport | None
    # EC2: the regions counted (all of the cloud's); empty where the cloud counts itself.
    regions: list[str] = field(default_factory=list)
    # Panels ("quotas", "instances", "volumes", "usage") the cloud did not fill: why, in
    # words.  A quotas entry means some quotas are missing; the others still show.
    missing: dict[str, str] = field(default_factory=dict)


def period(start: date, end: date) -> tuple[datetime, datetime]:
    """The UTC instants a date range covers: start's midnight to the end day's end (or now)."""
    begin = datetime.combine(start, time.min, tzinfo=UTC)
    finish = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    return begin, min(finish, timezone.now())


def termination_times(cloud_key: str, project_id: str) -> dict[str, datetime]:
    """When each instance was terminated, by the audit log's first successful entry (one query).

    Terminations are filed under the instance's project, whoever made them.
    """
    entries = (AuditEntry.objects
               .filter(cloud=cloud_key, project_id=project_id, action=TERMINATE_EVENT,
                       outcome=AuditEntry.SUCCESS)
               .order_by("created_at").values_list("target", "created_at"))
    ended: dict[str, datetime] = {}
    for target, created_at in entries:
        ended.setdefault(target, created_at)
    return ended


def instance_usage(instances: list[Instance], types: dict[str, InstanceType],
                   ended: dict[str, datetime], begin: datetime,
                   finish: datetime) -> list[InstanceUsage]:
    """Each instance's hours inside [begin, finish): from launch to termination (or now).

    A terminated instance the audit log knows no termination of counts zero
    hours (``end_unknown``).  A live instance's audit entry is ignored (a
    terminate that did not take).
    """
    rows = []
    for instance in instances:
        if instance.launched_at is None or instance.launched_at >= finish:
            continue
        gone = instance.state in ("terminated", "shutting-down")
        stopped_at = ended.get(instance.id) if gone else None
        end_unknown = instance.state == "terminated" and stopped_at is None
        if end_unknown:
            stopped_at = instance.launched_at
        if stopped_at is not None and stopped_at < begin:
            continue
        low = max(instance.launched_at, begin)
        high = min(stopped_at or finish, finish)
        size = types.get(instance.instance_type)
        rows.append(InstanceUsage(
            instance_id=instance.id, name=instance.name, instance_type=instance.instance_type,
            vcpus=size.vcpus if size else 0, memory_mib=size.memory_mib if size else 0,
            state=instance.state, hours=max(0.0, (high - low).total_seconds() / 3600),
            started_at=instance.launched_at, ended_at=stopped_at if gone else None,
            end_unknown=end_unknown))
    return sorted(rows, key=lambda r: r.started_at, reverse=True)


def _states(items) -> list[tuple[str, int]]:
    return sorted(Counter(i.state or "unknown" for i in items).items())


def neutralise(value):
    """A text cell safe to open in a spreadsheet: formulas become plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def usage_csv(report: UsageReport) -> str:
    """The report as CSV, its headings and words in the request's language (real strs)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Instance ID"), _("Name"), _("Type"), _("vCPUs"), _("RAM (MiB)"),
                     _("State"), _("Started"), _("Ended"), _("Instance-hours"), _("vCPU-hours"),
                     _("RAM GiB-hours")])
    # Translators: in a usage report, when an instance ended is not known.
    unknown = _("unknown")
    for row in report.rows:
        writer.writerow([neutralise(cell) for cell in (
            row.instance_id, row.name, row.instance_type, row.vcpus, row.memory_mib, row.state,
            row.started_at.isoformat() if row.started_at else "",
            unknown if row.end_unknown else (row.ended_at.isoformat() if row.ended_at else ""),
            round(row.hours, 2), round(row.vcpu_hours, 2), round(row.gb_hours, 2))])
    # The period goes beside "Total", not under Started/Ended (no instance's times).
    # Translators: a usage report's period: "2026-03-01 to 2026-03-31".
    period = _("%(start)s to %(end)s") % {"start": report.start.isoformat(),
                                          "end": report.end.isoformat()}
    writer.writerow([neutralise(cell) for cell in (
        _("Total"), period, "", "", "", "",
        "", "", round(report.hours, 2), round(report.vcpu_hours, 2), round(report.gb_hours, 2))])
    return out.getvalue()


class UsageService:
    def __init__(self, context: NovaContext):
        self.context = context
        self.cloud = context.cloud
        self.quotas = QuotaService(context)

    def _usage_calls(self, begin: datetime, finish: datetime) -> dict:
        """The cloud's own usage report where it keeps one; otherwise the instance listings
        (every region) and the types come with the quota calls."""
        if self.cloud.usage is None:
            return self.quotas.usage_calls(sources={"instances"})
        project_id = self.context.project.id
        return {"usage": lambda: self.cloud.usage.instance_usage(project_id, begin, finish)}

    def _report(self, found: dict, start: date, end: date, begin: datetime,
                finish: datetime) -> UsageReport:
        if "usage" in found:
            rows = sorted(found["usage"], key=lambda r: (r.started_at is None, r.started_at),
                          reverse=True)
        else:
            ended = termination_times(self.context.cloud_key, self.context.project.id)
            rows = instance_usage(merged_listings(found).get("instances", []), found["q_types"],
                                  ended, begin, finish)
        return UsageReport(start=start, end=end, rows=rows)

    def report(self, start: date, end: date) -> UsageReport:
        begin, finish = period(start, end)
        return self._report(gather(**self._usage_calls(begin, finish)), start, end, begin,
                            finish)

    def overview(self, start: date | None, end: date | None) -> Overview:
        """Everything the overview shows, in one concurrent round of calls.

        Each panel stands alone: a call that fails or misses the page's deadline
        empties its own panels (``Overview.missing`` says why) and no other.  Only when
        every call failed is the page the cloud's error.
        Without a (valid) date range the usage table is left out.
        """
        calls = self.quotas.usage_calls()
        if start and end:
            begin, finish = period(start, end)
            calls.update(self._usage_calls(begin, finish))
        listings_counted = any(key.startswith("q_instances@") for key in calls)
        if not listings_counted:
            calls.update(instances=lambda: self.cloud.compute.list_instances(limit=1000).items,
                         volumes=self.cloud.volumes.list_volumes if self.cloud.volumes else list)
        outcomes = gather_outcomes(**calls)
        if all(isinstance(outcome, CloudError) for outcome in outcomes.values()):
            raise next(iter(outcomes.values()))  # nothing to show: the cloud's own error page
        found, failed = usable(outcomes)
        missing = {}
        if any(name.startswith("q_") for name in failed):
            missing["quotas"] = next(why for name, why in failed.items() if name.startswith("q_"))
        listing = {"instances": "q_instances", "volumes": "q_volumes"}
        for panel, quota_name in listing.items():
            why = failed.get(quota_name if listings_counted else panel)
            if why:
                missing[panel] = why
        if start and end:
            why = failed.get("usage") or ("usage" not in calls and failed.get("q_instances"))
            if why:
                missing["usage"] = why
        if listings_counted:
            # The whole project: every region's instances and volumes.
            listings = merged_listings(found)
            instances = [i for i in listings.get("instances", []) if i.state != "terminated"]
            volumes = listings.get("volumes", [])
        else:
            instances, volumes = found.get("instances", []), found.get("volumes", [])
        return Overview(
            quotas=[q for q in self.quotas.usage_from(found) if q.resource in CHARTED],
            instance_states=_states(instances), volume_states=_states(volumes),
            usage=(self._report(found, start, end, begin, finish)
                   if start and end and "usage" not in missing else None),
            regions=self.quotas.regions, missing=missing)


def panel_problem(error: CloudError) -> str:
    """What a panel says in place of what a call could not give."""
    if isinstance(error, NotFound):
        # A service, extension or API this cloud does not have (it answered 404).
        return str(_("Not available on this cloud."))
    return error.message


def usable(outcomes: dict) -> tuple[dict, dict[str, str]]:
    """The results of the calls that worked, and each failed group's problem in words.

    A group is a call's name before any ``@region``: a listing that failed in one
    region is dropped in all of them (a partial count would be wrong, not incomplete),
    and without the instance types (``q_types``) the instance listings cannot be
    counted either.
    """
    failed = {}
    for name, outcome in outcomes.items():
        if isinstance(outcome, CloudError):
            failed.setdefault(name.split("@", 1)[0], panel_problem(outcome))
    if "q_types" in failed:
        failed.setdefault("q_instances", failed["q_types"])
    found = {name: outcome for name, outcome in outcomes.items()
             if name.split("@", 1)[0] not in failed}
    return found, failed
