"""The URLconf walk the security, audit and authorization tests share: every URL pattern
in the django_nova namespace, a sample value for each path parameter, and which URLs an
anonymous visitor may reach.  New URLs are covered as soon as they exist."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

NAMESPACE = "django_nova"
INSTANCE_ID = "i-0123456789abcdef0"
# Plausible values for every path parameter a django_nova URL takes.  A new
# parameter name makes the URL walk fail until a sample is added here.
PATH_SAMPLES = {"instance_id": INSTANCE_ID, "action": "start", "name": "k1",
                "volume_id": "vol-0123456789abcdef0", "image_id": "ami-0123456789abcdef0",
                "snapshot_id": "snap-0123456789abcdef0",
                "group_id": "sg-0123456789abcdef0", "rule_id": "r1",
                "address_id": "eipalloc-0123456789abcdef0",
                "network_id": "net-0123456789abcdef0", "subnet_id": "subnet-0123456789abcdef0",
                "router_id": "router-0123456789abcdef0",
                "project_id": "1", "user_id": "1",
                "key_id": "AKIAIOSFODNN7EXAMPLE",
                "credential_id": "0123456789abcdef0123456789abcdef",
                "flavor_id": "0123456789abcdef", "service_id": "0123456789abcdef"}

# The only django_nova URLs an anonymous visitor may reach, and what they must answer.
ANONYMOUS_ALLOWED = {
    # The login page itself; a failed POST re-renders the form.
    "login": {"GET": (200, None), "POST": (200, None)},
    # Logout is POST-only (Django 5); anonymous POST just lands on the login page.
    "logout": {"GET": (405, None), "POST": (302, "login")},
    # "/" only redirects to the instance list, which is itself login-protected (checked).
    "home": {"GET": (302, "instances"), "POST": (302, "instances")},
    # Load balancers and Prometheus are no users: health is public, metrics is for the
    # site's own hosts (the test client comes from loopback).
    "healthz": {"GET": (200, None), "POST": (405, None)},
    "metrics": {"GET": (200, None), "POST": (405, None)},
}


def nova_patterns():
    """Every URL pattern in the django_nova namespace: (name, parameter names, callback)."""
    def namespaced(resolver):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == NAMESPACE:
                    yield entry
                else:
                    yield from namespaced(entry)

    def params(pattern):
        converters = getattr(pattern, "converters", None)
        if converters is not None:
            return list(converters)
        return list(pattern.regex.groupindex)

    def walk(resolver, inherited):
        for entry in resolver.url_patterns:
            names = inherited + params(entry.pattern)
            if isinstance(entry, URLResolver):
                assert not entry.namespace, f"nested namespace {entry.namespace} not walked"
                yield from walk(entry, names)
            else:
                assert isinstance(entry, URLPattern)
                yield entry.name, names, entry.callback

    roots = list(namespaced(get_resolver()))
    assert len(roots) == 1, f"expected django_nova included once, found {len(roots)}"
    return list(walk(roots[0], []))


def url_for(name, params, /, **overrides):
    assert name, "every django_nova URL pattern must be named (it cannot be reversed otherwise)"
    missing = [p for p in params if p not in PATH_SAMPLES and p not in overrides]
    if missing:
        pytest.fail(f"no sample value for path parameter(s) {missing} of {name!r}: "
                    "add them to PATH_SAMPLES")
    kwargs = {p: overrides.get(p, PATH_SAMPLES.get(p)) for p in params}
    return reverse(f"{NAMESPACE}:{name}", kwargs=kwargs)


def accepts_post(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    assert view_class is not None, f"{callback} is not a class-based view; classify it here"
    return "post" in view_class.http_method_names and hasattr(view_class, "post")


def login_url():
    return reverse(f"{NAMESPACE}:login")


def assert_redirects_to_login(response, path):
    assert response.status_code == 302, (path, response.status_code)
    location = urlsplit(response["Location"])
    assert location.netloc == "" and location.path == login_url(), (path, response["Location"])
    assert parse_qs(location.query).get("next") == [path], (path, response["Location"])
