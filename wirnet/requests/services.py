"""The rules of requests: posting, editing, the life cycle's actions, who sees what, the
coordinator board and the organisation's overview.

One verb per function; each flushes and audits, never commits and never reads
``flask.request``. A rule the form cannot check alone raises :class:`RequestError` naming
the field and a translated message; the view shows it on the form, answers 422 and rolls
back, so nothing changes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, func, or_, select, true
from sqlalchemy.orm import joinedload

from wirnet import audit
from wirnet.auth.models import User
from wirnet.extensions import db
from wirnet.mail.outbox import queue_email
from wirnet.organisations.access import is_member, organisation_ids_of
from wirnet.organisations.models import Organisation, OrganisationStatus
from wirnet.pagination import Page
from wirnet.regions import Municipality
from wirnet.requests import lifecycle, scope
from wirnet.requests.models import (
    Assignment,
    AssignmentState,
    GenderPreference,
    Request,
    RequestKind,
    RequestMode,
    RequestSeries,
    RequestSetting,
    RequestState,
    Urgency,
)
from wirnet.security import is_coordinator
from wirnet.urls import external_url
from wirnet.volunteers.languages import canonical, is_known
from wirnet.volunteers.models import QualificationType, VolunteerProfile

#: The qualification every volunteer sent for health guidance must hold (verified) ...
HEALTH_GUIDE = "health_guide"
#: ... and the one for language mediation at a doctor's or in hospital.
HEALTH_MEDIATION = "language_mediation_health"

MAX_VOLUNTEERS = 10
MAX_SERIES = 12
PER_PAGE = 25
#: Open requests starting this soon are highlighted on the board.
SOON = timedelta(hours=48)
#: The organisation's overview lists open requests starting within this many days.
SOON_DAYS = 7

#: Two words of two or more letters ("Maria Müller", "محمد علي"): a name, not initials.
NAME_LIKE = re.compile(r"[^\W\d_]{2,}")


class RequestError(ValueError):
    """A change the rules refuse; ``field`` is the form field the message belongs to."""

    def __init__(self, field: str, message) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


class ShortNotice(RequestError):
    """Less notice than the lead time and not yet confirmed by the poster."""


class NotAllowed(RequestError):
    """An action the request's state (or the user's part in it) does not allow."""


# --- who sees what ---------------------------------------------------------------------------


def capacity(user, request: Request) -> str | None:
    """The part ``user`` plays for ``request`` in the life cycle: "coordinator", "poster"
    (a member of its organisation, or whoever entered a walk-in) or None."""
    if is_coordinator(user):
        return "coordinator"
    if request.organisation_id is not None:
        return "poster" if is_member(user, request.organisation_id) else None
    return "poster" if request.created_by_id == getattr(user, "id", None) else None


def can_see_address(user, request: Request) -> bool:
    """The one place that decides who sees a request's address: coordinators, the poster's
    organisation, and the volunteer booked for it (or who carried it out), unless the
    request was cancelled."""
    if capacity(user, request) is not None:
        return True
    if getattr(user, "id", None) is None or request.state is RequestState.CANCELLED:
        return False
    booked = db.session.scalar(
        select(Assignment.id)
        .join(VolunteerProfile, VolunteerProfile.id == Assignment.profile_id)
        .where(
            Assignment.request_id == request.id,
            Assignment.state.in_((AssignmentState.ACCEPTED, AssignmentState.COMPLETED)),
            VolunteerProfile.user_id == user.id,
        )
        .limit(1)
    )
    return booked is not None


def visible_to(user):
    """A condition on ``Request`` for the requests ``user`` may see."""
    if is_coordinator(user):
        return true()
    ids = organisation_ids_of(user)
    return Request.organisation_id.in_(ids) if ids else false()


def request_for(user, request_id: int) -> Request | None:
    """The request, if ``user`` may see it; None for another organisation's (→ 404)."""
    found = db.session.get(Request, request_id)
    if found is None or capacity(user, found) is None:
        return None
    return found


def record_view(request: Request, user) -> bool:
    """Health guidance is sensitive: every view is kept in the audit log."""
    if request.kind is not RequestKind.HEALTH_GUIDANCE:
        return False
    audit.record("request.viewed", actor=user, obj=request)
    db.session.flush()
    return True


