"""Elastic IPs on the EC2 cloud against moto: allocate, associate, disassociate, release
through the views, isolation, escaping and call counts."""

from collections import Counter

import pytest
from botocore.exceptions import ClientError
from django.test import Client

from django_nova.clouds import open_cloud
from django_nova.clouds.calls import cloud_call
from django_nova.clouds.ec2.addresses import EC2Addresses
from django_nova.clouds.ec2.session import translate_client_error
from tests.helpers import messages_of

HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
LIST = "/network/addresses/"


def addresses(ec2):
    return {a["AllocationId"]: a for a in ec2.describe_addresses()["Addresses"]}


@pytest.fixture
def allocate(ec2):
    def run():
        return ec2.allocate_address(Domain="vpc")
    return run


def test_page_is_in_the_sidebar_under_the_ec2_label(member_client):
    html = member_client.get("/instances/").content.decode()
    assert f'href="{LIST}" id="nav-addresses">Elastic IPs</a>' in html
    page = member_client.get(LIST)
    assert page.status_code == 200
    assert "<h1 class=\"h3 mb-0\">Elastic IPs</h1>" in page.content.decode()
    assert "No elastic ips yet" in page.content.decode()


def test_allocate_associate_disassociate_release(member_client, ec2, launch):
    (instance_id,) = launch(name="web-1")
    private_ip = ec2.describe_instances(InstanceIds=[instance_id])[
        "Reservations"][0]["Instances"][0]["PrivateIpAddress"]

    form = member_client.get("/network/addresses/allocate/")
    assert form.status_code == 200 and b"Allocate elastic IP" in form.content
    response = member_client.post("/network/addresses/allocate/")
    assert response.status_code == 302 and response["Location"] == LIST
    (allocation_id, data), = addresses(ec2).items()
    assert data["Domain"] == "vpc" and not data.get("InstanceId")
    ip = data["PublicIp"]
    assert messages_of(response) == [f"Allocated elastic IP {ip}."]

    listing = member_client.get(LIST).content.decode()
    assert ip in listing and allocation_id in listing and "available" in listing
    assert f"/network/addresses/{allocation_id}/associate/" in listing

    url = f"/network/addresses/{allocation_id}/associate/"
    page = member_client.get(url).content.decode()
    assert f'value="{instance_id}//{private_ip}"' in page and "web-1" in page
    response = member_client.post(url, {"target": f"{instance_id}//{private_ip}"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert addresses(ec2)[allocation_id]["InstanceId"] == instance_id
    assert messages_of(response) == [f"Associated {ip} with web-1 ({instance_id}) at "
                                     f"{private_ip}."]

    listing = member_client.get(LIST).content.decode()
    assert f'<a href="/instances/{instance_id}/" class="nova-name">web-1</a>' in listing
    assert private_ip in listing and "associated" in listing
    assert f"/network/addresses/{allocation_id}/disassociate/" in listing
    # The instances table shows the elastic IP (EC2 reports it as the public IP).
    assert ip in member_client.get("/instances/").content.decode()

    response = member_client.post(f"/network/addresses/{allocation_id}/disassociate/")
    assert response.status_code == 302
    assert not addresses(ec2)[allocation_id].get("InstanceId")
    assert messages_of(response) == [f"Disassociated {ip} from web-1."]
    member_client.get(LIST)  # shows (and so consumes) the message naming the address
    assert ip not in member_client.get("/instances/").content.decode()

    confirm = member_client.get(f"/network/addresses/{allocation_id}/release/")
    assert confirm.status_code == 200 and b"confirm-release" in confirm.content
    response = member_client.post(f"/network/addresses/{allocation_id}/release/")
    assert response.status_code == 302
    assert addresses(ec2) == {}
    assert messages_of(response) == [f"Released elastic IP {ip}."]


def test_associated_address_is_not_released(member_client, ec2, launch, allocate):
    """Like EC2's own InvalidIPAddress.InUse: disassociate first (moto would release it)."""
    (instance_id,) = launch(name="db")
    allocation = allocate()
    ec2.associate_address(AllocationId=allocation["AllocationId"], InstanceId=instance_id)
    url = f"/network/addresses/{allocation['AllocationId']}/release/"
    confirm = member_client.get(url).content.decode()
    assert "is associated with db. Disassociate it first" in confirm
    assert "confirm-release" not in confirm and 'id="disassociate"' in confirm
    response = member_client.post(url)
    assert response.status_code == 302
    assert messages_of(response) == [
        f"Could not release {allocation['PublicIp']}: {allocation['PublicIp']} is associated "
        "with db. Disassociate it first, then release it."]
    assert addresses(ec2)[allocation["AllocationId"]]["InstanceId"] == instance_id


def test_associate_form_errors(member_client, ec2, launch, allocate):
    (instance_id,) = launch()
    allocation = allocate()
    url = f"/network/addresses/{allocation['AllocationId']}/associate/"
    for data in ({}, {"target": "i-0123456789abcdef0//10.0.0.1"}):
        response = member_client.post(url, data)
        assert response.status_code == 200 and b"is-invalid" in response.content
    assert not addresses(ec2)[allocation["AllocationId"]].get("InstanceId")
    # Already associated: the page says so and a POST changes nothing.
    ec2.associate_address(AllocationId=allocation["AllocationId"], InstanceId=instance_id)
    (other,) = launch(name="other")
    page = member_client.get(url).content.decode()
    assert "is already associated with web: disassociate it first." in page
    member_client.post(url, {"target": f"{other}//"})
    assert addresses(ec2)[allocation["AllocationId"]]["InstanceId"] == instance_id


def test_disassociate_asks_first(member_client, ec2, launch, allocate):
    (instance_id,) = launch(name="web")
    allocation = allocate()
    ec2.associate_address(AllocationId=allocation["AllocationId"], InstanceId=instance_id)
    url = f"/network/addresses/{allocation['AllocationId']}/disassociate/"
    listing = member_client.get(LIST).content.decode()
    assert f'href="{url}" data-action="disassociate"' in listing  # a link, not a button
    confirm = member_client.get(url).content.decode()
    assert 'id="confirm-disassociate"' in confirm and "stop reaching the instance" in confirm
    assert addresses(ec2)[allocation["AllocationId"]]["InstanceId"] == instance_id
    member_client.post(url)
    assert not addresses(ec2)[allocation["AllocationId"]].get("InstanceId")


def test_disassociate_refuses_unassociated(member_client, ec2, allocate):
    allocation = allocate()
    url = f"/network/addresses/{allocation['AllocationId']}/disassociate/"
    confirm = member_client.get(url).content.decode()
    assert 'id="disassociate-refusal"' in confirm and 'id="confirm-disassociate"' not in confirm
    response = member_client.post(url)
    assert response.status_code == 302
    assert messages_of(response) == [
        f"Could not disassociate: {allocation['PublicIp']} is not associated with anything."]


def test_quota_error_is_a_readable_form_error(member_client, monkeypatch, ec2):
    def refuse(self, pool=""):
        raise translate_client_error(ClientError(
            {"Error": {"Code": "AddressLimitExceeded",
                       "Message": "The maximum number of addresses has been reached."}},
            "AllocateAddress"))
    monkeypatch.setattr(EC2Addresses, "allocate_address", refuse)
    response = member_client.post("/network/addresses/allocate/")
    assert response.status_code == 200
    assert b"The maximum number of addresses has been reached." in response.content
    assert addresses(ec2) == {}


def test_missing_address_is_404(member_client):
    for suffix in ("associate/", "release/"):
        response = member_client.get(f"/network/addresses/eipalloc-0123456789abcdef0/{suffix}")
        assert response.status_code == 404, suffix
    assert member_client.post(
        "/network/addresses/eipalloc-0123456789abcdef0/disassociate/").status_code == 404


# --- isolation and hostile names -------------------------------------------------------

@pytest.fixture
def intruder(make_user, make_project):
    user = make_user("mallory")
    project = make_project("gamma", user)
    client = Client()
    client.force_login(user)
    return client, open_cloud("embedded", project, "us-east-1")


def test_other_projects_address_is_invisible_also_by_url(intruder, ec2, launch, allocate):
    client, intruder_cloud = intruder
    (instance_id,) = launch()
    allocation = allocate()
    allocation_id = allocation["AllocationId"]
    ec2.associate_address(AllocationId=allocation_id, InstanceId=instance_id)
    listing = client.get(LIST)
    assert listing.status_code == 200
    assert allocation_id.encode() not in listing.content
    assert allocation["PublicIp"].encode() not in listing.content
    base = f"/network/addresses/{allocation_id}/"
    for suffix in ("associate/", "release/"):
        assert client.get(base + suffix).status_code == 404, suffix
    # The intruder's own instance as the target of a hijack attempt.
    intruder_instance = intruder_cloud.session.ec2_call(
        "run_instances", ImageId="ami-0cafe000000000004",
        InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    for suffix in ("associate/", "disassociate/", "release/"):
        response = client.post(base + suffix, {"target": f"{intruder_instance}//"})
        assert response.status_code == 404, suffix
    assert addresses(ec2)[allocation_id]["InstanceId"] == instance_id


def test_hostile_instance_name_is_escaped(member_client, ec2, launch, allocate):
    (instance_id,) = launch(name=HOSTILE)
    allocation = allocate()
    html = member_client.get(
        f"/network/addresses/{allocation['AllocationId']}/associate/").content.decode()
    assert HOSTILE not in html and HOSTILE_ESCAPED in html
    ec2.associate_address(AllocationId=allocation["AllocationId"], InstanceId=instance_id)
    for page in (LIST, f"/network/addresses/{allocation['AllocationId']}/release/"):
        html = member_client.get(page).content.decode()
        assert HOSTILE not in html, page
        assert HOSTILE_ESCAPED in html, page
    response = member_client.post(
        f"/network/addresses/{allocation['AllocationId']}/disassociate/", follow=True)
    html = response.content.decode()
    assert "Disassociated" in html and HOSTILE not in html and HOSTILE_ESCAPED in html


# --- speed -----------------------------------------------------------------------------

def test_list_makes_a_constant_number_of_calls(member_client, ec2, launch, allocate):
    calls = []

    def record(sender, operation, **_):
        calls.append(operation)

    def count():
        member_client.get(LIST)  # warm credentials
        calls.clear()
        assert member_client.get(LIST).status_code == 200
        return Counter(calls)

    def add_associated():
        (instance_id,) = launch()
        ec2.associate_address(AllocationId=allocate()["AllocationId"], InstanceId=instance_id)

    add_associated()
    cloud_call.connect(record, weak=False)
    try:
        one = count()
        for _ in range(4):
            add_associated()
        five = count()
    finally:
        cloud_call.disconnect(record)
    assert len(addresses(ec2)) == 5
    assert one == five == Counter({"DescribeAddresses": 1, "DescribeInstances": 1})
