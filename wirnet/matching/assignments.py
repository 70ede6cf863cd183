"""The assignment workflow: offers, bookings, withdrawals, outcomes and the closing of a
request.

An assignment links a volunteer's profile to a request (one row per pair: a new offer
reuses the row with a new nonce). Its states:

- PROPOSED: a coordinator offered it (e-mail with signed accept and decline links);
- VOLUNTEERED: the volunteer offered to take an open request; a coordinator confirms;
- ACCEPTED: booked — it holds one of the request's places and the volunteer's time;
- DECLINED, WITHDRAWN: over before the appointment;
- COMPLETED, NO_SHOW: the outcome, recorded after the appointment.

Every way to ACCEPTED (:func:`accept`, :func:`assign_directly`, :func:`confirm_offer`) goes
through :func:`_book`, which locks (``wirnet.matching.locks``), re-checks every rule inside
that transaction and only then writes. When the last place is taken the other open
offers are withdrawn (those volunteers are told), the request becomes ASSIGNED and the
poster's organisation is told who comes (the volunteer's name, their phone number only if
they allow it, never their e-mail address).

One verb per function: each flushes and audits, never commits and never reads
``flask.request``; ``now`` is passed in. A refusal raises :class:`AssignmentError` with a
translated message for the user; the view rolls back, so nothing changes.
"""

from __future__ import annotations

import hmac
import math
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_date, format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from wirnet import audit
from wirnet.auth import tokens
from wirnet.auth.models import User
from wirnet.auth.services import coordinators
from wirnet.extensions import db
from wirnet.mail.outbox import queue_email
from wirnet.matching import locks
from wirnet.organisations.models import Membership
from wirnet.requests import lifecycle
from wirnet.requests.forms import KIND_LABELS, MODE_LABELS
from wirnet.requests.models import (
    Assignment,
    AssignmentOrigin,
    AssignmentState,
    Request,
    RequestState,
)
from wirnet.requests.services import capacity, is_coordinator, local_today
from wirnet.urls import external_url
from wirnet.volunteers.languages import display_name
from wirnet.volunteers.models import VolunteerProfile, VolunteerStatus

A = AssignmentState

#: Offers still waiting for an answer (a coordinator's, or the volunteer's own).
OPEN_OFFERS = frozenset({A.PROPOSED, A.VOLUNTEERED})
#: An outcome has been recorded.
OUTCOMES = frozenset({A.COMPLETED, A.NO_SHOW})
#: The signature of an offer link stays valid this long; the link itself works only until
#: the request starts (checked in :func:`offer_from_token`), which is always sooner.
OFFER_MAX_AGE = timedelta(days=400)
#: Larger ids cannot exist (the database's integer).
MAX_ID = 2**31 - 1

MAX_HOURS = 24
MAX_KM = 1000
MAX_NOTE = 1000
MAX_FEEDBACK = 2000
MAX_REASON = 500
#: PostgreSQL's deadlock_detected and serialization_failure.
RETRYABLE = frozenset({"40P01", "40001"})


class AssignmentError(ValueError):
    """A change the rules refuse. ``message`` is the translated text for the user,
    ``code`` says which rule (for tests and callers), ``field`` the form field it belongs
    to, if any (the outcome and feedback forms)."""

    def __init__(self, message, code: str = "refused", field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field


# --- the rules' small questions ----------------------------------------------------------


def too_late(request: Request, now: datetime) -> bool:
    """The appointment has started (a flexible window: its deadline has passed): offers
    die, nobody is booked or withdrawn any more."""
    if request.starts_at is not None:
        return request.starts_at <= now
    if request.deadline is not None:
        return request.deadline < local_today(now)
    return False


def has_begun(request: Request, now: datetime) -> bool:
    """The appointment has started (a flexible window: its first day has come), so its
    outcome can be recorded."""
    if request.starts_at is not None:
        return request.starts_at <= now
    first = request.window_from or request.deadline
    return first is not None and first <= local_today(now)


def is_active(profile: VolunteerProfile) -> bool:
    return profile.status is VolunteerStatus.ACTIVE and bool(profile.user and profile.user.active)


def accepted_count(request_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(Assignment.id)).where(
                Assignment.request_id == request_id, Assignment.state == A.ACCEPTED
            )
        )
        or 0
    )


