"""NOVA["CLOUDS"][...]["DRIVER"] may name a third-party Cloud class by its dotted path."""

from django.urls import reverse

from django_nova.checks import check_settings
from tests.data import IMAGE_ID

THIRD_PARTY = "tests.unit.thirdparty.EC2WithoutBlockStorage"


def use_driver(settings, driver: str) -> None:
    embedded = settings.NOVA["CLOUDS"]["embedded"]
    settings.NOVA = {**settings.NOVA, "CLOUDS": {"embedded": {**embedded, "DRIVER": driver}}}


def test_a_third_party_cloud_serves_the_pages_it_has_parts_for(settings, member_client):
    use_driver(settings, THIRD_PARTY)
    assert check_settings(None) == []
    page = member_client.get(reverse("django_nova:instances")).content.decode()
    assert 'id="nav-instances"' in page
    # No volumes part: no Storage links, and the pages say this cloud has none.
    assert 'id="nav-volumes"' not in page and 'id="nav-snapshots"' not in page
    assert member_client.get(reverse("django_nova:volumes")).status_code == 404
    launched = member_client.post(reverse("django_nova:instance-launch"), {
        "name": "third-party", "image": IMAGE_ID, "instance_type": "t3.micro", "count": 1})
    assert launched.status_code == 302, launched.content.decode()[:2000]
    assert b"third-party" in member_client.get(reverse("django_nova:instances")).content


def test_a_driver_that_is_no_cloud_fails_the_checks(settings):
    for driver in ("tests.unit.thirdparty.NotACloud", "tests.unit.thirdparty.Missing",
                   "no-such-driver"):
        use_driver(settings, driver)
        errors = check_settings(None)
        assert [e.id for e in errors] == ["django_nova.E002"], driver
        assert driver in errors[0].msg and "Cloud subclass" in errors[0].msg
