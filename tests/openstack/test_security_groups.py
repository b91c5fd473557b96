"""Security groups and rules against the real Neutron (and Nova) of the OpenStack test cloud.

Users log in through the login form; each change goes through the views and
is then checked on the cloud itself.  Everything a test creates is named
``nova-test-sg-...`` and deleted afterwards.
"""

from collections import Counter

import pytest
from django.test import Client

from tests.helpers import messages_of

pytestmark = pytest.mark.openstack

PREFIX = "nova-test-sg-"
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
DUPLICATE = "This group already has this rule."




@pytest.fixture
def conn(os_conn):
    """Project demo's connection; groups and servers the test made are removed afterwards."""
    connection = os_conn("demo")
    servers = []
    connection.test_servers = servers
    yield connection
    for server_id in servers:
        server = connection.compute.find_server(server_id)
        if server is not None:
            # Its ports keep their groups in use until the server is gone.
            connection.compute.delete_server(server)
            connection.compute.wait_for_delete(server, wait=120)
    project_id = connection.current_project_id
    for group in connection.network.security_groups(project_id=project_id):
        if group.name.startswith(PREFIX) or group.name == HOSTILE:
            # Rules of other test groups may refer to it; drop those first.
            for rule in group.security_group_rules or []:
                connection.network.delete_security_group_rule(rule["id"], ignore_missing=True)
    for group in connection.network.security_groups(project_id=project_id):
        if group.name.startswith(PREFIX) or group.name == HOSTILE:
            connection.network.delete_security_group(group.id, ignore_missing=True)


@pytest.fixture
def demo(keystone_client, client, conn):
    keystone_client("demo")
    return client


def make_group(conn, suffix="web", description="test group"):
    name = suffix if suffix == HOSTILE else PREFIX + suffix
    return conn.network.create_security_group(name=name, description=description)


def default_group(conn):
    return next(g for g in conn.network.security_groups(project_id=conn.current_project_id)
                if g.name == "default")


def ingress_of(conn, group_id):
    rules = conn.network.get_security_group(group_id).security_group_rules or []
    return [r for r in rules if r["direction"] == "ingress"]


def server_on_network(conn, name):
    """A server with a port on demo-net (Nova changes groups through its ports)."""
    network = conn.network.find_network("demo-net")
    image = next(i for i in conn.image.images() if i.name == "cirros-test")
    flavor = conn.compute.find_flavor("m1.tiny")
    server = conn.compute.create_server(name=PREFIX + name, image_id=image.id,
                                        flavor_id=flavor.id, networks=[{"uuid": network.id}])
    conn.test_servers.append(server.id)
    return conn.compute.wait_for_server(server, wait=120)


def test_list_shows_the_default_group_and_rule_counts(demo, conn):
    web = make_group(conn, "web", "front ends")
    response = demo.get("/network/security-groups/")
    assert response.status_code == 200
    groups = {g.name: g for g in response.context["security_groups"]}
    assert response.context["security_groups"][0].name == "default"
    assert len(groups["default"].rules) == len(default_group(conn).security_group_rules)
    # Neutron gives a new group egress to anywhere, IPv4 and IPv6.
    assert len(groups[web.name].rules) == 2
    html = response.content.decode()
    for expected in (web.name, web.id, "front ends", f"/network/security-groups/{web.id}/edit/"):
        assert expected in html
    assert f"/network/security-groups/{default_group(conn).id}/delete/" not in html


