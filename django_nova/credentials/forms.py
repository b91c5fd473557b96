import re
from datetime import UTC, datetime, time

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ..forms import BootstrapFormMixin

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$")
# What Keystone and IAM hand out: application credential ids are hex UUIDs,
# their secrets URL-safe base64; access key ids upper-case letters and digits,
# their secrets base64.  The download form takes nothing else back.
SECRET_FORMATS = {
    "openrc": ("OpenStack openrc", r"^[0-9a-f]{32}$", r"^[A-Za-z0-9_-]{16,128}$"),
    "clouds-yaml": ("OpenStack clouds.yaml", r"^[0-9a-f]{32}$", r"^[A-Za-z0-9_-]{16,128}$"),
    "aws-credentials": (gettext_lazy("AWS CLI credentials"), r"^[A-Z0-9]{16,128}$",
                        r"^[A-Za-z0-9/+=]{16,128}$"),
    "aws-env": (gettext_lazy("AWS environment variables"), r"^[A-Z0-9]{16,128}$",
                r"^[A-Za-z0-9/+=]{16,128}$"),
}
OPENSTACK_FORMATS = ("openrc", "clouds-yaml")
EC2_FORMATS = ("aws-credentials", "aws-env")


class ApplicationCredentialForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        max_length=64, label=gettext_lazy("Name"),
        validators=[RegexValidator(NAME_PATTERN, gettext_lazy(
            "Use letters, digits, spaces, dots, dashes and underscores, starting with a letter "
            "or digit."))],
        help_text=gettext_lazy("Unique among your application credentials, e.g. ci-deploy."))
    description = forms.CharField(max_length=255, required=False,
                                  label=gettext_lazy("Description"))
    expires = forms.DateField(
        # Translators: the day an application credential stops working (a verb).
        label=gettext_lazy("Expires"),
        required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Optional. The credential stops working at the end of this day "
                               "(UTC); leave empty for no expiry."))
    roles = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=gettext_lazy("Roles"),
        help_text=gettext_lazy("The roles the credential acts with. None ticked: all your "
                               "current roles in this project."))

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(role, role) for role in roles]

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_expires(self):
        day = self.cleaned_data["expires"]
        if day is None:
            return None
        if day <= timezone.now().astimezone(UTC).date():
            raise forms.ValidationError(gettext_lazy("Pick a day after today."))
        return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


class AccessKeyStatusForm(forms.Form):
    active = forms.TypedChoiceField(choices=[("1", "activate"), ("0", "deactivate")],
                                    coerce=lambda value: value == "1")


class SecretDownloadForm(forms.Form):
    """A just-created credential handed back by its one-time page, to be written as a file."""

    format = forms.ChoiceField(choices=[(k, v[0]) for k, v in SECRET_FORMATS.items()])
    credential_id = forms.CharField(max_length=128)
    secret = forms.CharField(max_length=128, strip=False)

    def __init__(self, *args, formats=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [(k, SECRET_FORMATS[k][0]) for k in formats]

    def clean(self):
        data = super().clean()
        chosen = SECRET_FORMATS.get(data.get("format", ""))
        if chosen is None or "credential_id" not in data or "secret" not in data:
            return data
        _, id_pattern, secret_pattern = chosen
        if not re.fullmatch(id_pattern, data["credential_id"]):
            raise forms.ValidationError(
                gettext_lazy("That is not a credential id this cloud hands out."))
        if not re.fullmatch(secret_pattern, data["secret"]):
            raise forms.ValidationError(
                gettext_lazy("That is not a secret this cloud hands out."))
        return data
