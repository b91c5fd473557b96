"""The dashboard's own EC2 credentials from the standard AWS chain, against moto over HTTP.

Without ACCESS_KEY_ID and SECRET_ACCESS_KEY an EC2 cloud assumes its projects' roles
with whatever the AWS CLI would use: PROFILE (or AWS_PROFILE) from the shared
credentials and config files, AWS_* environment variables, an instance role.  Each
test gives the chain exactly one source (temporary files, a cleaned environment, moto's
own instance-metadata service) and checks which key signed the dashboard's AssumeRole,
that the pages list the project's resources through it, and that no secret shows.
"""

import logging
import os
import re

import boto3
import pytest

from django_nova import embedded
from django_nova.clouds import open_cloud
from django_nova.clouds.ec2 import EC2Cloud
from django_nova.clouds.ec2 import session as ec2_session
from django_nova.conf import EMBEDDED_CLOUD
from django_nova.exceptions import Unavailable
from tests.data import IMAGE_ID

DEFAULT_KEY, DEFAULT_SECRET = "AKIADEFAULTPROFILE00", "default-profile-secret-0000000"
PROFILE_KEY, PROFILE_SECRET = "AKIANOVAPROFILE00001", "nova-profile-secret-1111111111"
CONFIG_KEY, CONFIG_SECRET = "AKIACONFIGPROFILE001", "config-profile-secret-22222222"
ENV_KEY, ENV_SECRET = "AKIAENVIRONMENT00001", "environment-secret-333333333333"
STATIC_KEY, STATIC_SECRET = "AKIASTATICKEYS000001", "static-secret-4444444444444444"
SECRETS = (DEFAULT_SECRET, PROFILE_SECRET, CONFIG_SECRET, ENV_SECRET, STATIC_SECRET)
# What moto's instance-metadata service hands out as the instance role's credentials.
IMDS_KEY, IMDS_SECRET = "test-key", "test-secret-key"

CREDENTIALS_FILE = f"""\
[default]
aws_access_key_id = {DEFAULT_KEY}
aws_secret_access_key = {DEFAULT_SECRET}

[nova-dashboard]
aws_access_key_id = {PROFILE_KEY}
aws_secret_access_key = {PROFILE_SECRET}
"""
CONFIG_FILE = f"""\
[profile nova-config]
aws_access_key_id = {CONFIG_KEY}
aws_secret_access_key = {CONFIG_SECRET}
region = us-east-1
"""
CREDENTIAL = re.compile(r"Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/")


@pytest.fixture
def aws_env(monkeypatch, tmp_path):
    """An environment whose AWS chain has nothing but what the test gives it: empty shared
    files, no AWS_* credentials or profile, no instance-metadata service."""
    for name in list(os.environ):
        if name.startswith("AWS_") and name != "AWS_CA_BUNDLE":
            monkeypatch.delenv(name)
    credentials, config = tmp_path / "credentials", tmp_path / "config"
    credentials.write_text("")
    config.write_text("")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    ec2_session.forget_credentials()
    yield monkeypatch
    monkeypatch.undo()  # the tests after this one find the chain in their own environment
    ec2_session.forget_credentials()


@pytest.fixture
def shared_files(aws_env, tmp_path):
    (tmp_path / "credentials").write_text(CREDENTIALS_FILE)
    (tmp_path / "config").write_text(CONFIG_FILE)
    return aws_env


@pytest.fixture
def chain_cloud(settings, moto_url):
    """The test cloud without static keys; ``chain_cloud(PROFILE="x")`` adds keys."""
    def define(**extra):
        cloud = {key: value for key, value in EMBEDDED_CLOUD.items()
                 if key not in ("ACCESS_KEY_ID", "SECRET_ACCESS_KEY")}
        settings.NOVA = {**settings.NOVA,
                         "CLOUDS": {"embedded": {**cloud, "ENDPOINT": moto_url, **extra}}}
    define()
    return define


