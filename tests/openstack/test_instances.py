"""Instances, key pairs, flavors and images through the views, against the real OpenStack
test cloud (Nova, Glance).

Users log in through the login form with their Keystone credentials; every
check goes through the views and then against the cloud itself.  Keystone login
and sessions: tests/openstack/test_login.py.
"""

import time

import pytest

from tests.data import ED25519_KEY
from tests.helpers import messages_of, wait_for

pytestmark = pytest.mark.openstack

IMAGE = "cirros-test"
FLAVOR = "m1.tiny"


def server_status(conn, server_id):
    server = conn.compute.find_server(server_id)
    return server.status if server else "DELETED"


@pytest.fixture
def ids(os_conn):
    conn = os_conn("demo")
    image = next(i for i in conn.image.images() if i.name == IMAGE)
    flavor = conn.compute.find_flavor(FLAVOR)
    return {"image": image.id, "flavor": flavor.id}


@pytest.fixture
def demo_server(os_conn, ids):
    """A server in project demo, deleted afterwards."""
    conn = os_conn("demo")
    server = conn.compute.create_server(name=f"nova-test-{time.monotonic_ns()}",
                                        image_id=ids["image"], flavor_id=ids["flavor"],
                                        networks="none")
    conn.compute.wait_for_server(server, wait=120)
    yield server
    conn.compute.delete_server(server.id, ignore_missing=True)


@pytest.fixture(scope="module")
def module_server(openstack_cloud):
    """One server in project demo for this module's tests that leave it as they found it
    (each build costs Nova seconds, and CI runs the module twice)."""
    import openstack.connection
    from openstack.config import OpenStackConfig

    conn = openstack.connection.Connection(config=OpenStackConfig(
        config_files=[openstack_cloud["clouds_yaml"]]).get_one(cloud="test-demo"))
    image = next(i for i in conn.image.images() if i.name == IMAGE)
    server = conn.compute.create_server(
        name=f"nova-test-shared-{time.monotonic_ns()}", image_id=image.id,
        flavor_id=conn.compute.find_flavor(FLAVOR).id, networks="none")
    conn.compute.wait_for_server(server, wait=120)
    yield conn, server
    conn.compute.delete_server(server.id, ignore_missing=True)
    conn.compute.wait_for_delete(server, wait=120)  # gone before the next module counts


@pytest.fixture
def shared_server(module_server):
    """The module's server, settled before each test: ACTIVE, no task, not locked."""
    conn, server = module_server

    def settled():
        found = conn.compute.get_server(server.id)
        return found.status == "ACTIVE" and found.task_state is None and not found.is_locked
    wait_for(settled, timeout=120)
    return server


def test_launch_watch_and_delete_through_the_views(keystone_client, client, os_conn, ids):
    keystone_client("demo")
    form = client.get("/instances/launch/").context["form"]
    assert ids["image"] in dict(form.fields["image"].choices)
    assert ids["flavor"] in dict(form.fields["instance_type"].choices)
    response = client.post("/instances/launch/", {
        "name": "view-launched", "image": ids["image"], "instance_type": ids["flavor"],
        "count": 1, "user_data": "#cloud-config\n"})
    assert response.status_code == 302, response.context["form"].errors
    conn = os_conn("demo")
    server = next(s for s in conn.compute.servers() if s.name == "view-launched")
    try:
        wait_for(lambda: server_status(conn, server.id) == "ACTIVE")
        listing = client.get("/instances/")
        row = next(i for i in listing.context["instances"] if i.id == server.id)
        assert row.state == "running" and row.instance_type == FLAVOR
        assert row.image and row.image.name == IMAGE
        detail = client.get(f"/instances/{server.id}/")
        assert detail.status_code == 200 and b"view-launched" in detail.content
        console = client.get(f"/instances/{server.id}/console/")
        assert console.status_code == 200 and console.context["output"].strip()
        client.post(f"/instances/{server.id}/terminate/")
        wait_for(lambda: server_status(conn, server.id) == "DELETED")
    finally:
        conn.compute.delete_server(server.id, ignore_missing=True)


def test_launch_of_several_returns_each_named_apart(keystone_client, client, os_conn, ids):
    """Nova answers a multiple create with its first server; the page names them all."""
    keystone_client("demo")
    conn = os_conn("demo")
    name = f"nova-test-multi-{time.monotonic_ns()}"
    response = client.post("/instances/launch/", {
        "name": name, "image": ids["image"], "instance_type": ids["flavor"], "count": 3})
    made = [s for s in conn.compute.servers() if s.name.startswith(name)]
    try:
        assert response.status_code == 302, response.context["form"].errors
        assert sorted(s.name for s in made) == [f"{name}-1", f"{name}-2", f"{name}-3"]
        (message,) = messages_of(response)
        assert all(s.id in message for s in made), message
    finally:
        for server in made:
            conn.compute.delete_server(server.id, ignore_missing=True)
        for server in made:
            wait_for(lambda s=server: server_status(conn, s.id) == "DELETED")


