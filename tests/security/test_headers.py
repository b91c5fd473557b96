"""Content-Security-Policy and Permissions-Policy on every response of the site.

Every URL of the URLconf (tests/urlwalk.py), signed out and signed in, the reference
site's own pages, static files and error pages all carry both headers, and the policy
is strict: nothing inline, nothing from elsewhere, no plugins, no framing.  No template
holds what such a policy would block (tests/security/test_csp_browser.py checks it in a
real browser).
"""

import re
from pathlib import Path

import pytest

import django_nova
import openstack_dashboard
from tests.urlwalk import nova_patterns, url_for

SITE_PATHS = ["/accounts/register/", "/accounts/register/complete/",
              "/accounts/register/closed/", "/accounts/activate/",
              "/accounts/password/reset/", "/accounts/password/reset/sent/",
              "/accounts/password/reset/MQ/set-password/", "/accounts/password/reset/done/",
              "/admin/", "/admin/login/", "/admin/auth/user/",
              "/static/django_nova/nova.css", "/static/django_nova/nova.js",
              "/no-such-page/"]
DENIED_FEATURES = {"camera", "microphone", "geolocation", "payment", "usb", "serial", "hid",
                   "display-capture", "fullscreen"}


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_headers(response, where):
    directives = policy(response)
    assert directives, (where, response.status_code, "no Content-Security-Policy")
    assert "Permissions-Policy" in response, (where, "no Permissions-Policy")
    return directives


def all_paths():
    return [url_for(name, params) for name, params, _ in nova_patterns()] + SITE_PATHS


def test_every_url_carries_both_headers_signed_out_and_in(client, member, project):
    paths = all_paths()
    assert len(paths) >= 60
    statuses = set()
    for signed_in in (False, True):
        if signed_in:
            client.force_login(member)
        for path in paths:
            response = client.get(path)
            statuses.add(response.status_code)
            assert_headers(response, (signed_in, path))
    # Pages, redirects, refusals and missing pages alike.
    assert {200, 302, 404} <= statuses


def test_posts_and_cloud_errors_carry_them_too(member_client):
    response = member_client.post("/instances/i-0123456789abcdef0/stop/")
    assert_headers(response, "POST")
    response = member_client.get("/instances/i-0123456789abcdef0/")
    assert response.status_code == 404
    assert_headers(response, "cloud 404")


def test_the_policy_is_strict(client, db):
    directives = assert_headers(client.get("/login/"), "/login/")
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    everything = " ".join(v for values in directives.values() for v in values)
    for loophole in ("'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"):
        assert loophole not in everything.split(), loophole


def test_permissions_policy_denies_devices_and_payments(client, db):
    header = client.get("/login/")["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in header.split(","))
    for feature in DENIED_FEATURES:
        assert features.get(feature) == "()", (feature, header)
    assert set(features.values()) == {"()"}  # nothing is allowed, not even to this origin


def test_pages_tell_htmx_not_to_inject_styles_or_eval(member_client):
    html = member_client.get("/instances/").content.decode()
    assert ('<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, '
            '"allowEval": false}\'>') in html
    css = (Path(django_nova.__file__).parent / "static/django_nova/nova.css").read_text()
    assert ".htmx-indicator" in css and ".htmx-request .htmx-indicator" in css


TEMPLATE_DIRS = [Path(django_nova.__file__).parent / "templates",
                 Path(openstack_dashboard.__file__).parent / "templates"]
BLOCKED = {
    "inline style attribute": re.compile(r"""\sstyle\s*=\s*["']""", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")",
                                re.I),
    "event handler attribute": re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("sample, kind", [
    ('<div style="width: 0%">', "inline style attribute"),
    ("<style>.x{}</style>", "style element"),
    ("<script>alert(1)</script>", "inline script"),
    ('<button onclick="go()">', "event handler attribute"),
    ('<a href="javascript:go()">', "javascript: URL")])
def test_the_template_scan_detects(sample, kind):
    assert BLOCKED[kind].search(sample)
    assert not BLOCKED[kind].search('<script src="/static/x.js"></script> <div class="x">')


def test_no_template_holds_what_the_policy_blocks():
    templates = [p for d in TEMPLATE_DIRS for p in d.rglob("*.html")]
    assert len(templates) >= 40
    found = [f"{p.relative_to(p.parents[2])}:{n}: {kind}"
             for p in templates for n, line in enumerate(p.read_text().splitlines(), 1)
             for kind, pattern in BLOCKED.items() if pattern.search(line)]
    assert found == []
