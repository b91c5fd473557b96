from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView

from ..csvexport import csv_response
from ..mixins import AdminRequiredMixin, ProjectViewMixin
from ..models import AuditEntry
from .forms import AuditFilterForm

PAGE_SIZE = 50
# Column headers of the CSV export (people read it in a spreadsheet).
CSV_HEADER = [
    gettext_lazy("time (UTC)"), gettext_lazy("user"),
    # Translators: a column of the audit log's CSV export: the IP address a request came from.
    gettext_lazy("address"),
    gettext_lazy("cloud"), gettext_lazy("project"), gettext_lazy("project id"),
    # Translators: a column of the audit log's CSV export: what was done (a noun).
    gettext_lazy("action"),
    # Translators: a column of the audit log's CSV export: what it was done to.
    gettext_lazy("target"),
    gettext_lazy("outcome"), gettext_lazy("error")]
FILTERS = {
    "user": lambda value: Q(username__icontains=value),
    "project": lambda value: Q(project_name__icontains=value) | Q(project_id=value),
    "action": lambda value: Q(action__icontains=value),
    "outcome": lambda value: Q(outcome=value),
    "since": lambda value: Q(created_at__date__gte=value),
    "until": lambda value: Q(created_at__date__lte=value),
}


class AuditLogMixin:
    """One log page: entries in scope, filtered by the GET form, paged or as CSV."""

    template_name = "django_nova/audit/log.html"
    filters = ("action", "outcome", "since", "until")
    export_name = "audit-log"

    def scope(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        form = AuditFilterForm(request.GET or None)
        for name in set(form.fields) - set(self.filters):
            del form.fields[name]
        entries = self.scope()
        if form.is_bound and form.is_valid():
            for name, value in form.cleaned_data.items():
                if value not in (None, ""):
                    entries = entries.filter(FILTERS[name](value))
        if request.GET.get("format") == "csv" and not form.errors:
            header = [str(name) for name in CSV_HEADER]  # in the language of the request
            return csv_response(f"{self.export_name}.csv", header, (
                [e.created_at.strftime("%Y-%m-%d %H:%M:%S"), e.username, e.address or "",
                 e.cloud, e.project_name, e.project_id, e.action, e.target, e.outcome, e.error]
                for e in entries.iterator()))
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return self.render_to_response(self.get_context_data(
            form=form, page=page, query=query.urlencode(), csv_query=_with(query, "csv")))


def _with(query, export_format: str) -> str:
    query = query.copy()
    query["format"] = export_format
    return query.urlencode()


class AuditLogView(AuditLogMixin, ProjectViewMixin, TemplateView):
    """The current project's log: what anyone did in it."""

    def scope(self):
        nova = self.request.nova
        return AuditEntry.objects.filter(cloud=nova.cloud_key, project_id=nova.project.id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=gettext("Activity in %(project)s") % {"project": self.request.nova.project.name},
            **kwargs)


class AdminAuditLogView(AuditLogMixin, AdminRequiredMixin, TemplateView):
    """Everything: site staff see every cloud, a Keystone admin their cloud's entries."""

    filters = tuple(FILTERS)
    export_name = "audit-log-all"

    def scope(self):
        if self.request.user.is_staff:
            return AuditEntry.objects.all()
        return AuditEntry.objects.filter(cloud=self.request.nova.cloud_key)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=gettext("Audit log"), show_project=True, **kwargs)
