#!/usr/bin/env bash
# After marking strings: update every catalog (makemessages) and compile it, for the app
# (django_nova/locale, packaged) and the reference site (openstack_dashboard/locale).
# Needs GNU gettext.  tests/unit/test_translations.py fails until this has been run and
# the new entries translated (no empty or fuzzy msgstr).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/ensure_venv.sh
ensure_venv "site,embedded,test"
PYTHON="$PWD/$PYTHON"
export PYTHONPATH="$PWD" DJANGO_SETTINGS_MODULE=openstack_dashboard.settings NOVA_VAR_DIR="${NOVA_VAR_DIR:-$(mktemp -d)}"
for package in django_nova openstack_dashboard; do
  (cd "$package" && "$PYTHON" -m django makemessages -l de -l zh_Hans --no-obsolete \
     --ignore 'static/*' --verbosity 0)
  for po in "$package"/locale/*/LC_MESSAGES/django.po; do
    msgfmt --check -o "${po%.po}.mo" "$po"
  done
done
for po in django_nova/locale/*/LC_MESSAGES/django.po openstack_dashboard/locale/*/LC_MESSAGES/django.po; do
  echo "$po: $(msgfmt --statistics -o /dev/null "$po" 2>&1)"
done
