"""Forms every area shares: Bootstrap styling and the common name-and-description form."""

from django import forms

from .validators import validate_resource_name


class BootstrapFormMixin:
    """Give widgets Bootstrap classes and mark invalid fields, without per-form markup."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            else:
                widget.attrs["class"] = "form-control"

    def full_clean(self):
        """Validate, then mark invalid widgets (after subclasses set their choices)."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class NameDescriptionForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=255, validators=[validate_resource_name])
    description = forms.CharField(max_length=255, required=False,
                                  validators=[validate_resource_name])
