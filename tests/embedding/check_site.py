"""Run inside a fresh process with DJANGO_SETTINGS_MODULE=tests.embedding.settings.

Migrates, creates a user in a project, logs in through django_nova's login
page, launches an instance through the form and lists it; then adds an OpenStack
cloud and runs the system checks, without and with KeystoneBackend; prints a
JSON report.
"""

import json
import sys

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core import checks  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from django_nova.models import AuditEntry, Membership  # noqa: E402
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
host_post = client.post("/host/form/", {"anything": "1"})
page = listing.content.decode()
report = {
    "anonymous_redirect": anonymous.headers.get("Location", ""),
    "launch_status": launch.status_code,
    "launch_redirect": launch.headers.get("Location", ""),
    "list_status": listing.status_code,
    "listed": "embedded-vm" in listing.content.decode(),
    "region_shown": "eu-central-1" in listing.content.decode(),
    "reference_site_loaded": any(m.startswith("openstack_dashboard") for m in sys.modules),
    "host_home": client.get("/").content.decode(),
    "host_post": host_post.status_code,
    # Only django_nova's own POSTs are in its audit log (the launch, the login).
    "audited": sorted({entry.action for entry in AuditEntry.objects.all()}),
    # The host's base template placed django_nova's pieces itself.
    "host_layout": "Host layout" in page,
    "pieces": {piece: piece in page for piece in (
        'id="nova-project"', 'id="nova-username"', 'id="nova-sign-out"',
        'href="/cloud/volumes/"', 'class="nova-messages"')},
}


def nova_check_ids() -> list[str]:
    return sorted(m.id for m in checks.run_checks()
                  if m.id.startswith("django_nova") and not m.is_silenced())


# An OpenStack cloud added to this site, whose AUTHENTICATION_BACKENDS are Django's default
# (ModelBackend only): the checks say KeystoneBackend is missing, until it is added.
keystone_cloud = {"DRIVER": "openstack", "AUTH_URL": "http://127.0.0.1:5000/v3",
                  "REGIONS": ["RegionOne"]}
with override_settings(NOVA={**settings.NOVA, "CLOUDS": {**settings.NOVA["CLOUDS"],
                                                         "keystone": keystone_cloud}}):
    report["openstack_checks"] = nova_check_ids()
    with override_settings(AUTHENTICATION_BACKENDS=[
            "django_nova.backends.KeystoneBackend", "django.contrib.auth.backends.ModelBackend"]):
        report["openstack_checks_with_backend"] = nova_check_ids()
print(json.dumps(report))
