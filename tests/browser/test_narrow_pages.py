"""The public pages on a small phone, in a real browser: nothing scrolls sideways at 320 px
(long German words, the language switcher row), the hero buttons keep apart at 360 px,
and after a failed sign-up the focus lands on the error summary.

Debian's chromium, driven by Playwright, against a live server as in test_signup_journey.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.support import assert_fits, serving
from tests.conftest import make_app
from wirnet.extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.no_db_rollback]

PUBLIC_PAGES = [
    "/",
    "/contact",
    "/imprint",
    "/privacy",
    "/auth/login",
    "/auth/signup",
    "/auth/forgot",
]


@pytest.fixture(scope="module")
def live_server(database_url) -> Iterator[str]:
    """The public pages need no data: one server for the whole module."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True, SERVER_NAME=None)
    with app.app_context():
        db.create_all()
    with serving(app) as base_url:
        yield base_url


@pytest.mark.parametrize("locale", ["de", "ar"])
def test_no_public_page_scrolls_sideways_at_320_px(live_server, browser, locale):
    context = browser.new_context(locale=locale, viewport={"width": 320, "height": 640})
    page = context.new_page()
    for path in PUBLIC_PAGES:
        page.goto(live_server + path)
        expect(page.locator("html")).to_have_attribute("lang", locale)
        assert_fits(page, path)
    # A failed sign-up, with its error summary and messages.
    page.goto(live_server + "/auth/signup")
    page.locator("form:not(.language-switcher) button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_fits(page, "failed sign-up")
    context.close()


@pytest.mark.parametrize("locale", ["de", "ar"])
def test_the_hero_buttons_keep_apart_at_360_px(live_server, browser, locale):
    context = browser.new_context(locale=locale, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server + "/")
    first, second = (box for box in (b.bounding_box() for b in page.locator(".hero .button").all()))
    if abs(first["y"] - second["y"]) < 1:  # side by side
        left, right = sorted((first, second), key=lambda box: box["x"])
        gap = right["x"] - (left["x"] + left["width"])
    else:  # one above the other
        top, bottom = sorted((first, second), key=lambda box: box["y"])
        gap = bottom["y"] - (top["y"] + top["height"])
    assert gap >= 8, (first, second)
    context.close()


def test_a_failed_sign_up_moves_the_focus_to_the_error_summary(live_server, browser):
    context = browser.new_context(locale="de-DE", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server + "/auth/signup")
    page.locator("#display_name").fill("Olena Kovalenko")
    page.locator("form:not(.language-switcher) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/auth/signup$"))
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    context.close()