def test_create_edit_and_delete_a_group(demo, conn):
    name = PREFIX + "api"
    response = demo.post("/network/security-groups/create/",
                         {"name": name, "description": ""})
    assert response.status_code == 302, response.context["form"].errors
    group = conn.network.find_security_group(name)
    assert response["Location"] == f"/network/security-groups/{group.id}/"

    duplicate = demo.post("/network/security-groups/create/", {"name": name, "description": ""})
    assert "already exists" in " ".join(duplicate.context["form"].errors["name"])
    reserved = demo.post("/network/security-groups/create/", {"name": "default"})
    assert "reserved" in " ".join(reserved.context["form"].errors["name"])

    edit = demo.get(f"/network/security-groups/{group.id}/edit/")
    assert edit.context["form"].initial == {"name": name, "description": ""}
    response = demo.post(f"/network/security-groups/{group.id}/edit/",
                         {"name": PREFIX + "api-v2", "description": "version two"})
    assert response.status_code == 302
    renamed = conn.network.get_security_group(group.id)
    assert (renamed.name, renamed.description) == (PREFIX + "api-v2", "version two")

    assert demo.get(f"/network/security-groups/{group.id}/delete/").status_code == 200
    response = demo.post(f"/network/security-groups/{group.id}/delete/")
    assert response["Location"] == "/network/security-groups/"
    assert conn.network.find_security_group(group.id) is None


def test_default_group_cannot_be_edited_or_deleted(demo, conn):
    default = default_group(conn)
    edit = demo.get(f"/network/security-groups/{default.id}/edit/")
    assert b"cannot be renamed" in edit.content and b'id="security-group-form"' not in edit.content
    response = demo.post(f"/network/security-groups/{default.id}/edit/",
                         {"name": "renamed", "description": "x"})
    assert "cannot be renamed" in " ".join(response.context["form"].non_field_errors())
    response = demo.post(f"/network/security-groups/{default.id}/delete/", follow=True)
    assert any("cannot be deleted" in m for m in messages_of(response))
    assert conn.network.get_security_group(default.id).name == "default"


@pytest.mark.parametrize("data, expected", [
    ({"protocol": "tcp", "port_min": "8000", "port_max": "8080", "remote_cidr": "10.0.0.0/8"},
     {"protocol": "tcp", "port_range_min": 8000, "port_range_max": 8080,
      "remote_ip_prefix": "10.0.0.0/8", "ethertype": "IPv4"}),
    ({"protocol": "udp", "remote_cidr": "192.168.0.0/16"},
     {"protocol": "udp", "port_range_min": None, "remote_ip_prefix": "192.168.0.0/16"}),
    ({"protocol": "icmp", "remote_cidr": "0.0.0.0/0"},
     {"protocol": "icmp", "port_range_min": None, "ethertype": "IPv4"}),
    ({"protocol": "icmp", "ether_type": "IPv6", "remote_cidr": "2001:db8::/32"},
     {"protocol": "ipv6-icmp", "ethertype": "IPv6", "remote_ip_prefix": "2001:db8::/32"}),
    ({"protocol": "any", "remote_cidr": "10.9.0.0/16"}, {"protocol": None}),
])
def test_add_rule(demo, conn, data, expected):
    web = make_group(conn)
    form = {"direction": "ingress", "ether_type": "IPv4", **data}
    response = demo.post(f"/network/security-groups/{web.id}/rules/add/", form)
    assert response.status_code == 302, response.context["form"].errors
    (rule,) = ingress_of(conn, web.id)
    assert {key: rule[key] for key in expected} == expected


def test_add_rule_from_a_source_group_egress_and_remove(demo, conn):
    web, db = make_group(conn, "web"), make_group(conn, "db")
    response = demo.post(f"/network/security-groups/{db.id}/rules/add/", {
        "direction": "ingress", "ether_type": "IPv4", "protocol": "tcp", "port_min": "5432",
        "remote_group": web.id})
    assert response.status_code == 302, response.context["form"].errors
    (rule,) = ingress_of(conn, db.id)
    assert (rule["remote_group_id"], rule["port_range_min"], rule["port_range_max"]) == (
        web.id, 5432, 5432)
    demo.post(f"/network/security-groups/{db.id}/rules/add/", {
        "direction": "egress", "ether_type": "IPv4", "protocol": "udp", "port_min": "53",
        "remote_cidr": "10.0.0.2/32"})
    rules = conn.network.get_security_group(db.id).security_group_rules
    assert any(r["direction"] == "egress" and r["port_range_min"] == 53 for r in rules)

    page = demo.get(f"/network/security-groups/{db.id}/")
    assert f'href="/network/security-groups/{web.id}/">{web.name}</a>' in page.content.decode()
    refused = demo.get(f"/network/security-groups/{web.id}/delete/")
    assert f"Rules of {db.name} refer to this group".encode() in refused.content

    url = f"/network/security-groups/{db.id}/rules/{rule['id']}/delete/"
    assert demo.get(url).status_code == 200
    assert demo.post(url)["Location"] == f"/network/security-groups/{db.id}/"
    assert ingress_of(conn, db.id) == []
    assert demo.get(url).status_code == 404


