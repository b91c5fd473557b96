import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import BootstrapFormMixin, NameDescriptionForm
from ..resources import Instance, VolumeSpec
from ..services.volumes import VolumeOptions

MAX_VOLUME_GB = 16384  # EBS's and most Cinder backends' ceiling
DEVICE = re.compile(r"^/dev/[a-z][a-z0-9]{1,15}$")


class VolumeCreateForm(NameDescriptionForm):
    size_gb = forms.IntegerField(label=_("Size (GB)"), min_value=1, max_value=MAX_VOLUME_GB,
                                 initial=1, required=False,
                                 help_text=_("From a snapshot: left as it is, the snapshot's "
                                             "size."))
    # Translators: a volume's type (its storage backend).
    volume_type = forms.ChoiceField(required=False, label=_("Type"))
    availability_zone = forms.ChoiceField(label=_("Availability zone"), required=False)
    snapshot = forms.ChoiceField(required=False, label=_("From snapshot"))
    image = forms.ChoiceField(required=False, label=_("From image"))

    def __init__(self, options: VolumeOptions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.snapshot_sizes = {s.id: s.size_gb for s in options.snapshots}
        chosen = self.initial.get("snapshot")
        if chosen in self.snapshot_sizes:
            self.initial["size_gb"] = self.snapshot_sizes[chosen]
        # Translators: the cloud's default volume type.
        self.fields["volume_type"].choices = [("", _("Default"))] + [
            (t, t) for t in options.volume_types]
        self.fields["availability_zone"].choices = [(z, z) for z in options.zones]
        self.fields["snapshot"].choices = [("", _("None (empty volume)"))] + [
            (s.id, _("%(name)s (%(size)s GB)") % {"name": s.display_name, "size": s.size_gb})
            for s in options.snapshots]
        if options.images:
            # Translators: no image chosen (the volume is not made from an image).
            self.fields["image"].choices = [("", _("None"))] + [(i.id, i.name)
                                                                 for i in options.images]
        else:
            del self.fields["image"]

    def clean(self):
        data = super().clean()
        snapshot, image = data.get("snapshot"), data.get("image")
        if snapshot and image:
            raise forms.ValidationError(_("Choose a snapshot or an image, not both."))
        size = data.get("size_gb")
        if snapshot in self.snapshot_sizes and (size is None or
                                                "size_gb" not in self.changed_data):
            # The size offered was not the user's choice: the snapshot's own.
            size = data["size_gb"] = self.snapshot_sizes[snapshot]
        elif size is None and "size_gb" not in self.errors:
            self.add_error("size_gb", forms.Field.default_error_messages["required"])
        if snapshot and size and size < self.snapshot_sizes.get(snapshot, 0):
            self.add_error("size_gb", _("The snapshot needs at least %(size)s GB.") % {
                "size": self.snapshot_sizes[snapshot]})
        return data

    def spec(self) -> VolumeSpec:
        data = self.cleaned_data
        return VolumeSpec(name=data["name"], description=data["description"],
                          size_gb=data["size_gb"], volume_type=data["volume_type"],
                          availability_zone=data["availability_zone"],
                          snapshot_id=data["snapshot"], image_id=data.get("image") or "")


class VolumeExtendForm(BootstrapFormMixin, forms.Form):
    size_gb = forms.IntegerField(label=_("New size (GB)"), max_value=MAX_VOLUME_GB)

    def __init__(self, current_gb: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_gb = current_gb
        self.fields["size_gb"].initial = current_gb + 1

    def clean_size_gb(self):
        size = self.cleaned_data["size_gb"]
        if size <= self.current_gb:
            raise forms.ValidationError(
                _("A volume only grows: pick more than its %(size)s GB.") % {
                    "size": self.current_gb})
        return size


class VolumeAttachForm(BootstrapFormMixin, forms.Form):
    instance = forms.ChoiceField(label=_("Instance"))
    device = forms.CharField(label=_("Device"), required=False, max_length=32,
                             help_text=_("For example /dev/sdf; empty lets the cloud choose."))

    def __init__(self, instances: list[Instance], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instance"].choices = [("", _("Choose an instance"))] + [
            (i.id, f"{i.display_name} ({i.id})") for i in instances]

    def clean_device(self):
        device = self.cleaned_data["device"].strip()
        if device and not DEVICE.match(device):
            raise forms.ValidationError(_("A device looks like /dev/sdf or /dev/vdb."))
        return device