def test_launch_skips_a_network_without_a_subnet(keystone_client, client, os_conn, ids):
    """An empty network beside demo-net: Nova would refuse the launch if it were chosen."""
    keystone_client("demo")
    conn = os_conn("demo")
    empty = conn.network.create_network(name=f"nova-test-empty-{time.monotonic_ns()}")
    server = None
    try:
        response = client.post("/instances/launch/", {
            "name": "beside-empty", "image": ids["image"], "instance_type": ids["flavor"],
            "count": 1})
        assert response.status_code == 302, response.context["form"].errors
        server = next(s for s in conn.compute.servers() if s.name == "beside-empty")
        wait_for(lambda: server_status(conn, server.id) == "ACTIVE")
        ports = list(conn.network.ports(device_id=server.id))
        assert [p.network_id for p in ports] == [conn.network.find_network("demo-net").id]
    finally:
        if server:
            conn.compute.delete_server(server.id, ignore_missing=True)
            wait_for(lambda: server_status(conn, server.id) == "DELETED")
        conn.network.delete_network(empty, ignore_missing=True)


@pytest.mark.parametrize("action, settled", [
    ("stop", "SHUTOFF"),
    ("reboot", "ACTIVE"),
    ("hard-reboot", "ACTIVE"),
    ("pause", "PAUSED"),
    ("suspend", "SUSPENDED"),
])
def test_instance_actions(keystone_client, client, os_conn, shared_server, action, settled):
    keystone_client("demo")
    conn = os_conn("demo")
    # Each of these interrupts the workload: the menu's link asks first.
    confirm = client.get(f"/instances/{shared_server.id}/{action}/")
    assert confirm.status_code == 200 and f'id="confirm-{action}"' in confirm.content.decode()
    assert server_status(conn, shared_server.id) == "ACTIVE"
    response = client.post(f"/instances/{shared_server.id}/{action}/")
    assert response.status_code == 302
    assert not [m for m in messages_of(response) if m.startswith("Could not")]
    wait_for(lambda: server_status(conn, shared_server.id) == settled)
    undo = {"stop": "start", "pause": "unpause", "suspend": "resume"}.get(action)
    if undo:
        offered = [a.name for a in client.get(f"/instances/{shared_server.id}/row/")
                   .context["instance"].actions]
        assert undo in offered
        client.post(f"/instances/{shared_server.id}/{undo}/")
        wait_for(lambda: server_status(conn, shared_server.id) == "ACTIVE")


def test_lock_and_unlock(keystone_client, client, os_conn, shared_server):
    keystone_client("demo")
    conn = os_conn("demo")
    client.post(f"/instances/{shared_server.id}/lock/")
    assert conn.compute.get_server(shared_server.id).is_locked
    instance = client.get(f"/instances/{shared_server.id}/row/").context["instance"]
    assert [a.name for a in instance.actions] == ["unlock"]
    client.post(f"/instances/{shared_server.id}/unlock/")
    assert not conn.compute.get_server(shared_server.id).is_locked


def test_key_pairs(keystone_client, client, os_conn):
    keystone_client("demo")
    conn = os_conn("demo")
    try:
        created = client.post("/keypairs/create/", {"name": "nova-test-key", "key_type": "ed25519"})
        assert created.status_code == 200 and b"PRIVATE KEY" in created.content
        assert conn.compute.find_keypair("nova-test-key") is not None
        assert b"nova-test-key" in client.get("/keypairs/").content
        client.post("/keypairs/nova-test-key/delete/")
        assert conn.compute.find_keypair("nova-test-key") is None
    finally:
        conn.compute.delete_keypair("nova-test-key", ignore_missing=True)


def test_images_page_lists_glance_images(keystone_client, client, ids):
    keystone_client("demo")
    images = client.get("/images/").context["images"]
    assert ids["image"] in {i.id for i in images}


def test_other_projects_server_is_invisible_also_by_url(keystone_client, client, os_conn,
                                                        shared_server):
    keystone_client("alt")
    listing = client.get("/instances/")
    assert shared_server.id not in {i.id for i in listing.context["instances"]}
    for url in (f"/instances/{shared_server.id}/", f"/instances/{shared_server.id}/console/",
                f"/instances/{shared_server.id}/terminate/"):
        assert client.get(url).status_code == 404, url
    client.post(f"/instances/{shared_server.id}/stop/")
    client.post(f"/instances/{shared_server.id}/terminate/")
    assert server_status(os_conn("demo"), shared_server.id) == "ACTIVE"


