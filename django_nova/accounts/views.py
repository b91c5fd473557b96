from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View

from ..mixins import ProjectViewMixin
from ..services.projects import switch_project, switch_region


class LoginView(auth_views.LoginView):
    """Django's login (``next`` validated against this host), in django_nova's layout."""

    template_name = "django_nova/accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("django_nova:instances")


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link cannot log anyone out."""

    def get_default_redirect_url(self):
        return reverse("django_nova:login")


class SwitchProjectView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        try:
            project_id = int(request.POST.get("project", ""))
        except ValueError:
            project_id = -1
        project = switch_project(request, project_id)
        messages.info(request, f"Now working in project {project.name}.")
        return redirect("django_nova:instances")


class SwitchRegionView(ProjectViewMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        region = switch_region(request, request.POST.get("region", ""))
        messages.info(request, f"Now working in region {region}.")
        return redirect(self.safe_next(reverse("django_nova:instances")))
