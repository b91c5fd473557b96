from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..forms import BootstrapFormMixin
from . import languages, time_zones


class PreferencesForm(BootstrapFormMixin, forms.Form):
    language = forms.ChoiceField(label=_("Language"), required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The browser's language")), *languages()]
        self.fields["time_zone"].choices = [
            ("", _("The site's time zone (%(zone)s)") % {"zone": settings.TIME_ZONE}),
            *((zone, zone.replace("_", " ")) for zone in time_zones())]
