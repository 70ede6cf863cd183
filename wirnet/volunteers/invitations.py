"""Invitations for imported volunteers: a signed link to choose a password and consent.

An imported account has a password nobody knows and is not confirmed. The invitation link
carries the account's id and a fingerprint of its password hash and address, so it stops
working once used (the password changes) and after ``INVITATION_TOKEN_MAX_AGE``. After
that, "Forgot your password?" still lets the owner in (and asks for the same details).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from wirnet import audit
from wirnet.auth import passwords, tokens
from wirnet.auth.models import User
from wirnet.auth.services import give_consent
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.mail.outbox import queue_email
from wirnet.urls import external_url


def _fingerprint(user: User) -> str:
    return tokens.fingerprint(user.password_hash, user.email)


def invitation_link(user: User) -> str:
    token = tokens.make_token(
        tokens.VOLUNTEER_INVITATION, {"uid": user.id, "fp": _fingerprint(user)}
    )
    return external_url("volunteers.accept_invitation", token=token)


def send_invitation(user: User) -> None:
    """Queue the invitation e-mail, in the volunteer's language."""
    max_age = current_app.config["INVITATION_TOKEN_MAX_AGE"]
    queue_email(
        "volunteer_invitation",
        to=user.email,
        locale=user.locale,
        user=user,
        link=invitation_link(user),
        days=max(1, max_age.days),
        reset_link=external_url("auth.forgot_password"),
    )


def user_for_invitation(token: str) -> User | None:
    """The invited account, or None for a forged, expired or used link."""
    payload = tokens.read_token(
        tokens.VOLUNTEER_INVITATION, token, current_app.config["INVITATION_TOKEN_MAX_AGE"]
    )
    if payload is None:
        return None
    user = db.session.get(User, payload.get("uid"))
    if (
        user is None
        or not user.active
        or user.email_confirmed_at is not None
        or payload.get("fp") != _fingerprint(user)
    ):
        return None
    return user


@dataclass(frozen=True)
class Acceptance:
    display_name: str
    locale: str
    password: str
    notice_version: str


def accept_invitation(user: User, details: Acceptance) -> None:
    """Set the password, name and language, record the consent, confirm the address."""
    user.display_name = details.display_name
    user.locale = details.locale
    user.password_hash = passwords.hash_password(details.password)
    user.email_confirmed_at = utcnow()
    user.rotate_session_token()
    give_consent(user, details.notice_version)
    audit.record("volunteer.invitation_accepted", actor=user, obj=user)
    db.session.flush()
