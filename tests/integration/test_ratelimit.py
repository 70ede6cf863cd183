"""Log-in, sign-up, reset and the account forms are rate-limited without locking owners out.

Per client address; per account and address; per account from anywhere (a looser ceiling);
per user on the account page. Log-in and the account page count failures only.

The test profile switches the limits off; these tests build apps with them on, each with
its own key prefix so that no two tests count into the same buckets.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from uuid import uuid4

import pytest
import redis
from babel.support import Translations

from tests.conftest import TEST_REDIS_URL, log_in, make_app, needs_redis
from tests.factories import PASSWORD
from tests.helpers import page
from wirnet import ratelimit
from wirnet.config import PROJECT_ROOT
from wirnet.extensions import db

WRONG = {"password": "not the right password at all"}
EN = {"Accept-Language": "en"}
ATTACKER = {"REMOTE_ADDR": "192.0.2.66"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}


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


def test_the_owner_gets_in_while_another_address_hammers_the_account(limited_app, users):
    owner = users["volunteer"]
    client = limited_app().test_client()
    for _ in range(5):
        assert failed_log_in(client, owner.email, environ_base=ATTACKER).status_code == 401
    assert failed_log_in(client, owner.email, environ_base=ATTACKER).status_code == 429

    response = client.post(
        "/auth/login",
        data={"email": owner.email, "password": PASSWORD},
        headers=EN,
        environ_base=OWNER,
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"


def test_right_passwords_do_not_count_against_the_account(limited_app, users):
    owner = users["volunteer"]
    app = limited_app()
    for _ in range(8):  # more than the five failures an address may have a minute
        client = app.test_client()
        response = client.post(
            "/auth/login", data={"email": owner.email, "password": PASSWORD}, headers=EN
        )
        assert response.status_code == 302


def test_many_addresses_together_meet_the_ceiling_per_account(limited_app):
    client = limited_app(LIMIT_PER_ACCOUNT="8 per hour").test_client()
    for n in range(8):
        address = {"REMOTE_ADDR": f"203.0.113.{n + 1}"}
        assert failed_log_in(client, "ceiling@example.org", environ_base=address).status_code == 401

    fresh = {"REMOTE_ADDR": "203.0.113.200"}
    assert failed_log_in(client, "ceiling@example.org", environ_base=fresh).status_code == 429
    # Other accounts are not affected.
    assert failed_log_in(client, "other@example.org", environ_base=fresh).status_code == 401


def test_the_refusal_says_when_to_try_again(limited_app):
    client = limited_app().test_client()
    for _ in range(5):
        failed_log_in(client, "patient@example.org")

    response = failed_log_in(client, "patient@example.org")
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60


@pytest.mark.parametrize(
    ("url", "form"),
    [
        (
            "/auth/account/password",
            {
                "password-current_password": "not my password",
                "password-password": "Kaffee am Fluss 2026",
                "password-password_confirm": "Kaffee am Fluss 2026",
            },
        ),
        (
            "/auth/account/email",
            {"email-new_email": "new@example.org", "email-current_password": "not my password"},
        ),
    ],
)
def test_wrong_current_passwords_on_the_account_page_are_limited(limited_app, users, url, form):
    app = limited_app()
    client = app.test_client()
    log_in(client, users["volunteer"])
    for _ in range(5):
        response = client.post(url, data=form, headers=EN)
        assert response.status_code == 422
        assert "The current password is not correct" in page(response)

    response = client.post(url, data=form, headers=EN)
    assert response.status_code == 429
    assert "Retry-After" in response.headers

    # The limit is the user's: someone else on the same address is not affected.
    other = app.test_client()
    log_in(other, users["other_volunteer"])
    assert other.post(url, data=form, headers=EN).status_code == 422


def test_form_mistakes_on_the_account_page_do_not_count(limited_app, users):
    client = limited_app().test_client()
    log_in(client, users["volunteer"])
    form = {
        "password-current_password": PASSWORD,
        "password-password": "short",
        "password-password_confirm": "short",
    }
    for _ in range(8):
        assert client.post("/auth/account/password", data=form, headers=EN).status_code == 422


def test_a_json_body_names_the_same_account_as_a_form(app):
    with app.test_request_context(
        "/auth/login", method="POST", json={"email": " Victim@Example.org", "password": "x"}
    ):
        from_json = ratelimit.account_key()
    with app.test_request_context(
        "/auth/login", method="POST", data={"email": "victim@example.org", "password": "x"}
    ):
        from_form = ratelimit.account_key()
    assert from_json == from_form == "account:victim@example.org"

    # Full-width letters name the same account as their plain forms.
    with app.test_request_context(
        "/auth/login", method="POST", data={"email": "victim@\uff45xample.org"}
    ):
        assert ratelimit.account_key() == "account:victim@example.org"


@pytest.mark.parametrize("body", [[1, 2], {"email": 123}, {"email": ["a"]}, "not json"])
def test_an_odd_body_never_breaks_the_account_key(app, body):
    kwargs = {"json": body} if not isinstance(body, str) else {"data": body}
    with app.test_request_context("/auth/login", method="POST", **kwargs):
        key = ratelimit.account_key()
    assert key.startswith(("account:", "no-account@"))
    assert key != "account:"


def test_a_json_log_in_is_refused_and_cannot_bypass_the_account_limit(limited_app):
    client = limited_app().test_client()
    for _ in range(5):
        failed_log_in(client, "json@example.org")
    response = client.post("/auth/login", json={"email": "json@example.org", **WRONG}, headers=EN)
    assert response.status_code in (415, 429)
    assert failed_log_in(client, "json@example.org").status_code == 429


def test_log_in_works_when_redis_is_unreachable(limited_app, users, caplog):
    app = limited_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        response = failed_log_in(client, "away@example.org")
    assert response.status_code == 401
    assert any(
        record.levelno == logging.WARNING and "in-memory" in record.getMessage()
        for record in caplog.records
    )
    # The limits still hold, counted in memory ...
    for _ in range(4):
        assert failed_log_in(client, "away@example.org").status_code == 401
    assert failed_log_in(client, "away@example.org").status_code == 429
    # ... and the owner gets in.
    response = client.post(
        "/auth/login",
        data={"email": users["volunteer"].email, "password": PASSWORD},
        headers=EN,
        environ_base=OWNER,
    )
    assert response.status_code == 302


def test_make_run_serves_one_process_on_the_chosen_port():
    """Limits counted in memory hold only in one process: ``make run`` must not fork more."""
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", "PORT=5050"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    commands = result.stdout.replace("\\\n", " ")
    gunicorn = [line for line in commands.splitlines() if "gunicorn" in line]
    assert len(gunicorn) == 1, commands
    assert "--workers 1 " in gunicorn[0]
    assert "--threads" in gunicorn[0]
    assert "--bind 127.0.0.1:5050" in gunicorn[0]
    local = [line for line in commands.splitlines() if "WIRNET_ENV=local" in line]
    assert len(local) >= 3
    assert all("WIRNET_PORT=5050" in line for line in local), local


def test_staff_work_that_sends_mail_has_a_looser_limit_of_its_own(limited_app, users):
    """An admin resending confirmation links (staff work) is not stopped after the five a
    minute a volunteer's password form allows, nor by the office's shared address; a
    runaway loop still is."""
    from tests.factories import UserFactory

    app = limited_app(LIMIT_PER_STAFF="8 per minute", LIMIT_PER_ADDRESS="3 per minute")
    client = app.test_client()
    log_in(client, users["admin"])
    person = UserFactory(email_confirmed_at=None)
    url = f"/admin/accounts/{person.id}/resend-confirmation"
    statuses = [client.post(url, headers=EN).status_code for _ in range(8)]
    assert 429 not in statuses, statuses
    assert client.post(url, headers=EN).status_code == 429
