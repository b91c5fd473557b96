"""A counting reverse proxy: one loopback port per upstream API, real sockets.

Both dashboards and the raw openstacksdk baseline reach the cloud through it,
so every API request they make is counted here, per service and per
"METHOD /path" (ids folded to ``{id}``), with bytes and time upstream; other
users of the shared test cloud are not counted because they do not come
through it.

Keystone's catalog (and any other body or Location header) names the real
ports, ``127.0.0.1:5000``, ``:8774``...; the proxy rewrites them to its own,
so clients that follow the catalog stay on the proxy.

It runs as its own process (``python -m bench_lib.proxy``) so that its CPU
and GIL do not share the bench client's; it writes its ports to a JSON file
and answers ``GET /counts`` and ``POST /reset`` on a control port.
"""

import argparse
import http.client
import json
import os
import re
import signal
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "content-length"}
ID = re.compile(r"/(?:[0-9a-f]{32}|[0-9a-f-]{36}|[0-9a-f]{8,}|i-[0-9a-f]+|ami-[0-9a-f]+)(?=/|$)")

_counts: dict = defaultdict(lambda: {"calls": 0, "bytes": 0, "seconds": 0.0})
_counts_lock = threading.Lock()
_port_map: dict[bytes, bytes] = {}
ADDRESS = re.compile(rb"(?:127\.0\.0\.1|localhost):(\d+)(?!\d)")
# Headers added to every forwarded request (Proxy(add_headers=...) in sites.py).
ADD_HEADERS = json.loads(os.environ.get("BENCH_PROXY_HEADERS") or "{}")


def operation(method: str, path: str, body: bytes) -> str:
    """What a request asks for: the path with ids folded, or an EC2 Action."""
    path = path.split("?", 1)[0]
    action = re.search(rb"(?:^|&)Action=([A-Za-z]+)", body or b"")
    if action:
        return action.group(1).decode()
    return f"{method} {ID.sub('/{id}', path)}"


def rewrite(data: bytes) -> bytes:
    """Upstream addresses to ours, in one pass (so no port is rewritten twice)."""
    if not _port_map:
        return data
    return ADDRESS.sub(lambda m: b"127.0.0.1:" + _port_map[m.group(1)]
                       if m.group(1) in _port_map else m.group(0), data)


class Upstream(threading.local):
    """One kept-alive connection to the upstream per proxy thread."""

    def __init__(self, port: int):
        self.port = port
        self.conn = None

    def request(self, method, path, body, headers):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def handler_for(service: str, upstream_port: int):
    upstream = Upstream(upstream_port)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in HOP_BY_HOP}
            if body is not None:
                headers["Content-Length"] = str(len(body))
            headers.update(ADD_HEADERS)
            started = time.perf_counter()
            try:
                response, data = upstream.request(self.command, self.path, body, headers)
            except OSError as error:
                self.send_error(502, f"upstream {service}: {error}")
                return
            elapsed = time.perf_counter() - started
            key = (service, operation(self.command, self.path, body or b""))
            with _counts_lock:
                entry = _counts[key]
                entry["calls"] += 1
                entry["bytes"] += len(data)
                entry["seconds"] += elapsed
            if data and not response.getheader("Content-Encoding"):
                data = rewrite(data)
            self.send_response(response.status, response.reason)
            for name, value in response.getheaders():
                if name.lower() in HOP_BY_HOP:
                    continue
                if name.lower() == "location":
                    value = rewrite(value.encode()).decode()
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _forward

    return Handler


class Control(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _reply(self, payload):
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with _counts_lock:
            snapshot = [{"service": s, "operation": op, **v} for (s, op), v in _counts.items()]
        self._reply(snapshot)

    def do_POST(self):
        with _counts_lock:
            _counts.clear()
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._reply({"reset": True})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench_lib.proxy")
    parser.add_argument("--route", action="append", default=[],
                        help="SERVICE=UPSTREAM_PORT (repeatable)")
    parser.add_argument("--ports-file", type=Path, required=True)
    args = parser.parse_args(argv)

    servers, ports = [], {}
    for route in args.route:
        service, upstream = route.split("=")
        server = Server(("127.0.0.1", 0), handler_for(service, int(upstream)))
        ports[service] = {"listen": server.server_address[1], "upstream": int(upstream)}
        servers.append(server)
    control = Server(("127.0.0.1", 0), Control)
    servers.append(control)
    for info in ports.values():
        _port_map[str(info["upstream"]).encode()] = str(info["listen"]).encode()
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    tmp = args.ports_file.with_suffix(".tmp")
    tmp.write_text(json.dumps({"services": ports, "control": control.server_address[1]}))
    tmp.replace(args.ports_file)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    sys.exit(0)


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
