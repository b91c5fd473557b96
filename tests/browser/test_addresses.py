"""In a real browser: an elastic IP walks through allocate, associate, disassociate, release."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from tests.browsing import shot, wait
from tests.data import PASSWORD

pytestmark = pytest.mark.browser


def address_rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#addresses tbody tr[data-ip]")


def test_address_allocate_associate_release(live_server, transactional_db, make_user,
                                            make_project, browser):
    user = make_user("demo")
    project = make_project("demo", user)
    from django_nova.clouds import open_cloud
    from django_nova.resources import LaunchSpec

    cloud = open_cloud("embedded", project, "us-east-1")
    (instance,) = cloud.compute.launch(LaunchSpec(
        name="app-server", image_id="ami-0cafe000000000004", instance_type="t3.micro"))

    browser.get(live_server.url + "/network/addresses/")
    browser.find_element(By.ID, "id_username").send_keys("demo")
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    wait(browser).until(EC.url_contains("/network/addresses/"))
    assert browser.find_element(By.ID, "nav-addresses").text == "Elastic IPs"
    assert address_rows(browser) == []

    browser.find_element(By.ID, "allocate-address").click()
    wait(browser).until(EC.element_to_be_clickable((By.ID, "address-submit"))).click()
    row = wait(browser).until(lambda d: (address_rows(d) or [None])[0])
    ip = row.get_attribute("data-ip")
    assert row.get_attribute("data-state") == "available"
    assert f"Allocated elastic IP {ip}." in browser.find_element(
        By.CSS_SELECTOR, ".nova-messages").text

    row.find_element(By.CSS_SELECTOR, "[data-action=associate]").click()
    form = wait(browser).until(EC.visibility_of_element_located((By.ID, "address-form")))
    select = Select(form.find_element(By.ID, "id_target"))
    option = next(o for o in select.options if o.get_attribute("value").startswith(instance.id))
    assert "app-server" in option.text
    select.select_by_value(option.get_attribute("value"))
    form.find_element(By.ID, "address-submit").click()
    row = wait(browser).until(lambda d: next(
        (r for r in address_rows(d) if r.get_attribute("data-state") == "associated"), None))
    assert "app-server" in row.text and instance.id in row.text
    shot(browser, "addresses.png")

    # Release while associated is refused: the page offers to disassociate instead.
    row.find_element(By.CSS_SELECTOR, "[data-action=release]").click()
    refusal = wait(browser).until(EC.visibility_of_element_located((By.ID, "release-refusal")))
    assert "Disassociate it first" in refusal.text
    browser.find_element(By.ID, "disassociate").click()
    row = wait(browser).until(lambda d: next(
        (r for r in address_rows(d) if r.get_attribute("data-state") == "available"), None))
    assert "app-server" not in row.text

    row.find_element(By.CSS_SELECTOR, "[data-action=release]").click()
    wait(browser).until(EC.element_to_be_clickable((By.ID, "confirm-release"))).click()
    wait(browser).until(EC.url_matches(r"/addresses/$"))
    wait(browser).until(lambda d: address_rows(d) == [])
    assert f"Released elastic IP {ip}." in browser.find_element(
        By.CSS_SELECTOR, ".nova-messages").text
    assert cloud.addresses.list_addresses() == []
