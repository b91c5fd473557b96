"""The embedded cloud's gate: who may use the moto server besides the dashboard.

moto accepts any keys and any account (even an ``x-moto-account-id``
header), so a bare moto server on loopback lets every local user into every
project's account.  The gate, a WSGI app in front of moto in the server
process, lets through only:

- the dashboard's own requests, which carry the sandbox's secret (a random
  value made at each start and kept in the 0600 state file) in the
  ``X-Nova-Sandbox-Secret`` header; and
- requests signed (AWS Signature Version 4) with an active IAM user access
  key that this sandbox issued, as the API access page hands them out.
  Those stay in the key's own account: no ``x-moto-account-id``, no STS
  call but GetCallerIdentity (so no role in another account can be
  assumed), nothing under ``/moto-api/`` (which could reset the sandbox).

Everything else gets a 403 in the AWS error format of the service asked.
This module imports nothing from Django: it runs in the moto server process.
"""

import hashlib
import hmac
import io
import re
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, quote
from xml.sax.saxutils import escape

SECRET_HEADER = "X-Nova-Sandbox-Secret"  # noqa: S105 - a header name
SECRET_ENVIRON = "HTTP_X_NOVA_SANDBOX_SECRET"  # noqa: S105 - its WSGI key
# AWS refuses signatures older (or newer) than this.
MAX_CLOCK_SKEW = timedelta(minutes=15)
ALGORITHM = "AWS4-HMAC-SHA256"

_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)"
    r"/(?P<service>[^/,\s]+)/aws4_request,\s*SignedHeaders=(?P<headers>[a-z0-9;_.-]+),"
    r"\s*Signature=(?P<signature>[0-9a-f]{64})$")


class Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class SandboxGate:
    """WSGI middleware: the dashboard (by secret) or the sandbox's own keys, nothing else."""

    def __init__(self, app, secret: str):
        self.app = app
        self.secret = secret.encode()

    def __call__(self, environ, start_response):
        given = environ.pop(SECRET_ENVIRON, "")
        if given and hmac.compare_digest(given.encode(), self.secret):
            return self.app(environ, start_response)
        try:
            self.admit(environ)
        except Refused as refusal:
            return refuse(start_response, service_of(environ), refusal)
        return self.app(environ, start_response)

    def admit(self, environ) -> None:
        """Raise Refused unless a key this sandbox issued signed the request."""
        if environ.get("PATH_INFO", "").startswith("/moto-api"):
            raise Refused("AccessDenied", "The sandbox's control API is for its dashboard only.")
        match = _AUTHORIZATION.match(environ.get("HTTP_AUTHORIZATION", "").strip())
        if match is None:
            raise Refused("AuthFailure", "The embedded sandbox cloud takes only requests signed "
                                         "(Signature Version 4) with access keys it issued.")
        key = issued_key(match["key"])
        if key is None:
            raise Refused("AuthFailure", "The access key is not one this sandbox issued, or it "
                                         "is inactive or deleted.")
        body = read_body(environ)
        if not signature_matches(environ, body, match, key.secret_access_key):
            raise Refused("SignatureDoesNotMatch",
                          "The request signature does not match the access key's secret.")
        if "HTTP_X_MOTO_ACCOUNT_ID" in environ:
            raise Refused("AccessDenied", "An access key reaches its own account only.")
        if match["service"] == "sts" and action_of(environ, body) != "GetCallerIdentity":
            raise Refused("AccessDenied", "Access keys cannot assume roles on the sandbox.")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def issued_key(key_id: str):
    """The active IAM user access key ``key_id`` in any of moto's accounts, or None.

    Temporary (STS) keys are not accepted here: only the dashboard holds them,
    and its requests carry the secret.
    """
    from moto.iam.models import iam_backends  # the server process's own moto state

    for _account_id, account in list(iam_backends.items()):
        key = account["aws"].access_keys.get(key_id)
        if key is not None:
            return key if key.user_name and key.status == "Active" else None
    return None


def read_body(environ) -> bytes:
    """The request body, read once and put back for moto."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def header(environ, name: str) -> str | None:
    if name == "content-type":
        return environ.get("CONTENT_TYPE")
    if name == "content-length":
        return environ.get("CONTENT_LENGTH")
    return environ.get("HTTP_" + name.upper().replace("-", "_"))


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signature_matches(environ, body: bytes, auth, secret: str) -> bool:
    """Recompute the request's Signature Version 4 with ``secret`` and compare."""
    amz_date = environ.get("HTTP_X_AMZ_DATE", "")
    try:
        signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return False
    if abs(datetime.now(UTC) - signed_at) > MAX_CLOCK_SKEW or amz_date[:8] != auth["date"]:
        return False
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or quote(environ["PATH_INFO"])
    path, _, query = raw.partition("?")
    pairs = sorted(pair.partition("=")[::2] for pair in query.split("&") if pair)
    lines = []
    for name in auth["headers"].split(";"):
        value = header(environ, name)
        if value is None:
            return False
        lines.append(f"{name}:{' '.join(value.split())}")
    payload = environ.get("HTTP_X_AMZ_CONTENT_SHA256") or hashlib.sha256(body).hexdigest()
    canonical = "\n".join([
        environ["REQUEST_METHOD"], quote(path or "/", safe="/~"),
        "&".join(f"{k}={v}" for k, v in pairs), "\n".join(lines) + "\n",
        auth["headers"], payload])
    scope = f"{auth['date']}/{auth['region']}/{auth['service']}/aws4_request"
    to_sign = "\n".join([ALGORITHM, amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(("AWS4" + secret).encode(), auth["date"])
    for part in (auth["region"], auth["service"], "aws4_request"):
        key = _hmac(key, part)
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, auth["signature"])


def action_of(environ, body: bytes) -> str:
    """The query-protocol action (STS, EC2, IAM) from the query string or the form body."""
    for source in (environ.get("QUERY_STRING", ""), body.decode("utf-8", "replace")):
        action = parse_qs(source).get("Action")
        if action:
            return action[0]
    return ""


def service_of(environ) -> str:
    match = re.search(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/",
                      environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else ""


def refuse(start_response, service: str, refusal: Refused):
    """A 403 that boto3 parses into a ClientError with ``refusal.code``."""
    code, message = escape(refusal.code), escape(refusal.message)
    request_id = secrets.token_hex(16)
    if service == "ec2":
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
                f"<Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                f"<RequestID>{request_id}</RequestID></Response>")
    else:
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse><Error>"
                f"<Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>")
    data = body.encode()
    start_response("403 Forbidden", [("Content-Type", "text/xml"),
                                     ("Content-Length", str(len(data)))])
    return [data]
