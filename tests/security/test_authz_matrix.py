"""The authorization matrix: every django_nova URL × {anonymous, member of A, member of B,
admin} × {GET, POST}, with project A's real resource ids in the URLs.

Expected: anonymous visitors go to the login page; admin pages answer admins
only (403 for everyone else); project pages serve A's member, and never show
or change anything of A's to B or to an admin working in another project,
however the ids are guessed.  New URLs are covered as soon as they exist
(the walk reads the URLconf).
"""

import contextlib
import uuid

import openstack.exceptions
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.test import Client

from django_nova.mixins import AdminRequiredMixin
from django_nova.models import Membership
from django_nova.resources import SecurityGroupRule, VolumeSpec
from tests.helpers import wait_for
from tests.urlwalk import (
    ANONYMOUS_ALLOWED,
    accepts_post,
    assert_redirects_to_login,
    nova_patterns,
    url_for,
)

SECRET = "alpha-secret"  # every resource of A is named with it; it must not leak
PUBLIC_KEY = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
    serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


@pytest.fixture
def arranged(project, cloud, launch):
    """Project A (alpha, member alice) with one of everything, named with SECRET."""
    (instance_id,) = launch(name=f"{SECRET}-vm")
    cloud.key_pairs.create_key_pair(f"{SECRET}-key", "ed25519")
    volume = cloud.volumes.create_volume(VolumeSpec(name=f"{SECRET}-vol", size_gb=1,
                                             availability_zone="us-east-1a"))
    snapshot = cloud.volumes.create_snapshot(volume.id, f"{SECRET}-snap", "")
    group = cloud.security_groups.create_security_group(f"{SECRET}-sg", f"{SECRET} group")
    cloud.security_groups.add_rule(group.id, SecurityGroupRule(
        id="", direction="ingress", protocol="tcp", port_min=22, port_max=22,
        remote_cidr="10.0.0.0/8"))
    rules = next(g for g in cloud.security_groups.list_security_groups() if g.id == group.id).rules
    (rule,) = [r for r in rules if r.direction == "ingress"]
    address = cloud.addresses.allocate_address()
    image_id = cloud.images.create_image(instance_id, f"{SECRET}-img", "")
    return {"instance_id": instance_id, "name": f"{SECRET}-key", "volume_id": volume.id,
            "snapshot_id": snapshot.id, "group_id": group.id, "rule_id": rule.id,
            "address_id": address.id, "image_id": image_id, "action": "stop"}


