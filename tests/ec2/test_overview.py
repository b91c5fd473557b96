"""The project overview on EC2 (moto over HTTP): quota charts, counts by state, the usage
table computed from launch times and the audit log, its CSV, and constant call counts.

In a browser: tests/browser/test_overview.py."""

import csv
import io
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from django_nova.models import AuditEntry, Quota
from django_nova.resources import Instance, InstanceType
from django_nova.services.usage import instance_usage, neutralise, usage_csv

HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
OVERVIEW = "/overview/"


@pytest.fixture
def calls(operations):
    """Here, unlike tests/conftest.py's ``calls``: the operations alone, in order."""
    return operations


def quotas_of(response) -> dict:
    return {q.resource: q for q in response.context["overview"].quotas}


def test_overview_is_in_the_project_nav(member_client):
    html = member_client.get("/instances/").content.decode()
    assert f'href="{OVERVIEW}" id="nav-overview"' in html


def test_overview_numbers_match_what_exists(member_client, project, cloud, launch, ec2):
    ids = launch(count=2, instance_type="t3.small")  # 2 vCPUs, 2048 MiB each
    launch(name="small")  # t3.micro: 2 vCPUs, 1024 MiB
    ec2.stop_instances(InstanceIds=[ids[0]])
    ec2.create_volume(Size=7, AvailabilityZone="us-east-1a")
    ec2.allocate_address(Domain="vpc")
    Quota.objects.create(project=project, resource="instances", limit=4)

    response = member_client.get(OVERVIEW)
    assert response.status_code == 200
    quotas = quotas_of(response)
    volumes = cloud.volumes.list_volumes()
    assert (quotas["instances"].used, quotas["instances"].limit) == (3, 4)
    assert quotas["instances"].level == "success" and quotas["instances"].percent == 75
    assert (quotas["cores"].used, quotas["ram"].used) == (6, 2048 * 2 + 1024)
    assert quotas["volumes"].used == len(volumes)
    assert quotas["gigabytes"].used == sum(v.size_gb for v in volumes)
    assert quotas["floating_ips"].used == 1 and quotas["floating_ips"].label == "Elastic IPs"
    assert quotas["security_groups"].used == 2  # the default group of each region
    assert list(quotas) == ["instances", "cores", "ram", "volumes", "gigabytes",
                            "floating_ips", "security_groups"]
    overview = response.context["overview"]
    assert dict(overview.instance_states) == {"running": 2, "stopped": 1}
    assert sum(dict(overview.volume_states).values()) == len(volumes)

    html = response.content.decode()
    # Accessible SVG charts with the numbers as text.
    assert '<title id="quota-instances-title">Instances: 3 of 4 used</title>' in html
    assert 'role="img" aria-labelledby="quota-instances-title"' in html
    assert ">of 4</text>" in html


def test_chart_colour_turns_warning_then_danger(member_client, project, launch):
    launch(count=4)
    Quota.objects.create(project=project, resource="instances", limit=5)
    html = member_client.get(OVERVIEW).content.decode()
    assert 'class="text-warning"' in html and ">80%<" in html
    Quota.objects.filter(project=project, resource="instances").update(limit=4)
    response = member_client.get(OVERVIEW)
    assert quotas_of(response)["instances"].level == "danger"
    assert 'class="text-danger"' in response.content.decode()


def test_unlimited_quota_is_shown_as_no_limit(member_client, project, launch):
    launch()
    Quota.objects.create(project=project, resource="instances", limit=-1)
    html = member_client.get(OVERVIEW).content.decode()
    assert "Instances: 1 used, no limit" in html


def test_hostile_names_are_escaped(member_client, launch):
    launch(name=HOSTILE)
    html = member_client.get(OVERVIEW).content.decode()
    assert HOSTILE not in html and HOSTILE_ESCAPED in html


# --- the usage table ----------------------------------------------------------------------

