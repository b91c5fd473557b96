from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm

from ..conf import nova_settings
from ..exceptions import Forbidden, Unavailable
from ..services.projects import keystone_login


class LoginForm(AuthenticationForm):
    """Django's login form plus a cloud picker and, for OpenStack clouds, a domain.

    OpenStack clouds check the password with Keystone; EC2 clouds with Django.
    """

    # Optional: a site with one cloud shows no picker.
    cloud = forms.ChoiceField(required=False)
    domain = forms.CharField(max_length=255, required=False,
                             help_text="Keystone domain (OpenStack clouds only).")

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        clouds = nova_settings()["CLOUDS"]
        self.fields["cloud"].choices = [(key, c.get("LABEL", key)) for key, c in clouds.items()]
        self.fields["cloud"].initial = next(iter(clouds), "")
        self.openstack_clouds = {key: c.get("DEFAULT_DOMAIN", "Default")
                                 for key, c in clouds.items() if c.get("DRIVER") == "openstack"}
        self.fields["domain"].initial = next(iter(self.openstack_clouds.values()), "Default")
        self.keystone = None

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        cloud = self.cleaned_data.get("cloud") or self.fields["cloud"].initial
        if not (username and password and cloud):
            return self.cleaned_data
        if cloud in self.openstack_clouds:
            domain = self.cleaned_data.get("domain") or self.openstack_clouds[cloud]
            try:
                self.keystone = keystone_login(cloud, username, password, domain)
            except Forbidden:
                raise self.get_invalid_login_error() from None
            except Unavailable as error:
                raise forms.ValidationError(error.message, code="unavailable") from None
            self.user_cache = authenticate(self.request, keystone=self.keystone)
        else:
            self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
