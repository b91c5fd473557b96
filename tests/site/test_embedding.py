"""django_nova works inside a second, minimal Django site without the reference site."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout


def test_app_embeds_in_another_site(moto_url):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.embedding.settings",
           "EMBEDDING_EC2_ENDPOINT": moto_url}
    result = subprocess.run([sys.executable, "-m", "tests.embedding.check_site"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {
        "anonymous_redirect": "/cloud/login/?next=/cloud/instances/",
        "launch_status": 302,
        "launch_redirect": "/cloud/instances/",
        "list_status": 200,
        "listed": True,
        "region_shown": True,
        "reference_site_loaded": False,
        "host_home": "The host site's own home page",
        "host_post": 200,
        "audited": ["instance.launch", "login"],
        "host_layout": True,
        "pieces": {'id="nova-project"': True, 'id="nova-username"': True,
                   'id="nova-sign-out"': True, 'href="/cloud/volumes/"': True,
                   'class="nova-messages"': True},
        # An OpenStack cloud in a site without KeystoneBackend fails the checks (its
        # logins would be refused as wrong passwords), and passes once it is added.
        "openstack_checks": ["django_nova.E030"],
        "openstack_checks_with_backend": [],
    }
