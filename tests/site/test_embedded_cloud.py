"""The embedded cloud: one moto server shared by every process of a site."""

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from django_nova import embedded

CHILD = textwrap.dedent("""
    import sys
    from django.conf import settings
    settings.configure(NOVA={"EMBEDDED_STATE_DIR": sys.argv[1]})
    from django_nova import embedded
    print(embedded.ensure_running())
""")


@pytest.fixture
def state_dir(tmp_path, settings):
    settings.NOVA = {**settings.NOVA, "EMBEDDED_STATE_DIR": str(tmp_path)}
    yield tmp_path
    embedded.stop()


def wait_until_closed(port: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            return True
        time.sleep(0.1)
    return False


def start_in_processes(directory: Path, count: int) -> list[str]:
    """Start ``count`` processes at once that each want the embedded cloud."""
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(directory)],
                                 stdout=subprocess.PIPE, text=True) for _ in range(count)]
    return [child.communicate(timeout=60)[0].strip() for child in children]


def test_processes_share_one_server(state_dir):
    urls = start_in_processes(state_dir, 3)
    assert len(set(urls)) == 1 and urls[0].startswith("http://127.0.0.1:")
    state = json.loads((state_dir / "embedded-cloud.json").read_text())
    # This process finds the same server instead of starting another.
    assert embedded.ensure_running() == urls[0]
    assert embedded.running_url() == urls[0]
    # A client holding a keep-alive connection must not keep the server up.
    assert embedded.endpoint_url() == urls[0]
    client = boto3.client("ec2", endpoint_url=urls[0], region_name="us-east-1",
                          aws_access_key_id="k", aws_secret_access_key="s")
    embedded.authorize(client)  # as the dashboard's clients are
    client.describe_regions()
    assert embedded.stop() is True
    assert embedded.running_url() is None
    assert wait_until_closed(state["port"])


def test_embedded_cloud_is_seeded_and_validates(state_dir):
    url = embedded.endpoint_url()
    ec2 = boto3.client("ec2", endpoint_url=url, region_name="us-east-1",
                       aws_access_key_id="nova-embedded", aws_secret_access_key="nova-embedded")
    embedded.authorize(ec2)
    names = {i["Name"] for i in ec2.describe_images(Owners=["100000000001"])["Images"]}
    assert names == {"Ubuntu 24.04 LTS (Noble Numbat)", "Debian 13 (Trixie)",
                     "Fedora Cloud 43", "CirrOS 0.6.3"}
    assert len(ec2.describe_images()["Images"]) == 4  # not moto's 1,301 defaults
    with pytest.raises(ClientError, match="InvalidAMIID"):
        ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1,
                          InstanceType="t3.micro")
    with pytest.raises(ClientError, match="InvalidInstanceType"):
        ec2.run_instances(ImageId="ami-0cafe000000000004", MinCount=1, MaxCount=1,
                          InstanceType="t9.enormous")


def test_a_dead_server_is_replaced(state_dir):
    first = embedded.ensure_running()
    pid = json.loads((state_dir / "embedded-cloud.json").read_text())["pid"]
    os.kill(pid, signal.SIGKILL)
    assert wait_until_closed(int(first.rsplit(":", 1)[1]))
    second = embedded.ensure_running()
    assert embedded.running_url() == second
    assert json.loads((state_dir / "embedded-cloud.json").read_text())["pid"] != pid
