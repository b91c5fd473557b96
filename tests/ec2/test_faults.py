"""A cloud that refuses, hangs, fails or answers garbage, through a real misbehaving proxy
(tests/faultproxy.py) in front of the moto server: every fault becomes one of our
errors, in bounded time, and no page answers 500 or hangs.
"""

import time
from urllib.parse import urlsplit

import pytest
from django.test import Client

from django_nova.clouds import open_cloud
from django_nova.clouds.calls import breakers
from django_nova.exceptions import CloudError, Unavailable
from tests.faultproxy import FAULTS, FaultProxy
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
from tests.helpers import cloud_settings


@pytest.fixture
def faulty(settings, moto_url, project, launch):
    """The project's cloud behind a fault proxy, with short timeouts (and warm: moto
    builds an account's EC2 backend on its first call)."""
    (instance_id,) = launch(name="under-fault")
    proxy = FaultProxy(urlsplit(moto_url).port)
    settings.NOVA = {**settings.NOVA, **cloud_settings(proxy.url), **SETTINGS}
    open_cloud("embedded", project, "us-east-1").compute.list_instances()  # clients built
    yield proxy, instance_id
    proxy.stop()


@pytest.mark.parametrize("fault", FAULTS)
def test_every_fault_is_one_of_our_errors_in_bounded_time(faulty, project, fault):
    proxy, _ = faulty
    proxy.set(fault)
    cloud = open_cloud("embedded", project, "us-east-1")
    error, took = timed(lambda: cloud.compute.list_instances())
    assert isinstance(error, CloudError), fault
    assert took < READ_TIMEOUT + SLACK, (fault, took)
    if fault in ("refuse", "hang", "garbage", "truncated", "missing", "status:500"):
        assert isinstance(error, Unavailable), (fault, error)
    assert error.message and "<" not in error.message  # readable, no markup from the body
    assert not raw_text(error.message), error.message


def test_a_hung_cloud_costs_one_wait_then_fails_fast_until_it_answers(faulty, project,
                                                                      settings):
    proxy, _ = faulty
    cloud = open_cloud("embedded", project, "us-east-1")
    proxy.set("hang")
    first, took_first = timed(lambda: cloud.compute.list_instances())
    second, took_second = timed(lambda: cloud.compute.list_instances())
    assert isinstance(first, Unavailable) and took_first >= READ_TIMEOUT * 0.9
    assert isinstance(second, Unavailable) and "not answering" in second.message
    assert took_second < 0.2
    assert breakers.open_endpoints("embedded") == [proxy.url]
    # After BREAKER_SECONDS one call tries again; the cloud answers, the breaker closes.
    proxy.set("pass")
    settings.NOVA = {**settings.NOVA, "BREAKER_SECONDS": 0}
    breakers.failed("embedded", proxy.url, timed_out=True)
    assert timed(lambda: cloud.compute.list_instances())[0] is None
    assert breakers.open_endpoints("embedded") == []


def test_pages_that_need_no_cloud_do_not_wait_for_it_while_it_hangs(faulty, member_client,
                                                                     operations):
    proxy, _ = faulty
    proxy.set("hang")
    started = time.monotonic()
    assert member_client.get("/instances/").status_code == 503
    assert time.monotonic() - started < DEADLINE + SLACK
    operations.clear()
    assert member_client.get("/audit/").status_code == 200
    assert operations == []


def test_a_broken_page_link_is_invalid_not_an_error(member_client):
    response = member_client.get("/instances/", {"marker": "abc"})
    assert response.status_code == 400
    assert b"This page link is broken or out of date" in response.content


def test_fault_matrix_no_page_answers_500_or_hangs(faulty, member, member_client, make_user,
                                                   make_project, project):
    """Every URL x every fault: no 500, a readable message, within the deadline (plus SLACK).

    The admin pages act on a throwaway user and project made for each fault (they
    disable, delete and remove members), never on the member walking the project pages.
    """
    from django_nova.models import Membership

    proxy, instance_id = faulty
    admin = make_user("matrix-admin", is_staff=True)
    Membership.objects.create(user=admin, project=project)
    admin_client = Client()
    admin_client.force_login(admin)
    form = {**FORM, "ids": [instance_id], "name": "fault-walk"}
    tried, slowest, found = 0, 0.0, []
    for number, fault in enumerate(FAULTS):
        target = make_user(f"walk-target-{number}")
        ids = {"instance_id": instance_id, "user_id": str(target.pk),
               "project_id": str(make_project(f"walk-target-{number}", target).pk)}
        proxy.set(fault)
        breakers.reset()
        member_client.force_login(member)  # the previous walk ended with its logout
        clients = {"member": member_client, "admin": admin_client, "anonymous": Client()}
        for answer in walk(clients, requests_of(ids), form):
            tried, slowest = tried + 1, max(slowest, answer.seconds)
            found += [(fault, answer.method, answer.url, problem)
                      for problem in problems(answer, DEADLINE + SLACK)]
    print(f"EC2 fault matrix: {len(FAULTS)} faults, {tried} answers, slowest {slowest:.2f} s")
    assert found == []
    assert tried >= len(FAULTS) * 150, tried
