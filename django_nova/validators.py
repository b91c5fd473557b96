"""Validation shared by forms on every cloud."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Characters that do not show as what they are: controls (line breaks, tab, ESC),
# format characters (bidi overrides and isolates, zero-width spaces and joiners,
# the byte-order mark, soft hyphens), line and paragraph separators.  A name with
# one reads differently from what it is (U+202E turns "exe.txt" into "txt.exe").
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# What a block of text (a description over several lines) may hold besides.
LINE_BREAKS = frozenset("\n\r\t")
KEY_PAIR_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,254}$")


def hidden_characters(value: str, allowed=frozenset()) -> list[str]:
    """The characters of ``value`` that would not show as what they are, as U+XXXX."""
    return sorted({f"U+{ord(c):04X}" for c in value
                   if c not in allowed and unicodedata.category(c) in HIDDEN_CATEGORIES})


def validate_resource_name(value: str) -> None:
    """The one rule for every name or single line a person types (forms.BootstrapFormMixin
    puts it on every single-line text field): it reads as what it is."""
    hidden = hidden_characters(value)
    if hidden:
        raise ValidationError(
            _("Names cannot contain control characters or line breaks, nor invisible or "
              "text-direction characters (found %(chars)s)."),
            code="hidden_characters", params={"chars": ", ".join(hidden)})
    if value != value.strip():
        raise ValidationError(_("Names cannot start or end with spaces."), code="blank_ends")


def validate_text_block(value: str) -> None:
    """Text over several lines (a description): line breaks and tabs, nothing else hidden."""
    hidden = hidden_characters(value, allowed=LINE_BREAKS)
    if hidden:
        raise ValidationError(
            _("Text cannot contain control characters, nor invisible or text-direction "
              "characters (found %(chars)s)."),
            code="hidden_characters", params={"chars": ", ".join(hidden)})


def validate_key_pair_name(value: str) -> None:
    if not KEY_PAIR_NAME.match(value):
        raise ValidationError(
            _("Use 1-255 letters, digits, spaces, dots, dashes or underscores, "
              "starting with a letter or digit."))
