"""What every django_nova page shares: login, a current project, safe redirects."""

from functools import cached_property

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .services.compute import ComputeService


class BootstrapFormMixin:
    """Give widgets Bootstrap classes and mark invalid fields, without per-form markup."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(widget, forms.Select):
                css = "form-select"
            elif isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            else:
                css = "form-control"
            if self.is_bound and name in self.errors:
                css += " is-invalid"
            widget.attrs["class"] = css


class ProjectViewMixin(LoginRequiredMixin):
    """Login required, and a current project: pages act inside one project only."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.nova.project is None:
            return render(request, "django_nova/no_project.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def compute(self) -> ComputeService:
        return ComputeService(self.request.nova)

    def safe_next(self, default: str) -> str:
        """The ``next`` parameter if it points to this site, else ``default``."""
        candidate = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if candidate and url_has_allowed_host_and_scheme(
                candidate, allowed_hosts={self.request.get_host()},
                require_https=self.request.is_secure()):
            return candidate
        return default
