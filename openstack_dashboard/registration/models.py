"""One sign-up: which cloud it is for and where provisioning stands.

The chosen password of an OpenStack sign-up is needed once more, when the
activation link creates the Keystone user; until then it is kept encrypted
(Fernet, key derived from SECRET_KEY; the Django user never gets it, its
password stays unusable).  It is erased as soon as the account becomes
active, however that happens (signups.forget_kept_password), with the
account when it is deleted, and by purge_signups once the link has expired.
It never appears in clear text, in a page or a log.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from django_nova.crypto import EncryptedTextField


class Signup(models.Model):
    PENDING = "pending"
    PROVISIONING = "provisioning"
    ACTIVE = "active"
    FAILED = "failed"
    STATES = [(PENDING, _("Waiting for activation")), (PROVISIONING, _("Provisioning")),
              (ACTIVE, _("Active")), (FAILED, _("Provisioning failed"))]

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="nova_signup")
    # The name chosen at sign-up; an OpenStack sign-up's Django user is later
    # renamed to its Keystone shadow name, so this keeps the chosen one.
    username = models.CharField(max_length=150, unique=True)
    cloud = models.CharField(max_length=64, help_text="A key of NOVA['CLOUDS'].")
    state = models.CharField(max_length=16, choices=STATES, default=PENDING)
    password = EncryptedTextField(blank=True, help_text="Kept encrypted until provisioning.")
    project_id = models.CharField(max_length=64, blank=True)
    project_name = models.CharField(max_length=128, blank=True)
    cloud_user_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When an activation started provisioning (a claim older than STALE_CLAIM is dead).
    claimed_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.username} on {self.cloud} ({self.state})"
