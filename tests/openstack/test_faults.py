"""An OpenStack cloud that refuses, hangs, resets, fails, trickles or answers garbage: every
fault becomes one of our errors in bounded time, and no page answers 500, hangs or shows
library text.

How the dashboard is put behind the faults, with real sockets only: one ``FaultProxy``
(tests/faultproxy.py) per service port of the test cloud's catalog (Keystone, Nova,
Glance, Cinder, Neutron, Placement), all sharing one port map.  The dashboard's AUTH_URL
is Keystone's proxy, and each proxy rewrites every ``127.0.0.1:<service port>`` in the
answers it passes on to that service's proxy: the token catalog a user gets at sign-in
(kept in the session, driving every later call) and the version documents openstacksdk
discovers name the proxies, so the dashboard reaches every service through one without
knowing it.  (Per-service endpoint overrides would need a setting the product does not
have, and would leave the catalog path itself untried.)

The matrix, kept small for a 2-core CI (one sign-in per fault, one walk of the pages):

- a healthy walk of every page first learns which pages reach which service;
- then each service on its own (Keystone, Nova, Glance, Cinder, Neutron) under each fault
  of ``PER_SERVICE`` (every fault of ``ALL_FAULTS`` on each service's first call), on
  the pages that reach it, the others healthy: a page's later
  calls fail too, not only its first.  For the faults in ``COLD`` the version-discovery
  cache starts empty, as in a process started during an outage; for the others the
  versions are known, as in a running site;
- every POST (and the logout last) with every service faulted at once, under
  ``POST_FAULTS``: a change the cloud cannot make is a message, whatever it stopped at;
- Neutron's floating IPs missing (a cloud without the router extension), on the pages
  that reached them.

The walk signs in a throwaway Keystone user, the member of a throwaway project, with its
real password, so sign-in, project switch and password change (to the same password) reach
Keystone; what its POSTs make is named after it and deleted afterwards.
"""

import contextlib
import re
import time
import uuid
from urllib.parse import urlsplit

import openstack.connection
import pytest
from django.test import Client

from django_nova.clouds.calls import breakers
from django_nova.clouds.openstack import keystone
from django_nova.exceptions import CloudError, Unavailable
from tests.faultproxy import FaultProxy
from tests.faultwalk import (
    DEADLINE,
    FORM,
    READ_TIMEOUT,
    SETTINGS,
    SLACK,
    problems,
    raw_text,
    requests_of,
    timed,
    walk,
)

# Its own group under pytest-xdist: the walk's user, project and server are its own, so it
# runs beside the other OpenStack tests (tests/conftest.py groups those together).
pytestmark = [pytest.mark.openstack, pytest.mark.xdist_group("openstack-faults")]

# Each service's first call under each of these (a quick test of every kind of fault).
ALL_FAULTS = ("refuse", "reset", "hang", "slow", "status:500", "status:403", "html:404",
              "garbage", "truncated")
# The page walk, each service on its own, on the pages that reach it: the faults a page
# handles differently ("refuse" goes the way of "reset", "status:403" of "status:500").
PER_SERVICE = ("reset", "hang", "slow", "status:500", "html:404", "garbage", "truncated")
# Faults whose rounds start with no version document known (discovery fails too).
COLD = ("reset", "html:404", "garbage")
# Every POST under these, every service faulted at once.
POST_FAULTS = ("reset", "garbage")
# Faults that say nothing about the request itself: the cloud is not there or broken.
OUTAGES = ("refuse", "reset", "hang", "slow", "status:500", "garbage", "truncated")
# The services the site uses, by catalog type (Cinder's two types are one proxy).
SERVICES = ("identity", "compute", "image", "block-storage", "network")
# Each answer within the page deadline, plus what a loaded CI machine adds.
LIMIT = DEADLINE + SLACK
# Signing in and arranging wait as long as the test cloud needs: its first answers can
# take seconds on a loaded machine, and that is not the fault under test.
PATIENT = {"READ_TIMEOUT": 30, "PAGE_DEADLINE": 60}
FLOATING_IPS = re.compile(r"/floatingips")


