"""In a real browser against the OpenStack test cloud: Keystone login, launch, delete."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from .test_browser import browser, row_xpath, shot, wait  # noqa: F401  (fixture + helpers)

pytestmark = [pytest.mark.browser, pytest.mark.openstack]

NAME = "selenium-os"


def test_keystone_login_launch_and_delete(live_server, transactional_db, with_openstack,
                                          os_conn, browser):  # noqa: F811
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
