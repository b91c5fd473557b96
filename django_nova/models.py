"""Projects and memberships for clouds whose identity lives in Django (EC2).

On the embedded cloud and on AWS a project is one EC2 account, reached by
assuming a role in it (the default) or with stored keys kept encrypted.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .conf import nova_settings
from .crypto import EncryptedTextField
from .validators import validate_resource_name

account_id_validator = RegexValidator(r"^\d{12}$", _("An account id is 12 digits."))


def new_account_id() -> str:
    """A fresh 12-digit account id, for sandbox projects that own a new account."""
    return str(secrets.randbelow(9 * 10**11) + 10**11)


class Project(models.Model):
    name = models.CharField(max_length=64, validators=[validate_resource_name])
    description = models.TextField(blank=True)
    enabled = models.BooleanField(default=True, help_text=_("Disabled projects are not "
                                                            "offered to their members."))
    cloud = models.CharField(max_length=64, help_text=_("A key of NOVA['CLOUDS']."))
    account_id = models.CharField(
        max_length=12, validators=[account_id_validator], default=new_account_id,
        help_text=_("The EC2 account this project is; on the embedded cloud any new id "
                    "makes a new, empty account."))
    role_name = models.CharField(
        max_length=64, blank=True,
        help_text=_("Role assumed in the account; empty uses the cloud's ROLE_NAME."))
    access_key_id = models.CharField(
        max_length=128, blank=True,
        help_text=_("Stored keys instead of a role (kept encrypted)."))
    secret_access_key = EncryptedTextField(blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership",
                                     related_name="nova_projects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # "Demo" beside "demo" would be two projects nobody tells apart.
            models.UniqueConstraint(
                "cloud", Lower("name"), name="nova_project_unique_name_ci",
                violation_error_message=_(
                    "A project with this name already exists on this cloud.")),
            models.UniqueConstraint(fields=["cloud", "account_id"],
                                    name="nova_project_unique_account"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.cloud not in nova_settings()["CLOUDS"]:
            raise ValidationError({"cloud": gettext("No cloud %(cloud)s in NOVA['CLOUDS'].")
                                   % {"cloud": repr(self.cloud)}})
        if bool(self.access_key_id) != bool(self.secret_access_key):
            raise ValidationError(gettext("Give both an access key id and a secret, or neither."))

    def role_arn(self, default_role: str) -> str:
        return f"arn:aws:iam::{self.account_id}:role/{self.role_name or default_role}"


class Membership(models.Model):
    ROLE_MEMBER = "member"
    ROLE_ADMIN = "admin"
    ROLES = [(ROLE_MEMBER, _("Member")), (ROLE_ADMIN, _("Project admin"))]

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


class Quota(models.Model):
    """One resource limit of a project on a cloud that enforces none (EC2).

    django-nova enforces these itself before launching or creating; on
    OpenStack the services' own quotas are used instead.
    """

    UNLIMITED = -1

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="quotas")
    resource = models.CharField(max_length=32)
    limit = models.IntegerField(validators=[MinValueValidator(UNLIMITED)],
                                help_text=_("-1 means unlimited."))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "resource"], name="nova_quota_unique"),
        ]

    def __str__(self):
        return f"{self.project} {self.resource}={self.limit}"


class QuotaReservation(models.Model):
    """What a create that passed the quota check holds until the cloud has made it.

    The check counts the cloud's resources and these rows under a lock on the
    project (services.quotas.SiteKeptQuotas.held), so concurrent creates
    cannot all pass; each row goes when its create ends.  Rows of a process that
    died mid-create stop counting after ``HELD_SECONDS``.
    """

    HELD_SECONDS = 300

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reservations")
    resource = models.CharField(max_length=32)
    amount = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"{self.project} {self.resource}+{self.amount}"


class FormSubmission(models.Model):
    """One sending of a form that creates something (mixins.SubmitOnceMixin).

    Each rendered form carries a new token; the row claims it, so the same form
    sent again (a double click, a reload, back and send again) is recognised and
    does not act twice.  ``outcome_url`` is where the first sending went.
    """

    KEPT_DAYS = 1

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    token = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    done = models.BooleanField(default=False)
    outcome_url = models.CharField(max_length=2000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="nova_submission_once"),
        ]

    def __str__(self):
        return f"{self.user_id}:{self.token}"


class AuditEntry(models.Model):
    """One action that changed (or tried to change) something: who, where, what, how it went.

    Written for every POST, whatever the outcome (django_nova.audit); never
    holds request bodies, so passwords and secret keys cannot reach it.
    """

    SUCCESS = "success"
    FAILURE = "failure"
    OUTCOMES = [(SUCCESS, _("Success")), (FAILURE, _("Failure"))]

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    # Kept as text so the entry survives the user's deletion.
    username = models.CharField(max_length=150, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    cloud = models.CharField(max_length=64, blank=True)
    project_id = models.CharField(max_length=64, blank=True)
    project_name = models.CharField(max_length=128, blank=True)
    action = models.CharField(max_length=64)
    target = models.TextField(blank=True)
    outcome = models.CharField(max_length=16, choices=OUTCOMES)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["cloud", "project_id", "-created_at"],
                         name="nova_audit_project"),
            models.Index(fields=["action", "-created_at"], name="nova_audit_action"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.outcome}"


class UserPreferences(models.Model):
    """What one person chose for their pages: a language and a time zone (blank: the
    browser's language, the site's time zone)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="nova_preferences")
    language = models.CharField(max_length=16, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return f"{self.user}: {self.language or '-'}, {self.time_zone or '-'}"
