"""The project overview (quota charts, counts by state, usage with CSV) and the cloud
admin's quota pages."""

from functools import cached_property
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext, ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from ..exceptions import CloudError
from ..mixins import AdminRequiredMixin, ProjectViewMixin, field_error
from ..services.quotas import RESOURCES, SERVICE_LABELS, AdminQuotaService
from ..services.usage import UsageService, usage_csv
from .forms import QuotaForm, UsageRangeForm

# Circumference of the donut charts' ring (r = 40), for their dash lengths.
RING = 251.33


class OverviewView(ProjectViewMixin, TemplateView):
    template_name = "django_nova/quotas/overview.html"

    def get_context_data(self, **kwargs):
        form = UsageRangeForm.from_query(self.request.GET)
        valid = form.is_valid()
        data = form.cleaned_data if valid else {}
        overview = UsageService(self.request.nova).overview(data.get("start"), data.get("end"))
        charts = [(q, round(RING * q.percent / 100, 2)) for q in overview.quotas]
        most = max([n for _, n in overview.instance_states + overview.volume_states] or [1])
        return super().get_context_data(
            form=form, overview=overview, charts=charts, ring=RING, most=most,
            csv_query=urlencode({"start": data["start"].isoformat(),
                                 "end": data["end"].isoformat()}) if valid else "",
            **kwargs)


class UsageCsvView(ProjectViewMixin, View):
    def get(self, request):
        form = UsageRangeForm.from_query(request.GET)
        if not form.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}"
                                 for name, errors in form.errors.items())
            return HttpResponseBadRequest(gettext("Bad date range: %(problems)s")
                                          % {"problems": problems},
                                          content_type="text/plain; charset=utf-8")
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        report = UsageService(request.nova).report(start, end)
        response = HttpResponse(usage_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (f'attachment; filename="usage-{start.isoformat()}-'
                                           f'{end.isoformat()}.csv"')
        return response


class AdminQuotaMixin(AdminRequiredMixin):
    @cached_property
    def quotas(self) -> AdminQuotaService:
        return AdminQuotaService(self.request.nova)


class AdminQuotaListView(AdminQuotaMixin, TemplateView):
    template_name = "django_nova/quotas/admin_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(projects=self.quotas.projects(),
                                         cloud_keeps_quotas=self.quotas.cloud_keeps_quotas,
                                         **kwargs)


class AdminQuotaEditView(AdminQuotaMixin, FormView):
    template_name = "django_nova/quotas/admin_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.nova.is_cloud_admin:
            self.project, self.usage = self.quotas.project(kwargs["project_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return QuotaForm(**self.get_form_kwargs())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "quotas": self.usage,
                "allow_below_usage": not self.quotas.cloud_keeps_quotas}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(project=self.project,
                                           cloud_keeps_quotas=self.quotas.cloud_keeps_quotas,
                                           **kwargs)
        form = context["form"]
        groups = {}
        for resource in RESOURCES:
            if resource.key in form.fields:
                groups.setdefault(SERVICE_LABELS[resource.service], []).append(
                    (form[resource.key], form.quotas[resource.key]))
        context["groups"] = list(groups.items())
        return context

    def form_valid(self, form):
        changed = form.changed_limits()
        if not changed:
            messages.info(self.request, gettext("Nothing changed."))
            return redirect("django_nova:admin-quotas")
        try:
            self.quotas.set_limits(self.project.id, changed)
        except CloudError as error:
            field_error(form, None, f"{error.title}: {error.message}")
            return self.form_invalid(form)
        below = [q.label for q in self.usage if q.resource in changed
                 and 0 <= changed[q.resource] < q.used]
        messages.success(self.request, ngettext(
            "Quotas of %(project)s updated (%(count)d changed).",
            "Quotas of %(project)s updated (%(count)d changed).", len(changed))
            % {"project": self.project.name, "count": len(changed)})
        if below:
            messages.warning(self.request, gettext("Set below current usage: %(resources)s.")
                             % {"resources": ", ".join(below)})
        return redirect("django_nova:admin-quotas")
