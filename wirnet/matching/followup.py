"""After a booking: the volunteer's own assignments, the private calendar feed's token, the
booked volunteers an organisation sees, and who may record an assignment's outcome.

One verb per function; the changes flush and audit, never commit and never read
``flask.request`` (the views do). The outcome itself is recorded by
``wirnet.matching.assignments.record_outcome``.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from wirnet import audit
from wirnet.auth.models import User
from wirnet.extensions import db
from wirnet.pagination import Page
from wirnet.requests import lifecycle
from wirnet.requests.models import Assignment, AssignmentState, Request, RequestState
from wirnet.requests.services import local_today
from wirnet.volunteers.models import VolunteerProfile
from wirnet.volunteers.profiles import ensure_profile, profile_of

A = AssignmentState

#: Booked, or carried out: these hold the volunteer's time, and show the address.
BOOKED = (A.ACCEPTED, A.COMPLETED)
#: An outcome is recorded.
REPORTED = (A.COMPLETED, A.NO_SHOW)
#: Past assignments per page of the volunteer's list.
PER_PAGE = 20
#: The private feed holds assignments from this many days back (and every future one).
FEED_DAYS_BACK = 90
#: ``secrets.token_urlsafe(32)``: 43 characters of the URL-safe alphabet.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")

#: Larger ids cannot exist (and would overflow the database's integer).
MAX_ID = 2**31 - 1


# --- the volunteer's own assignments ----------------------------------------------------------


def _with_request():
    """Assignments joined with their request, its organisation and municipality (one query)."""
    return (
        select(Assignment)
        .join(Request, Request.id == Assignment.request_id)
        .options(
            contains_eager(Assignment.request).joinedload(Request.organisation),
            contains_eager(Assignment.request).joinedload(Request.municipality),
        )
    )


def _ended(now: datetime):
    """The appointment is over: its end has passed, or a flexible window's last day."""
    return or_(
        Assignment.ends_at <= now,
        and_(Assignment.starts_at.is_(None), Request.deadline < local_today(now)),
    )


def _not_ended(now: datetime):
    return or_(
        Assignment.ends_at > now,
        and_(Assignment.starts_at.is_(None), Request.deadline >= local_today(now)),
    )


def _when():
    return func.coalesce(Assignment.starts_at, Request.deadline)


def has_started(assignment: Assignment, now: datetime) -> bool:
    """The appointment has begun (a flexible window: its first day has come)."""
    if assignment.starts_at is not None:
        return assignment.starts_at <= now
    request = assignment.request
    first = request.window_from or request.deadline
    return first is not None and first <= local_today(now)


@dataclass
class Overview:
    """What the volunteer's assignments page lists."""

    profile: VolunteerProfile | None
    #: Offers waiting for the volunteer's answer (the appointment still ahead).
    offers: list[Assignment]
    #: Requests the volunteer offered to take, waiting for a coordinator.
    volunteered: list[Assignment]
    #: Booked and not over yet, soonest first.
    upcoming: list[Assignment]
    #: Over (booked, or with the outcome recorded), latest first, one page.
    past: Page


