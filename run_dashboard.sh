#!/usr/bin/env bash
# Serve django-nova on 127.0.0.1:${PORT:-8000} against the embedded sandbox cloud.
# First run: creates .venv, installs, migrates, creates the admin and demo accounts.
set -euo pipefail
cd "$(dirname "$0")"
source tools/ensure_venv.sh
ensure_venv "site,embedded"
export DJANGO_SETTINGS_MODULE=openstack_dashboard.settings
PORT="${PORT:-8000}"

"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py collectstatic --noinput -v0
accounts=$("$PYTHON" manage.py ensure_demo_accounts)
"$PYTHON" manage.py embedded_cloud start
# The embedded cloud is a sandbox: it stops (and forgets) with the dashboard.
trap '"$PYTHON" manage.py embedded_cloud stop' EXIT

cat <<MSG

  django-nova is at  http://127.0.0.1:$PORT/
  $accounts
  Emails (sign-up activation links, password resets) are printed below.

MSG
"$PYTHON" -m gunicorn openstack_dashboard.wsgi:application \
  --bind "127.0.0.1:$PORT" --workers "${NOVA_WORKERS:-2}" --threads 4 \
  --worker-class gthread --timeout 60 --access-logfile - --log-level warning
