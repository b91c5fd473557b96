"""Quotas and the overview against the real OpenStack test cloud.

Every test works in a throwaway project (and user) created by the admin and
deleted in the end: the shared demo/alt/admin projects' quotas never change.
"""

import contextlib
import uuid
from collections import Counter

import openstack.connection
import pytest
from django.test import Client
from django.utils import timezone

from django_nova.clouds.calls import cloud_call
from tests.helpers import messages_of, wait_for

pytestmark = pytest.mark.openstack

IMAGE = "cirros-test"
FLAVOR = "m1.tiny"
HOSTILE = "<img src=x onerror=alert(1)>"
ADMIN_LIST = "/manage/quotas/"


@pytest.fixture
def throwaway(os_conn, openstack_cloud):
    """A new project with a new member user; both deleted afterwards, with what they hold."""
    admin = os_conn("admin")
    suffix = uuid.uuid4().hex[:10]
    password = uuid.uuid4().hex
    project = admin.identity.create_project(name=f"nova-quota-{suffix}", domain_id="default",
                                            description=HOSTILE)
    user = admin.identity.create_user(name=f"nova-quota-{suffix}", password=password,
                                      domain_id="default", default_project_id=project.id)
    admin.identity.assign_project_role_to_user(project, user, admin.identity.find_role("member"))
    auth_url = openstack_cloud["definition"]["AUTH_URL"]
    conn = openstack.connection.Connection(
        auth_url=auth_url, username=user.name, password=password, project_id=project.id,
        user_domain_id="default", region_name=openstack_cloud["definition"]["REGIONS"][0])
    try:
        yield {"project": project, "user": user, "password": password, "conn": conn}
    finally:
        for server in admin.compute.servers(all_projects=True, project_id=project.id):
            admin.compute.delete_server(server, ignore_missing=True)
        for server in admin.compute.servers(all_projects=True, project_id=project.id):
            admin.compute.wait_for_delete(server, wait=120)
        for volume in admin.block_storage.volumes(all_projects=True, project_id=project.id):
            admin.block_storage.delete_volume(volume, ignore_missing=True)
        for volume in admin.block_storage.volumes(all_projects=True, project_id=project.id):
            admin.block_storage.wait_for_delete(volume, wait=120)
        for group in admin.network.security_groups(project_id=project.id):
            admin.network.delete_security_group(group, ignore_missing=True)
        for ip in admin.network.ips(project_id=project.id):
            admin.network.delete_ip(ip, ignore_missing=True)
        for delete in (lambda: admin.network.delete_quota(project.id),
                       lambda: admin.compute.revert_quota_set(project.id),
                       lambda: admin.block_storage.revert_quota_set(project.id)):
            with contextlib.suppress(Exception):  # best effort; the project goes anyway
                delete()
        admin.identity.delete_user(user, ignore_missing=True)
        admin.identity.delete_project(project, ignore_missing=True)


