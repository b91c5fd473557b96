from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import BootstrapFormMixin, NameDescriptionForm


class ImageEditForm(NameDescriptionForm):
    def __init__(self, *args, name_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if name_fixed:
            self.fields["name"].disabled = True
            self.fields["name"].help_text = _("EC2 fixes an image's name when it is created.")


class ImageRegisterForm(NameDescriptionForm):
    snapshot = forms.ChoiceField(label=_("Root volume snapshot"))

    def __init__(self, snapshots, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["snapshot"].choices = [("", _("Choose a snapshot"))] + [
            (s.id, _("%(name)s (%(size)s GB)") % {"name": s.display_name, "size": s.size_gb})
            for s in snapshots]


DISK_FORMATS = ["raw", "qcow2", "vmdk", "vdi", "vhd", "vhdx", "iso", "ami", "ari", "aki"]
CONTAINER_FORMATS = ["bare", "ovf", "ova", "ami", "ari", "aki", "docker"]


class ImageUploadForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    file = forms.FileField(label=_("Image file"),
                           help_text=_("Streamed to the image service; large files are fine."))
    disk_format = forms.ChoiceField(label=_("Disk format"),
                                    choices=[(f, f) for f in DISK_FORMATS], initial="qcow2")
    container_format = forms.ChoiceField(label=_("Container format"),
                                         choices=[(f, f) for f in CONTAINER_FORMATS],
                                         initial="bare")
    min_disk_gb = forms.IntegerField(label=_("Minimum disk (GB)"), min_value=0,
                                     max_value=16384, initial=0)
    min_ram_mb = forms.IntegerField(label=_("Minimum RAM (MB)"), min_value=0,
                                    max_value=4194304, initial=0)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.size:
            raise forms.ValidationError(_("The file is empty."))
        return upload