def overlapping(profile_id: int, starts_at, ends_at, *, exclude: int | None = None):
    """The volunteer's accepted assignment overlapping ``[starts_at, ends_at)``, if any.

    Half-open, as the PostgreSQL constraint: one ending at 11:00 and one starting at 11:00
    do not clash. No travel buffer here (the matching engine adds one when it ranks)."""
    if starts_at is None or ends_at is None:
        return None
    stmt = (
        select(Assignment)
        .where(
            Assignment.profile_id == profile_id,
            Assignment.state == A.ACCEPTED,
            Assignment.starts_at.is_not(None),
            Assignment.starts_at < ends_at,
            Assignment.ends_at > starts_at,
        )
        .order_by(Assignment.starts_at)
        .limit(1)
    )
    if exclude is not None:
        stmt = stmt.where(Assignment.id != exclude)
    return db.session.scalar(stmt)


def _name(profile: VolunteerProfile) -> str:
    return profile.user.display_name if profile.user else "–"


def _busy_error(profile: VolunteerProfile, other: Assignment) -> AssignmentError:
    return AssignmentError(
        _l(
            "%(name)s is already booked at that time: another appointment on %(day)s "
            "from %(start)s to %(end)s. Nobody can be booked for two appointments at once.",
            name=_name(profile),
            day=format_date(other.starts_at, "medium"),
            start=format_time(other.starts_at, "short"),
            end=format_time(other.ends_at, "short"),
        ),
        "overlap",
    )


def _taken_error() -> AssignmentError:
    return AssignmentError(
        _l("Every place for this request is already taken: someone else was quicker."),
        "full",
    )


def _not_allowed() -> AssignmentError:
    return AssignmentError(_l("You cannot do this."), "not_allowed")


def _check_open(request: Request, now: datetime) -> None:
    """The request still looks for volunteers and its appointment has not started."""
    if request.state is RequestState.ASSIGNED:
        raise _taken_error()
    if request.state is not RequestState.OPEN:
        raise AssignmentError(_l("This request is no longer open."), "not_open")
    if too_late(request, now):
        raise AssignmentError(
            _l("The appointment has already started: it can no longer be booked."), "started"
        )


def _check_active(profile: VolunteerProfile) -> None:
    if not is_active(profile):
        raise AssignmentError(
            _l(
                "%(name)s is not an active volunteer at the moment (paused, not yet "
                "admitted or left) and cannot be booked.",
                name=_name(profile),
            ),
            "inactive",
        )


def _reload(assignment: Assignment) -> Assignment:
    """The assignment as it is now in the database (after the lock), not as first read."""
    return db.session.scalars(
        select(Assignment)
        .where(Assignment.id == assignment.id)
        .execution_options(populate_existing=True)
    ).one()


def _copy_times(assignment: Assignment, request: Request) -> None:
    assignment.starts_at = request.starts_at
    assignment.ends_at = request.ends_at


@contextmanager
def _guarded(*, overlap=None) -> Iterator[None]:
    """Make the block's changes inside a SAVEPOINT and flush them there: a constraint the
    database enforces (the overlap exclusion on PostgreSQL, one row per request and
    volunteer) becomes a clear refusal, and the session stays usable for the view's
    rollback and its page. (The changes must be made inside the block: opening the
    savepoint flushes what is pending, and a failure there would not be caught by it.)
    ``overlap``: the message for an overlap, if not the usual one."""
    db.session.flush()
    try:
        with db.session.begin_nested():
            yield
    except OperationalError as error:
        # Only where the locks were bypassed could two writers wait for each other; the
        # database then cancels one of them. Anything else is a real failure.
        if getattr(error.orig, "sqlstate", None) not in RETRYABLE:
            raise
        raise AssignmentError(_conflict_message(), "conflict") from error
    except IntegrityError as error:
        if "ex_assignments_no_overlap" in str(getattr(error, "orig", error)):
            raise AssignmentError(
                overlap
                or _l(
                    "This volunteer is already booked for another appointment at that "
                    "time. Nobody can be booked for two appointments at once."
                ),
                "overlap",
            ) from error
        raise AssignmentError(_conflict_message(), "conflict") from error


