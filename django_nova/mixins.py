"""What every django_nova page shares: login, a current project, safe redirects."""

from functools import cached_property

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, TemplateView

from . import audit
from .concurrency import gather
from .exceptions import CloudError, Conflict, InvalidInput, NotFound
from .services.compute import ComputeService


class BootstrapFormMixin:
    """Give widgets Bootstrap classes and mark invalid fields, without per-form markup."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            else:
                widget.attrs["class"] = "form-control"

    def full_clean(self):
        """Validate, then mark invalid widgets (after subclasses set their choices)."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


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


class AdminRequiredMixin(LoginRequiredMixin):
    """Cloud administrators only: anonymous users go to log in, everyone else gets 403.

    An admin is a Keystone user with the admin role in the current project
    (OpenStack) or a staff user (clouds whose identity lives in Django).
    """

    #: The audit log files admin actions under no project (django_nova.audit).
    acts_across_projects = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.nova.is_cloud_admin:
            raise PermissionDenied("This page is for cloud administrators.")
        return super().dispatch(request, *args, **kwargs)


def field_error(form, field: str | None, message: str) -> None:
    """A cloud's answer as a form error, marked on its widget like validation errors."""
    field = field if field in form.fields else None
    form.add_error(field, message)
    if field is not None:
        widget = form.fields[field].widget
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def cloud_message(error: CloudError) -> str:
    """A refusal in the user's words; anything unexpected with its title."""
    if isinstance(error, Conflict | InvalidInput | NotFound):
        return error.message
    return f"{error.title}: {error.message}"


class CloudFormView(ProjectViewMixin, FormView):
    """A form whose cloud errors land on the form, so the user's input is kept.

    A Conflict lands on ``conflict_field`` (a duplicate name), invalid input
    on ``invalid_field`` (the form as a whole by default), anything else on
    the form as a whole; a call that knows better names its ``field``.
    """

    conflict_field = "name"
    invalid_field = None

    def conflict_error(self, form, error: Conflict) -> tuple[str | None, str]:
        """Where a Conflict lands and what it says; views with a better word override it."""
        return self.conflict_field, error.message

    def call_cloud(self, form, action, field: str | None = None):
        """``(result, True)``, or ``(None, False)`` with the cloud's refusal on the form."""
        try:
            return action(), True
        except Conflict as error:
            target, message = (field, error.message) if field else self.conflict_error(form,
                                                                                       error)
        except InvalidInput as error:
            target, message = field or self.invalid_field, error.message
        except CloudError as error:
            target, message = None, cloud_message(error)
        field_error(form, target, message)
        return None, False


class BulkDeleteView(ProjectViewMixin, TemplateView):
    """Delete several resources of one kind: one confirmation, then a result for each."""

    template_name = "django_nova/bulk_delete.html"
    http_method_names = ["post"]
    kind = ""
    list_url = ""
    max_items = 50

    def delete_one(self, resource_id: str) -> None:
        raise NotImplementedError

    def _attempt(self, resource_id: str):
        def run():
            try:
                self.delete_one(resource_id)
            except CloudError as error:
                return error.message
            return ""
        return run

    def post(self, request):
        ids = list(dict.fromkeys(i for i in request.POST.getlist("ids") if i))[:self.max_items]
        if not ids:
            audit.not_a_change(request)
            messages.warning(request, f"Select at least one {self.kind} first.")
            return redirect(self.list_url)
        context = {"ids": ids, "kind": self.kind, "list_url": self.list_url}
        if request.POST.get("confirmed") == "1":
            found = gather(**{f"r{n}": self._attempt(i) for n, i in enumerate(ids)})
            context["results"] = [(i, found[f"r{n}"]) for n, i in enumerate(ids)]
            audit.annotate_each(request, context["results"])
        else:
            audit.not_a_change(request)
        return self.render_to_response(self.get_context_data(**context))