def organisations_for(user) -> list[Organisation]:
    """The organisations ``user`` may post for: their approved ones, or every approved one
    for a coordinator (who may also post without one, for a walk-in or phone caller)."""
    if is_coordinator(user):
        return list(
            db.session.scalars(
                select(Organisation)
                .where(Organisation.status == OrganisationStatus.APPROVED)
                .order_by(Organisation.name)
            )
        )
    from wirnet.organisations.access import approved_organisations_of

    return approved_organisations_of(user)


# --- posting and editing ---------------------------------------------------------------------


@dataclass
class RequestData:
    kind: RequestKind
    language_code: str
    other_language_code: str
    mode: RequestMode
    setting: RequestSetting
    municipality_id: int | None
    client_ref: str
    #: A fixed appointment: the day and its local start and end ...
    day: date | None = None
    starts: time | None = None
    ends: time | None = None
    #: ... or a flexible window.
    flexible: bool = False
    window_from: date | None = None
    deadline: date | None = None
    address: str | None = None
    gender_preference: GenderPreference | None = None
    required_qualifications: list[str] = field(default_factory=list)
    volunteers_needed: int = 1
    urgency: Urgency = Urgency.NORMAL
    notes: str | None = None
    #: The poster saw the short-notice warning and still wants to post.
    short_notice_confirmed: bool = False


def default_qualifications(kind: RequestKind | str | None, setting: RequestSetting | str | None):
    """The qualifications a request of this kind and setting always requires."""
    keys = []
    if kind == RequestKind.HEALTH_GUIDANCE:
        keys.append(HEALTH_GUIDE)
    if kind == RequestKind.LANGUAGE_MEDIATION and setting == RequestSetting.DOCTOR_HOSPITAL:
        keys.append(HEALTH_MEDIATION)
    return keys


def _tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today(now: datetime) -> date:
    return now.astimezone(_tz()).date()


def to_utc(day: date, clock: time) -> datetime:
    """A local wall-clock time (Europe/Berlin) as UTC."""
    return datetime.combine(day, clock, tzinfo=_tz()).astimezone(UTC)


def _lead_days() -> int:
    return int(current_app.config["REQUEST_LEAD_WORKING_DAYS"])


def _subdivision() -> str:
    return current_app.config.get("REQUEST_HOLIDAY_SUBDIVISION", "HE")


def earliest_regular_day(now: datetime) -> date:
    return scope.earliest_regular_day(local_today(now), _lead_days(), _subdivision())


