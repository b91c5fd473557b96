from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import BootstrapFormMixin
from ..resources import LaunchSpec
from ..services.compute import LaunchOptions

MAX_LAUNCH_COUNT = 20
# EC2 takes at most 16 KiB of user data before base64 encoding.
MAX_USER_DATA_BYTES = 16 * 1024


def image_choice_label(image) -> str:
    """An image among the launch form's choices: name, id, and whether it is the project's."""
    if image.is_own:
        # Translators: an image in the launch form's list; "yours": the project's own.
        return _("%(name)s (%(id)s) - yours") % {"name": image.name, "id": image.id}
    return f"{image.name} ({image.id})"


class LaunchForm(BootstrapFormMixin, forms.Form):
    # A script: tabs, escapes and any other character are the user's business.
    free_text_fields = ("user_data",)

    name = forms.CharField(label=_("Name"), max_length=255,
                           help_text=_("Shown in the instances table (the Name tag on EC2)."))
    image = forms.ChoiceField(label=_("Image"))
    instance_type = forms.ChoiceField(label=_("Instance type"))
    key_name = forms.ChoiceField(required=False, label=_("Key pair"))
    security_groups = forms.MultipleChoiceField(label=_("Security groups"), required=False,
                                                widget=forms.CheckboxSelectMultiple)
    availability_zone = forms.ChoiceField(label=_("Availability zone"), required=False)
    # help_text: set in __init__ (it holds the limit).
    count = forms.IntegerField(label=_("Count"), min_value=1, max_value=MAX_LAUNCH_COUNT,
                               initial=1)
    user_data = forms.CharField(label=_("User data"), required=False,
                                widget=forms.Textarea(attrs={"rows": 5}),
                                help_text=_("A cloud-init script or cloud-config, 16 KiB at "
                                            "most."))

    def __init__(self, options: LaunchOptions, *args, networks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["count"].help_text = _("How many identical instances (1-%(max)d); "
                                           "several are named name-1, name-2 and so on.") % {
            "max": MAX_LAUNCH_COUNT}
        if networks is not None:  # OpenStack: the networks the project can attach to
            self.fields["networks"] = forms.MultipleChoiceField(
                label=_("Networks"), required=False, widget=forms.CheckboxSelectMultiple(
                    attrs={"class": "form-check-input"}),
                # Translators: a network of another project that this one may use.
                choices=[(n.id, n.label if n.own else _("%(network)s (shared)") % {
                    "network": n.label}) for n in networks],
                help_text=_("None chosen: the project's first network (or a shared one)."))
            if not self.is_bound and not self.initial.get("networks"):
                self.initial["networks"] = [n.id for n in networks if n.own]
        self.fields["image"].choices = [("", _("Choose an image"))] + [
            (i.id, image_choice_label(i)) for i in options.images]
        self.fields["instance_type"].choices = [(t.id, t.label) for t in options.instance_types]
        self.fields["instance_type"].label = options.instance_type_label
        self.fields["key_name"].choices = [("", _("No key pair"))] + [
            (k.name, k.name) for k in options.key_pairs]
        self.fields["security_groups"].choices = [
            (g.id, g.name) for g in options.security_groups]
        self.fields["availability_zone"].choices = [("", _("Any zone"))] + [
            (z.name, z.name) for z in options.availability_zones]
        if not self.is_bound:
            defaults = [g.id for g in options.security_groups if g.name == "default"]
            if not self.initial.get("security_groups"):
                self.initial["security_groups"] = defaults
            if options.instance_types and "instance_type" not in self.initial:
                self.initial["instance_type"] = options.instance_types[0].id

    def clean_user_data(self):
        data = self.cleaned_data["user_data"]
        if len(data.encode()) > MAX_USER_DATA_BYTES:
            raise forms.ValidationError(
                _("User data is %(size)s bytes; the limit is %(limit)s.") % {
                    "size": f"{len(data.encode()):,}", "limit": f"{MAX_USER_DATA_BYTES:,}"})
        return data

    def spec(self) -> LaunchSpec:
        data = self.cleaned_data
        return LaunchSpec(
            name=data["name"], image_id=data["image"], instance_type=data["instance_type"],
            count=data["count"], key_name=data["key_name"],
            security_group_ids=tuple(data["security_groups"]),
            availability_zone=data["availability_zone"], user_data=data["user_data"],
            network_ids=tuple(data.get("networks", ())),
        )


class InstanceChoiceForm(BootstrapFormMixin, forms.Form):
    """One required choice among those the cloud offers (a flavor, an image)."""

    choice = forms.ChoiceField()

    def __init__(self, *args, choices, label, empty_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if empty_label is None:
            # Translators: the first, empty entry of a list; the thing is lowercase
            # ("Choose flavor", "Choose instance type").
            empty_label = _("Choose %(thing)s") % {"thing": label.lower()}
        self.fields["choice"].choices = [("", empty_label), *choices]
        self.fields["choice"].label = label


class TagForm(BootstrapFormMixin, forms.Form):
    """A key/value tag (EC2) or metadata item (Nova); limits fit both clouds."""

    key = forms.CharField(label=_("Key"), max_length=128)
    value = forms.CharField(label=_("Value"), max_length=255, required=False)

    def clean_key(self):
        key = self.cleaned_data["key"]
        if key.lower().startswith("aws:"):
            raise forms.ValidationError(_("Keys starting with aws: are reserved."))
        return key


class LabelForm(BootstrapFormMixin, forms.Form):
    """A Nova server tag: a short plain label."""

    label = forms.CharField(label=_("Label"), max_length=60)

    def clean_label(self):
        label = self.cleaned_data["label"]
        if "/" in label or "," in label:
            raise forms.ValidationError(_("Labels cannot contain / or ,."))
        return label