def _conflict_message():
    return _l("Someone else changed this at the same moment. Please reload the page and try again.")


# --- the e-mails -------------------------------------------------------------------------


def _context(request: Request) -> dict:
    """What every assignment e-mail needs to describe the appointment."""
    return {
        "request": request,
        "kind_labels": KIND_LABELS,
        "mode_labels": MODE_LABELS,
        "language_name": display_name,
        "clock": lambda value: format_time(value, "short"),
        "centre": current_app.extensions["wirnet.centre"],
    }


def _mail_volunteer(template: str, assignment: Assignment, **context) -> None:
    user = assignment.profile.user
    if user is None or not user.active:
        return
    queue_email(
        template,
        to=user.email,
        locale=user.locale,
        user=user,
        assignment=assignment,
        **_context(assignment.request),
        **context,
    )


def poster_people(request: Request) -> list[User]:
    """Who posted the request: the members of its organisation, or for a walk-in whoever
    entered it."""
    if request.organisation_id is not None:
        return list(
            db.session.scalars(
                select(User)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.organisation_id == request.organisation_id, User.active)
                .order_by(User.id)
            )
        )
    if request.created_by_id is not None:
        creator = db.session.get(User, request.created_by_id)
        return [creator] if creator is not None and creator.active else []
    return []


def _tell_poster(assignment: Assignment, *, cancelled: bool = False) -> None:
    """The volunteer's name (and phone number only if they share it) — never their e-mail
    address."""
    profile = assignment.profile
    phone = profile.phone if profile.share_phone and profile.phone else None
    for person in poster_people(assignment.request):
        queue_email(
            "booked_poster",
            to=person.email,
            locale=person.locale,
            user=person,
            volunteer_name=_name(profile),
            phone=phone,
            cancelled=cancelled,
            link=external_url("requests.show_request", request_id=assignment.request_id),
            **_context(assignment.request),
        )


def _tell_booked(assignment: Assignment) -> None:
    _mail_volunteer(
        "booked",
        assignment,
        link=external_url("matching.my_assignment", assignment_id=assignment.id),
    )


# --- offer links ---------------------------------------------------------------------------


def offer_token(assignment: Assignment) -> str:
    """The signed part of the accept and decline links of the assignment's current offer."""
    return tokens.make_token(tokens.ASSIGNMENT_OFFER, {"a": assignment.id, "n": assignment.nonce})


def offer_links(assignment: Assignment) -> tuple[str, str]:
    token = offer_token(assignment)
    return (
        external_url("matching.offer_answer", token=token, answer="accept"),
        external_url("matching.offer_answer", token=token, answer="decline"),
    )


def offer_from_token(token: str, *, now: datetime) -> tuple[Assignment | None, str | None]:
    """The offer a link names, and what is wrong with the link (None: it works).

    "invalid": forged or altered, or the link of an earlier offer of the same assignment
    (its nonce has changed); "used": the offer is no longer waiting (answered, withdrawn,
    or given to someone else); "expired": the request has started or is no longer open.
    """
    payload = tokens.read_token(tokens.ASSIGNMENT_OFFER, token, OFFER_MAX_AGE)
    if not payload:
        return None, "invalid"
    assignment_id, nonce = payload.get("a"), payload.get("n")
    if (
        not isinstance(assignment_id, int)
        or isinstance(assignment_id, bool)
        or not 1 <= assignment_id <= MAX_ID
        or not isinstance(nonce, str)
    ):
        return None, "invalid"
    assignment = db.session.get(Assignment, assignment_id)
    if (
        assignment is None
        or assignment.nonce is None
        or not hmac.compare_digest(assignment.nonce.encode(), nonce.encode())
    ):
        return None, "invalid"
    if assignment.state is not A.PROPOSED:
        return assignment, "used"
    request = assignment.request
    if request.state is not RequestState.OPEN or too_late(request, now):
        return assignment, "expired"
    return assignment, None


