from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import BootstrapFormMixin

# Nova's own ceilings are higher; these keep typos (a RAM size in GB as MB...) out.
MAX_VCPUS = 1024
MAX_RAM_MB = 16 * 1024 * 1024
MAX_DISK_GB = 65536


class FlavorForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    vcpus = forms.IntegerField(label=_("vCPUs"), min_value=1, max_value=MAX_VCPUS, initial=1)
    ram_mb = forms.IntegerField(label=_("RAM (MB)"), min_value=1, max_value=MAX_RAM_MB,
                                initial=512)
    disk_gb = forms.IntegerField(label=_("Root disk (GB)"), min_value=0, max_value=MAX_DISK_GB,
                                 initial=1,
                                 help_text=_("0: the root disk is as big as the image needs."))
    is_public = forms.BooleanField(
        label=_("Public"), required=False, initial=True,
        help_text=_("Public flavors are offered to every project; private ones only to the "
                    "projects you give access."))


class FlavorAccessForm(BootstrapFormMixin, forms.Form):
    project = forms.ChoiceField(label=_("Give access to project"))

    def __init__(self, projects, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(p.id, p.name or p.id) for p in projects]


class DisableServiceForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=255, required=False,
        help_text=_("Optional; shown to other admins (maintenance, hardware fault...)."))
