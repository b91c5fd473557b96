"""The embedded server's dispatcher looks a host's moto backend up once."""

from django_nova import embedded


class Dispatcher:
    """Stands for moto's DomainDispatcherApplication: counts its lookups."""

    def __init__(self, create_app):
        self.create_app = create_app
        self.lookups = []

    def get_backend_for_host(self, host):
        self.lookups.append(host)
        return None if host is None else host.split(".")[0]


def test_a_hosts_backend_is_looked_up_once():
    app = embedded.remembering_dispatcher(Dispatcher)(create_app="made")
    assert app.create_app == "made"
    for _ in range(3):
        assert app.get_backend_for_host("ec2.us-east-1.amazonaws.com") == "ec2"
        assert app.get_backend_for_host(None) is None
    assert app.get_backend_for_host("sts.us-east-1.amazonaws.com") == "sts"
    assert app.lookups == ["ec2.us-east-1.amazonaws.com", None, "sts.us-east-1.amazonaws.com"]


def test_only_so_many_hosts_are_remembered(monkeypatch):
    monkeypatch.setattr(embedded, "REMEMBERED_HOSTS", 2)
    app = embedded.remembering_dispatcher(Dispatcher)(create_app=None)
    for host in ("a.x", "b.x", "c.x", "c.x", "a.x"):
        app.get_backend_for_host(host)
    assert app.lookups == ["a.x", "b.x", "c.x", "c.x"]
