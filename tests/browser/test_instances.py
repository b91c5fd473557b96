"""End to end in a real browser: sign in, launch, watch it run, read its console, terminate.

Headless Chromium drives the site served by pytest-django's ``live_server`` (a
thread of this process), which talks to the session's moto server (conftest);
then the same on the OpenStack test cloud: Keystone login, launch, delete.
The ``browser`` fixture is in tests/conftest.py, the helpers in tests/browsing.py.
"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from tests.browsing import (
    IMAGE_NAME,
    click,
    launch_instance,
    row_xpath,
    shot,
    sign_in,
    wait,
    wait_until_running,
)

INSTANCE_NAME = "selenium-web"
CONSOLE_PLACEHOLDER = "The instance has not written any console output yet."
NAME = "selenium-os"  # the OpenStack walk's server


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
        # Still shutting down: nothing offers to terminate it again (its menu, opened,
        # has no Terminate; the page's other rows' menus still would).
        toggle = row.find_element(By.CSS_SELECTOR, "button.dropdown-toggle-split")
        assert "terminate" not in toggle.get_attribute("data-nova-offers").split()
        click(browser, toggle)
        wait(browser).until(lambda d, r=row: r.find_elements(By.CSS_SELECTOR,
                                                             ".dropdown-menu.show li"))
        assert not row.find_elements(By.CSS_SELECTOR, "[data-action=terminate]")
        click(browser, toggle)

    # With "Show terminated" on, it is there, terminated (or on its way).
    click(browser, browser.find_element(By.ID, "show-terminated"))
    wait(browser).until(EC.url_contains("terminated=1"))
    row = wait(browser).until(EC.presence_of_element_located((By.ID, row_id)))
    assert row.get_attribute("data-state") in ("shutting-down", "terminated")
    assert browser.find_element(By.ID, "show-terminated").is_selected()


# --- on the OpenStack test cloud ---------------------------------------------------------

@pytest.mark.browser
@pytest.mark.openstack
def test_keystone_login_launch_and_delete(live_server, transactional_db, with_openstack,
                                          os_conn, browser):
    username, password = with_openstack["users"]["demo"]
    browser.get(live_server.url + "/instances/")
    wait(browser).until(EC.url_contains("/login/"))
    Select(browser.find_element(By.ID, "id_cloud")).select_by_visible_text("OpenStack test cloud")
    assert browser.find_element(By.ID, "domain-group").is_displayed()
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "nova-username"), username))
    assert Select(browser.find_element(By.ID, "nova-project")).first_selected_option.text == "demo"

    conn = os_conn("demo")
    try:
        browser.find_element(By.ID, "launch-instance").click()
        form = wait(browser).until(EC.visibility_of_element_located((By.ID, "launch-form")))
        form.find_element(By.ID, "id_name").send_keys(NAME)
        image = Select(form.find_element(By.ID, "id_image"))
        image.select_by_visible_text(next(o.text for o in image.options
                                          if o.text.startswith("cirros-test")))
        assert form.find_element(By.CSS_SELECTOR, "label[for=id_instance_type]").text.startswith(
            "Flavor")
        form.find_element(By.ID, "launch-submit").click()
        wait(browser).until(EC.url_matches(r"/instances/$"))

        def running_row(d):
            rows = d.find_elements(By.XPATH, row_xpath(NAME))
            return rows[0] if rows and rows[0].get_attribute("data-state") == "running" else False
        # The row shows "building" first and polls itself until Nova says ACTIVE.
        row = wait(browser, 90).until(running_row, "the server never showed as running")
        shot(browser, "openstack-instances.png")
        row_id = row.get_attribute("id")

        row.find_element(By.CSS_SELECTOR, "button.dropdown-toggle-split").click()
        wait(browser).until(EC.element_to_be_clickable(
            (By.CSS_SELECTOR, f"#{row_id} .dropdown-menu.show [data-action=terminate]"))).click()
        wait(browser).until(EC.element_to_be_clickable((By.ID, "confirm-terminate"))).click()
        wait(browser).until(EC.url_matches(r"/instances/$"))
        wait(browser, 90).until(lambda d: not d.find_elements(By.ID, row_id)
                                or d.find_element(By.ID, row_id).get_attribute("data-state")
                                == "deleting")
    finally:
        for server in conn.compute.servers():
            if server.name == NAME:
                conn.compute.delete_server(server.id, ignore_missing=True)


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 800, 1400])
def test_search_box_finds_an_instance_and_says_when_nothing_matches(live_server, demo_user,
                                                                     browser, width):
    sign_in(browser, live_server.url, "demo")
    browser.set_window_size(width, 900)
    for name in ("search-alpha", "search-beta"):
        launch_instance(browser, name)
    box = browser.find_element(By.ID, "instance-search")
    assert box.get_attribute("placeholder") == "Name, ID or IP address"
    box.send_keys("alph\n")
    wait(browser).until(EC.url_contains("q=alph"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#instances tbody tr[id^=instance-]")
    assert [r.find_element(By.CSS_SELECTOR, ".nova-name").text for r in rows] == ["search-alpha"]
    assert browser.find_element(By.ID, "instance-search").get_attribute("value") == "alph"
    assert "Page 1: 1 instance" in browser.find_element(By.ID, "page-count").text
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    shot(browser, f"search-{width}.png")

    box = browser.find_element(By.ID, "instance-search")
    box.clear()
    box.send_keys("gamma\n")
    empty = wait(browser).until(EC.visibility_of_element_located((By.ID, "instances-empty")))
    assert "No instances match “gamma”." in empty.text
    click(browser, browser.find_element(By.ID, "clear-filter"))
    wait(browser).until(lambda d: len(d.find_elements(
        By.CSS_SELECTOR, "#instances tbody tr[id^=instance-]")) == 2)