T_MICRO = InstanceType("t3.micro", 2, 1024)
TYPES = {"t3.micro": T_MICRO}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_hours_run_from_launch_to_the_audited_termination_inside_the_range():
    instances = [
        Instance("i-gone", "gone", "terminated", "t3.micro", "ami", launched_at=at(9, 22)),
        Instance("i-live", "live", "running", "t3.micro", "ami", launched_at=at(10, 12)),
        Instance("i-lost", "lost", "terminated", "t3.micro", "ami", launched_at=at(10, 1)),
        Instance("i-old", "old", "terminated", "t3.micro", "ami", launched_at=at(1, 1)),
        Instance("i-later", "later", "running", "t3.micro", "ami", launched_at=at(12, 1)),
    ]
    # The live one's entry is a terminate that did not take; it is ignored.
    ended = {"i-gone": at(10, 2, 30), "i-live": at(10, 13), "i-old": at(2, 1)}
    rows = {r.instance_id: r for r in instance_usage(instances, TYPES, ended,
                                                     at(10, 0), at(11, 0))}
    assert set(rows) == {"i-gone", "i-live", "i-lost"}
    assert rows["i-gone"].hours == 2.5  # from midnight (range start) to 02:30
    assert rows["i-gone"].vcpu_hours == 5 and rows["i-gone"].gb_hours == 2.5
    assert rows["i-gone"].ended_at == at(10, 2, 30)
    assert rows["i-live"].hours == 12 and rows["i-live"].ended_at is None
    assert rows["i-lost"].hours == 0 and rows["i-lost"].end_unknown


def test_usage_from_launch_time_and_an_audit_terminate_entry(member_client, project, ec2,
                                                             launch):
    (gone,) = launch(name="gone")
    (kept,) = launch(name="kept")
    ec2.terminate_instances(InstanceIds=[gone])
    launched = ec2.describe_instances(InstanceIds=[gone])["Reservations"][0]["Instances"][0][
        "LaunchTime"]
    AuditEntry.objects.create(created_at=launched + timedelta(seconds=1), cloud="embedded",
                              project_id=str(project.pk), action="instance.terminate",
                              target=gone, outcome="success")
    # A failed attempt and another project's entry change nothing.
    AuditEntry.objects.create(cloud="embedded", project_id=str(project.pk),
                              action="instance.terminate", target=kept, outcome="failure")
    time.sleep(1.1)
    today = timezone.now().date()
    response = member_client.get(OVERVIEW, {"start": today.isoformat(),
                                            "end": today.isoformat()})
    rows = {r.instance_id: r for r in response.context["overview"].usage.rows}
    assert rows[gone].hours == pytest.approx(1 / 3600)
    assert rows[gone].ended_at == launched + timedelta(seconds=1)
    assert rows[gone].vcpu_hours == pytest.approx(2 / 3600)
    assert rows[kept].ended_at is None and rows[kept].hours > 1 / 3600
    assert b'id="usage"' in response.content


def test_date_range_defaults_to_this_month(member_client):
    form = member_client.get(OVERVIEW).context["form"]
    today = timezone.now().date()
    assert form.cleaned_data == {"start": today.replace(day=1), "end": today}


@pytest.mark.parametrize("query, field, error", [
    ({"start": "2026-02-10", "end": "2026-02-01"}, "start", "starts after it ends"),
    ({"start": "2020-01-01", "end": "2022-01-01"}, "start", "at most 366 days"),
    ({"start": "yesterday", "end": "2026-02-01"}, "start", "Enter a valid date"),
    ({"start": "2026-02-01"}, "end", "This field is required"),
])
def test_date_range_is_validated(member_client, query, field, error):
    response = member_client.get(OVERVIEW, query)
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors[field])
    assert response.context["overview"].usage is None
    assert b'id="usage-csv"' not in response.content
    bad_csv = member_client.get("/overview/usage.csv", query)
    assert bad_csv.status_code == 400


def test_future_end_is_refused(member_client):
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    response = member_client.get(OVERVIEW, {"start": "2026-01-01", "end": tomorrow})
    assert "today or an earlier day" in " ".join(response.context["form"].errors["end"])


# --- the whole project: every region (review M4) ---------------------------------------------

