"""Quotas on EC2 (moto over HTTP), where django-nova keeps and enforces them itself:
enforcement for each resource kind, usage counting, and the admin's quota pages."""

import threading
from collections import Counter

import pytest

from django_nova.clouds import open_cloud
from django_nova.clouds.calls import cloud_call
from django_nova.conf import EMBEDDED_CLOUD
from django_nova.models import Quota
from django_nova.services.quotas import count_usage, default_limits, project_limits
from tests.data import IMAGE_ID
from tests.helpers import messages_of

HOSTILE = "<img src=x onerror=alert(1)>"
ADMIN_LIST = "/manage/quotas/"
# A quota covers the whole project: every region of the embedded cloud counts.
REGIONS = EMBEDDED_CLOUD["REGIONS"]


def in_every_region(project, listing) -> int:
    """How many items ``listing(cloud)`` finds in all the cloud's regions together."""
    return sum(len(listing(open_cloud("embedded", project, region))) for region in REGIONS)


def set_quota(project, **limits):
    for resource, limit in limits.items():
        Quota.objects.update_or_create(project=project, resource=resource,
                                       defaults={"limit": limit})


def form_errors(response) -> str:
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@pytest.fixture
def calls(operations):
    """Here, unlike tests/conftest.py's ``calls``: the operations alone, in order."""
    return operations


# --- limits and defaults -------------------------------------------------------------------

def test_missing_rows_use_the_documented_defaults(project, settings):
    assert project_limits(project)["instances"] == default_limits()["instances"] == 10
    settings.NOVA = {**settings.NOVA, "DEFAULT_QUOTAS": {"instances": 3}}
    limits = project_limits(project)
    assert limits["instances"] == 3 and limits["volumes"] == 10  # merged key by key
    set_quota(project, instances=7)
    assert project_limits(project)["instances"] == 7


# --- enforcement, one resource kind at a time -----------------------------------------------

def test_second_instance_refused_on_the_form(member_client, project, cloud):
    set_quota(project, instances=1)
    data = {"name": "one", "image": IMAGE_ID, "instance_type": "t3.micro", "count": 1}
    assert member_client.post("/instances/launch/", data).status_code == 302
    refused = member_client.post("/instances/launch/", {**data, "name": "two"})
    assert "Quota exceeded: 1 of 1 instances in use." in form_errors(refused)
    assert b"Quota exceeded: 1 of 1 instances in use." in refused.content
    assert [i.name for i in cloud.compute.list_instances().items] == ["one"]


def test_launch_of_several_counts_them_all(member_client, project, cloud):
    set_quota(project, instances=2)
    data = {"name": "many", "image": IMAGE_ID, "instance_type": "t3.micro", "count": 3}
    refused = member_client.post("/instances/launch/", data)
    assert "0 of 2 instances in use; this needs 3 more." in form_errors(refused)
    assert cloud.compute.list_instances().items == []


def test_cores_and_ram_come_from_the_instance_type(member_client, project, cloud, launch):
    launch(instance_type="t3.small")  # 2 vCPUs, 2048 MiB
    set_quota(project, cores=3)
    data = {"name": "big", "image": IMAGE_ID, "instance_type": "t3.small", "count": 1}
    refused = member_client.post("/instances/launch/", data)
    assert "2 of 3 vCPUs in use; this needs 2 more." in form_errors(refused)
    set_quota(project, cores=-1, ram=3000)
    refused = member_client.post("/instances/launch/", data)
    assert "2048 of 3000 MiB of RAM in use; this needs 2048 more." in form_errors(refused)
    assert len(cloud.compute.list_instances().items) == 1
    set_quota(project, ram=4096)
    assert member_client.post("/instances/launch/", data).status_code == 302
    assert len(cloud.compute.list_instances().items) == 2


