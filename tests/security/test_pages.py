"""Security properties of the dashboard's pages, checked through the real views and the moto
cloud.

Login on every URL (enumerated from the URLconf by tests/urlwalk.py, so new URLs are
covered), CSRF on
every POST, project isolation (also by guessing URLs), escaping of hostile names,
open redirects, and cloud credentials never reaching a page.
"""

import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.conf import settings as django_settings
from django.test import Client
from django.urls import get_resolver, reverse

import django_nova
import openstack_dashboard
from django_nova.clouds import open_cloud
from django_nova.conf import EMBEDDED_CLOUD
from django_nova.context import SESSION_PROJECT, SESSION_REGION
from django_nova.mixins import AdminRequiredMixin
from django_nova.resources import LaunchSpec
from tests.data import IMAGE_ID, PASSWORD
from tests.helpers import messages_of
from tests.urlwalk import (
    ANONYMOUS_ALLOWED,
    INSTANCE_ID,
    NAMESPACE,
    accepts_post,
    assert_redirects_to_login,
    login_url,
    nova_patterns,
    url_for,
)

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
EVIL = "https://evil.example/"
EVIL_NEXTS = [
    EVIL,
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "http://testserver@evil.example/",
    " https://evil.example/",
    "javascript:alert(1)",
]
CSRF_FAILURE = b"CSRF verification failed"


# --- helpers -----------------------------------------------------------------------------

def location_of(response) -> str:
    assert response.status_code == 302, response.status_code
    return response["Location"]


def public_key() -> str:
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(serialization.Encoding.OpenSSH,
                            serialization.PublicFormat.OpenSSH).decode()


def csrf_token(client) -> str:
    response = client.get(reverse(f"{NAMESPACE}:keypair-create"))
    assert response.status_code == 200
    return client.cookies[django_settings.CSRF_COOKIE_NAME].value


# --- 1. login required everywhere --------------------------------------------------------

@pytest.mark.django_db
def test_every_url_requires_login(client):
    patterns = nova_patterns()
    names = {name for name, _, _ in patterns}
    # The walk really reached the included apps, and the allowlist is not stale.
    assert {"instances", "instance-action", "keypair-delete", "switch-project"} <= names
    assert set(ANONYMOUS_ALLOWED) <= names

    checked = []
    for name, params, _ in patterns:
        path = url_for(name, params)
        for method in ("GET", "POST"):
            response = client.get(path) if method == "GET" else client.post(path, {"x": "1"})
            if name in ANONYMOUS_ALLOWED:
                status, target = ANONYMOUS_ALLOWED[name][method]
                assert response.status_code == status, (method, path, response.status_code)
                if target:
                    assert urlsplit(response["Location"]).path == reverse(
                        f"{NAMESPACE}:{target}"), (method, path, response["Location"])
            else:
                assert_redirects_to_login(response, path)
        checked.append(name)
    # Cross-check the walk against Django's own index of the namespace's named routes.
    _, namespace_resolver = get_resolver().namespace_dict[NAMESPACE]
    indexed = {key for key in namespace_resolver.reverse_dict if isinstance(key, str)}
    assert sorted(checked) == sorted(indexed), set(checked) ^ indexed
    assert len(checked) == len(patterns) == len(indexed) >= 17
    # The redirect target of "/" is protected too.
    assert_redirects_to_login(client.get(reverse(f"{NAMESPACE}:instances")),
                              reverse(f"{NAMESPACE}:instances"))


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["start", "stop", "reboot", "terminate", "bogus"])
def test_instance_actions_require_login_before_anything_else(client, action):
    path = reverse(f"{NAMESPACE}:instance-action", args=[INSTANCE_ID, action])
    assert_redirects_to_login(client.post(path), path)


