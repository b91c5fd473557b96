from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordMixin
from django.utils.translation import gettext_lazy as _

from ..conf import nova_settings
from ..exceptions import CloudError, Unavailable
from ..forms import BootstrapFormMixin
from ..services.projects import keystone_clouds

NOT_ACTIVE = _("This account is not active yet. If you signed up, follow the link in the "
               "activation email; otherwise ask an admin.")


def inactive_with_password(username: str, password: str) -> bool:
    """Whether ``username`` is an inactive account whose password this is (Django's
    backend refuses inactive accounts as if the password were wrong).  Only the holder
    of the password learns it; a missing user costs one hash too, as in Django."""
    model = get_user_model()
    user = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
    if user is None:
        model().set_password(password)
        return False
    return not user.is_active and user.check_password(password)


class LoginForm(AuthenticationForm):
    """Django's login form plus a cloud picker and, for OpenStack clouds, a domain.

    OpenStack clouds check the password with Keystone; EC2 clouds with Django.
    """

    # Optional: a site with one cloud shows no picker.
    cloud = forms.ChoiceField(label=_("Cloud"), required=False)
    domain = forms.CharField(label=_("Domain"), max_length=255, required=False,
                             help_text=_("Keystone domain (OpenStack clouds only)."))

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        clouds = nova_settings()["CLOUDS"]
        self.fields["cloud"].choices = [(key, c.get("LABEL", key)) for key, c in clouds.items()]
        self.fields["cloud"].initial = next(iter(clouds), "")
        self.openstack_clouds = keystone_clouds()
        self.fields["domain"].initial = next(iter(self.openstack_clouds.values()), "Default")
        self.keystone = None

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        cloud = self.cleaned_data.get("cloud") or self.fields["cloud"].initial
        if not (username and password and cloud):
            return self.cleaned_data
        # Both kinds go through authenticate(): a refused password sends
        # user_login_failed with the request, which login rate limiting counts.
        if cloud in self.openstack_clouds:
            domain = self.cleaned_data.get("domain") or self.openstack_clouds[cloud]
            try:
                self.user_cache = authenticate(self.request, cloud_username=username,
                                               password=password, cloud=cloud, domain=domain)
            except Unavailable as error:
                raise forms.ValidationError(error.message, code="unavailable") from None
            except CloudError as error:
                raise forms.ValidationError(f"{error.title}: {error.message}",
                                            code="cloud_error") from None
            self.keystone = getattr(self.user_cache, "keystone_session", None)
        else:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None and inactive_with_password(username, password):
                raise forms.ValidationError(NOT_ACTIVE, code="inactive")
        if self.user_cache is None:
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class KeystonePasswordChangeForm(BootstrapFormMixin, SetPasswordMixin, forms.Form):
    """A Keystone user's password change: Keystone checks the current password itself.

    Django's password validators run too (the same rules as for local accounts);
    Keystone may add its own (history, minimum length), shown as a form error.
    """

    old_password = forms.CharField(
        label=_("Current password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}))
    new_password1, new_password2 = SetPasswordMixin.create_password_fields(
        label1=_("New password"), label2=_("New password confirmation"))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password2")
        return super().clean()


class LocalPasswordChangeForm(BootstrapFormMixin, PasswordChangeForm):
    """Django's password change, for accounts whose identity lives in Django (EC2 clouds)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
