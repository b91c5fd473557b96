from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.generic import FormView

from . import Preferences, of, save
from .forms import PreferencesForm


class PreferencesView(LoginRequiredMixin, FormView):
    """The person's language and time zone; they apply from the next page on, everywhere."""

    template_name = "django_nova/preferences/settings.html"
    form_class = PreferencesForm
    success_url = reverse_lazy("django_nova:user-settings")
    audited = False  # changes only how this person's pages look

    def get_initial(self):
        chosen = of(self.request.user)
        return {"language": chosen.language, "time_zone": chosen.time_zone}

    def form_valid(self, form):
        save(self.request, Preferences(language=form.cleaned_data["language"],
                                       time_zone=form.cleaned_data["time_zone"]))
        # Said in the language just chosen.
        messages.success(self.request, _("Settings saved."))
        return super().form_valid(form)
