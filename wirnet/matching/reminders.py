"""What ``flask reminders send`` (hourly, by cron) does for matching:

1. **Waves.** An open request with automatic waves whose ``next_wave_at`` has come, and
   still a place free: the next ``MATCH_WAVE_SIZE`` best candidates not yet offered it
   are offered it (``assignments.propose``, as the system), and the next wave is due
   ``MATCH_WAVE_HOURS`` later (``MATCH_WAVE_HOURS_SHORT_NOTICE`` for short notice). After
   ``MATCH_MAX_WAVES`` waves, or when nobody is left to ask, the waves stop
   (``next_wave_at`` cleared) and the coordinators are told.
2. **Unfilled requests.** An open request starting within 48 hours with a place still free
   is reported to the coordinators once (``unfilled_alert_at``).
   Both go into one e-mail per coordinator, in their language.
3. **24-hour reminder.** A volunteer booked for an appointment starting within 24 hours is
   reminded once (``Assignment.reminded_at``; again only if the appointment was moved
   after the reminder): when, where (with the address), whom to contact.

Each step marks what it did, so running it twice sends nothing twice; on PostgreSQL two
runs at the same moment skip each other's rows (``FOR UPDATE SKIP LOCKED``). Everything is
queued in the outbox inside the caller's transaction; the caller commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_time
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import contains_eager

from wirnet import audit
from wirnet.auth.models import User
from wirnet.auth.services import coordinators
from wirnet.extensions import db
from wirnet.mail.outbox import queue_email
from wirnet.matching.followup import contact_of
from wirnet.requests.forms import KIND_LABELS, MODE_LABELS
from wirnet.requests.models import Assignment, AssignmentState, Request, RequestState
from wirnet.requests.services import local_today
from wirnet.urls import external_url
from wirnet.volunteers.languages import display_name
from wirnet.volunteers.models import VolunteerProfile

logger = logging.getLogger(__name__)

A = AssignmentState
REMIND_BEFORE = timedelta(hours=24)
ALERT_BEFORE = timedelta(hours=48)

#: Why the automatic waves of a request stopped.
MAX_REACHED = "max_waves"
NOBODY_LEFT = "nobody_left"
REFUSED = "refused"


@dataclass(frozen=True)
class MatchingReport:
    #: Volunteers reminded of an appointment within 24 hours.
    reminders: int = 0
    #: Automatic waves sent, and the offers in them.
    waves: int = 0
    offers: int = 0
    #: Requests the coordinators were told about (unfilled within 48 hours, or waves
    #: stopped), and the e-mails that told them.
    unfilled: int = 0
    alerts: int = 0


@dataclass
class Alert:
    """What the coordinators' e-mail lists."""

    soon: list[tuple[Request, int]] = field(default_factory=list)
    stopped: list[tuple[Request, int, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.soon) + len(self.stopped)


def send_matching_reminders(*, now: datetime) -> MatchingReport:
    """Waves, then the coordinators' alert, then the volunteers' reminders."""
    waves, offers, stopped = run_waves(now=now)
    alert = Alert(soon=unfilled_soon(now=now), stopped=stopped)
    told = alert_coordinators(alert, now=now)
    reminded = remind_volunteers(now=now)
    return MatchingReport(
        reminders=reminded, waves=waves, offers=offers, unfilled=len(alert), alerts=told
    )


# --- helpers ---------------------------------------------------------------------------------


def accepted_counts(request_ids) -> dict[int, int]:
    ids = list(request_ids)
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(Assignment.request_id, func.count(Assignment.id))
            .where(Assignment.request_id.in_(ids), Assignment.state == A.ACCEPTED)
            .group_by(Assignment.request_id)
        ).all()
    )


def _started(request: Request, now: datetime) -> bool:
    if request.starts_at is not None:
        return request.starts_at <= now
    return request.deadline is not None and request.deadline < local_today(now)


def _wave_hours(request: Request) -> int:
    config = current_app.config
    if request.short_notice:
        return int(config["MATCH_WAVE_HOURS_SHORT_NOTICE"])
    return int(config["MATCH_WAVE_HOURS"])


