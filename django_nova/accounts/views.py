from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View

from ..keystone import KeystoneSession
from ..mixins import ProjectViewMixin
from ..services.projects import keystone_logout, switch_project, switch_region
from .forms import LoginForm


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


class SwitchProjectView(LoginRequiredMixin, View):
    http_method_names = ["post"]
    audited = False  # changes only what this session looks at

    def post(self, request):
        project = switch_project(request, request.POST.get("project", ""))
        messages.info(request, f"Now working in project {project.name}.")
        return redirect("django_nova:instances")


class SwitchRegionView(ProjectViewMixin, View):
    http_method_names = ["post"]
    audited = False  # changes only what this session looks at

    def post(self, request):
        region = switch_region(request, request.POST.get("region", ""))
        messages.info(request, f"Now working in region {region}.")
        return redirect(self.safe_next(reverse("django_nova:instances")))
