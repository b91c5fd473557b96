"""Volumes and snapshots on the EC2 cloud (moto over HTTP), through the views."""

import pytest

from django_nova.resources import VolumeSpec
from tests.helpers import messages_of

HOSTILE = "<img src=x onerror=alert(1)>"



@pytest.fixture
def volumes(cloud):
    return cloud


def create(client, **fields):
    data = {"name": "data", "size_gb": 2, "availability_zone": "us-east-1a", **fields}
    response = client.post("/volumes/create/", data)
    assert response.status_code == 302, response.context["form"].errors
    return response


def named_volumes(cloud):
    """Volumes the test made (they have names; instances' root volumes have none)."""
    return [v for v in cloud.volumes.list_volumes() if v.name]


def only_volume(cloud):
    (volume,) = named_volumes(cloud)
    return volume


def our_snapshots(cloud):
    """Snapshots the test made (moto gives every account the seeded AMIs' snapshots too)."""
    return [s for s in cloud.volumes.list_snapshots()
            if not s.description.startswith("Auto-created")]


def test_create_list_edit_extend_delete(member_client, cloud):
    create(member_client, name="db-data", size_gb=5, volume_type="gp3",
           description="Postgres data")
    volume = only_volume(cloud)
    assert (volume.name, volume.size_gb, volume.volume_type, volume.description) == (
        "db-data", 5, "gp3", "Postgres data")
    page = member_client.get("/volumes/")
    assert page.status_code == 200 and b"db-data" in page.content and b"5 GB" in page.content

    member_client.post(f"/volumes/{volume.id}/edit/", {"name": "pg", "description": ""})
    edited = only_volume(cloud)
    assert edited.name == "pg" and edited.description == ""

    member_client.post(f"/volumes/{volume.id}/extend/", {"size_gb": 8})
    assert only_volume(cloud).size_gb == 8
    shrink = member_client.post(f"/volumes/{volume.id}/extend/", {"size_gb": 4})
    assert "only grows" in " ".join(shrink.context["form"].errors["size_gb"])

    assert member_client.get(f"/volumes/{volume.id}/delete/").status_code == 200
    member_client.post(f"/volumes/{volume.id}/delete/")
    assert named_volumes(cloud) == []


@pytest.mark.parametrize("field, value, error", [
    ("name", "", "required"),
    ("size_gb", "0", "greater than or equal to 1"),
    ("size_gb", "20000", "less than or equal to 16384"),
    ("availability_zone", "mars-1a", "Select a valid choice"),
    ("volume_type", "floppy", "Select a valid choice"),
])
def test_create_form_errors(member_client, cloud, field, value, error):
    data = {"name": "v", "size_gb": 1, "availability_zone": "us-east-1a", field: value}
    response = member_client.post("/volumes/create/", data)
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors[field])
    assert named_volumes(cloud) == []


def test_attach_detach_and_in_use_delete_is_refused(member_client, cloud, launch):
    (instance_id,) = launch(name="app")
    create(member_client, name="logs")
    volume = only_volume(cloud)
    form = member_client.get(f"/volumes/{volume.id}/attach/").context["form"]
    assert instance_id in dict(form.fields["instance"].choices)
    bad = member_client.post(f"/volumes/{volume.id}/attach/",
                             {"instance": instance_id, "device": "sdf; rm -rf"})
    assert bad.context["form"].errors["device"]
    member_client.post(f"/volumes/{volume.id}/attach/",
                       {"instance": instance_id, "device": "/dev/sdh"})
    attached = only_volume(cloud)
    assert [(a.instance_id, a.device) for a in attached.attachments] == [(instance_id, "/dev/sdh")]
    listing = member_client.get("/volumes/").content.decode()
    assert "app" in listing and "/dev/sdh" in listing

    refused = member_client.post(f"/volumes/{volume.id}/delete/", follow=True)
    assert any("attached to app" in m for m in messages_of(refused))
    assert only_volume(cloud).id == volume.id

    # Detaching asks first, saying where the volume is; asking changes nothing.
    confirm = member_client.get(f"/volumes/{volume.id}/detach/").content.decode()
    assert 'id="confirm-detach"' in confirm and "app on /dev/sdh" in confirm
    assert "unmount it inside the instance first" in confirm and "root device" not in confirm
    assert only_volume(cloud).attachments
    member_client.post(f"/volumes/{volume.id}/detach/")
    assert only_volume(cloud).attachments == ()
    member_client.post(f"/volumes/{volume.id}/delete/")
    assert named_volumes(cloud) == []


def root_volume(cloud, instance_id):
    return next(v for v in cloud.volumes.list_volumes()
                if any(a.instance_id == instance_id for a in v.attachments))


def test_root_device_is_not_detached_from_a_running_instance(member_client, cloud, launch):
    """As AWS refuses it: a running system keeps its root disk; a stopped one may give it
    up, with a warning that it cannot start without one."""
    (instance_id,) = launch(name="app")
    root = root_volume(cloud, instance_id)
    device = cloud.compute.get_instance(instance_id).root_device
    assert device and root.attachments[0].device == device

    confirm = member_client.get(f"/volumes/{root.id}/detach/").content.decode()
    assert 'id="detach-refusal"' in confirm and 'id="confirm-detach"' not in confirm
    assert f"{device} is the root device of app, which is running" in confirm
    refused = member_client.post(f"/volumes/{root.id}/detach/", follow=True)
    assert any(f"{device} is the root device of app" in m for m in messages_of(refused))
    assert root_volume(cloud, instance_id).id == root.id

    cloud.compute.instance_action("stop", [instance_id])
    confirm = member_client.get(f"/volumes/{root.id}/detach/").content.decode()
    assert 'id="confirm-warning"' in confirm and 'id="confirm-detach"' in confirm
    assert "cannot start again until a root volume is attached" in confirm
    member_client.post(f"/volumes/{root.id}/detach/")
    assert not any(v.attachments for v in cloud.volumes.list_volumes() if v.id == root.id)


