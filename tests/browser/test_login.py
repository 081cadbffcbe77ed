"""Login, two-factor enrolment and logout, in a real browser."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, screenshot
from tests.two_factor import totp

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_logs_a_csm_in_and_out(page: Page, csm):
    page.goto("/tickets/")
    expect(page).to_have_url(re.compile(r"/auth/login/\?next=/tickets/"))
    screenshot(page, "login")
    log_in(page, csm.email)
    expect(page).to_have_url(re.compile(r"/$"))  # home: what needs the CSM's attention
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tickets").click()
    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Accounts")
    page.get_by_role("button", name="Log out").click()
    page.goto("/tickets/")
    expect(page).to_have_url(re.compile(r"/auth/login/"))


def test_it_shows_a_clear_error_for_a_wrong_password(page: Page, csm):
    log_in(page, csm.email, "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("not correct")


def test_it_enrols_two_factor_and_asks_for_a_code_at_the_next_login(page: Page, csm):
    log_in(page, csm.email)
    page.goto("/profile/")
    page.get_by_role("link", name="Two-factor authentication").click()
    page.goto("/auth/2fa/totp/activate/")
    # allauth asks for the password again before two-factor can be turned on.
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    page.fill("#id_password", "test-password-123")
    page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("#id_code", totp(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Recovery Codes", exact=False).first).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    log_in(page, csm.email, known_code=False)
    expect(page).to_have_url(re.compile(r"/auth/2fa/authenticate/"))
    page.fill("#id_code", "000000" if totp(secret) != "000000" else "111111")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Incorrect code")).to_be_visible()
    # A code already used is refused (replay); the phone's next code, within the skew allowed, works.
    page.fill("#id_code", totp(secret, time.time() + 30))
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/$"))
