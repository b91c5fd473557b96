"""The acceptance line, in a real browser, on both clouds: an admin manages projects, users
and quotas, and every change shows in the audit log.

One walk through the admin pages per cloud (EC2: a Django staff user on the moto cloud;
OpenStack: the test cloud's ``admin`` through the login form): create a project and a user,
make the user a member, set the project's quotas, disable the user, then find every one of
those changes in the audit log (filtered by the admin) with outcome success. What the pages
claim is checked against the cloud too. Everything made on the shared OpenStack cloud is
deleted again, whatever happens.

Last, on EC2: an admin creates a project and adds a member, who then finds it in the
project switcher.
"""

import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from django_nova.models import Membership, Project, Quota
from tests.browsing import click, shot, wait
from tests.data import PASSWORD
from tests.helpers import url

NEW_PASSWORD = "Granite-lantern-orbit-2931"  # noqa: S105  (passes Django's validators)
LIMITS = {"instances": 3, "volumes": 4}
# URL name of each change, as the audit middleware records it.
AUDITED = ("project.create", "user.create", "member.add", "quota.update", "user.set-enabled")


def unique(prefix):
    # "zz-" sorts after demo/alt/admin, so a new row is never hidden above the fold.
    return f"zz-{prefix}-{uuid.uuid4().hex[:8]}"


def success_message(driver):
    return wait(driver).until(EC.visibility_of_element_located(
        (By.CSS_SELECTOR, ".nova-messages .alert-success"))).text


def nav(driver, link_id):
    """Follow an Admin link in the side navigation and check it is the active one."""
    click(driver, wait(driver).until(EC.element_to_be_clickable((By.ID, link_id))))
    wait(driver).until(lambda d: "active" in d.find_element(By.ID, link_id).get_attribute(
        "class").split())


def submit_identity_form(driver, values, checkboxes=()):
    form = wait(driver).until(EC.visibility_of_element_located((By.ID, "identity-form")))
    for field, value in values.items():
        element = form.find_element(By.ID, f"id_{field}")
        element.clear()
        element.send_keys(value)
    for field, checked in dict(checkboxes).items():
        box = form.find_element(By.ID, f"id_{field}")
        if box.is_selected() != checked:
            click(driver, box)
    click(driver, form.find_element(By.ID, "identity-submit"))


def id_from_url(driver, marker):
    """The id in ``.../manage/<marker>/<id>/`` of the current page."""
    path = driver.current_url.split("?")[0].rstrip("/")
    head, _, last = path.rpartition("/")
    assert head.endswith(f"/manage/{marker}"), driver.current_url
    return last


def create(driver, kind, name, values, checkboxes=()):
    """Admin ▸ <kind>s ▸ Create <kind> through the form, then find the new row in the list
    (enabled); returns the new id (read from the detail page the form leads to)."""
    nav(driver, f"nav-admin-{kind}s")
    click(driver, driver.find_element(By.ID, f"create-{kind}"))
    submit_identity_form(driver, {"name": name, **values}, checkboxes)
    assert f"Created {kind} {name}" in success_message(driver)
    new_id = id_from_url(driver, f"{kind}s")
    nav(driver, f"nav-admin-{kind}s")
    row = wait(driver).until(EC.presence_of_element_located((By.ID, f"{kind}-{new_id}")))
    assert row.find_element(By.CSS_SELECTOR, "a.nova-name").text == name
    assert "enabled" in row.text
    return new_id


def create_project(driver, name):
    return create(driver, "project", name, {"description": "made in a browser test"})


