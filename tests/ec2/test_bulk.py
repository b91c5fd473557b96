"""Bulk instance actions: one confirmation, then a result per instance."""


def test_bulk_stop_asks_once_then_reports_each(member_client, launch, cloud):
    ids = launch(count=3, name="fleet")
    confirm = member_client.post("/instances/bulk/", {"action": "stop", "ids": ids})
    assert confirm.status_code == 200 and b"Stop 3 instances?" in confirm.content
    assert {cloud.compute.get_instance(i).state for i in ids} == {"running"}
    done = member_client.post("/instances/bulk/", {"action": "stop", "ids": ids,
                                                   "confirmed": "1"})
    assert [error for _, error in done.context["results"]] == ["", "", ""]
    assert {cloud.compute.get_instance(i).state for i in ids} <= {"stopping", "stopped"}


def test_bulk_terminate_gives_a_result_per_item(member_client, launch, cloud):
    (mine,) = launch(name="doomed")
    missing = "i-0123456789abcdef0"
    done = member_client.post("/instances/bulk/", {"action": "terminate",
                                                   "ids": [mine, missing], "confirmed": "1"})
    results = dict(done.context["results"])
    assert results[mine] == "" and "does not exist" in results[missing]
    assert cloud.compute.get_instance(mine).state in {"shutting-down", "terminated"}
    html = done.content.decode()
    assert html.count('data-result="ok"') == 1 and html.count('data-result="failed"') == 1


def test_bulk_refuses_unknown_actions_and_empty_selections(member_client, launch):
    (instance_id,) = launch()
    assert member_client.post("/instances/bulk/", {"action": "resize",
                                                   "ids": [instance_id]}).status_code == 404
    assert member_client.post("/instances/bulk/", {"action": "explode",
                                                   "ids": [instance_id]}).status_code == 404
    empty = member_client.post("/instances/bulk/", {"action": "stop"}, follow=True)
    assert b"Select at least one instance" in empty.content


def test_bulk_cannot_touch_another_projects_instances(client, make_user, make_project, launch,
                                                      cloud):
    (instance_id,) = launch()
    intruder = make_user("mallory")
    make_project("gamma", intruder)
    client.force_login(intruder)
    done = client.post("/instances/bulk/", {"action": "terminate", "ids": [instance_id],
                                            "confirmed": "1"})
    assert dict(done.context["results"])[instance_id]
    assert cloud.compute.get_instance(instance_id).state == "running"


def test_bulk_delete_key_pairs(member_client, cloud):
    for name in ("a", "b", "c"):
        cloud.key_pairs.create_key_pair(name, "ed25519")
    confirm = member_client.post("/keypairs/delete/", {"ids": ["a", "b"]})
    assert b"Delete 2 key pairs?" in confirm.content
    assert [k.name for k in cloud.key_pairs.list_key_pairs()] == ["a", "b", "c"]
    done = member_client.post("/keypairs/delete/", {"ids": ["a", "b", "zz"], "confirmed": "1"})
    results = dict(done.context["results"])
    assert results["a"] == results["b"] == "" and "no key pair named zz" in results["zz"]
    assert [k.name for k in cloud.key_pairs.list_key_pairs()] == ["c"]


def test_bulk_delete_volumes_refuses_attached_ones(member_client, cloud, launch):
    from django_nova.resources import VolumeSpec

    (instance_id,) = launch()
    free, busy = (cloud.volumes.create_volume(VolumeSpec(name=name, size_gb=1,
                                                         availability_zone="us-east-1a"))
                  for name in ("free", "busy"))
    cloud.volumes.attach_volume(busy.id, instance_id, "/dev/sdf")
    done = member_client.post("/volumes/delete/", {"ids": [free.id, busy.id], "confirmed": "1"})
    results = dict(done.context["results"])
    assert results[free.id] == "" and "detach it first" in results[busy.id]
    assert {v.name for v in cloud.volumes.list_volumes() if v.name} == {"busy"}


def test_bulk_delete_snapshots(member_client, cloud):
    from django_nova.resources import VolumeSpec

    volume = cloud.volumes.create_volume(VolumeSpec(name="v", size_gb=1,
                                                    availability_zone="us-east-1a"))
    snaps = [cloud.volumes.create_snapshot(volume.id, f"s{n}", "").id for n in range(2)]
    member_client.post("/volumes/snapshots/delete/", {"ids": snaps, "confirmed": "1"})
    assert not {s.id for s in cloud.volumes.list_snapshots()} & set(snaps)
    empty = member_client.post("/volumes/snapshots/delete/", {}, follow=True)
    assert b"Select at least one snapshot" in empty.content
