"""A page makes a constant number of cloud calls, whatever the number of resources.

The ``calls`` fixture (every cloud call, with its thread) is in tests/conftest.py.
"""

from collections import Counter

import pytest

from django_nova.clouds.ec2.images import EC2Images

IMAGES = ["ami-0cafe000000000001", "ami-0cafe000000000002", "ami-0cafe000000000003"]


@pytest.fixture
def image_requests(monkeypatch):
    """The image ids each page asked the cloud for (the real method still runs)."""
    asked = []
    original = EC2Images.get_images

    def spy(self, image_ids):
        asked.append(sorted(image_ids))
        return original(self, image_ids)

    monkeypatch.setattr(EC2Images, "get_images", spy)
    return asked


def launch_each(launch, count, start=0):
    # Separate reservations, as users launch them; images rotate over three.
    for n in range(start, start + count):
        launch(name=f"vm-{n}", image_id=IMAGES[n % len(IMAGES)])


def instances_page_calls(client, calls):
    client.get("/instances/")  # warm: credentials, catalog caches
    calls.clear()
    response = client.get("/instances/")
    assert response.status_code == 200
    return Counter(op for op, _ in calls), response


def test_instances_page_calls_stay_constant_from_5_to_50(member_client, launch, calls,
                                                         image_requests, settings):
    settings.NOVA = {**settings.NOVA, "PAGE_SIZE": 20}
    launch_each(launch, 5)
    with_5, page_5 = instances_page_calls(member_client, calls)
    launch_each(launch, 45, start=5)
    with_50, page_50 = instances_page_calls(member_client, calls)

    # The images were named on the warm-up view: each view after is one call.
    assert with_5 == with_50 == Counter({"DescribeInstances": 1})
    assert len(page_5.context["instances"]) == 5
    assert len(page_50.context["instances"]) == 20
    # Only the images the page shows were asked for, by id, once.
    shown = sorted({i.image_id for i in page_50.context["instances"]})
    assert image_requests == [shown]
    assert all(i.image and i.image.name for i in page_50.context["instances"])


def test_images_are_fetched_once_then_only_the_new_ones(member_client, launch, calls,
                                                       image_requests, ec2):
    """The images a list names are cached per project; an image the page has not seen is
    asked for alone, and a change made here is shown at once."""
    launch(name="a", image_id=IMAGES[0])
    member_client.get("/instances/")
    launch(name="b", image_id=IMAGES[1])
    member_client.get("/instances/")
    member_client.get("/instances/")
    assert image_requests == [[IMAGES[0]], [IMAGES[1]]]
    # A private image of the project, launched, then renamed through django-nova.
    (source,) = launch(name="src")
    own = ec2.create_image(InstanceId=source, Name="before")["ImageId"]
    launch(name="c", image_id=own)
    assert "before" in member_client.get("/instances/").content.decode()
    member_client.post(f"/images/{own}/edit/", {"name": "before", "description": "changed"})
    calls.clear()
    member_client.get("/instances/")
    assert Counter(op for op, _ in calls)["DescribeImages"] == 1  # forgotten: fetched again


def test_an_instance_row_is_at_most_1500_bytes(member_client, launch, settings):
    """The rows share one copy of their menu, so a row is its data (issue 13's budget;
    tools/bench measures the same on 200 servers)."""
    settings.NOVA = {**settings.NOVA, "PAGE_SIZE": 20}
    launch_each(launch, 5)
    five = len(member_client.get("/instances/").content)
    launch_each(launch, 15, start=5)
    twenty = len(member_client.get("/instances/").content)
    assert (twenty - five) / 15 <= 1500


def test_a_search_costs_the_same_calls_as_the_list(member_client, launch, calls, cloud):
    """A name or id search is one filtered DescribeInstances; an address two (private
    and public, concurrently); each with the page's one DescribeImages."""
    launch_each(launch, 6)
    address = cloud.compute.list_instances().items[0].private_ips[0]
    member_client.get("/instances/", {"q": "vm-"})  # warm
    for text, describes in (("vm-3", 1), ("i-0123456789abcdef0", 1), (address, 2)):
        calls.clear()
        assert member_client.get("/instances/", {"q": text}).status_code == 200
        ops = Counter(op for op, _ in calls)
        assert ops["DescribeInstances"] == describes, (text, ops)
        assert ops["DescribeImages"] <= 1 and set(ops) <= {"DescribeInstances",
                                                          "DescribeImages"}, (text, ops)


def test_launch_form_calls_run_concurrently(member_client, calls):
    member_client.get("/instances/launch/")
    calls.clear()
    response = member_client.get("/instances/launch/")
    assert response.status_code == 200
    operations = Counter(op for op, _ in calls)
    # Instance types, zones and public images come from the catalog cache.
    assert operations == Counter({"DescribeImages": 2, "DescribeKeyPairs": 1,
                                  "DescribeSecurityGroups": 1})
    threads = {thread for _, thread in calls}
    assert len(threads) > 1 and all(t.startswith("nova-cloud") for t in threads)
