"""In a real browser: API access keys on EC2 (moto), application credentials on the
OpenStack test cloud (Keystone)."""

import uuid

import pytest


@pytest.mark.browser
def test_access_key_in_a_browser(live_server, demo_user, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    from tests.browsing import click, shot, sign_in, wait

    sign_in(browser, live_server.url, "demo")
    click(browser, browser.find_element(By.ID, "nav-credentials"))
    wait(browser).until(EC.visibility_of_element_located((By.ID, "access-keys")))
    assert "No access keys yet" in browser.find_element(By.ID, "access-keys").text
    click(browser, browser.find_element(By.ID, "create-access-key"))
    click(browser, wait(browser).until(EC.element_to_be_clickable((By.ID, "confirm-create-key"))))
    secret = wait(browser).until(
        EC.visibility_of_element_located((By.ID, "credential-secret"))).text
    key_id = browser.find_element(By.ID, "credential-id").text
    assert len(secret) >= 40 and browser.find_element(By.ID, "download-aws-credentials")
    shot(browser, "credentials-created.png")
    click(browser, browser.find_element(By.LINK_TEXT, "Done"))
    table = wait(browser).until(EC.visibility_of_element_located((By.ID, "access-keys")))
    assert key_id in table.text and secret not in browser.page_source
    shot(browser, "credentials.png")


@pytest.mark.browser
@pytest.mark.openstack
def test_application_credential_in_a_browser(live_server, transactional_db, with_openstack,
                                             browser, credential_cleanup):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select

    from tests.browsing import click, shot, wait

    username, password = with_openstack["users"]["demo"]
    browser.get(live_server.url + "/credentials/")
    wait(browser).until(EC.url_contains("/login/"))
    Select(browser.find_element(By.ID, "id_cloud")).select_by_visible_text("OpenStack test cloud")
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    wait(browser).until(EC.visibility_of_element_located((By.ID, "app-credentials")))
    assert browser.find_element(By.ID, "download-openrc").is_displayed()
    shot(browser, "credentials-openstack.png")

    name = f"browser-{uuid.uuid4().hex[:8]}"
    credential_cleanup.append(name)
    click(browser, browser.find_element(By.ID, "create-app-credential"))
    form_name = wait(browser).until(EC.visibility_of_element_located((By.ID, "id_name")))
    form_name.send_keys(name)
    click(browser, browser.find_element(By.CSS_SELECTOR, "input[name=roles][value=member]"))
    shot(browser, "credentials-app-form.png")
    click(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    secret = wait(browser).until(
        EC.visibility_of_element_located((By.ID, "credential-secret"))).text
    assert len(secret) > 20 and browser.find_element(By.ID, "download-clouds-yaml")
    shot(browser, "credentials-app-created.png")
    click(browser, browser.find_element(By.LINK_TEXT, "Done"))
    table = wait(browser).until(EC.visibility_of_element_located((By.ID, "app-credentials")))
    assert name in table.text and secret not in browser.page_source
