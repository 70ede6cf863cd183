"""Reminders of expiring qualifications: ``flask --app wirnet reminders send`` (daily, by cron).

When a verified qualification enters its type's renewal window (or is already in its grace
period when the command first sees it), the volunteer gets an e-mail in their language, and
the coordinators one summary each. Every qualification is reminded once
(``Qualification.reminded_at``), so running the command twice sends nothing twice. Paused
volunteers are told too (they may come back); volunteers who left, or whose account is
deactivated, are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from wirnet import audit
from wirnet.auth.models import User
from wirnet.auth.services import coordinators
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.mail.outbox import queue_email
from wirnet.urls import external_url
from wirnet.volunteers import catalogue
from wirnet.volunteers import qualifications as rules
from wirnet.volunteers.models import (
    Qualification,
    QualificationState,
    QualificationType,
    VolunteerProfile,
    VolunteerStatus,
)

#: The standings that call for a reminder: inside the window, or counting on in grace.
DUE = frozenset({rules.Standing.EXPIRING, rules.Standing.GRACE})


@dataclass(frozen=True)
class ReminderReport:
    volunteers: int
    coordinators: int


def due(today: date) -> list[Qualification]:
    """Qualifications whose reminder is due today and has not gone out yet."""
    widest = db.session.execute(
        select(
            func.max(QualificationType.renewal_window_days),
            func.max(QualificationType.grace_days),
        )
    ).one()
    window, grace = widest[0] or 0, widest[1] or 0
    stmt = (
        select(Qualification)
        .join(VolunteerProfile, VolunteerProfile.id == Qualification.profile_id)
        .join(User, User.id == VolunteerProfile.user_id)
        .options(contains_eager(Qualification.profile).contains_eager(VolunteerProfile.user))
        .where(
            Qualification.state == QualificationState.VERIFIED,
            Qualification.reminded_at.is_(None),
            Qualification.expires_on.is_not(None),
            Qualification.expires_on <= today + timedelta(days=window),
            Qualification.expires_on >= today - timedelta(days=grace),
            VolunteerProfile.status != VolunteerStatus.LEFT,
            User.active,
        )
        .order_by(Qualification.expires_on, Qualification.id)
        # Two runs at the same moment (PostgreSQL) do not both take the same rows.
        .with_for_update(of=Qualification, skip_locked=True)
    )
    return [q for q in db.session.scalars(stmt).unique() if rules.standing_of(q, today) in DUE]


def send_reminders(*, today: date) -> ReminderReport:
    """Queue the due reminders in the outbox (in this transaction); the caller commits."""
    reminded = due(today)
    if not reminded:
        return ReminderReport(0, 0)
    now = utcnow()
    for qualification in reminded:
        user = qualification.profile.user
        queue_email(
            "qualification_expiring",
            to=user.email,
            locale=user.locale,
            user=user,
            qualification=qualification,
            expired=qualification.expires_on < today,
            type_name=catalogue.type_name,
            link=external_url("volunteers.qualifications"),
        )
        qualification.reminded_at = now
        audit.record(
            "qualification.reminder_queued",
            obj=qualification,
            expires_on=qualification.expires_on.isoformat(),
        )
    recipients = coordinators()
    for coordinator in recipients:
        queue_email(
            "qualification_expiring_summary",
            to=coordinator.email,
            locale=coordinator.locale,
            user=coordinator,
            qualifications=reminded,
            type_name=catalogue.type_name,
            link=external_url("volunteers.coordinator_expiring"),
        )
    db.session.flush()
    return ReminderReport(len(reminded), len(recipients))
