"""The crawl the accessibility and language tests share: every HTML page a signed-in
client reaches by same-site links, one page per path and set of query keys.  New pages
are covered as soon as something links to them."""

import re
from collections import deque
from urllib.parse import parse_qsl, urlsplit

from django.test import Client

LINK = re.compile(r'href="(/[^"#]*)"')
# Links that end the session, download a file, or leave the dashboard's HTML pages.
SKIP = re.compile(r"^/(static|assets|admin|i18n|logout|healthz|metrics)/"
                  r"|\.(csv|txt|sh|yaml|json)$|download|[?&]format=")
MAX_PAGES = 150
PLACEHOLDER = "__ID__"
# Where a member's and an admin's walk start (everything else is linked from there).
STARTS = ["/instances/", "/overview/", "/manage/projects/"]
# What a visitor who is not signed in can open.
PUBLIC = ["/login/", "/accounts/register/", "/accounts/password/reset/", "/no-such-page/"]


def shape(path: str) -> tuple:
    """One page per path and set of query keys (``?marker=a`` and ``?marker=b`` are one)."""
    parts = urlsplit(path)
    return parts.path, tuple(sorted({key for key, _ in parse_qsl(parts.query)}))


def crawl(client: Client, start=STARTS, done=(), **headers) -> dict[str, str]:
    """Every HTML page reachable from ``start`` by same-site links, one per shape: path ->
    its HTML.  Pages whose shape is in ``done`` (another walker's) are followed, not kept."""
    seen, pages, queue = set(), {}, deque(start)
    done = {shape(path) for path in done}
    while queue and len(pages) < MAX_PAGES:
        path = queue.popleft().replace("&amp;", "&")
        if shape(path) in seen or SKIP.search(path):
            continue
        seen.add(shape(path))
        response = client.get(path, headers=headers)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if shape(path) not in done:
            pages[path] = html
        # A list's one menu template holds links with "__ID__" for a row's id: the rows'
        # own pages are reached through the rows' ids (their detail pages' menus).
        queue.extend(link for link in LINK.findall(html) if PLACEHOLDER not in link)
    return pages


def furnish(launch, ec2) -> None:
    """One of every resource in the project ``ec2`` reaches, so lists have rows and every
    detail page is linked."""
    (instance_id,) = launch(name="web")
    volume = ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")
    ec2.create_snapshot(VolumeId=volume["VolumeId"], Description="nightly")
    ec2.create_key_pair(KeyName="laptop")
    ec2.create_security_group(GroupName="web", Description="web servers")
    ec2.allocate_address(Domain="vpc")
    ec2.create_image(InstanceId=instance_id, Name="web-image")
    # The longest a tag may be, and a long key pair name: they must wrap, not widen pages.
    ec2.create_tags(Resources=[instance_id], Tags=[{"Key": "k" * 128, "Value": "v" * 256}])
    ec2.create_key_pair(KeyName="deploy-" + "x" * 80)
