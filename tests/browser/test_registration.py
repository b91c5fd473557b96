"""A stranger signs up, activates from the email, lands in their own project and launches.

On both clouds, in headless Chromium: the embedded EC2 cloud (moto) and the
OpenStack test cloud (Keystone user and project made by provisioning).
"""

import uuid

import pytest
from django.core import mail
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from tests.browsing import click, launch_instance, row_xpath, shot, wait, wait_until_running
from tests.data import SIGNUP_PASSWORD as PASSWORD
from tests.signups import activation_path

pytestmark = pytest.mark.browser


def sign_up_in_browser(driver, url, username, cloud_label=None):
    driver.get(url + "/login/")
    click(driver, wait(driver).until(EC.element_to_be_clickable((By.ID, "create-account"))))
    form = wait(driver).until(EC.visibility_of_element_located((By.ID, "signup-form")))
    if cloud_label:
        Select(form.find_element(By.ID, "id_cloud")).select_by_visible_text(cloud_label)
    else:
        assert not form.find_elements(By.CSS_SELECTOR, "select#id_cloud")
    form.find_element(By.ID, "id_username").send_keys(username)
    form.find_element(By.ID, "id_email").send_keys(f"{username}@example.org")
    form.find_element(By.ID, "id_password1").send_keys(PASSWORD)
    form.find_element(By.ID, "id_password2").send_keys(PASSWORD)
    shot(driver, f"signup-form{'-' + cloud_label.split()[0].lower() if cloud_label else ''}.png")
    click(driver, form.find_element(By.ID, "account-submit"))
    wait(driver).until(EC.visibility_of_element_located((By.ID, "signup-complete")))


def activate_in_browser(driver, url):
    """Follow the emailed link and press the one button; provisioning can take seconds."""
    assert len(mail.outbox) == 1
    driver.get(url + activation_path(mail.outbox[0]))
    click(driver, wait(driver).until(EC.element_to_be_clickable((By.ID, "activate-submit"))))
    wait(driver, 60).until(EC.visibility_of_element_located((By.ID, "activation-complete")))
    message = driver.find_element(By.CSS_SELECTOR, ".nova-messages .alert-success").text
    assert "is ready" in message, message
    shot(driver, "activation-complete.png")
    click(driver, driver.find_element(By.ID, "activation-sign-in"))


def sign_in(driver, username, cloud_label=None):
    form = wait(driver).until(EC.visibility_of_element_located((By.ID, "login-form")))
    if cloud_label:
        Select(form.find_element(By.ID, "id_cloud")).select_by_visible_text(cloud_label)
    form.find_element(By.ID, "id_username").send_keys(username)
    form.find_element(By.ID, "id_password").send_keys(PASSWORD)
    click(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "nova-username"), username))


def test_a_stranger_signs_up_and_launches_on_the_embedded_cloud(
        live_server, transactional_db, signups, browser):
    username = f"stranger-{uuid.uuid4().hex[:6]}"
    sign_up_in_browser(browser, live_server.url, username)
    activate_in_browser(browser, live_server.url)
    sign_in(browser, username)
    # Their own, fresh project.
    assert Select(browser.find_element(By.ID, "nova-project")).first_selected_option.text \
        == username
    assert "No instances yet" in browser.find_element(By.ID, "instances").text
    launch_instance(browser, "first-vm")
    wait_until_running(browser, "first-vm")
    shot(browser, "signup-first-instance.png")


@pytest.mark.openstack
def test_a_stranger_signs_up_and_launches_on_openstack(
        live_server, transactional_db, openstack_signups, keystone_cleanup,
        os_conn, browser):
    username = f"stranger-{uuid.uuid4().hex[:6]}"
    keystone_cleanup.append(username)
    label = openstack_signups["definition"]["LABEL"]
    admin = os_conn("admin")
    try:
        sign_up_in_browser(browser, live_server.url, username, cloud_label=label)
        activate_in_browser(browser, live_server.url)
        sign_in(browser, username, cloud_label=label)
        assert Select(browser.find_element(By.ID, "nova-project")).first_selected_option.text \
            == username

        click(browser, browser.find_element(By.ID, "launch-instance"))
        form = wait(browser).until(EC.visibility_of_element_located((By.ID, "launch-form")))
        form.find_element(By.ID, "id_name").send_keys("first-vm")
        image = Select(form.find_element(By.ID, "id_image"))
        image.select_by_visible_text(next(o.text for o in image.options
                                          if o.text.startswith("cirros-test")))
        click(browser, form.find_element(By.ID, "launch-submit"))
        wait(browser).until(EC.url_matches(r"/instances/$"))

        def running_row(d):
            rows = d.find_elements(By.XPATH, row_xpath("first-vm"))
            return rows[0] if rows and rows[0].get_attribute("data-state") == "running" else False
        wait(browser, 90).until(running_row, "the server never showed as running")
        shot(browser, "signup-first-instance-openstack.png")
    finally:
        project = admin.identity.find_project(username, domain_id="default")
        if project is not None:
            for server in admin.compute.servers(all_projects=True, project_id=project.id):
                admin.compute.delete_server(server.id, ignore_missing=True)
                admin.compute.wait_for_delete(server, wait=60)
