"""The reference site's settings, as the bench serves them.

openstack_dashboard.settings unchanged (the OpenStack cloud comes from
OS_CLOUD / OS_CLIENT_CONFIG_FILE as usual), plus three bench knobs from the
environment:

- BENCH_PAGE_SIZE: NOVA["PAGE_SIZE"] (20, or 1000 for the all-rows page);
- BENCH_ONLY_CLOUD: keep only this cloud (an OpenStack site without the
  embedded sandbox beside it);
- BENCH_EC2_ENDPOINT: the embedded cloud's moto server through the bench's
  counting proxy instead of the server the site would start itself.
"""

import os

from openstack_dashboard.settings import *  # noqa: F403
from openstack_dashboard.settings import NOVA

NOVA["PAGE_SIZE"] = int(os.environ.get("BENCH_PAGE_SIZE", "20"))
if only := os.environ.get("BENCH_ONLY_CLOUD"):
    NOVA["CLOUDS"] = {only: NOVA["CLOUDS"][only]}
if endpoint := os.environ.get("BENCH_EC2_ENDPOINT"):
    NOVA["CLOUDS"]["embedded"] = {**NOVA["CLOUDS"]["embedded"], "ENDPOINT": endpoint}
# The bench puts hundreds of instances into one sandbox project.
NOVA["DEFAULT_QUOTAS"] = {"instances": -1, "cores": -1, "ram": -1}
