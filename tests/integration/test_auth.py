"""Accounts from the user's side: sign-up, confirmation, log-in, reset, changes."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from tests.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.helpers import last_link, outbox, page
from wirnet.auth import passwords
from wirnet.auth.models import ConsentKind, User
from wirnet.extensions import db
from wirnet.i18n import LANGUAGE_COOKIE
from wirnet.roles import Role

EN = {"Accept-Language": "en"}
NEW_PASSWORD = "Kaffee am Fluss 2026"


def signup_data(**overrides) -> dict:
    data = {
        "display_name": "Amal Haddad",
        "email": "Amal.Haddad@Example.org",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
        "locale": "ar",
        "privacy_consent": "y",
    }
    data.update(overrides)
    return data


def login(client, email, password=PASSWORD, **extra):
    return client.post(
        "/auth/login", data={"email": email, "password": password, **extra}, headers=EN
    )


def test_sign_up_confirm_and_log_in(client, app):
    response = client.post("/auth/signup", data=signup_data(), headers=EN)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/signup/sent")

    user = User.by_email("amal.haddad@example.org")
    assert user is not None
    assert user.email == "amal.haddad@example.org"  # stored lower-cased
    assert user.role is Role.VOLUNTEER
    assert user.locale == "ar"
    assert not user.email_confirmed
    [consent] = user.consents
    assert consent.kind == ConsentKind.PRIVACY_NOTICE
    assert consent.notice_version == app.config["PRIVACY_NOTICE_VERSION"]
    assert consent.withdrawn_at is None
    # The sign-up remembered Arabic for this browser; read the rest in English.
    client.delete_cookie(LANGUAGE_COOKIE)

    # Not confirmed yet: the right password does not log in, but sends a fresh link.
    response = login(client, "amal.haddad@example.org", NEW_PASSWORD)
    assert response.status_code == 401
    assert "confirm your e-mail address first" in page(response)
    assert len(outbox("amal.haddad@example.org", "confirm_email")) == 2

    link = last_link("amal.haddad@example.org", "confirm_email")
    # Opening the link changes nothing (mail scanners follow links) ...
    assert client.get(link).status_code == 200
    db.session.expire_all()
    assert not User.by_email("amal.haddad@example.org").email_confirmed
    # ... the button does.
    response = client.post(link)
    assert response.status_code == 302
    db.session.expire_all()
    assert User.by_email("amal.haddad@example.org").email_confirmed

    response = login(client, "AMAL.haddad@example.org ", NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/home")
    assert client.get("/home").status_code == 200


def test_confirmation_mail_is_written_in_the_chosen_language(client):
    client.post("/auth/signup", data=signup_data(locale="en"), headers=EN)
    [message] = outbox("amal.haddad@example.org", "confirm_email")
    assert message.locale == "en"
    assert message.subject == "Please confirm your e-mail address for WIRnet"
    assert "Hello Amal Haddad," in message.body_text


def test_a_tampered_or_expired_confirmation_link_is_refused(client, app, monkeypatch):
    client.post("/auth/signup", data=signup_data(locale="en"), headers=EN)
    link = last_link("amal.haddad@example.org", "confirm_email")
    assert client.post(link[:-3] + "abc").status_code == 400
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 49 * 3600)
    response = client.post(link, headers=EN)
    assert response.status_code == 400
    assert "This link no longer works" in page(response)


def test_sign_up_with_a_taken_address_answers_the_same_and_tells_the_owner(client, users):
    owner = users["volunteer"]
    first = client.post("/auth/signup", data=signup_data(email="new@example.org"), headers=EN)
    second = client.post("/auth/signup", data=signup_data(email=owner.email.upper()), headers=EN)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert [m.template for m in outbox(owner.email)] == ["signup_existing"]
    db.session.expire_all()
    assert db.session.get(User, owner.id).display_name == owner.display_name


def test_sign_up_and_log_in_spend_the_same_hashing_work_for_unknown_addresses(
    client, users, monkeypatch
):
    calls = {"hash": 0, "verify": 0}
    real_hash, real_verify = passwords.hash_password, passwords.verify_password

    def counting_hash(password):
        calls["hash"] += 1
        return real_hash(password)

    def counting_verify(password_hash, password):
        calls["verify"] += 1
        return real_verify(password_hash, password)

    monkeypatch.setattr(passwords, "hash_password", counting_hash)
    monkeypatch.setattr(passwords, "verify_password", counting_verify)

    login(client, users["volunteer"].email, "wrong password here")
    login(client, "nobody@example.org", "wrong password here")
    assert calls["verify"] == 2

    client.post("/auth/signup", data=signup_data(email=users["volunteer"].email), headers=EN)
    client.post("/auth/signup", data=signup_data(email="fresh@example.org"), headers=EN)
    assert calls["hash"] == 2


def test_failed_log_in_gives_one_message_whatever_was_wrong(client, users):
    wrong_password = login(client, users["volunteer"].email, "not the password at all")
    unknown_address = login(client, "nobody@example.org", "not the password at all")
    assert wrong_password.status_code == unknown_address.status_code == 401
    message = "The e-mail address or password is not correct."
    assert message in page(wrong_password)
    assert message in page(unknown_address)
    # What was typed is kept, except the password.
    assert 'value="nobody@example.org"' in page(unknown_address)
    assert "not the password at all" not in page(unknown_address)


def test_a_deactivated_account_cannot_log_in(client):
    user = UserFactory(active=False)
    assert login(client, user.email).status_code == 401


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "Use at least 10 characters."),
        ("1234567890", "one of the most common"),
        ("password123", "one of the most common"),
        ("x" * 257, "Use at most 256 characters."),
    ],
)
def test_weak_passwords_are_refused_and_the_form_is_kept(client, password, message):
    data = signup_data(password=password, password_confirm=password)
    response = client.post("/auth/signup", data=data, headers=EN)
    assert response.status_code == 422
    assert message in page(response)
    assert 'value="Amal Haddad"' in page(response)
    assert 'aria-invalid="true"' in page(response)
    assert 'aria-describedby="password-hint password-error"' in page(response)
    assert User.by_email("amal.haddad@example.org") is None
    assert outbox() == []


@pytest.mark.parametrize(
    "password",
    [
        "пароль для волонтёра",  # Cyrillic with spaces
        "كلمة سر طويلة جدا",  # Arabic
        "ጥሩ ቃል ምስጢር ነው 2026",  # Ge'ez script (Tigrinya)
        "🔑 secret 🔑 phrase",
        "a" * 64 + "Z" * 64,  # 128 characters
    ],
)
def test_any_unicode_password_of_ten_to_256_characters_works(client, password):
    data = signup_data(password=password, password_confirm=password)
    assert client.post("/auth/signup", data=data).status_code == 302
    user = User.by_email("amal.haddad@example.org")
    assert passwords.verify_password(user.password_hash, password)
    assert user.password_hash.startswith("$argon2id$")


def test_posting_extra_fields_changes_nothing(client):
    client.post("/auth/signup", data=signup_data(role="admin", active="0", id="1"))
    user = User.by_email("amal.haddad@example.org")
    assert user.role is Role.VOLUNTEER
    assert user.active


def test_signup_without_consent_is_refused(client):
    data = signup_data()
    del data["privacy_consent"]
    response = client.post("/auth/signup", data=data, headers=EN)
    assert response.status_code == 422
    assert "Please agree to the privacy notice" in page(response)
    assert User.by_email("amal.haddad@example.org") is None


def test_log_in_rehashes_when_the_parameters_changed(client):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    user = UserFactory(password_hash=weak.hash(PASSWORD))
    assert login(client, user.email).status_code == 302
    db.session.refresh(user)
    assert not passwords.needs_rehash(user.password_hash)
    assert passwords.verify_password(user.password_hash, PASSWORD)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "https:evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\t/evil.example",
        "\\\\evil.example",
    ],
)
def test_next_only_redirects_to_this_site(client, users, target):
    response = login(client, users["volunteer"].email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"


def test_next_to_a_local_page_is_followed(client, users):
    response = login(client, users["volunteer"].email, next="/auth/account?tab=1")
    assert response.headers["Location"] == "/auth/account?tab=1"


def test_log_out_kills_a_copied_cookie(app, users):
    client = app.test_client()
    login(client, users["volunteer"].email)
    stolen = app.test_client()
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    stolen.set_cookie(cookie.key, cookie.value)
    assert stolen.get("/home").status_code == 200

    client.post("/auth/logout")
    assert client.get("/home").status_code == 302
    assert stolen.get("/home").status_code == 302  # the token in it was rotated


def test_remember_me_keeps_the_user_logged_in_after_the_session_cookie(app, users):
    client = app.test_client()
    login(client, users["volunteer"].email, remember="y")
    remember = client.get_cookie(app.config["REMEMBER_COOKIE_NAME"])
    assert remember is not None
    assert remember.expires is not None

    fresh = app.test_client()  # a new browser session: only the remember cookie is kept
    fresh.set_cookie(remember.key, remember.value)
    assert fresh.get("/home").status_code == 200


def test_remember_me_lasts_at_most_30_days(app, users, monkeypatch):
    client = app.test_client()
    login(client, users["volunteer"].email, remember="y")
    remember = client.get_cookie(app.config["REMEMBER_COOKIE_NAME"])
    assert remember.expires.timestamp() - time.time() <= 30 * 24 * 3600 + 60
    user = db.session.get(User, users["volunteer"].id)
    db.session.refresh(user)
    user.session_token_issued_at -= timedelta(days=31)
    db.session.flush()
    fresh = app.test_client()
    fresh.set_cookie(remember.key, remember.value)
    assert fresh.get("/home").status_code == 302


def test_idle_and_absolute_session_lifetimes(client, users, app):
    log_in(client, users["volunteer"])
    assert client.get("/home").status_code == 200

    idle = app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    with client.session_transaction() as session:
        session["seen_at"] -= idle + 1
    response = client.get("/home", headers=EN)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]

    log_in(client, users["volunteer"])
    absolute = app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
    with client.session_transaction() as session:
        session["login_at"] -= absolute + 1  # active all along, but logged in too long ago
    assert client.get("/home").status_code == 302


def test_password_reset(client, users):
    user = users["volunteer"]
    response = client.post("/auth/forgot", data={"email": user.email}, headers=EN)
    assert response.status_code == 302
    link = last_link(user.email, "reset_password")
    assert client.get(link).status_code == 200

    response = client.post(
        link,
        data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        headers=EN,
    )
    assert response.status_code == 302
    assert login(client, user.email, NEW_PASSWORD).status_code == 302
    assert login(client, user.email, PASSWORD).status_code == 401
    assert outbox(user.email, "password_changed")
    # The link worked once.
    again = client.post(link, data={"password": "x" * 12, "password_confirm": "x" * 12})
    assert again.status_code == 400


def test_reset_request_answers_the_same_for_unknown_addresses(client, users):
    known = client.post("/auth/forgot", data={"email": users["volunteer"].email}, headers=EN)
    unknown = client.post("/auth/forgot", data={"email": "nobody@example.org"}, headers=EN)
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert outbox("nobody@example.org") == []
    # The flash only repeats what was typed.
    assert "nobody@example.org" in page(client.get("/auth/login", headers=EN))


def test_password_change_needs_the_current_password_and_ends_other_sessions(app, users):
    user = users["volunteer"]
    client, other_device = app.test_client(), app.test_client()
    login(client, user.email)
    login(other_device, user.email)

    wrong = client.post(
        "/auth/account/password",
        data={
            "password-current_password": "not it at all",
            "password-password": NEW_PASSWORD,
            "password-password_confirm": NEW_PASSWORD,
        },
        headers=EN,
    )
    assert wrong.status_code == 422
    assert "The current password is not correct." in page(wrong)

    right = client.post(
        "/auth/account/password",
        data={
            "password-current_password": PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-password_confirm": NEW_PASSWORD,
        },
    )
    assert right.status_code == 302
    assert client.get("/home").status_code == 200  # this device stays logged in
    assert other_device.get("/home").status_code == 302  # the others do not
    assert login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302


def test_email_change_needs_password_and_confirmation_from_the_new_address(client, users):
    user = users["volunteer"]
    old_email = user.email
    log_in(client, user)
    wrong = client.post(
        "/auth/account/email",
        data={"email-new_email": "new@example.org", "email-current_password": "nope nope nope"},
        headers=EN,
    )
    assert wrong.status_code == 422
    assert 'value="new@example.org"' in page(wrong)

    client.post(
        "/auth/account/email",
        data={"email-new_email": "New@Example.org", "email-current_password": PASSWORD},
    )
    db.session.expire_all()
    assert db.session.get(User, user.id).email == old_email  # not before confirmation
    link = last_link("new@example.org", "confirm_email_change")
    assert client.post(link).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "new@example.org"
    assert outbox(old_email, "email_changed")
    assert login(client, "new@example.org").status_code == 302
    assert client.post(link).status_code == 400  # used up


def test_email_change_to_a_taken_address_reveals_nothing(client, users):
    user, other = users["volunteer"], users["coordinator"]
    log_in(client, user)
    response = client.post(
        "/auth/account/email",
        data={"email-new_email": other.email, "email-current_password": PASSWORD},
        headers=EN,
    )
    assert response.status_code == 302
    assert [m.template for m in outbox(other.email)] == ["email_change_taken"]
    db.session.expire_all()
    assert db.session.get(User, user.id).email == user.email


def test_profile_and_language_can_be_changed(client, users):
    user = users["volunteer"]
    log_in(client, user)
    response = client.post(
        "/auth/account/profile",
        data={"profile-display_name": "  Rana A.  ", "profile-locale": "ar"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, user.id)
    assert changed.display_name == "Rana A."
    assert changed.locale == "ar"
    assert 'dir="rtl"' in page(client.get("/auth/account"))