def test_terminated_instances_free_their_quota(member_client, project, cloud, launch, ec2):
    (instance_id,) = launch()
    set_quota(project, instances=1)
    ec2.terminate_instances(InstanceIds=[instance_id])
    data = {"name": "again", "image": IMAGE_ID, "instance_type": "t3.micro", "count": 1}
    assert member_client.post("/instances/launch/", data).status_code == 302


def test_second_key_pair_refused_create_and_import(member_client, project, cloud):
    set_quota(project, key_pairs=1)
    assert member_client.post("/keypairs/create/",
                              {"name": "first", "key_type": "ed25519"}).status_code == 200
    assert [k.name for k in cloud.key_pairs.list_key_pairs()] == ["first"]
    refused = member_client.post("/keypairs/create/", {"name": "second", "key_type": "rsa"})
    assert "Quota exceeded: 1 of 1 key pairs in use." in form_errors(refused)
    public_key = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGsy0c8pbZP0pZwQ8dO1v8JqEEP9l5r8"
                  "yX0qHcDHoC7C laptop")
    refused = member_client.post("/keypairs/import/", {"name": "laptop",
                                                       "public_key": public_key})
    assert "Quota exceeded: 1 of 1 key pairs in use." in form_errors(refused)
    assert [k.name for k in cloud.key_pairs.list_key_pairs()] == ["first"]


def create_volume(client, **fields):
    return client.post("/volumes/create/", {"name": "data", "size_gb": 2,
                                            "availability_zone": "us-east-1a", **fields})


def test_second_volume_refused(member_client, project, cloud):
    set_quota(project, volumes=1)
    assert create_volume(member_client).status_code == 302
    refused = create_volume(member_client, name="more")
    assert "Quota exceeded: 1 of 1 volumes in use." in form_errors(refused)
    assert [v.name for v in cloud.volumes.list_volumes()] == ["data"]


def test_volume_gigabytes_refused_on_create_and_extend(member_client, project, cloud):
    set_quota(project, gigabytes=5)
    assert create_volume(member_client, size_gb=3).status_code == 302
    refused = create_volume(member_client, name="more", size_gb=3)
    assert "3 of 5 GB of volume storage in use; this needs 3 more." in form_errors(refused)
    (volume,) = cloud.volumes.list_volumes()
    refused = member_client.post(f"/volumes/{volume.id}/extend/", {"size_gb": 6})
    assert "3 of 5 GB of volume storage in use" in refused.content.decode()
    assert cloud.volumes.get_volume(volume.id).size_gb == 3


def test_second_snapshot_refused(member_client, project, cloud):
    assert create_volume(member_client).status_code == 302
    (volume,) = cloud.volumes.list_volumes()
    # moto gives every account the seeded images' snapshots (in each region); they count.
    existing = in_every_region(project, lambda d: d.volumes.list_snapshots())
    set_quota(project, snapshots=existing + 1)
    url = f"/volumes/{volume.id}/snapshot/"
    assert member_client.post(url, {"name": "one", "description": ""}).status_code == 302
    refused = member_client.post(url, {"name": "two", "description": ""})
    limit = existing + 1
    assert f"Quota exceeded: {limit} of {limit} snapshots in use." in form_errors(refused)
    assert [s.name for s in cloud.volumes.list_snapshots() if s.name] == ["one"]


def test_second_address_refused(member_client, project, ec2):
    set_quota(project, floating_ips=1)
    assert member_client.post("/network/addresses/allocate/").status_code == 302
    refused = member_client.post("/network/addresses/allocate/")
    assert "Quota exceeded: 1 of 1 elastic IPs in use." in form_errors(refused)
    assert len(ec2.describe_addresses()["Addresses"]) == 1


