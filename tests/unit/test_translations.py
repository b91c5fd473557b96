"""The shipped catalogs (German, Simplified Chinese) are complete and up to date.

Fails when ``makemessages`` would add a msgid a catalog lacks (a string marked in the
code but not translated), when a catalog has untranslated or fuzzy entries, and when a
compiled ``.mo`` is older than its ``.po``.  Needs GNU gettext (Debian ``gettext``).
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
# Where each catalog lives: the app's (packaged) and the reference site's (checkout only).
PACKAGES = ["django_nova", "openstack_dashboard"]
LANGUAGES = ["de", "zh_Hans"]
DOMAINS = ["django"]
ENTRY = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')


def entries(po: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(context, msgid) -> its fields, for every live entry; ``#, fuzzy`` as a field."""
    found, current, field, fuzzy = {}, {}, None, False

    def finish():
        if "msgid" in current and current["msgid"]:
            found[(current.get("msgctxt", ""), current["msgid"])] = {**current,
                                                                      "fuzzy": fuzzy}
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("#~"):
            continue  # obsolete
        if not line.strip():
            finish()
            current, field, fuzzy = {}, None, False
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith('"') and field:
            current[field] += line[1:-1]
        elif match := ENTRY.match(line):
            field = match.group(1)
            current[field] = match.group(2)
    finish()
    return found


def catalogs():
    return [(package, language) for package in PACKAGES for language in LANGUAGES]


def po_path(package, language, root=ROOT) -> Path:
    return root / package / "locale" / language / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize(("package", "language"), catalogs())
def test_catalog_is_complete(package, language):
    found = entries(po_path(package, language))
    assert len(found) > (300 if package == "django_nova" else 30)
    untranslated = [key for key, fields in found.items()
                    if not any(v for k, v in fields.items() if k.startswith("msgstr"))
                    or any(k.startswith("msgstr") and not v for k, v in fields.items())]
    fuzzy = [key for key, fields in found.items() if fields["fuzzy"]]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize(("package", "language"), catalogs())
def test_compiled_catalog_matches_its_source(package, language, tmp_path):
    po = po_path(package, language)
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(po)], check=True)
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), \
        f"run: msgfmt -o {po.with_suffix('.mo').relative_to(ROOT)} {po.relative_to(ROOT)}"


@pytest.mark.once  # the source's strings against the catalogs, whatever runs them
@pytest.mark.parametrize("package", PACKAGES)
def test_catalogs_hold_every_marked_string(package, tmp_path, monkeypatch):
    """What makemessages finds in the code today, each catalog already has."""
    copy = tmp_path / package
    shutil.copytree(ROOT / package, copy,
                    ignore=shutil.ignore_patterns("__pycache__", "vendor", "*.mo"))
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=LANGUAGES, verbosity=0, no_obsolete=True,
                 ignore_patterns=["static/*"])
    for language in LANGUAGES:
        wanted = set(entries(po_path(package, language, root=tmp_path)))
        have = set(entries(po_path(package, language)))
        missing = sorted(wanted - have)
        assert not missing, (f"{package} {language}: {len(missing)} msgids not in the catalog, "
                             f"e.g. {missing[:5]}; run tools/translations.sh")
        stale = sorted(have - wanted)
        assert not stale, f"{package} {language}: {len(stale)} msgids no longer used: {stale[:5]}"