def test_overview_counts_every_region(member_client, project, launch):
    from django_nova.clouds import open_cloud
    from django_nova.resources import LaunchSpec, VolumeSpec

    launch(name="east")
    west = open_cloud("embedded", project, "eu-west-1")
    (west_vm,) = west.compute.launch(LaunchSpec(name="west", image_id="ami-0cafe000000000004",
                                        instance_type="t3.small", count=1))
    west.volumes.create_volume(VolumeSpec(name="west", size_gb=3, availability_zone="eu-west-1a"))
    west.addresses.allocate_address()
    Quota.objects.create(project=project, resource="instances", limit=4)
    volumes = [v for region in ("us-east-1", "eu-west-1")
               for v in open_cloud("embedded", project, region).volumes.list_volumes()]
    assert "west" in {v.name for v in volumes}
    today = timezone.now().date().isoformat()
    for region in ("us-east-1", "eu-west-1"):
        member_client.post("/switch/region/", {"region": region})
        response = member_client.get(OVERVIEW, {"start": today, "end": today})
        quotas = quotas_of(response)
        assert (quotas["instances"].used, quotas["instances"].limit) == (2, 4)
        assert (quotas["cores"].used, quotas["ram"].used) == (4, 1024 + 2048)
        # Root volumes of the instances count too.
        assert (quotas["volumes"].used, quotas["gigabytes"].used) == (
            len(volumes), sum(v.size_gb for v in volumes))
        assert quotas["floating_ips"].used == 1
        assert quotas["security_groups"].used == 2  # each region's default group
        overview = response.context["overview"]
        assert sum(dict(overview.instance_states).values()) == 2
        assert sum(dict(overview.volume_states).values()) == len(volumes)
        rows = {r.name for r in overview.usage.rows}
        assert rows == {"east", "west"}
        assert "Instances: 2 of 4 used" in response.content.decode()
        assert overview.regions == ["us-east-1", "eu-west-1"]
        assert "every region (us-east-1, eu-west-1) count" in response.content.decode()
    csv_rows = list(csv.reader(io.StringIO(member_client.get(
        "/overview/usage.csv", {"start": today, "end": today}).content.decode())))
    assert west_vm.id in {row[0] for row in csv_rows[1:-1]}


def test_bulk_terminate_audit_entries_end_usage_per_id(member_client, project, launch, ec2):
    """One audit entry per id: a terminated id counts even when others of the action failed."""
    from django_nova.services.usage import termination_times

    (gone,) = launch(name="gone")
    missing = "i-0000000000000dead"
    response = member_client.post("/instances/bulk/", {
        "action": "terminate", "ids": [gone, missing], "confirmed": "1"})
    assert response.status_code == 200
    entries = {e.target: e.outcome for e in AuditEntry.objects.filter(
        action="instance.terminate", project_id=str(project.pk))}
    assert entries == {gone: "success", missing: "failure"}
    ended = termination_times("embedded", str(project.pk))
    assert set(ended) == {gone}
    today = timezone.now().date().isoformat()
    rows = {r.instance_id: r for r in member_client.get(
        OVERVIEW, {"start": today, "end": today}).context["overview"].usage.rows}
    assert rows[gone].ended_at == ended[gone] and not rows[gone].end_unknown