def test_instances_page_calls_do_not_grow(keystone_client, client, os_conn, ids):
    from collections import Counter

    from django_nova.clouds.calls import cloud_call

    keystone_client("demo")
    calls = []

    def record(sender, operation, **_):
        calls.append(operation)

    conn = os_conn("demo")
    created = []
    cloud_call.connect(record, weak=False)
    try:
        def page_calls():
            client.get("/instances/")
            calls.clear()
            client.get("/instances/")
            return Counter(calls)
        created.append(conn.compute.create_server(name="count-1", image_id=ids["image"],
                                                  flavor_id=ids["flavor"], networks="none"))
        with_one = page_calls()
        for n in range(3):
            created.append(conn.compute.create_server(name=f"count-{n + 2}",
                                                      image_id=ids["image"],
                                                      flavor_id=ids["flavor"], networks="none"))
        with_four = page_calls()
        assert with_one == with_four
        # One page of servers; the images they use were named (by id) on the warm-up
        # view and are cached.
        assert sum(with_one.values()) == 1, with_one
    finally:
        cloud_call.disconnect(record)
        for server in created:
            conn.compute.delete_server(server.id, ignore_missing=True)


def test_resize_then_confirm_or_revert(keystone_client, client, os_conn, demo_server):
    keystone_client("demo")
    conn = os_conn("demo")
    small = conn.compute.find_flavor("m1.small")
    form = client.get(f"/instances/{demo_server.id}/resize/").context["form"]
    assert small.id in dict(form.fields["choice"].choices)
    assert FLAVOR not in dict(form.fields["choice"].choices).values()
    for finish, flavor in (("revert-resize", FLAVOR), ("confirm-resize", "m1.small")):
        response = client.post(f"/instances/{demo_server.id}/resize/", {"choice": small.id})
        assert response.status_code == 302
        wait_for(lambda: server_status(conn, demo_server.id) == "VERIFY_RESIZE", timeout=120)
        offered = [a.name for a in client.get(f"/instances/{demo_server.id}/row/")
                   .context["instance"].actions]
        assert offered == ["confirm-resize", "revert-resize"]
        client.post(f"/instances/{demo_server.id}/{finish}/")
        wait_for(lambda: server_status(conn, demo_server.id) == "ACTIVE", timeout=120)
        assert conn.compute.get_server(demo_server.id).flavor["original_name"] == flavor


def test_rebuild(keystone_client, client, os_conn, shared_server, ids):
    keystone_client("demo")
    conn = os_conn("demo")
    response = client.post(f"/instances/{shared_server.id}/rebuild/", {"choice": ids["image"]})
    assert response.status_code == 302
    wait_for(lambda: conn.compute.get_server(shared_server.id).status == "ACTIVE"
             and conn.compute.get_server(shared_server.id).task_state is None, timeout=120)
    bad = client.post(f"/instances/{shared_server.id}/rebuild/", {"choice": "not-an-image"})
    assert bad.status_code == 200 and bad.context["form"].errors["choice"]


def test_shelve_and_unshelve(keystone_client, client, os_conn, shared_server):
    keystone_client("demo")
    conn = os_conn("demo")
    client.post(f"/instances/{shared_server.id}/shelve/")
    wait_for(lambda: server_status(conn, shared_server.id).startswith("SHELVED"), timeout=120)
    row = client.get(f"/instances/{shared_server.id}/row/").context["instance"]
    assert row.state == "shelved" and "unshelve" in [a.name for a in row.actions]
    client.post(f"/instances/{shared_server.id}/unshelve/")
    wait_for(lambda: server_status(conn, shared_server.id) == "ACTIVE", timeout=120)


def test_import_key_pair(keystone_client, client, os_conn):
    keystone_client("demo")
    conn = os_conn("demo")
    try:
        response = client.post("/keypairs/import/", {"name": "nova-test-import",
                                                     "public_key": ED25519_KEY})
        assert response.status_code == 302
        assert conn.compute.find_keypair("nova-test-import").public_key.startswith("ssh-ed25519")
        duplicate = client.post("/keypairs/import/", {"name": "nova-test-import",
                                                      "public_key": ED25519_KEY})
        assert duplicate.status_code == 200 and duplicate.context["form"].errors
    finally:
        conn.compute.delete_keypair("nova-test-import", ignore_missing=True)


def test_flavors_page(keystone_client, client):
    keystone_client("demo")
    response = client.get("/flavors/")
    assert response.status_code == 200
    assert {t.name for t in response.context["instance_types"]} >= {"m1.tiny", "m1.small"}
    assert b"Flavors" in response.content


