"""The embedded cloud's side of the bench: the demo project's account, boto3
clients as that project (through the counting proxy), instances, load users."""

import json

import boto3
from botocore.config import Config

IMAGES = ["ami-0cafe000000000001", "ami-0cafe000000000002", "ami-0cafe000000000003",
          "ami-0cafe000000000004"]
REGION = "us-east-1"

PROJECT_SNIPPET = """
import json
from django_nova.conf import cloud_config
from django_nova.models import Project
p = Project.objects.get(cloud="embedded", name="demo")
c = cloud_config("embedded")
print("BENCH" + json.dumps({"role_arn": p.role_arn(c["ROLE_NAME"]), "key": c["ACCESS_KEY_ID"],
                            "secret": c["SECRET_ACCESS_KEY"]}))
"""

USERS_SNIPPET = """
from django.contrib.auth import get_user_model
from django_nova.models import Membership, Project
project = Project.objects.get(cloud="embedded", name="demo")
users = get_user_model()
for n in range({count}):
    user, _ = users.objects.get_or_create(username=f"bench-load-{{n:03d}}")
    user.set_password({password!r})
    user.is_active = True
    user.save()
    Membership.objects.get_or_create(user=user, project=project,
                                     defaults={{"role": Membership.ROLE_MEMBER}})
print("BENCH done")
"""


def project_ec2(site, endpoint: str):
    """An EC2 client acting as the demo project (assumed role), like the driver's."""
    out = site.manage("shell", "-c", PROJECT_SNIPPET)
    info = json.loads(out.split("BENCH", 1)[1])
    config = Config(retries={"total_max_attempts": 1})
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=REGION, config=config,
                       aws_access_key_id=info["key"], aws_secret_access_key=info["secret"])
    creds = sts.assume_role(RoleArn=info["role_arn"],
                            RoleSessionName="django-nova-bench")["Credentials"]
    return boto3.client("ec2", endpoint_url=endpoint, region_name=REGION, config=config,
                        aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def top_up(ec2, count: int, log=print) -> None:
    have = sum(len(r["Instances"]) for page in ec2.get_paginator("describe_instances").paginate()
               for r in page["Reservations"])
    for n in range(have, count):
        # Separate reservations, as users launch them; images rotate.
        ec2.run_instances(ImageId=IMAGES[n % len(IMAGES)], InstanceType="t3.micro",
                          MinCount=1, MaxCount=1, TagSpecifications=[{
                              "ResourceType": "instance",
                              "Tags": [{"Key": "Name", "Value": f"bench-{n:04d}"}]}])
    if count > have:
        log(f"  embedded: launched {count - have} instances (now {count})")
    volumes = ec2.describe_volumes()["Volumes"]
    for _ in range(len(volumes), 5):
        ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1)
    keys = ec2.describe_key_pairs()["KeyPairs"]
    for n in range(len(keys), 5):
        ec2.create_key_pair(KeyName=f"bench-key-{n}")


def load_users(site, count: int, password: str) -> list[dict]:
    site.manage("shell", "-c", USERS_SNIPPET.format(count=count, password=password),
                timeout=900)
    return [{"cloud": "embedded", "username": f"bench-load-{n:03d}", "password": password}
            for n in range(count)]