def _mail_context() -> dict:
    """What the e-mails need to describe an appointment (``mail/_appointment.txt``)."""
    return {
        "kind_labels": KIND_LABELS,
        "mode_labels": MODE_LABELS,
        "language_name": display_name,
        "clock": lambda value: format_time(value, "short"),
    }


# --- 1. waves ----------------------------------------------------------------------------------


def due_waves(now: datetime) -> list[Request]:
    return list(
        db.session.scalars(
            select(Request)
            .where(
                Request.state == RequestState.OPEN,
                Request.auto_waves,
                Request.next_wave_at.is_not(None),
                Request.next_wave_at <= now,
            )
            .order_by(Request.next_wave_at, Request.id)
            # Two runs at the same moment (PostgreSQL) do not both take the same rows.
            .with_for_update(skip_locked=True)
        )
    )


def next_candidates(request: Request, *, now: datetime, size: int) -> list[VolunteerProfile]:
    """The ``size`` best candidates (``rank_request``) never offered this request."""
    from wirnet.matching.candidates import rank_request

    ranking = rank_request(request, now=now)
    offered = set(
        db.session.scalars(select(Assignment.profile_id).where(Assignment.request_id == request.id))
    )
    ids = [
        evaluation.volunteer.profile_id
        for evaluation in ranking.candidates
        if evaluation.volunteer.profile_id not in offered
    ][:size]
    if not ids:
        return []
    profiles = {
        p.id: p
        for p in db.session.scalars(select(VolunteerProfile).where(VolunteerProfile.id.in_(ids)))
    }
    return [profiles[i] for i in ids if i in profiles]


def _stop(request: Request, why: str) -> None:
    request.next_wave_at = None
    audit.record("request.waves_stopped", obj=request, why=why, waves=request.waves_sent)


def run_waves(*, now: datetime) -> tuple[int, int, list[tuple[Request, int, str]]]:
    """Send the waves that are due: (waves sent, offers made, requests whose waves stopped
    with the number of volunteers accepted and why)."""
    from wirnet.matching import assignments

    config = current_app.config
    size = int(config["MATCH_WAVE_SIZE"])
    most = int(config["MATCH_MAX_WAVES"])
    due = due_waves(now)
    counts = accepted_counts(r.id for r in due)
    waves = offers = 0
    stopped: list[tuple[Request, int, str]] = []
    for request in due:
        accepted = counts.get(request.id, 0)
        if accepted >= request.volunteers_needed or _started(request, now):
            # Filled (it is about to be assigned) or too late: nothing more to ask.
            _stop(request, "filled" if accepted >= request.volunteers_needed else "started")
            continue
        if request.waves_sent >= most:
            _stop(request, MAX_REACHED)
            stopped.append((request, accepted, MAX_REACHED))
            continue
        profiles = next_candidates(request, now=now, size=size)
        if not profiles:
            _stop(request, NOBODY_LEFT)
            stopped.append((request, accepted, NOBODY_LEFT))
            continue
        try:
            with db.session.begin_nested():
                made = assignments.propose(
                    request, profiles, None, now=now, wave=request.waves_sent + 1
                )
        except assignments.AssignmentError as error:
            logger.warning("Wave for request %s refused: %s", request.id, error.code)
            _stop(request, REFUSED)
            stopped.append((request, accepted, REFUSED))
            continue
        request.waves_sent += 1
        following = (request.next_wave_at or now) + timedelta(hours=_wave_hours(request))
        if following <= now:  # the command did not run for a while: from now on
            following = now + timedelta(hours=_wave_hours(request))
        request.next_wave_at = following
        audit.record("request.wave_sent", obj=request, wave=request.waves_sent, offers=len(made))
        waves += 1
        offers += len(made)
    db.session.flush()
    return waves, offers, stopped


# --- 2. unfilled requests ------------------------------------------------------------------------