@pytest.fixture
def proxies(settings, with_openstack, os_conn):
    """A fault proxy per service port of the catalog, by service type; the dashboard's
    OpenStack cloud signs in through Keystone's."""
    conn = os_conn("demo")
    catalog = conn.session.auth.get_access(conn.session).service_catalog.catalog
    ports = {entry["type"]: urlsplit(entry["endpoints"][0]["url"]).port for entry in catalog}
    port_map: dict[int, int] = {}
    by_port = {port: FaultProxy(port, port_map) for port in set(ports.values())}
    port_map.update({port: proxy.port for port, proxy in by_port.items()})
    definition = {**with_openstack["definition"],
                  "AUTH_URL": f"{by_port[ports['identity']].url}/v3"}
    settings.NOVA = {**settings.NOVA, **SETTINGS,
                     "CLOUDS": {**settings.NOVA["CLOUDS"], "openstack": definition}}
    keystone._discovery_cache.clear()  # cold: no version document read before the faults
    yield {kind: by_port[port] for kind, port in ports.items()}
    for proxy in by_port.values():
        proxy.stop()


def misbehave(proxies, kinds, fault, only=None):
    """``fault`` on the services of ``kinds``, the others healthy; every breaker closed."""
    faulty = {id(proxies[kind]) for kind in kinds}  # Cinder has two types, one port
    for proxy in {id(p): p for p in proxies.values()}.values():
        proxy.set(*(fault, only) if id(proxy) in faulty else ("pass",))
    breakers.reset()


@contextlib.contextmanager
def patiently(settings):
    short = settings.NOVA
    settings.NOVA = {**short, **PATIENT}
    try:
        yield
    finally:
        settings.NOVA = short


@pytest.fixture
def walker(os_conn, keystone_cleanup):
    """A throwaway Keystone user, member of a throwaway project of the same name: the walk
    changes nothing other tests count (its password is changed, to itself, by the walk),
    so it runs beside them (its own xdist group).  What it made is deleted afterwards."""
    admin = os_conn("admin")
    name = f"fault-walk-{uuid.uuid4().hex[:8]}"
    password = f"Walk-{uuid.uuid4().hex}"
    keystone_cleanup.append(name)  # the user and the project, and projects admin pages make
    project = admin.identity.create_project(name=name, domain_id="default")
    user = admin.identity.create_user(name=name, password=password, domain_id="default",
                                      default_project_id=project.id)
    admin.identity.assign_project_role_to_user(project, user,
                                               admin.identity.find_role("member"))
    yield {"name": name, "password": password, "user_id": user.id, "project_id": project.id,
           "connection": openstack.connection.Connection(
               auth_url=admin.config.config["auth"]["auth_url"], username=name,
               password=password, project_id=project.id, user_domain_name="Default",
               region_name=admin.config.region_name)}
    remove_named(admin, name, user.id, project.id)
    for group in admin.network.security_groups(project_id=project.id):
        admin.network.delete_security_group(group, ignore_missing=True)


def remove_named(conn, name, user_id, project_id):
    """Delete what the walk's POSTs made (all named ``name``)."""
    def named(items):
        return [item for item in items if item.name == name]
    compute, network, storage = conn.compute, conn.network, conn.block_storage
    for key in named(compute.keypairs(user_id=user_id)):
        compute.delete_keypair(key, user_id=user_id, ignore_missing=True)
    for flavor in named(compute.flavors(is_public=None)):
        compute.delete_flavor(flavor, ignore_missing=True)
    for router in named(network.routers(project_id=project_id)):
        network.delete_router(router, ignore_missing=True)
    for group in named(network.security_groups(project_id=project_id)):
        network.delete_security_group(group, ignore_missing=True)
    for net in named(network.networks(project_id=project_id)):
        network.delete_network(net, ignore_missing=True)
    for snapshot in named(storage.snapshots(all_projects=True, project_id=project_id)):
        storage.delete_snapshot(snapshot, ignore_missing=True)
    for volume in named(storage.volumes(all_projects=True, project_id=project_id)):
        storage.delete_volume(volume, ignore_missing=True)
    for image in named(conn.image.images(owner=project_id)):
        conn.image.delete_image(image, ignore_missing=True)


@pytest.fixture
def server(walker):
    """A server in the walker's project for the instance pages (the walk may terminate
    it); gone before the project is."""
    conn = walker["connection"]
    image = next(i for i in conn.image.images() if i.name == "cirros-test")
    made = conn.compute.create_server(name=f"{walker['name']}-vm", image_id=image.id,
                                      networks="none",
                                      flavor_id=conn.compute.find_flavor("m1.tiny").id)
    conn.compute.wait_for_server(made, wait=120)
    yield made.id
    conn.compute.delete_server(made.id, ignore_missing=True)
    conn.compute.wait_for_delete(made, wait=120)


