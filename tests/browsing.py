"""Helpers for the browser tests (tests/browser/): waits, clicks, screenshots, sign-in.

The ``browser`` fixture (headless Chromium) and ``demo_user`` are in tests/conftest.py.
"""

import base64
from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.data import PASSWORD

SHOTS = Path("/tmp/nova-shots")  # screenshots for a human to look at
TIMEOUT = 20  # seconds, for every explicit wait
IMAGE_NAME = "CirrOS 0.6.3"


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
