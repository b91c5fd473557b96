"""End to end in a real browser: sign in, launch, watch it run, read its console, terminate.

Headless Chromium drives the site served by pytest-django's ``live_server`` (a
thread of this process), which talks to the session's moto server (conftest).
A missing browser or driver is an error, never a skip: CI installs both.
"""

import base64
import shutil
import tempfile
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from .conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SHOTS = Path("/tmp/nova-shots")
TIMEOUT = 20  # seconds, for every explicit wait
INSTANCE_NAME = "selenium-web"
IMAGE_NAME = "CirrOS 0.6.3"
CONSOLE_PLACEHOLDER = "The instance has not written any console output yet."


@pytest.fixture
def browser():
    """Headless Chromium with a throwaway profile; always quit, even on failure."""
    profile = tempfile.mkdtemp(prefix="nova-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1280,900",
                f"--user-data-dir={profile}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def demo_user(transactional_db, make_user, make_project):
    """User ``demo``, member of project ``demo`` (committed rows: the live server sees them)."""
    user = make_user("demo")
    make_project("demo", user)
    return user


def wait(driver, timeout=TIMEOUT):
    # htmx swaps polled rows out (outerHTML), so references may go stale mid-wait.
    return WebDriverWait(driver, timeout, ignored_exceptions=[StaleElementReferenceException])


def row_xpath(name):
    return (f"//table[@id='instances']/tbody/tr[.//a[contains(@class, 'nova-name')"
            f" and normalize-space()='{name}']]")


def click(driver, element):
    """Scroll instantly, then click: Bootstrap's ``scroll-behavior: smooth`` would have
    chromedriver click where the element was before its own scroll had finished."""
    driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()


def shot(driver, filename):
    """A whole-page screenshot for a human to look at; nothing asserts on what it shows."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    width, height = driver.execute_script(
        "const e = document.documentElement; return [e.scrollWidth, e.scrollHeight];")
    png = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    (SHOTS / filename).write_bytes(base64.b64decode(png["data"]))


def sign_in(driver, url, username):
    driver.get(url + "/instances/")
    wait(driver).until(EC.url_contains("/login/"))
    assert "next=/instances/" in driver.current_url
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
    click(driver, driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "nova-username"), username))
    assert driver.current_url == url + "/instances/"
    assert Select(driver.find_element(By.ID, "nova-project")).first_selected_option.text == "demo"
    # A fresh project: nothing there yet.
    assert "No instances yet" in driver.find_element(By.ID, "instances").text


def launch_instance(driver, name):
    click(driver, driver.find_element(By.ID, "launch-instance"))
    form = wait(driver).until(EC.visibility_of_element_located((By.ID, "launch-form")))
    form.find_element(By.ID, "id_name").send_keys(name)
    image = Select(form.find_element(By.ID, "id_image"))
    labels = [option.text for option in image.options]
    cirros = [label for label in labels if label.startswith(IMAGE_NAME + " (")]
    assert cirros, f"{IMAGE_NAME} is not offered; the image select has {labels}"
    image.select_by_visible_text(cirros[0])
    assert image.first_selected_option.text.startswith(IMAGE_NAME)
    # Defaults the form is meant to pre-fill.
    assert form.find_element(By.ID, "id_count").get_attribute("value") == "1"
    assert Select(form.find_element(By.ID, "id_instance_type")).first_selected_option.text
    shot(driver, "launch-form.png")
    click(driver, form.find_element(By.ID, "launch-submit"))
    wait(driver).until(EC.url_matches(r"/instances/$"))
    message = wait(driver).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".nova-messages .alert-success")))
    assert f"Launched {name}" in message.text


def wait_until_running(driver, name):
    """The row's state; transitional rows replace themselves via htmx until settled."""
    def running(d):
        rows = d.find_elements(By.XPATH, row_xpath(name))
        if len(rows) != 1 or rows[0].get_attribute("data-state") != "running":
            return False
        badge = rows[0].find_element(By.CSS_SELECTOR, ".nova-state")
        return rows[0] if badge.text.strip().lower() == "running" else False
    return wait(driver).until(running, f"{name} never showed as running")


@pytest.mark.browser
def test_launch_console_and_terminate_an_instance(live_server, demo_user, browser):
    url = live_server.url
    sign_in(browser, url, "demo")

    # Launch through the form; the new instance appears in the table and runs.
    launch_instance(browser, INSTANCE_NAME)
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "instances"), INSTANCE_NAME))
    row = wait_until_running(browser, INSTANCE_NAME)
    row_id = row.get_attribute("id")
    assert row_id.startswith("instance-i-"), row_id
    instance_id = row_id.removeprefix("instance-")
    assert instance_id in row.find_element(By.TAG_NAME, "code").text
    assert IMAGE_NAME in row.text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#instances tbody tr")) == 1
    shot(browser, "instances-running.png")

    # Its console output.
    click(browser, row.find_element(By.LINK_TEXT, "Console"))
    wait(browser).until(EC.url_contains(f"/instances/{instance_id}/"))
    console = wait(browser).until(EC.visibility_of_element_located((By.ID, "console-output")))
    assert console.tag_name == "pre"
    output = console.text.strip()
    assert output, "the console pane is empty"
    assert output != CONSOLE_PLACEHOLDER, "moto gives every instance console output"
    assert INSTANCE_NAME in browser.find_element(By.CSS_SELECTOR, ".breadcrumb").text
    shot(browser, "console.png")

    # Back to the list, then Terminate from the row's split dropdown, and confirm.
    click(browser, browser.find_element(By.CSS_SELECTOR, ".breadcrumb a[href$='/instances/']"))
    row = wait(browser).until(EC.presence_of_element_located((By.ID, row_id)))
    toggle = row.find_element(By.CSS_SELECTOR, "button.dropdown-toggle-split")
    assert toggle.get_attribute("aria-expanded") == "false"
    click(browser, toggle)
    wait(browser).until(lambda d: d.find_element(By.ID, row_id).find_element(
        By.CSS_SELECTOR, "button.dropdown-toggle-split").get_attribute("aria-expanded") == "true")
    terminate = wait(browser).until(EC.element_to_be_clickable(
        (By.CSS_SELECTOR, f"#{row_id} .dropdown-menu.show [data-action=terminate]")))
    shot(browser, "instances-actions-menu.png")
    click(browser, terminate)
    confirm = wait(browser).until(EC.element_to_be_clickable((By.ID, "confirm-terminate")))
    assert browser.current_url.endswith(f"/instances/{instance_id}/terminate/"), \
        browser.current_url
    assert INSTANCE_NAME in browser.find_element(By.CSS_SELECTOR, ".nova-confirm h1").text
    click(browser, confirm)

    wait(browser).until(EC.url_matches(r"/instances/$"))
    message = wait(browser).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".nova-messages .alert-success")))
    assert f"Terminating {instance_id}" in message.text

    def gone_or_ending(d):
        rows = d.find_elements(By.ID, row_id)
        return not rows or rows[0].get_attribute("data-state") in ("shutting-down", "terminated")
    wait(browser).until(gone_or_ending, f"{instance_id} still listed as live")
    for row in browser.find_elements(By.ID, row_id):
        # Still shutting down: nothing offers to terminate it again.
        assert not row.find_elements(By.CSS_SELECTOR, "[data-action=terminate]")

    # With "Show terminated" on, it is there, terminated (or on its way).
    click(browser, browser.find_element(By.ID, "show-terminated"))
    wait(browser).until(EC.url_contains("terminated=1"))
    row = wait(browser).until(EC.presence_of_element_located((By.ID, row_id)))
    assert row.get_attribute("data-state") in ("shutting-down", "terminated")
    assert browser.find_element(By.ID, "show-terminated").is_selected()
