"""Floating IPs against the real Neutron (and Nova) of the OpenStack test cloud.

Users log in through the login form; each change goes through the views and
is then checked on the cloud itself.  Floating IPs and servers a test makes
are removed afterwards.
"""


import pytest
from django.test import Client

from tests.helpers import messages_of, wait_for

pytestmark = pytest.mark.openstack

PREFIX = "nova-test-fip-"
LIST = "/network/addresses/"




@pytest.fixture
def conn(os_conn):
    """Project demo's connection; floating IPs and servers made here are removed afterwards."""
    connection = os_conn("demo")
    before = {ip.id for ip in connection.network.ips(project_id=connection.current_project_id)}
    servers = []
    connection.test_servers = servers
    yield connection
    for ip in connection.network.ips(project_id=connection.current_project_id):
        if ip.id not in before:
            connection.network.delete_ip(ip.id, ignore_missing=True)
    for server_id in servers:
        server = connection.compute.find_server(server_id)
        if server is not None:
            connection.compute.delete_server(server)
            connection.compute.wait_for_delete(server, wait=120)


def server_on_network(conn, name):
    network = conn.network.find_network("demo-net")
    image = next(i for i in conn.image.images() if i.name == "cirros-test")
    flavor = conn.compute.find_flavor("m1.tiny")
    server = conn.compute.create_server(name=PREFIX + name, image_id=image.id,
                                        flavor_id=flavor.id, networks=[{"uuid": network.id}])
    conn.test_servers.append(server.id)
    return conn.compute.wait_for_server(server, wait=120)


def floating_on_server(conn, server_id, address):
    """Nova lists the address as the server's floating IP (its network info cache)."""
    return any(a.get("OS-EXT-IPS:type") == "floating" and a["addr"] == address
               for entries in conn.compute.get_server(server_id).addresses.values()
               for a in entries)


def new_ips(conn, before):
    return [ip for ip in conn.network.ips(project_id=conn.current_project_id)
            if ip.id not in before]


def allocate(client, conn):
    """Allocate through the form (public, the only external network, is preselected)."""
    before = {ip.id for ip in conn.network.ips(project_id=conn.current_project_id)}
    public = conn.network.find_network("public")
    form = client.get("/network/addresses/allocate/").content.decode()
    assert "Allocate floating IP" in form
    assert f'<option value="{public.id}" selected>public</option>' in form
    response = client.post("/network/addresses/allocate/", {"pool": public.id})
    assert response.status_code == 302, response.content.decode()[:2000]
    (ip,) = new_ips(conn, before)
    assert ip.floating_network_id == public.id
    assert messages_of(response) == [f"Allocated floating IP {ip.floating_ip_address}."]
    return ip


def test_allocate_associate_disassociate_release(keystone_client, conn):
    client = keystone_client("demo")
    server = server_on_network(conn, "web")
    (port,) = conn.network.ports(device_id=server.id)
    fixed_ip = port.fixed_ips[0]["ip_address"]

    html = client.get("/instances/").content.decode()
    assert f'href="{LIST}" id="nav-addresses">Floating IPs</a>' in html
    ip = allocate(client, conn)
    address = ip.floating_ip_address
    listing = client.get(LIST).content.decode()
    assert address in listing and ip.id in listing and "<td>public</td>" in listing

    url = f"/network/addresses/{ip.id}/associate/"
    key = f"{server.id}/{port.id}/{fixed_ip}"
    assert f'value="{key}"' in client.get(url).content.decode()
    response = client.post(url, {"target": key})
    assert response.status_code == 302, response.content.decode()[:2000]
    associated = conn.network.get_ip(ip.id)
    assert associated.port_id == port.id and associated.fixed_ip_address == fixed_ip

    listing = client.get(LIST).content.decode()
    assert f'<a href="/instances/{server.id}/" class="nova-name">{PREFIX}web</a>' in listing
    assert fixed_ip in listing and port.id in listing
    # Nova learns of the floating IP through Neutron's notification (network info cache).
    wait_for(lambda: floating_on_server(conn, server.id, address), timeout=60)
    assert address in client.get("/instances/").content.decode()

    # Release is refused while associated.
    release = f"/network/addresses/{ip.id}/release/"
    assert "Disassociate it first" in client.get(release).content.decode()
    response = client.post(release)
    assert response.status_code == 302 and "Disassociate it first" in messages_of(response)[0]
    assert conn.network.get_ip(ip.id).port_id == port.id
    client.get(LIST)  # shows (and so consumes) that message

    response = client.post(f"/network/addresses/{ip.id}/disassociate/")
    assert response.status_code == 302
    assert messages_of(response) == [f"Disassociated {address} from {PREFIX}web."]
    assert conn.network.get_ip(ip.id).port_id is None
    wait_for(lambda: not floating_on_server(conn, server.id, address), timeout=60)
    client.get(LIST)  # consumes the message naming the address
    assert address not in client.get("/instances/").content.decode()

    response = client.post(release)
    assert response.status_code == 302
    assert messages_of(response) == [f"Released floating IP {address}."]
    assert conn.network.find_ip(ip.id) is None


def test_alt_cannot_see_or_act_on_demos_floating_ip(keystone_client, conn):
    demo = keystone_client("demo")
    server = server_on_network(conn, "isolated")
    (port,) = conn.network.ports(device_id=server.id)
    ip = allocate(demo, conn)
    conn.network.update_ip(ip.id, port_id=port.id)

    alt = keystone_client("alt", Client())
    listing = alt.get(LIST)
    assert listing.status_code == 200
    assert ip.id.encode() not in listing.content
    assert ip.floating_ip_address.encode() not in listing.content
    base = f"/network/addresses/{ip.id}/"
    for suffix in ("associate/", "release/"):
        assert alt.get(base + suffix).status_code == 404, suffix
    for suffix in ("associate/", "disassociate/", "release/"):
        assert alt.post(base + suffix, {"target": f"{server.id}/{port.id}/"}
                        ).status_code == 404, suffix
    still = conn.network.get_ip(ip.id)
    assert still is not None and still.port_id == port.id
