"""Accounts: one account per mailbox, reset links bound to the address, an owner who takes
back an account a stranger opened with their address, CSRF tokens renewed at log-in."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import log_in, make_app
from tests.factories import PASSWORD, UserFactory
from tests.helpers import last_link, outbox, page
from wirnet.audit import AuditEntry
from wirnet.auth.models import User, normalize_email
from wirnet.extensions import db

EN = {"Accept-Language": "en"}
NEW_PASSWORD = "Kaffee am Fluss 2026"


def signup_data(**overrides) -> dict:
    data = {
        "display_name": "Amal Haddad",
        "email": "volunteer@example.org",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
        "locale": "en",
        "privacy_consent": "y",
    }
    data.update(overrides)
    return data


def accounts() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(User))


# --- One mailbox, one account ------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "volunteer@\uff45xample.org",  # full-width e
        "VOLUNTEER@EXAMPLE.ORG",
        "volunteer@example.org.",  # not valid: looked up as typed, creates nothing
    ],
)
def test_plain_ascii_variants_of_an_address_are_the_same_account(client, variant):
    client.post("/auth/signup", data=signup_data(), headers=EN)
    before = accounts()
    response = client.post("/auth/signup", data=signup_data(email=variant), headers=EN)
    assert response.status_code in (302, 422)
    assert accounts() == before


@pytest.mark.parametrize(
    ("stored", "variant"),
    [
        ("jos\u00e9@example.org", "jose\u0301@example.org"),  # composed, decomposed
        ("jose\u0301@example.org", "jos\u00e9@example.org"),
        ("volunteer@example.org", "volunteer@\uff45xample.org"),
        ("\uff56olunteer@example.org", "volunteer@example.org"),  # full-width v
        ("kim@m\u00fcller.de", "kim@xn--mller-kva.de"),  # IDNA: the same domain
        ("kim@M\u00dcLLER.de", "kim@m\u00fcller.de"),
    ],
)
def test_a_second_sign_up_with_another_form_of_the_address_creates_no_account(
    client, stored, variant
):
    assert client.post("/auth/signup", data=signup_data(email=stored)).status_code == 302
    before = accounts()
    assert before >= 1
    response = client.post("/auth/signup", data=signup_data(email=variant), headers=EN)
    assert response.status_code == 302
    assert accounts() == before
    # The owner is told instead, at the one stored address.
    [owner] = db.session.scalars(select(User).where(User.email == normalize_email(stored)))
    assert [m.template for m in outbox(owner.email)] == ["confirm_email", "signup_existing"]


def test_the_other_form_of_the_address_logs_in_and_resets(client):
    user = UserFactory(email="jos\u00e9@example.org")
    response = client.post(
        "/auth/login", data={"email": "JOSE\u0301@\uff45xample.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    client.post("/auth/logout")
    client.post("/auth/forgot", data={"email": "jose\u0301@example.org"})
    assert [m.template for m in outbox(user.email)] == ["reset_password"]


@pytest.mark.parametrize(
    "garbage", ["not an address", "@", "a@b", "\u00a8", "x" * 300 + "@example.org", "\ufb01@.."]
)
def test_looking_up_garbage_does_not_crash(client, garbage):
    response = client.post("/auth/login", data={"email": garbage, "password": PASSWORD})
    assert response.status_code in (401, 422)
    response = client.post("/auth/forgot", data={"email": garbage})
    assert response.status_code in (302, 422)
    assert User.by_email(garbage) is None


def test_an_address_that_grows_when_normalised_is_refused_not_stored(client):
    # U+FDFA is one character that NFKC spells out in 18.
    email = "\ufdfa" * 14 + "@example.org"
    response = client.post("/auth/signup", data=signup_data(email=email), headers=EN)
    assert response.status_code == 422
    assert accounts() == 0


# --- Reset links ------------------------------------------------------------------------------


def test_a_reset_link_dies_when_the_address_changes(client, users):
    user = users["volunteer"]
    client.post("/auth/forgot", data={"email": user.email})
    reset_link = last_link(user.email, "reset_password")
    assert client.get(reset_link).status_code == 200

    log_in(client, user)
    client.post(
        "/auth/account/email",
        data={"email-new_email": "moved@example.org", "email-current_password": PASSWORD},
    )
    assert client.post(last_link("moved@example.org", "confirm_email_change")).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "moved@example.org"

    response = client.post(
        reset_link,
        data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        headers=EN,
    )
    assert response.status_code == 400
    assert "This link no longer works" in page(response)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == user.password_hash


# --- A stranger's sign-up, taken back by the owner ------------------------------------------


def test_a_reset_that_confirms_an_account_asks_the_owner_for_their_own_details(client, app):
    # A stranger signs up with the owner's address ...
    client.post(
        "/auth/signup",
        data=signup_data(display_name="Mallory Stranger", locale="ar"),
        headers=EN,
    )
    user = User.by_email("volunteer@example.org")
    [stranger_consent] = user.consents
    # ... the owner, who never signed up, asks for a new password.
    owner = app.test_client()
    owner.post("/auth/forgot", data={"email": "volunteer@example.org"})
    link = last_link("volunteer@example.org", "reset_password")

    form = page(owner.get(link, headers=EN))
    assert "Mallory" not in form
    assert 'name="display_name"' in form
    assert 'name="privacy_consent"' in form
    assert "not confirmed yet" in form

    # A new password alone is not enough: the owner's details are required.
    response = owner.post(
        link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}, headers=EN
    )
    assert response.status_code == 422
    assert "Please enter your name." in page(response)
    assert "Please agree to the privacy notice to use your account." in page(response)
    db.session.expire_all()
    assert not db.session.get(User, user.id).email_confirmed

    response = owner.post(
        link,
        data={
            "display_name": "Olena Owner",
            "locale": "de",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
            "privacy_consent": "y",
        },
        headers=EN,
    )
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.email_confirmed
    assert user.display_name == "Olena Owner"
    assert user.locale == "de"
    old, new = sorted(user.consents, key=lambda consent: consent.id)
    assert old.id == stranger_consent.id
    assert old.withdrawn_at is not None
    assert new.withdrawn_at is None
    assert new.notice_version == app.config["PRIVACY_NOTICE_VERSION"]
    # The message about the change greets the owner, in the owner's language.
    [changed] = outbox(user.email, "password_changed")
    assert changed.locale == "de"
    assert "Mallory" not in changed.body_text
    assert (
        "user.confirmed_by_reset"
        in db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_id == user.id)
        ).all()
    )
    # The stranger's password is gone; the owner's works.
    response = owner.post(
        "/auth/login", data={"email": "volunteer@example.org", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302


def test_a_reset_of_a_confirmed_account_asks_only_for_the_password(client, users):
    user = users["volunteer"]
    client.post("/auth/forgot", data={"email": user.email})
    form = page(client.get(last_link(user.email, "reset_password"), headers=EN))
    assert 'name="password"' in form
    assert 'name="display_name"' not in form
    assert 'name="privacy_consent"' not in form


# --- CSRF tokens are renewed at log-in and log-out -----------------------------------------------


def raw_csrf_token(client) -> str | None:
    """The token Flask-WTF keeps in the session (the forms carry it signed and timestamped)."""
    with client.session_transaction() as session:
        return session.get("csrf_token")


def form_token(client, path: str) -> str:
    html = page(client.get(path))
    return re.search(r'name="csrf_token"[^>]*? value="([^"]+)"', html).group(1)


def test_the_csrf_token_is_renewed_at_log_in_and_log_out(database_url, users):
    client = make_app(database_url, WTF_CSRF_ENABLED=True).test_client()
    before_login = form_token(client, "/auth/login")
    raw_before_login = raw_csrf_token(client)
    response = client.post(
        "/auth/login",
        data={"email": users["volunteer"].email, "password": PASSWORD, "csrf_token": before_login},
    )
    assert response.status_code == 302
    logged_in = form_token(client, "/home")
    raw_logged_in = raw_csrf_token(client)
    assert raw_logged_in not in (None, raw_before_login)
    # A token known before the log-in (say, planted by an attacker) no longer works.
    response = client.post("/auth/logout", data={"csrf_token": before_login})
    assert response.status_code == 400

    response = client.post("/auth/logout", data={"csrf_token": logged_in})
    assert response.status_code == 302
    form_token(client, "/auth/login")
    assert raw_csrf_token(client) not in (None, raw_logged_in, raw_before_login)
    # The logged-in page's token is dead after the log-out.
    response = client.post(
        "/auth/login",
        data={"email": users["volunteer"].email, "password": PASSWORD, "csrf_token": logged_in},
    )
    assert response.status_code == 400