# --- offers --------------------------------------------------------------------------------


def _rows_for(request_id: int, profile_ids: Iterable[int]) -> dict[int, Assignment]:
    ids = list(profile_ids)
    if not ids:
        return {}
    return {
        row.profile_id: row
        for row in db.session.scalars(
            select(Assignment)
            .where(Assignment.request_id == request_id, Assignment.profile_id.in_(ids))
            .execution_options(populate_existing=True)
        )
    }


def _refuse_existing(row: Assignment | None, profile: VolunteerProfile) -> None:
    """A volunteer already booked for (or offering to take) the request is not offered it."""
    if row is None:
        return
    if row.state is A.ACCEPTED or row.state in OUTCOMES:
        raise AssignmentError(
            _l("%(name)s is already booked for this request.", name=_name(profile)), "booked"
        )
    if row.state is A.VOLUNTEERED:
        raise AssignmentError(
            _l(
                "%(name)s has offered to take this request: confirm their offer instead.",
                name=_name(profile),
            ),
            "volunteered",
        )


def propose(
    request: Request,
    profiles: Iterable[VolunteerProfile],
    actor,
    *,
    now: datetime,
    wave: int = 1,
) -> list[Assignment]:
    """Offer the request to each volunteer: a PROPOSED assignment and an e-mail in their
    language with signed accept and decline links. The first to accept gets it.

    ``actor`` is a coordinator, or None for an automatic wave. Offering again to someone
    who declined, or whose offer was withdrawn or is still open, reuses their row with a
    new nonce: the links of the earlier offer stop working.
    """
    if actor is not None and not is_coordinator(actor):
        raise _not_allowed()
    chosen = list({profile.id: profile for profile in profiles}.values())
    if not chosen:
        raise AssignmentError(_l("Please choose at least one volunteer."), "none")
    request = locks.lock_request(request.id)
    _check_open(request, now)
    existing = _rows_for(request.id, (p.id for p in chosen))
    for profile in chosen:  # every check before any change
        _check_active(profile)
        _refuse_existing(existing.get(profile.id), profile)
        other = overlapping(profile.id, request.starts_at, request.ends_at)
        if other is not None:
            raise _busy_error(profile, other)
    made = []
    with _guarded():
        for profile in chosen:
            row = existing.get(profile.id)
            again = row is not None
            if row is None:
                row = Assignment(
                    request_id=request.id,
                    profile_id=profile.id,
                    created_by_id=getattr(actor, "id", None),
                )
                db.session.add(row)
            row.state = A.PROPOSED
            row.origin = AssignmentOrigin.PROPOSAL
            row.wave = wave
            row.nonce = secrets.token_hex(16)
            row.answered_at = None
            _copy_times(row, request)
            made.append((row, again))
    for row, again in made:
        accept_link, decline_link = offer_links(row)
        _mail_volunteer("offer", row, accept_link=accept_link, decline_link=decline_link)
        audit.record(
            "assignment.proposed",
            actor=actor,
            obj=row,
            request=request.id,
            profile=row.profile_id,
            wave=wave,
            again=again,
        )
    db.session.flush()
    return [row for row, _again in made]


def set_waves(request: Request, on: bool, *, now: datetime) -> None:
    """Turn automatic waves on (the next best candidates are asked when nobody accepted
    within ``MATCH_WAVE_HOURS``, fewer for short notice) or off."""
    config = current_app.config
    if on:
        hours = (
            config["MATCH_WAVE_HOURS_SHORT_NOTICE"]
            if request.short_notice
            else config["MATCH_WAVE_HOURS"]
        )
        if not request.auto_waves:
            request.waves_sent = 1
        request.auto_waves = True
        request.next_wave_at = now + timedelta(hours=hours)
    elif request.auto_waves or request.next_wave_at is not None:
        request.auto_waves = False
        request.next_wave_at = None
    else:
        return
    audit.record("request.waves_changed", obj=request, on=on)
    db.session.flush()