# --- CSV --------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=x", "'\t=x"), ("web", "web"), ("", ""), (3, 3), (-1.5, -1.5),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_download_neutralises_formulas(member_client, launch):
    names = ['=HYPERLINK("http://evil.example","x")', "+cmd", "-2+3", "@SUM(1)", "plain"]
    for name in names:
        launch(name=name)
    page = member_client.get(OVERVIEW)
    link = f'href="/overview/usage.csv?{page.context["csv_query"]}"'
    assert link.replace("&", "&amp;") in page.content.decode()
    response = member_client.get(f"/overview/usage.csv?{page.context['csv_query']}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="usage-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Instance ID", "Name", "Type"]
    cells = {row[1] for row in rows[1:-1]}
    assert cells == {"'" + n for n in names[:4]} | {"plain"}
    assert rows[-1][0] == "Total" and float(rows[-1][8]) >= 0
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_usage_csv_totals():
    from django_nova.services.usage import UsageReport

    rows = instance_usage([Instance("i-1", "=a", "running", "t3.micro", "ami",
                                    launched_at=at(10, 0))], TYPES, {}, at(10, 0), at(10, 3))
    text = usage_csv(UsageReport(start=date(2026, 3, 10), end=date(2026, 3, 10), rows=rows))
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[1][1] == "'=a" and parsed[1][8:] == ["3.0", "6.0", "3.0"]
    assert parsed[2][8:] == ["3.0", "6.0", "3.0"]
    # The total row: the period beside "Total", nothing under the instances' columns.
    assert parsed[2][:8] == ["Total", "2026-03-10 to 2026-03-10", "", "", "", "", "", ""]


# --- speed ------------------------------------------------------------------------------

def overview_calls(client, calls) -> Counter:
    client.get(OVERVIEW)  # warm: credentials, the instance type catalog
    calls.clear()
    assert client.get(OVERVIEW).status_code == 200
    return Counter(calls)


def test_overview_calls_stay_constant_from_1_to_6_instances(member_client, launch, calls):
    launch(name="first")
    with_1 = overview_calls(member_client, calls)
    for n in range(5):
        launch(name=f"more-{n}")
    with_6 = overview_calls(member_client, calls)
    # One call per listing per region (usage is counted project-wide).
    assert with_1 == with_6 == Counter({
        "DescribeInstances": 2, "DescribeKeyPairs": 2, "DescribeVolumes": 2,
        "DescribeSnapshots": 2, "DescribeAddresses": 2, "DescribeSecurityGroups": 2})


def test_csv_calls_stay_constant(member_client, launch, calls):
    launch()
    member_client.get("/overview/usage.csv")
    calls.clear()
    member_client.get("/overview/usage.csv")
    one = Counter(calls)
    launch(count=3)
    calls.clear()
    member_client.get("/overview/usage.csv")
    assert one == Counter(calls) == Counter({"DescribeInstances": 2})  # one per region


def test_unreachable_cloud_gives_a_readable_page(member_client, settings, closed_port_url):
    from tests.helpers import cloud_settings

    settings.NOVA = {**settings.NOVA, **cloud_settings(closed_port_url)}
    response = member_client.get(OVERVIEW)
    assert response.status_code == 503
    assert b"did not answer" in response.content or b"could not be reached" in response.content


def test_an_admins_termination_ends_usage_too(client, make_user, project, launch):
    """A termination from the all-instances page is filed under the instance's project."""
    from django_nova.services.usage import termination_times

    (instance_id,) = launch()
    client.force_login(make_user("root", is_staff=True))
    client.post(reverse("django_nova:admin-instance-terminate", args=[project.pk, instance_id]))
    assert set(termination_times("embedded", str(project.pk))) == {instance_id}


def test_terminations_logged_before_event_names_still_end_usage(project, db):
    """Entries named after URLs (member, bulk and admin ones) become instance.terminate."""
    import importlib

    from django.apps import apps

    from django_nova.services.usage import termination_times

    make = AuditEntry.objects.create
    make(cloud="embedded", project_id=str(project.pk), action="instance-terminate",
         target="i-01", outcome=AuditEntry.SUCCESS)
    make(cloud="embedded", project_id=str(project.pk), action="instances-bulk:terminate",
         target="i-02 i-03", outcome=AuditEntry.SUCCESS)
    make(cloud="embedded", project_id="", action="admin-instance-terminate",
         target=f"{project.pk} i-04", outcome=AuditEntry.SUCCESS)
    make(cloud="embedded", project_id="", action="admin-instance-action:terminate",
         target="999999 i-05", outcome=AuditEntry.SUCCESS)
    migration = importlib.import_module("django_nova.migrations.0004_audit_event_names")
    migration.to_events(apps, None)
    assert set(termination_times("embedded", str(project.pk))) == {"i-01", "i-02", "i-03",
                                                                   "i-04"}
    assert set(termination_times("embedded", "999999")) == {"i-05"}