def check_client_ref(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RequestError("client_ref", _l("Please enter initials or a number."))
    if len(value) > 40:
        raise RequestError("client_ref", _l("Use at most %(max)d characters.", max=40))
    if len(NAME_LIKE.findall(value)) >= 2:
        raise RequestError(
            "client_ref",
            _l(
                "This looks like a name. Please enter only initials or a number, "
                "for example M. K. or 2024-17."
            ),
        )
    return value


@dataclass(frozen=True)
class Timing:
    starts_at: datetime | None
    ends_at: datetime | None
    window_from: date | None
    deadline: date | None
    #: The day that counts for the lead time: the appointment's, or the deadline.
    day: date


def check_timing(data: RequestData, now: datetime) -> Timing:
    """The request's times in UTC; refuses an end before the start and the past."""
    today = local_today(now)
    if data.flexible:
        if data.window_from is None:
            raise RequestError("window_from", _l("Please enter the first possible day."))
        if data.deadline is None:
            raise RequestError("deadline", _l("Please enter the last possible day."))
        if data.deadline < data.window_from:
            raise RequestError("deadline", _l("The last day must not be before the first day."))
        if data.deadline < today:
            raise RequestError("deadline", _l("This day is in the past."))
        return Timing(None, None, data.window_from, data.deadline, data.deadline)
    if data.day is None:
        raise RequestError("day", _l("Please enter the date, for example 2025-03-14."))
    if data.starts is None:
        raise RequestError("starts", _l("Please enter a time, for example 09:00."))
    if data.ends is None:
        raise RequestError("ends", _l("Please enter a time, for example 12:00."))
    if data.ends <= data.starts:
        raise RequestError("ends", _l("The end must be after the start."))
    starts_at, ends_at = to_utc(data.day, data.starts), to_utc(data.day, data.ends)
    if starts_at <= now:
        raise RequestError("day", _l("This date and time is in the past."))
    return Timing(starts_at, ends_at, None, None, data.day)


def _check_details(data: RequestData) -> None:
    code = canonical(data.language_code)
    if not code or not is_known(code, "en"):
        raise RequestError("language_code", _l("Please choose a language from the list."))
    other = canonical(data.other_language_code)
    if not other or not is_known(other, "en"):
        raise RequestError("other_language_code", _l("Please choose a language from the list."))
    if code == other:
        raise RequestError("other_language_code", _l("Please choose two different languages."))
    if data.municipality_id is None or db.session.get(Municipality, data.municipality_id) is None:
        raise RequestError("municipality", _l("Please choose the town or municipality."))
    if data.mode is RequestMode.ON_SITE and not (data.address or "").strip():
        raise RequestError("address", _l("Please enter the address of the appointment."))
    if not 1 <= data.volunteers_needed <= MAX_VOLUNTEERS:
        raise RequestError(
            "volunteers_needed",
            _l("Please enter a number from %(min)d to %(max)d.", min=1, max=MAX_VOLUNTEERS),
        )
    check_client_ref(data.client_ref)


def required_keys(data: RequestData) -> list[str]:
    """The chosen qualifications plus those the kind and setting always require."""
    keys = list(
        dict.fromkeys(
            [*data.required_qualifications, *default_qualifications(data.kind, data.setting)]
        )
    )
    return keys


def _short_notice(timing: Timing, data: RequestData, now: datetime) -> bool:
    short = timing.day < earliest_regular_day(now)
    if short and not data.short_notice_confirmed:
        raise ShortNotice(
            "short_notice_confirmed",
            _l(
                "This is shorter notice than the %(days)d working days volunteers need. "
                "You can still post it: it is marked urgent and a coordinator looks at it "
                "first. Tick the box to confirm.",
                days=_lead_days(),
            ),
        )
    return short


def _apply(request: Request, data: RequestData, timing: Timing, short: bool) -> None:
    request.kind = data.kind
    request.language_code = canonical(data.language_code)
    request.other_language_code = canonical(data.other_language_code)
    request.mode = data.mode
    request.setting = data.setting
    request.starts_at, request.ends_at = timing.starts_at, timing.ends_at
    request.window_from, request.deadline = timing.window_from, timing.deadline
    request.municipality_id = data.municipality_id
    request.address = (data.address or "").strip() or None
    request.client_ref = check_client_ref(data.client_ref)
    request.gender_preference = data.gender_preference
    request.required_qualifications = required_keys(data)
    request.volunteers_needed = data.volunteers_needed
    request.short_notice = short
    request.urgency = Urgency.URGENT if short else data.urgency
    request.notes = (data.notes or "").strip() or None


def _may_post_for(actor, organisation: Organisation | None) -> None:
    if organisation is None:
        if not is_coordinator(actor):
            raise RequestError("organisation", _l("Please choose your organisation."))
        return
    if organisation.id not in {o.id for o in organisations_for(actor)}:
        raise RequestError("organisation", _l("Please choose your organisation."))


def create_request(
    data: RequestData,
    actor: User,
    *,
    organisation: Organisation | None,
    now: datetime,
    consent: bool,
    publish: bool = False,
    series: RequestSeries | None = None,
) -> Request:
    """A new request (a draft, or open when ``publish``); the client's consent is recorded."""
    _may_post_for(actor, organisation)
    if not consent:
        raise RequestError(
            "client_consent",
            _l("Please confirm that the client agreed to their data being passed on."),
        )
    _check_details(data)
    timing = check_timing(data, now)
    short = _short_notice(timing, data, now)
    request = Request(
        organisation_id=organisation.id if organisation else None,
        created_by_id=actor.id,
        series=series,
        state=RequestState.DRAFT,
        client_consent_at=now,
        client_consent_by_id=actor.id,
    )
    _apply(request, data, timing, short)
    db.session.add(request)
    db.session.flush()
    lifecycle.record_creation(request, actor)
    if short:
        audit.record("request.short_notice", actor=actor, obj=request)
    if publish:
        lifecycle.transition(request, RequestState.OPEN, actor, as_=capacity(actor, request))
    return request


def create_series(
    data: RequestData,
    actor: User,
    *,
    organisation: Organisation | None,
    now: datetime,
    consent: bool,
    every_days: int,
    count: int,
    publish: bool = False,
) -> list[Request]:
    """One request per date: the same local time every ``every_days`` days, ``count`` times."""
    if data.flexible:
        raise RequestError("repeat", _l("Only an appointment with a date can repeat."))
    if every_days not in (7, 14):
        raise RequestError("repeat", _l("Please choose how often it repeats."))
    if not 2 <= count <= MAX_SERIES:
        raise RequestError(
            "count",
            _l("Please enter a number from %(min)d to %(max)d.", min=2, max=MAX_SERIES),
        )
    series = RequestSeries(created_by_id=actor.id, rule={"every_days": every_days, "count": count})
    db.session.add(series)
    created = []
    for number in range(count):
        one = RequestData(**{**data.__dict__})
        one.day = data.day + timedelta(days=every_days * number)
        # Only the first date can be short notice; the later ones never are.
        created.append(
            create_request(
                one,
                actor,
                organisation=organisation,
                now=now,
                consent=consent,
                publish=publish,
                series=series,
            )
        )
    audit.record("request.series_created", actor=actor, obj=series, requests=len(created))
    db.session.flush()
    return created


#: Fields whose change the assigned volunteer is told about.
TIME_AND_PLACE = ("starts_at", "ends_at", "window_from", "deadline", "municipality_id", "address")
TRACKED = (
    "kind",
    "language_code",
    "other_language_code",
    "mode",
    "setting",
    *TIME_AND_PLACE,
    "client_ref",
    "gender_preference",
    "required_qualifications",
    "volunteers_needed",
    "urgency",
    "notes",
)


def _ensure_editable(request: Request) -> None:
    if request.state not in lifecycle.EDITABLE:
        raise NotAllowed("state", _l("This request is closed and can no longer be changed."))


def update_request(request: Request, data: RequestData, actor: User, *, now: datetime):
    """Change the details; the history keeps what changed. Editing the time or place of a
    request with an accepted volunteer tells that volunteer by e-mail."""
    if capacity(actor, request) is None:
        raise NotAllowed("state", _l("You cannot change this request."))
    _ensure_editable(request)
    _check_details(data)
    before = {name: getattr(request, name) for name in TRACKED}
    timing = check_timing(data, now)
    moved = (timing.starts_at, timing.ends_at, timing.window_from, timing.deadline) != (
        request.starts_at,
        request.ends_at,
        request.window_from,
        request.deadline,
    )
    short = _short_notice(timing, data, now) if moved else request.short_notice
    if not moved and request.urgency is Urgency.URGENT and request.short_notice:
        data.urgency = Urgency.URGENT
    _apply(request, data, timing, short)
    changed = {
        name: (before[name], getattr(request, name))
        for name in TRACKED
        if before[name] != getattr(request, name)
    }
    lifecycle.record_edit(request, actor, changed)
    if moved:
        # The assignments keep a copy of the time, for the rule against double bookings.
        from wirnet.matching.assignments import AssignmentError, sync_times

        try:
            sync_times(request)
        except AssignmentError as error:
            raise RequestError("day", error.message) from error
    if any(name in changed for name in TIME_AND_PLACE):
        tell_assigned(request, sorted(n for n in changed if n in TIME_AND_PLACE))
    db.session.flush()
    return changed


def accepted_volunteers(request: Request) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(VolunteerProfile, VolunteerProfile.user_id == User.id)
            .join(Assignment, Assignment.profile_id == VolunteerProfile.id)
            .where(
                Assignment.request_id == request.id,
                Assignment.state == AssignmentState.ACCEPTED,
                User.active,
            )
            .order_by(User.id)
        )
    )