def overview(user, *, now: datetime, page: int = 1, per_page: int = PER_PAGE) -> Overview:
    """The volunteer's assignments in a fixed number of queries, whatever their number."""
    profile = profile_of(user)
    if profile is None:
        return Overview(None, [], [], [], Page([], 0, 1, per_page))
    mine = Assignment.profile_id == profile.id
    offers = list(
        db.session.scalars(
            _with_request()
            .where(
                mine,
                Assignment.state == A.PROPOSED,
                Request.state == RequestState.OPEN,
                _not_ended(now),
                or_(Assignment.starts_at.is_(None), Assignment.starts_at > now),
            )
            .order_by(_when(), Assignment.id)
        )
    )
    volunteered = list(
        db.session.scalars(
            _with_request()
            .where(mine, Assignment.state == A.VOLUNTEERED, _not_ended(now))
            .order_by(_when(), Assignment.id)
        )
    )
    upcoming = list(
        db.session.scalars(
            _with_request()
            .where(mine, Assignment.state == A.ACCEPTED, _not_ended(now))
            .order_by(_when(), Assignment.id)
        )
    )
    past_condition = and_(
        mine,
        or_(
            Assignment.state.in_(REPORTED),
            and_(Assignment.state == A.ACCEPTED, _ended(now)),
        ),
    )
    total = (
        db.session.scalar(
            select(func.count(Assignment.id))
            .join(Request, Request.id == Assignment.request_id)
            .where(past_condition)
        )
        or 0
    )
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    past = list(
        db.session.scalars(
            _with_request()
            .where(past_condition)
            .order_by(_when().desc(), Assignment.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return Overview(profile, offers, volunteered, upcoming, Page(past, total, page, per_page))


def assignment_of(user, assignment_id: int) -> Assignment | None:
    """One of ``user``'s own assignments; None for anyone else's (the view answers 404)."""
    if assignment_id > MAX_ID:
        return None
    return db.session.scalar(
        _with_request()
        .join(VolunteerProfile, VolunteerProfile.id == Assignment.profile_id)
        .where(Assignment.id == assignment_id, VolunteerProfile.user_id == user.id)
    )


def assignment_by_id(assignment_id: int) -> Assignment | None:
    if assignment_id > MAX_ID:
        return None
    return db.session.scalar(_with_request().where(Assignment.id == assignment_id))


def may_download(assignment: Assignment) -> bool:
    """An assignment goes into a calendar when it is booked (or carried out), has a fixed
    time, and its request was not cancelled."""
    return (
        assignment.state in BOOKED
        and assignment.starts_at is not None
        and assignment.ends_at is not None
        and assignment.request.state is not RequestState.CANCELLED
    )


# --- recording the outcome ----------------------------------------------------------------


def reported_hours(assignment: Assignment) -> float | None:
    """The hours recorded, else the length of the appointment (what the form offers)."""
    if assignment.hours is not None:
        return assignment.hours
    if assignment.starts_at is None or assignment.ends_at is None:
        return None
    return round((assignment.ends_at - assignment.starts_at).total_seconds() / 3600, 2)


def outcome_problem(user, assignment: Assignment, *, now: datetime) -> str | None:
    """Why ``user`` cannot record (or correct) the outcome of ``assignment`` now, or None.

    "early": the appointment has not begun; "closed": the request is completed (or was
    cancelled), so nothing changes any more; "state": not booked (offered, declined, …).
    Whether ``user`` may see the assignment at all is the view's check (404/403).
    """
    if assignment.state is not A.ACCEPTED and assignment.state not in REPORTED:
        return "state"
    if assignment.request.state in lifecycle.FINAL:
        return "closed"
    if not has_started(assignment, now):
        return "early"
    return None


# --- the organisation's side --------------------------------------------------------------


def booked_for(request: Request) -> list[Assignment]:
    """The volunteers booked for ``request`` (or who carried it out), with their accounts."""
    return list(
        db.session.scalars(
            select(Assignment)
            .join(VolunteerProfile, VolunteerProfile.id == Assignment.profile_id)
            .join(User, User.id == VolunteerProfile.user_id)
            .options(contains_eager(Assignment.profile).contains_eager(VolunteerProfile.user))
            .where(Assignment.request_id == request.id, Assignment.state.in_(BOOKED))
            .order_by(Assignment.id)
        )
    )


def all_for(request: Request) -> list[Assignment]:
    """Every assignment of ``request`` (for coordinators): booked first, then the others."""
    rows = list(
        db.session.scalars(
            select(Assignment)
            .options(joinedload(Assignment.profile))
            .where(Assignment.request_id == request.id)
            .order_by(Assignment.id)
        )
    )
    order = {A.ACCEPTED: 0, A.COMPLETED: 0, A.NO_SHOW: 1, A.VOLUNTEERED: 2, A.PROPOSED: 2}
    return sorted(rows, key=lambda a: (order.get(a.state, 3), a.id))


# --- the private calendar feed --------------------------------------------------------------


def create_calendar_token(user) -> str:
    """A new secret for the volunteer's feed; the old feed URL stops working at once."""
    profile = ensure_profile(user)
    renewed = profile.calendar_token is not None
    profile.calendar_token = secrets.token_urlsafe(32)
    # Never the token itself: the trail is read by more people than the volunteer.
    audit.record("volunteer.calendar_feed_created", actor=user, obj=profile, renewed=renewed)
    db.session.flush()
    return profile.calendar_token


def revoke_calendar_token(user) -> bool:
    """No feed any more; False when there was none."""
    profile = profile_of(user)
    if profile is None or profile.calendar_token is None:
        return False
    profile.calendar_token = None
    audit.record("volunteer.calendar_feed_revoked", actor=user, obj=profile)
    db.session.flush()
    return True


def feed(token: str, *, now: datetime) -> tuple[VolunteerProfile, list[Assignment]] | None:
    """The volunteer whose feed ``token`` opens, and their booked assignments with a fixed
    time from the last ``FEED_DAYS_BACK`` days on; None for an unknown token (or a
    deactivated account). Two queries, whatever the number of assignments."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    profile = db.session.scalar(
        select(VolunteerProfile).where(VolunteerProfile.calendar_token == token)
    )
    if profile is None or not profile.user.active:
        return None
    rows = list(
        db.session.scalars(
            _with_request()
            .where(
                Assignment.profile_id == profile.id,
                Assignment.state.in_(BOOKED),
                Assignment.starts_at.is_not(None),
                Assignment.ends_at >= now - timedelta(days=FEED_DAYS_BACK),
                Request.state != RequestState.CANCELLED,
            )
            .order_by(Assignment.starts_at, Assignment.id)
        )
    )
    return profile, rows


# --- whom the volunteer contacts ---------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """The organisation's contact for a booked volunteer; the centre for a walk-in."""

    name: str
    person: str | None
    phone: str | None
    email: str | None
    centre: bool = False


def contact_of(request: Request) -> Contact:
    organisation = request.organisation
    if organisation is not None:
        return Contact(
            name=organisation.name,
            person=organisation.contact_name or None,
            phone=organisation.contact_phone or None,
            email=organisation.contact_email or None,
        )
    centre = current_app.extensions["wirnet.centre"]
    return Contact(
        name=current_app.config["CENTRE_NAME"],
        person=None,
        phone=centre.phone or None,
        email=centre.email or None,
        centre=True,
    )
