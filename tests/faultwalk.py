"""The fault matrix both clouds' tests share (tests/ec2/test_faults.py and
tests/openstack/test_faults.py): short timeouts, a walk of every URL of the URLconf
(GET, and POST where the view takes one), and what every answer must be while the
cloud misbehaves: no 500, a readable message, no library text, within the deadline.
"""

import re
import time
from dataclasses import dataclass

from django.contrib.messages import get_messages

from django_nova.exceptions import CloudError
from tests.urlwalk import accepts_post, login_url, nova_patterns, url_for

READ_TIMEOUT, DEADLINE = 1.0, 2.0
# What a loaded 2-core CI machine adds to a bound; a hang would add far more.
SLACK = 3
# NOVA settings for a fault run: a hang costs one short wait, then the breaker answers.
SETTINGS = {"READ_TIMEOUT": READ_TIMEOUT, "PAGE_DEADLINE": DEADLINE, "BREAKER_SECONDS": 60}
# What the walk may answer: pages, redirects, refusals, and readable cloud errors.
ANSWERS = {200, 302, 400, 403, 404, 405, 409, 503}
# A form that every create, import, rename and bulk action of the walk sends.
FORM = {"action": "reboot", "confirmed": "1"}
# Text of client libraries and Python that no page may show: class names, the wording of
# requests' and keystoneauth's messages, JSON decoding errors, tracebacks.
RAW_TEXT = re.compile(
    r"Traceback|\b\w+(?:Exception|Error|Failure|Timeout)\b|for url:|https?://|HTTPConnection"
    r"|Max retries|Errno|Expecting (?:value|property)|Unterminated string|NoneType"
    r"|has no attribute|<class |\bb'")
CLOUD_ERROR = re.compile(r'class="alert alert-danger nova-cloud-error".*?</div>', re.S)
ALERTS = re.compile(r'<div class="(?:alert|invalid-feedback)[^"]*"[^>]*>(.*?)</div>', re.S)


def raw_text(message: str) -> str:
    """The library or Python text in a message meant for users ("" when it reads well)."""
    found = RAW_TEXT.search(message)
    return found.group(0) if found else ""


def timed(call):
    """(the CloudError ``call`` raised or None, seconds it took)."""
    started = time.monotonic()
    try:
        call()
    except CloudError as error:
        return error, time.monotonic() - started
    return None, time.monotonic() - started


@dataclass(frozen=True)
class Answer:
    method: str
    url: str
    name: str
    status: int
    seconds: float
    body: str
    location: str
    messages: tuple[str, ...]
    raised: str = ""  # the exception a view let out, with a client made to keep answering


def requests_of(ids: dict) -> list[tuple[str, str, str]]:
    """(URL name, method, URL) for every URL, GET and POST, ``ids`` put in the paths.

    Every GET comes before the POSTs (which stop servers and delete things the pages
    show), and the logout POST last, so the walk's member stays signed in until then.
    """
    gets, posts, last = [], [], []
    for name, params, callback in nova_patterns():
        url = url_for(name, params, **{p: ids[p] for p in params if p in ids})
        gets.append((name, "GET", url))
        if accepts_post(callback):
            (last if name == "logout" else posts).append((name, "POST", url))
    return gets + posts + last


def ask(client, method: str, url: str, name: str, form: dict) -> Answer:
    started = time.monotonic()
    response = client.get(url) if method == "GET" else client.post(url, form)
    seconds = time.monotonic() - started
    body = ("" if response.streaming else response.content.decode(errors="replace"))
    return Answer(method=method, url=url, name=name, status=response.status_code,
                  seconds=seconds, body=body, location=response.get("Location", ""),
                  messages=tuple(str(m) for m in get_messages(response.wsgi_request)),
                  raised=raised(response))


def raised(response) -> str:
    """"module.Class: message" of what the view raised ("" when it raised nothing)."""
    info = getattr(response, "exc_info", None)
    if not info:
        return ""
    kind = type(info[1])
    return f"{kind.__module__}.{kind.__qualname__}: {str(info[1])[:200]}"


def walk(clients: dict, requests, form):
    """Answers to ``requests`` (from ``requests_of``): admin pages asked by
    ``clients["admin"]``, the login by ``clients["anonymous"]`` (a signed-in user is only
    sent on), everything else by ``clients["member"]``."""
    for name, method, url in requests:
        who = ("admin" if name.startswith("admin-") else
               "anonymous" if name == "login" else "member")
        yield ask(clients[who], method, url, name, form)


def problems(answer: Answer, limit: float) -> list[str]:
    """What is wrong with one answer under a fault ([] when nothing is)."""
    found = []
    if answer.status not in ANSWERS:
        found.append(f"HTTP {answer.status} {answer.raised}".strip())
    cloud_error = CLOUD_ERROR.search(answer.body)
    if answer.status == 503 and cloud_error is None:
        found.append("503 without a readable message")
    shown = [*answer.messages, *ALERTS.findall(answer.body),
             *([cloud_error.group(0)] if cloud_error else [])]
    leaked = {raw_text(text) for text in shown} - {""}
    if leaked:
        found.append(f"shows library text {sorted(leaked)}")
    if answer.seconds > limit:
        found.append(f"{answer.seconds:.1f} s")
    if answer.location.split("?")[0] == login_url() and answer.name != "logout":
        found.append("signed the user out")
    return found
