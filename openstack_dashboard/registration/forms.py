"""Sign-up and password-reset forms of the reference site."""

import unicodedata

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django_registration.forms import RegistrationFormUniqueEmail

from django_nova.backends import keystone_identity
from django_nova.forms import BootstrapFormMixin
from django_nova.services.provisioning import provisioning_enabled, set_cloud_password

from .models import Signup
from .signups import registration_clouds

# Keystone shadow users are "<id>@<cloud>": chosen names stay clear of that shape.
no_at_sign = RegexValidator(r"^[^@]+$", _("A user name cannot contain “@”."))


class SignupForm(BootstrapFormMixin, RegistrationFormUniqueEmail):
    """django-registration's form (unique email, password rules) plus the cloud to join."""

    cloud = forms.ChoiceField(label=_("Cloud"), help_text=_("Where your personal project is made."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields[get_user_model().USERNAME_FIELD]
        username.validators.append(no_at_sign)
        username.label = _("User name")
        username.help_text = _("Letters, digits and . + - _ only; you sign in with it.")
        username.widget.attrs.update({"autocomplete": "username", "autofocus": True})
        clouds = registration_clouds()
        self.fields["cloud"].choices = list(clouds.items())
        self.fields["cloud"].initial = next(iter(clouds), "")
        if len(clouds) < 2:
            self.fields["cloud"].widget = forms.HiddenInput()
            self.fields["cloud"].required = False
        self.order_fields(["cloud"])

    def clean_cloud(self):
        return self.cleaned_data.get("cloud") or self.fields["cloud"].initial

    def clean_username(self):
        username = self.cleaned_data.get(get_user_model().USERNAME_FIELD, "")
        # An OpenStack sign-up's user is renamed later; its chosen name stays taken.
        if Signup.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That user name is taken."), code="unique")
        return username


def _same_email(a: str, b: str) -> bool:
    def fold(value):
        return unicodedata.normalize("NFKC", value).casefold()
    return fold(a) == fold(b)


def can_reset(user) -> bool:
    """Local accounts with a password, and Keystone users the site may set a password for."""
    if user.has_usable_password():
        return True
    identity = keystone_identity(user)
    return identity is not None and provisioning_enabled(identity[1])


class NovaPasswordResetForm(BootstrapFormMixin, PasswordResetForm):
    """Django's reset form; it also reaches Keystone users (no Django password) whose
    cloud lets the site set passwords through its service account."""

    def get_users(self, email):
        email_field = get_user_model().get_email_field_name()
        users = get_user_model()._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True})
        return (u for u in users
                if can_reset(u) and _same_email(email, getattr(u, email_field)))


class NovaSetPasswordForm(BootstrapFormMixin, SetPasswordForm):
    """The new password: into Django for local accounts, into Keystone for Keystone users.

    For a Keystone user the Django side gets a fresh unusable password, which
    changes the reset token's hash: the link cannot be used twice.
    """

    def save(self, commit=True):
        identity = keystone_identity(self.user)
        if identity is None:
            return super().save(commit)
        user_id, cloud = identity
        set_cloud_password(cloud, user_id, self.cleaned_data["new_password1"])
        self.user.set_unusable_password()
        if commit:
            self.user.save(update_fields=["password"])
        return self.user
