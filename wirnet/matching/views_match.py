"""The coordinator's match page (the volunteers ranked for a request, with their reasons,
and the near misses with the one rule they failed) and the volunteer's page of open
requests that match them.

Both pages only read: the forms on them post to the assignment views
(``matching.propose``, ``matching.assign``, ``matching.withdraw``,
``matching.confirm_offer``, ``matching.volunteer_offer``). The match page sends the same
number of queries whatever the number of volunteers (see ``wirnet.matching.candidates``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import abort, current_app, render_template
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from wirnet.auth.models import User
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.i18n import current_locale
from wirnet.matching import bp, candidates, engine, reasons
from wirnet.matching.facts import local_today
from wirnet.matching.forms_volunteer import ASSIGNMENT_STATE_LABELS
from wirnet.matching.open_requests import open_requests_for
from wirnet.requests import services as request_services
from wirnet.requests.models import Assignment, AssignmentState, Request, RequestState
from wirnet.requests.views import labels as request_labels
from wirnet.roles import Role
from wirnet.security import coordinators_only, current_account, role_required
from wirnet.volunteers import catalogue
from wirnet.volunteers.models import VolunteerProfile, VolunteerStatus

#: Larger ids cannot exist (and would overflow the database's integer): answer 404.
MAX_ID = 2**31 - 1

volunteer_only = role_required(Role.VOLUNTEER)

A = AssignmentState
S = RequestState
#: Assignments still in play: a coordinator may withdraw them until the appointment.
LIVE = (A.PROPOSED, A.VOLUNTEERED, A.ACCEPTED)
#: Assignments holding one of the request's places.
HOLDING = (A.ACCEPTED, A.COMPLETED)
#: Requests the ranking is worth showing for (before the appointment).
RANKED_STATES = (S.DRAFT, S.OPEN, S.ASSIGNED)
#: The page shows the best this many candidates (all are ranked), so that it stays light.
SHOWN_CANDIDATES = 25


@dataclass
class Row:
    """One volunteer on the match page: the engine's evaluation and what the page adds."""

    evaluation: engine.Evaluation
    user_id: int | None
    reasons: list[str] = field(default_factory=list)
    failure: str | None = None

    @property
    def profile_id(self) -> int:
        return self.evaluation.volunteer.profile_id

    @property
    def name(self) -> str:
        return self.evaluation.volunteer.name


@dataclass
class Booking:
    """One of the request's assignments, as the page lists it."""

    assignment: Assignment
    name: str
    user_id: int


def _started(item: Request, now: datetime) -> bool:
    if item.starts_at is not None:
        return item.starts_at <= now
    if item.deadline is not None:
        return item.deadline < local_today(now)
    return False


def _bookings(item: Request) -> list[Booking]:
    rows = db.session.execute(
        select(Assignment, User.display_name, User.id)
        .join(VolunteerProfile, VolunteerProfile.id == Assignment.profile_id)
        .join(User, User.id == VolunteerProfile.user_id)
        .where(Assignment.request_id == item.id)
        .order_by(Assignment.created_at, Assignment.id)
    )
    return [Booking(assignment, name, user_id) for assignment, name, user_id in rows]


def _user_ids(profile_ids: list[int]) -> dict[int, int]:
    if not profile_ids:
        return {}
    return dict(
        db.session.execute(
            select(VolunteerProfile.id, VolunteerProfile.user_id).where(
                VolunteerProfile.id.in_(profile_ids)
            )
        ).all()
    )


def _sentences(evaluation: engine.Evaluation, names: dict[str, str]) -> list[str]:
    """The reasons of a candidate as sentences in the reader's language."""
    return reasons.describe_all(evaluation.reasons, qualification_names=names)


def _failure(evaluation: engine.Evaluation, names: dict[str, str]) -> str | None:
    """The one rule a near miss breaks, as a sentence ("busy 10:00–11:30")."""
    if not evaluation.failures:
        return None
    return reasons.describe(evaluation.failures[0], qualification_names=names)


def _why_not(item: Request, started: bool) -> str | None:
    """Why offers cannot go out now (None: they can)."""
    if item.state in (S.CANCELLED, S.EXPIRED, S.CONFIRMED, S.COMPLETED):
        return _("This request is closed: no offers can go out for it.")
    if started:
        return _("The appointment has begun: no offers can go out any more.")
    if item.state == S.DRAFT:
        return _("This request is still a draft. Publish it before offering it to volunteers.")
    if item.state == S.ASSIGNED:
        return _(
            "Every place is taken. To replace a volunteer, withdraw them below: the request "
            "opens again."
        )
    return None


@bp.get("/coordinator/requests/<int:request_id>/match")
@coordinators_only
def match(request_id: int):
    item = db.session.get(Request, request_id) if request_id <= MAX_ID else None
    if item is None:
        abort(404)
    user, locale = current_account(), current_locale()
    if request_services.record_view(item, user):
        db.session.commit()  # the audit entry of the view (and nothing else)
    now = utcnow()
    started = _started(item, now)
    bookings = _bookings(item)
    ctx = candidates.context(item, now=now)
    names = {key: catalogue.type_name(kind, locale) for key, kind in ctx.kinds.items()}
    ranking = None
    rows: list[Row] = []
    near: list[Row] = []
    if item.state in RANKED_STATES and not started:
        ranking = candidates.rank_context(ctx, now=now)
        shown = (*ranking.candidates[:SHOWN_CANDIDATES], *ranking.near_misses)
        users = _user_ids([e.volunteer.profile_id for e in shown])
        rows = [
            Row(e, users.get(e.volunteer.profile_id), _sentences(e, names))
            for e in ranking.candidates[:SHOWN_CANDIDATES]
        ]
        near = [
            Row(
                e,
                users.get(e.volunteer.profile_id),
                _sentences(e, names),
                _failure(e, names),
            )
            for e in ranking.near_misses
        ]
    why_not = _why_not(item, started)
    short = item.short_notice or item.urgency == "urgent"
    config = current_app.config
    return render_template(
        "matching/match.html",
        item=item,
        bookings=bookings,
        booked=sum(1 for b in bookings if b.assignment.state in HOLDING),
        live=LIVE,
        ranked=ranking is not None,
        rows=rows,
        fitting=len(ranking.candidates) if ranking is not None else 0,
        near=near,
        can_offer=why_not is None,
        why_not=why_not,
        started=started,
        wave_hours=config["MATCH_WAVE_HOURS_SHORT_NOTICE" if short else "MATCH_WAVE_HOURS"],
        wave_size=config["MATCH_WAVE_SIZE"],
        max_candidates=config["MATCH_MAX_CANDIDATES"],
        qualification_names=[names.get(key, key) for key in item.required_qualifications or []],
        assignment_labels=ASSIGNMENT_STATE_LABELS,
        score=lambda value: format_decimal(value, format="0.0"),
        A=A,
        **request_labels(),
    )


# --- the volunteer's open requests -------------------------------------------------------


@bp.get("/volunteer/requests")
@volunteer_only
def open_requests():
    user = current_account()
    profile = db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))
    found = open_requests_for(profile, now=utcnow()) if profile is not None else []
    return render_template(
        "matching/open_requests.html",
        found=found,
        active=profile is not None and profile.status == VolunteerStatus.ACTIVE,
        has_profile=profile is not None,
        **request_labels(),
    )
