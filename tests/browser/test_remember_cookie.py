"""Chromium really forgets the remember-me cookie at log-out, with production's cookies.

Production names its cookies ``__Host-…`` and marks them ``Secure``. A browser ignores a
``Set-Cookie`` for such a name that lacks ``Secure`` (or ``Path=/``) — a deletion included —
so a deletion without it would leave the user logged in for 30 days. Chromium treats
``http://127.0.0.1`` as a secure context and accepts ``Secure`` cookies there, so the
production cookie settings can be tried without TLS (asserted below, so that the test
cannot pass by the cookie never being set).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.support import serving
from tests.conftest import make_app
from tests.factories import PASSWORD, password_hash
from wirnet.auth import services
from wirnet.config import Config
from wirnet.extensions import db
from wirnet.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.no_db_rollback]

EMAIL = "remember.me@example.org"

#: The production profile's cookie settings (the rest of production needs HTTPS).
PRODUCTION_COOKIES = {
    key: getattr(Config, key)
    for key in dir(Config)
    if key.startswith(("SESSION_COOKIE_", "REMEMBER_COOKIE_"))
}


@pytest.fixture(scope="module")
def live_server(database_url) -> Iterator[str]:
    assert PRODUCTION_COOKIES["REMEMBER_COOKIE_NAME"].startswith("__Host-")
    assert PRODUCTION_COOKIES["REMEMBER_COOKIE_SECURE"] is True
    app = make_app(database_url, WTF_CSRF_ENABLED=True, SERVER_NAME=None, **PRODUCTION_COOKIES)
    with app.app_context():
        services.create_user(
            email=EMAIL,
            password_hash=password_hash(),
            display_name="Rema Member",
            role=Role.VOLUNTEER,
            locale="en",
        )
        db.session.commit()
    with serving(app) as base_url:
        yield base_url


def cookie_names(context) -> set[str]:
    return {cookie["name"] for cookie in context.cookies()}


def test_log_out_removes_the_remember_me_cookie_in_chromium(live_server, browser):
    remember = PRODUCTION_COOKIES["REMEMBER_COOKIE_NAME"]
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(live_server + "/auth/login")
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.locator("#remember").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/home$"))

    [cookie] = [c for c in context.cookies() if c["name"] == remember]
    assert cookie["secure"]  # Chromium took the Secure cookie on http://127.0.0.1

    page.locator("form[action$='/auth/logout'] button").click()
    expect(page).to_have_url(re.compile(r"/$"))
    assert remember not in cookie_names(context)

    # And it really is logged out: the overview sends it to the log-in.
    page.goto(live_server + "/home")
    expect(page).to_have_url(re.compile(r"/auth/login"))
    context.close()