def tell_assigned(request: Request, fields: list[str]) -> int:
    """E-mail each volunteer with an accepted assignment, in their language."""
    people = accepted_volunteers(request)
    for user in people:
        queue_email(
            "request_changed",
            to=user.email,
            locale=user.locale,
            user=user,
            request=request,
            time_changed=any(
                f in fields for f in ("starts_at", "ends_at", "window_from", "deadline")
            ),
            place_changed=any(f in fields for f in ("municipality_id", "address")),
            link=external_url("main.home"),
            clock=lambda value: format_time(value, "short"),
        )
        audit.record("request.volunteer_told", obj=request, volunteer=user.id, fields=fields)
    return len(people)


# --- the life cycle's actions ----------------------------------------------------------------


def change_state(request: Request, new: RequestState, actor, *, note: str | None = None) -> None:
    """Publish, cancel, expire or complete, if the state and the actor's part allow it."""
    part = capacity(actor, request)
    if part is None or not lifecycle.can_transition(request, new, part):
        raise NotAllowed("state", refusal(request, new))
    lifecycle.transition(request, new, actor, as_=part, note=note)
    if new is RequestState.CANCELLED:
        # Offers die, bookings free the volunteers' time, and whoever was booked is told.
        from wirnet.db_types import utcnow
        from wirnet.matching.assignments import release_cancelled

        release_cancelled(request, actor, now=utcnow())