def test_second_security_group_refused(member_client, project, cloud):
    # The account's default group (one per region) counts, as it does on Neutron.
    assert len(cloud.security_groups.list_security_groups()) == 1
    assert in_every_region(project, lambda d: d.security_groups.list_security_groups()) == 2
    set_quota(project, security_groups=3)
    data = {"name": "web", "description": "web servers"}
    assert member_client.post("/network/security-groups/create/", data).status_code == 302
    refused = member_client.post("/network/security-groups/create/",
                                 {"name": "db", "description": "databases"})
    assert "Quota exceeded: 3 of 3 security groups in use." in form_errors(refused)
    groups = cloud.security_groups.list_security_groups()
    assert sorted(g.name for g in groups) == ["default", "web"]


def test_second_rule_refused(member_client, project, cloud):
    member_client.post("/network/security-groups/create/",
                       {"name": "web", "description": "web servers"})
    (web,) = [g for g in cloud.security_groups.list_security_groups() if g.name == "web"]
    existing = in_every_region(
        project, lambda d: [r for g in d.security_groups.list_security_groups() for r in g.rules])
    set_quota(project, security_group_rules=existing + 1)
    url = f"/network/security-groups/{web.id}/rules/add/"
    rule = {"direction": "ingress", "ether_type": "IPv4", "protocol": "tcp",
            "remote_cidr": "0.0.0.0/0"}
    assert member_client.post(url, {**rule, "port_min": "22"}).status_code == 302
    refused = member_client.post(url, {**rule, "port_min": "80"})
    expected = f"Quota exceeded: {existing + 1} of {existing + 1} security group rules in use."
    assert expected in form_errors(refused)
    (web,) = [g for g in cloud.security_groups.list_security_groups() if g.name == "web"]
    assert [r.port_min for r in web.rules if r.direction == "ingress"] == [22]


def test_unlimited_needs_no_counting(member_client, project, cloud, calls):
    set_quota(project, key_pairs=-1)
    member_client.get("/keypairs/")  # warm: assumed-role credentials
    calls.clear()
    assert member_client.post("/keypairs/create/",
                              {"name": "free", "key_type": "ed25519"}).status_code == 200
    # Unlimited: no counting call at all, only the create.
    assert Counter(calls) == Counter({"CreateKeyPair": 1})


def test_enforcement_counts_with_one_call_per_listing_per_region(member_client, project,
                                                                 launch, calls):
    set_quota(project, instances=50)
    data = {"name": "n", "image": IMAGE_ID, "instance_type": "t3.micro", "count": 1}
    member_client.post("/instances/launch/", data)  # warm the type catalog
    launch(count=4)
    calls.clear()
    assert member_client.post("/instances/launch/", data).status_code == 302
    ops = Counter(calls)
    assert ops["DescribeInstances"] == len(REGIONS) and ops["RunInstances"] == 1


def test_count_usage_counts_each_kind():
    from django_nova.resources import (
        Instance,
        InstanceType,
        SecurityGroup,
        SecurityGroupRule,
        Volume,
    )

    types = {"t3.small": InstanceType("t3.small", 2, 2048)}
    found = {
        "instances": [Instance("i-1", "", "running", "t3.small", "ami"),
                      Instance("i-2", "", "terminated", "t3.small", "ami"),
                      Instance("i-3", "", "stopped", "t3.small", "ami")],
        "volumes": [Volume("v-1", "", 4, "available"), Volume("v-2", "", 6, "in-use")],
        "groups": [SecurityGroup("sg-1", "default", rules=(
            SecurityGroupRule("r1", "ingress", "tcp"), SecurityGroupRule("r2", "egress", "any")))],
    }
    assert count_usage(found, types) == {
        "instances": 2, "cores": 4, "ram": 4096, "volumes": 2, "gigabytes": 10,
        "security_groups": 1, "security_group_rules": 2}


# --- the admin's quota pages ----------------------------------------------------------------

@pytest.fixture
def staff_client(client, make_user, project):
    admin = make_user("root", is_staff=True)
    client.force_login(admin)
    return client


