"""Small helpers the test modules share."""

import time

from django.contrib.messages import get_messages


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
