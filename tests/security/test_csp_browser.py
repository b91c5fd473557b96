"""The strict Content-Security-Policy breaks nothing: headless Chromium loads the pages
that use every front-end piece (Bootstrap's CSS icons and dropdowns, htmx polling, the
SVG charts, the upload form's script, the admin pages) and sees no violation.

Two witnesses: a ``securitypolicyviolation`` listener installed in every document
before its scripts run (CDP ``Page.addScriptToEvaluateOnNewDocument``), and the
browser's console log, where Chromium also reports policy headers it cannot parse.
"""

import pytest
from django.contrib.auth import get_user_model
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from django_nova.clouds import open_cloud
from django_nova.models import Project
from django_nova.resources import LaunchSpec
from tests.browsing import click, sign_in, wait
from tests.data import IMAGE_ID

LISTENER = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                           " at " + e.sourceFile + ":" + e.lineNumber);
});
window.__swaps = 0;
document.addEventListener("htmx:afterSwap", function () { window.__swaps += 1; });
"""
PAGES = ["/instances/launch/", "/volumes/", "/volumes/snapshots/",
         "/network/security-groups/", "/network/addresses/", "/overview/", "/images/",
         "/keypairs/", "/credentials/", "/audit/", "/password/change/",
         "/manage/projects/", "/manage/users/", "/manage/instances/", "/manage/volumes/",
         "/manage/quotas/", "/manage/audit/", "/admin/", "/admin/auth/user/"]
ANONYMOUS_PAGES = ["/login/", "/accounts/register/", "/accounts/password/reset/"]


def pending(project, instance_id):
    """Hold the instance in "pending" in the (in-process) moto server, so its row polls."""
    from moto.ec2.models import ec2_backends

    instance = ec2_backends[project.account_id]["us-east-1"].get_instance(instance_id)
    instance._state.name, instance._state.code = "pending", 0


def problems(browser, url):
    seen = browser.execute_script("return window.__violations || ['no listener'];")
    # The site has no favicon; the browser's 404 for it is no policy matter.
    console = [entry["message"] for entry in browser.get_log("browser")
               if entry["level"] in ("SEVERE", "WARNING")
               and "/favicon.ico" not in entry["message"]]
    return [f"{url}: {p}" for p in seen + console]


@pytest.mark.browser
def test_no_page_violates_the_policy(live_server, demo_user, browser):
    get_user_model().objects.filter(pk=demo_user.pk).update(is_staff=True, is_superuser=True)
    project = Project.objects.get(name="demo")
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTENER})
    url = live_server.url
    found = []
    for path in ANONYMOUS_PAGES:
        browser.get(url + path)
        wait(browser).until(EC.presence_of_element_located((By.TAG_NAME, "main")))
        found += problems(browser, path)
    sign_in(browser, url, "demo")
    found += problems(browser, "sign in")

    cloud = open_cloud("embedded", project, "us-east-1")
    (instance,) = cloud.compute.launch(LaunchSpec(name="csp-web", image_id=IMAGE_ID,
                                                  instance_type="t3.micro"))
    pending(project, instance.id)
    # The list with a live row: htmx replaces it at least twice.
    browser.get(url + "/instances/")
    wait(browser).until(lambda d: d.execute_script("return window.__swaps;") >= 2)
    # Bootstrap's dropdown (Popper positions it through element.style).
    toggle = browser.find_element(By.CSS_SELECTOR, f"#instance-{instance.id} .dropdown-toggle")
    click(browser, toggle)
    wait(browser).until(EC.visibility_of_element_located(
        (By.CSS_SELECTOR, f"#instance-{instance.id} .dropdown-menu")))
    found += problems(browser, "/instances/")
    # The instance's page polls its state too.
    browser.get(url + f"/instances/{instance.id}/")
    wait(browser).until(lambda d: d.execute_script("return window.__swaps;") >= 1)
    found += problems(browser, "instance page")

    for path in PAGES:
        browser.get(url + path)
        wait(browser).until(EC.presence_of_element_located((By.TAG_NAME, "body")))
        assert "Server Error" not in browser.title, path
        found += problems(browser, path)
    assert found == []


@pytest.mark.browser
def test_the_listener_sees_a_violation(live_server, db, browser):
    """Control: an inline style the policy blocks is reported (so silence means something)."""
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTENER})
    browser.get(live_server.url + "/login/")
    wait(browser).until(EC.presence_of_element_located((By.TAG_NAME, "main")))
    browser.execute_script(
        "document.body.insertAdjacentHTML('beforeend', '<div style=\"color: red\"></div>');")
    wait(browser).until(lambda d: d.execute_script("return window.__violations.length;") > 0)
    seen = problems(browser, "/login/")
    assert any("style-src" in p for p in seen), seen


@pytest.mark.browser
@pytest.mark.openstack
def test_openstack_pages_and_the_upload_script_keep_to_the_policy(
        live_server, transactional_db, with_openstack, os_conn, browser, tmp_path):
    """The image upload (OpenStack only) sets its progress bar's width from script."""
    username, password = with_openstack["users"]["demo"]
    image_file = tmp_path / "csp.raw"
    image_file.write_bytes(b"\0" * (1024 * 1024))
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTENER})
    url = live_server.url
    browser.get(url + "/images/upload/")
    Select(browser.find_element(By.ID, "id_cloud")).select_by_visible_text("OpenStack test cloud")
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    form = wait(browser).until(EC.visibility_of_element_located((By.ID, "upload-form")))
    found = problems(browser, "/images/upload/")
    conn = os_conn("demo")
    try:
        form.find_element(By.ID, "id_name").send_keys("nova-test-csp-upload")
        form.find_element(By.ID, "id_file").send_keys(str(image_file))
        Select(form.find_element(By.ID, "id_disk_format")).select_by_value("raw")
        form.find_element(By.ID, "upload-submit").click()
        wait(browser, 60).until(EC.url_matches(r"/images/$"))
        found += problems(browser, "upload")
    finally:
        for image in conn.image.images():
            if image.name == "nova-test-csp-upload":
                conn.image.delete_image(image.id, ignore_missing=True)
    for path in ("/instances/", "/instances/launch/", "/network/networks/", "/network/routers/",
                 "/network/security-groups/", "/overview/", "/credentials/"):
        browser.get(url + path)
        wait(browser).until(EC.presence_of_element_located((By.TAG_NAME, "main")))
        found += problems(browser, path)
    assert found == []
