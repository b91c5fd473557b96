"""Forms every area shares: Bootstrap styling and the common name-and-description form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .validators import validate_resource_name, validate_text_block

# Single-line inputs a person types into: each gets the one name rule.
TYPED_INPUTS = frozenset({"text", "email", "url", "search"})


class BootstrapFormMixin:
    """Give widgets Bootstrap classes and mark invalid fields, without per-form markup;
    hold every typed text to the one rule of validators.py.

    ``free_text_fields`` names fields that take anything (user data scripts).
    """

    free_text_fields: tuple[str, ...] = ()

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

    def _add_text_rules(self) -> None:
        """One-line text fields get the name rule, text areas the text-block rule
        (passwords, hidden fields and ``free_text_fields`` none)."""
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or name in self.free_text_fields:
                continue
            kind = getattr(field.widget, "input_type", None)
            rule = (validate_resource_name if kind in TYPED_INPUTS else
                    validate_text_block if isinstance(field.widget, forms.Textarea) else None)
            # By identity: some validators' __eq__ (django-registration's) assume their kind.
            if rule is not None and not any(v is rule for v in field.validators):
                field.validators.append(rule)

    def full_clean(self):
        """Validate (fields added by subclasses' __init__ included), then mark invalid
        widgets (after subclasses set their choices)."""
        self._add_text_rules()
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class NameDescriptionForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
