"""Forms of the identity admin pages: the same on both clouds, with cloud-specific fields."""

from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from ..forms import BootstrapFormMixin

NAME_MAX = 64


class ProjectForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    description = forms.CharField(label=_("Description"), required=False, max_length=1000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True,
                                 help_text=_("Disabled projects are not offered to their "
                                             "members."))
    cloud = forms.ChoiceField(label=_("Cloud"), required=False,
                              help_text=_("The EC2 cloud the project lives on."))

    def __init__(self, *args, clouds=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only a new project on a site with several EC2 clouds has a cloud to pick.
        if len(clouds) > 1:
            self.fields["cloud"].choices = list(clouds)
            self.fields["cloud"].required = True
        else:
            del self.fields["cloud"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the project a name."))
        return name


class UserForm(BootstrapFormMixin, forms.Form):
    """A user's name, email and state; ``is_admin`` only where identity is Django's (EC2)."""

    name = forms.CharField(max_length=150, label=_("User name"))
    email = forms.EmailField(label=_("Email"), required=False)
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True,
                                 help_text=_("Disabled users cannot sign in."))
    is_admin = forms.BooleanField(required=False, label=_("Cloud administrator"),
                                  help_text=_("May use these admin pages."))

    def __init__(self, *args, site_users=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_users = site_users
        if site_users:
            self.fields["name"].validators.append(UnicodeUsernameValidator())
        else:
            self.fields["name"].max_length = 255
            del self.fields["is_admin"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the user a name."))
        return name


class PasswordCheckMixin(SetPasswordMixin):
    """Both password fields match and pass Django's password validators (both clouds)."""

    user = None

    def clean(self):
        self.validate_passwords("password1", "password2")
        self.validate_password_for_user(self.user, "password2")
        return super().clean()


class PasswordForm(BootstrapFormMixin, PasswordCheckMixin, forms.Form):
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("New password"), label2=_("New password confirmation"))

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class UserCreateForm(PasswordCheckMixin, UserForm):
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("Password confirmation"))


class RoleForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.id, r.name) for r in roles]


class MemberAddForm(RoleForm):
    user = forms.ChoiceField(label=_("User"))

    field_order = ["user", "role"]

    def __init__(self, *args, users=(), roles=(), **kwargs):
        super().__init__(*args, roles=roles, **kwargs)
        # The least privilege by default: one careless click must not make a project admin.
        self.fields["role"].initial = next(
            (r.id for r in roles if str(r.id).lower() == "member" or r.name.lower() == "member"),
            None)
        self.fields["user"].choices = [("", _("Choose a user…"))] + [
            (u.id, f"{u.name} ({u.email})" if u.email else u.name) for u in users]
        self.order_fields(self.field_order)