def sign_in(settings, username, password):
    client = Client(raise_request_exception=False)  # a view's exception is an answer: 500
    with patiently(settings):
        response = client.post("/login/", {"cloud": "openstack", "username": username,
                                           "password": password, "domain": "Default"})
    assert response.status_code == 302, response.content.decode()[:3000]
    return client


def test_every_fault_is_one_of_our_errors_in_bounded_time(proxies, settings, with_openstack):
    """Each service's first call, and a sign-in, under each fault: one of our errors."""
    member = sign_in(settings, *with_openstack["users"]["demo"])
    cloud = member.get("/healthz").wsgi_request.nova.cloud
    calls = {"compute": cloud.compute.list_instances,
             "image": lambda: cloud.images.list_images("public"),
             "block-storage": cloud.volumes.list_volumes,
             "network": cloud.networks.list_networks,
             "identity": cloud.application_credentials.list_application_credentials,
             "sign-in": lambda: keystone.password_login(
                 settings.NOVA["CLOUDS"]["openstack"], *with_openstack["users"]["demo"],
                 "Default")}
    found = []
    for fault in ALL_FAULTS:
        for kind, call in calls.items():
            misbehave(proxies, {"identity" if kind == "sign-in" else kind}, fault)
            error, took = timed(call)
            if not isinstance(error, CloudError):
                found.append((kind, fault, "no CloudError"))
                continue
            if took > READ_TIMEOUT + SLACK:
                found.append((kind, fault, f"{took:.1f} s"))
            if fault in OUTAGES and not isinstance(error, Unavailable):
                found.append((kind, fault, repr(error)))
            if not error.message or raw_text(error.message):
                found.append((kind, fault, error.message))
    assert found == []


class Matrix:
    """The walk's rounds: what each answered, what was wrong, which services it reached."""

    def __init__(self, settings, proxies, admin, walker, form):
        self.settings, self.proxies, self.admin = settings, proxies, admin
        self.walker, self.form = walker, form
        self.tried, self.slowest, self.problems = 0, 0.0, []
        self.reached: dict[tuple, set[str]] = {}  # (name, method, url) -> service types
        self.rounds: list[str] = []  # what each round took, for the log

    def round(self, kinds, fault, requests, only=None, member=None, problems_count=True):
        """Walk ``requests`` with ``fault`` on the services of ``kinds``; the member who
        walked (signed in before the fault unless ``member`` is given) is returned."""
        if member is None:
            misbehave(self.proxies, (), "pass")
            member = sign_in(self.settings, self.walker["name"], self.walker["password"])
        clients = {"member": member, "admin": self.admin,
                   "anonymous": Client(raise_request_exception=False)}
        misbehave(self.proxies, kinds, fault, only)
        started, slowest = time.monotonic(), 0.0
        marks = self._marks()
        for request, answer in zip(requests, walk(clients, requests, self.form), strict=True):
            now = self._marks()
            self.reached.setdefault(request, set()).update(
                kind for kind in now if now[kind] > marks[kind])
            if FLOATING_IPS.search(" ".join(path for _, path in
                                            self.proxies["network"].seen[marks["network"]:])):
                self.reached[request].add("floating IPs")
            marks = now
            if not problems_count:
                continue
            self.tried += 1
            slowest = max(slowest, answer.seconds)
            self.problems += [(sorted(kinds), fault, answer.method, answer.url, problem)
                              for problem in problems(answer, LIMIT)]
        self.slowest = max(self.slowest, slowest)
        self.rounds.append(f"{'+'.join(sorted(kinds)) or 'healthy'} {fault}: {len(requests)} "
                           f"requests in {time.monotonic() - started:.1f} s, slowest "
                           f"{slowest:.2f} s")
        print(self.rounds[-1], flush=True)
        return member

    def _marks(self):
        return {kind: len(proxy.seen) for kind, proxy in self.proxies.items()}

    def reaching(self, kind, requests):
        return [r for r in requests if kind in self.reached.get(r, ())]


