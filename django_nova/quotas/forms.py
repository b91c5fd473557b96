"""The overview's date range and the admin's quota form."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..forms import BootstrapFormMixin
from ..resources import QuotaUsage

MAX_RANGE_DAYS = 366
MAX_LIMIT = 2**31 - 1


def default_range(today: date | None = None) -> tuple[date, date]:
    """This month so far."""
    today = today or timezone.now().date()
    return today.replace(day=1), today


class UsageRangeForm(BootstrapFormMixin, forms.Form):
    """A GET form: the days (UTC) the usage table covers, both included."""

    # Translators: the first day of a date range.
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    # Translators: the last day of a date range.
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            today = timezone.now().date()
            if end > today:
                self.add_error("end", _("Pick today or an earlier day."))
            elif start > end:
                self.add_error("start", _("The range starts after it ends."))
            elif end - start > timedelta(days=MAX_RANGE_DAYS):
                self.add_error("start", _("Pick at most %(days)d days.") % {"days": MAX_RANGE_DAYS})
        return data

    @classmethod
    def from_query(cls, query) -> "UsageRangeForm":
        """Bound to the query string, or to this month when it names no range."""
        if "start" in query or "end" in query:
            return cls(query)
        start, end = default_range()
        return cls({"start": start.isoformat(), "end": end.isoformat()})


class QuotaForm(BootstrapFormMixin, forms.Form):
    """One integer field per resource (-1 = unlimited), below usage only when confirmed.

    Clouds that keep their own quotas (Neutron and Cinder) refuse limits
    below usage themselves; there the form refuses them without a choice.
    """

    confirm_below_usage = forms.BooleanField(
        required=False, label=_("Set limits below current usage anyway"),
        help_text=_("Existing resources stay; the project cannot create more until usage "
                    "drops."))

    def __init__(self, *args, quotas: list[QuotaUsage], allow_below_usage: bool = True,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.quotas = {q.resource: q for q in quotas}
        self.allow_below_usage = allow_below_usage
        confirm = self.fields.pop("confirm_below_usage")
        for quota in quotas:
            self.fields[quota.resource] = forms.IntegerField(
                label=quota.label, min_value=-1, max_value=MAX_LIMIT, initial=quota.limit,
                help_text=_("In use: %(used)s. -1 means unlimited.") % {"used": quota.used},
                widget=forms.NumberInput(attrs={"class": "form-control", "min": -1}))
        if allow_below_usage:
            self.fields["confirm_below_usage"] = confirm
            confirm.widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("confirm_below_usage"):
            return data
        if self.allow_below_usage:
            message = _("Below current usage (%(used)s in use): tick “%(confirm)s” to set it.")
        else:
            message = _("Below current usage (%(used)s in use): the cloud does not allow that.")
        confirm = QuotaForm.base_fields["confirm_below_usage"].label
        for name, quota in self.quotas.items():
            value = data.get(name)
            if value is not None and 0 <= value < quota.used and name in self.changed_data:
                self.add_error(name, message % {"used": quota.used, "confirm": confirm})
        return data

    def changed_limits(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in self.quotas
                if name in self.changed_data}
