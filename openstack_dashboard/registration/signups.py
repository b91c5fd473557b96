"""Sign-ups: which clouds take them, recording one, and activating it.

Activation runs the cloud's provisioning (django_nova.services.provisioning):
a Keystone user and personal project on OpenStack, a personal project (its
own account) on EC2 clouds.  Provisioning is all or nothing; when it fails,
the account stays inactive, the user is told why, and the site's admins get
an email and an audit-log entry.  An OpenStack sign-up's Django user then
becomes the shadow user a Keystone login lands on, so there is one account.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import mail_admins
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from django_nova.backends import make_shadow_username
from django_nova.clouds import identity_clouds
from django_nova.conf import nova_settings
from django_nova.services import provisioning

from .models import Signup

logger = logging.getLogger("django_nova.registration")

STALE_CLAIM = timedelta(minutes=10)
# Recorded (and mailed to the admins) in English; the user reads it translated.
UNEXPECTED = gettext_noop("An unexpected error stopped provisioning.")


class SignupFailed(Exception):
    """Activation could not provision the account; ``str()`` is fit for the user."""


def is_keystone_cloud(cloud: str) -> bool:
    return cloud in identity_clouds()


def registration_clouds() -> dict[str, str]:
    """Clouds that take sign-ups, key → label, in settings order.

    ``settings.REGISTRATION_CLOUDS`` names them (None: every cloud).  An
    OpenStack cloud takes sign-ups only with provisioning on: its users live
    in Keystone, so a sign-up without a Keystone user could never log in.
    """
    clouds = nova_settings()["CLOUDS"]
    wanted = getattr(settings, "REGISTRATION_CLOUDS", None)
    keys = list(clouds) if wanted is None else [k for k in wanted if k in clouds]
    return {key: clouds[key].get("LABEL", key) for key in keys
            if not is_keystone_cloud(key) or provisioning.provisioning_enabled(key)}


def create_signup(form, cloud: str):
    """An inactive user and its sign-up record (the caller's transaction holds both)."""
    user = form.save(commit=False)
    user.is_active = False
    password = ""
    if is_keystone_cloud(cloud):
        # Keystone needs the chosen password when the account is provisioned, later;
        # the Django account never gets it, so however the account is activated,
        # only a Keystone login (after provisioning) can sign in.
        password = form.cleaned_data["password1"]
        user.set_unusable_password()
    user.save()
    Signup.objects.create(user=user, username=user.get_username(), cloud=cloud,
                          password=password)
    return user


def _notify_admins(signup: Signup, message: str) -> None:
    logger.error("Provisioning the sign-up %s on %s failed: %s",
                 signup.username, signup.cloud, message)
    mail_admins(
        f"Sign-up {signup.username} could not be provisioned",
        f"The account {signup.username} ({signup.user.email}) signed up for cloud "
        f"{signup.cloud} and followed its activation link, but provisioning failed:\n\n"
        f"    {message}\n\nThe account stays inactive and nothing was created in the "
        "cloud. Once the cause is fixed, the same activation link tries again (until it "
        f"expires): ask the user to open it again.{_manual_activation_hint(signup)}",
        fail_silently=True)


def _manual_activation_hint(signup: Signup) -> str:
    if is_keystone_cloud(signup.cloud):
        return ("\n\nDo not activate this account in the admin: it has no Keystone user "
                "yet and no usable password, so it could not sign in (and the activation "
                "link then no longer provisions it).")
    return ("\n\nOr assign the user to a project yourself and activate the account in "
            "the admin.")


def activate_signup(user) -> Signup | None:
    """Provision (when the cloud says so) and activate; SignupFailed leaves it inactive.

    Users without a sign-up record (made by an admin) are simply activated.
    """
    signup = Signup.objects.filter(user=user).first()
    if signup is None:
        user.is_active = True
        user.save(update_fields=["is_active"])
        return None
    # Claim it, so a double click cannot provision twice; a claim whose
    # process died long ago (provisioning takes seconds) may be taken over.
    now = timezone.now()
    claimable = Q(state__in=[Signup.PENDING, Signup.FAILED]) | Q(
        state=Signup.PROVISIONING, claimed_at__lt=now - STALE_CLAIM)
    claimed = Signup.objects.filter(claimable, pk=signup.pk).update(
        state=Signup.PROVISIONING, claimed_at=now)
    if not claimed:
        raise SignupFailed(_("This account is being activated already; sign in in a moment."))
    result = None
    try:
        if signup.cloud not in nova_settings()["CLOUDS"]:
            raise provisioning.ProvisioningError(
                _("The cloud %(cloud)r is no longer offered by this site.")
                % {"cloud": signup.cloud})
        # An OpenStack sign-up always needs its Keystone user (provision_user says
        # so when provisioning was switched off meanwhile).
        if is_keystone_cloud(signup.cloud) or provisioning.provisioning_enabled(signup.cloud):
            result = provisioning.provision_user(user, signup.cloud, signup.password or None)
    except Exception as error:
        _fail(signup, error)
    try:
        _record_activation(user, signup, result)
    except Exception as error:
        # The cloud side exists but is not recorded: remove it, so the link can retry.
        note = ""
        if result is not None and not provisioning.deprovision(result):
            note = (f" Removing its cloud side (project {result.project_id}) failed: "
                    "delete it by hand before the link is used again.")
        _fail(signup, error, note)
    return signup


def _fail(signup: Signup, error: Exception, note: str = ""):
    """Mark the sign-up failed, tell the admins, and raise SignupFailed for the user."""
    known = isinstance(error, provisioning.ProvisioningError)
    message = str(error) if known else UNEXPECTED
    Signup.objects.filter(pk=signup.pk).update(state=Signup.FAILED, error=message)
    _notify_admins(signup, (message if known else f"{type(error).__name__}: {error}") + note)
    if not known:
        logger.exception("Unexpected error provisioning %s", signup.username)
    raise SignupFailed(message if known else _(UNEXPECTED)) from error


def _record_activation(user, signup: Signup, result) -> None:
    with transaction.atomic():
        user.is_active = True
        if result is not None and result.cloud_user_id:
            # The user a later Keystone login lands on: one account, no local password.
            user.username = make_shadow_username(result.cloud_user_id, signup.cloud)
            user.first_name = user.first_name or signup.username[:150]
            user.set_unusable_password()
        user.save()
        signup.state = Signup.ACTIVE
        signup.password = ""
        signup.error = ""
        signup.activated_at = timezone.now()
        if result is not None:
            signup.project_id = result.project_id
            signup.project_name = result.project_name
            signup.cloud_user_id = result.cloud_user_id
        signup.save()


def purge_expired_signups(now=None) -> int:
    """Delete accounts whose activation link expired unused (and their kept passwords).

    Whatever else happened to an old sign-up that is not active (stuck while
    provisioning, or its account activated in the admin), its kept password
    is erased: no activation link can use it any more.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.ACCOUNT_ACTIVATION_DAYS)
    old = Signup.objects.filter(created_at__lt=cutoff).exclude(state=Signup.ACTIVE)
    old.exclude(password="").update(password="")
    expired = old.filter(user__is_active=False).exclude(state=Signup.PROVISIONING)
    users = get_user_model().objects.filter(nova_signup__in=expired)
    count = users.count()
    users.delete()  # their Signup rows go with them
    return count


def forget_kept_password(sender, instance, created=False, update_fields=None, **kwargs):
    """post_save of the user model: an active account's sign-up keeps no password.

    Connected in RegistrationConfig.ready, so every way of activating an account
    (the link, Admin ▸ Users ▸ Enable, the Django admin) erases it.  A deleted
    user's sign-up row, password included, goes with it (on_delete=CASCADE).
    """
    if not instance.is_active or created:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return  # this save could not have activated it
    Signup.objects.filter(user_id=instance.pk).exclude(password="").update(password="")
