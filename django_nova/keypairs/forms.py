from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_ssh_public_key
from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import BootstrapFormMixin
from ..validators import validate_key_pair_name

MIN_RSA_BITS = 2048


class KeyPairCreateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255,
                           validators=[validate_key_pair_name])
    key_type = forms.ChoiceField(label=_("Key type"),
                                 choices=[("ed25519", "ED25519"), ("rsa", _("RSA (2048 bit)"))],
                                 initial="ed25519")


class KeyPairImportForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255,
                           validators=[validate_key_pair_name])
    public_key = forms.CharField(
        label=_("Public key"),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("One OpenSSH public key line, e.g. the contents of ~/.ssh/id_ed25519.pub."))

    def clean_public_key(self):
        text = self.cleaned_data["public_key"].strip()
        if "PRIVATE KEY" in text:
            raise forms.ValidationError(
                _("This is a private key. Paste the public key (the .pub file) instead; "
                  "never share the private key."))
        if len(text.splitlines()) != 1:
            raise forms.ValidationError(_("Paste exactly one public key, on one line."))
        try:
            key = load_ssh_public_key(text.encode())
        except (ValueError, UnsupportedAlgorithm):
            raise forms.ValidationError(
                _("This is not a valid OpenSSH public key (expected e.g. 'ssh-ed25519 "
                  "AAAA...')."),
            ) from None
        if isinstance(key, rsa.RSAPublicKey):
            if key.key_size < MIN_RSA_BITS:
                raise forms.ValidationError(
                    _("RSA keys need at least %(min)d bits; this one has %(bits)d.") % {
                        "min": MIN_RSA_BITS, "bits": key.key_size})
        elif not isinstance(key, ed25519.Ed25519PublicKey):
            raise forms.ValidationError(
                _("Use an RSA or ED25519 key; the cloud takes no others."))
        return text
