"""Signed, expiring tokens for links in e-mails.

Each token carries a fingerprint of the state it may change (the password hash, the
address), so it stops working once used.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

CONFIRM_EMAIL = "confirm-email"
RESET_PASSWORD = "reset-password"  # noqa: S105 - a token purpose, not a password
CHANGE_EMAIL = "change-email"
VOLUNTEER_INVITATION = "volunteer-invitation"
#: An offer's accept and decline links (#8): ``{"a": assignment id, "n": its nonce}``.
ASSIGNMENT_OFFER = "assignment-offer"


def fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"wirnet.{purpose}")


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: timedelta) -> dict[str, Any] | None:
    """The payload, or None for a forged, altered or expired token."""
    try:
        payload = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    return payload if isinstance(payload, dict) else None