def volunteer_offer(
    request: Request, profile: VolunteerProfile, actor, *, now: datetime
) -> Assignment:
    """The volunteer offers to take an open request (VOLUNTEERED); the coordinators are
    told and one of them confirms (or not)."""
    if actor is None or profile.user_id != getattr(actor, "id", None):
        raise _not_allowed()
    request = locks.lock_request(request.id)
    _check_open(request, now)
    if not is_active(profile):
        raise AssignmentError(
            _l(
                "Only active volunteers can offer to take a request. "
                "Please talk to the centre if your profile should be active."
            ),
            "inactive",
        )
    row = _rows_for(request.id, [profile.id]).get(profile.id)
    if row is not None and row.state is A.PROPOSED:
        raise AssignmentError(
            _l(
                "This request has already been offered to you: please accept it with the "
                "link in the e-mail or on your assignments page."
            ),
            "proposed",
        )
    if row is not None and row.state is A.VOLUNTEERED:
        raise AssignmentError(
            _l("You have already offered to take this request. A coordinator will answer."),
            "volunteered",
        )
    if row is not None and (row.state is A.ACCEPTED or row.state in OUTCOMES):
        raise AssignmentError(_l("You are already booked for this request."), "booked")
    other = overlapping(profile.id, request.starts_at, request.ends_at)
    if other is not None:
        raise _busy_error(profile, other)
    with _guarded():
        if row is None:
            row = Assignment(request_id=request.id, profile_id=profile.id, created_by_id=actor.id)
            db.session.add(row)
        row.state = A.VOLUNTEERED
        row.origin = AssignmentOrigin.VOLUNTEER
        row.nonce = None
        row.answered_at = None
        _copy_times(row, request)
    audit.record("assignment.volunteered", actor=actor, obj=row, request=request.id)
    for person in coordinators():
        queue_email(
            "volunteered",
            to=person.email,
            locale=person.locale,
            user=person,
            volunteer_name=_name(profile),
            link=external_url("matching.match", request_id=request.id),
            **_context(request),
        )
    db.session.flush()
    return row


# --- booking -------------------------------------------------------------------------------


def _book(
    assignment: Assignment,
    actor,
    *,
    now: datetime,
    allowed: frozenset[AssignmentState],
    origin: AssignmentOrigin | None = None,
) -> Assignment:
    """The one way to ACCEPTED. Locks the request's row, then the volunteer's (PostgreSQL;
    on SQLite the view's transaction is serialised already), and re-checks in this
    transaction, against what other writers have committed:

    the request is open and has not started · a place is free · the assignment is still
    in one of the ``allowed`` states · the volunteer is active · none of their accepted
    assignments overlaps this one (half-open).

    Then it copies the request's times, flushes (a database constraint violation becomes
    an :class:`AssignmentError`) and, when that was the last place, closes the request.
    """
    request, profile = locks.lock_booking(assignment.request_id, assignment.profile_id)
    assignment = _reload(assignment)
    _check_open(request, now)
    taken = accepted_count(request.id)
    if taken >= request.volunteers_needed:
        raise _taken_error()
    if assignment.state not in allowed:
        raise _state_error(assignment)
    _check_active(profile)
    other = overlapping(profile.id, request.starts_at, request.ends_at, exclude=assignment.id)
    if other is not None:
        raise _busy_error(profile, other)
    previous = assignment.state
    with _guarded():
        assignment.state = A.ACCEPTED
        if origin is not None:
            assignment.origin = origin
        if previous is A.PROPOSED and origin is None:
            assignment.answered_at = now
        _copy_times(assignment, request)
    audit.record(
        "assignment.accepted",
        actor=actor,
        obj=assignment,
        request=request.id,
        profile=profile.id,
        origin=str(assignment.origin),
        previous=str(previous),
    )
    if taken + 1 >= request.volunteers_needed:
        _filled(request, assignment, actor)
    _tell_booked(assignment)
    _tell_poster(assignment)
    db.session.flush()
    return assignment