def test_logged_in_user_without_project_sees_no_cloud_page(client, make_user, make_project):
    make_project("alpha", make_user("alice"))  # a project exists, just not theirs
    client.force_login(make_user("nobody"))
    checked = 0
    for name, params, callback in nova_patterns():
        # A user without a project may still change their password and settings.
        if name in ANONYMOUS_ALLOWED or name in ("switch-project", "password-change",
                                                 "user-settings"):
            continue
        path = url_for(name, params)
        # Admin pages need no project; they refuse non-admins all the same.
        admin_only = issubclass(callback.view_class, AdminRequiredMixin)
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 403, (name, response.status_code)
            assert admin_only or b"not a member of any project" in response.content, name
        checked += 1
    assert checked >= 13
    assert client.post(reverse(f"{NAMESPACE}:switch-project"), {"project": 1}).status_code == 403


# --- 2. CSRF on every POST ---------------------------------------------------------------

def csrf_cases(project, instance_id, key_name):
    """(label, url, data) for every django_nova URL whose view accepts POST."""
    data_for = {
        "switch-project": {"project": project.pk},
        "switch-region": {"region": "eu-west-1"},
        "instance-launch": {"name": "csrf-vm", "image": IMAGE_ID, "instance_type": "t3.micro",
                            "count": 1},
        "keypair-create": {"name": "csrf-created", "key_type": "ed25519"},
        "keypair-import": {"name": "csrf-imported", "public_key": public_key()},
        "login": {"username": "alice", "password": PASSWORD},
    }
    cases = []
    for name, params, callback in nova_patterns():
        if not accepts_post(callback):
            continue
        data = data_for.get(name, {})
        if "action" in params:
            for action in ("start", "stop", "reboot"):
                cases.append((f"{name}:{action}",
                              url_for(name, params, action=action, name=key_name,
                                      instance_id=instance_id), data))
        else:
            cases.append((name, url_for(name, params, name=key_name, instance_id=instance_id),
                          data))
    # Logging out last, so the other controls run logged in.
    cases.sort(key=lambda case: case[0] == "logout")
    return cases


