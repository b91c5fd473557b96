#!/usr/bin/env bash
# Serve django-nova on 127.0.0.1:${PORT:-8000} against the embedded sandbox cloud.
# First run: creates .venv, installs, migrates, creates the admin and demo accounts.
# With nginx on the machine, a private nginx faces clients and gunicorn sits
# behind it on a Unix socket, so slow clients cannot tie up gunicorn's threads
# (NOVA_FRONT=nginx|none chooses; tools/front.sh says why).
set -euo pipefail
cd "$(dirname "$0")"
source tools/ensure_venv.sh
source tools/front.sh
ensure_venv "site,embedded"
export DJANGO_SETTINGS_MODULE=openstack_dashboard.settings
PORT="${PORT:-8000}"
# The settings' directory, made absolute for nginx.
NOVA_VAR_DIR=$(mkdir -p "${NOVA_VAR_DIR:-var}" && cd "${NOVA_VAR_DIR:-var}" && pwd)
export NOVA_VAR_DIR

case "${NOVA_FRONT:-auto}" in
  auto)
    if nginx=$(front_find_nginx); then front=nginx; else
      front=none
      note="Slow clients can tie up gunicorn's threads here: install nginx (Debian: apt-get install nginx) and run again to put it in front."
    fi ;;
  nginx)
    front=nginx
    nginx=$(front_find_nginx) || {
      echo "NOVA_FRONT=nginx, but nginx is not installed (Debian: apt-get install nginx)." >&2
      exit 1
    } ;;
  none)
    front=none
    note="NOVA_FRONT=none: gunicorn faces clients itself, and slow clients can tie up its threads." ;;
  *)
    echo "NOVA_FRONT must be nginx or none, not '$NOVA_FRONT'." >&2
    exit 1 ;;
esac

"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py collectstatic --noinput -v0
accounts=$("$PYTHON" manage.py ensure_demo_accounts)
"$PYTHON" manage.py embedded_cloud start

# Everything started here stops on exit, by PID (nginx first: no new requests).
pids=() socket_dir=
stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # The embedded cloud is a sandbox: it stops (and forgets) with the dashboard.
  "$PYTHON" manage.py embedded_cloud stop || true
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -z "$socket_dir" ] || rm -rf "$socket_dir"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

gunicorn=("$PYTHON" -m gunicorn openstack_dashboard.wsgi:application
  --workers "${NOVA_WORKERS:-2}" --threads 4 --worker-class gthread --timeout 60
  --access-logfile - --log-level warning)
if [ "$front" = nginx ]; then
  run="$NOVA_VAR_DIR/nginx"
  mkdir -p -m 700 "$run"
  socket="$run/gunicorn.sock"
  if [ ${#socket} -gt 100 ]; then  # too long for a Unix socket's address
    socket_dir=$(mktemp -d)
    socket="$socket_dir/gunicorn.sock"
  fi
  rm -f "$socket"
  front_nginx_conf "$run" "$PORT" "unix:$socket"
  # The site takes the client address from X-Forwarded-For, which our nginx
  # sets: one proxy more than NOVA_PROXY_COUNT says stand before $PORT.
  NOVA_PROXY_COUNT=$(( ${NOVA_PROXY_COUNT:-0} + 1 )) "${gunicorn[@]}" --bind "unix:$socket" \
    --access-logformat '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"' &
  pids+=($!)
  for _ in $(seq 300); do
    [ -S "$socket" ] && break
    kill -0 "${pids[0]}" 2>/dev/null || exit 1
    sleep 0.1
  done
  "$nginx" -p "$run" -c "$run/nginx.conf" &
  pids=($! "${pids[@]}")
  note="nginx faces clients and hands whole requests to gunicorn; its logs are in $run/."
else
  "${gunicorn[@]}" --bind "127.0.0.1:$PORT" &
  pids+=($!)
fi

cat <<MSG

  django-nova is at  http://127.0.0.1:$PORT/
  $accounts
  Emails (sign-up activation links, password resets) are printed below.
  $note

MSG
# Until Ctrl-C, or until a server stops (then the others stop too).
status=0
wait -n || status=$?
[ "$status" = 0 ] || echo "run_dashboard.sh: a server failed (status $status); stopping." >&2
exit "$status"