def _state_error(assignment: Assignment) -> AssignmentError:
    if assignment.state is A.ACCEPTED:
        return AssignmentError(_l("This volunteer is already booked for it."), "booked")
    if assignment.state is A.DECLINED:
        return AssignmentError(_l("This offer has already been declined."), "used")
    if assignment.state is A.WITHDRAWN:
        return AssignmentError(_l("This offer has been withdrawn."), "used")
    return AssignmentError(_l("This offer is no longer open."), "used")


def _filled(request: Request, booked: Assignment, actor) -> None:
    """The last place is taken: withdraw the other open offers (telling those volunteers),
    stop the waves, and move the request to ASSIGNED."""
    others = list(
        db.session.scalars(
            select(Assignment)
            .where(
                Assignment.request_id == request.id,
                Assignment.state.in_(OPEN_OFFERS),
                Assignment.id != booked.id,
            )
            .order_by(Assignment.id)
        )
    )
    for other in others:
        other.state = A.WITHDRAWN
        audit.record("assignment.withdrawn", obj=other, request=request.id, why="filled")
        _mail_volunteer("offer_withdrawn", other, taken=True)
    request.next_wave_at = None
    db.session.flush()
    lifecycle.transition(request, RequestState.ASSIGNED, actor, as_="system")


def accept(assignment: Assignment, actor, *, now: datetime) -> None:
    """The volunteer accepts an offer: with the link (``actor`` None) or logged in."""
    if actor is not None and assignment.profile.user_id != getattr(actor, "id", None):
        raise _not_allowed()
    _book(assignment, actor, now=now, allowed=frozenset({A.PROPOSED}))


def assign_directly(
    request: Request, profile: VolunteerProfile, actor, *, now: datetime
) -> Assignment:
    """A coordinator books the volunteer at once (after a phone call)."""
    if not is_coordinator(actor):
        raise _not_allowed()
    request, profile = locks.lock_booking(request.id, profile.id)
    row = _rows_for(request.id, [profile.id]).get(profile.id)
    if row is not None and (row.state is A.ACCEPTED or row.state in OUTCOMES):
        raise AssignmentError(
            _l("%(name)s is already booked for this request.", name=_name(profile)), "booked"
        )
    if row is None:
        _check_open(request, now)
        with _guarded():
            row = Assignment(
                request_id=request.id,
                profile_id=profile.id,
                state=A.PROPOSED,
                origin=AssignmentOrigin.DIRECT,
                created_by_id=actor.id,
            )
            db.session.add(row)
    return _book(
        row,
        actor,
        now=now,
        allowed=frozenset({A.PROPOSED, A.VOLUNTEERED, A.DECLINED, A.WITHDRAWN}),
        origin=AssignmentOrigin.DIRECT,
    )


def confirm_offer(assignment: Assignment, actor, *, now: datetime) -> None:
    """A coordinator takes up a volunteer's offer to take the request."""
    if not is_coordinator(actor):
        raise _not_allowed()
    _book(assignment, actor, now=now, allowed=frozenset({A.VOLUNTEERED}))


# --- answers and withdrawals -----------------------------------------------------------------


def decline(assignment: Assignment, actor, *, now: datetime) -> None:
    """The volunteer says no to an offer (with the link, or logged in), or takes back their
    own offer to take the request."""
    if actor is not None and assignment.profile.user_id != getattr(actor, "id", None):
        raise _not_allowed()
    locks.lock_request(assignment.request_id)
    assignment = _reload(assignment)
    if assignment.state is A.ACCEPTED:
        raise AssignmentError(
            _l(
                "You have already accepted this appointment. If you can no longer come, "
                "please tell the centre as soon as possible."
            ),
            "booked",
        )
    if assignment.state not in OPEN_OFFERS:
        raise _state_error(assignment)
    assignment.state = A.DECLINED
    assignment.answered_at = now
    audit.record("assignment.declined", actor=actor, obj=assignment, request=assignment.request_id)
    db.session.flush()


