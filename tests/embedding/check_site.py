"""Run inside a fresh process with DJANGO_SETTINGS_MODULE=tests.embedding.settings.

Migrates, creates a user in a project, logs in through django_nova's login
page, launches an instance through the form and lists it; prints a JSON report.
"""

import json
import sys

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from django_nova.models import Membership  # noqa: E402
from django_nova.services.projects import create_project  # noqa: E402

call_command("migrate", verbosity=0)
call_command("check", fail_level="ERROR")
user = get_user_model().objects.create_user("host-user", password="host-password-1")
create_project("team", "sandbox", members=[(user, Membership.ROLE_MEMBER)])

client = Client()
anonymous = client.get("/cloud/instances/")
client.post("/cloud/login/", {"username": "host-user", "password": "host-password-1"})
launch = client.post("/cloud/instances/launch/", {
    "name": "embedded-vm", "image": "ami-0cafe000000000004", "instance_type": "t3.micro",
    "count": 1})
listing = client.get("/cloud/instances/")
report = {
    "anonymous_redirect": anonymous.headers.get("Location", ""),
    "launch_status": launch.status_code,
    "launch_redirect": launch.headers.get("Location", ""),
    "list_status": listing.status_code,
    "listed": "embedded-vm" in listing.content.decode(),
    "region_shown": "eu-central-1" in listing.content.decode(),
    "reference_site_loaded": any(m.startswith("openstack_dashboard") for m in sys.modules),
    "host_home": client.get("/").content.decode(),
}
print(json.dumps(report))
