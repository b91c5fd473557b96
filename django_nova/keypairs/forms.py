from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_ssh_public_key
from django import forms

from ..forms import BootstrapFormMixin
from ..validators import validate_key_pair_name

MIN_RSA_BITS = 2048


class KeyPairCreateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=255, validators=[validate_key_pair_name])
    key_type = forms.ChoiceField(choices=[("ed25519", "ED25519"), ("rsa", "RSA (2048 bit)")],
                                 initial="ed25519")


class KeyPairImportForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=255, validators=[validate_key_pair_name])
    public_key = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text="One OpenSSH public key line, e.g. the contents of ~/.ssh/id_ed25519.pub.")

    def clean_public_key(self):
        text = self.cleaned_data["public_key"].strip()
        if "PRIVATE KEY" in text:
            raise forms.ValidationError(
                "This is a private key. Paste the public key (the .pub file) instead; "
                "never share the private key.")
        if len(text.splitlines()) != 1:
            raise forms.ValidationError("Paste exactly one public key, on one line.")
        try:
            key = load_ssh_public_key(text.encode())
        except (ValueError, UnsupportedAlgorithm):
            raise forms.ValidationError(
                "This is not a valid OpenSSH public key (expected e.g. 'ssh-ed25519 AAAA...').",
            ) from None
        if isinstance(key, rsa.RSAPublicKey):
            if key.key_size < MIN_RSA_BITS:
                raise forms.ValidationError(
                    f"RSA keys need at least {MIN_RSA_BITS} bits; this one has {key.key_size}.")
        elif not isinstance(key, ed25519.Ed25519PublicKey):
            raise forms.ValidationError("Use an RSA or ED25519 key; the cloud takes no others.")
        return text