def withdraw(assignment: Assignment, actor, *, now: datetime, reason: str | None = None) -> None:
    """A coordinator withdraws an offer or a booking, until the appointment starts.

    A booking frees its place (an assigned request opens again) and the volunteer and the
    poster are told; an open offer just dies (its links say so); a volunteer's own offer
    is answered with a thank-you. Replacing someone is this, then a new offer or booking.
    """
    if not is_coordinator(actor):
        raise _not_allowed()
    request = locks.lock_request(assignment.request_id)
    assignment = _reload(assignment)
    if assignment.state not in OPEN_OFFERS and assignment.state is not A.ACCEPTED:
        raise AssignmentError(
            _l("This assignment is already over and cannot be withdrawn."), "state"
        )
    if too_late(request, now):
        raise AssignmentError(
            _l("The appointment has started: nobody can be withdrawn from it any more."),
            "started",
        )
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        raise AssignmentError(
            _l("Use at most %(max)d characters.", max=MAX_REASON), "reason", field="reason"
        )
    previous = assignment.state
    assignment.state = A.WITHDRAWN
    db.session.flush()
    audit.record(
        "assignment.withdrawn",
        actor=actor,
        obj=assignment,
        request=request.id,
        previous=str(previous),
        reason=reason,
    )
    if previous is A.ACCEPTED:
        if request.state is RequestState.ASSIGNED:
            lifecycle.transition(request, RequestState.OPEN, actor, as_="coordinator")
        _mail_volunteer("booked_withdrawn", assignment)
        _tell_poster(assignment, cancelled=True)
    elif previous is A.VOLUNTEERED:
        _mail_volunteer("offer_withdrawn", assignment, taken=False)
    db.session.flush()


def release_cancelled(request: Request, actor, *, now: datetime) -> int:
    """The request is cancelled: its open offers and bookings are withdrawn (so that the
    volunteers' time is free again) and the booked volunteers told, unless the appointment
    is already over. Returns how many were withdrawn."""
    request = locks.lock_request(request.id)
    rows = list(
        db.session.scalars(
            select(Assignment)
            .where(
                Assignment.request_id == request.id,
                Assignment.state.in_([A.ACCEPTED, *OPEN_OFFERS]),
            )
            .order_by(Assignment.id)
        )
    )
    for row in rows:
        previous = row.state
        row.state = A.WITHDRAWN
        audit.record(
            "assignment.withdrawn",
            actor=actor,
            obj=row,
            request=request.id,
            previous=str(previous),
            why="cancelled",
        )
        if previous is A.ACCEPTED and not too_late(request, now):
            _mail_volunteer("booked_withdrawn", row, cancelled=True)
    db.session.flush()
    return len(rows)


# --- after the appointment ---------------------------------------------------------------------


def _number(value, *, field: str, message) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise AssignmentError(message, field, field=field)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AssignmentError(message, field, field=field) from None
    if not math.isfinite(number):
        raise AssignmentError(message, field, field=field)
    return number