def test_metadata_labels_and_tag_filter(keystone_client, client, os_conn, shared_server):
    keystone_client("demo")
    conn = os_conn("demo")
    page = f"/instances/{shared_server.id}/"
    client.post(page, {"op": "set-tag", "key": "role", "value": "db"})
    assert conn.compute.get_server(shared_server.id).metadata["role"] == "db"
    client.post(page, {"op": "add-label", "label": "blue"})
    assert "blue" in conn.compute.get_server(shared_server.id).tags
    html = client.get(page).content.decode()
    assert "Metadata" in html and "role" in html and "blue" in html
    filtered = client.get("/instances/?tag=blue").context["instances"]
    assert [i.id for i in filtered] == [shared_server.id]
    assert client.get("/instances/?tag=green").context["instances"] == []
    bad = client.post(page, {"op": "add-label", "label": "a/b"})
    assert bad.status_code == 400 and bad.context["label_form"].errors["label"]
    client.post(page, {"op": "remove-label", "label": "blue"})
    client.post(page, {"op": "delete-tag", "key": "role"})
    server = conn.compute.get_server(shared_server.id)
    assert "blue" not in server.tags and "role" not in server.metadata


def test_launch_more_like_this_uses_flavor_ids(keystone_client, client, shared_server, ids):
    keystone_client("demo")
    form = client.get(f"/instances/launch/?like={shared_server.id}").context["form"]
    assert form.initial["instance_type"] == ids["flavor"]
    assert form.initial["image"] == ids["image"]


def test_own_glance_images_snapshot_edit_delete(keystone_client, client, os_conn, shared_server):
    keystone_client("demo")
    conn = os_conn("demo")
    response = client.post(f"/images/from-instance/{shared_server.id}/",
                           {"name": "nova-test-snapshot", "description": "snap"})
    assert response.status_code == 302
    # The fake virt cloud never uploads snapshot data, so the image stays queued; it is
    # still the project's own image to list, edit and delete.
    image = wait_for(lambda: next((i for i in conn.image.images()
                                   if i.name == "nova-test-snapshot"), None))
    try:
        listing = client.get("/images/").context["images"]
        assert listing[0].id == image.id and listing[0].is_own
        saved = client.post(f"/images/{image.id}/edit/", {"name": "nova-test-renamed",
                                                         "description": "edited"})
        assert messages_of(saved) == ["Saved image nova-test-renamed."]
        assert conn.image.get_image(image.id).name == "nova-test-renamed"
        public = client.post(f"/images/{image.id}/visibility/", {"public": "1"}, follow=True)
        assert any("Could not change" in m for m in messages_of(public))  # admin-only in Glance
        client.post(f"/images/{image.id}/delete/")
        wait_for(lambda: image.id not in {i.id for i in conn.image.images()})
    finally:
        conn.image.delete_image(image.id, ignore_missing=True)


def test_upload_image_to_glance(keystone_client, client, os_conn):
    from django.core.files.uploadedfile import SimpleUploadedFile

    keystone_client("demo")
    conn = os_conn("demo")
    data = b"\0" * (3 * 1024 * 1024)  # over Django's in-memory limit: spooled to disk
    bad = client.post("/images/upload/", {"name": "nova-test-upload", "disk_format": "floppy",
                                          "container_format": "bare", "min_disk_gb": 0,
                                          "min_ram_mb": 0,
                                          "file": SimpleUploadedFile("x.img", data)},
                      HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert bad.status_code == 400 and "disk_format" in bad.json()["errors"]
    response = client.post("/images/upload/", {
        "name": "nova-test-upload", "disk_format": "raw", "container_format": "bare",
        "min_disk_gb": 1, "min_ram_mb": 64, "file": SimpleUploadedFile("disk.raw", data)},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 200, response.content
    assert response.json() == {"redirect": "/images/"}
    image = next(i for i in conn.image.images() if i.name == "nova-test-upload")
    try:
        assert (image.status, image.size, image.min_disk, image.min_ram) == (
            "active", len(data), 1, 64)
        assert image.visibility == "private"
    finally:
        conn.image.delete_image(image.id, ignore_missing=True)


def test_search_is_novas_own_filter(keystone_client, client, shared_server):
    """Nova's name filter (a regular expression: the text is taken literally) and a
    lookup by id; another project's server is not found by its id."""
    keystone_client("demo")

    def found(text):
        response = client.get("/instances/", {"q": text})
        assert response.status_code == 200, response.content.decode()[:2000]
        return [i.id for i in response.context["instances"]]

    stamp = shared_server.name.rsplit("-", 1)[1]
    assert found(f"shared-{stamp}") == [shared_server.id]
    assert found(shared_server.id) == [shared_server.id]
    assert found(f"shared-{stamp}(") == []  # not a broken regular expression: no match
    assert found(".*") == []  # the text, not a pattern that matches everything
    assert found("00000000-0000-4000-8000-000000000000") == []
    html = client.get("/instances/", {"q": "no-such-name"}).content.decode()
    assert "No instances match “no-such-name”." in html
