"""The first journey in a real browser: sign up, confirm, log in, switch to Arabic.

Debian's chromium, driven by Playwright; the app is served by a real WSGI server on
loopback, with CSRF on, against the test database (committed data, cleaned up after): the
``live_server`` and ``browser`` fixtures of conftest.py.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import latest_mail, mail_link

pytestmark = [pytest.mark.browser, pytest.mark.no_db_rollback]


def test_sign_up_confirm_log_in_and_switch_to_arabic(live_server, browser):
    base_url, app = live_server
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    page = context.new_page()

    page.goto(base_url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.locator("nav a[href='/auth/signup']").click()

    page.locator("#display_name").fill("Olena Kovalenko")
    page.locator("#email").fill("olena.kovalenko@example.org")
    page.locator("#password").fill("Sonnenblumen am Fenster 7")
    page.locator("#password_confirm").fill("Sonnenblumen am Fenster 7")
    page.locator("#locale").select_option("de")
    page.locator("#privacy_consent").check()
    page.locator("form:not(.language-switcher) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/auth/signup/sent$"))

    page.goto(mail_link(latest_mail(app, "olena.kovalenko@example.org", "confirm_email"), base_url))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/auth/login"))

    page.locator("#email").fill("olena.kovalenko@example.org")
    page.locator("#password").fill("Sonnenblumen am Fenster 7")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/home$"))
    expect(page.locator(".flash")).to_contain_text("Olena Kovalenko")  # greeted once

    page.locator("#lang-locale").select_option("ar")
    page.locator("form.language-switcher button").click()
    expect(page).to_have_url(re.compile(r"/home$"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    nav = page.locator("nav.main-nav")
    expect(nav).to_contain_text("حسابي")  # "My account"
    expect(nav).not_to_contain_text("My account")

    context.close()

    # The choice is kept on the account: another browser shows Arabic after logging in.
    other = browser.new_context(locale="de-DE")
    page = other.new_page()
    page.goto(base_url + "/auth/login")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.locator("#email").fill("olena.kovalenko@example.org")
    page.locator("#password").fill("Sonnenblumen am Fenster 7")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/home$"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    other.close()
