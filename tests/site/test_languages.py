"""Every page in every shipped language, and each person's language and time zone.

The walk renders each page a member and an admin reach (tests/pagecrawl.py) in English
and in each shipped language: every text the English page shows that the catalog
translates must be gone from the translated page, and the page must say its language.
"""

import re
import zoneinfo
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import translation

from django_nova.models import AuditEntry, Membership
from tests.pagecrawl import PUBLIC, crawl, furnish
from tests.unit.test_translations import entries, po_path

LANGUAGES = {"de": "de", "zh-hans": "zh_Hans"}


class TextNodes(HTMLParser):
    """The visible text nodes of a page (scripts and styles left out)."""

    def __init__(self):
        super().__init__()
        self.nodes, self._skip = set(), 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skip:
            self.nodes.add(text)


def text_nodes(html: str) -> set[str]:
    parser = TextNodes()
    parser.feed(html)
    return parser.nodes


# Cloud data the pages show as they are: EC2's own tag key for an instance's name.
DATA = {"Name"}


def translated(locale: str) -> set[str]:
    """The English texts a catalog translates to something else (both catalogs), less
    those that are also the translation of another text (German "Filter" for "Filters")."""
    english, local = set(), set()
    for package in ("django_nova", "openstack_dashboard"):
        for (context, msgid), fields in entries(po_path(package, locale)).items():
            local.update(v for k, v in fields.items() if k.startswith("msgstr"))
            if context or "%" in msgid or "{" in msgid or "msgid_plural" in fields:
                continue  # filled in at render time
            if fields["msgstr"] and fields["msgstr"] != msgid:
                english.add(msgid)
    return english - local - DATA


@pytest.fixture
def walkers(member, project, make_user, launch, ec2):
    admin = make_user("root", is_staff=True, is_superuser=True)
    Membership.objects.create(user=admin, project=project, role=Membership.ROLE_MEMBER)
    furnish(launch, ec2)
    clients = {}
    for who, user in (("member", member), ("admin", admin)):
        clients[who] = Client()
        clients[who].force_login(user)
    clients["visitor"] = Client()
    return clients


def test_every_page_in_each_language(walkers, settings):
    """One walk in English (the crawl), then every page again in each language."""
    settings.REGISTRATION_OPEN = True
    catalogs = {language: translated(locale) for language, locale in LANGUAGES.items()}
    pages, leftovers, done = 0, {}, []
    for who, client in walkers.items():
        if who == "visitor":
            english = {path: client.get(path, headers={"accept-language": "en"})
                       .content.decode() for path in PUBLIC}
        else:
            english = crawl(client, done=done, accept_language="en")
            done += english
        for path, english_html in english.items():
            shown = text_nodes(english_html)
            for language, catalog in catalogs.items():
                local = client.get(path, headers={"accept-language": language})
                html = local.content.decode()
                assert re.search(rf'<html lang="{language}"', html), (language, path)
                assert local["Content-Language"] == language
                left = {text for text in shown & text_nodes(html) if text in catalog}
                if left:
                    leftovers[f"{language} {who} {path}"] = sorted(left)
            pages += 1
    assert pages > 40
    assert not leftovers, leftovers


def test_accept_language_picks_the_language_before_sign_in(client, db):
    html = client.get("/login/", headers={"accept-language": "de-DE,de;q=0.9"}).content.decode()
    assert '<html lang="de"' in html
    with translation.override("de"):
        assert translation.gettext("Sign in") in html


def test_a_visitor_can_choose_the_language(client, db):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert '<html lang="zh-hans"' in client.get("/login/").content.decode()


def test_a_persons_language_and_time_zone_follow_them(client, member, project):
    client.force_login(member)
    response = client.post("/settings/", {"language": "de", "time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    # A new session (another browser): the choice comes from the database.
    other = Client()
    other.force_login(member)
    page = other.get("/audit/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="de"' in page
    assert "Asia/Tokyo" in page  # the time column says which zone it shows
    entry = AuditEntry.objects.create(username="alice", cloud="embedded",
                                      project_id=str(project.pk), action="test")
    tokyo = entry.created_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert tokyo.strftime("%H:%M") in other.get("/audit/").content.decode()


def test_settings_page_refuses_an_unknown_zone_and_language(client, member):
    client.force_login(member)
    response = client.post("/settings/", {"language": "xx", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"language", "time_zone"}
