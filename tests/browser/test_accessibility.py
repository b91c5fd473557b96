"""WCAG 2.1 AA in a real browser: axe-core finds no serious or critical violation on any
page a member, an admin or a visitor can open (embedded cloud, with one of each resource),
and no page scrolls sideways at 390, 800 or 1400 px (tables scroll inside their card).

The pages are found by crawling, not listed: every same-site link of every page the test
client reaches, so a new page is checked as soon as something links to it.  axe-core comes
from npm, pinned (tools/fetch_static.py --tests), never from a CDN.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from django_nova.models import Membership
from tests.browsing import wait
from tests.data import PASSWORD
from tests.pagecrawl import PUBLIC, crawl, furnish

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
# The WCAG 2.1 A and AA rules; serious and critical findings fail.
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
  .then(result => done(result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3)
      .map(n => n.target.join(" ") + " - " + n.failureSummary.replace(/\\s+/g, " ")).join(" | "))))
  .catch(error => done(["axe failed: " + error]));
"""
def axe_source() -> str:
    if not AXE.is_file():
        subprocess.run([sys.executable, str(ROOT / "tools" / "fetch_static.py"), "--tests"],
                       check=True)
    return AXE.read_text(encoding="utf-8")


def sign_in(browser, base: str, username: str) -> None:
    browser.get(base + "/login/")
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "nova-username")))


# Phone, small laptop or tablet, desktop.
WIDTHS = (390, 800, 1400)
# How much wider than the window the page is (0: no sideways scroll).
OVERFLOW = "const e = document.documentElement; return e.scrollWidth - e.clientWidth;"


def violations(browser, base: str, pages: list[str], axe: str) -> dict[str, list[str]]:
    """axe's serious and critical findings, and any width at which the page is wider than
    the window, per page."""
    found = {}
    for path in pages:
        browser.get(base + path)
        browser.execute_script(axe)
        result = browser.execute_async_script(RUN_AXE)
        for width in WIDTHS:  # the viewport's width, as the window's would be (no reload)
            browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
            if (extra := browser.execute_script(OVERFLOW)) > 0:
                result.append(f"{extra} px wider than the window at {width} px")
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        if result:
            found[path] = result
    return found


@pytest.fixture
def furnished(transactional_db, member, project, make_user, launch, ec2):
    """A member and an admin of one project, which holds one of every resource."""
    admin = make_user("root", is_staff=True, is_superuser=True)
    Membership.objects.create(user=admin, project=project, role=Membership.ROLE_MEMBER)
    furnish(launch, ec2)
    return {"member": member, "admin": admin}


def test_no_serious_violation_on_any_page(live_server, furnished, browser, settings):
    settings.REGISTRATION_OPEN = True
    axe = axe_source()
    checked, failures, counts, done = 0, {}, [], []
    for who in ("member", "admin"):
        client = Client()
        client.force_login(furnished[who])
        # The admin's walk checks only what the member's did not (admin pages, mostly).
        pages = list(crawl(client, done=done))
        done += pages
        assert len(pages) >= 20, pages
        browser.delete_all_cookies()
        sign_in(browser, live_server.url, furnished[who].username)
        failures |= {f"{who} {path}": found for path, found in
                     violations(browser, live_server.url, pages, axe).items()}
        checked += len(pages)
        counts.append(f"{who} {len(pages)}")
    browser.delete_all_cookies()
    failures |= {f"visitor {path}": found for path, found in
                 violations(browser, live_server.url, PUBLIC, axe).items()}
    checked += len(PUBLIC)
    print(f"axe: {checked} pages checked ({', '.join(counts)}), "
          f"{len(failures)} with serious or critical violations")
    assert not failures, "\n".join(f"{page}: {found}" for page, found in failures.items())