def refusal(request: Request, new: RequestState):
    if request.state in lifecycle.FINAL:
        return _l("This request is closed: nothing about it can change any more.")
    if new is RequestState.COMPLETED:
        return _l(
            "Only a request that has been carried out can be completed: "
            "the appointment must have taken place and every volunteer's report be in."
        )
    if new is RequestState.CONFIRMED:
        return _l("Only a request whose volunteers are all booked can be marked as carried out.")
    if new is RequestState.EXPIRED:
        return _l("Only an open request can expire.")
    if new is RequestState.OPEN:
        return _l("Only a draft can be published.")
    return _l("This change is not possible for this request now.")


def overdue(now: datetime) -> list[Request]:
    """Open requests whose time has passed: the appointment ended, or the deadline."""
    return list(
        db.session.scalars(
            select(Request)
            .where(
                Request.state == RequestState.OPEN,
                or_(
                    Request.ends_at < now,
                    and_(Request.ends_at.is_(None), Request.deadline < local_today(now)),
                ),
            )
            .order_by(Request.id)
        )
    )


@dataclass(frozen=True)
class Expiry:
    """What ``flask requests expire`` did."""

    #: Open requests nobody was booked for: expired.
    expired: int
    #: Open requests with a booked volunteer (not every place taken): someone went, so
    #: they became assigned, for the volunteers to record their hours.
    assigned: int


#: A volunteer was booked for the request: booked still, or their outcome recorded.
WENT = (AssignmentState.ACCEPTED, AssignmentState.COMPLETED, AssignmentState.NO_SHOW)


def expire_overdue(now: datetime) -> Expiry:
    """``flask requests expire``: every open request whose time has passed expires —
    unless a volunteer was booked for it (some places still free). Then someone went: it
    becomes assigned, so that they can record their hours (and carried out at once if
    their outcomes are in already)."""
    found = overdue(now)
    went: dict[int, set[AssignmentState]] = {}
    if found:
        for request_id, state in db.session.execute(
            select(Assignment.request_id, Assignment.state).where(
                Assignment.request_id.in_([request.id for request in found]),
                Assignment.state.in_(WENT),
            )
        ):
            went.setdefault(request_id, set()).add(state)
    assigned = 0
    for request in found:
        if request.id not in went:
            lifecycle.transition(request, RequestState.EXPIRED, None, as_="system")
            continue
        lifecycle.transition(request, RequestState.ASSIGNED, None, as_="system")
        assigned += 1
        if AssignmentState.ACCEPTED not in went[request.id]:
            # Every report is in already: carried out.
            lifecycle.transition(request, RequestState.CONFIRMED, None, as_="system")
    return Expiry(expired=len(found) - assigned, assigned=assigned)


# --- the coordinator board -------------------------------------------------------------------


@dataclass
class BoardFilter:
    state: RequestState | None = None
    kind: RequestKind | None = None
    language: str | None = None
    municipality_id: int | None = None
    #: An organisation's id, 0 for walk-ins without one.
    organisation_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    urgent: bool = False


def _board_conditions(filters: BoardFilter) -> list:
    conditions: list = []
    if filters.state is not None:
        conditions.append(Request.state == filters.state)
    if filters.kind is not None:
        conditions.append(Request.kind == filters.kind)
    if filters.language:
        conditions.append(
            or_(
                Request.language_code == filters.language,
                Request.language_code.startswith(filters.language + "-", autoescape=True),
            )
        )
    if filters.municipality_id is not None:
        conditions.append(Request.municipality_id == filters.municipality_id)
    if filters.organisation_id == 0:
        conditions.append(Request.organisation_id.is_(None))
    elif filters.organisation_id is not None:
        conditions.append(Request.organisation_id == filters.organisation_id)
    if filters.date_from is not None:
        start = to_utc(filters.date_from, time())
        conditions.append(or_(Request.starts_at >= start, Request.deadline >= filters.date_from))
    if filters.date_to is not None:
        end = to_utc(filters.date_to + timedelta(days=1), time())
        conditions.append(
            or_(
                Request.starts_at < end,
                and_(Request.starts_at.is_(None), Request.window_from <= filters.date_to),
            )
        )
    if filters.urgent:
        conditions.append(or_(Request.urgency == Urgency.URGENT, Request.short_notice))
    return conditions


