"""Shared fixtures, seen by every folder: one moto EC2 server over HTTP for the session,
a fresh project (its own moto account, so tests never see each other's resources), the
OpenStack test cloud, cloud call recorders, headless Chromium and sign-up settings.

Plain helpers live in tests/helpers.py, tests/browsing.py, tests/urlwalk.py and
tests/signups.py; constants in tests/data.py.  Test modules import from those, never
from each other (nor from this file).
"""

import os
import shutil
import socket
import tempfile
import threading

import boto3
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from django_nova import embedded
from django_nova.clouds import open_cloud
from django_nova.clouds.calls import breakers, cloud_call
from django_nova.models import Membership
from django_nova.services.projects import create_project
from tests.data import IMAGE_ID, PASSWORD
from tests.helpers import cloud_settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Modules whose OpenStack tests make, use and delete Keystone projects and users of their
# own, and count nothing of demo's or alt's: one group of their own, beside the rest.
OWN_PROJECTS = {"tests/openstack/test_identity.py", "tests/site/test_provisioning.py",
                "tests/site/test_registration.py", "tests/browser/test_registration.py"}


# First: pytest-xdist reads the groups in its own hook of the same name.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Under pytest-xdist (./run_tests.sh), every test of the one shared OpenStack test
    cloud runs in one worker, in order: they count servers and quotas of the same
    projects.  The rest (each worker has its own moto server and database) spread out,
    and so do tests that name a group of their own (tests/openstack/test_faults.py: its
    own user, project and server)."""
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue  # a test that keeps to its own projects names its own group
        if item.get_closest_marker("openstack") or "openstack_cloud" in item.fixturenames:
            own = item.path.relative_to(ROOT).as_posix() in OWN_PROJECTS
            item.add_marker(pytest.mark.xdist_group("openstack-own" if own else "openstack"))


def pytest_collection_finish(session):
    """Never run the OpenStack tests ungrouped: pytest-xdist groups by a suffix of the
    node id, which some pytest versions ignore (pytest-dev/pytest-xdist#1386)."""
    if not getattr(session.config.option, "loadgroup", False):
        return  # not an xdist worker with --dist loadgroup
    lost = [item.nodeid for item in session.items
            if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if lost:
        raise pytest.UsageError(f"pytest-xdist did not group {len(lost)} tests (first: "
                                f"{lost[0]}); see tests/conftest.py")


@pytest.fixture(scope="session")
def moto_url():
    """A real moto EC2 server on loopback, seeded like the embedded cloud."""
    os.environ.update(embedded.moto_environment())
    from moto.server import ThreadedMotoServer

    embedded.settle_moto_for_threads()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(autouse=True)
def nova_cloud(moto_url, settings):
    """Point django_nova's embedded cloud at the test moto server; every test starts with
    an empty cache and closed circuit breakers."""
    settings.NOVA = {**settings.NOVA, **cloud_settings(moto_url)}
    cache.clear()
    breakers.reset()
    yield moto_url
    cache.clear()
    breakers.reset()


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
def cloud(project):
    return open_cloud("embedded", project, "us-east-1")


@pytest.fixture
def ec2(cloud):
    """A raw boto3 client into the project's account, for arranging test state."""
    key, secret, token = cloud.session.credentials()
    return boto3.client("ec2", endpoint_url=cloud.session.endpoint(), region_name="us-east-1",
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


@pytest.fixture
def keystone_cleanup(os_conn):
    """Deletes every Keystone user and project named in the list it yields (also projects
    named ``<name>-...``, as provisioning makes them), whatever happens."""
    names: list[str] = []
    yield names
    conn = os_conn("admin")
    for name in names:
        for user in conn.identity.users(name=name):
            conn.identity.delete_user(user.id, ignore_missing=True)
        for project in conn.identity.projects():
            if project.name == name or project.name.startswith(f"{name}-"):
                conn.identity.delete_project(project.id, ignore_missing=True)


@pytest.fixture
def demo_keystone(os_conn):
    """What Keystone says about user demo and project demo."""
    conn = os_conn("demo")
    return {"user_id": conn.current_user_id, "project_id": conn.current_project_id,
            "conn": conn}


@pytest.fixture
def credential_cleanup(demo_keystone):
    """Deletes demo's application credentials a test made, whatever happens."""
    names = []
    yield names
    conn = demo_keystone["conn"]
    for credential in conn.identity.application_credentials(demo_keystone["user_id"]):
        if credential.name in names:
            conn.identity.delete_application_credential(demo_keystone["user_id"], credential.id)


# --- cloud calls ---------------------------------------------------------------------------

@pytest.fixture
def calls():
    """Every cloud API call made, as (operation, name of the thread that made it)."""
    seen = []

    def record(sender, cloud, operation, **_):
        seen.append((operation, threading.current_thread().name))

    cloud_call.connect(record, weak=False)
    yield seen
    cloud_call.disconnect(record)


@pytest.fixture
def operations():
    """The operation of every cloud API call made, in order (no threads)."""
    seen = []

    def record(sender, cloud, operation, **_):
        seen.append(operation)

    cloud_call.connect(record, weak=False)
    yield seen
    cloud_call.disconnect(record)


# --- sign-up (the reference site's registration) -----------------------------------------

@pytest.fixture
def signups(settings, db):
    """Sign-up open on the embedded cloud, which provisions a personal project."""
    clouds = settings.NOVA["CLOUDS"]
    clouds["embedded"] = {**clouds["embedded"], "PROVISIONING": {"ENABLED": True}}
    settings.REGISTRATION_OPEN = True
    settings.REGISTRATION_CLOUDS = None
    settings.ADMINS = ["ops@example.org"] if _django6() else [("ops", "ops@example.org")]
    return settings


def _django6():
    import django
    return django.VERSION >= (6, 0)


@pytest.fixture
def openstack_signups(signups, with_openstack):
    """Both clouds take sign-ups; the OpenStack one provisions through ``test-admin``."""
    signups.NOVA["CLOUDS"]["openstack"] = {
        **with_openstack["definition"],
        "PROVISIONING": {"ENABLED": True, "SERVICE_CLOUD": "test-admin",
                         "CLOUDS_YAML": with_openstack["clouds_yaml"]}}
    return with_openstack


# --- headless Chromium (tests/browser/) ----------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture
def browser():
    """Headless Chromium with a throwaway profile; always quit, even on failure.

    A missing browser or driver is an error, never a skip: CI installs both.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="nova-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1280,900",
                f"--user-data-dir={profile}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def demo_user(transactional_db, make_user, make_project):
    """User ``demo``, member of project ``demo`` (committed rows: the live server sees them)."""
    user = make_user("demo")
    make_project("demo", user)
    return user
