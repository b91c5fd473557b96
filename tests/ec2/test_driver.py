"""The EC2 driver against a real moto server over HTTP."""

import pytest
from django.db import connection

from django_nova.clouds import get_driver
from django_nova.exceptions import Conflict, InvalidInput, NotFound, Unavailable
from django_nova.resources import LaunchSpec
from tests.data import ED25519_KEY, IMAGE_ID
from tests.helpers import cloud_settings


def test_launch_list_get_and_terminate(driver):
    launched = driver.launch(LaunchSpec(name="web-1", image_id=IMAGE_ID,
                                        instance_type="t3.micro", count=2))
    assert [i.name for i in launched] == ["web-1", "web-1"]
    ids = {i.id for i in launched}
    listed = {i.id: i for i in driver.list_instances().items}
    assert ids <= set(listed)
    one = driver.get_instance(launched[0].id)
    assert one.instance_type == "t3.micro"
    assert one.image_id == IMAGE_ID
    assert one.private_ips and one.availability_zone.startswith("us-east-1")
    assert one.launched_at is not None

    driver.instance_action("terminate", [one.id])
    assert one.id not in {i.id for i in driver.list_instances().items}
    shown = {i.id: i for i in driver.list_instances(include_terminated=True).items}
    assert shown[one.id].state in {"shutting-down", "terminated"}


def test_stop_start_reboot_change_state(driver, launch):
    (instance_id,) = launch()
    driver.instance_action("stop", [instance_id])
    assert driver.get_instance(instance_id).state in {"stopping", "stopped"}
    driver.instance_action("start", [instance_id])
    assert driver.get_instance(instance_id).state in {"pending", "running"}
    driver.instance_action("reboot", [instance_id])
    assert driver.get_instance(instance_id).state == "running"


def test_unknown_action_is_refused(driver, launch):
    (instance_id,) = launch()
    with pytest.raises(InvalidInput):
        driver.instance_action("explode", [instance_id])


def test_console_output_is_text(driver, launch):
    (instance_id,) = launch()
    output = driver.console_output(instance_id)
    assert isinstance(output, str) and output.strip()


def test_pages_follow_the_marker(driver, launch):
    for n in range(7):
        launch(name=f"vm-{n}")
    first = driver.list_instances(limit=5)
    assert first.next_marker
    second = driver.list_instances(marker=first.next_marker, limit=5)
    first_ids = {i.id for i in first.items}
    second_ids = {i.id for i in second.items}
    assert second_ids and not first_ids & second_ids
    assert len(first_ids | second_ids) == 7


def test_missing_instance_is_not_found(driver):
    with pytest.raises(NotFound):
        driver.get_instance("i-0123456789abcdef0")


def test_cloud_validation_becomes_our_errors(driver):
    with pytest.raises(NotFound):
        driver.launch(LaunchSpec(name="x", image_id="ami-12345678", instance_type="t3.micro"))
    with pytest.raises(NotFound):
        driver.launch(LaunchSpec(name="x", image_id=IMAGE_ID, instance_type="t9.enormous"))


def test_images_by_scope_and_by_id(driver, ec2, launch):
    public = driver.list_images("public")
    assert {i.name for i in public} >= {"CirrOS 0.6.3", "Ubuntu 24.04 LTS (Noble Numbat)"}
    assert all(i.is_public for i in public)
    assert driver.list_images("own") == []
    (instance_id,) = launch()
    own_id = ec2.create_image(InstanceId=instance_id, Name="my-snapshot")["ImageId"]
    own = driver.list_images("own")
    assert [i.id for i in own] == [own_id]
    assert own[0].owner_id == driver.project.account_id
    got = driver.get_images([own_id, IMAGE_ID, "ami-00000000000000000"])
    assert {i.id for i in got} == {own_id, IMAGE_ID}
    with pytest.raises(InvalidInput):
        driver.list_images("everything")


def test_catalogs(driver):
    types = driver.list_instance_types()
    assert [t.name for t in types][:2] == ["t3.nano", "t3.micro"]
    assert all(t.vcpus > 0 and t.memory_mib > 0 for t in types)
    assert {z.name for z in driver.list_availability_zones()} >= {"us-east-1a", "us-east-1b"}
    assert "default" in {g.name for g in driver.list_security_groups()}


def test_key_pairs_create_import_delete(driver):
    created = driver.create_key_pair("deploy", "ed25519")
    assert "PRIVATE KEY" in created.private_key
    assert "private_key" not in repr(created)
    imported = driver.import_key_pair("laptop", ED25519_KEY)
    assert imported.fingerprint
    assert [k.name for k in driver.list_key_pairs()] == ["deploy", "laptop"]
    with pytest.raises(Conflict):
        driver.create_key_pair("deploy", "rsa")
    with pytest.raises(InvalidInput):
        driver.import_key_pair("bad", "ssh-rsa not-a-key")
    driver.delete_key_pair("deploy")
    assert [k.name for k in driver.list_key_pairs()] == ["laptop"]


def test_projects_are_separate_accounts(make_project, make_user, driver, launch):
    (instance_id,) = launch()
    other = get_driver("embedded", make_project("beta", make_user("bob")), "us-east-1")
    assert other.list_instances().items == []
    with pytest.raises(NotFound):
        other.get_instance(instance_id)
    with pytest.raises(NotFound):
        other.instance_action("terminate", [instance_id])
    assert driver.get_instance(instance_id).state == "running"


def test_regions_are_separate(project, launch):
    launch()
    assert get_driver("embedded", project, "eu-west-1").list_instances().items == []


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
    stored = get_driver("embedded", project, "us-east-1")
    assert stored._credentials() == ("AKIASTOREDKEYEXAMPLE", "stored-secret-value-123", None)
    assert stored.list_instance_types()


def test_dead_cloud_is_unavailable_quickly(settings, project, closed_port_url):
    settings.NOVA = {**settings.NOVA, **cloud_settings(closed_port_url)}
    project.access_key_id, project.secret_access_key = "AKIADEAD", "dead"
    dead = get_driver("embedded", project, "us-east-1")
    with pytest.raises(Unavailable) as error:
        dead.list_instances()
    assert "did not answer" in error.value.message