@pytest.fixture
def signed_by(monkeypatch):
    """(service, access key id) of every request the dashboard's clients sign."""
    seen = []
    authorize = embedded.authorize

    def recording(client):
        def record(request, **_):
            header = request.headers.get("Authorization") or b""
            found = CREDENTIAL.search(header.decode() if isinstance(header, bytes) else header)
            if found:
                seen.append((found.group(2), found.group(1)))
        client.meta.events.register("before-send", record)
        authorize(client)

    monkeypatch.setattr(embedded, "authorize", recording)
    ec2_session.client.cache_clear()  # clients made before would not record
    yield seen
    ec2_session.client.cache_clear()


def keys_of(seen, service) -> set[str]:
    return {key for signed, key in seen if signed == service}


def launch_in(project) -> str:
    """An instance in the project's account, launched with the credentials the dashboard
    has now (test arrangement)."""
    cloud = open_cloud("embedded", project, "us-east-1")
    key, secret, token = cloud.session.credentials()
    # A session of its own: boto3's default one keeps the config files as it first read
    # them, without this test's profiles.
    ec2 = boto3.session.Session().client(
        "ec2", endpoint_url=cloud.session.endpoint(), region_name="us-east-1",
        aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token)
    return ec2.run_instances(
        ImageId=IMAGE_ID, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [
            {"Key": "Name", "Value": "chain-web"}]}])["Instances"][0]["InstanceId"]


def lists_through_the_chain(member_client, project, caplog, seen, base_key) -> None:
    """The instances page shows what the project holds, its AssumeRole signed with
    ``base_key`` and its EC2 calls with the assumed role's; no secret in page or log."""
    caplog.set_level(logging.INFO)
    instance_id = launch_in(project)
    page = member_client.get("/instances/")
    assert page.status_code == 200
    body = page.content.decode()
    assert instance_id in body and "chain-web" in body
    assert keys_of(seen, "sts") == {base_key}
    ec2_keys = keys_of(seen, "ec2")
    assert ec2_keys and base_key not in ec2_keys  # the project's role, not the dashboard
    for secret in SECRETS + (IMDS_SECRET,):
        assert secret not in body and secret not in caplog.text


def test_a_named_profile_from_the_shared_credentials_file(shared_files, chain_cloud, signed_by,
                                                          member_client, project, caplog):
    # A cloud's PROFILE leaves the environment's keys out, as boto3's profile_name does.
    shared_files.setenv("AWS_ACCESS_KEY_ID", ENV_KEY)
    shared_files.setenv("AWS_SECRET_ACCESS_KEY", ENV_SECRET)
    chain_cloud(PROFILE="nova-dashboard")
    lists_through_the_chain(member_client, project, caplog, signed_by, PROFILE_KEY)


def test_aws_profile_names_a_profile_of_the_config_file(shared_files, chain_cloud, signed_by,
                                                        member_client, project, caplog):
    shared_files.setenv("AWS_PROFILE", "nova-config")
    ec2_session.forget_credentials()  # the process's AWS session read the files already
    lists_through_the_chain(member_client, project, caplog, signed_by, CONFIG_KEY)


def test_the_default_profile(shared_files, chain_cloud, signed_by, member_client, project,
                             caplog):
    lists_through_the_chain(member_client, project, caplog, signed_by, DEFAULT_KEY)


def test_environment_keys_come_before_the_files(shared_files, chain_cloud, signed_by,
                                                member_client, project, caplog):
    shared_files.setenv("AWS_ACCESS_KEY_ID", ENV_KEY)
    shared_files.setenv("AWS_SECRET_ACCESS_KEY", ENV_SECRET)
    lists_through_the_chain(member_client, project, caplog, signed_by, ENV_KEY)


def test_an_instance_role(aws_env, chain_cloud, signed_by, member_client, project, caplog,
                          moto_url):
    """The instance-metadata service (moto's, at its own URL) hands out the role's keys."""
    aws_env.delenv("AWS_EC2_METADATA_DISABLED")
    aws_env.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", moto_url)
    lists_through_the_chain(member_client, project, caplog, signed_by, IMDS_KEY)


