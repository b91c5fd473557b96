"""End-to-end check of the test cloud through openstacksdk, as a user would.

Run by ``tools/openstack-test-cloud smoke`` with the venv's python. As
``test-demo``: flavors and images, a key pair, a server without a network
(create, console log, stop, start, delete), a 1 GB volume attached to it
and detached, a server on ``demo-net`` whose port Neutron binds, with a
floating IP; ``test-alt`` must not see demo's server; as ``test-admin``: a
floating IP from ``public``. Everything it makes is deleted again, also on
failure. Prints each step's time; exits non-zero on the first failure.
"""

import secrets
import sys
import time

import openstack
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

STEPS = []
POLL = 0.5  # seconds between status polls, so the timings mean something


def step(name):
    """Time a step and report it; the first exception fails the run."""
    class Timer:
        def __enter__(self):
            self.began = time.monotonic()

        def __exit__(self, kind, error, traceback):
            seconds = time.monotonic() - self.began
            STEPS.append((name, seconds))
            print(f"{'FAILED' if kind else 'ok':6} {seconds:6.2f} s  {name}",
                  flush=True)
    return Timer()


def public_key():
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(serialization.Encoding.OpenSSH,
                            serialization.PublicFormat.OpenSSH).decode()


def main():
    demo = openstack.connect(cloud="test-demo")
    alt = openstack.connect(cloud="test-alt")
    admin = openstack.connect(cloud="test-admin")
    name = f"smoke-{secrets.token_hex(3)}"
    cleanup = []
    try:
        with step("list flavors and images"):
            flavor = next(f for f in demo.compute.flavors()
                          if f.name == "m1.tiny")
            image = next(i for i in demo.image.images()
                         if i.name == "cirros-test")
        with step("import a key pair"):
            keypair = demo.compute.create_keypair(name=name,
                                                  public_key=public_key())
            cleanup.append(lambda: demo.compute.delete_keypair(keypair))
        with step("server create -> ACTIVE (networks=none)"):
            server = demo.compute.create_server(
                name=name, flavor_id=flavor.id, image_id=image.id,
                networks="none", key_name=keypair.name)
            cleanup.append(lambda: demo.compute.delete_server(server))
            server = demo.compute.wait_for_server(server, interval=POLL,
                                                  wait=120)
        active_seconds = STEPS[-1][1]
        with step("console log"):
            output = demo.compute.get_server_console_output(server)["output"]
            assert output, "empty console log"
        with step("stop and start"):
            demo.compute.stop_server(server)
            demo.compute.wait_for_server(server, status="SHUTOFF",
                                         interval=POLL, wait=60)
            demo.compute.start_server(server)
            demo.compute.wait_for_server(server, status="ACTIVE",
                                         interval=POLL, wait=60)
        with step("project isolation (alt cannot see demo's server)"):
            assert alt.compute.find_server(server.id) is None
            assert server.id not in {s.id for s in alt.compute.servers()}
        with step("volume create (1 GB) -> available"):
            volume = demo.block_storage.create_volume(name=name, size=1)
            cleanup.append(lambda: demo.block_storage.delete_volume(volume))
            volume = demo.block_storage.wait_for_status(
                volume, "available", interval=POLL, wait=60)
        with step("volume attach -> in-use"):
            demo.attach_volume(server, volume, wait=True, timeout=60)
        with step("volume detach -> available"):
            demo.detach_volume(server, volume, wait=True, timeout=60)
        with step("server and volume delete"):
            demo.compute.delete_server(server)
            demo.block_storage.delete_volume(volume)
            demo.compute.wait_for_delete(server, wait=60)
            demo.block_storage.wait_for_delete(volume, wait=60)
        with step("server on demo-net: port bound, floating IP"):
            network = demo.network.find_network("demo-net")
            on_net = demo.compute.create_server(
                name=f"{name}-net", flavor_id=flavor.id, image_id=image.id,
                networks=[{"uuid": network.id}])
            cleanup.append(lambda: demo.compute.delete_server(on_net))
            demo.compute.wait_for_server(on_net, interval=POLL, wait=120)
            port = next(demo.network.ports(device_id=on_net.id))
            vif_type = admin.network.get_port(port.id).binding_vif_type
            assert vif_type == "ovs", f"port binding: {vif_type}"
            public = demo.network.find_network("public")
            fip = demo.network.create_ip(floating_network_id=public.id,
                                         port_id=port.id)
            cleanup.append(lambda: demo.network.delete_ip(fip))
            demo.compute.delete_server(on_net)
            demo.compute.wait_for_delete(on_net, wait=60)
        with step("admin allocates a floating IP from public"):
            admin_fip = admin.network.create_ip(
                floating_network_id=admin.network.find_network("public").id)
            cleanup.append(lambda: admin.network.delete_ip(admin_fip))
    except Exception as error:
        print(f"smoke: FAILED: {error!r}", file=sys.stderr)
        return 1
    finally:
        for undo in reversed(cleanup):
            try:
                undo()
            except Exception as error:  # keep cleaning up the rest
                print(f"cleanup: {error!r}", file=sys.stderr)
    print(f"smoke: {len(STEPS)} steps passed; server create -> ACTIVE "
          f"{active_seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
