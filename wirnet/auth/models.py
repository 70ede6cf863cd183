"""Accounts: the user, the role it holds, and the consents it gave."""

from __future__ import annotations

import contextlib
import enum
import secrets
import unicodedata
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wirnet.db_types import UTCDateTime, utcnow
from wirnet.extensions import db
from wirnet.roles import Role


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased, which makes the unique constraint case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    locale: Mapped[str] = mapped_column(String(16), default="de")
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=Role.VOLUNTEER,
    )
    active: Mapped[bool] = mapped_column(default=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The id Flask-Login keeps in the cookie. Rotating it ends every session of the user,
    #: so a copied cookie dies at log-out, password change and deactivation.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    session_token_issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    consents: Mapped[list[Consent]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Consent.given_at"
    )

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {Role(r) for r in roles}

    def session_token_expired(self, max_age: timedelta) -> bool:
        """An older token no longer opens a session, remembered or not."""
        return self.session_token_issued_at < utcnow() - max_age

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()
        self.session_token_issued_at = utcnow()

    @classmethod
    def by_email(cls, email: str) -> User | None:
        return db.session.scalar(select(cls).where(cls.email == normalize_email(email)))

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


def normalize_email(email: str) -> str:
    """The one form of an address that is stored and looked up.

    One mailbox, one account: compatibility characters (a full-width ``ｅ``) and decomposed
    accents (``e`` + U+0301) are composed (NFKC), the domain is mapped as IDNA does
    (``MÜLLER.de`` and ``xn--mller-kva.de`` are ``müller.de``), and everything is
    lower-cased, which makes the unique constraint case-insensitive. Input that is no valid
    address (a look-up of garbage) gets the same treatment minus the domain mapping.
    """
    text = unicodedata.normalize("NFKC", email or "").strip()
    with contextlib.suppress(EmailNotValidError):
        text = validate_email(text, check_deliverability=False).normalized
    return unicodedata.normalize("NFKC", text.lower()).strip()


class ConsentKind(enum.StrEnum):
    PRIVACY_NOTICE = "privacy_notice"


class Consent(db.Model):
    """A consent as given: which notice, which version, when; withdrawal keeps the record."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    notice_version: Mapped[str] = mapped_column(String(40))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="consents")
