from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import BootstrapFormMixin
from ..models import AuditEntry


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    """Narrow the log down; every field is optional (GET, so filters can be bookmarked)."""

    user = forms.CharField(required=False, max_length=150, label=_("User"))
    project = forms.CharField(required=False, max_length=128, label=_("Project"),
                              help_text=_("Project name or id."))
    # Translators: what an audit log entry records was done (a noun).
    action = forms.CharField(required=False, max_length=64, label=_("Action"))
    outcome = forms.ChoiceField(required=False, label=_("Outcome"),
                                choices=[("", _("Any outcome")), *AuditEntry.OUTCOMES])
    # Translators: the first day of the entries shown.
    since = forms.DateField(required=False, label=_("Since"),
                            widget=forms.DateInput(attrs={"type": "date"}))
    # Translators: the last day of the entries shown.
    until = forms.DateField(required=False, label=_("Until"),
                            widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned
