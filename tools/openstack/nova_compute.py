"""Run nova-compute with a fake hypervisor that survives restarts.

Nova's own ``fake.FakeDriver`` names its node with a UUID that is random in
every process, so a restarted nova-compute finds a node it does not know and
refuses to start ("No local node identity found"). ``StableFakeDriver`` derives
the node UUID from the node name and writes the ``compute_id`` file Nova
reads, so the same node comes back after ``down``/``up``. It also adopts the
servers the database says this host runs: the fake hypervisor forgets them
when the process stops, and without adoption they could no longer be stopped,
started or rebooted after a restart.

Nova loads ``compute_driver`` only from inside the ``nova.virt`` package, so
this module registers itself there instead of being copied into the venv.

Usage (venv's python): nova_compute.py --config-file nova-compute.conf
"""

import os
import sys
import uuid

from nova.cmd import compute  # first: it applies Nova's monkey patching

# isort: split
import nova.conf
from nova import exception
from nova.compute import power_state, task_states, vm_states
from nova.virt import fake, hardware, node

CONF = nova.conf.CONF
DRIVER_NAME = "testcloud_fake.StableFakeDriver"


def node_uuid(nodename):
    """The node's UUID, the same in every process."""
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, nodename))


class StableFakeDriver(fake.FakeDriver):
    """``FakeDriver`` with a stable node identity and restart adoption."""

    def init_host(self, host):
        super().init_host(host)
        id_file = os.path.join(CONF.state_path, node.COMPUTE_ID_FILE)
        if not os.path.exists(id_file):
            os.makedirs(CONF.state_path, exist_ok=True)
            node.write_local_node_uuid(node_uuid(host))

    def get_available_resource(self, nodename):
        resources = super().get_available_resource(nodename)
        if resources:
            resources["uuid"] = node_uuid(nodename)
        return resources

    def get_nodenames_by_uuid(self, refresh=False):
        return {node_uuid(n): n for n in self.get_available_nodes()}

    def get_info(self, instance, use_cache=True):
        if instance.uuid not in self.instances and self._survived(instance):
            self.instances[instance.uuid] = fake.FakeInstance(
                instance.name, instance.power_state, instance.uuid)
            flavor = instance.flavor
            self.resources.claim(vcpus=flavor.vcpus, mem=flavor.memory_mb,
                                 disk=flavor.root_gb)
        if instance.uuid not in self.instances:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return hardware.InstanceInfo(state=self.instances[instance.uuid].state)

    @staticmethod
    def _survived(instance):
        """True for a server booted before this process started."""
        return (instance.vm_state not in (vm_states.BUILDING,
                                          vm_states.DELETED)
                and instance.task_state != task_states.DELETING
                and instance.power_state != power_state.NOSTATE)


if __name__ == "__main__":
    sys.modules["nova.virt.testcloud_fake"] = sys.modules[__name__]
    sys.exit(compute.main())
