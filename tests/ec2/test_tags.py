"""Instance tags, the tag filter and "launch more like this" on EC2 (moto)."""

import pytest

from tests.data import IMAGE_ID


def test_add_change_and_remove_tags(member_client, launch, cloud):
    (instance_id,) = launch(name="web")
    page = f"/instances/{instance_id}/"
    assert member_client.post(page, {"op": "set-tag", "key": "env", "value": "prod"}).status_code \
        == 302
    assert cloud.compute.get_instance(instance_id).tags["env"] == "prod"
    member_client.post(page, {"op": "set-tag", "key": "env", "value": "staging"})
    assert cloud.compute.get_instance(instance_id).tags["env"] == "staging"
    html = member_client.get(page).content.decode()
    assert "env" in html and "staging" in html
    member_client.post(page, {"op": "set-tag", "key": "Name", "value": "web-renamed"})
    assert cloud.compute.get_instance(instance_id).name == "web-renamed"
    member_client.post(page, {"op": "delete-tag", "key": "env"})
    assert "env" not in cloud.compute.get_instance(instance_id).tags


@pytest.mark.parametrize("data, field, error", [
    ({"key": "", "value": "x"}, "key", "required"),
    ({"key": "aws:owner", "value": "x"}, "key", "reserved"),
    ({"key": "k" * 129, "value": "x"}, "key", "at most 128"),
    ({"key": "line\nbreak", "value": "x"}, "key", "control characters"),
])
def test_bad_tags_are_field_errors(member_client, launch, cloud, data, field, error):
    (instance_id,) = launch()
    response = member_client.post(f"/instances/{instance_id}/", {"op": "set-tag", **data})
    assert response.status_code == 400
    assert error in " ".join(response.context["tag_form"].errors[field])
    assert set(cloud.compute.get_instance(instance_id).tags) == {"Name"}


def test_unknown_change_is_404_and_labels_are_refused_on_ec2(member_client, launch):
    (instance_id,) = launch()
    assert member_client.post(f"/instances/{instance_id}/", {"op": "explode"}).status_code == 404
    refused = member_client.post(f"/instances/{instance_id}/", {"op": "add-label",
                                                               "label": "blue"})
    assert refused.status_code == 400
    assert "no instance labels" in " ".join(refused.context["label_form"].non_field_errors())


def test_filter_instances_by_tag(member_client, launch, cloud):
    prod, dev = launch(name="prod-1")[0], launch(name="dev-1")[0]
    cloud.compute.set_tag(prod, "env", "prod")
    cloud.compute.set_tag(dev, "env", "dev")
    by_value = {i.id for i in member_client.get("/instances/?tag=env=prod").context["instances"]}
    assert by_value == {prod}
    by_key = {i.id for i in member_client.get("/instances/?tag=env").context["instances"]}
    assert by_key == {prod, dev}
    none = member_client.get("/instances/?tag=missing")
    assert none.context["instances"] == [] and b'value="missing"' in none.content
    # No match is not "nothing here yet".
    html = none.content.decode()
    assert "No instances match the tag filter <q>missing</q>" in html
    assert "No instances yet" not in html


def test_launch_more_like_this_prefills_the_form(member_client, cloud, ec2):
    key = cloud.key_pairs.create_key_pair("deploy", "ed25519").key_pair
    group = ec2.create_security_group(GroupName="web", Description="web")["GroupId"]
    (instance_id,) = [i["InstanceId"] for i in ec2.run_instances(
        ImageId=IMAGE_ID, InstanceType="t3.small", MinCount=1, MaxCount=1, KeyName=key.name,
        SecurityGroupIds=[group], Placement={"AvailabilityZone": "us-east-1c"},
        TagSpecifications=[{"ResourceType": "instance",
                            "Tags": [{"Key": "Name", "Value": "api"}]}])["Instances"]]
    form = member_client.get(f"/instances/launch/?like={instance_id}").context["form"]
    assert form.initial == {**form.initial, "name": "api-copy", "image": IMAGE_ID,
                            "instance_type": "t3.small", "key_name": "deploy",
                            "availability_zone": "us-east-1c", "security_groups": [group]}
    assert member_client.get("/instances/launch/?like=i-0123456789abcdef0").status_code == 404