def login(client: Client, username: str, password: str) -> Client:
    response = client.post("/login/", {"cloud": "openstack", "username": username,
                                       "password": password, "domain": "Default"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def quota_form_data(response, **changes) -> dict:
    form = response.context["form"]
    return {**{name: form[name].value() for name in form.quotas}, **changes}


def test_admin_edits_a_projects_quotas_in_the_cloud(keystone_client, client, os_conn,
                                                    throwaway):
    project = throwaway["project"]
    keystone_client("admin")
    listing = client.get(ADMIN_LIST)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert f'href="{ADMIN_LIST}{project.id}/"' in html and project.name in html
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html

    url = f"{ADMIN_LIST}{project.id}/"
    page = client.get(url)
    assert page.status_code == 200
    assert set(page.context["form"].quotas) == {
        "instances", "cores", "ram", "key_pairs", "volumes", "snapshots", "gigabytes",
        "floating_ips", "security_groups", "security_group_rules"}
    response = client.post(url, quota_form_data(page, instances=7, cores=13, gigabytes=77,
                                                floating_ips=3, security_groups=9))
    assert response.status_code == 302, response.context["form"].errors
    assert any("5 changed" in m for m in messages_of(response))

    admin = os_conn("admin")
    compute = admin.compute.get_quota_set(project.id)
    volume = admin.block_storage.get_quota_set(project.id)
    network = admin.network.get_quota(project.id)
    assert (compute.instances, compute.cores) == (7, 13)
    assert volume.gigabytes == 77
    assert (network.floating_ips, network.security_groups) == (3, 9)
    # The form shows the cloud's new values.
    again = client.get(url).context["form"]
    assert again["instances"].value() == 7 and again["gigabytes"].value() == 77


def test_admin_edit_validates_and_refuses_below_usage(keystone_client, client, os_conn,
                                                    throwaway):
    project = throwaway["project"]
    conn = throwaway["conn"]
    conn.network.create_security_group(name="extra", description="x")
    used = len(list(conn.network.security_groups(project_id=project.id)))
    assert used >= 2  # default + extra
    keystone_client("admin")
    url = f"{ADMIN_LIST}{project.id}/"
    page = client.get(url)
    assert page.context["form"].quotas["security_groups"].used == used
    bad = client.post(url, quota_form_data(page, instances=-5))
    assert "greater than or equal to -1" in " ".join(bad.context["form"].errors["instances"])
    # Neutron and Cinder refuse limits below usage, so the form does too, without a choice.
    assert b"confirm_below_usage" not in page.content
    for data in (quota_form_data(page, security_groups=1),
                 quota_form_data(page, security_groups=1, confirm_below_usage="on")):
        below = client.post(url, data)
        assert (f"Below current usage ({used} in use): the cloud does not allow that."
                in below.context["form"].errors["security_groups"])
    assert os_conn("admin").network.get_quota(project.id).security_groups != 1
    # At usage is fine.
    done = client.post(url, quota_form_data(page, security_groups=used))
    assert done.status_code == 302
    assert os_conn("admin").network.get_quota(project.id).security_groups == used


def test_members_get_403_on_admin_quotas(keystone_client, client, throwaway):
    keystone_client("demo")
    assert client.get(ADMIN_LIST).status_code == 403
    url = f"{ADMIN_LIST}{throwaway['project'].id}/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"instances": 1}).status_code == 403


def test_overview_numbers_match_the_cloud(with_openstack, client, os_conn, throwaway):
    conn = throwaway["conn"]
    image = next(i for i in conn.image.images() if i.name == IMAGE)
    flavor = conn.compute.find_flavor(FLAVOR)
    server = conn.compute.create_server(name=HOSTILE, image_id=image.id, flavor_id=flavor.id,
                                        networks="none")
    conn.compute.wait_for_server(server, wait=120)
    volume = conn.block_storage.create_volume(name="data", size=2)
    conn.block_storage.wait_for_status(volume, "available", wait=120)
    conn.network.create_security_group(name="web", description="web")
    groups = len(list(conn.network.security_groups(project_id=throwaway["project"].id)))

    login(client, throwaway["user"].name, throwaway["password"])
    response = client.get("/overview/")
    assert response.status_code == 200
    quotas = {q.resource: q for q in response.context["overview"].quotas}
    assert quotas["instances"].used == 1
    assert quotas["cores"].used == flavor.vcpus and quotas["ram"].used == flavor.ram
    assert (quotas["volumes"].used, quotas["gigabytes"].used) == (1, 2)
    assert quotas["security_groups"].used == groups
    assert quotas["floating_ips"].label == "Floating IPs"
    overview = response.context["overview"]
    assert dict(overview.instance_states) == {"running": 1}
    assert dict(overview.volume_states) == {"available": 1}
    # Nova's usage API: the server, with its flavor's size.
    (row,) = overview.usage.rows
    assert (row.instance_id, row.vcpus, row.memory_mib) == (server.id, flavor.vcpus, flavor.ram)
    assert row.hours >= 0
    html = response.content.decode()
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html

    csv_response = client.get("/overview/usage.csv")
    assert csv_response.status_code == 200 and server.id in csv_response.content.decode()
    assert "'<img" not in csv_response.content.decode()  # "<" is not a formula prefix


def test_overview_calls_stay_constant(with_openstack, client, throwaway):
    conn = throwaway["conn"]
    image = next(i for i in conn.image.images() if i.name == IMAGE)
    flavor = conn.compute.find_flavor(FLAVOR)

    def boot(name):
        server = conn.compute.create_server(name=name, image_id=image.id, flavor_id=flavor.id,
                                            networks="none")
        conn.compute.wait_for_server(server, wait=120)

    seen = []

    def record(sender, cloud, operation, **_):
        seen.append(operation)

    login(client, throwaway["user"].name, throwaway["password"])
    boot("one")
    today = timezone.now().date().isoformat()
    query = {"start": today, "end": today}
    # What a cloud offers (its extensions) is read once per cloud, then cached.
    assert client.get("/overview/", query).status_code == 200
    cloud_call.connect(record, weak=False)
    try:
        assert client.get("/overview/", query).status_code == 200
        with_1 = Counter(seen)
        boot("two")
        boot("three")
        # Nova's usage report can lag its server list under load; the page is asked after.
        midnight = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0,
                                          tzinfo=None)
        wait_for(lambda: len(conn.compute.get_usage(
            throwaway["project"].id, start=midnight,
            end=timezone.now().replace(tzinfo=None)).server_usages or []) == 3, timeout=60)
        seen.clear()
        response = client.get("/overview/", query)
        with_3 = Counter(seen)
    finally:
        cloud_call.disconnect(record)
    assert len(response.context["overview"].usage.rows) == 3
    assert with_1 == with_3
    assert sum(with_3.values()) <= 6


def test_admin_edit_of_a_missing_project_is_404(keystone_client, client):
    keystone_client("admin")
    assert client.get(f"{ADMIN_LIST}1/").status_code == 404
    assert client.get(f"{ADMIN_LIST}{uuid.uuid4().hex}/").status_code == 404


# --- the flavor catalog cache is per project (review L5) -------------------------------------

def launch_flavor_ids(client: Client) -> set[str]:
    response = client.get("/instances/launch/")
    assert response.status_code == 200, response.status_code
    return {value for value, _ in response.context["form"].fields["instance_type"].choices}


def test_private_flavors_stay_with_their_projects_through_the_cache(keystone_client, os_conn,
                                                                    throwaway):
    admin_conn = os_conn("admin")
    demo_id = admin_conn.identity.find_project("demo", domain_id="default").id
    flavor = admin_conn.compute.create_flavor(name=f"nova-private-{uuid.uuid4().hex[:10]}",
                                              vcpus=1, ram=64, disk=1, is_public=False)
    try:
        admin_conn.compute.flavor_add_tenant_access(flavor.id, throwaway["project"].id)
        member = login(Client(), throwaway["user"].name, throwaway["password"])
        demo = keystone_client("demo", Client())
        admin = keystone_client("admin", Client())
        # The granted project's launch form lists (and caches) it; demo's does not.
        assert flavor.id in launch_flavor_ids(member)
        assert flavor.id not in launch_flavor_ids(demo)
        assert flavor.id not in launch_flavor_ids(demo)  # from demo's own cache entry
        # Granting demo access shows it on demo's (cached) launch form at once ...
        access = f"/manage/flavors/{flavor.id}/access/"
        assert admin.post(access, {"project": demo_id}).status_code == 302
        assert flavor.id in launch_flavor_ids(demo)
        # ... and taking the other project's away hides it from that project at once.
        removed = admin.post(f"{access}{throwaway['project'].id}/remove/")
        assert removed.status_code == 302
        assert flavor.id not in launch_flavor_ids(member)
        assert flavor.id in launch_flavor_ids(demo)
    finally:
        admin_conn.compute.delete_flavor(flavor.id, ignore_missing=True)
    assert admin_conn.compute.find_flavor(flavor.name, is_public=None) is None