def soon_key():
    """How soon a request starts: its start, or for a flexible window its deadline."""
    return func.coalesce(Request.starts_at, Request.deadline)


def board(filters: BoardFilter, *, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of the board in two queries, whatever ``per_page`` is."""
    conditions = _board_conditions(filters)
    total = db.session.scalar(select(func.count(Request.id)).where(*conditions)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    rows = list(
        db.session.scalars(
            select(Request)
            .where(*conditions)
            .options(joinedload(Request.organisation), joinedload(Request.municipality))
            # Closed requests (completed, cancelled, expired) after the ones still to do.
            .order_by(
                Request.state.in_(lifecycle.FINAL), soon_key().is_(None), soon_key(), Request.id
            )
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return Page(rows, total, page, per_page)


def starts_soon(request: Request, now: datetime) -> bool:
    """An open request starting within 48 hours (or with its deadline that close)."""
    if request.state is not RequestState.OPEN:
        return False
    if request.starts_at is not None:
        return request.starts_at - now <= SOON
    if request.deadline is not None:
        return request.deadline <= (now + SOON).astimezone(_tz()).date()
    return False


def board_languages() -> list[str]:
    """Every language some request needs, with the language of each variety."""
    codes = set(db.session.scalars(select(Request.language_code).distinct()))
    return sorted(codes | {code.split("-")[0] for code in codes})


def municipalities() -> list[Municipality]:
    return list(db.session.scalars(select(Municipality).order_by(Municipality.name)))


def all_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def qualification_types(keys=None) -> dict[str, QualificationType]:
    stmt = select(QualificationType)
    if keys is not None:
        if not keys:
            return {}
        stmt = stmt.where(QualificationType.key.in_(list(keys)))
    else:
        stmt = stmt.where(QualificationType.active).order_by(QualificationType.position)
    return {kind.key: kind for kind in db.session.scalars(stmt)}


def users_by_id(ids) -> dict[int, User]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def series_requests(request: Request) -> list[Request]:
    if request.series_id is None:
        return []
    return list(
        db.session.scalars(
            select(Request)
            .where(Request.series_id == request.series_id)
            .order_by(soon_key(), Request.id)
        )
    )


# --- the organisation's requests -------------------------------------------------------------


@dataclass
class Overview:
    counts: dict[RequestState, int]
    drafts: list[Request]
    soon_without_volunteer: list[Request]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def organisation_overview(user, now: datetime, limit: int = 10) -> Overview:
    """What an organisation member's home page shows: requests by state, and what needs
    their action (drafts to publish, open requests starting soon with nobody yet)."""
    ids = organisation_ids_of(user)
    if not ids:
        return Overview({}, [], [])
    counts = {
        RequestState(state): number
        for state, number in db.session.execute(
            select(Request.state, func.count(Request.id))
            .where(Request.organisation_id.in_(ids))
            .group_by(Request.state)
        )
    }
    drafts = list(
        db.session.scalars(
            select(Request)
            .where(Request.organisation_id.in_(ids), Request.state == RequestState.DRAFT)
            .order_by(soon_key(), Request.id)
            .limit(limit)
        )
    )
    horizon = now + timedelta(days=SOON_DAYS)
    soon = list(
        db.session.scalars(
            select(Request)
            .where(
                Request.organisation_id.in_(ids),
                Request.state == RequestState.OPEN,
                or_(
                    and_(Request.starts_at >= now, Request.starts_at <= horizon),
                    and_(
                        Request.starts_at.is_(None),
                        Request.deadline >= local_today(now),
                        Request.deadline <= local_today(horizon),
                    ),
                ),
            )
            .order_by(soon_key(), Request.id)
            .limit(limit)
        )
    )
    return Overview(counts, drafts, soon)


def organisation_requests(user, *, state: RequestState | None, page: int = 1) -> Page:
    """The requests of ``user``'s organisations (all of them for a coordinator), paginated."""
    conditions = [visible_to(user)]
    if state is not None:
        conditions.append(Request.state == state)
    total = db.session.scalar(select(func.count(Request.id)).where(*conditions)) or 0
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    rows = list(
        db.session.scalars(
            select(Request)
            .where(*conditions)
            .options(joinedload(Request.organisation), joinedload(Request.municipality))
            .order_by(soon_key().is_(None), soon_key().desc(), Request.id.desc())
            .limit(PER_PAGE)
            .offset((page - 1) * PER_PAGE)
        )
    )
    return Page(rows, total, page, PER_PAGE)
