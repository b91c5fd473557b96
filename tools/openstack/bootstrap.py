"""Give the test cloud what its tests expect, through the public APIs.

Run by cloud.py with the venv's python, as the ``test-admin`` cloud. Every
step finds before it creates, so it can run again: cloud.py runs
``identity`` on the first ``up`` only and ``resources`` on every ``up``,
which restores what a test deleted.

Steps:
  identity   service project and users, the demo and alt projects and users,
             the service catalog
  resources  flavors, a small public raw image, the external network
             ``public``, and a network with a router for demo and alt
  wait       until the Nova and Cinder workers report up since they started
             (``--started`` maps each worker to its start time) and the
             compute node has its resource provider in Placement
"""

import argparse
import calendar
import datetime
import json
import os
import sys
import time

import openstack

REGION = "RegionOne"
COMPUTE_HOST = os.environ["TESTCLOUD_COMPUTE_HOST"]
SERVICE_USERS = ("nova", "placement", "glance", "cinder", "neutron")
CATALOG = (  # name, type, URL
    ("nova", "compute", "http://127.0.0.1:8774/v2.1"),
    ("placement", "placement", "http://127.0.0.1:8778"),
    ("glance", "image", "http://127.0.0.1:9292"),
    ("cinderv3", "volumev3", "http://127.0.0.1:8776/v3"),
    ("cinder", "block-storage", "http://127.0.0.1:8776/v3"),
    ("neutron", "network", "http://127.0.0.1:9696"),
)
FLAVORS = (("m1.tiny", 512, 1, 1), ("m1.small", 2048, 1, 20))
IMAGE_NAME = "cirros-test"
PROJECT_NETWORKS = {"demo": "10.0.0.0/24", "alt": "10.1.0.0/24"}
WAIT_SECONDS = 240


def identity(conn, passwords):
    ident = conn.identity
    roles = {name: ident.find_role(name) or ident.create_role(name=name)
             for name in ("admin", "member", "service")}

    def project(name):
        return (ident.find_project(name, domain_id="default")
                or ident.create_project(name=name, domain_id="default"))

    def user(name, password, home, *role_names):
        found = (ident.find_user(name, domain_id="default")
                 or ident.create_user(name=name, password=password,
                                      domain_id="default",
                                      default_project_id=home.id))
        for role in role_names:
            ident.assign_project_role_to_user(home, found, roles[role])

    service = project("service")
    for name in SERVICE_USERS:
        user(name, passwords["service"], service, "admin", "service")
    for name in ("demo", "alt"):
        user(name, passwords[name], project(name), "member")

    for name, type_, url in CATALOG:
        found = next(ident.services(type=type_, name=name), None)
        found = found or ident.create_service(name=name, type=type_)
        have = {e.interface for e in ident.endpoints(service_id=found.id)}
        for interface in {"public", "internal", "admin"} - have:
            ident.create_endpoint(service_id=found.id, interface=interface,
                                  url=url, region_id=REGION)


def resources(conn):
    for name, ram, vcpus, disk in FLAVORS:
        if not conn.compute.find_flavor(name):
            conn.compute.create_flavor(name=name, ram=ram, vcpus=vcpus,
                                       disk=disk, is_public=True)
    # Glance inspects uploads: bytes that are no valid qcow2 must say raw.
    if not conn.image.find_image(IMAGE_NAME):
        conn.image.create_image(
            name=IMAGE_NAME, data=b"\0" * 16384, disk_format="raw",
            container_format="bare", visibility="public")

    net = conn.network
    public = net.find_network("public") or net.create_network(
        name="public", is_router_external=True,
        provider_network_type="flat", provider_physical_network="public")
    if not net.find_subnet("public-subnet"):
        net.create_subnet(
            name="public-subnet", network_id=public.id, ip_version=4,
            cidr="203.0.113.0/24", gateway_ip="203.0.113.1",
            is_dhcp_enabled=False,
            allocation_pools=[{"start": "203.0.113.10",
                               "end": "203.0.113.250"}])

    for owner, cidr in PROJECT_NETWORKS.items():
        project = conn.identity.find_project(owner, domain_id="default")
        network = (net.find_network(f"{owner}-net", project_id=project.id)
                   or net.create_network(name=f"{owner}-net",
                                         project_id=project.id))
        subnet = net.find_subnet(f"{owner}-subnet", project_id=project.id)
        if not subnet:
            subnet = net.create_subnet(
                name=f"{owner}-subnet", network_id=network.id,
                project_id=project.id, ip_version=4, cidr=cidr)
        if not net.find_router(f"{owner}-router", project_id=project.id):
            router = net.create_router(
                name=f"{owner}-router", project_id=project.id,
                external_gateway_info={"network_id": public.id})
            net.add_interface_to_router(router, subnet_id=subnet.id)


def epoch(timestamp):
    """Seconds since the epoch of an API's naive UTC timestamp."""
    parsed = datetime.datetime.fromisoformat(timestamp.rstrip("Z"))
    return calendar.timegm(parsed.timetuple())


def wait(conn, started):
    """Wait until every worker has reported up since it was started."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        records = list(conn.compute.services())
        records += list(conn.block_storage.services())
        fresh = {r.binary for r in records
                 if r.binary in started and r.state == "up" and r.updated_at
                 and epoch(r.updated_at) >= int(started[r.binary]) - 1}
        missing = [name for name in started if name not in fresh]
        if not missing:
            # The node's resource provider: Nova can schedule to it once
            # cloud.py has mapped the host to its cell (discover_hosts).
            if list(conn.placement.resource_providers(name=COMPUTE_HOST)):
                return
            missing = ["nova-compute"]
        if time.monotonic() > deadline:
            # cloud.py reads this line to show the right service's log.
            print("NOT UP: " + " ".join(missing))
            sys.exit(3)
        time.sleep(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("steps", nargs="+",
                        choices=("identity", "resources", "wait"))
    parser.add_argument("--started", default="{}",
                        help="JSON: worker name -> start time (epoch)")
    args = parser.parse_args()
    with open(os.environ["TESTCLOUD_SECRETS"]) as handle:
        passwords = json.load(handle)
    conn = openstack.connect(cloud="test-admin")
    for step in args.steps:
        began = time.monotonic()
        if step == "identity":
            identity(conn, passwords)
        elif step == "resources":
            resources(conn)
        else:
            wait(conn, json.loads(args.started))
        print(f"{step}: done in {time.monotonic() - began:.1f} s", flush=True)


if __name__ == "__main__":
    main()
