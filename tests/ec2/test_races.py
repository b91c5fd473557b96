"""Concurrent requests against one project: quotas hold and a form sent twice acts once.

The requests run in threads with their own database connections (committed
rows: ``transactional_db``), as gunicorn's threads and workers would, against
the moto server over HTTP.
"""

import threading

import pytest
from django.test import Client

from django_nova.mixins import SENT_TWICE, SUBMISSION_FIELD
from django_nova.models import FormSubmission, QuotaReservation
from tests.data import IMAGE_ID
from tests.ec2.test_quotas import form_errors, in_every_region, set_quota
from tests.helpers import messages_of

LAUNCH = {"image": IMAGE_ID, "instance_type": "t3.micro", "count": 1}


@pytest.fixture
def project(transactional_db, make_project, member):
    """Committed, so the request threads see it."""
    return make_project("racing", member)


def at_once(member, posts: list[tuple[str, dict]]) -> list:
    """POST each (url, data) from its own thread and client, all released together."""
    start = threading.Barrier(len(posts))
    answers = [None] * len(posts)

    def send(n, url, data):
        client = Client()
        client.force_login(member)
        start.wait()
        answers[n] = client.post(url, data)

    threads = [threading.Thread(target=send, args=(n, url, data))
               for n, (url, data) in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(answer is not None for answer in answers)
    return answers


def top_up(member, url, data, count, limit) -> None:
    """After a burst: sequential creates reach the limit exactly, and then are refused.

    A burst may refuse a create that would have fitted (a hold still counts for a moment
    after its create has landed: the check errs on the safe side), never one too many.
    """
    client = Client()
    client.force_login(member)
    for _ in range(limit - count()):
        assert client.post(url, data).status_code == 302
    assert "Quota exceeded" in form_errors(client.post(url, data))
    assert count() == limit
    assert not QuotaReservation.objects.exists()  # every create gave its hold back


def burst(member, url, data_of, limit, count):
    answers = at_once(member, [(url, data_of(n)) for n in range(limit + 2)])
    refused = [form_errors(a) for a in answers if a.status_code == 200]
    assert all(a.status_code in (200, 302) for a in answers)
    assert all("Quota exceeded" in errors for errors in refused), refused
    assert len(refused) >= 2 and count() == len(answers) - len(refused) <= limit
    top_up(member, url, data_of(limit + 2), count, limit)


def test_twelve_concurrent_launches_stop_at_the_instance_quota(member, project, cloud):
    set_quota(project, instances=10)
    burst(member, "/instances/launch/", lambda n: {**LAUNCH, "name": f"race-{n}"}, 10,
          lambda: len(cloud.compute.list_instances().items))


def test_concurrent_launches_stop_at_the_vcpu_quota(member, project, cloud):
    set_quota(project, cores=20)  # t3.small: 2 vCPUs each, so 10 instances
    burst(member, "/instances/launch/",
          lambda n: {**LAUNCH, "instance_type": "t3.small", "name": f"big-{n}"}, 10,
          lambda: len(cloud.compute.list_instances().items))


def test_concurrent_address_allocations_stop_at_the_quota(member, project):
    set_quota(project, floating_ips=5)
    burst(member, "/network/addresses/allocate/", lambda n: {}, 5,
          lambda: in_every_region(project, lambda c: c.addresses.list_addresses()))


def test_a_launch_counts_the_root_volumes_it_makes(member_client, project, cloud):
    set_quota(project, volumes=2)
    refused = member_client.post("/instances/launch/", {**LAUNCH, "name": "three", "count": 3})
    assert "0 of 2 volumes in use; this needs 3 more." in form_errors(refused)
    assert member_client.post("/instances/launch/",
                              {**LAUNCH, "name": "two", "count": 2}).status_code == 302
    refused = member_client.post("/instances/launch/", {**LAUNCH, "name": "one-more"})
    assert "2 of 2 volumes in use" in form_errors(refused)
    assert len(cloud.compute.list_instances().items) == 2


def test_a_hold_of_a_process_that_died_stops_counting(member_client, project, cloud):
    from datetime import timedelta

    from django.utils import timezone

    set_quota(project, instances=1)
    stale = QuotaReservation.objects.create(project=project, resource="instances", amount=1)
    refused = member_client.post("/instances/launch/", {**LAUNCH, "name": "held"})
    assert "1 of 1 instances in use" in form_errors(refused)
    stale.created_at = timezone.now() - timedelta(seconds=QuotaReservation.HELD_SECONDS + 1)
    stale.save()
    assert member_client.post("/instances/launch/",
                              {**LAUNCH, "name": "free"}).status_code == 302


# --- a form sent twice -------------------------------------------------------------------

def rendered_token(client, url) -> str:
    page = client.get(url)
    token = page.context["submission_token"]
    assert f'name="{SUBMISSION_FIELD}" value="{token}"'.encode() in page.content
    return token


def test_a_launch_sent_twice_at_once_makes_one_instance(member, member_client, project, cloud):
    token = rendered_token(member_client, "/instances/launch/")
    data = {**LAUNCH, "name": "double-click", SUBMISSION_FIELD: token}
    answers = at_once(member, [("/instances/launch/", data)] * 2)
    assert [a.status_code for a in answers] == [302, 302]
    assert [i.name for i in cloud.compute.list_instances().items] == ["double-click"]
    # The second sending went where the first did, and said why nothing more happened.
    assert {a.url for a in answers} == {"/instances/"}


def test_a_volume_create_sent_again_after_it_was_done_makes_one_volume(member_client, project,
                                                                     cloud):
    token = rendered_token(member_client, "/volumes/create/")
    data = {"name": "data", "size_gb": 1, "availability_zone": "us-east-1a",
            SUBMISSION_FIELD: token}
    first = member_client.post("/volumes/create/", data)
    again = member_client.post("/volumes/create/", data, follow=True)  # reload, or back + send
    assert first.status_code == 302
    assert SENT_TWICE in messages_of(again)
    assert [v.name for v in cloud.volumes.list_volumes()] == ["data"]


def test_a_refused_sending_gives_its_token_back(member_client, project, cloud):
    token = rendered_token(member_client, "/instances/launch/")
    bad = member_client.post("/instances/launch/", {**LAUNCH, "name": "bad\u202ename",
                                                    SUBMISSION_FIELD: token})
    assert "text-direction" in form_errors(bad)
    assert bad.context["submission_token"] == token  # the corrected form sends the same token
    fixed = member_client.post("/instances/launch/", {**LAUNCH, "name": "fixed",
                                                      SUBMISSION_FIELD: token})
    assert fixed.status_code == 302
    assert [i.name for i in cloud.compute.list_instances().items] == ["fixed"]
    assert FormSubmission.objects.filter(token=token, done=True).count() == 1


def test_every_rendering_has_a_new_token(member_client, project):
    assert (rendered_token(member_client, "/instances/launch/")
            != rendered_token(member_client, "/instances/launch/"))
