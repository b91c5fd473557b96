"""The audit log holds django-nova's own POSTs only: a host site's other POSTs (here the
reference site's Django admin) are the host's business, not a cloud project's activity."""

from django_nova.models import AuditEntry


def test_a_host_sites_own_posts_are_not_audited(client, make_user, project):
    root = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(root)
    response = client.post("/admin/auth/group/add/", {"name": "operators"})
    assert response.status_code == 302
    assert not AuditEntry.objects.exists()


def test_django_novas_posts_and_opted_in_host_views_are(client, member, project):
    client.force_login(member)
    client.post("/keypairs/create/", {"name": "laptop"})
    client.logout()
    # The reference site's sign-up view says audited = True.
    client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert "password_reset" in actions
    assert any(action.startswith("keypair") for action in actions), actions
