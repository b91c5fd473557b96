# Sourced by run_dashboard.sh: the buffering front (a private nginx) that
# faces clients instead of gunicorn.
#
# gunicorn's gthread worker gives each connection a thread as soon as its
# first bytes arrive, and that thread then waits for the rest of the request:
# a client that sends its headers a line every few seconds holds one of the
# 8 threads (2 workers x 4) for as long as it likes. nginx reads each request
# whole in its event loop, where a slow connection costs a little memory, and
# only then hands it to gunicorn over a Unix socket; it also takes responses
# whole, so slow readers do not hold a thread either.

# Prints the nginx binary to use, or fails. /usr/sbin is often not on a
# user's PATH, which is where Debian puts nginx.
front_find_nginx() {
  local candidate
  for candidate in "$(command -v nginx 2>/dev/null)" /usr/sbin/nginx /usr/local/sbin/nginx; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# front_nginx_conf DIR PORT UPSTREAM: writes DIR/nginx.conf, an
# nginx of our own (pid, logs and temporary files in DIR) listening on
# 127.0.0.1:PORT and proxying to UPSTREAM ("unix:/path" or "127.0.0.1:port").
front_nginx_conf() {
  local dir="$1" port="$2" upstream="$3" user_line=""
  mkdir -p -m 700 "$dir/tmp"
  # Only root may switch users: its workers run as the user that started the
  # script, as gunicorn does, so they can reach DIR and the socket.
  if [ "$(id -u)" = 0 ]; then
    user_line="user $(id -un) $(id -gn);"
  fi
  cat > "$dir/nginx.conf" <<CONF
# Written by run_dashboard.sh on every run (edits are lost): see
# docs/operator-guide.md, "Serving: nginx in front of gunicorn".
daemon off;
worker_processes 1;
$user_line
pid $dir/nginx.pid;
lock_file $dir/nginx.lock;
error_log $dir/error.log warn;

events {
    worker_connections 1024;
}

http {
    access_log $dir/access.log combined;
    server_tokens off;
    # Every temporary path of our own, not the system's.
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;

    # Slow clients wait here, never in gunicorn: the whole header within
    # 15 s, then no pause over 30 s while sending the body or reading the answer.
    client_header_timeout 15s;
    client_body_timeout 30s;
    send_timeout 30s;
    keepalive_timeout 30s;
    reset_timedout_connection on;
    # Image uploads: the upload page posts whole image files (nginx keeps
    # each in tmp/body until gunicorn has it).
    client_max_body_size 16g;

    # HTML (always, with gzip on), CSS, scripts and the rest of the text;
    # WhiteNoise's static files come compressed already and are left alone.
    gzip on;
    gzip_comp_level 5;
    gzip_min_length 1024;
    gzip_vary on;
    gzip_proxied any;
    gzip_types text/css text/plain text/csv application/javascript application/json
               image/svg+xml;

    upstream dashboard {
        server $upstream;
    }

    server {
        listen 127.0.0.1:$port;

        location / {
            proxy_pass http://dashboard;
            # The whole request (body included) before gunicorn sees it, and
            # the whole answer before its thread is free: nginx's defaults,
            # said out loud because they are the point.
            proxy_request_buffering on;
            proxy_buffering on;
            # The port too: Django compares it with the Origin of every POST.
            proxy_set_header Host \$http_host;
            # The site reads the address from here (NOVA_PROXY_COUNT=1).
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header Proxy "";
            # An image upload is passed on to the cloud before the answer comes.
            proxy_read_timeout 900s;
        }
    }
}
CONF
}
