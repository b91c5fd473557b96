"""In a real browser against the OpenStack test cloud: an admin's all-instances page."""

import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from tests.browsing import click, shot, wait

pytestmark = [pytest.mark.browser, pytest.mark.openstack]


def test_admin_sees_and_stops_servers_of_other_projects(live_server, transactional_db,
                                                        with_openstack, os_conn,
                                                        browser):
    suffix = uuid.uuid4().hex[:8]
    made = []
    try:
        for user in ("demo", "alt"):
            conn = os_conn(user)
            image = next(i for i in conn.image.images() if i.name == "cirros-test")
            server = conn.compute.create_server(
                name=f"ca-browser-{user}-{suffix}", image_id=image.id,
                flavor_id=conn.compute.find_flavor("m1.tiny").id, networks="none")
            made.append((user, conn, server))
        for _, conn, server in made:
            conn.compute.wait_for_server(server, wait=120)

        username, password = with_openstack["users"]["admin"]
        browser.get(live_server.url + "/manage/instances/")
        wait(browser).until(EC.url_contains("/login/"))
        assert "next=/manage/instances/" in browser.current_url
        Select(browser.find_element(By.ID, "id_cloud")).select_by_visible_text(
            "OpenStack test cloud")
        browser.find_element(By.ID, "id_username").send_keys(username)
        browser.find_element(By.ID, "id_password").send_keys(password)
        browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
        wait(browser).until(EC.presence_of_element_located((By.ID, "admin-instances")))
        assert browser.find_element(By.ID, "nav-admin-instances").get_attribute(
            "class").endswith("active")

        for user, _, server in made:
            row = wait(browser).until(EC.presence_of_element_located(
                (By.ID, f"admin-instance-{server.id}")))
            assert row.find_element(By.CSS_SELECTOR, "td a.nova-name").text == user
            assert row.get_attribute("data-state") == "running"
        shot(browser, "cloudadmin-instances.png")

        # A row action on alt's server, from the admin's own session.
        _, alt_conn, alt_server = made[1]
        row = browser.find_element(By.ID, f"admin-instance-{alt_server.id}")
        click(browser, row.find_element(By.CSS_SELECTOR, "button.dropdown-toggle"))
        wait(browser).until(EC.element_to_be_clickable(
            (By.CSS_SELECTOR, f"#admin-instance-{alt_server.id} .dropdown-menu.show "
                              "[data-action=stop]"))).click()
        # Stopping interrupts the workload: it asks first, then goes back to this list.
        wait(browser).until(EC.element_to_be_clickable((By.ID, "confirm-stop"))).click()
        wait(browser).until(EC.presence_of_element_located((By.ID, "admin-instances")))
        wait(browser).until(EC.text_to_be_present_in_element(
            (By.CSS_SELECTOR, "body"), f"Asked the cloud to stop {alt_server.id}"))
        alt_conn.compute.wait_for_server(alt_server, status="SHUTOFF", wait=60)

        # The project link filters the page to that project.
        click(browser, browser.find_element(
            By.CSS_SELECTOR, f"#admin-instance-{alt_server.id} td a.nova-name"))
        wait(browser).until(EC.url_contains("project="))
        projects = {r.text for r in browser.find_elements(
            By.CSS_SELECTOR, "#admin-instances tbody td:first-child a")}
        assert projects == {"alt"}
        for path, filename in (("/manage/hypervisors/", "cloudadmin-hypervisors.png"),
                               ("/manage/flavors/", "cloudadmin-flavors.png"),
                               ("/manage/volumes/", "cloudadmin-volumes.png")):
            browser.get(live_server.url + path)
            wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "table")))
            shot(browser, filename)
    finally:
        for _, conn, server in made:
            conn.compute.delete_server(server.id, ignore_missing=True)