def unfilled_soon(*, now: datetime) -> list[tuple[Request, int]]:
    """Open requests starting within 48 hours (a flexible one: its deadline that close)
    with a place still free, not yet reported: (request, volunteers accepted)."""
    horizon = now + ALERT_BEFORE
    rows = list(
        db.session.scalars(
            select(Request)
            .where(
                Request.state == RequestState.OPEN,
                Request.unfilled_alert_at.is_(None),
                or_(
                    and_(Request.starts_at > now, Request.starts_at <= horizon),
                    and_(
                        Request.starts_at.is_(None),
                        Request.deadline >= local_today(now),
                        Request.deadline <= local_today(horizon),
                    ),
                ),
            )
            .order_by(func.coalesce(Request.starts_at, Request.deadline), Request.id)
            .with_for_update(skip_locked=True)
        )
    )
    counts = accepted_counts(r.id for r in rows)
    return [
        (request, counts.get(request.id, 0))
        for request in rows
        if counts.get(request.id, 0) < request.volunteers_needed
    ]


def alert_coordinators(alert: Alert, *, now: datetime) -> int:
    """One e-mail per coordinator, in their language, listing the requests; each request is
    marked, so that the 48-hour alert about it goes out once. Returns the e-mails queued."""
    if not alert:
        return 0
    for request, _accepted, *_ in [*alert.soon, *alert.stopped]:
        if request.unfilled_alert_at is None:
            request.unfilled_alert_at = now
    people = coordinators()
    for person in people:
        queue_email(
            "unfilled_requests",
            to=person.email,
            locale=person.locale,
            user=person,
            soon=alert.soon,
            stopped=alert.stopped,
            max_waves=int(current_app.config["MATCH_MAX_WAVES"]),
            reasons={"max": MAX_REACHED, "nobody": NOBODY_LEFT, "refused": REFUSED},
            match_link=lambda request: external_url("matching.match", request_id=request.id),
            board_link=external_url("requests.board"),
            **_mail_context(),
        )
    audit.record(
        "request.unfilled_alert",
        requests=sorted(r.id for r, *_ in [*alert.soon, *alert.stopped]),
        coordinators=len(people),
    )
    db.session.flush()
    return len(people)


# --- 3. the volunteers' 24-hour reminder -----------------------------------------------------


def due_reminders(now: datetime) -> list[Assignment]:
    rows = list(
        db.session.scalars(
            select(Assignment)
            .join(Request, Request.id == Assignment.request_id)
            .join(VolunteerProfile, VolunteerProfile.id == Assignment.profile_id)
            .join(User, User.id == VolunteerProfile.user_id)
            .options(
                contains_eager(Assignment.request).joinedload(Request.organisation),
                contains_eager(Assignment.request).joinedload(Request.municipality),
                contains_eager(Assignment.profile).contains_eager(VolunteerProfile.user),
            )
            .where(
                Assignment.state == A.ACCEPTED,
                Assignment.starts_at > now,
                Assignment.starts_at <= now + REMIND_BEFORE,
                Request.state.in_((RequestState.OPEN, RequestState.ASSIGNED)),
                User.active,
            )
            .order_by(Assignment.starts_at, Assignment.id)
            .with_for_update(of=Assignment, skip_locked=True)
        ).unique()
    )
    # Not reminded yet, or reminded of an earlier time: the appointment moved since (a
    # handful of rows: only those starting within the next 24 hours are read).
    return [
        row
        for row in rows
        if row.reminded_at is None or row.reminded_at < row.starts_at - REMIND_BEFORE
    ]


def remind_volunteers(*, now: datetime) -> int:
    due = due_reminders(now)
    for assignment in due:
        user = assignment.profile.user
        request = assignment.request
        queue_email(
            "assignment_reminder",
            to=user.email,
            locale=user.locale,
            user=user,
            assignment=assignment,
            request=request,
            contact=contact_of(request),
            link=external_url("matching.my_assignment", assignment_id=assignment.id),
            **_mail_context(),
        )
        assignment.reminded_at = now
        audit.record("assignment.reminder_queued", obj=assignment, request=request.id)
    db.session.flush()
    return len(due)
