"""Helpers for sign-up on the reference site: the form, the emailed link, the login form.

The ``signups`` and ``openstack_signups`` fixtures (registration open on the embedded
cloud, or on both clouds) are in tests/conftest.py.
"""

import re
from urllib.parse import urlsplit

from tests.data import SIGNUP_PASSWORD as PASSWORD

SIGNUP_URL = "/accounts/register/"
LINK = re.compile(r"https?://[^\s]+/accounts/activate/\?activation_key=[^\s]+")


def sign_up(client, username, email=None, password=PASSWORD, cloud=None):
    data = {"username": username, "email": email or f"{username}@example.org",
            "password1": password, "password2": password}
    if cloud:
        data["cloud"] = cloud
    return client.post(SIGNUP_URL, data)


def activation_path(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    parts = urlsplit(match.group(0))
    return f"{parts.path}?{parts.query}"


def activate(client, path):
    """Open the emailed link (a page with one button), then press the button."""
    page = client.get(path)
    assert page.status_code == 200
    assert b'id="activate-submit"' in page.content
    key = path.split("activation_key=", 1)[1]
    return client.post("/accounts/activate/", {"activation_key": key})


def login(client, username, password=PASSWORD, cloud="embedded"):
    data = {"username": username, "password": password, "cloud": cloud}
    if cloud == "openstack":
        data["domain"] = "Default"
    return client.post("/login/", data)