def record_outcome(
    assignment: Assignment,
    actor,
    *,
    now: datetime,
    hours=None,
    km=None,
    note: str | None = None,
    no_show: bool = False,
) -> None:
    """The volunteer (their own booking) or a coordinator records how it went: the hours,
    kilometres travelled and a short note, or that the volunteer did not come. Possible
    once the appointment has started, and correctable until the request is closed. When
    every booked volunteer's outcome is in, the request is carried out (CONFIRMED)."""
    own = actor is not None and assignment.profile.user_id == getattr(actor, "id", None)
    if not (own or is_coordinator(actor)):
        raise _not_allowed()
    request = locks.lock_request(assignment.request_id)
    assignment = _reload(assignment)
    if assignment.state is not A.ACCEPTED and assignment.state not in OUTCOMES:
        raise AssignmentError(_l("Only a booked appointment can be reported on."), "state")
    if request.state in lifecycle.FINAL:
        raise AssignmentError(
            _l("This request is closed: nothing about it can change any more."), "closed"
        )
    if not has_begun(request, now):
        raise AssignmentError(
            _l("You can report on the appointment once it has started."), "not_started"
        )
    hours_message = _l("Please enter the hours: more than 0 and at most %(max)d.", max=MAX_HOURS)
    km_message = _l("Please enter the kilometres: from 0 to %(max)d.", max=MAX_KM)
    if no_show:
        hours_value = km_value = None
    else:
        hours_value = _number(hours, field="hours", message=hours_message)
        if hours_value is None or not 0 < hours_value <= MAX_HOURS:
            raise AssignmentError(hours_message, "hours", field="hours")
        km_value = _number(km, field="km", message=km_message)
        if km_value is not None and not 0 <= km_value <= MAX_KM:
            raise AssignmentError(km_message, "km", field="km")
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise AssignmentError(
            _l("Use at most %(max)d characters.", max=MAX_NOTE), "note", field="note"
        )
    previous = assignment.state
    assignment.state = A.NO_SHOW if no_show else A.COMPLETED
    assignment.hours = hours_value
    assignment.km = km_value
    assignment.note = note
    assignment.outcome_at = now
    assignment.outcome_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        "assignment.outcome",
        actor=actor,
        obj=assignment,
        request=request.id,
        outcome=str(assignment.state),
        previous=str(previous),
    )
    if request.state is RequestState.ASSIGNED and accepted_count(request.id) == 0:
        lifecycle.transition(request, RequestState.CONFIRMED, actor, as_="system")
    db.session.flush()


def confirm_completion(request: Request, actor, *, now: datetime, feedback: str | None = None):
    """The poster's organisation (a walk-in's creator) confirms that the request was
    carried out, with optional feedback; or a coordinator closes it. CONFIRMED →
    COMPLETED."""
    part = capacity(actor, request)
    if part is None:
        raise _not_allowed()
    request = locks.lock_request(request.id)
    if request.state is not RequestState.CONFIRMED:
        from wirnet.requests.services import refusal

        raise AssignmentError(refusal(request, RequestState.COMPLETED), "state")
    feedback = (feedback or "").strip() or None
    if feedback is not None and len(feedback) > MAX_FEEDBACK:
        raise AssignmentError(
            _l("Use at most %(max)d characters.", max=MAX_FEEDBACK), "feedback", field="feedback"
        )
    if feedback is not None:
        request.feedback = feedback
    request.feedback_at = now
    request.feedback_by_id = actor.id
    lifecycle.transition(request, RequestState.COMPLETED, actor, as_=part)
    audit.record("request.feedback", actor=actor, obj=request, given=feedback is not None)
    db.session.flush()


# --- a request that moves -----------------------------------------------------------------


def sync_times(request: Request) -> None:
    """Copy the request's (new) time onto its live assignments, so that the overlap rules
    keep seeing the real appointment. Refuses when a booked volunteer is busy at the new
    time (rather than book them twice)."""
    rows = list(
        db.session.scalars(
            select(Assignment).where(
                Assignment.request_id == request.id,
                Assignment.state.in_([A.ACCEPTED, *OPEN_OFFERS]),
            )
        )
    )
    busy = AssignmentError(
        _l(
            "A volunteer booked for this request has another appointment at the new time. "
            "Please ask the centre to withdraw them first."
        ),
        "overlap",
    )
    for row in rows:
        if row.state is A.ACCEPTED and overlapping(
            row.profile_id, request.starts_at, request.ends_at, exclude=row.id
        ):
            raise busy
    with _guarded(overlap=busy.message):
        for row in rows:
            _copy_times(row, request)
