"""Small helpers the test modules share."""

import time

from django.contrib.messages import get_messages
from django.urls import reverse

from django_nova.clouds.calls import cloud_call
from django_nova.conf import EMBEDDED_CLOUD


def wait_for(check, timeout=120, interval=0.5):
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"gave up waiting after {timeout}s")


def messages_of(response) -> list[str]:
    """The Django messages a response's request carried."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def url(name, *args):
    """The path of a django_nova URL by name."""
    return reverse(f"django_nova:{name}", args=args)


def cloud_settings(endpoint: str) -> dict:
    """NOVA settings whose embedded cloud lives at ``endpoint``."""
    return {"CLOUDS": {"embedded": {**EMBEDDED_CLOUD, "ENDPOINT": endpoint}}}


def cloud_operations(action) -> list[str]:
    """The cloud operations ``action()`` makes (sorted; assuming a project's role left out)."""
    seen = []

    def record(sender, cloud, operation, **_):
        seen.append(operation)

    cloud_call.connect(record, weak=False)
    try:
        action()
    finally:
        cloud_call.disconnect(record)
    return sorted(op for op in seen if op != "AssumeRole")
