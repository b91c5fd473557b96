#!/usr/bin/env bash
# Install what the tests need and run every test; non-zero on any failure.
#   ./run_tests.sh                 lint, checks, the OpenStack test cloud (started or reused),
#                                  the whole suite, then the suite again on Python 3.12 +
#                                  Django 6.x when such a Python exists
#   NOVA_SKIP_OPENSTACK=1          leave the OpenStack tests out (not allowed in CI)
#   ./run_tests.sh tests/test_x.py  only what you name (no lint, no second pass)
set -euo pipefail
cd "$(dirname "$0")"
source tools/ensure_venv.sh
ensure_venv "site,embedded,test"
export DJANGO_SETTINGS_MODULE=tests.settings

if [ $# -gt 0 ]; then
  exec "$PYTHON" -m pytest "$@"
fi

echo "== lint and checks ($("$PYTHON" -c 'import sys, django; print(f"Python {sys.version.split()[0]}, Django {django.get_version()}")'))"
"$PYTHON" -m ruff check .
DJANGO_SETTINGS_MODULE=openstack_dashboard.settings NOVA_VAR_DIR="$(mktemp -d)" \
  "$PYTHON" manage.py makemigrations --check --dry-run >/dev/null
"$PYTHON" manage.py check

# The real OpenStack the OpenStack tests run against (reused when it runs).
if [ "${NOVA_SKIP_OPENSTACK:-}" != 1 ]; then
  echo "== OpenStack test cloud"
  started=$(date +%s)
  # CI leaves the machine as it found it: a cloud this run starts, it stops.
  if [ "${CI:-}" = true ] && ! tools/openstack-test-cloud status >/dev/null 2>&1; then
    trap 'tools/openstack-test-cloud down >/dev/null' EXIT
  fi
  tools/openstack-test-cloud up
  echo "   ready in $(( $(date +%s) - started ))s"
  eval "$(tools/openstack-test-cloud env)"
  export NOVA_REQUIRE_OPENSTACK=1
elif [ "${CI:-}" = true ]; then
  echo "NOVA_SKIP_OPENSTACK is not allowed in CI" >&2
  exit 1
fi

echo "== tests"
"$PYTHON" -m pytest

# The second supported pair: Django 6.x needs Python 3.12.
main_minor=$("$PYTHON" -c 'import sys; print(sys.version_info[1])')
if [ "$main_minor" != 12 ] && [ "${NOVA_SKIP_COMPAT:-}" != 1 ]; then
  if py312=$(find_python_named python3.12 $(pyenv_pythons "3.12*")); then
    NOVA_VENV=.venv-py312 NOVA_PYTHON_FOR_VENV="$py312" ensure_venv "site,embedded,test"
    echo "== tests again on $("$PYTHON" -c 'import sys, django; print(f"Python {sys.version.split()[0]}, Django {django.get_version()}")')"
    "$PYTHON" -m pytest -p no:cacheprovider
  else
    echo "== no Python 3.12 found: the Django 6.x pass was not run"
    [ "${CI:-}" = true ] && exit 1
  fi
fi
