"""The EC2 cloud against a real moto server over HTTP."""

import pytest
from django.db import connection

from django_nova.clouds import open_cloud
from django_nova.exceptions import Conflict, InvalidInput, NotFound, Unavailable
from django_nova.resources import LaunchSpec
from tests.data import ED25519_KEY, IMAGE_ID
from tests.helpers import cloud_settings


def test_launch_list_get_and_terminate(cloud):
    launched = cloud.compute.launch(LaunchSpec(name="web", image_id=IMAGE_ID,
                                        instance_type="t3.micro", count=2))
    # Told apart as Nova names them, in the cloud's Name tags too.
    assert [i.name for i in launched] == ["web-1", "web-2"]
    ids = {i.id for i in launched}
    listed = {i.id: i for i in cloud.compute.list_instances().items}
    assert ids <= set(listed)
    assert sorted(listed[i].tags["Name"] for i in ids) == ["web-1", "web-2"]
    one = cloud.compute.get_instance(launched[0].id)
    assert one.instance_type == "t3.micro"
    assert one.image_id == IMAGE_ID
    assert one.private_ips and one.availability_zone.startswith("us-east-1")
    assert one.launched_at is not None

    cloud.compute.instance_action("terminate", [one.id])
    assert one.id not in {i.id for i in cloud.compute.list_instances().items}
    shown = {i.id: i for i in cloud.compute.list_instances(include_terminated=True).items}
    assert shown[one.id].state in {"shutting-down", "terminated"}


def test_stop_start_reboot_change_state(cloud, launch):
    (instance_id,) = launch()
    cloud.compute.instance_action("stop", [instance_id])
    assert cloud.compute.get_instance(instance_id).state in {"stopping", "stopped"}
    cloud.compute.instance_action("start", [instance_id])
    assert cloud.compute.get_instance(instance_id).state in {"pending", "running"}
    cloud.compute.instance_action("reboot", [instance_id])
    assert cloud.compute.get_instance(instance_id).state == "running"


def test_unknown_action_is_refused(cloud, launch):
    (instance_id,) = launch()
    with pytest.raises(InvalidInput):
        cloud.compute.instance_action("explode", [instance_id])


def test_console_output_is_text(cloud, launch):
    (instance_id,) = launch()
    output = cloud.compute.console_output(instance_id)
    assert isinstance(output, str) and output.strip()


def test_pages_follow_the_marker(cloud, launch):
    for n in range(7):
        launch(name=f"vm-{n}")
    first = cloud.compute.list_instances(limit=5)
    assert first.next_marker
    second = cloud.compute.list_instances(marker=first.next_marker, limit=5)
    first_ids = {i.id for i in first.items}
    second_ids = {i.id for i in second.items}
    assert second_ids and not first_ids & second_ids
    assert len(first_ids | second_ids) == 7


def test_missing_instance_is_not_found(cloud):
    with pytest.raises(NotFound):
        cloud.compute.get_instance("i-0123456789abcdef0")


def test_cloud_validation_becomes_our_errors(cloud):
    with pytest.raises(NotFound):
        cloud.compute.launch(LaunchSpec(name="x", image_id="ami-12345678",
                                        instance_type="t3.micro"))
    with pytest.raises(NotFound):
        cloud.compute.launch(LaunchSpec(name="x", image_id=IMAGE_ID, instance_type="t9.enormous"))


def test_images_by_scope_and_by_id(cloud, ec2, launch):
    public = cloud.images.list_images("public")
    assert {i.name for i in public} >= {"CirrOS 0.6.3", "Ubuntu 24.04 LTS (Noble Numbat)"}
    assert all(i.is_public for i in public)
    assert cloud.images.list_images("own") == []
    (instance_id,) = launch()
    own_id = ec2.create_image(InstanceId=instance_id, Name="my-snapshot")["ImageId"]
    own = cloud.images.list_images("own")
    assert [i.id for i in own] == [own_id]
    assert own[0].owner_id == cloud.access.account_id
    got = cloud.images.get_images([own_id, IMAGE_ID, "ami-00000000000000000"])
    assert {i.id for i in got} == {own_id, IMAGE_ID}
    with pytest.raises(InvalidInput):
        cloud.images.list_images("everything")


def test_catalogs(cloud):
    types = cloud.compute.list_instance_types()
    assert [t.name for t in types][:2] == ["t3.nano", "t3.micro"]
    assert all(t.vcpus > 0 and t.memory_mib > 0 for t in types)
    assert {z.name for z in cloud.compute.list_availability_zones()} >= {"us-east-1a", "us-east-1b"}
    assert "default" in {g.name for g in cloud.security_groups.list_security_groups()}


def test_key_pairs_create_import_delete(cloud):
    created = cloud.key_pairs.create_key_pair("deploy", "ed25519")
    assert "PRIVATE KEY" in created.private_key
    assert "private_key" not in repr(created)
    imported = cloud.key_pairs.import_key_pair("laptop", ED25519_KEY)
    assert imported.fingerprint
    assert [k.name for k in cloud.key_pairs.list_key_pairs()] == ["deploy", "laptop"]
    with pytest.raises(Conflict):
        cloud.key_pairs.create_key_pair("deploy", "rsa")
    with pytest.raises(InvalidInput):
        cloud.key_pairs.import_key_pair("bad", "ssh-rsa not-a-key")
    cloud.key_pairs.delete_key_pair("deploy")
    assert [k.name for k in cloud.key_pairs.list_key_pairs()] == ["laptop"]


def test_projects_are_separate_accounts(make_project, make_user, cloud, launch):
    (instance_id,) = launch()
    other = open_cloud("embedded", make_project("beta", make_user("bob")), "us-east-1")
    assert other.compute.list_instances().items == []
    with pytest.raises(NotFound):
        other.compute.get_instance(instance_id)
    with pytest.raises(NotFound):
        other.compute.instance_action("terminate", [instance_id])
    assert cloud.compute.get_instance(instance_id).state == "running"


def test_regions_are_separate(project, launch):
    launch()
    assert open_cloud("embedded", project, "eu-west-1").compute.list_instances().items == []


def test_stored_keys_work_and_are_encrypted_at_rest(project):
    project.access_key_id = "AKIASTOREDKEYEXAMPLE"
    project.secret_access_key = "stored-secret-value-123"
    project.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_access_key FROM django_nova_project WHERE id = %s",
                       [project.pk])
        (raw,) = cursor.fetchone()
    assert raw and "stored-secret-value-123" not in raw
    project.refresh_from_db()
    assert project.secret_access_key == "stored-secret-value-123"
    stored = open_cloud("embedded", project, "us-east-1")
    assert stored.session.credentials() == ("AKIASTOREDKEYEXAMPLE", "stored-secret-value-123", None)
    assert stored.compute.list_instance_types()


def test_dead_cloud_is_unavailable_quickly(settings, project, closed_port_url):
    settings.NOVA = {**settings.NOVA, **cloud_settings(closed_port_url)}
    project.access_key_id, project.secret_access_key = "AKIADEAD", "dead"
    dead = open_cloud("embedded", project, "us-east-1")
    with pytest.raises(Unavailable) as error:
        dead.compute.list_instances()
    assert "did not answer" in error.value.message