def test_non_admins_get_403(member_client, project):
    assert member_client.get(ADMIN_LIST).status_code == 403
    assert member_client.get(f"{ADMIN_LIST}{project.pk}/").status_code == 403
    response = member_client.post(f"{ADMIN_LIST}{project.pk}/", {"instances": 99})
    assert response.status_code == 403
    assert not Quota.objects.filter(project=project).exists()


def test_anonymous_users_go_to_log_in(client, project):
    response = client.get(ADMIN_LIST)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_admin_lists_projects_with_edit_links(staff_client, project, make_project):
    make_project(HOSTILE)
    html = staff_client.get(ADMIN_LIST).content.decode()
    assert f'href="{ADMIN_LIST}{project.pk}/"' in html and ">alpha<" in html
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def quota_form_data(response, **changes) -> dict:
    form = response.context["form"]
    data = {name: form[name].value() for name in form.quotas}
    return {**data, **changes}


def test_admin_edits_a_projects_quotas(staff_client, project):
    page = staff_client.get(f"{ADMIN_LIST}{project.pk}/")
    assert page.status_code == 200
    assert page.context["form"]["instances"].value() == 10
    response = staff_client.post(f"{ADMIN_LIST}{project.pk}/",
                                 quota_form_data(page, instances=3, volumes=-1))
    assert response.status_code == 302 and response["Location"] == ADMIN_LIST
    assert project_limits(project)["instances"] == 3
    assert project_limits(project)["volumes"] == -1
    # Only what changed is stored; the rest keeps following the defaults.
    assert set(Quota.objects.filter(project=project).values_list("resource", flat=True)) == {
        "instances", "volumes"}
    assert any("Quotas of alpha updated (2 changed)" in m for m in messages_of(response))


@pytest.mark.parametrize("value, error", [
    ("-2", "greater than or equal to -1"),
    ("abc", "Enter a whole number"),
    ("", "This field is required"),
    ("99999999999", "less than or equal to"),
])
def test_admin_edit_validates_fields(staff_client, project, value, error):
    page = staff_client.get(f"{ADMIN_LIST}{project.pk}/")
    response = staff_client.post(f"{ADMIN_LIST}{project.pk}/",
                                 quota_form_data(page, cores=value))
    assert error in " ".join(response.context["form"].errors["cores"])
    assert b"is-invalid" in response.content
    assert not Quota.objects.filter(project=project).exists()


def test_admin_edit_below_usage_needs_confirmation(staff_client, project, launch):
    launch(count=2)
    page = staff_client.get(f"{ADMIN_LIST}{project.pk}/")
    assert page.context["form"].quotas["instances"].used == 2
    refused = staff_client.post(f"{ADMIN_LIST}{project.pk}/", quota_form_data(page, instances=1))
    assert "Below current usage (2 in use)" in " ".join(
        refused.context["form"].errors["instances"])
    assert project_limits(project)["instances"] == 10
    confirmed = staff_client.post(f"{ADMIN_LIST}{project.pk}/", quota_form_data(
        page, instances=1, confirm_below_usage="on"))
    assert confirmed.status_code == 302
    assert project_limits(project)["instances"] == 1
    assert any("below current usage: Instances" in m for m in messages_of(confirmed))


def test_admin_edit_of_a_missing_project_is_404(staff_client):
    assert staff_client.get(f"{ADMIN_LIST}999999/").status_code == 404
    assert staff_client.get(f"{ADMIN_LIST}nope/").status_code == 404


# --- a quota covers the whole project: every region counts (review M4) ----------------------

@pytest.fixture
def eu_cloud(project):
    """The project in the cloud's other region."""
    return open_cloud("embedded", project, "eu-west-1")


def switch_region(client, region):
    assert client.post("/switch/region/", {"region": region}).status_code == 302


