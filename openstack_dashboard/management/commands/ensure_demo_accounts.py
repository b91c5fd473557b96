"""Make sure the demo site has its two accounts: ``admin`` and ``demo``.

``admin`` is a site admin; ``demo`` is a member of project ``demo`` on the
embedded cloud.  The password comes from NOVA_DEMO_PASSWORD (applied to both
accounts on every run) or is generated once and kept in var/ (mode 600).
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from django_nova.models import Membership, Project
from django_nova.services.projects import create_project

PASSWORD_FILE = "demo_password"  # noqa: S105 - a file name, not a password


def demo_password() -> str:
    if password := os.environ.get("NOVA_DEMO_PASSWORD"):
        return password
    path = settings.VAR_DIR / PASSWORD_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(12))
    return path.read_text().strip()


class Command(BaseCommand):
    help = "Create (or update) the admin and demo accounts and the demo project."

    def add_arguments(self, parser):
        parser.add_argument("--cloud", default="embedded")

    @transaction.atomic
    def handle(self, cloud, **options):
        password = demo_password()
        users = get_user_model()
        admin, _ = users.objects.get_or_create(username="admin", defaults={"email": ""})
        demo, _ = users.objects.get_or_create(username="demo", defaults={"email": ""})
        admin.is_staff = admin.is_superuser = True
        for user in (admin, demo):
            if not user.check_password(password):
                user.set_password(password)
            user.is_active = True
            user.save()
        project = Project.objects.filter(cloud=cloud, name="demo").first()
        if project is None:
            project = create_project("demo", cloud, description="The demo user's sandbox project")
        for user, role in ((demo, Membership.ROLE_MEMBER), (admin, Membership.ROLE_ADMIN)):
            Membership.objects.get_or_create(user=user, project=project, defaults={"role": role})
        self.stdout.write(f"Accounts: admin and demo, password: {password}")
