#!/usr/bin/env bash
# Install what the tests need and run every test; non-zero on any failure.
#   ./run_tests.sh                 lint, checks, the OpenStack test cloud (started or reused),
#                                  the whole suite (SQLite), then the suite again on
#                                  Python 3.12 + Django 6.x with PostgreSQL and Redis
#                                  (tools/test-services) when those are on the machine
#   NOVA_SKIP_OPENSTACK=1          leave the OpenStack tests out (not allowed in CI)
#   NOVA_TEST_WORKERS=N            test processes per pass (default 2; 1 = one process)
#   ./run_tests.sh tests/test_x.py  only what you name (no lint, no second pass)
set -euo pipefail
cd "$(dirname "$0")"
source tools/ensure_venv.sh
ensure_venv "site,embedded,test"
export DJANGO_SETTINGS_MODULE=tests.settings
# Two processes (pytest-xdist): the OpenStack tests in order in one, the rest spread
# over both (tests/conftest.py groups them).
workers=(-n "${NOVA_TEST_WORKERS:-2}" --dist loadgroup)

if [ $# -gt 0 ]; then
  exec "$PYTHON" -m pytest "$@"
fi

# CI leaves the machine as it found it: what this run starts, it stops.
cleanup=()
stop_started() {
  local command
  for command in "${cleanup[@]}"; do $command >/dev/null 2>&1 || true; done
}
trap stop_started EXIT

echo "== lint and checks ($("$PYTHON" -c 'import sys, django; print(f"Python {sys.version.split()[0]}, Django {django.get_version()}")'))"
"$PYTHON" -m ruff check .
DJANGO_SETTINGS_MODULE=openstack_dashboard.settings NOVA_VAR_DIR="$(mktemp -d)" \
  "$PYTHON" manage.py makemigrations --check --dry-run >/dev/null
"$PYTHON" manage.py check

# The real OpenStack the OpenStack tests run against (reused when it runs).
if [ "${NOVA_SKIP_OPENSTACK:-}" != 1 ]; then
  echo "== OpenStack test cloud"
  started=$(date +%s)
  if [ "${CI:-}" = true ] && ! tools/openstack-test-cloud status >/dev/null 2>&1; then
    cleanup+=("tools/openstack-test-cloud down")
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
"$PYTHON" -m pytest "${workers[@]}"

# The second supported pair: Django 6.x needs Python 3.12.
main_minor=$("$PYTHON" -c 'import sys; print(sys.version_info[1])')
if [ "$main_minor" != 12 ] && [ "${NOVA_SKIP_COMPAT:-}" != 1 ]; then
  if py312=$(find_python_named python3.12 $(pyenv_pythons "3.12*")); then
    NOVA_VENV=.venv-py312 NOVA_PYTHON_FOR_VENV="$py312" ensure_venv "site,embedded,test,postgres,redis"
    backing="SQLite"
    # A production-like database and cache: private PostgreSQL and Redis on loopback.
    if [ "${CI:-}" = true ] && ! tools/test-services status >/dev/null 2>&1; then
      cleanup+=("tools/test-services down")
    fi
    if tools/test-services up; then
      eval "$(tools/test-services env)"
      backing="PostgreSQL and Redis"
    elif [ "${CI:-}" = true ]; then
      echo "CI needs PostgreSQL and Redis for the second pass" >&2
      exit 1
    fi
    echo "== tests again on $("$PYTHON" -c 'import sys, django; print(f"Python {sys.version.split()[0]}, Django {django.get_version()}")'), $backing"
    # Tests marked "once" test nothing this pair changes (pyproject.toml): pass 1 ran them.
    "$PYTHON" -m pytest -p no:cacheprovider -m "not once" "${workers[@]}"
  else
    echo "== no Python 3.12 found: the Django 6.x pass was not run"
    [ "${CI:-}" = true ] && exit 1
  fi
fi
