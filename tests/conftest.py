"""Shared fixtures: one moto EC2 server over HTTP for the session, and a fresh
project (its own moto account, so tests never see each other's resources)."""

import os
import socket

import boto3
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from django_nova import embedded
from django_nova.clouds import get_driver
from django_nova.conf import EMBEDDED_CLOUD
from django_nova.models import Membership
from django_nova.services.projects import create_project

IMAGE_ID = "ami-0cafe000000000004"  # CirrOS, seeded by django_nova/data/embedded_images.json
PASSWORD = "correct-horse-battery-staple"  # noqa: S105


@pytest.fixture(scope="session")
def moto_url():
    """A real moto EC2 server on loopback, seeded like the embedded cloud."""
    os.environ.update(embedded.moto_environment())
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def cloud_settings(endpoint: str) -> dict:
    return {"CLOUDS": {"embedded": {**EMBEDDED_CLOUD, "ENDPOINT": endpoint}}}


@pytest.fixture(autouse=True)
def nova_cloud(moto_url, settings):
    """Point django_nova's embedded cloud at the test moto server."""
    settings.NOVA = {**settings.NOVA, **cloud_settings(moto_url)}
    cache.clear()
    yield moto_url
    cache.clear()


@pytest.fixture
def make_user(db):
    def make(username, **extra):
        return get_user_model().objects.create_user(username=username, password=PASSWORD,
                                                    **extra)
    return make


@pytest.fixture
def make_project(db):
    def make(name, *members):
        return create_project(name, "embedded",
                              members=[(user, Membership.ROLE_MEMBER) for user in members])
    return make


@pytest.fixture
def member(make_user):
    return make_user("alice")


@pytest.fixture
def project(make_project, member):
    return make_project("alpha", member)


@pytest.fixture
def driver(project):
    return get_driver("embedded", project, "us-east-1")


@pytest.fixture
def ec2(driver):
    """A raw boto3 client into the project's account, for arranging test state."""
    key, secret, token = driver._credentials()
    return boto3.client("ec2", endpoint_url=driver._endpoint(), region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        aws_session_token=token)


@pytest.fixture
def member_client(client, member, project):
    client.force_login(member)
    return client


@pytest.fixture
def launch(ec2):
    """Launch instances directly in the project's account (test arrangement)."""
    def run(count=1, name="web", image_id=IMAGE_ID, instance_type="t3.micro"):
        result = ec2.run_instances(
            ImageId=image_id, InstanceType=instance_type, MinCount=count, MaxCount=count,
            TagSpecifications=[{"ResourceType": "instance",
                                "Tags": [{"Key": "Name", "Value": name}]}])
        return [i["InstanceId"] for i in result["Instances"]]
    return run


@pytest.fixture
def closed_port_url():
    """A loopback URL where nothing listens: a dead cloud, for real connection errors."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- the OpenStack test cloud (tools/openstack-test-cloud) -----------------------------

OPENSTACK_CLOUDS_YAML = os.environ.get(
    "NOVA_TEST_OPENSTACK_CLOUDS",
    os.path.expanduser("~/.cache/django-nova/openstack/clouds.yaml"))


def keystone_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5000), timeout=2).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def openstack_cloud():
    """The running test cloud: its NOVA definition and its users' credentials.

    Skips on a developer machine without the cloud; fails where it is required
    (./run_tests.sh sets NOVA_REQUIRE_OPENSTACK=1 after starting it).
    """
    missing = (f"{OPENSTACK_CLOUDS_YAML} is missing" if not os.path.exists(OPENSTACK_CLOUDS_YAML)
               else None if keystone_answers() else "Keystone does not answer on 127.0.0.1:5000")
    if missing:
        message = (f"no OpenStack test cloud ({missing}); "
                   "start it with tools/openstack-test-cloud up")
        if os.environ.get("NOVA_REQUIRE_OPENSTACK") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from openstack.config import OpenStackConfig

    from django_nova.clouds.openstack import cloud_from_clouds_yaml

    loader = OpenStackConfig(config_files=[OPENSTACK_CLOUDS_YAML])
    users = {}
    for name in ("admin", "demo", "alt"):
        auth = loader.get_one(cloud=f"test-{name}").config["auth"]
        users[name] = (auth["username"], auth["password"])
    definition = cloud_from_clouds_yaml("test-demo", OPENSTACK_CLOUDS_YAML)
    definition["LABEL"] = "OpenStack test cloud"
    return {"definition": definition, "users": users, "clouds_yaml": OPENSTACK_CLOUDS_YAML}


@pytest.fixture
def with_openstack(openstack_cloud, settings, moto_url, db):
    """Both clouds configured, as a site with an OpenStack cloud would have them."""
    settings.NOVA = {**settings.NOVA, "CLOUDS": {
        **cloud_settings(moto_url)["CLOUDS"], "openstack": openstack_cloud["definition"]}}
    return openstack_cloud


@pytest.fixture
def os_conn(openstack_cloud):
    """An openstacksdk connection as a test cloud user (arranging and checking state)."""
    import openstack.connection
    from openstack.config import OpenStackConfig

    loader = OpenStackConfig(config_files=[openstack_cloud["clouds_yaml"]])

    def connect(user="demo"):
        return openstack.connection.Connection(config=loader.get_one(cloud=f"test-{user}"))
    return connect


@pytest.fixture
def keystone_client(client, with_openstack, db):
    """A test client logged in through the login form as Keystone user ``demo``."""
    def login(user="demo", test_client=None):
        test_client = test_client or client
        username, password = with_openstack["users"][user]
        response = test_client.post("/login/", {"cloud": "openstack", "username": username,
                                                "password": password, "domain": "Default"})
        assert response.status_code == 302, response.content.decode()[:2000]
        return test_client
    return login
