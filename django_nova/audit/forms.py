from django import forms

from ..forms import BootstrapFormMixin
from ..models import AuditEntry


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    """Narrow the log down; every field is optional (GET, so filters can be bookmarked)."""

    user = forms.CharField(required=False, max_length=150)
    project = forms.CharField(required=False, max_length=128,
                              help_text="Project name or id.")
    action = forms.CharField(required=False, max_length=64)
    outcome = forms.ChoiceField(required=False,
                                choices=[("", "Any outcome"), *AuditEntry.OUTCOMES])
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return cleaned
