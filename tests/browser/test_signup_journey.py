"""The first journey in a real browser: sign up, confirm, log in, switch to Arabic.

Debian's chromium, driven by Playwright; the app is served by a real WSGI server on
loopback, with CSRF on, against the test database (committed data, cleaned up after).
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.conftest import make_app
from wirnet.extensions import db
from wirnet.mail.models import OutboxMessage

pytestmark = [pytest.mark.browser, pytest.mark.no_db_rollback]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def live_server(database_url) -> Iterator[str]:
    if shutil.which("chromium") is None:
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    app = make_app(database_url, WTF_CSRF_ENABLED=True, SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # The links in the e-mails point at the live server, as WIRNET_BASE_URL would.
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with app.app_context():
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            db.session.commit()
            db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def confirmation_link(app, email: str) -> str:
    with app.app_context():
        message = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == email, OutboxMessage.template == "confirm_email")
            .order_by(OutboxMessage.id.desc())
        ).first()
        assert message is not None, "no confirmation e-mail in the outbox"
        return re.search(r"https?://\S+", message.body_text).group(0)


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

    page.goto(confirmation_link(app, "olena.kovalenko@example.org"))
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
