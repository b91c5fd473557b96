"""What an OpenStack cloud offers is read from the cloud itself: the services in the
user's token catalog and Neutron's extensions.  A missing service or extension hides
what depends on it (sidebar, pages) instead of failing a page.

Against the real test cloud: a real login, then the catalog kept in the session or
the extensions cached for the cloud are trimmed as a cloud without them would give.
"""

import pytest
from django.core.cache import cache

from django_nova.keystone import KeystoneSession

pytestmark = pytest.mark.openstack


def drop_from_catalog(client, *service_types):
    keystone = KeystoneSession.from_session(client.session)
    token = keystone.token_body["token"]
    token["catalog"] = [entry for entry in token["catalog"]
                        if entry["type"] not in service_types]
    session = client.session
    keystone.save(session)
    session.save()


def test_the_full_cloud_offers_every_part(keystone_client, client):
    keystone_client("demo")
    page = client.get("/instances/")
    capabilities = page.wsgi_request.nova.capabilities
    assert capabilities.has_volumes and capabilities.has_networks
    assert capabilities.has_security_groups and capabilities.has_addresses
    assert capabilities.quota_services == ("compute", "volume", "network")
    html = page.content.decode()
    for link in ("nav-volumes", "nav-networks", "nav-security-groups", "nav-addresses"):
        assert f'id="{link}"' in html, link


def test_a_cloud_without_block_storage_has_no_volume_pages(keystone_client, client):
    keystone_client("demo")
    drop_from_catalog(client, "block-storage", "volumev3", "volumev2", "volume")
    page = client.get("/instances/")
    assert page.status_code == 200
    assert not page.wsgi_request.nova.capabilities.has_volumes
    assert 'id="nav-volumes"' not in page.content.decode()
    missing = client.get("/volumes/")
    assert missing.status_code == 404 and b"no volumes" in missing.content
    # The overview shows what is known: the compute quotas, no volume panel, no error.
    overview = client.get("/overview/")
    assert overview.status_code == 200
    quotas = {q.resource for q in overview.context["overview"].quotas}
    assert "instances" in quotas and "volumes" not in quotas


def test_a_network_service_without_floating_ips_hides_them(keystone_client, client):
    keystone_client("demo")
    nova = client.get("/instances/").wsgi_request.nova
    key = f"nova:{nova.cloud_key}:{nova.region}:network-extensions"
    extensions = cache.get(key)
    assert {"router", "security-group"} <= extensions  # read from Neutron, then cached
    cache.set(key, extensions - {"router", "quota_details"})
    page = client.get("/instances/")
    capabilities = page.wsgi_request.nova.capabilities
    assert not capabilities.has_addresses and capabilities.has_security_groups
    assert capabilities.quota_services == ("compute", "volume")
    html = page.content.decode()
    assert 'id="nav-addresses"' not in html and 'id="nav-security-groups"' in html
    assert client.get("/network/addresses/").status_code == 404
    assert client.get("/overview/").status_code == 200
