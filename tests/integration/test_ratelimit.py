"""Log-in, sign-up and password reset are rate-limited, per account and per client address.

The test profile switches the limits off; these tests build apps with them on, each with
its own key prefix so that no two tests count into the same buckets.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from uuid import uuid4

import pytest
import redis
from babel.support import Translations

from tests.conftest import TEST_REDIS_URL, make_app, needs_redis
from tests.helpers import page
from wirnet.config import PROJECT_ROOT
from wirnet.extensions import db

WRONG = {"password": "not the right password at all"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def limited_app(database_url):
    """``limited_app()``: a new app with the rate limits on and buckets of its own."""
    apps = []

    def make(**overrides):
        config = {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "RATELIMIT_KEY_PREFIX": f"t-{uuid4().hex}",
            **overrides,
        }
        app = make_app(database_url, **config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def failed_log_in(client, email: str, **kwargs):
    return client.post("/auth/login", data={"email": email, **WRONG}, headers=EN, **kwargs)


def german_text(message_id: str) -> str | None:
    """The compiled German translation of ``message_id``, or None if there is none yet."""
    directory = PROJECT_ROOT / "translations"
    if not (directory / "de" / "LC_MESSAGES" / "messages.mo").exists():
        return None
    text = Translations.load(str(directory), ["de"]).gettext(message_id)
    return text if text != message_id else None


def test_the_sixth_failed_log_in_for_one_account_is_refused(limited_app):
    client = limited_app().test_client()
    for _ in range(5):
        assert failed_log_in(client, "target@example.org").status_code == 401

    response = failed_log_in(client, "Target@Example.org")  # same account, other spelling
    assert response.status_code == 429
    assert "Too many attempts" in page(response)
    assert "Please wait a few minutes" in page(response)

    # Another account from the same address may still try.
    assert failed_log_in(client, "someone.else@example.org").status_code == 401


def test_the_refusal_is_in_the_visitors_language(limited_app):
    heading = german_text("Too many attempts")
    if heading is None:
        pytest.skip("the German catalog is not compiled (or lacks this text) yet")
    client = limited_app().test_client()
    for _ in range(5):
        failed_log_in(client, "ziel@example.org")

    response = client.post(
        "/auth/login",
        data={"email": "ziel@example.org", **WRONG},
        headers={"Accept-Language": "de"},
    )
    assert response.status_code == 429
    assert heading in page(response)
    assert "Too many attempts" not in page(response)


def test_one_address_may_try_twenty_accounts_a_minute(limited_app):
    client = limited_app().test_client()
    for n in range(20):
        assert failed_log_in(client, f"guess{n}@example.org").status_code == 401, n

    assert failed_log_in(client, "guess20@example.org").status_code == 429
    # Another client address is not affected.
    other = failed_log_in(client, "guess21@example.org", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 401


def test_sign_up_is_limited_per_account(limited_app):
    client = limited_app().test_client()
    form = {
        "display_name": "Omid Rahimi",
        "email": "omid@example.org",
        "password": "Kaffee am Fluss 2026",
        "password_confirm": "Kaffee am Fluss 2026",
        "locale": "en",
        "privacy_consent": "y",
    }
    for _ in range(5):
        assert client.post("/auth/signup", data=form, headers=EN).status_code == 302

    response = client.post("/auth/signup", data=form, headers=EN)
    assert response.status_code == 429
    assert "Too many attempts" in page(response)
    other = client.post("/auth/signup", data={**form, "email": "mina@example.org"}, headers=EN)
    assert other.status_code == 302


def test_password_reset_is_limited_per_account(limited_app):
    client = limited_app().test_client()
    for _ in range(5):
        response = client.post("/auth/forgot", data={"email": "lost@example.org"}, headers=EN)
        assert response.status_code == 302

    response = client.post("/auth/forgot", data={"email": "lost@example.org"}, headers=EN)
    assert response.status_code == 429
    assert "Too many attempts" in page(response)


def test_opening_the_log_in_page_is_not_limited(limited_app):
    client = limited_app().test_client()
    for _ in range(30):
        assert client.get("/auth/login", headers=EN).status_code == 200
    assert failed_log_in(client, "reader@example.org").status_code == 401


def test_each_app_keeps_its_own_limits(app, limited_app):
    """Several apps in one process (as in these tests) do not share or switch their limits."""
    first = limited_app().test_client()
    for _ in range(5):
        failed_log_in(first, "shared@example.org")
    assert failed_log_in(first, "shared@example.org").status_code == 429

    # A second limited app, with buckets of its own, starts counting from zero ...
    second = limited_app().test_client()
    assert failed_log_in(second, "shared@example.org").status_code == 401
    # ... an app with the limits off stays unlimited ...
    unlimited = app.test_client()
    for _ in range(7):
        assert failed_log_in(unlimited, "shared@example.org").status_code == 401
    # ... and creating one switches nobody else's limits off.
    limited_app(RATELIMIT_ENABLED=False)
    assert failed_log_in(first, "shared@example.org").status_code == 429


SIXTH_ATTEMPT = textwrap.dedent(
    """
    import sys

    from wirnet import create_app

    database_url, storage_url, prefix = sys.argv[1:]
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": storage_url,
            "RATELIMIT_KEY_PREFIX": prefix,
        }
    )
    response = app.test_client().post(
        "/auth/login",
        data={"email": "x@example.org", "password": "not the right password at all"},
    )
    print(response.status_code)
    """
)


@needs_redis
def test_the_limit_holds_across_processes_sharing_redis(limited_app, database_url):
    prefix = f"t-{uuid4().hex}"
    app = limited_app(RATELIMIT_STORAGE_URI=TEST_REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)
    try:
        client = app.test_client()
        for _ in range(5):  # an unknown account: nothing is written to the database
            assert failed_log_in(client, "x@example.org").status_code == 401

        result = subprocess.run(
            [sys.executable, "-c", SIXTH_ATTEMPT, database_url, TEST_REDIS_URL, prefix],
            cwd=PROJECT_ROOT,
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == "429"
    finally:
        server = redis.Redis.from_url(TEST_REDIS_URL)
        try:
            for key in server.scan_iter(match=f"*{prefix}*"):
                server.delete(key)
        finally:
            server.close()
