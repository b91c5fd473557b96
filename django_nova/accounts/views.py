from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views import View

from ..exceptions import CloudError, Forbidden
from ..keystone import KeystoneSession
from ..mixins import ProjectViewMixin, field_error
from ..services.projects import keystone_logout, switch_project, switch_region
from .forms import KeystonePasswordChangeForm, LocalPasswordChangeForm, LoginForm
from .passwords import change_keystone_password


class LoginView(auth_views.LoginView):
    """Django's login (``next`` validated against this host), in django_nova's layout.

    A Keystone login's tokens go into the server-side session only after
    Django's login() has rotated the session key.
    """

    template_name = "django_nova/accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.keystone is not None:
            form.keystone.save(self.request.session)
        return response

    def get_default_redirect_url(self):
        return reverse("django_nova:instances")


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link cannot log anyone out.  Revokes Keystone tokens."""

    def post(self, request, *args, **kwargs):
        keystone = KeystoneSession.from_session(request.session)
        if keystone is not None:
            keystone_logout(keystone)
        return super().post(request, *args, **kwargs)

    def get_default_redirect_url(self):
        return reverse("django_nova:login")


class SwitchView(ProjectViewMixin, View):
    """Change what this session works in (``switch`` says to what); nothing else changes."""

    http_method_names = ["post"]
    audited = False  # changes only what this session looks at

    def switch(self, request) -> str:
        raise NotImplementedError

    def post(self, request):
        messages.info(request, self.switch(request))
        return redirect(self.safe_next(reverse("django_nova:instances")))


class SwitchProjectView(SwitchView):
    def switch(self, request):
        project = switch_project(request, request.POST.get("project", ""))
        return _("Now working in project %(name)s.") % {"name": project.name}


class SwitchRegionView(SwitchView):
    def switch(self, request):
        region = switch_region(request, request.POST.get("region", ""))
        return _("Now working in region %(region)s.") % {"region": region}


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the signed-in user's password where it lives: Django or Keystone.

    Keystone users (who have no Django password) change it with Keystone's
    self-service API; the session then holds tokens from a fresh login.
    """

    template_name = "django_nova/accounts/password_change.html"
    success_url = reverse_lazy("django_nova:instances")

    def keystone(self) -> KeystoneSession | None:
        return KeystoneSession.from_session(self.request.session)

    def get_form_class(self):
        return KeystonePasswordChangeForm if self.keystone() else LocalPasswordChangeForm

    def form_valid(self, form):
        keystone = self.keystone()
        if keystone is None:
            response = super().form_valid(form)  # saves and keeps this session signed in
        else:
            try:
                fresh = change_keystone_password(self.request, keystone,
                                                 form.cleaned_data["old_password"],
                                                 form.cleaned_data["new_password1"])
            except Forbidden as error:
                field_error(form, "old_password", error.message)
                return self.form_invalid(form)
            except CloudError as error:
                field_error(form, None, error.message)
                return self.form_invalid(form)
            if fresh is None:  # changed, but Keystone would not log in again yet
                logout(self.request)
                messages.success(self.request, _("Your password has been changed. "
                                                 "Sign in with the new password."))
                return redirect("django_nova:login")
            response = redirect(self.get_success_url())
        messages.success(self.request, _("Your password has been changed."))
        return response