@pytest.mark.parametrize("data, field, error", [
    ({"remote_cidr": "10.0.0.1/8"}, "remote_cidr", "host bits set"),
    ({"remote_cidr": "2001:db8::/32"}, "remote_cidr", "ether type is IPv4"),
    ({"port_min": "80", "port_max": "22"}, "port_max", "cannot be lower"),
    ({"protocol": "icmp", "port_min": "8"}, "port_min", "ICMP rules take no ports"),
    ({"remote_group": "SELF"}, "remote_cidr", "not both"),
])
def test_rule_form_errors(demo, conn, data, field, error):
    web = make_group(conn)
    form = {"direction": "ingress", "ether_type": "IPv4", "protocol": "tcp", "port_min": "22",
            "remote_cidr": "10.0.0.0/8"}
    form.update({k: web.id if v == "SELF" else v for k, v in data.items()})
    response = demo.post(f"/network/security-groups/{web.id}/rules/add/", form)
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors[field])
    assert ingress_of(conn, web.id) == []


def test_duplicate_rules_are_field_errors(demo, conn, monkeypatch):
    from django_nova.network import forms
    from django_nova.services import network

    web = make_group(conn)
    rule = {"direction": "ingress", "ether_type": "IPv4", "protocol": "tcp", "port_min": "22",
            "remote_cidr": "10.0.0.0/8"}
    assert demo.post(f"/network/security-groups/{web.id}/rules/add/", rule).status_code == 302
    again = demo.post(f"/network/security-groups/{web.id}/rules/add/", rule)
    assert again.context["form"].errors["remote_cidr"] == [DUPLICATE]
    # Neutron's own egress rule has no remote: it is the same rule as 0.0.0.0/0.
    egress = demo.post(f"/network/security-groups/{web.id}/rules/add/", {
        "direction": "egress", "ether_type": "IPv4", "protocol": "any",
        "remote_cidr": "0.0.0.0/0"})
    assert egress.context["form"].errors["remote_cidr"] == [DUPLICATE]
    # Past our check (a rule added meanwhile), Neutron's 409 lands on the field too.
    monkeypatch.setattr(forms, "find_duplicate", lambda rule, rules: None)
    monkeypatch.setattr(network, "find_duplicate", lambda rule, rules: None)
    raced = demo.post(f"/network/security-groups/{web.id}/rules/add/", rule)
    assert raced.status_code == 200
    assert raced.context["form"].errors["remote_cidr"] == [DUPLICATE]
    assert len(ingress_of(conn, web.id)) == 1


def test_edit_an_instances_groups_and_in_use_group_is_not_deleted(demo, conn):
    web = make_group(conn, "web")
    default = default_group(conn)
    server = server_on_network(conn, "server")
    url = f"/network/instances/{server.id}/security-groups/"
    page = demo.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["groups"] == [default.id]
    response = demo.post(url, {"groups": [web.id]})
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == f"/instances/{server.id}/"
    assert [g["name"] for g in conn.compute.get_server(server.id).security_groups] == [web.name]
    assert demo.get(url).context["form"].initial["groups"] == [web.id]

    response = demo.post(f"/network/security-groups/{web.id}/delete/", follow=True)
    shown = " ".join(messages_of(response))
    assert f"Could not delete security group {web.name}" in shown and "in use" in shown
    assert conn.network.find_security_group(web.id) is not None

    # Neutron allows an instance without groups.
    assert demo.post(url, {"groups": []}).status_code == 302
    assert not conn.compute.get_server(server.id).security_groups


