"""EC2 has no networks or routers pages: their URLs are 404 and the sidebar has no links."""

import pytest
from django.urls import reverse

from django_nova.network.forms import NetworkForm, parse_cidr

URLS = [("networks", {}), ("network-create", {}), ("network-delete", {"network_id": "n1"}),
        ("subnet-create", {"network_id": "n1"}), ("subnet-delete", {"subnet_id": "s1"}),
        ("routers", {}), ("router-create", {}), ("router-gateway", {"router_id": "r1"}),
        ("router-interface-add", {"router_id": "r1"}),
        ("router-interface-remove", {"router_id": "r1", "subnet_id": "s1"}),
        ("router-delete", {"router_id": "r1"})]


@pytest.mark.parametrize(("name", "kwargs"), URLS)
def test_network_pages_are_404_on_ec2(member_client, name, kwargs):
    url = reverse(f"django_nova:{name}", kwargs=kwargs)
    assert member_client.get(url).status_code == 404
    assert member_client.post(url, {"name": "x", "cidr": "10.0.0.0/24"}).status_code == 404


def test_no_network_links_on_ec2_but_launch_is_unchanged(member_client):
    html = member_client.get("/network/security-groups/").content.decode()
    assert 'id="nav-addresses"' in html  # the sidebar is there ...
    assert 'id="nav-networks"' not in html and 'id="nav-routers"' not in html
    assert "/network/networks/" not in html and "/network/routers/" not in html
    form = member_client.get("/instances/launch/").context["form"]
    assert "networks" not in form.fields


@pytest.mark.parametrize(("data", "field"), [
    ({"cidr": "10.0.0.0/33"}, "cidr"), ({"cidr": "10.0.0.1/24"}, "cidr"),
    ({"cidr": "10.0.0.4"}, "cidr"), ({"cidr": "10.0.0.0/31"}, "cidr"),
    ({"cidr": "10.0.0.0/24", "gateway_ip": "10.0.0.0"}, "gateway_ip"),
    ({"cidr": "10.0.0.0/24", "gateway_ip": "10.0.0.255"}, "gateway_ip"),
    ({"cidr": "10.0.0.0/24", "gateway_ip": "10.0.1.1"}, "gateway_ip"),
    ({"cidr": "10.0.0.0/24", "gateway_ip": "nope"}, "gateway_ip"),
])
def test_network_form_rejects_bad_subnets(data, field):
    form = NetworkForm({"name": "n", **data})
    assert not form.is_valid() and list(form.errors) == [field]


def test_network_form_subnet_request():
    form = NetworkForm({"name": "n", "cidr": "2001:db8::/64", "gateway_ip": "2001:db8::fe"})
    assert form.is_valid(), form.errors
    request = form.subnet_request()
    assert (request.cidr, request.ip_version, request.gateway_ip, request.dhcp) == (
        "2001:db8::/64", 6, "2001:db8::fe", False)
    without = NetworkForm({"name": "n"})
    assert without.is_valid() and without.subnet_request() is None
    assert str(parse_cidr("192.168.0.0/16")) == "192.168.0.0/16"
