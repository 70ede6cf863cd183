"""The rules of qualifications: expiry, what counts as held, verification and evidence.

Pure functions take plain values (dates), so that the matching engine and reminders use
the same rules as the pages.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import select

from wirnet import audit
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.volunteers.models import (
    Qualification,
    QualificationState,
    QualificationType,
    VolunteerProfile,
)


class QualificationError(ValueError):
    """A claim or a decision that the rules do not allow.

    ``reason`` is a short stable code (``"future_date"``, ``"evidence_missing"`` …) that a
    view maps to a translated message; the text is for logs and the terminal.
    """

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def compute_expiry(obtained_on: date, validity_months: int | None) -> date | None:
    """The last day it counts (before any grace period); None when it never expires.

    The day before the same day of the month ``validity_months`` later (obtained 15 Jan,
    12 months: counts until 14 Jan). When the later month has no such day, it counts to
    that month's last day (obtained 31 Jan, 1 month: until 28/29 Feb; obtained 29 Feb
    2024, 12 months: until 28 Feb 2025), as § 188 (3) BGB reckons periods of months.
    """
    if validity_months is None:
        return None
    later = add_months(obtained_on, validity_months)
    if later.day < obtained_on.day:  # clamped: the month has no such day
        return later
    return later - timedelta(days=1)


class Standing(StrEnum):
    """How a qualification stands on a given day."""

    HELD = "held"  # verified and valid
    EXPIRING = "expiring"  # held, inside the renewal window
    GRACE = "grace"  # expired, but still counts during the grace period (flagged)
    EXPIRED = "expired"
    UNVERIFIED = "unverified"  # claimed, not yet verified
    REJECTED = "rejected"


def standing(
    state: QualificationState,
    expires_on: date | None,
    *,
    renewal_window_days: int,
    grace_days: int,
    on: date,
) -> Standing:
    state = QualificationState(state)
    if state is QualificationState.REJECTED:
        return Standing.REJECTED
    if state is not QualificationState.VERIFIED:
        return Standing.UNVERIFIED
    if expires_on is None or on <= expires_on - timedelta(days=renewal_window_days):
        return Standing.HELD
    if on <= expires_on:
        return Standing.EXPIRING
    if on <= expires_on + timedelta(days=grace_days):
        return Standing.GRACE
    return Standing.EXPIRED


#: The standings in which a qualification counts as held (for matching, filters, reports).
COUNTS = frozenset({Standing.HELD, Standing.EXPIRING, Standing.GRACE})


def standing_of(qualification: Qualification, on: date) -> Standing:
    kind = qualification.type
    return standing(
        qualification.state,
        qualification.expires_on,
        renewal_window_days=kind.renewal_window_days,
        grace_days=kind.grace_days,
        on=on,
    )


def counts_as_held(qualification: Qualification, on: date) -> bool:
    return standing_of(qualification, on) in COUNTS


def claim(
    profile: VolunteerProfile,
    kind: QualificationType,
    obtained_on: date,
    actor,
    *,
    today: date,
) -> Qualification:
    """The volunteer says they hold ``kind`` since ``obtained_on``; a coordinator verifies."""
    if obtained_on > today:
        raise QualificationError("obtained in the future", "future_date")
    expires_on = compute_expiry(obtained_on, kind.validity_months)
    if expires_on is not None and expires_on < today - timedelta(days=kind.grace_days):
        raise QualificationError("already expired", "expired")
    qualification = Qualification(
        profile=profile, type=kind, obtained_on=obtained_on, expires_on=expires_on
    )
    db.session.add(qualification)
    db.session.flush()
    audit.record("qualification.claimed", actor=actor, obj=qualification, type=kind.key)
    return qualification


def record_evidence(
    qualification: Qualification,
    actor,
    *,
    seen_on: date,
    dated: date | None,
    relevant_entry: bool | None = None,
    today: date,
) -> None:
    """A coordinator has seen the certificate: when, its date, who; never a copy.

    For the police clearance certificate also whether it holds a relevant entry, and
    nothing else (§ 72a (5) SGB VIII).
    """
    # Every check before the first change: a refused record leaves the row as it was.
    if seen_on > today or (dated is not None and dated > today):
        raise QualificationError("a date in the future", "future_date")
    if dated is not None and dated > seen_on:
        raise QualificationError("dated after it was seen", "dated_after_seen")
    police_clearance = qualification.type.police_clearance
    if police_clearance and relevant_entry is None:
        raise QualificationError("say whether it holds a relevant entry", "relevant_entry_missing")
    qualification.evidence_seen_on = seen_on
    qualification.evidence_dated = dated
    qualification.evidence_seen_by_id = actor.id
    if police_clearance:
        qualification.relevant_entry = relevant_entry
    audit.record("qualification.evidence_seen", actor=actor, obj=qualification)
    db.session.flush()


def verify(qualification: Qualification, actor, *, note: str | None = None) -> None:
    kind = qualification.type
    if kind.evidence_required and qualification.evidence_seen_on is None:
        raise QualificationError("evidence must be seen first", "evidence_missing")
    if kind.police_clearance and qualification.relevant_entry is None:
        # Verified means "seen and without a relevant entry": the entry must be recorded.
        raise QualificationError("evidence must be seen first", "evidence_missing")
    if kind.police_clearance and qualification.relevant_entry:
        raise QualificationError(
            "a certificate with a relevant entry cannot be verified", "relevant_entry"
        )
    _decide(qualification, QualificationState.VERIFIED, actor, note)


def reject(qualification: Qualification, actor, *, note: str) -> None:
    if not (note or "").strip():
        raise QualificationError("a rejection needs a note", "note_missing")
    _decide(qualification, QualificationState.REJECTED, actor, note)


def _decide(qualification: Qualification, state: QualificationState, actor, note) -> None:
    qualification.state = state
    qualification.note = note or None
    qualification.decided_by_id = actor.id
    qualification.decided_at = utcnow()
    audit.record(f"qualification.{state.value}", actor=actor, obj=qualification)
    db.session.flush()


def expiring_within(days: int, *, today: date) -> list[Qualification]:
    """Verified qualifications whose expiry falls in the next ``days`` days (soonest first)."""
    stmt = (
        select(Qualification)
        .where(Qualification.state == QualificationState.VERIFIED)
        .where(Qualification.expires_on.is_not(None))
        .where(Qualification.expires_on >= today)
        .where(Qualification.expires_on <= today + timedelta(days=days))
        .order_by(Qualification.expires_on, Qualification.id)
    )
    return list(db.session.scalars(stmt))