def test_server_without_ports_says_why_its_groups_cannot_change(demo, conn):
    image = next(i for i in conn.image.images() if i.name == "cirros-test")
    server = conn.compute.create_server(name=PREFIX + "portless", image_id=image.id,
                                        flavor_id=conn.compute.find_flavor("m1.tiny").id,
                                        networks="none")
    conn.test_servers.append(server.id)
    conn.compute.wait_for_server(server, wait=120)
    response = demo.post(f"/network/instances/{server.id}/security-groups/",
                         {"groups": [default_group(conn).id]})
    assert response.status_code == 200
    assert "no network port" in " ".join(response.context["form"].non_field_errors())


def test_other_projects_groups_are_404_by_url(keystone_client, conn):
    web = make_group(conn, "secret")
    conn.network.create_security_group_rule(security_group_id=web.id, direction="ingress",
                                            ethertype="IPv4", protocol="tcp",
                                            port_range_min=22, port_range_max=22,
                                            remote_ip_prefix="10.0.0.0/8")
    (rule,) = ingress_of(conn, web.id)
    alt = keystone_client("alt", Client())
    listing = alt.get("/network/security-groups/")
    assert listing.status_code == 200 and web.id.encode() not in listing.content
    for url in (f"/network/security-groups/{web.id}/", f"/network/security-groups/{web.id}/edit/",
                f"/network/security-groups/{web.id}/delete/",
                f"/network/security-groups/{web.id}/rules/add/",
                f"/network/security-groups/{web.id}/rules/{rule['id']}/delete/"):
        assert alt.get(url).status_code == 404, url
        assert alt.post(url, {"name": "x", "protocol": "any", "direction": "ingress",
                              "ether_type": "IPv4", "remote_cidr": "0.0.0.0/0"}
                        ).status_code == 404, url
    group = conn.network.get_security_group(web.id)
    assert group.name == web.name and len(ingress_of(conn, web.id)) == 1


def test_hostile_group_name_is_escaped(demo, conn):
    evil = make_group(conn, HOSTILE, HOSTILE)
    conn.network.create_security_group_rule(security_group_id=evil.id, direction="ingress",
                                            ethertype="IPv4", remote_group_id=evil.id)
    (rule,) = ingress_of(conn, evil.id)
    pages = ["/network/security-groups/", f"/network/security-groups/{evil.id}/",
             f"/network/security-groups/{evil.id}/edit/",
             f"/network/security-groups/{evil.id}/delete/",
             f"/network/security-groups/{evil.id}/rules/add/",
             f"/network/security-groups/{evil.id}/rules/{rule['id']}/delete/"]
    for page in pages:
        response = demo.get(page)
        html = response.content.decode()
        assert response.status_code == 200, page
        assert HOSTILE not in html and HOSTILE_ESCAPED in html, page


def test_group_pages_make_a_constant_number_of_calls(demo, conn):
    from django_nova.clouds.calls import cloud_call

    calls = []

    def record(sender, operation, **_):
        calls.append(operation)

    web = make_group(conn, "count")
    pages = ["/network/security-groups/", f"/network/security-groups/{web.id}/",
             f"/network/security-groups/{web.id}/rules/add/"]

    def counts():
        result = {}
        for page in pages:
            demo.get(page)
            calls.clear()
            assert demo.get(page).status_code == 200
            result[page] = sum(Counter(calls).values())
        return result

    cloud_call.connect(record, weak=False)
    try:
        few = counts()
        for n in range(3):
            extra = make_group(conn, f"count-{n}")
            conn.network.create_security_group_rule(
                security_group_id=web.id, direction="ingress", ethertype="IPv4",
                protocol="tcp", port_range_min=1000 + n, port_range_max=1000 + n,
                remote_group_id=extra.id)
        many = counts()
    finally:
        cloud_call.disconnect(record)
    assert few == many
    assert set(few.values()) == {1}, few
