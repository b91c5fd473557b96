"""Networks, subnets and routers against the real Neutron (and Nova) of the test cloud.

Users log in through the login form; every change goes through the views and
is then checked on the cloud itself.  Everything a test makes carries PREFIX
in its name and is removed afterwards, also when the test fails.
"""

import pytest
from django.test import Client

from tests.helpers import messages_of, wait_for

pytestmark = pytest.mark.openstack

PREFIX = "nova-test-net-"
NETWORKS = "/network/networks/"
ROUTERS = "/network/routers/"
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
CIDR = "10.77.0.0/24"


def clean_up(conn):
    """Remove everything of project demo named with PREFIX (or HOSTILE), in dependency order."""
    project = conn.current_project_id
    for server in conn.compute.servers():
        if server.name.startswith(PREFIX):
            conn.compute.delete_server(server)
            conn.compute.wait_for_delete(server, wait=120)
    networks = [n for n in conn.network.networks(project_id=project)
                if n.name.startswith(PREFIX) or n.name == HOSTILE]
    ours = {n.id for n in networks}
    for ip in conn.network.ips(project_id=project):
        if ip.port_id and any(p.network_id in ours for p in conn.network.ports(id=ip.port_id)):
            conn.network.delete_ip(ip, ignore_missing=True)
    for router in conn.network.routers(project_id=project):
        if router.name.startswith(PREFIX):
            for port in conn.network.ports(device_id=router.id,
                                           device_owner="network:router_interface"):
                conn.network.remove_interface_from_router(router, port_id=port.id)
            conn.network.delete_router(router, ignore_missing=True)
    for network in networks:
        for port in conn.network.ports(network_id=network.id,
                                       device_owner="network:router_interface"):
            router = conn.network.get_router(port.device_id)
            conn.network.remove_interface_from_router(router, port_id=port.id)
        conn.network.delete_network(network, ignore_missing=True)


@pytest.fixture
def conn(os_conn):
    """Project demo's connection; floating IPs made here and PREFIX resources are removed."""
    connection = os_conn("demo")
    before = {ip.id for ip in connection.network.ips(project_id=connection.current_project_id)}
    clean_up(connection)
    yield connection
    for ip in connection.network.ips(project_id=connection.current_project_id):
        if ip.id not in before:
            connection.network.delete_ip(ip.id, ignore_missing=True)
    clean_up(connection)


@pytest.fixture
def ids(os_conn):
    conn = os_conn("demo")
    image = next(i for i in conn.image.images() if i.name == "cirros-test")
    return {"image": image.id, "flavor": conn.compute.find_flavor("m1.tiny").id}


def named(items, name):
    return next((i for i in items if i.name == name), None)


def create_network(client, conn, name, cidr=CIDR, **extra):
    response = client.post(f"{NETWORKS}create/", {"name": name, "subnet_name": name + "-sub",
                                                  "cidr": cidr, "dhcp": "on", **extra})
    assert response.status_code == 302, response.context["form"].errors
    network = named(conn.network.networks(project_id=conn.current_project_id), name)
    assert network is not None
    return network