def test_instance_quota_is_not_reset_by_switching_region(member_client, project, cloud,
                                                         eu_cloud):
    set_quota(project, instances=2)
    data = {"name": "east", "image": IMAGE_ID, "instance_type": "t3.micro", "count": 2}
    assert member_client.post("/instances/launch/", data).status_code == 302
    switch_region(member_client, "eu-west-1")
    refused = member_client.post("/instances/launch/", {**data, "name": "west", "count": 1})
    assert "Quota exceeded: 2 of 2 instances in use." in form_errors(refused)
    assert eu_cloud.compute.list_instances().items == []
    assert len(cloud.compute.list_instances().items) == 2


def test_cores_and_ram_count_instances_of_every_region(member_client, project, eu_cloud):
    from django_nova.resources import LaunchSpec

    eu_cloud.compute.launch(LaunchSpec(name="west", image_id=IMAGE_ID, instance_type="t3.small",
                                count=1))
    set_quota(project, cores=3)
    data = {"name": "east", "image": IMAGE_ID, "instance_type": "t3.small", "count": 1}
    refused = member_client.post("/instances/launch/", data)
    assert "2 of 3 vCPUs in use; this needs 2 more." in form_errors(refused)


def test_key_pairs_addresses_groups_volumes_of_another_region_count(member_client, project,
                                                                    eu_cloud, cloud):
    from django_nova.resources import VolumeSpec

    eu_cloud.key_pairs.create_key_pair("west", "ed25519")
    eu_cloud.addresses.allocate_address()
    eu_cloud.volumes.create_volume(VolumeSpec(name="west", size_gb=4,
                                       availability_zone="eu-west-1a"))
    set_quota(project, key_pairs=1, floating_ips=1, volumes=1, gigabytes=5,
              security_groups=2)  # the default group of each region
    refused = member_client.post("/keypairs/create/", {"name": "east", "key_type": "rsa"})
    assert "Quota exceeded: 1 of 1 key pairs in use." in form_errors(refused)
    refused = member_client.post("/network/addresses/allocate/")
    assert "Quota exceeded: 1 of 1 elastic IPs in use." in form_errors(refused)
    refused = create_volume(member_client, name="east", size_gb=1)
    assert "Quota exceeded: 1 of 1 volumes in use." in form_errors(refused)
    set_quota(project, volumes=-1)
    refused = create_volume(member_client, name="east", size_gb=2)
    assert "4 of 5 GB of volume storage in use; this needs 2 more." in form_errors(refused)
    refused = member_client.post("/network/security-groups/create/",
                                 {"name": "web", "description": "web servers"})
    assert "Quota exceeded: 2 of 2 security groups in use." in form_errors(refused)
    assert cloud.key_pairs.list_key_pairs() == [] and cloud.volumes.list_volumes() == []
    assert [g.name for g in cloud.security_groups.list_security_groups()] == ["default"]


def test_admin_quota_page_shows_usage_of_every_region(staff_client, project, launch,
                                                      eu_cloud):
    from django_nova.resources import LaunchSpec

    launch(count=2)
    eu_cloud.compute.launch(LaunchSpec(name="west", image_id=IMAGE_ID, instance_type="t3.micro",
                                count=1))
    page = staff_client.get(f"{ADMIN_LIST}{project.pk}/")
    assert page.context["form"].quotas["instances"].used == 3
    assert 'id="used-instances">3<' in page.content.decode()


def test_counting_is_one_wave_of_kinds_times_regions(member_client, project):
    seen = []

    def record(sender, cloud, operation, **_):
        seen.append((operation, threading.current_thread().name))

    set_quota(project, volumes=5, gigabytes=100)
    member_client.get("/volumes/")  # warm: credentials
    cloud_call.connect(record, weak=False)
    try:
        assert create_volume(member_client).status_code == 302
    finally:
        cloud_call.disconnect(record)
    ops = Counter(op for op, _ in seen)
    assert ops["DescribeVolumes"] == len(REGIONS) and ops["CreateVolume"] == 1
    # The regions' listings run side by side on the pool, not one after the other.
    assert all(t.startswith("nova-cloud") for op, t in seen if op == "DescribeVolumes")
