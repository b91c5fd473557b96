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
