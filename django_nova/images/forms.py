from django import forms

from ..volumes.forms import NameDescriptionForm


class ImageEditForm(NameDescriptionForm):
    def __init__(self, *args, name_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if name_fixed:
            self.fields["name"].disabled = True
            self.fields["name"].help_text = "EC2 fixes an image's name when it is created."


class ImageRegisterForm(NameDescriptionForm):
    snapshot = forms.ChoiceField(label="Root volume snapshot")

    def __init__(self, snapshots, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["snapshot"].choices = [("", "Choose a snapshot")] + [
            (s.id, f"{s.display_name} ({s.size_gb} GB)") for s in snapshots]
