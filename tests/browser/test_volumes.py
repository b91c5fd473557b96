"""In a real browser: a volume walks through create, attach, detach and delete."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from tests.browsing import shot, wait
from tests.data import PASSWORD

pytestmark = pytest.mark.browser


def row_text(driver, name) -> str:
    """The row's text, or "" while the page is still loading or the row is absent."""
    row = volume_row(driver, name)
    return row.text if row is not None else ""


def volume_row(driver, name):
    rows = driver.find_elements(By.XPATH, f"//table[@id='volumes']/tbody/tr[.//span[contains("
                                          f"@class, 'nova-name') and normalize-space()='{name}']]")
    return rows[0] if rows else None


def test_volume_create_attach_detach_delete(live_server, transactional_db, make_user,
                                            make_project, launch, browser):
    user = make_user("demo")
    project = make_project("demo", user)
    from django_nova.clouds import open_cloud

    cloud = open_cloud("embedded", project, "us-east-1")
    from django_nova.resources import LaunchSpec

    (instance,) = cloud.compute.launch(LaunchSpec(
        name="app-server", image_id="ami-0cafe000000000004", instance_type="t3.micro",
        availability_zone="us-east-1a"))

    browser.get(live_server.url + "/volumes/")
    browser.find_element(By.ID, "id_username").send_keys("demo")
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    wait(browser).until(EC.url_contains("/volumes/"))

    browser.find_element(By.ID, "create-volume").click()
    form = wait(browser).until(EC.visibility_of_element_located((By.ID, "volume-form")))
    form.find_element(By.ID, "id_name").send_keys("browser-disk")
    size = form.find_element(By.ID, "id_size_gb")
    size.clear()
    size.send_keys("4")
    Select(form.find_element(By.ID, "id_availability_zone")).select_by_value("us-east-1a")
    form.find_element(By.ID, "volume-submit").click()
    row = wait(browser).until(lambda d: volume_row(d, "browser-disk"))
    assert "4 GB" in row.text
    wait(browser).until(lambda d: volume_row(d, "browser-disk") is not None
                        and volume_row(d, "browser-disk").get_attribute("data-state")
                        == "available")

    volume_row(browser, "browser-disk").find_element(By.CSS_SELECTOR,
                                                     "[data-action=attach]").click()
    form = wait(browser).until(EC.visibility_of_element_located((By.ID, "volume-form")))
    Select(form.find_element(By.ID, "id_instance")).select_by_value(instance.id)
    form.find_element(By.ID, "id_device").send_keys("/dev/sdg")
    form.find_element(By.ID, "volume-submit").click()
    wait(browser).until(lambda d: "app-server" in row_text(d, "browser-disk"))
    assert "/dev/sdg" in volume_row(browser, "browser-disk").text
    shot(browser, "volumes-attached.png")

    volume_row(browser, "browser-disk").find_element(By.CSS_SELECTOR,
                                                     "[data-action=detach]").click()
    wait(browser).until(EC.element_to_be_clickable((By.ID, "confirm-detach")))
    shot(browser, "volumes-detach-confirm.png")
    browser.find_element(By.ID, "confirm-detach").click()
    wait(browser).until(EC.url_matches(r"/volumes/$"))
    wait(browser).until(lambda d: volume_row(d, "browser-disk") is not None
                        and "app-server" not in row_text(d, "browser-disk"))

    row = volume_row(browser, "browser-disk")
    row.find_element(By.CSS_SELECTOR, "button.dropdown-toggle-split").click()
    wait(browser).until(EC.element_to_be_clickable(
        (By.CSS_SELECTOR, "#volumes .dropdown-menu.show [data-action=delete]"))).click()
    wait(browser).until(EC.element_to_be_clickable((By.ID, "confirm-delete"))).click()
    wait(browser).until(EC.url_matches(r"/volumes/$"))
    wait(browser).until(lambda d: volume_row(d, "browser-disk") is None)
    assert "Deleting volume" in browser.find_element(By.CSS_SELECTOR, ".nova-messages").text