def test_snapshots_and_volume_from_snapshot(member_client, cloud):
    create(member_client, name="source", size_gb=3)
    source = only_volume(cloud)
    member_client.post(f"/volumes/{source.id}/snapshot/", {"name": "nightly",
                                                          "description": "before upgrade"})
    (snapshot,) = our_snapshots(cloud)
    assert (snapshot.name, snapshot.volume_id, snapshot.size_gb) == ("nightly", source.id, 3)
    page = member_client.get("/volumes/snapshots/")
    assert b"nightly" in page.content

    member_client.post(f"/volumes/snapshots/{snapshot.id}/edit/", {"name": "weekly",
                                                                  "description": ""})
    assert cloud.volumes.get_snapshot(snapshot.id).name == "weekly"

    form = member_client.get(f"/volumes/create/?snapshot={snapshot.id}").context["form"]
    assert form.initial["snapshot"] == snapshot.id
    assert form.initial["size_gb"] == 3  # the snapshot's size, not 1 GB
    too_small = member_client.post("/volumes/create/", {
        "name": "copy", "size_gb": 2, "availability_zone": "us-east-1a",
        "snapshot": snapshot.id})
    assert "at least 3 GB" in " ".join(too_small.context["form"].errors["size_gb"])
    # The size left as offered (1 GB, the snapshot picked afterwards), or left empty:
    # the snapshot's size.
    create(member_client, name="copy", size_gb=1, snapshot=snapshot.id)
    create(member_client, name="copy-2", size_gb="", snapshot=snapshot.id)
    copies = {v.name: v for v in cloud.volumes.list_volumes() if v.name.startswith("copy")}
    assert {(v.snapshot_id, v.size_gb) for v in copies.values()} == {(snapshot.id, 3)}
    assert len(copies) == 2
    # An empty volume still needs its size.
    no_size = member_client.post("/volumes/create/", {
        "name": "empty", "size_gb": "", "availability_zone": "us-east-1a"})
    assert no_size.context["form"].errors["size_gb"]

    member_client.post(f"/volumes/snapshots/{snapshot.id}/delete/")
    assert our_snapshots(cloud) == []


def test_volumes_page_labels_attachments_in_one_call(member_client, cloud, launch):
    from collections import Counter

    from django_nova.clouds.calls import cloud_call

    instances = launch(count=3, name="node")
    for n in range(len(instances)):
        create(member_client, name=f"disk-{n}")
    for volume in named_volumes(cloud):
        cloud.volumes.attach_volume(volume.id, instances[int(volume.name[-1])], "/dev/sdf")
    calls = []

    def record(sender, operation, **_):
        calls.append(operation)

    cloud_call.connect(record, weak=False)
    try:
        member_client.get("/volumes/")
        calls.clear()
        page = member_client.get("/volumes/")
    finally:
        cloud_call.disconnect(record)
    assert Counter(calls) == Counter({"DescribeVolumes": 1, "DescribeInstances": 1})
    assert all(a.instance_name == "node" for v in page.context["volumes"]
               for a in v.attachments)


def test_other_projects_volume_is_not_found(client, make_user, make_project, member_client,
                                            cloud):
    create(member_client, name="mine")
    volume = only_volume(cloud)
    intruder = make_user("mallory")
    make_project("gamma", intruder)
    client.force_login(intruder)
    for url in (f"/volumes/{volume.id}/edit/", f"/volumes/{volume.id}/delete/",
                f"/volumes/{volume.id}/attach/", f"/volumes/{volume.id}/row/"):
        assert client.get(url).status_code == 404, url
    client.post(f"/volumes/{volume.id}/delete/")
    assert only_volume(cloud).id == volume.id


def test_hostile_names_are_escaped(member_client, cloud, ec2):
    create(member_client, name="x")
    volume = only_volume(cloud)
    ec2.create_tags(Resources=[volume.id], Tags=[{"Key": "Name", "Value": HOSTILE}])
    snapshot = cloud.volumes.create_snapshot(volume.id, HOSTILE, HOSTILE)
    for url in ("/volumes/", f"/volumes/{volume.id}/row/", f"/volumes/{volume.id}/edit/",
                f"/volumes/{volume.id}/delete/", "/volumes/snapshots/",
                f"/volumes/snapshots/{snapshot.id}/edit/",
                f"/volumes/snapshots/{snapshot.id}/delete/"):
        html = member_client.get(url).content.decode()
        assert HOSTILE not in html, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, url


def test_snapshots_are_only_the_projects_own(cloud):
    """moto answers OwnerIds=self with the public images' snapshots too; we list our own."""
    assert cloud.volumes.list_snapshots() == []
    volume = cloud.volumes.create_volume(VolumeSpec(name="v", size_gb=1,
                                             availability_zone="us-east-1a"))
    snapshot = cloud.volumes.create_snapshot(volume.id, "mine", "")
    assert [s.id for s in cloud.volumes.list_snapshots()] == [snapshot.id]
