"""Cloud-admin pages against the real OpenStack test cloud (Nova, Cinder, Keystone).

The cloud is shared with other suites: servers, volumes and flavors made
here have unique names and are deleted; the one nova-compute is re-enabled
in ``finally`` right after a test disables it.
"""

import time
import uuid
from collections import Counter

import pytest
from django.urls import reverse
from openstack import exceptions as sdk_exceptions

from django_nova.clouds.calls import cloud_call
from django_nova.models import AuditEntry
from tests.helpers import messages_of, wait_for

pytestmark = pytest.mark.openstack

IMAGE = "cirros-test"
FLAVOR = "m1.tiny"
HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"

PAGES = ["django_nova:admin-instances", "django_nova:admin-volumes",
         "django_nova:admin-flavors", "django_nova:admin-hypervisors",
         "django_nova:admin-flavor-create"]


def unique(prefix="ca"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def ids(os_conn):
    conn = os_conn("demo")
    image = next(i for i in conn.image.images() if i.name == IMAGE)
    return {"image": image.id, "flavor": conn.compute.find_flavor(FLAVOR).id}


@pytest.fixture
def make_server(os_conn, ids):
    """Servers in a test user's project, deleted afterwards."""
    made = []

    def make(user="demo", name=None, wait=True):
        conn = os_conn(user)
        server = conn.compute.create_server(name=name or unique(f"ca-{user}"),
                                            image_id=ids["image"], flavor_id=ids["flavor"],
                                            networks="none")
        made.append((conn, server.id))
        if wait:
            conn.compute.wait_for_server(server, wait=120)
        return server
    yield make
    for conn, server_id in made:
        conn.compute.delete_server(server_id, ignore_missing=True)


@pytest.fixture
def admin(keystone_client, client):
    keystone_client("admin")
    return client


def volume_gone(conn, volume_id):
    try:
        return conn.block_storage.get_volume(volume_id).status == "deleted"
    except sdk_exceptions.NotFoundException:
        return True


def status_of(conn, server_id):
    server = conn.compute.find_server(server_id)
    return server.status if server else "DELETED"


@pytest.mark.parametrize("name", PAGES)
def test_member_gets_403_and_admin_200(keystone_client, client, name):
    keystone_client("demo")
    assert client.get(reverse(name)).status_code == 403
    client.logout()
    keystone_client("admin")
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "Not on this cloud" not in response.content.decode()


def test_all_instances_of_demo_and_alt_with_project_names(admin, make_server):
    demo = make_server("demo")
    alt = make_server("alt")
    response = admin.get(reverse("django_nova:admin-instances"))
    assert response.status_code == 200
    rows = {r.instance.id: r for r in response.context["page"].rows}
    # Other suites share the cloud: look for ours among everyone's.
    if demo.id not in rows or alt.id not in rows:
        pytest.skip("more servers on the cloud than fit one page right now")
    assert rows[demo.id].project_name == "demo" and rows[alt.id].project_name == "alt"
    assert rows[demo.id].instance.image and rows[demo.id].instance.image.name == IMAGE
    html = response.content.decode()
    assert demo.name in html and alt.name in html
    assert 'id="per-project-note"' not in html


def test_project_filter_keeps_one_project(admin, make_server, os_conn):
    alt = make_server("alt")
    make_server("demo")
    alt_project = os_conn("alt").compute.get_server(alt.id).project_id
    page = admin.get(reverse("django_nova:admin-instances"),
                     {"project": alt_project}).context["page"]
    assert alt.id in {r.instance.id for r in page.rows}
    assert {r.project_name for r in page.rows} == {"alt"}


def test_calls_stay_constant_as_projects_and_servers_grow(admin, make_server):
    seen = []

    def record(sender, operation, **_):
        seen.append(operation)

    def page_calls():
        admin.get(reverse("django_nova:admin-instances"))
        seen.clear()
        assert admin.get(reverse("django_nova:admin-instances")).status_code == 200
        return Counter(seen)

    cloud_call.connect(record, weak=False)
    try:
        make_server("demo")
        with_one_project = page_calls()
        for user in ("alt", "demo", "alt"):
            make_server(user, wait=False)
        with_two_projects = page_calls()
    finally:
        cloud_call.disconnect(record)
    # Servers of every project (one page), project names, then the page's images.
    assert sum(with_one_project.values()) == 3, with_one_project
    assert with_one_project == with_two_projects


def test_admin_stops_and_terminates_another_projects_server(admin, make_server, os_conn):
    alt_conn = os_conn("alt")
    server = make_server("alt")
    owner = alt_conn.compute.get_server(server.id).project_id
    list_url = reverse("django_nova:admin-instances")
    response = admin.post(reverse("django_nova:admin-instance-action",
                                  args=[owner, server.id, "stop"]), {"next": list_url})
    assert response.status_code == 302, messages_of(response)
    assert any("stop" in m for m in messages_of(response))
    wait_for(lambda: status_of(alt_conn, server.id) == "SHUTOFF", timeout=60)

    terminate = reverse("django_nova:admin-instance-terminate", args=[owner, server.id])
    confirm = admin.get(terminate)
    assert confirm.status_code == 200 and server.name in confirm.content.decode()
    assert status_of(alt_conn, server.id) == "SHUTOFF"
    assert admin.post(terminate).status_code == 302
    wait_for(lambda: status_of(alt_conn, server.id) == "DELETED", timeout=60)


def test_all_volumes_of_demo_and_alt(admin, os_conn):
    made = []
    try:
        for user in ("demo", "alt"):
            conn = os_conn(user)
            volume = conn.block_storage.create_volume(size=1, name=unique(f"ca-vol-{user}"))
            made.append((user, conn, volume))
        for _, conn, volume in made:
            conn.block_storage.wait_for_status(volume, "available", wait=60)
        response = admin.get(reverse("django_nova:admin-volumes"))
        assert response.status_code == 200
        rows = {r.volume.id: r for r in response.context["page"].rows}
        for user, _, volume in made:
            if volume.id not in rows:
                pytest.skip("more volumes on the cloud than fit one page right now")
            assert rows[volume.id].project_name == user
            assert volume.name in response.content.decode()
        # The admin deletes alt's volume, after confirming.
        _, alt_conn, alt_volume = made[1]
        owner = rows[alt_volume.id].project_id
        delete = reverse("django_nova:admin-volume-delete", args=[owner, alt_volume.id])
        assert alt_volume.name in admin.get(delete).content.decode()
        assert admin.post(delete).status_code == 302
        wait_for(lambda: volume_gone(alt_conn, alt_volume.id), timeout=60)
    finally:
        for _, conn, volume in made:
            conn.block_storage.delete_volume(volume.id, ignore_missing=True)


@pytest.fixture
def flavor_name(os_conn):
    """A unique flavor name; a flavor left with it is deleted afterwards."""
    conn = os_conn("admin")
    name = unique("ca-flavor")
    yield name
    leftover = conn.compute.find_flavor(name, is_public=None)
    if leftover:
        conn.compute.delete_flavor(leftover.id, ignore_missing=True)


def test_flavor_create_access_and_delete(admin, os_conn, flavor_name):
    conn = os_conn("admin")
    name = flavor_name
    invalid = admin.post(reverse("django_nova:admin-flavor-create"),
                         {"name": name, "vcpus": 0, "ram_mb": 256, "disk_gb": 1})
    assert invalid.status_code == 200 and invalid.context["form"].errors["vcpus"]
    assert conn.compute.find_flavor(name) is None

    created = admin.post(reverse("django_nova:admin-flavor-create"),
                         {"name": name, "vcpus": 2, "ram_mb": 256, "disk_gb": 1})
    flavor = conn.compute.find_flavor(name, is_public=None)
    assert flavor is not None and not flavor.is_public
    assert (flavor.vcpus, flavor.ram, flavor.disk) == (2, 256, 1)
    access_url = reverse("django_nova:admin-flavor-access", args=[flavor.id])
    assert created.status_code == 302 and created["Location"] == access_url
    entry = AuditEntry.objects.latest("created_at")
    assert (entry.action, entry.target) == ("flavor.create", flavor.id)

    listed = admin.get(reverse("django_nova:admin-flavors"))
    assert name in listed.content.decode()
    assert any(f.id == flavor.id and not f.is_public for f in listed.context["flavors"])

    duplicate = admin.post(reverse("django_nova:admin-flavor-create"),
                           {"name": name, "vcpus": 1, "ram_mb": 128, "disk_gb": 1})
    assert duplicate.status_code == 200, duplicate
    assert duplicate.context["form"].errors.get("name"), duplicate.context["form"].errors

    alt_id = next(p.id for p in conn.identity.projects() if p.name == "alt")
    page = admin.get(access_url)
    assert alt_id in {p.id for p in page.context["access"].available}
    added = admin.post(access_url, {"project": alt_id})
    assert added.status_code == 302
    assert alt_id in {a["tenant_id"] for a in conn.compute.get_flavor_access(flavor.id)}
    page = admin.get(access_url)
    assert [p.name for p in page.context["access"].granted] == ["alt"]
    # alt now sees the flavor; demo does not.
    assert os_conn("alt").compute.find_flavor(name) is not None
    assert os_conn("demo").compute.find_flavor(name) is None

    removed = admin.post(reverse("django_nova:admin-flavor-access-remove",
                                 args=[flavor.id, alt_id]))
    assert removed.status_code == 302
    assert conn.compute.get_flavor_access(flavor.id) == []

    delete = reverse("django_nova:admin-flavor-delete", args=[flavor.id])
    assert name in admin.get(delete).content.decode()
    assert admin.post(delete).status_code == 302
    assert conn.compute.find_flavor(name, is_public=None) is None


def test_public_flavor_create_and_delete(admin, os_conn, flavor_name):
    conn = os_conn("admin")
    name = flavor_name
    created = admin.post(reverse("django_nova:admin-flavor-create"),
                         {"name": name, "vcpus": 1, "ram_mb": 128, "disk_gb": 0,
                          "is_public": "on"})
    assert created["Location"] == reverse("django_nova:admin-flavors")
    flavor = conn.compute.find_flavor(name)
    assert flavor.is_public
    assert os_conn("demo").compute.find_flavor(name) is not None
    access = admin.get(reverse("django_nova:admin-flavor-access", args=[flavor.id]))
    assert "public" in access.content.decode() and "admin-form" not in access.content.decode()
    admin.post(reverse("django_nova:admin-flavor-delete", args=[flavor.id]))
    assert conn.compute.find_flavor(name) is None


def test_hypervisors_and_services_page(admin):
    response = admin.get(reverse("django_nova:admin-hypervisors"))
    assert response.status_code == 200
    hosts = response.context["hosts"]
    assert hosts.hypervisors and hosts.hypervisors[0].vcpus
    assert hosts.hypervisors[0].memory_mb_used is not None
    binaries = {s.binary for s in hosts.services}
    assert {"nova-compute", "nova-scheduler", "nova-conductor"} <= binaries
    html = response.content.decode()
    assert 'id="nav-admin-flavors"' in html and 'id="nav-admin-hypervisors"' in html


def test_disable_and_enable_the_compute_service(admin, os_conn):
    conn = os_conn("admin")
    compute = next(s for s in conn.compute.services() if s.binary == "nova-compute")
    disable = reverse("django_nova:admin-compute-service-disable", args=[compute.id])
    form = admin.get(disable)
    assert form.status_code == 200 and "nova-compute" in form.content.decode()
    reason = f"maintenance {time.monotonic_ns()}"
    try:
        response = admin.post(disable, {"reason": reason})
        after = next(s for s in conn.compute.services() if s.id == compute.id)
        assert response.status_code == 302, messages_of(response)
        assert (after.status, after.disabled_reason) == ("disabled", reason)
    finally:
        enabled = admin.post(reverse("django_nova:admin-compute-service-enable",
                                     args=[compute.id]))
        restored = next(s for s in conn.compute.services() if s.id == compute.id)
        if restored.status != "enabled":
            conn.compute.enable_service(compute.id)
    assert enabled.status_code == 302
    assert restored.status == "enabled"
    page = admin.get(reverse("django_nova:admin-hypervisors")).content.decode()
    assert f'id="service-{compute.id}" data-status="enabled"' in page


def test_disable_reason_is_validated(admin, os_conn):
    conn = os_conn("admin")
    compute = next(s for s in conn.compute.services() if s.binary == "nova-compute")
    try:
        response = admin.post(reverse("django_nova:admin-compute-service-disable",
                                      args=[compute.id]), {"reason": "x" * 300})
        assert response.status_code == 200 and response.context["form"].errors["reason"]
    finally:
        if next(s for s in conn.compute.services() if s.id == compute.id).status != "enabled":
            conn.compute.enable_service(compute.id)
    assert next(s for s in conn.compute.services() if s.id == compute.id).status == "enabled"


def test_hostile_names_are_escaped(admin, make_server, os_conn):
    conn = os_conn("admin")
    server = make_server("demo", name=HOSTILE)
    flavor = conn.compute.create_flavor(name=f"{HOSTILE}{uuid.uuid4().hex[:6]}", vcpus=1,
                                        ram=64, disk=0, is_public=False)
    try:
        pages = [reverse("django_nova:admin-instances"), reverse("django_nova:admin-flavors"),
                 reverse("django_nova:admin-flavor-access", args=[flavor.id]),
                 reverse("django_nova:admin-instance-terminate",
                         args=[conn.compute.get_server(server.id).project_id, server.id])]
        for url in pages:
            html = admin.get(url).content.decode()
            assert HOSTILE not in html, url
            assert ESCAPED in html, url
    finally:
        conn.compute.delete_flavor(flavor.id, ignore_missing=True)


def test_a_failing_nova_gives_a_readable_page(admin, monkeypatch):
    from django_nova.clouds.openstack.admin import OpenStackComputeAdmin
    from django_nova.exceptions import Unavailable

    def down(self):
        raise Unavailable("Nova did not answer.")

    monkeypatch.setattr(OpenStackComputeAdmin, "list_hypervisors", down)
    response = admin.get(reverse("django_nova:admin-hypervisors"))
    assert response.status_code == 503
    assert "Nova did not answer." in response.content.decode()
