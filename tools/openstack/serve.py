"""WSGI entry point that gunicorn loads for every API of the test cloud.

gunicorn is started as ``gunicorn ... serve:application`` with
``TESTCLOUD_SERVICE`` naming the API and ``TESTCLOUD_CONFIG_DIR`` its config
directory. The services' own WSGI modules parse ``sys.argv`` with oslo.config,
which then sees gunicorn's ``--bind ...`` and kills every worker, so argv is
reset before they are imported.
"""

import os
import sys
import threading

SERVICE = os.environ["TESTCLOUD_SERVICE"]
CONFIG_DIR = os.environ["TESTCLOUD_CONFIG_DIR"]
COMPUTE_HOST = os.environ["TESTCLOUD_COMPUTE_HOST"]
HEARTBEAT_SECONDS = 30


def keystone():
    os.environ["OS_KEYSTONE_CONFIG_DIR"] = CONFIG_DIR
    from keystone.wsgi.api import application
    return application


def placement():
    os.environ["OS_PLACEMENT_CONFIG_DIR"] = CONFIG_DIR
    from placement.wsgi.api import application
    return application


def glance():
    os.environ["OS_GLANCE_CONFIG_DIR"] = CONFIG_DIR
    from glance.wsgi.api import application
    return application


def nova():
    os.environ["OS_NOVA_CONFIG_DIR"] = CONFIG_DIR
    from nova.wsgi.osapi_compute import application
    return application


def cinder():
    # Cinder's WSGI module reads its config file from argv only.
    sys.argv = [sys.argv[0], "--config-file",
                os.path.join(CONFIG_DIR, "cinder.conf")]
    from cinder.wsgi.api import application
    return application


def neutron():
    os.environ["OS_NEUTRON_CONFIG_DIR"] = CONFIG_DIR
    os.environ["OS_NEUTRON_CONFIG_FILES"] = "neutron.conf;ml2_conf.ini"
    from neutron import policy
    from neutron.wsgi.api import application

    # neutron.policy.init() publishes its enforcer before loading the rules,
    # so the first concurrent requests of a fresh worker can get spurious
    # 403s; loading the rules before serving avoids that race.
    policy.init()
    _keep_ovs_agent_alive()
    return application


def _keep_ovs_agent_alive():
    """Report an Open vSwitch agent on the compute host, now and every 30 s.

    No ML2 mechanism driver binds a port without a live agent of its type.
    There is no real agent here (nothing plugs into a bridge with the fake
    hypervisor), so this worker reports one through the same plugin call the
    agents' ``report_state`` RPC ends in. Ports bound to the compute host
    then get ``vif_type=ovs`` like on a real cloud.
    """
    from neutron_lib import context
    from neutron_lib.plugins import directory
    from oslo_log import log

    logger = log.getLogger("testcloud.ovs_agent")

    state = {
        "binary": "neutron-openvswitch-agent",
        "host": COMPUTE_HOST,
        "topic": "N/A",
        "agent_type": "Open vSwitch agent",
        "start_flag": True,
        "configurations": {
            "bridge_mappings": {"public": "br-ex", "physnet1": "br-physnet1"},
            "tunnel_types": [],
            "integration_bridge": "br-int",
            "datapath_type": "system",
            "ovs_hybrid_plug": False,
        },
    }
    plugin = directory.get_plugin()

    def report():
        try:
            plugin.create_or_update_agent(context.get_admin_context(),
                                          dict(state))
            state["start_flag"] = False
        except Exception:
            logger.exception("Could not report the Open vSwitch agent")
        timer = threading.Timer(HEARTBEAT_SECONDS, report)
        timer.daemon = True
        timer.start()

    report()


sys.argv = sys.argv[:1]
application = globals()[SERVICE]()
