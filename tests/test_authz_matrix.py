"""The authorization matrix: every django_nova URL × {anonymous, member of A, member of B,
admin} × {GET, POST}, with project A's real resource ids in the URLs.

Expected: anonymous visitors go to the login page; admin pages answer admins
only (403 for everyone else); project pages serve A's member, and never show
or change anything of A's to B or to an admin working in another project,
however the ids are guessed.  New URLs are covered as soon as they exist
(the walk reads the URLconf).
"""

import pytest
from django.test import Client

from django_nova.mixins import AdminRequiredMixin
from django_nova.models import Membership
from django_nova.resources import SecurityGroupRule, VolumeSpec
from tests.test_security import (
    ANONYMOUS_ALLOWED,
    PATH_SAMPLES,
    accepts_post,
    assert_redirects_to_login,
    nova_patterns,
    url_for,
)

SECRET = "alpha-secret"  # every resource of A is named with it; it must not leak


@pytest.fixture
def arranged(project, driver, launch):
    """Project A (alpha, member alice) with one of everything, named with SECRET."""
    (instance_id,) = launch(name=f"{SECRET}-vm")
    driver.create_key_pair(f"{SECRET}-key", "ed25519")
    volume = driver.create_volume(VolumeSpec(name=f"{SECRET}-vol", size_gb=1,
                                             availability_zone="us-east-1a"))
    snapshot = driver.create_snapshot(volume.id, f"{SECRET}-snap", "")
    group = driver.create_security_group(f"{SECRET}-sg", f"{SECRET} group")
    driver.add_security_group_rule(group.id, SecurityGroupRule(
        id="", direction="ingress", protocol="tcp", port_min=22, port_max=22,
        remote_cidr="10.0.0.0/8"))
    rules = next(g for g in driver.security_groups_with_rules() if g.id == group.id).rules
    (rule,) = [r for r in rules if r.direction == "ingress"]
    address = driver.allocate_address()
    image_id = driver.create_image(instance_id, f"{SECRET}-img", "")
    return {"instance_id": instance_id, "name": f"{SECRET}-key", "volume_id": volume.id,
            "snapshot_id": snapshot.id, "group_id": group.id, "rule_id": rule.id,
            "address_id": address.id, "image_id": image_id, "action": "stop"}


def snapshot_of(driver, arranged) -> dict:
    """What A owns, to compare before and after everyone else has had a go."""
    groups = {g.id: g for g in driver.security_groups_with_rules()}
    return {
        "instance": driver.get_instance(arranged["instance_id"]).state,
        "keys": sorted(k.name for k in driver.list_key_pairs()),
        "volumes": sorted((v.id, v.name, v.size_gb) for v in driver.list_volumes()),
        "snapshots": sorted(s.id for s in driver.list_snapshots()),
        "group": (groups[arranged["group_id"]].name,
                  [r.id for r in groups[arranged["group_id"]].rules]),
        "addresses": sorted(a.id for a in driver.list_addresses()),
        "images": sorted(i.id for i in driver.list_images("own")),
    }


@pytest.fixture
def clients(member, make_user, make_project):
    bob, root = make_user("bob"), make_user("root", is_staff=True)
    make_project("beta", bob)
    make_project("ops", root)
    Membership.objects.filter(user=root).update(role=Membership.ROLE_ADMIN)
    signed_in = {}
    for role, user in (("A", member), ("B", bob), ("admin", root)):
        signed_in[role] = Client()
        signed_in[role].force_login(user)
    signed_in["anonymous"] = Client()
    return signed_in


def leaks(response, known: list[str]) -> bool:
    """Whether the page shows anything of A's beyond what the asker sent (ids it guessed)."""
    if response.streaming:
        return False
    body = response.content.decode(errors="replace")
    for value in known:
        body = body.replace(value, "")
    return SECRET in body


def routes(arranged):
    """(name, url with A's ids, url with made-up ids, admin-only?, takes A's ids?, POST?)."""
    for name, params, callback in nova_patterns():
        real = {p: arranged[p] for p in params if p in arranged}
        yield (name, url_for(name, params, **real), url_for(name, params),
               issubclass(callback.view_class, AdminRequiredMixin),
               bool(real) and set(real) == set(params), accepts_post(callback))


def test_authorization_matrix(clients, arranged, driver):
    before = snapshot_of(driver, arranged)
    checked = 0
    for name, url, sample_url, admin_only, owns_all, posts in routes(arranged):
        if name in ANONYMOUS_ALLOWED or name in {"switch-project", "switch-region"}:
            continue
        checked += 1
        methods = ("get", "post") if posts else ("get",)
        for method in methods:
            # Anonymous: the login page, with the way back.
            response = getattr(clients["anonymous"], method)(url)
            assert_redirects_to_login(response, url)
        if admin_only:
            for role in ("A", "B"):
                for method in methods:
                    status = getattr(clients[role], method)(url).status_code
                    assert status == 403, (role, method, name, status)
            response = clients["admin"].get(sample_url)
            assert response.status_code in (200, 302, 404, 405), (name, response.status_code)
            continue
        # A's member reaches A's things.
        response = clients["A"].get(url)
        allowed = (200, 302, 405) if owns_all else (200, 302, 404, 405)
        assert response.status_code in allowed, ("A", name, url, response.status_code)
        # B, and an admin working in another project, neither see nor change them.
        guessed = list(arranged.values())
        for role in ("B", "admin"):
            response = clients[role].get(url)
            assert not leaks(response, guessed), (role, name, url)
            if owns_all:
                assert response.status_code in (403, 404, 405), (role, name, response.status_code)
            else:
                assert response.status_code < 500, (role, name, response.status_code)
            if posts:
                response = clients[role].post(url, {"confirmed": "1", "ids": [
                    arranged["instance_id"], arranged["volume_id"], arranged["name"]]})
                assert response.status_code < 500, (role, "post", name, response.status_code)
                assert not leaks(response, guessed), (role, "post", name)
    assert checked >= 40
    assert snapshot_of(driver, arranged) == before
