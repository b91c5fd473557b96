"""In a real browser: the project overview's quota charts and usage, then an admin's quota
edit refused below current usage (EC2, moto)."""

import pytest

from django_nova.models import Quota

HOSTILE = "<img src=x onerror=alert(1)>"
OVERVIEW = "/overview/"


@pytest.mark.browser
def test_overview_and_admin_quotas_in_a_browser(live_server, transactional_db, make_user,
                                                make_project, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    from django_nova.clouds import open_cloud
    from django_nova.resources import LaunchSpec, VolumeSpec
    from tests.browsing import shot, wait
    from tests.data import PASSWORD

    user = make_user("demo", is_staff=True)
    project = make_project("demo", user)
    Quota.objects.create(project=project, resource="instances", limit=3)
    Quota.objects.create(project=project, resource="cores", limit=4)
    cloud = open_cloud("embedded", project, "us-east-1")
    cloud.compute.launch(LaunchSpec(name=HOSTILE, image_id="ami-0cafe000000000004",
                                    instance_type="t3.micro", count=2))
    cloud.volumes.create_volume(VolumeSpec(name="data", size_gb=20,
                                           availability_zone="us-east-1a"))

    browser.get(live_server.url + OVERVIEW)
    browser.find_element(By.ID, "id_username").send_keys("demo")
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "quota-charts")))
    charts = browser.find_element(By.ID, "quota-charts")
    instances = charts.find_element(By.ID, "quota-instances")
    assert "2" in instances.text and "of 3" in instances.text and "Instances" in instances.text
    cores = charts.find_element(By.CSS_SELECTOR, "#quota-cores circle.text-danger")
    assert cores.get_attribute("stroke-dasharray").startswith("251.33")
    assert browser.find_element(By.ID, "instances-states").text.count("running") == 1
    assert len(browser.find_elements(By.CSS_SELECTOR, "#usage tbody tr")) == 2
    assert HOSTILE in browser.find_element(By.ID, "usage").text  # shown as text, not markup
    shot(browser, "overview.png")

    browser.get(live_server.url + f"/manage/quotas/{project.pk}/")
    wait(browser).until(EC.presence_of_element_located((By.ID, "quota-form")))
    field = browser.find_element(By.ID, "id_instances")
    field.clear()
    field.send_keys("1")
    browser.find_element(By.ID, "quota-save").click()
    error = wait(browser).until(EC.visibility_of_element_located(
        (By.CSS_SELECTOR, "#quota-form .invalid-feedback")))
    assert "Below current usage (2 in use)" in error.text
    shot(browser, "admin-quota-edit.png")
