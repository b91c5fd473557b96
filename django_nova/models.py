"""Projects and memberships for clouds whose identity lives in Django (EC2).

On the embedded cloud and on AWS a project is one EC2 account, reached by
assuming a role in it (the default) or with stored keys kept encrypted.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from .conf import nova_settings
from .crypto import EncryptedTextField

account_id_validator = RegexValidator(r"^\d{12}$", "An account id is 12 digits.")


def new_account_id() -> str:
    """A fresh 12-digit account id, for sandbox projects that own a new account."""
    return str(secrets.randbelow(9 * 10**11) + 10**11)


class Project(models.Model):
    name = models.CharField(max_length=64)
    description = models.TextField(blank=True)
    cloud = models.CharField(max_length=64, help_text="A key of NOVA['CLOUDS'].")
    account_id = models.CharField(
        max_length=12, validators=[account_id_validator], default=new_account_id,
        help_text="The EC2 account this project is; on the embedded cloud any new id "
                  "makes a new, empty account.")
    role_name = models.CharField(
        max_length=64, blank=True,
        help_text="Role assumed in the account; empty uses the cloud's ROLE_NAME.")
    access_key_id = models.CharField(
        max_length=128, blank=True,
        help_text="Stored keys instead of a role (kept encrypted).")
    secret_access_key = EncryptedTextField(blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership",
                                     related_name="nova_projects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["cloud", "name"], name="nova_project_unique_name"),
            models.UniqueConstraint(fields=["cloud", "account_id"],
                                    name="nova_project_unique_account"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.cloud not in nova_settings()["CLOUDS"]:
            raise ValidationError({"cloud": f"No cloud {self.cloud!r} in NOVA['CLOUDS']."})
        if bool(self.access_key_id) != bool(self.secret_access_key):
            raise ValidationError("Give both an access key id and a secret, or neither.")

    def role_arn(self, default_role: str) -> str:
        return f"arn:aws:iam::{self.account_id}:role/{self.role_name or default_role}"


class Membership(models.Model):
    ROLE_MEMBER = "member"
    ROLE_ADMIN = "admin"
    ROLES = [(ROLE_MEMBER, "Member"), (ROLE_ADMIN, "Project admin")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="nova_memberships")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=ROLES, default=ROLE_MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="nova_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} in {self.project} ({self.role})"