def create_user(driver, name):
    return create(driver, "user", name, {"email": f"{name}@example.org",
                                         "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
                  checkboxes={"enabled": True})


def add_member(driver, project_id, project_name, user_id, user_name, role, tag):
    nav(driver, "nav-admin-projects")
    click(driver, wait(driver).until(EC.element_to_be_clickable(
        (By.CSS_SELECTOR, f"#project-{project_id} a.nova-name"))))
    form = wait(driver).until(EC.visibility_of_element_located((By.ID, "member-add-form")))
    assert "No members yet." in driver.find_element(By.ID, "members").text
    Select(form.find_element(By.ID, "id_user")).select_by_value(user_id)
    Select(form.find_element(By.ID, "id_role")).select_by_visible_text(role)
    click(driver, form.find_element(By.ID, "member-add"))
    assert f"Added {user_name} to {project_name}" in success_message(driver)
    row = driver.find_element(By.ID, f"member-{user_id}")
    assert row.find_element(By.CSS_SELECTOR, "a.nova-name").text == user_name
    badges = [b.text for b in row.find_elements(By.CSS_SELECTOR, "td:nth-child(2) .badge")]
    assert badges == [role], badges
    shot(driver, f"admin-{tag}-project.png")


def quota_edit_page(driver, project_name):
    nav(driver, "nav-admin-quotas")
    row = wait(driver).until(EC.presence_of_element_located((By.XPATH, (
        "//table[@id='quota-projects']/tbody/tr"
        f"[.//span[contains(@class, 'nova-name') and normalize-space()='{project_name}']]"))))
    click(driver, row.find_element(By.LINK_TEXT, "Edit quotas"))
    return wait(driver).until(EC.visibility_of_element_located((By.ID, "quota-form")))


def set_quotas(driver, project_name, filename):
    form = quota_edit_page(driver, project_name)
    for resource, limit in LIMITS.items():
        field = form.find_element(By.ID, f"id_{resource}")
        field.clear()
        field.send_keys(str(limit))
    click(driver, form.find_element(By.ID, "quota-save"))
    message = success_message(driver)
    assert f"Quotas of {project_name} updated ({len(LIMITS)} changed)" in message, message
    # Back on the edit page the form shows the saved limits.
    form = quota_edit_page(driver, project_name)
    for resource, limit in LIMITS.items():
        assert form.find_element(By.ID, f"id_{resource}").get_attribute("value") == str(limit)
        assert driver.find_element(By.ID, f"used-{resource}").text == "0"
    shot(driver, filename)


def audit_rows(driver, admin_label):
    """The admin log filtered by user, through the filter form: {action: [(target, outcome)]}."""
    nav(driver, "nav-admin-audit")
    form = driver.find_element(By.ID, "audit-filter")
    form.find_element(By.ID, "id_user").send_keys(admin_label)
    click(driver, form.find_element(By.CSS_SELECTOR, "button"))
    wait(driver).until(EC.url_contains("user="))
    rows = {}
    for row in driver.find_elements(By.CSS_SELECTOR, "#audit-entries tbody tr"):
        # Columns: when, who (+ address), [project (+ cloud)], action, target, outcome.
        cells = row.find_elements(By.TAG_NAME, "td")
        assert cells[1].text.splitlines()[0] == admin_label, row.text
        action = row.find_element(By.TAG_NAME, "code").text
        outcome = cells[-1].find_element(By.CSS_SELECTOR, ".badge").text
        rows.setdefault(action, []).append((cells[-2].text, outcome))
    return rows


def check_audit(driver, admin_label, made, filename):
    project_id, user_id = made["project_id"], made["user_id"]
    rows = audit_rows(driver, admin_label)
    shot(driver, filename)
    for action in AUDITED:
        assert [outcome for _, outcome in rows.get(action, [])] == ["success"], (action, rows)
    # The target is what the change was about: the new project or user, the membership.
    target = {action: rows[action][0][0].split() for action in AUDITED}
    assert target["project.create"] == [project_id], target
    assert target["user.create"] == [user_id], target
    assert target["member.add"] == [project_id, user_id], target
    assert target["quota.update"] == [project_id], target
    assert target["user.set-enabled"] == [user_id], target
    # Nothing the admin did failed.
    assert all(outcome == "success" for entries in rows.values() for _, outcome in entries)


def disable_user(driver, user_id, user_name):
    nav(driver, "nav-admin-users")
    click(driver, wait(driver).until(EC.element_to_be_clickable(
        (By.CSS_SELECTOR, f"#user-{user_id} a.nova-name"))))
    click(driver, wait(driver).until(EC.element_to_be_clickable((By.ID, "disable-user"))))
    click(driver, wait(driver).until(EC.element_to_be_clickable((By.ID, "confirm-action"))))
    assert f"Disabled {user_name}" in success_message(driver)
    assert "disabled" in driver.find_element(By.CSS_SELECTOR, "h1 .badge").text
    assert driver.find_elements(By.ID, "enable-user")
    nav(driver, "nav-admin-users")
    row = wait(driver).until(EC.presence_of_element_located((By.ID, f"user-{user_id}")))
    assert "disabled" in row.find_element(By.CSS_SELECTOR, "td:nth-child(3)").text


def manage(driver, made, role, tag):
    """Everything but the audit log, recording each name and id in ``made`` as soon as it
    exists (so a cleanup finds them even if the walk stops half-way)."""
    made["project_name"], made["user_name"] = unique("admin"), unique("user")
    made["project_id"] = create_project(driver, made["project_name"])
    made["user_id"] = create_user(driver, made["user_name"])
    add_member(driver, made["project_id"], made["project_name"], made["user_id"],
               made["user_name"], role, tag)
    set_quotas(driver, made["project_name"], f"admin-{tag}-quotas.png")
    disable_user(driver, made["user_id"], made["user_name"])
    return made


# --- EC2 (moto) ---------------------------------------------------------------------------

@pytest.mark.browser
def test_ec2_admin_manages_projects_users_quotas_and_audits(live_server, transactional_db,
                                                           make_user, make_project,
                                                           browser):
    admin = make_user("root", is_staff=True, email="root@example.org")
    make_project("demo", admin)
    make_user("bystander")  # so the new user's id differs from the new project's

    browser.get(live_server.url + "/manage/projects/")
    wait(browser).until(EC.url_contains("/login/"))
    browser.find_element(By.ID, "id_username").send_keys("root")
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    click(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    wait(browser).until(EC.presence_of_element_located((By.ID, "admin-projects")))
    admin_label = browser.find_element(By.ID, "nova-username").text
    assert admin_label == "root"

    made = manage(browser, {}, "Member", "ec2")

    # What the pages showed is what the site now holds.
    project = Project.objects.get(pk=made["project_id"])
    assert project.name == made["project_name"] and project.enabled
    user = type(admin).objects.get(pk=made["user_id"])
    assert user.username == made["user_name"] and not user.is_active and not user.is_staff
    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.get(project=project, user=user).role == "member"
    assert dict(Quota.objects.filter(project=project).values_list("resource", "limit")) \
        == LIMITS

    check_audit(browser, admin_label, made, "admin-ec2-audit.png")


# --- OpenStack (the shared test cloud) ----------------------------------------------------

@pytest.mark.browser
@pytest.mark.openstack
def test_openstack_admin_manages_projects_users_quotas_and_audits(live_server,
                                                                 transactional_db,
                                                                 with_openstack, os_conn,
                                                                 browser):
    kadmin = os_conn("admin")
    made = {}
    try:
        username, password = with_openstack["users"]["admin"]
        browser.get(live_server.url + "/manage/projects/")
        wait(browser).until(EC.url_contains("/login/"))
        Select(browser.find_element(By.ID, "id_cloud")).select_by_visible_text(
            "OpenStack test cloud")
        browser.find_element(By.ID, "id_username").send_keys(username)
        browser.find_element(By.ID, "id_password").send_keys(password)
        click(browser, browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]"))
        wait(browser).until(EC.presence_of_element_located((By.ID, "admin-projects")))
        admin_label = browser.find_element(By.ID, "nova-username").text
        assert username in admin_label

        manage(browser, made, "member", "openstack")

        # What the pages showed is what Keystone and Nova/Cinder now hold.
        project = kadmin.identity.get_project(made["project_id"])
        assert project.name == made["project_name"] and project.is_enabled
        user = kadmin.identity.get_user(made["user_id"])
        assert user.name == made["user_name"] and user.is_enabled is False
        assert [a.role["name"] for a in kadmin.identity.role_assignments(
            scope_project_id=project.id, user_id=user.id, include_names=True)] == ["member"]
        compute = kadmin.get_compute_quotas(project.id)
        assert compute.instances == LIMITS["instances"]
        volume = kadmin.get_volume_quotas(project.id)
        assert volume.volumes == LIMITS["volumes"]

        check_audit(browser, admin_label, made, "admin-openstack-audit.png")
    finally:
        cleanup_openstack(kadmin, made)


def cleanup_openstack(kadmin, made):
    """Delete the Keystone user and project (and the security groups Neutron gave it), found
    by id or, if the walk stopped before the id was read, by the unique name."""
    user_id = made.get("user_id")
    if not user_id and made.get("user_name"):
        user = kadmin.identity.find_user(made["user_name"], domain_id="default")
        user_id = user.id if user else None
    if user_id:
        kadmin.identity.delete_user(user_id, ignore_missing=True)
    project_id = made.get("project_id")
    if not project_id and made.get("project_name"):
        project = kadmin.identity.find_project(made["project_name"], domain_id="default")
        project_id = project.id if project else None
    if project_id:
        for group in kadmin.network.security_groups(project_id=project_id):
            kadmin.network.delete_security_group(group.id, ignore_missing=True)
        kadmin.identity.delete_project(project_id, ignore_missing=True)


# --- the EC2 admin pages, then the member's view of them ----------------------------------

@pytest.mark.browser
def test_browser_admin_creates_project_and_member_sees_it(live_server, transactional_db,
                                                         make_user, browser):

    make_user("root", is_staff=True)
    bob = make_user("bob")

    def sign_in(username):
        browser.delete_all_cookies()
        browser.get(live_server.url + url("login"))
        browser.find_element(By.ID, "id_username").send_keys(username)
        browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
        click(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
        wait(browser).until(EC.text_to_be_present_in_element((By.ID, "nova-username"),
                                                              username))

    sign_in("root")
    browser.get(live_server.url + url("admin-projects"))
    click(browser, wait(browser).until(EC.element_to_be_clickable((By.ID, "create-project"))))
    form = wait(browser).until(EC.visibility_of_element_located((By.ID, "identity-form")))
    form.find_element(By.ID, "id_name").send_keys("team-x")
    form.find_element(By.ID, "id_description").send_keys("The X team")
    click(browser, form.find_element(By.ID, "identity-submit"))
    message = wait(browser).until(EC.visibility_of_element_located(
        (By.CSS_SELECTOR, ".nova-messages .alert-success")))
    assert "Created project team-x" in message.text
    project = Project.objects.get(name="team-x")
    assert browser.current_url.endswith(url("admin-project", project.pk))

    form = browser.find_element(By.ID, "member-add-form")
    Select(form.find_element(By.ID, "id_user")).select_by_value(str(bob.pk))
    Select(form.find_element(By.ID, "id_role")).select_by_value("member")
    click(browser, form.find_element(By.ID, "member-add"))
    message = wait(browser).until(EC.visibility_of_element_located(
        (By.CSS_SELECTOR, ".nova-messages .alert-success")))
    assert "Added bob to team-x" in message.text
    row = browser.find_element(By.ID, f"member-{bob.pk}")
    assert "bob" in row.text and "Member" in row.text
    shot(browser, "admin-project.png")
    browser.get(live_server.url + url("admin-projects"))
    shot(browser, "admin-projects.png")
    browser.get(live_server.url + url("admin-users"))
    shot(browser, "admin-users.png")

    sign_in("bob")
    switcher = Select(wait(browser).until(EC.presence_of_element_located(
        (By.ID, "nova-project"))))
    assert [o.text for o in switcher.options] == ["team-x"]
    assert Membership.objects.get(project=project, user=bob).role == "member"