def test_network_subnet_router_launch_and_floating_ip(keystone_client, conn, ids):
    client = keystone_client("demo")
    public = conn.network.find_network("public")
    demo_net = conn.network.find_network("demo-net")

    # The list: the project's own network and the external one, both with their flags.
    page = client.get(NETWORKS)
    assert page.status_code == 200
    listed = {n.id: n for n in page.context["networks"]}
    assert listed[demo_net.id].own and not listed[demo_net.id].external
    assert listed[demo_net.id].subnets and listed[demo_net.id].subnets[0].cidr
    assert listed[public.id].external and not listed[public.id].own
    html = page.content.decode()
    assert 'id="nav-networks"' in html and 'id="nav-routers"' in html
    assert f'href="{NETWORKS}{demo_net.id}/delete/"' in html
    assert f'href="{NETWORKS}{public.id}/delete/"' not in html  # not the project's

    # Field errors: nothing reaches Neutron.
    cases = [({"cidr": "10.77.0.300/24"}, "cidr", "CIDR notation"),
             ({"cidr": "10.77.0.1/24"}, "cidr", "host bits set: the network is 10.77.0.0/24"),
             ({"cidr": CIDR, "gateway_ip": "10.78.0.1"}, "gateway_ip",
              "10.78.0.1 is not inside 10.77.0.0/24"),
             ({"cidr": CIDR, "gateway_ip": "2001:db8::1"}, "gateway_ip", "is not inside"),
             ({"cidr": "", "gateway_ip": "10.77.0.1"}, "gateway_ip", "CIDR too")]
    for data, field, text in cases:
        response = client.post(f"{NETWORKS}create/", {"name": PREFIX + "bad", **data})
        assert response.status_code == 200
        assert text in " ".join(response.context["form"].errors[field]), data
    assert named(conn.network.networks(project_id=conn.current_project_id),
                 PREFIX + "bad") is None

    # Create a network with its first subnet.
    network = create_network(client, conn, PREFIX + "net", gateway_ip="10.77.0.1")
    (subnet,) = conn.network.subnets(network_id=network.id)
    assert (subnet.cidr, subnet.ip_version, subnet.gateway_ip, subnet.is_dhcp_enabled,
            subnet.name) == (CIDR, 4, "10.77.0.1", True, PREFIX + "net-sub")

    # A second subnet (IPv6, DHCP off), then delete it through its confirm page.
    response = client.post(f"{NETWORKS}{network.id}/subnets/create/",
                           {"subnet_name": PREFIX + "v6", "cidr": "2001:db8:77::/64"})
    assert response.status_code == 302, response.context["form"].errors
    v6 = named(conn.network.subnets(network_id=network.id), PREFIX + "v6")
    assert v6.ip_version == 6 and v6.cidr == "2001:db8:77::/64" and not v6.is_dhcp_enabled
    confirm = client.get(f"/network/subnets/{v6.id}/delete/")
    assert confirm.status_code == 200 and b'id="confirm-submit"' in confirm.content
    assert client.post(f"/network/subnets/{v6.id}/delete/").status_code == 302
    assert [s.id for s in conn.network.subnets(network_id=network.id)] == [subnet.id]

    # A router with a gateway to public and an interface on the new subnet.
    response = client.post(f"{ROUTERS}create/", {"name": PREFIX + "router",
                                                 "external_network": public.id})
    assert response.status_code == 302, response.context["form"].errors
    router = named(conn.network.routers(project_id=conn.current_project_id), PREFIX + "router")
    assert router.external_gateway_info["network_id"] == public.id
    form = client.get(f"{ROUTERS}{router.id}/interfaces/add/").context["form"]
    assert subnet.id in dict(form.fields["subnet"].choices)
    response = client.post(f"{ROUTERS}{router.id}/interfaces/add/", {"subnet": subnet.id})
    assert response.status_code == 302, response.context["form"].errors
    (interface,) = conn.network.ports(device_id=router.id,
                                      device_owner="network:router_interface")
    assert interface.fixed_ips[0]["subnet_id"] == subnet.id
    row = next(r for r in client.get(ROUTERS).context["routers"] if r.id == router.id)
    assert row.external_network_name == "public"
    assert [i.subnet.cidr for i in row.interfaces] == [CIDR]

    # The network is in use now: its delete page says why and offers no button.
    confirm = client.get(f"{NETWORKS}{network.id}/delete/").content.decode()
    assert "1 router interface" in confirm and 'id="confirm-submit"' not in confirm

    # Launch onto networks chosen in the form: the new one and demo-net (without a choice the
    # cloud attaches one network only).
    form = client.get("/instances/launch/").context["form"]
    choices = dict(form.fields["networks"].choices)
    assert network.id in choices and demo_net.id in choices and public.id not in choices
    assert set(form.initial["networks"]) >= {network.id, demo_net.id}
    response = client.post("/instances/launch/", {
        "name": PREFIX + "vm", "image": ids["image"], "instance_type": ids["flavor"],
        "count": 1, "networks": [network.id, demo_net.id]})
    assert response.status_code == 302, response.context["form"].errors
    server = wait_for(lambda: named(conn.compute.servers(), PREFIX + "vm"))
    wait_for(lambda: conn.compute.get_server(server.id).status == "ACTIVE")
    ports = list(conn.network.ports(device_id=server.id))
    assert sorted(p.network_id for p in ports) == sorted([network.id, demo_net.id])
    port = next(p for p in ports if p.network_id == network.id)
    assert port.fixed_ips[0]["subnet_id"] == subnet.id
    fixed_ip = port.fixed_ips[0]["ip_address"]

    # A floating IP from public, associated with that port through the addresses views.
    before = {ip.id for ip in conn.network.ips(project_id=conn.current_project_id)}
    assert client.post("/network/addresses/allocate/", {"pool": public.id}).status_code == 302
    (ip,) = [i for i in conn.network.ips(project_id=conn.current_project_id)
             if i.id not in before]
    key = f"{server.id}/{port.id}/{fixed_ip}"
    response = client.post(f"/network/addresses/{ip.id}/associate/", {"target": key})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert conn.network.get_ip(ip.id).port_id == port.id

    # Clean up through the views where they exist.
    assert client.post(f"/network/addresses/{ip.id}/disassociate/").status_code == 302
    assert client.post(f"/network/addresses/{ip.id}/release/").status_code == 302
    assert conn.network.find_ip(ip.id) is None
    conn.compute.delete_server(server.id)
    conn.compute.wait_for_delete(server, wait=120)
    remove = f"{ROUTERS}{router.id}/interfaces/{subnet.id}/remove/"
    assert client.get(remove).status_code == 200
    assert client.post(remove).status_code == 302
    assert not list(conn.network.ports(device_id=router.id,
                                       device_owner="network:router_interface"))
    response = client.post(f"{ROUTERS}{router.id}/gateway/", {"external_network": ""})
    assert response.status_code == 302
    assert not conn.network.get_router(router.id).external_gateway_info
    assert client.post(f"{ROUTERS}{router.id}/delete/").status_code == 302
    assert conn.network.find_router(router.id) is None
    response = client.post(f"{NETWORKS}{network.id}/delete/")
    assert response.status_code == 302
    assert messages_of(response) == [
        f"Removed the interface from {PREFIX}router.", f"Cleared the gateway of {PREFIX}router.",
        f"Deleted router {PREFIX}router.", f"Deleted network {PREFIX}net."]
    assert conn.network.find_network(network.id) is None
    assert conn.network.find_subnet(subnet.id) is None


