"""A fault-injecting reverse proxy: real sockets on loopback, in front of a real cloud.

Each ``FaultProxy`` forwards to one upstream port and can be told to misbehave:

- ``pass``: forward faithfully;
- ``refuse``: stop listening, so connections are refused;
- ``hang``: accept, read the request, never answer;
- ``reset``: accept, read the request, then reset the connection (no answer at all);
- ``status:<code>``: answer that status with a small JSON error body (403, 404, 500);
- ``html:<code>``: answer that status with an HTML page (a web server's own 404 page);
- ``garbage``: answer 200 with an HTML page (a proxy's error page);
- ``slow``: forward, but trickle the answer's body a few bytes at a time, each piece
  within any read timeout, the whole far slower than a page may take (a slowloris);
- ``truncated``: forward, but cut the body short (the declared length stays);
- ``missing``: answer 404 with an empty body to everything (a service that is not there).

Answers that name an upstream ``127.0.0.1:<port>`` (Keystone's catalog, Location
headers) are rewritten to the proxies in ``port_map``, so clients that follow the
catalog stay behind them.  ``fault`` may be limited to requests whose path matches.
``seen`` lists every request the proxy received, as (method, path): which pages reach
which service.
"""

import contextlib
import http.client
import re
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "content-length"}
ADDRESS = re.compile(rb"(?:127\.0\.0\.1|localhost):(\d+)(?!\d)")
GARBAGE = (b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>"
           b"<p>The proxy server received an invalid response.</p></body></html>")
FAULTS = ("refuse", "hang", "status:500", "status:403", "status:404", "garbage", "truncated",
          "missing")
# A slow answer's body: this many bytes, then a pause (ten pieces take SLOW_PAUSE * 10).
SLOW_PIECE, SLOW_PAUSE = 16, 0.4


class _Server(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that gave up (its timeout, a page's deadline) is the point, not news."""


class FaultProxy:
    def __init__(self, upstream_port: int, port_map: dict[int, int] | None = None):
        self.upstream_port = upstream_port
        self.port_map = port_map if port_map is not None else {}
        self.fault = "pass"
        self.only = None  # a regex on the path, or None for every request
        self.seen: list[tuple[str, str]] = []
        self._stop = threading.Event()
        self._server = None
        self._connections = set()
        self.port = self._free_port()
        self.start()

    @staticmethod
    def _free_port() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                proxy._connections.add(self.connection)

            def finish(self):
                proxy._connections.discard(self.connection)
                super().finish()

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.answer(self, body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

        self._server = _Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def set(self, fault: str, only: str | None = None) -> None:
        """Misbehave from now on (``pass`` to stop); ``refuse`` closes the port."""
        self.only = re.compile(only) if only else None
        if fault == "refuse" and self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            for connection in list(self._connections):  # kept-alive ones are cut too
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
        elif fault != "refuse" and self._server is None:
            self.start()
        self._stop.set()  # release requests hanging under the previous fault
        self._stop = threading.Event()
        self.fault = fault

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def rewrite(self, data: bytes) -> bytes:
        return ADDRESS.sub(lambda m: b"127.0.0.1:%d" % self.port_map[int(m.group(1))]
                           if int(m.group(1)) in self.port_map else m.group(0), data)

    def answer(self, handler, body: bytes) -> None:
        self.seen.append((handler.command, handler.path))
        fault = self.fault
        if self.only is not None and not self.only.search(handler.path):
            fault = "pass"
        if fault == "hang":
            self._stop.wait(120)
            handler.close_connection = True
            return
        if fault == "reset":
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                          struct.pack("ii", 1, 0))  # close sends RST
            handler.close_connection = True
            return
        if fault.startswith("status:"):
            code = int(fault.split(":")[1])
            self._reply(handler, code, b'{"error": {"message": "Injected fault", "code": %d}}'
                        % code, "application/json")
            return
        if fault.startswith("html:"):
            code = int(fault.split(":")[1])
            self._reply(handler, code, b"<html><head><title>%d</title></head><body><h1>%d</h1>"
                        b"<hr><address>Apache Server at 127.0.0.1</address></body></html>"
                        % (code, code), "text/html")
            return
        if fault == "garbage":
            self._reply(handler, 200, GARBAGE, "text/html")
            return
        if fault == "missing":
            self._reply(handler, 404, b"", "text/plain")
            return
        status, headers, data = self._forward(handler, body)
        if fault == "truncated" and data:
            handler.send_response(status)
            for name, value in headers:
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(data)))
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.wfile.write(data[:max(1, len(data) // 2)])
            handler.close_connection = True
            return
        handler.send_response(status)
        for name, value in headers:
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        if handler.command == "HEAD":
            return
        if fault == "slow":
            stop = self._stop
            for start in range(0, len(data), SLOW_PIECE):
                handler.wfile.write(data[start:start + SLOW_PIECE])
                handler.wfile.flush()
                if stop.wait(SLOW_PAUSE):
                    break
            handler.close_connection = True
            return
        handler.wfile.write(data)

    def _forward(self, handler, body: bytes):
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=60)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["Host"] = f"127.0.0.1:{self.upstream_port}"
        try:
            upstream.request(handler.command, handler.path, body=body or None, headers=headers)
            response = upstream.getresponse()
            data = self.rewrite(response.read())
            kept = [(k, self.rewrite(v.encode()).decode()) for k, v in response.getheaders()
                    if k.lower() not in HOP_BY_HOP]
            return response.status, kept, data
        finally:
            upstream.close()

    @staticmethod
    def _reply(handler, status: int, data: bytes, content_type: str) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(data)


def wait_until_closed(port: int, timeout: float = 5.0) -> None:
    """Until nothing accepts on the port (a refused-connection fault is in force)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except OSError:
            return
        time.sleep(0.05)
