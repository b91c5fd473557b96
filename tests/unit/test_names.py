"""One rule for every name a person types: it reads as what it is."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError

import django_nova
from django_nova.forms import BootstrapFormMixin
from django_nova.validators import validate_resource_name, validate_text_block

HIDDEN = {
    "line feed": "a\nb", "tab": "a\tb", "escape": "a\x1bb", "delete": "a\x7fb",
    "C1 control": "a\x85b", "right-to-left override": "invoice\u202ecod.exe",
    "left-to-right isolate": "a\u2066b", "zero-width space": "a\u200bb",
    "zero-width joiner": "a\u200db", "byte-order mark": "\ufeffname", "soft hyphen": "a\xadb",
    "line separator": "a\u2028b", "paragraph separator": "a\u2029b",
}
VISIBLE = ["web-01", "café", "日本語のサーバー", "Ünïcødé name", "rocket 🚀", "a.b_c (d)"]


@pytest.mark.parametrize("kind", sorted(HIDDEN))
def test_hidden_characters_are_refused_and_named(kind):
    with pytest.raises(ValidationError) as refused:
        validate_resource_name(HIDDEN[kind])
    message = refused.value.messages[0]
    assert "control characters" in message and "U+" in message


@pytest.mark.parametrize("name", VISIBLE)
def test_visible_names_in_any_script_pass(name):
    validate_resource_name(name)


def test_names_cannot_start_or_end_with_spaces():
    with pytest.raises(ValidationError):
        validate_resource_name(" padded ")


def test_text_blocks_keep_their_lines_but_not_hidden_characters():
    validate_text_block("line one\nline two\r\n\tindented")
    for kind in ("right-to-left override", "zero-width space", "escape"):
        with pytest.raises(ValidationError):
            validate_text_block(HIDDEN[kind])


class Sample(BootstrapFormMixin, forms.Form):
    free_text_fields = ("script",)

    name = forms.CharField()
    email = forms.EmailField(required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea)
    script = forms.CharField(required=False, widget=forms.Textarea)
    password = forms.CharField(required=False, widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["added_later"] = forms.CharField(required=False)


def test_the_form_base_puts_the_rule_on_every_typed_field():
    evil = "x\u202ey"
    form = Sample({"name": evil, "notes": evil, "added_later": evil,
                   "script": "#!/bin/sh\n\techo \x1b[1m", "password": evil})
    assert not form.is_valid()
    assert set(form.errors) == {"name", "notes", "added_later"}


def django_nova_forms():
    """Every form class defined in django_nova."""
    for module_info in pkgutil.walk_packages(django_nova.__path__, "django_nova."):
        if ".migrations" in module_info.name or module_info.name.endswith("embedded_gate"):
            continue
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
                    and cls.__module__.startswith("django_nova.")):
                yield cls


# Forms a person types no name into: the login (checked against accounts, never
# shown), a button's choice, a confirmation, and a group of fields another form includes.
UNTYPED = {"LoginForm", "AccessKeyStatusForm", "SecretDownloadForm", "SubnetFields"}


def test_every_form_with_typed_text_has_the_form_base():
    found = list(django_nova_forms())
    assert len(found) > 20
    missing = [cls.__name__ for cls in found
               if not issubclass(cls, BootstrapFormMixin) and cls.__name__ not in UNTYPED]
    assert missing == []
