"""Validation shared by forms on every cloud."""

import re

from django.core.exceptions import ValidationError

CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
KEY_PAIR_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,254}$")


def validate_resource_name(value: str) -> None:
    """Names are shown everywhere: no control characters, no leading/trailing blanks."""
    if CONTROL_CHARS.search(value):
        raise ValidationError("Names cannot contain control characters or line breaks.")
    if value != value.strip():
        raise ValidationError("Names cannot start or end with spaces.")


def validate_key_pair_name(value: str) -> None:
    if not KEY_PAIR_NAME.match(value):
        raise ValidationError(
            "Use 1-255 letters, digits, spaces, dots, dashes or underscores, "
            "starting with a letter or digit.")
