"""How the overview keeps the panels whose calls worked when others failed.

The pages themselves, against a real cloud behind a fault proxy:
tests/openstack/test_faults.py::test_overview_panels_fail_alone.
"""

from django_nova.exceptions import NotFound, Unavailable
from django_nova.services.usage import panel_problem, usable


def test_a_listing_that_failed_in_one_region_is_dropped_in_all():
    outcomes = {"q_instances@us-east-1": ["a"], "q_instances@eu-west-1": Unavailable("slow"),
                "q_volumes@us-east-1": ["v"], "q_volumes@eu-west-1": ["w"], "q_types": {}}
    found, failed = usable(outcomes)
    assert set(found) == {"q_volumes@us-east-1", "q_volumes@eu-west-1", "q_types"}
    assert failed == {"q_instances": "slow"}


def test_without_instance_types_the_instances_cannot_be_counted():
    outcomes = {"q_instances@us-east-1": ["a"], "q_types": Unavailable("types failed"),
                "q_key_pairs@us-east-1": []}
    found, failed = usable(outcomes)
    assert set(found) == {"q_key_pairs@us-east-1"}
    assert failed == {"q_types": "types failed", "q_instances": "types failed"}


def test_a_missing_api_reads_as_not_on_this_cloud():
    assert panel_problem(NotFound("The resource could not be found.")) == (
        "Not available on this cloud.")
    assert panel_problem(Unavailable("The cloud did not answer.")) == "The cloud did not answer."
