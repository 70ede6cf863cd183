"""Fixtures of the browser tests: Debian's chromium, and the app on a live server as
`make run` sets it up (the region and the qualification catalogue), with CSRF on.

A module that needs other data (or other settings) defines its own ``live_server`` with
``support.serving``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    COORDINATOR_EMAIL,
    COORDINATOR_NAME,
    serving,
)
from tests.conftest import make_app
from tests.factories import password_hash
from wirnet.auth import services as auth_services
from wirnet.extensions import db
from wirnet.regions import load_municipalities
from wirnet.roles import Role
from wirnet.volunteers.catalogue import load_catalogue


@pytest.fixture(scope="module")
def browser():
    if shutil.which("chromium") is None:
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture  # one per test: each journey starts with an empty centre
def live_server(database_url) -> Iterator[tuple[str, object]]:
    """``(base_url, app)``: the app served on loopback, with what `make run` loads before
    anyone signs up (the region's municipalities, the qualification catalogue)."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True, SERVER_NAME=None)
    with app.app_context():
        db.create_all()
        load_municipalities(app.config["REGION_FILE"])
        load_catalogue()
        db.session.commit()
    with serving(app) as base_url:
        yield base_url, app


@pytest.fixture
def coordinator(live_server):
    """``coordinator(locale)``: a coordinator of the centre who reads ``locale``, made by the
    admin (as `flask users create` would); returns the e-mail address (password: PASSWORD)."""

    def make(locale: str) -> str:
        _base_url, app = live_server
        email = f"{locale}.{COORDINATOR_EMAIL}"
        with app.app_context():
            auth_services.create_user(
                email=email,
                password_hash=password_hash(),
                display_name=COORDINATOR_NAME,
                role=Role.COORDINATOR,
                locale=locale,
            )
            db.session.commit()
        return email

    return make
