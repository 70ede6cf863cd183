"""The account rules: sign-up, confirmation, log-in, password and e-mail changes.

Services flush and audit; the view commits. None of them reads ``flask.request``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from flask import current_app
from sqlalchemy import func, select

from wirnet import audit
from wirnet.auth import passwords, tokens
from wirnet.auth.models import Consent, ConsentKind, User, normalize_email
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.mail.outbox import queue_email, render_message
from wirnet.roles import Role
from wirnet.urls import external_url


@dataclass(frozen=True)
class SignupData:
    display_name: str
    email: str
    password: str
    locale: str


def _send_confirmation(user: User) -> None:
    token = tokens.make_token(tokens.CONFIRM_EMAIL, {"uid": user.id, "email": user.email})
    queue_email(
        "confirm_email",
        to=user.email,
        locale=user.locale,
        user=user,
        link=external_url("auth.confirm_email", token=token),
        hours=int(current_app.config["EMAIL_TOKEN_MAX_AGE"].total_seconds() // 3600),
    )


def sign_up(
    data: SignupData,
    notice_version: str,
    *,
    role: Role = Role.VOLUNTEER,
    existing_template: str = "signup_existing",
    **existing_context,
) -> User | None:
    """Create an unconfirmed account (a volunteer's unless ``role`` says otherwise) and send
    the confirmation link.

    When the address is taken, the owner is told by e-mail instead (``existing_template``,
    with ``existing_context``) and None is returned; the caller answers the same either way,
    so nobody learns which addresses exist.
    """
    email = normalize_email(data.email)
    password_hash = passwords.hash_password(data.password)  # the same cost on both paths
    existing = User.by_email(email)
    if existing is not None:
        queue_email(
            existing_template,
            to=existing.email,
            locale=existing.locale,
            user=existing,
            login_link=external_url("auth.login"),
            reset_link=external_url("auth.forgot_password"),
            **existing_context,
        )
        return None
    user = User(
        email=email,
        password_hash=password_hash,
        display_name=data.display_name,
        locale=data.locale,
        role=role,
    )
    db.session.add(user)
    db.session.flush()
    give_consent(user, notice_version)
    audit.record("user.signed_up", actor=user, obj=user, role=str(role))
    _send_confirmation(user)
    return user


def give_consent(user: User, notice_version: str) -> Consent:
    """Record the user's consent to this version of the privacy notice."""
    consent = Consent(kind=ConsentKind.PRIVACY_NOTICE, notice_version=notice_version)
    user.consents.append(consent)
    return consent


class ConfirmResult(Enum):
    CONFIRMED = "confirmed"
    ALREADY = "already"
    INVALID = "invalid"


def confirm_email(token: str) -> ConfirmResult:
    payload = tokens.read_token(
        tokens.CONFIRM_EMAIL, token, current_app.config["EMAIL_TOKEN_MAX_AGE"]
    )
    if payload is None:
        return ConfirmResult.INVALID
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.email != payload.get("email"):
        return ConfirmResult.INVALID
    if user.email_confirmed:
        return ConfirmResult.ALREADY
    user.email_confirmed_at = utcnow()
    audit.record("user.email_confirmed", actor=user, obj=user)
    db.session.flush()
    return ConfirmResult.CONFIRMED


def check_confirm_token(token: str) -> bool:
    return (
        tokens.read_token(tokens.CONFIRM_EMAIL, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
        is not None
    )


class LoginOutcome(Enum):
    OK = "ok"
    FAILED = "failed"
    UNCONFIRMED = "unconfirmed"


def authenticate(email: str, password: str) -> tuple[LoginOutcome, User | None]:
    """Check the credentials; rehash when argon2's parameters have changed."""
    user = User.by_email(email)
    if user is None:
        passwords.spend_verification_time(password)
        return LoginOutcome.FAILED, None
    if not passwords.verify_password(user.password_hash, password) or not user.active:
        return LoginOutcome.FAILED, None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    if not user.email_confirmed:
        # Only someone who knows the password learns this, so it reveals nothing new.
        _send_confirmation(user)
        return LoginOutcome.UNCONFIRMED, user
    return LoginOutcome.OK, user


def record_login(user: User) -> None:
    if user.session_token_expired(current_app.config["REMEMBER_COOKIE_DURATION"]):
        user.rotate_session_token()  # an old token would make a remember-me cookie useless
    user.last_login_at = utcnow()
    audit.record("user.logged_in", actor=user, obj=user)
    db.session.flush()


def log_out(user: User) -> None:
    """End every session of the user: the cookie's token is replaced."""
    user.rotate_session_token()
    audit.record("user.logged_out", actor=user, obj=user)
    db.session.flush()


def _password_fingerprint(user: User) -> str:
    """What a reset link is bound to: it dies when the password or the address changes."""
    return tokens.fingerprint(user.password_hash, user.email)


def request_password_reset(email: str) -> None:
    """Send a reset link if the address belongs to an active account; otherwise do the same work."""
    user = User.by_email(email)
    if user is None or not user.active:
        # Render a message anyway, so both answers take about as long.
        render_message("reset_password", "de", user=None, link="", hours=1)
        return
    token = tokens.make_token(
        tokens.RESET_PASSWORD, {"uid": user.id, "fp": _password_fingerprint(user)}
    )
    queue_email(
        "reset_password",
        to=user.email,
        locale=user.locale,
        user=user,
        link=external_url("auth.reset_password", token=token),
        hours=max(1, round(current_app.config["RESET_TOKEN_MAX_AGE"].total_seconds() / 3600)),
    )
    audit.record("user.password_reset_requested", obj=user)


def user_for_reset_token(token: str) -> User | None:
    payload = tokens.read_token(
        tokens.RESET_PASSWORD, token, current_app.config["RESET_TOKEN_MAX_AGE"]
    )
    if payload is None:
        return None
    user = db.session.get(User, payload.get("uid"))
    if user is None or not user.active or payload.get("fp") != _password_fingerprint(user):
        return None
    return user


def _set_password(user: User, new_password: str) -> None:
    user.password_hash = passwords.hash_password(new_password)
    user.rotate_session_token()
    queue_email("password_changed", to=user.email, locale=user.locale, user=user)


@dataclass(frozen=True)
class OwnerDetails:
    """What the owner of an address tells us when a reset confirms their account."""

    display_name: str
    locale: str
    notice_version: str


def reset_password(user: User, new_password: str, owner: OwnerDetails | None = None) -> None:
    """Set the new password. Following the link proves the address, so an unconfirmed
    account becomes confirmed, but with the owner's own name, language and consent
    (``owner``, required then): whoever signed up may have been someone else."""
    if user.email_confirmed_at is None:
        if owner is None:
            raise ValueError("an unconfirmed account needs the owner's details")
        _take_over(user, owner)
    _set_password(user, new_password)
    audit.record("user.password_reset", actor=user, obj=user)
    db.session.flush()


def _take_over(user: User, owner: OwnerDetails) -> None:
    user.display_name = owner.display_name
    user.locale = owner.locale
    now = utcnow()
    for consent in user.consents:  # given by whoever signed up, not by the owner
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now
    give_consent(user, owner.notice_version)
    user.email_confirmed_at = now
    audit.record("user.confirmed_by_reset", actor=user, obj=user)


def change_password(user: User, current_password: str, new_password: str) -> bool:
    if not passwords.verify_password(user.password_hash, current_password):
        return False
    _set_password(user, new_password)
    audit.record("user.password_changed", actor=user, obj=user)
    db.session.flush()
    return True


def _email_change_fingerprint(user: User) -> str:
    return tokens.fingerprint(user.email, user.password_hash)


def request_email_change(user: User, current_password: str, new_email: str) -> bool:
    """Send a confirmation link to the new address; False when the password is wrong."""
    if not passwords.verify_password(user.password_hash, current_password):
        return False
    new_email = normalize_email(new_email)
    if new_email == user.email:
        return True
    owner = User.by_email(new_email)
    if owner is not None:
        # Tell the owner of that address, in the owner's language, not the requester: no
        # enumeration.
        queue_email("email_change_taken", to=owner.email, locale=owner.locale, user=owner)
        return True
    token = tokens.make_token(
        tokens.CHANGE_EMAIL,
        {"uid": user.id, "new": new_email, "fp": _email_change_fingerprint(user)},
    )
    queue_email(
        "confirm_email_change",
        to=new_email,
        locale=user.locale,
        user=user,
        link=external_url("auth.confirm_email_change", token=token),
        hours=int(current_app.config["EMAIL_TOKEN_MAX_AGE"].total_seconds() // 3600),
    )
    audit.record("user.email_change_requested", actor=user, obj=user)
    return True


def user_for_email_change_token(token: str) -> tuple[User, str] | None:
    payload = tokens.read_token(
        tokens.CHANGE_EMAIL, token, current_app.config["EMAIL_TOKEN_MAX_AGE"]
    )
    if payload is None:
        return None
    user = db.session.get(User, payload.get("uid"))
    if user is None or payload.get("fp") != _email_change_fingerprint(user):
        return None
    return user, payload["new"]


def confirm_email_change(user: User, new_email: str) -> bool:
    """Switch to the new address; False when it was taken in the meantime."""
    if User.by_email(new_email) is not None:
        return False
    old = user.email
    user.email = new_email
    user.email_confirmed_at = utcnow()
    user.rotate_session_token()
    queue_email("email_changed", to=old, locale=user.locale, user=user, new_email=new_email)
    audit.record("user.email_changed", actor=user, obj=user)
    db.session.flush()
    return True


def update_profile(user: User, display_name: str, locale: str) -> None:
    user.display_name = display_name
    user.locale = locale
    db.session.flush()


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.flush()


def active_accounts_by_role() -> dict[Role, int]:
    rows = db.session.execute(
        select(User.role, func.count()).where(User.active).group_by(User.role)
    )
    return dict(rows.all())


def unconfirmed_accounts() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.email_confirmed_at.is_(None))
    )


def deactivate(user: User, actor: User) -> None:
    user.active = False
    user.rotate_session_token()
    audit.record("user.deactivated", actor=actor, obj=user)
    db.session.flush()


def resend_confirmation(user: User, actor: User) -> None:
    """Send an unconfirmed account a new confirmation link (asked for by an administrator)."""
    _send_confirmation(user)
    audit.record("user.confirmation_resent", actor=actor, obj=user)
    db.session.flush()


def create_user(
    *, email: str, password_hash: str, display_name: str, role: Role, locale: str = "de"
) -> User:
    """An account made by an administrator (CLI, demo data): confirmed, no confirmation mail.

    Takes the hash, so that demo data can hash its one shared password once.
    """
    user = User(
        email=normalize_email(email),
        password_hash=password_hash,
        display_name=display_name,
        role=role,
        locale=locale,
        email_confirmed_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", obj=user, role=str(role))
    return user


def coordinators() -> list[User]:
    """The coordinators to tell about something: active, with a confirmed address."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.COORDINATOR, User.active, User.email_confirmed_at.is_not(None))
            .order_by(User.id)
        )
    )
