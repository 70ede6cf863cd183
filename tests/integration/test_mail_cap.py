"""Nobody can make WIRnet flood an address: at most a few sign-up, confirmation and reset
e-mails go to one address an hour; the rest are dropped silently, and the audit log says so.

The answers stay the same for everyone, so the cap reveals nothing about who has an account.
The rate limits are off in the test profile: only the cap is at work here.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from tests.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.helpers import outbox, page
from wirnet.audit import AuditEntry
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.mail.models import OutboxMessage

EN = {"Accept-Language": "en"}
CAP = 3


def dropped() -> list[AuditEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "mail.dropped_rate_limit")
            .order_by(AuditEntry.id)
        )
    )


def forgot(client, email: str):
    return client.post("/auth/forgot", data={"email": email}, headers=EN)


def test_reset_mails_to_one_address_are_capped_and_the_answer_stays_the_same(app, client):
    user = UserFactory(email="lost@example.org")
    assert app.config["MAIL_PER_ADDRESS_PER_HOUR"] == CAP
    answers = []
    for _ in range(CAP + 3):
        response = forgot(client, "lost@example.org")
        assert response.status_code == 302
        answers.append((response.headers["Location"], client.get("/auth/login", headers=EN)))

    assert len(outbox("lost@example.org", "reset_password")) == CAP
    assert {location for location, _ in answers} == {"/auth/login"}
    assert all("If an account exists" in page(shown) for _, shown in answers)

    entries = dropped()
    assert len(entries) == 3
    assert {entry.details["template"] for entry in entries} == {"reset_password"}
    assert {entry.object_id for entry in entries} == {user.id}


def test_the_cap_counts_per_address(client):
    UserFactory(email="first@example.org")
    UserFactory(email="second@example.org")
    for _ in range(CAP + 1):
        forgot(client, "first@example.org")

    forgot(client, "second@example.org")
    assert len(outbox("first@example.org", "reset_password")) == CAP
    assert len(outbox("second@example.org", "reset_password")) == 1


def test_messages_older_than_an_hour_do_not_count(client):
    UserFactory(email="patient@example.org")
    for _ in range(CAP):
        forgot(client, "patient@example.org")
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.to_address == "patient@example.org")
        .values(created_at=utcnow() - timedelta(minutes=61))
    )

    forgot(client, "patient@example.org")
    assert len(outbox("patient@example.org", "reset_password")) == CAP + 1
    assert not dropped()


def test_sign_up_with_a_taken_address_is_capped_too(client):
    UserFactory(email="taken@example.org")
    form = {
        "display_name": "Someone Else",
        "email": "Taken@Example.org",
        "password": "Kaffee am Fluss 2026",
        "password_confirm": "Kaffee am Fluss 2026",
        "locale": "en",
        "privacy_consent": "y",
    }
    for _ in range(CAP + 2):
        response = client.post("/auth/signup", data=form, headers=EN)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/auth/signup/sent")

    assert len(outbox("taken@example.org", "signup_existing")) == CAP
    assert len(dropped()) == 2


def test_confirmation_mails_on_unconfirmed_log_in_are_capped(app):
    user = UserFactory(email="unsure@example.org", email_confirmed_at=None)
    for _ in range(CAP + 2):
        client = app.test_client()
        response = client.post(
            "/auth/login", data={"email": user.email, "password": PASSWORD}, headers=EN
        )
        assert response.status_code == 401
        assert "confirm your e-mail address first" in page(response)

    assert len(outbox("unsure@example.org", "confirm_email")) == CAP
    assert [entry.details["template"] for entry in dropped()] == ["confirm_email"] * 2


def test_all_capped_kinds_count_together(client):
    """Reset and sign-up mails to one address share its allowance."""
    UserFactory(email="shared@example.org")
    for _ in range(2):
        forgot(client, "shared@example.org")
    form = {
        "display_name": "Someone Else",
        "email": "shared@example.org",
        "password": "Kaffee am Fluss 2026",
        "password_confirm": "Kaffee am Fluss 2026",
        "locale": "en",
        "privacy_consent": "y",
    }
    for _ in range(2):
        client.post("/auth/signup", data=form, headers=EN)

    assert len(outbox("shared@example.org")) == CAP
    assert len(dropped()) == 1


def test_confirmations_of_a_new_address_are_capped(app, users):
    client = app.test_client()
    user = users["volunteer"]
    log_in(client, user)
    form = {"email-new_email": "new.home@example.org", "email-current_password": PASSWORD}
    for _ in range(CAP + 1):
        response = client.post("/auth/account/email", data=form, headers=EN)
        assert response.status_code == 302

    assert len(outbox("new.home@example.org", "confirm_email_change")) == CAP
    assert [entry.details["template"] for entry in dropped()] == ["confirm_email_change"]


def test_notices_to_the_owner_are_never_dropped(app, users):
    """A changed password is always told, however many mails the address had."""
    user = users["volunteer"]
    client = app.test_client()
    for _ in range(CAP + 1):
        forgot(client, user.email)
    log_in(client, user)

    response = client.post(
        "/auth/account/password",
        data={
            "password-current_password": PASSWORD,
            "password-password": "Kaffee am Fluss 2026",
            "password-password_confirm": "Kaffee am Fluss 2026",
        },
        headers=EN,
    )
    assert response.status_code == 302
    assert len(outbox(user.email, "password_changed")) == 1