def test_router_delete_removes_its_interfaces_first(keystone_client, conn):
    client = keystone_client("demo")
    network = create_network(client, conn, PREFIX + "r", cidr="10.78.0.0/24")
    (subnet,) = conn.network.subnets(network_id=network.id)
    assert client.post(f"{ROUTERS}create/", {"name": PREFIX + "r"}).status_code == 302
    router = named(conn.network.routers(project_id=conn.current_project_id), PREFIX + "r")
    assert not router.external_gateway_info
    client.post(f"{ROUTERS}{router.id}/interfaces/add/", {"subnet": subnet.id})
    # The same subnet twice is a field error, not a Neutron error.
    response = client.post(f"{ROUTERS}{router.id}/interfaces/add/", {"subnet": subnet.id})
    assert response.status_code == 200 and response.context["form"].errors["subnet"]
    confirm = client.get(f"{ROUTERS}{router.id}/delete/").content.decode()
    assert "Its 1 interface is removed first" in confirm
    response = client.post(f"{ROUTERS}{router.id}/delete/")
    assert messages_of(response) == [f"Deleted router {PREFIX}r."]
    assert conn.network.find_router(router.id) is None
    assert client.post(f"{NETWORKS}{network.id}/delete/").status_code == 302
    assert conn.network.find_network(network.id) is None


def test_network_in_use_by_a_server_is_refused_with_a_reason(keystone_client, conn, ids):
    client = keystone_client("demo")
    network = create_network(client, conn, PREFIX + "busy", cidr="10.79.0.0/24")
    server = conn.compute.create_server(name=PREFIX + "busy", image_id=ids["image"],
                                        flavor_id=ids["flavor"],
                                        networks=[{"uuid": network.id}])
    conn.compute.wait_for_server(server, wait=120)
    client.get(NETWORKS)  # consumes the "Created network" message
    response = client.post(f"{NETWORKS}{network.id}/delete/")
    assert response.status_code == 302
    (message,) = messages_of(response)
    assert "1 instance port" in message and "delete those instances first" in message
    assert conn.network.find_network(network.id) is not None


def test_alt_cannot_see_or_change_demos_network_and_router(keystone_client, conn, ids):
    network = conn.network.create_network(name=PREFIX + "private")
    subnet = conn.network.create_subnet(network_id=network.id, cidr="10.80.0.0/24",
                                        ip_version=4, name=PREFIX + "private")
    router = conn.network.create_router(name=PREFIX + "private")
    alt = keystone_client("alt", test_client=Client())
    listing = alt.get(NETWORKS)
    assert network.id not in listing.content.decode()
    assert network.id not in dict(
        alt.get("/instances/launch/").context["form"].fields["networks"].choices)
    for url in (f"{NETWORKS}{network.id}/delete/", f"{NETWORKS}{network.id}/subnets/create/",
                f"/network/subnets/{subnet.id}/delete/", f"{ROUTERS}{router.id}/delete/",
                f"{ROUTERS}{router.id}/gateway/", f"{ROUTERS}{router.id}/interfaces/add/"):
        assert alt.get(url).status_code == 404, url
        assert alt.post(url).status_code == 404, url
    response = alt.post("/instances/launch/", {
        "name": PREFIX + "sneak", "image": ids["image"], "instance_type": ids["flavor"],
        "count": 1, "networks": [network.id]})
    assert response.status_code == 200 and response.context["form"].errors["networks"]
    assert conn.network.find_network(network.id) is not None
    assert conn.network.find_subnet(subnet.id) is not None
    assert conn.network.find_router(router.id) is not None
    # Demo's shared network would be offered to alt, marked shared (Neutron's own policy
    # is what decides; here it is not shared, so alt sees nothing of it).


def test_hostile_network_name_is_escaped(keystone_client, conn):
    network = conn.network.create_network(name=HOSTILE)
    conn.network.create_subnet(network_id=network.id, cidr="10.81.0.0/24", ip_version=4,
                               name=HOSTILE)
    client = keystone_client("demo")
    for url in (NETWORKS, f"{NETWORKS}{network.id}/delete/", "/instances/launch/"):
        html = client.get(url).content.decode()
        assert HOSTILE not in html, url
        assert HOSTILE_ESCAPED in html, url
