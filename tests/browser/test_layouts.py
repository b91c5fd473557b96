"""Narrow screens in a real browser: below 992 px the sidebar is an offcanvas menu behind
the header's Menu button, the user menu (and Sign out) stays on screen, and the main pages
fit a phone (390 px) and a small laptop (800 px).  That no page of the site scrolls
sideways at 390, 800 or 1400 px is checked on every page by tests/browser/test_accessibility.py.
"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from tests.browsing import click, launch_instance, shot, sign_in, wait

pytestmark = pytest.mark.browser


def in_view(browser, element) -> bool:
    """Displayed, and wholly inside the window's width."""
    left, right = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.left, r.right];", element)
    return element.is_displayed() and left >= 0 and right <= browser.execute_script(
        "return document.documentElement.clientWidth;")


@pytest.mark.parametrize("width", [390, 800])
def test_narrow_screen_has_a_menu_and_sign_out_in_reach(live_server, demo_user, browser, width):
    sign_in(browser, live_server.url, "demo")
    browser.set_window_size(width, 900)
    launch_instance(browser, "narrow-" + "x" * 60)
    instance_id = browser.find_element(By.CSS_SELECTOR, "#instances tbody tr").get_attribute(
        "id").removeprefix("instance-")
    sidebar = browser.find_element(By.ID, "nova-sidebar")
    toggle = wait(browser).until(EC.visibility_of_element_located((By.ID, "nova-menu-toggle")))
    assert not browser.find_element(By.ID, "nav-instances").is_displayed()
    shot(browser, f"layout-{width}-instances.png")

    # The Menu button opens the sections; a link there goes to its page.
    click(browser, toggle)
    wait(browser).until(lambda d: "show" in sidebar.get_attribute("class").split())
    link = wait(browser).until(EC.element_to_be_clickable((By.ID, "nav-volumes")))
    wait(browser).until(lambda d: in_view(d, link))  # slid in
    shot(browser, f"layout-{width}-menu.png")
    link.click()
    wait(browser).until(EC.url_contains("/volumes/"))

    browser.get(f"{live_server.url}/instances/{instance_id}/")
    shot(browser, f"layout-{width}-instance.png")
    browser.get(f"{live_server.url}/instances/launch/")
    shot(browser, f"layout-{width}-launch.png")

    # Who is signed in, and Sign out, stay on screen.
    menu = browser.find_element(By.ID, "nova-user-menu")
    assert in_view(browser, menu)
    click(browser, menu)
    sign_out = wait(browser).until(EC.element_to_be_clickable((By.ID, "nova-sign-out")))
    assert in_view(browser, sign_out)
    sign_out.click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "id_username")))


def test_wide_screen_shows_the_sidebar_beside_the_page(live_server, demo_user, browser):
    sign_in(browser, live_server.url, "demo")
    browser.set_window_size(1400, 900)
    browser.get(live_server.url + "/instances/")
    assert browser.find_element(By.ID, "nav-instances").is_displayed()
    assert not browser.find_element(By.ID, "nova-menu-toggle").is_displayed()
    shot(browser, "layout-1400-instances.png")