def test_every_post_needs_a_csrf_token(member, project, cloud, ec2, launch):
    (instance_id,) = launch(name="csrf-target")
    ec2.create_key_pair(KeyName="k1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    token = csrf_token(client)

    cases = csrf_cases(project, instance_id, "k1")
    labels = {label for label, _, _ in cases}
    assert {"switch-project", "switch-region", "instance-action:start", "instance-action:stop",
            "instance-action:reboot", "instance-terminate", "instance-launch", "keypair-create",
            "keypair-import", "keypair-delete", "logout", "login"} <= labels

    for label, url, data in cases:
        response = client.post(url, data)
        assert response.status_code == 403, (label, url, response.status_code)
        assert CSRF_FAILURE in response.content, label

    # Nothing happened: same instance state, same key pairs, no launch, still logged in.
    assert cloud.compute.get_instance(instance_id).state == "running"
    assert [k.name for k in cloud.key_pairs.list_key_pairs()] == ["k1"]
    assert [i.id for i in cloud.compute.list_instances().items] == [instance_id]
    assert SESSION_REGION not in client.session
    assert client.get(reverse(f"{NAMESPACE}:keypairs")).status_code == 200

    # Control: the same requests with the token pass the CSRF check (admin pages then
    # refuse a member, with a 403 of their own).
    for label, url, data in cases:
        response = client.post(url, {**data, "csrfmiddlewaretoken": token})
        assert CSRF_FAILURE not in response.content, (label, url, response.content[:300])
        assert response.status_code != 403 or label.startswith("admin-"), (label, url)

    # Anonymous login without a token (login CSRF) is refused too.
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post(login_url(), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403 and CSRF_FAILURE in response.content
    assert "_auth_user_id" not in anonymous.session


def test_csrf_token_in_header_is_accepted_for_htmx(member, project):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    token = csrf_token(client)
    url = reverse(f"{NAMESPACE}:switch-region")
    refused = client.post(url, {"region": "eu-west-1"}, HTTP_X_CSRFTOKEN="wrong" * 7)
    assert refused.status_code == 403 and CSRF_FAILURE in refused.content
    response = client.post(url, {"region": "eu-west-1"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    assert client.session[SESSION_REGION] == "eu-west-1"


# --- 3. project isolation ----------------------------------------------------------------

@pytest.fixture
def other(make_user, make_project):
    """User B in project B (its own moto account), with one instance of its own."""
    user = make_user("bob")
    project = make_project("beta", user)
    cloud = open_cloud("embedded", project, "us-east-1")
    (instance,) = cloud.compute.launch(LaunchSpec(name="b-web", image_id=IMAGE_ID,
                                           instance_type="t3.micro"))
    return user, project, cloud, instance.id


@pytest.fixture
def a_state(launch, cloud, ec2):
    """Project A: a running and a stopped instance, and a key pair."""
    running, stopped = launch(count=2, name="a-secret-vm")
    cloud.compute.instance_action("stop", [stopped])
    ec2.create_key_pair(KeyName="a-key")
    assert cloud.compute.get_instance(running).state == "running"
    assert cloud.compute.get_instance(stopped).state in {"stopping", "stopped"}
    return running, stopped


def test_other_project_instances_are_not_listed(client, member_client, other, a_state):
    user_b, _, _, b_instance = other
    running, stopped = a_state
    a_page = member_client.get("/instances/").content.decode()
    assert running in a_page and "a-secret-vm" in a_page and b_instance not in a_page

    client.force_login(user_b)
    b_page = client.get("/instances/").content.decode()
    assert b_instance in b_page and "b-web" in b_page
    for leaked in (running, stopped, "a-secret-vm"):
        assert leaked not in b_page
    b_all = client.get("/instances/?terminated=1").content.decode()
    assert running not in b_all and stopped not in b_all
    keypairs = client.get("/keypairs/").content.decode()
    assert "a-key" not in keypairs


def test_other_project_pages_are_404_by_url(client, other, a_state):
    user_b = other[0]
    running, stopped = a_state
    client.force_login(user_b)
    checked = 0
    for instance_id in (running, stopped):
        for suffix in ("", "console/", "row/", "terminate/"):
            url = f"/instances/{instance_id}/{suffix}"
            response = client.get(url)
            assert response.status_code == 404, (url, response.status_code)
            assert b"a-secret-vm" not in response.content, url
            checked += 1
    assert checked == 8
    assert client.get("/keypairs/a-key/delete/").status_code == 404


def test_actions_on_other_project_instance_change_nothing(client, other, a_state, cloud):
    user_b, _, cloud_b, b_instance = other
    running, stopped = a_state
    client.force_login(user_b)
    for action in ("start", "stop", "reboot", "terminate"):
        target = stopped if action == "start" else running
        before = cloud.compute.get_instance(target).state
        if action == "terminate":
            # Confirmed actions look the instance up first: not B's, so not found.
            response = client.post(f"/instances/{target}/terminate/")
            assert response.status_code == 404, action
        else:
            response = client.post(f"/instances/{target}/{action}/")
            assert location_of(response) == reverse(f"{NAMESPACE}:instances"), action
            shown = messages_of(response)
            assert any(m.startswith(f"Could not {action} {target}") for m in shown), shown
        after = cloud.compute.get_instance(target).state
        assert after == before or {before, after} <= {"stopping", "stopped"}, (before, after)
    assert cloud.compute.get_instance(running).state == "running"
    # B's own instance was not touched either.
    assert cloud_b.compute.get_instance(b_instance).state == "running"


def test_switch_to_other_project_is_forbidden(client, other, project):
    user_b, project_b, _, _ = other
    client.force_login(user_b)
    switch = reverse(f"{NAMESPACE}:switch-project")
    assert location_of(client.post(switch, {"project": project_b.pk})) == reverse(
        f"{NAMESPACE}:instances")
    assert client.session[SESSION_PROJECT] == str(project_b.pk)

    response = client.post(switch, {"project": project.pk})
    assert response.status_code == 403
    assert project.name.encode() not in response.content
    assert client.session[SESSION_PROJECT] == str(project_b.pk)

    # Even a session tampered to point at A's project falls back to B's.
    session = client.session
    session[SESSION_PROJECT] = project.pk
    session.save()
    response = client.get("/instances/")
    assert response.context["request"].nova.project.id == str(project_b.pk)


def test_deleting_other_project_key_pair_keeps_it(client, other, a_state, cloud):
    client.force_login(other[0])
    response = client.post("/keypairs/a-key/delete/")
    assert response.status_code == 404
    assert "a-key" in [k.name for k in cloud.key_pairs.list_key_pairs()]


def test_deleting_other_project_key_pair_is_not_reported_as_done(client, other, a_state):
    client.force_login(other[0])
    response = client.post("/keypairs/a-key/delete/")
    assert "Deleted key pair a-key." not in messages_of(response)
    assert b"no key pair named a-key" in response.content


# --- 4. hostile names are escaped --------------------------------------------------------

def assert_escaped(response, raw=SCRIPT, escaped=ESCAPED_SCRIPT):
    html = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert raw not in html
    assert escaped in html


def test_hostile_instance_name_is_escaped_everywhere(member_client, launch):
    (instance_id,) = launch(name=SCRIPT)
    # The search finds it by part of its name, and by its whole hostile name (then shown
    # in the search box too).
    pages = ["/instances/", "/instances/?q=script", f"/instances/?q={quote(SCRIPT)}",
             f"/instances/{instance_id}/",
             f"/instances/{instance_id}/console/", f"/instances/{instance_id}/row/",
             f"/instances/{instance_id}/terminate/"]
    for page in pages:
        assert_escaped(member_client.get(page))


def test_hostile_query_string_is_escaped_in_action_forms(member_client, launch):
    launch(name="plain")
    attack = '"><img src=x onerror=alert(1)>'
    html = member_client.get("/instances/", {"x": attack}).content.decode()
    assert "<img src=x onerror=alert(1)>" not in html


@pytest.mark.parametrize("url", [
    "/instances/<img src=x onerror=alert(1)>/",
    "/instances/<img src=x onerror=alert(1)>/console/",
    "/instances/<img src=x onerror=alert(1)>/row/",
    "/instances/<img src=x onerror=alert(1)>/terminate/",
    "/keypairs/<img src=x onerror=alert(1)>/delete/",
])
def test_hostile_ids_in_urls_are_not_reflected_raw(member_client, url):
    response = member_client.get(url)
    assert response.status_code in {400, 404}, response.status_code
    assert b"<img src=x onerror=alert(1)>" not in response.content


def test_hostile_ids_in_action_messages_are_escaped(member_client):
    hostile = "<img src=x onerror=alert(1)>"
    response = member_client.post(f"/instances/{hostile}/stop/", follow=True)
    html = response.content.decode()
    assert "Could not stop" in html
    assert hostile not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_hostile_project_name_is_escaped_in_header_and_messages(client, make_user, make_project):
    user = make_user("mallory")
    make_project("alpha", user)
    evil = make_project("<b>p</b>", user)
    client.force_login(user)
    assert_escaped(client.get("/keypairs/"), "<b>p</b>", "&lt;b&gt;p&lt;/b&gt;")
    response = client.post(reverse(f"{NAMESPACE}:switch-project"), {"project": evil.pk},
                           follow=True)
    assert_escaped(response, "<b>p</b>", "Now working in project &lt;b&gt;p&lt;/b&gt;")


def test_login_page_escapes_next(client):
    response = client.get(login_url(), {"next": f'/instances/">{SCRIPT}'})
    assert_escaped(response)


TEMPLATE_DIRS = [Path(django_nova.__file__).parent / "templates",
                 Path(openstack_dashboard.__file__).parent / "templates"]
SOURCE_DIRS = [Path(django_nova.__file__).parent, Path(openstack_dashboard.__file__).parent]
UNSAFE_TEMPLATE = re.compile(
    r"\|\s*(safe|safeseq)\b|\{%\s*autoescape\s+off\s*%\}|mark_safe|SafeString")
UNSAFE_PYTHON = re.compile(
    r"\bmark_safe\b|\bSafeString\b|\bSafeText\b|\bmark_for_escaping\b|\|\s*safe\b"
    r"|autoescape[\"']?\s*[=:]\s*False|autoescape\s+off")


@pytest.mark.parametrize("sample", ["{{ x|safe }}", "{{ x | safeseq }}",
                                    "{% autoescape off %}", "{{ x|mark_safe }}"])
def test_unsafe_template_pattern_detects(sample):
    assert UNSAFE_TEMPLATE.search(sample)


@pytest.mark.parametrize("sample", ["from django.utils.safestring import mark_safe",
                                    "SafeString(x)", '"autoescape": False'])
def test_unsafe_python_pattern_detects(sample):
    assert UNSAFE_PYTHON.search(sample)


def test_no_template_or_source_disables_escaping():
    templates = [p for d in TEMPLATE_DIRS for p in d.rglob("*.html")]
    assert len(templates) >= 20
    offenders = [f"{p}:{n}" for p in templates
                 for n, line in enumerate(p.read_text().splitlines(), 1)
                 if UNSAFE_TEMPLATE.search(line)]
    sources = [p for d in SOURCE_DIRS for p in d.rglob("*.py")]
    assert len(sources) >= 20
    offenders += [f"{p}:{n}" for p in sources
                  for n, line in enumerate(p.read_text().splitlines(), 1)
                  if UNSAFE_PYTHON.search(line)]
    assert offenders == []
    for engine in django_settings.TEMPLATES:
        assert engine.get("OPTIONS", {}).get("autoescape", True) is True


# --- 5. open redirects -------------------------------------------------------------------

def assert_on_site(location, expected):
    parts = urlsplit(location)
    assert parts.scheme == "" and parts.netloc == "", location
    assert not location.startswith(("//", "/\\", "\\")), location
    assert location == expected, location


@pytest.mark.parametrize("target", EVIL_NEXTS)
def test_login_next_cannot_leave_the_site(client, member, target):
    response = client.post(login_url(), {"username": "alice", "password": PASSWORD,
                                         "next": target})
    assert "_auth_user_id" in client.session
    assert_on_site(location_of(response), reverse(f"{NAMESPACE}:instances"))
    # Already signed in: the login page redirects at once, still on site.
    response = client.get(login_url(), {"next": target})
    assert_on_site(location_of(response), reverse(f"{NAMESPACE}:instances"))


def test_login_next_on_site_is_honoured(client, member):
    response = client.post(login_url(), {"username": "alice", "password": PASSWORD,
                                         "next": "/keypairs/"})
    assert location_of(response) == "/keypairs/"


def test_instance_action_next_cannot_leave_the_site(member_client, launch, cloud):
    (instance_id,) = launch(name="redirect")
    for target in EVIL_NEXTS:
        response = member_client.post(f"/instances/{instance_id}/reboot/", {"next": target})
        assert_on_site(location_of(response), reverse(f"{NAMESPACE}:instances"))
        response = member_client.post(f"/instances/{instance_id}/reboot/?next={target}")
        assert_on_site(location_of(response), reverse(f"{NAMESPACE}:instances"))
    response = member_client.post(f"/instances/{instance_id}/stop/", {"next": EVIL})
    assert_on_site(location_of(response), reverse(f"{NAMESPACE}:instances"))
    assert cloud.compute.get_instance(instance_id).state in {"stopping", "stopped"}


@pytest.mark.parametrize("target", EVIL_NEXTS)
def test_switch_region_next_cannot_leave_the_site(member_client, target):
    response = member_client.post(reverse(f"{NAMESPACE}:switch-region"),
                                  {"region": "eu-west-1", "next": target})
    assert_on_site(location_of(response), reverse(f"{NAMESPACE}:instances"))


def test_on_site_next_is_honoured_by_actions(member_client, launch):
    (instance_id,) = launch(name="redirect")
    detail = f"/instances/{instance_id}/"
    response = member_client.post(f"/instances/{instance_id}/reboot/", {"next": detail})
    assert location_of(response) == detail


# --- 6. secrets stay out of pages --------------------------------------------------------

@pytest.mark.parametrize("base_secret", [None, "nova-test-base-secret-4f1c9a7e"])
def test_credentials_never_reach_pages(client, member, project, launch, settings, base_secret):
    if base_secret:
        clouds = settings.NOVA["CLOUDS"]
        settings.NOVA = {**settings.NOVA, "CLOUDS": {
            **clouds, "embedded": {**clouds["embedded"], "SECRET_ACCESS_KEY": base_secret}}}
    cloud = open_cloud("embedded", project, "us-east-1")
    key_id, secret, token = cloud.session.credentials()
    base = cloud.config["SECRET_ACCESS_KEY"]
    assert base == (base_secret or EMBEDDED_CLOUD["SECRET_ACCESS_KEY"]) and secret and token
    (instance_id,) = launch(name="secret-check")

    response = client.post(login_url(), {"username": "alice", "password": PASSWORD})
    assert location_of(response) == reverse(f"{NAMESPACE}:instances")
    pages = {path: client.get(path) for path in [
        "/instances/", f"/instances/{instance_id}/", f"/instances/{instance_id}/console/",
        "/images/", "/keypairs/", "/instances/launch/", "/instances/i-0123456789abcdef0/"]}
    assert pages["/instances/"].status_code == 200
    assert b"secret-check" in pages["/instances/"].content
    secrets = {"cloud secret": base, "session secret": secret, "session token": token,
               "session key id": key_id}
    labels = ("aws_session_token", "SessionToken", "SecretAccessKey", "SECRET_ACCESS_KEY")
    for path, response in pages.items():
        html = response.content.decode()
        for what, value in secrets.items():
            assert value not in html, (what, path)
        for label in labels:
            assert label not in html, (label, path)
    # Nor are they kept in the session or set in cookies.
    stored = repr(dict(client.session.items())) + repr(client.cookies)
    for what, value in secrets.items():
        assert value not in stored, what


def test_private_key_is_downloaded_once_and_kept_nowhere(member_client, cloud):
    response = member_client.post(reverse(f"{NAMESPACE}:keypair-create"),
                                  {"name": "fresh", "key_type": "ed25519"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    assert response["Cache-Control"] == "no-store"
    private_key = response.content.decode()
    assert "PRIVATE KEY" in private_key
    body = private_key.strip().splitlines()[1]  # a line of the key material itself
    assert "fresh" in [k.name for k in cloud.key_pairs.list_key_pairs()]
    listing = member_client.get(reverse(f"{NAMESPACE}:keypairs"))
    assert b"fresh" in listing.content
    assert body.encode() not in listing.content
    stored = repr(dict(member_client.session.items())) + repr(member_client.cookies)
    assert body not in stored


def test_login_rotates_session_and_logout_forgets_project(client, member, project):
    session = client.session  # an anonymous session exists before logging in
    session["probe"] = 1
    session.save()
    before = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    client.post(login_url(), {"username": "alice", "password": PASSWORD})
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert before != after  # no session fixation
    client.post(reverse(f"{NAMESPACE}:switch-project"), {"project": project.pk})
    assert client.session[SESSION_PROJECT] == str(project.pk)
    client.post(reverse(f"{NAMESPACE}:logout"))
    assert "_auth_user_id" not in client.session
    assert SESSION_PROJECT not in client.session