def test_static_keys_win_over_the_chain(shared_files, chain_cloud, signed_by, member_client,
                                        project, caplog):
    shared_files.setenv("AWS_ACCESS_KEY_ID", ENV_KEY)
    shared_files.setenv("AWS_SECRET_ACCESS_KEY", ENV_SECRET)
    chain_cloud(ACCESS_KEY_ID=STATIC_KEY, SECRET_ACCESS_KEY=STATIC_SECRET)
    lists_through_the_chain(member_client, project, caplog, signed_by, STATIC_KEY)


def test_a_projects_own_keys_need_no_chain(aws_env, chain_cloud, signed_by, project):
    """Projects with stored keys use them as before, whatever the chain holds (nothing)."""
    project.access_key_id, project.secret_access_key = "AKIASTOREDKEYEXAMPLE", "stored-secret"
    project.save()
    cloud = open_cloud("embedded", project, "us-east-1")
    assert cloud.session.credentials() == ("AKIASTOREDKEYEXAMPLE", "stored-secret", None)
    assert cloud.compute.list_instances().items == []
    assert keys_of(signed_by, "ec2") == {"AKIASTOREDKEYEXAMPLE"}
    assert keys_of(signed_by, "sts") == set()


def test_no_credentials_anywhere_gives_a_readable_page(aws_env, chain_cloud, member_client,
                                                       caplog, monkeypatch):
    made = []
    real_session = ec2_session.boto3.session.Session

    def counting(*args, **kwargs):
        made.append(kwargs.get("profile_name"))
        return real_session(*args, **kwargs)

    monkeypatch.setattr(ec2_session.boto3.session, "Session", counting)
    caplog.set_level(logging.INFO)
    page = member_client.get("/instances/")
    assert page.status_code == 503
    assert b"no working credentials for this cloud" in page.content
    assert "found no credentials" in caplog.text
    # A chain that found nothing is not asked again at once (an instance-metadata timeout
    # per page otherwise).
    assert member_client.get("/instances/").status_code == 503
    assert made == [None]


def test_a_missing_profile_gives_a_readable_page(shared_files, chain_cloud, member_client,
                                                 caplog):
    chain_cloud(PROFILE="no-such-profile")
    caplog.set_level(logging.INFO)
    page = member_client.get("/instances/")
    assert page.status_code == 503
    assert b"no working credentials for this cloud" in page.content
    assert "no-such-profile" in caplog.text
    for secret in SECRETS:
        assert secret.encode() not in page.content and secret not in caplog.text


def test_the_chain_is_read_afresh_after_forget_credentials(aws_env, chain_cloud, project,
                                                           tmp_path):
    with pytest.raises(Unavailable):
        open_cloud("embedded", project, "us-east-1").session.credentials()
    (tmp_path / "credentials").write_text(CREDENTIALS_FILE)
    ec2_session.forget_credentials()
    key, secret, token = open_cloud("embedded", project, "us-east-1").session.credentials()
    assert key.startswith("ASIA") and token  # the project's role, assumed with the default


def test_the_check_takes_static_keys_or_the_chain():
    def ids(**config):
        return [error.id for error in EC2Cloud.check_config("aws", {"REGIONS": ["x"], **config})]

    assert ids() == []
    assert ids(PROFILE="nova-dashboard") == []
    assert ids(ACCESS_KEY_ID=STATIC_KEY, SECRET_ACCESS_KEY=STATIC_SECRET) == []
    assert ids(ACCESS_KEY_ID=STATIC_KEY) == ["django_nova.E004"]
    assert ids(SECRET_ACCESS_KEY=STATIC_SECRET) == ["django_nova.E004"]
    assert ids(ACCESS_KEY_ID=STATIC_KEY, SECRET_ACCESS_KEY=STATIC_SECRET,
               PROFILE="nova-dashboard") == ["django_nova.E004"]
    errors = EC2Cloud.check_config("aws", {"ACCESS_KEY_ID": STATIC_KEY, "PROFILE": "p"})
    assert all(STATIC_KEY not in f"{error.msg} {error.hint}" for error in errors)
