"""In a real browser against Glance: an image upload shows progress and lands in the list."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from tests.browsing import shot, wait

pytestmark = [pytest.mark.browser, pytest.mark.openstack]


def test_upload_with_progress(live_server, transactional_db, with_openstack, os_conn,
                              browser, tmp_path):
    username, password = with_openstack["users"]["demo"]
    image_file = tmp_path / "browser.raw"
    image_file.write_bytes(b"\0" * (4 * 1024 * 1024))
    browser.get(live_server.url + "/images/upload/")
    Select(browser.find_element(By.ID, "id_cloud")).select_by_visible_text("OpenStack test cloud")
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    form = wait(browser).until(EC.visibility_of_element_located((By.ID, "upload-form")))
    conn = os_conn("demo")
    try:
        form.find_element(By.ID, "id_name").send_keys("nova-test-browser-upload")
        form.find_element(By.ID, "id_file").send_keys(str(image_file))
        Select(form.find_element(By.ID, "id_disk_format")).select_by_value("raw")
        form.find_element(By.ID, "upload-submit").click()
        # The progress bar shows while the file goes up.
        wait(browser).until(lambda d: not d.find_elements(By.ID, "upload-form") or
                            d.find_element(By.CSS_SELECTOR, "[data-nova-upload-progress]")
                            .is_displayed())
        wait(browser, 60).until(EC.url_matches(r"/images/$"))
        assert "Uploaded image nova-test-browser-upload" in browser.find_element(
            By.CSS_SELECTOR, ".nova-messages").text
        assert "nova-test-browser-upload" in browser.find_element(By.ID, "images").text
        shot(browser, "images-uploaded.png")
    finally:
        for image in conn.image.images():
            if image.name == "nova-test-browser-upload":
                conn.image.delete_image(image.id, ignore_missing=True)