def snapshot_of(cloud, arranged) -> dict:
    """What A owns, to compare before and after everyone else has had a go."""
    groups = {g.id: g for g in cloud.security_groups.list_security_groups()}
    return {
        "instance": cloud.compute.get_instance(arranged["instance_id"]).state,
        "keys": sorted(k.name for k in cloud.key_pairs.list_key_pairs()),
        "volumes": sorted((v.id, v.name, v.size_gb) for v in cloud.volumes.list_volumes()),
        "snapshots": sorted(s.id for s in cloud.volumes.list_snapshots()),
        "group": (groups[arranged["group_id"]].name,
                  [r.id for r in groups[arranged["group_id"]].rules]),
        "addresses": sorted(a.id for a in cloud.addresses.list_addresses()),
        "images": sorted(i.id for i in cloud.images.list_images("own")),
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


def check_matrix(clients, arranged, outsiders=("B", "admin")):
    """Walk every URL as every role; ``outsiders`` must neither see nor change A's things."""
    checked = 0
    guessed = list(arranged.values())
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
        for role in ("B", "admin"):
            response = clients[role].get(url)
            assert response.status_code < 500, (role, name, response.status_code)
            if role not in outsiders:
                continue
            assert not leaks(response, guessed), (role, name, url)
            if owns_all:
                assert response.status_code in (403, 404, 405), (role, name, response.status_code)
            if posts:
                response = clients[role].post(url, {"confirmed": "1", "ids": [
                    arranged["instance_id"], arranged["volume_id"], arranged["name"]]})
                assert response.status_code < 500, (role, "post", name, response.status_code)
                assert not leaks(response, guessed), (role, "post", name)
    assert checked >= 40


def test_authorization_matrix(clients, arranged, cloud):
    before = snapshot_of(cloud, arranged)
    check_matrix(clients, arranged)
    assert snapshot_of(cloud, arranged) == before


# --- the same on OpenStack: demo is A, alt is B, the Keystone admin is the admin -------------

@pytest.fixture
def os_arranged(os_conn):
    """Project demo with one of everything named with SECRET; all of it removed afterwards."""
    conn = os_conn("demo")
    suffix = uuid.uuid4().hex[:6]
    made = []
    try:
        network = conn.network.create_network(name=f"{SECRET}-net-{suffix}")
        made.append(lambda: delete_network(conn, network))
        subnet = conn.network.create_subnet(network_id=network.id, ip_version=4,
                                            cidr="10.77.0.0/24", name=f"{SECRET}-subnet")
        router = conn.network.create_router(name=f"{SECRET}-router-{suffix}")
        made.append(lambda: conn.network.delete_router(router, ignore_missing=True))
        conn.network.add_interface_to_router(router, subnet=subnet.id)
        made.append(lambda: conn.network.remove_interface_from_router(router,
                                                                      subnet=subnet.id))
        image = next(i for i in conn.image.images() if i.name == "cirros-test")
        server = conn.compute.create_server(
            name=f"{SECRET}-vm-{suffix}", image_id=image.id,
            flavor_id=conn.compute.find_flavor("m1.tiny").id, networks="none")
        made.append(lambda: conn.compute.delete_server(server, ignore_missing=True))
        key = conn.compute.create_keypair(name=f"{SECRET}-key-{suffix}", public_key=PUBLIC_KEY)
        made.append(lambda: conn.compute.delete_keypair(key, ignore_missing=True))
        volume = conn.block_storage.create_volume(name=f"{SECRET}-vol-{suffix}", size=1)
        made.append(lambda: conn.block_storage.delete_volume(volume, ignore_missing=True))
        conn.block_storage.wait_for_status(volume, "available", wait=60)
        snapshot = conn.block_storage.create_snapshot(volume_id=volume.id,
                                                      name=f"{SECRET}-snap-{suffix}")
        made.append(lambda: conn.block_storage.wait_for_delete(snapshot, wait=60))
        made.append(lambda: conn.block_storage.delete_snapshot(snapshot, ignore_missing=True))
        conn.block_storage.wait_for_status(snapshot, "available", wait=60)
        group = conn.network.create_security_group(name=f"{SECRET}-sg-{suffix}")
        made.append(lambda: conn.network.delete_security_group(group, ignore_missing=True))
        rule = conn.network.create_security_group_rule(
            security_group_id=group.id, direction="ingress", protocol="tcp",
            port_range_min=22, port_range_max=22, remote_ip_prefix="10.0.0.0/8")
        public = conn.network.find_network("public")
        address = conn.network.create_ip(floating_network_id=public.id)
        made.append(lambda: conn.network.delete_ip(address, ignore_missing=True))
        conn.compute.wait_for_server(server, wait=120)
        yield {"instance_id": server.id, "name": key.name, "volume_id": volume.id,
               "snapshot_id": snapshot.id, "group_id": group.id, "rule_id": rule.id,
               "address_id": address.id, "network_id": network.id, "subnet_id": subnet.id,
               "router_id": router.id, "action": "stop"}
    finally:
        for undo in reversed(made):
            undo()


def delete_network(conn, network) -> None:
    """Delete a test network once Neutron has let go of its ports (router and DHCP ports
    are released asynchronously)."""
    def gone():
        for port in conn.network.ports(network_id=network.id):
            with contextlib.suppress(openstack.exceptions.SDKException):
                conn.network.delete_port(port, ignore_missing=True)
        try:
            conn.network.delete_network(network, ignore_missing=True)
        except openstack.exceptions.ConflictException:
            return False
        return True
    wait_for(gone, timeout=60, interval=1)


def os_snapshot_of(conn, arranged) -> dict:
    project_id = conn.current_project_id
    return {
        "server": conn.compute.get_server(arranged["instance_id"]).status,
        "keys": sorted(k.name for k in conn.compute.keypairs()),
        "volumes": sorted((v.id, v.name, v.size) for v in conn.block_storage.volumes()),
        "snapshots": sorted(s.id for s in conn.block_storage.snapshots()),
        "rules": sorted(r["id"] for r in conn.network.get_security_group(
            arranged["group_id"]).security_group_rules),
        "addresses": sorted(a.id for a in conn.network.ips(project_id=project_id)),
        "networks": sorted(n.id for n in conn.network.networks(project_id=project_id)),
        "subnets": sorted(s.id for s in conn.network.subnets(project_id=project_id)),
        "routers": sorted(r.id for r in conn.network.routers(project_id=project_id)),
    }


@pytest.mark.openstack
def test_authorization_matrix_on_openstack(keystone_client, os_conn, os_arranged):
    """A Keystone admin's token reaches every project, so only alt is held to "sees nothing"."""
    clients = {"anonymous": Client()}
    for role, user in (("A", "demo"), ("B", "alt"), ("admin", "admin")):
        clients[role] = keystone_client(user, Client())
    conn = os_conn("demo")
    before = os_snapshot_of(conn, os_arranged)
    check_matrix(clients, os_arranged, outsiders=("B",))
    assert os_snapshot_of(conn, os_arranged) == before