def test_fault_matrix_no_page_answers_500_or_hangs(proxies, settings, with_openstack, walker,
                                                   server):
    """Pages x faults x services (see the module's docstring for the rounds): no 500, a
    readable message, no library text, each answer within the deadline plus SLACK."""
    password = walker["password"]
    form = {**FORM, "ids": [server], "name": walker["name"], "cloud": "openstack",
            "username": walker["name"], "password": password, "domain": "Default",
            "project": walker["project_id"], "old_password": password,
            "new_password1": password, "new_password2": password}
    admin = sign_in(settings, *with_openstack["users"]["admin"])
    matrix = Matrix(settings, proxies, admin, walker, form)
    requests = requests_of({"instance_id": server})
    gets = [r for r in requests if r[1] == "GET"]
    with patiently(settings):  # what each page reaches, and every version document read
        matrix.round((), "pass", gets, problems_count=False)
    cells = 0
    for fault in PER_SERVICE:
        member = None  # one sign-in per fault, kept over its services' rounds
        for kind in SERVICES:
            if fault in COLD:
                keystone._discovery_cache.clear()
            pages = matrix.reaching(kind, gets)
            member = matrix.round({kind}, fault, pages, member=member)
            cells += len(pages)
    posts = [r for r in requests if r[1] == "POST"]
    for fault in POST_FAULTS:
        matrix.round(set(SERVICES), fault, posts)
    floating = matrix.reaching("floating IPs", gets)
    matrix.round({"network"}, "status:404", floating, only=FLOATING_IPS.pattern)
    print("", *matrix.rounds, f"fault matrix: {len(gets)} pages, {len(posts)} POSTs; "
          f"{cells} page x fault x service cells; {matrix.tried} answers, slowest "
          f"{matrix.slowest:.2f} s", sep="\n")
    assert matrix.problems == [], "\n".join(map(str, matrix.problems))
    for kind in SERVICES:
        assert len(matrix.reaching(kind, gets)) >= 3, kind
    assert floating and len(posts) >= 60


def test_overview_panels_fail_alone(proxies, settings, with_openstack):
    """The overview on a cloud that lacks a part: each panel the part fills says why it is
    empty, the others show, and the page is a 200 within the deadline (it used to be the
    failing call's 404 or 503 for the whole page)."""
    member = sign_in(settings, *with_openstack["users"]["demo"])
    rounds = {
        # Neutron without its quota API (a 404 to /v2.0/quotas): only network quotas go.
        ("network", "missing", r"/quotas"): {"quotas": "Not available on this cloud."},
        # Cinder failing: the volumes panel, and the volume quotas, go.
        ("block-storage", "status:500", None): {"quotas": None, "volumes": None},
        # Nova hanging: what Nova fills (its quotas, the states, the usage table) waits
        # its read timeout, then goes.
        ("compute", "hang", None): {"quotas": None, "instances": None, "usage": None},
    }
    page = "/overview/?start=2026-01-01&end=2026-01-31"
    with patiently(settings):  # warm: the test cloud's first answers are slow
        assert member.get(page).context["overview"].missing == {}
    # The hang is waited out this long; the healthy services have as long to answer on a
    # busy machine (at the walk's 1 s, a slow healthy answer would empty its panel too).
    waited = {"READ_TIMEOUT": 4, "PAGE_DEADLINE": 5}
    for (kind, fault, only), expected in rounds.items():
        misbehave(proxies, {kind}, fault, only)
        short = settings.NOVA
        settings.NOVA = {**short, **(waited if fault == "hang" else PATIENT)}
        started = time.monotonic()
        try:
            response = member.get(page)
        finally:
            settings.NOVA = short
        took = time.monotonic() - started
        assert response.status_code == 200, (kind, fault, response.status_code)
        if fault == "hang":
            assert took < waited["PAGE_DEADLINE"] + SLACK, (kind, fault, took)
        missing = response.context["overview"].missing
        assert set(missing) == set(expected), (kind, fault, missing)
        for panel, words in expected.items():
            assert missing[panel] and not raw_text(missing[panel]), (panel, missing[panel])
            if words:
                assert missing[panel] == words
        html = response.content.decode()
        assert ('id="instances-states-missing"' in html) == ("instances" in expected)
        assert ('id="volumes-states-missing"' in html) == ("volumes" in expected)
        assert 'id="quota-missing"' in html
        if kind == "network":
            # Nova's and Cinder's quotas still chart, and the usage table is there.
            resources = {q.resource for q in response.context["overview"].quotas}
            assert {"instances", "cores", "volumes"} <= resources
            assert "floating_ips" not in resources and 'id="usage"' in html
    misbehave(proxies, (), "pass")
