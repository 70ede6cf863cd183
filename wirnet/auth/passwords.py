"""Password hashing (argon2id with argon2-cffi's defaults) and the password policy."""

from __future__ import annotations

import enum
import unicodedata
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 256

_hasher = PasswordHasher()


def _normalise(password: str) -> str:
    # The same password typed on two keyboards can arrive in two Unicode forms.
    return unicodedata.normalize("NFC", password)


def hash_password(password: str) -> str:
    return _hasher.hash(_normalise(password))


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, _normalise(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not a real password, only spends the same time")


def spend_verification_time(password: str) -> None:
    """Verify against a throw-away hash, so an unknown address costs what a known one does."""
    verify_password(_dummy_hash(), password)


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common passwords of public breach corpora.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    extra = {"wirnet", "wirnet1234", "vielfalt123", "passwort123", "passwort1234"}
    return frozenset(FREQUENCY_LISTS["passwords"]) | extra


def is_common(password: str) -> bool:
    return _normalise(password).casefold() in _common_passwords()


class Problem(enum.Enum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    TOO_COMMON = "too_common"


def policy_problem(password: str) -> Problem | None:
    """The password policy, in one place: what is wrong with ``password``, if anything."""
    if len(password) < MIN_LENGTH:
        return Problem.TOO_SHORT
    if len(password) > MAX_LENGTH:
        return Problem.TOO_LONG
    if is_common(password):
        return Problem.TOO_COMMON
    return None
