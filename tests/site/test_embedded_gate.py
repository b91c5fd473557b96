"""The embedded cloud lets in its dashboard and the keys it issued, and nobody else; and a
restarted sandbox says so on the next page.

These run the real embedded server (``python -m django_nova.embedded``, behind
django_nova.embedded_gate), not the plain moto server the other tests use.
"""

import urllib.error
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError
from django.core.management import call_command

from django_nova import embedded
from django_nova.clouds import open_cloud
from django_nova.conf import EMBEDDED_CLOUD
from django_nova.resources import LaunchSpec
from django_nova.sandbox import RESTARTED
from tests.data import IMAGE_ID
from tests.helpers import messages_of

ROLE = "arn:aws:iam::{}:role/NovaProjectAccess"


@pytest.fixture
def sandbox(tmp_path, settings):
    """The site's clouds on the real embedded server (ENDPOINT "embedded")."""
    settings.NOVA = {**settings.NOVA, "EMBEDDED_STATE_DIR": str(tmp_path),
                     "CLOUDS": {"embedded": dict(EMBEDDED_CLOUD)}}
    url = embedded.endpoint_url()
    yield url
    embedded.stop()


def client_of(service, url, key="AKIAIOSFODNN7EXAMPLE", secret="made-up-secret",  # noqa: S107
              token=None, dashboard=False):
    made = boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        aws_session_token=token)
    if dashboard:
        embedded.authorize(made)
    return made


def refused(call, code):
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Error"]["Code"] == code
    return error["Error"]["Message"]


def test_made_up_keys_are_refused(sandbox, project):
    message = refused(lambda: client_of("ec2", sandbox).describe_instances(), "AuthFailure")
    assert "issued" in message
    # Not even the dashboard's own (public) key id: it takes the secret too.
    base = (EMBEDDED_CLOUD["ACCESS_KEY_ID"], EMBEDDED_CLOUD["SECRET_ACCESS_KEY"])
    sts = client_of("sts", sandbox, *base)
    refused(lambda: sts.assume_role(RoleArn=ROLE.format(project.account_id),
                                    RoleSessionName="intruder"), "AuthFailure")
    # A wrong secret is no secret.
    forged = client_of("ec2", sandbox, *base)
    forged.meta.events.register("before-send", lambda request, **_: request.headers.__setitem__(
        embedded.SECRET_HEADER, "guessed"))
    refused(forged.describe_instances, "AuthFailure")
    # Nor can anyone reset the sandbox through moto's own API.
    reset = urllib.request.Request(f"{sandbox}/moto-api/reset", method="POST")  # noqa: S310
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(reset)  # noqa: S310 - the loopback sandbox
    assert caught.value.code == 403


def test_the_secret_stays_in_the_private_state_file(sandbox):
    secret = embedded.request_secret()
    assert len(secret) >= 40
    state = (embedded.state_dir() / embedded.STATE_FILE)
    assert oct(state.stat().st_mode & 0o777) == "0o600" and secret in state.read_text()
    # Requests elsewhere never carry it.
    sent = []
    other = client_of("ec2", "http://127.0.0.2:9", dashboard=True)
    other.meta.events.register("before-send", lambda request, **_: sent.append(
        dict(request.headers)) or _answer())
    other.describe_regions()
    assert sent and embedded.SECRET_HEADER not in sent[0]


def _answer():
    from botocore.awsrequest import AWSResponse

    class Raw:
        def stream(self, **_):
            yield b"<DescribeRegionsResponse><regionInfo/></DescribeRegionsResponse>"

    return AWSResponse("http://127.0.0.2:9", 200, {}, Raw())


def test_the_dashboard_works_through_the_gate(sandbox, member_client, project):
    response = member_client.get("/instances/")
    assert response.status_code == 200, (
        "the dashboard was refused by the embedded cloud: django_nova/clouds/ec2/session.py "
        "client() must call embedded.authorize(made)")
    response = member_client.post("/instances/launch/", {
        "name": "gated", "image": IMAGE_ID, "instance_type": "t3.micro", "count": 1})
    assert response.status_code == 302, response.content.decode()[:500]
    assert b"gated" in member_client.get("/instances/").content
    assert member_client.get("/keypairs/").status_code == 200
    assert member_client.get("/overview/").status_code == 200


def test_issued_keys_work_in_their_own_account_only(sandbox, member_client, project, make_user,
                                                    make_project):
    cloud = open_cloud("embedded", project, "us-east-1")
    (instance,) = cloud.compute.launch(LaunchSpec(name="mine", image_id=IMAGE_ID,
                                                  instance_type="t3.micro"))
    other = make_project("beta", make_user("bob"))
    open_cloud("embedded", other, "us-east-1").compute.launch(
        LaunchSpec(name="theirs", image_id=IMAGE_ID, instance_type="t3.micro"))
    response = member_client.post("/credentials/keys/create/")
    assert response.status_code == 200
    html = response.content.decode()
    key_id = html.split('id="credential-id">', 1)[1].split("<", 1)[0]
    secret = html.split('id="credential-secret">', 1)[1].split("<", 1)[0]

    ec2 = client_of("ec2", sandbox, key_id, secret)
    seen = {i["InstanceId"] for r in ec2.describe_instances()["Reservations"]
            for i in r["Instances"]}
    assert seen == {instance.id}
    sts = client_of("sts", sandbox, key_id, secret)
    assert sts.get_caller_identity()["Account"] == project.account_id
    refused(lambda: sts.assume_role(RoleArn=ROLE.format(other.account_id),
                                    RoleSessionName="hop"), "AccessDenied")
    hopping = client_of("ec2", sandbox, key_id, secret)
    hopping.meta.events.register("before-sign", lambda request, **_: request.headers.__setitem__(
        "x-moto-account-id", other.account_id))
    refused(hopping.describe_instances, "AccessDenied")
    refused(client_of("ec2", sandbox, key_id, "x" * 40).describe_instances,
            "SignatureDoesNotMatch")
    # An inactive key is refused, as AWS refuses it.
    member_client.post(f"/credentials/keys/{key_id}/status/", {"active": "0"})
    refused(ec2.describe_instances, "AuthFailure")


def test_a_restarted_sandbox_says_so_once(sandbox, member_client):
    assert member_client.get("/instances/").status_code == 200
    assert RESTARTED not in messages_of(member_client.get("/keypairs/"))
    first = embedded.generation()
    call_command("embedded_cloud", "stop")
    call_command("embedded_cloud", "start")
    assert embedded.running_generation() != first
    response = member_client.get("/instances/")
    assert response.status_code == 200
    assert RESTARTED.encode() in response.content
    again = member_client.get("/instances/")
    assert RESTARTED.encode() not in again.content
    # Live-status polls leave the news to the next page.
    call_command("embedded_cloud", "stop")
    member_client.get("/instances/i-0123456789abcdef0/row/", HTTP_HX_REQUEST="true")
    assert RESTARTED.encode() in member_client.get("/keypairs/").content
