"""Loading what the engine needs of the volunteers found, in one query whatever their
number.

``volunteer_columns`` describes one volunteer as JSON from correlated subqueries that an
index on the volunteer answers: their profile with their name, their skills in the
request's language (and for mediation the other one), the required qualifications, slots
on the appointment's weekday, absences on its days, bookings around it and conflicts of
interest; ``history_column`` adds their assignment history (recent assignments, worked
with this organisation or client, declined here, offers made and answered). The ranking
statement (:mod:`wirnet.matching.candidates`) reads these for the volunteers the narrowing
finds; ``load`` and ``volunteer_facts`` read them for given ids. ``decode_volunteer`` and
``decode_history`` turn the JSON into the engine's facts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from wirnet.auth.models import User
from wirnet.db_types import UTCDateTime
from wirnet.matching import engine, sql
from wirnet.matching.facts import BOOKED, Days, Kind, Town
from wirnet.requests.models import (
    Assignment,
    AssignmentOrigin,
    AssignmentState,
    Request,
    RequestKind,
)
from wirnet.volunteers.models import (
    Absence,
    AvailabilitySlot,
    ConflictOfInterest,
    LanguageSkill,
    Qualification,
    QualificationState,
    QualificationType,
    VolunteerProfile,
    VolunteerStatus,
)

#: An offer counts as answered when the volunteer said yes or no.
ANSWERED = (
    AssignmentState.ACCEPTED,
    AssignmentState.DECLINED,
    AssignmentState.COMPLETED,
    AssignmentState.NO_SHOW,
)
#: The assignment history counted for fairness.
RECENT_DAYS = 30


@dataclass
class History:
    """A volunteer's assignments, as the scores need them."""

    recent: int = 0
    worked_with_organisation: bool = False
    worked_with_client: bool = False
    declined_here_before: bool = False
    offers: int = 0
    offers_answered: int = 0


@dataclass(frozen=True)
class Volunteer:
    """One volunteer as loaded: the profile and what the engine needs of their rows."""

    name: str
    status: str
    gender: str | None
    municipality_id: int | None
    mobility: str | None
    max_distance_km: float | None
    on_call: bool
    topics: frozenset[str]
    languages: tuple[engine.LanguageFacts, ...]
    qualifications: tuple[engine.QualificationFacts, ...]
    slots: tuple[engine.Slot, ...]
    absences: tuple[tuple[date, date], ...]
    busy: tuple[engine.Busy, ...]
    conflicts: tuple[str, ...]

    def facts(self, profile_id: int, towns: dict[int, Town], history: History):
        town = towns.get(self.municipality_id) if self.municipality_id is not None else None
        return engine.VolunteerFacts(
            profile_id=profile_id,
            name=self.name,
            active=self.status == VolunteerStatus.ACTIVE.value,
            gender=self.gender,
            lat=town.lat if town else None,
            lon=town.lon if town else None,
            municipality=town.name if town else None,
            mobility=self.mobility,
            max_distance_km=self.max_distance_km,
            on_call=self.on_call,
            topics=self.topics,
            languages=self.languages,
            qualifications=self.qualifications,
            slots=self.slots,
            absences=self.absences,
            busy=self.busy,
            conflicts=self.conflicts,
            recent_assignments=history.recent,
            worked_with_organisation=history.worked_with_organisation,
            worked_with_client=history.worked_with_client,
            declined_here_before=history.declined_here_before,
            offers=history.offers,
            offers_answered=history.offers_answered,
        )


def volunteer_columns(dialect: str, me) -> list:
    """The columns describing the volunteer whose id is ``me``: each a JSON array from a
    correlated subquery that an index on the volunteer answers — their profile with their
    name; their skills in (varieties of) the languages ``lang`` and ``other``; the
    qualifications of ``types`` (all if ``all_types``); the weekly slots on
    ``load_weekday`` (all if negative); absences between ``first_day`` and ``last_day``;
    bookings overlapping ``load_busy_from``–``load_busy_until`` but for ``request_id``'s;
    conflicts of interest."""

    def rows(*columns, where, table=None):
        query = select(sql.json_rows(dialect, *columns)).where(*where)
        if table is not None:
            query = query.select_from(table)
        return query.scalar_subquery()

    first, last = bindparam("first_day", type_=Date), bindparam("last_day", type_=Date)
    busy_from = bindparam("load_busy_from", type_=UTCDateTime())
    busy_until = bindparam("load_busy_until", type_=UTCDateTime())
    weekday = bindparam("load_weekday", type_=Integer)
    p = aliased(VolunteerProfile)
    profile = (
        select(
            sql.json_array(
                dialect,
                User.display_name,
                p.status,
                p.gender,
                p.municipality_id,
                p.mobility,
                p.max_distance_km,
                p.on_call,
                sql.json_list(p.topics, dialect),
            )
        )
        .select_from(p)
        .join(User, User.id == p.user_id)
        .where(p.id == me)
        .scalar_subquery()
    )
    languages = rows(
        LanguageSkill.code,
        LanguageSkill.level_rank,
        LanguageSkill.mediates,
        sql.json_list(LanguageSkill.modes, dialect),
        sql.json_list(LanguageSkill.settings, dialect),
        where=(
            LanguageSkill.profile_id == me,
            or_(
                sql.variety(LanguageSkill.code, dialect, "lang"),
                sql.variety(LanguageSkill.code, dialect, "other"),
            ),
        ),
    )
    qualifications = rows(
        QualificationType.key,
        Qualification.state,
        Qualification.expires_on,
        QualificationType.grace_days,
        where=(
            Qualification.profile_id == me,
            or_(
                bindparam("all_types", type_=Boolean),
                sql.among(Qualification.type_id, dialect, "types"),
            ),
        ),
        table=Qualification.__table__.join(
            QualificationType.__table__, QualificationType.id == Qualification.type_id
        ),
    )
    slots = rows(
        AvailabilitySlot.weekday,
        AvailabilitySlot.starts_at,
        AvailabilitySlot.ends_at,
        where=(
            AvailabilitySlot.profile_id == me,
            or_(weekday < 0, AvailabilitySlot.weekday == weekday),
        ),
    )
    absences = rows(
        Absence.starts_on,
        Absence.ends_on,
        where=(Absence.profile_id == me, Absence.ends_on >= first, Absence.starts_on <= last),
    )
    busy = rows(
        Assignment.starts_at,
        Assignment.ends_at,
        Assignment.request_id,
        where=(
            Assignment.profile_id == me,
            Assignment.state.in_(BOOKED),
            Assignment.starts_at.is_not(None),
            Assignment.ends_at > busy_from,
            Assignment.starts_at < busy_until,
            Assignment.request_id != bindparam("request_id", type_=Integer),
        ),
    )
    conflicts = rows(
        ConflictOfInterest.description,
        where=(ConflictOfInterest.profile_id == me,),
    )
    return [profile, languages, qualifications, slots, absences, busy, conflicts]


@lru_cache(maxsize=16)
def load_statement(dialect: str, history: tuple[bool, bool] | None = None):
    """The loading statement (see ``load``), built once: for each of ``ids`` a JSON array
    of the seven parts of ``volunteer_columns``, and with ``history`` (whether the
    request has an organisation, a client reference) an eighth, their history."""
    me = VolunteerProfile.id
    parts = volunteer_columns(dialect, me)
    if history is not None:
        parts.append(history_column(dialect, *history, me))
    return select(me, sql.nested(dialect, *parts).label("volunteer")).where(sql.among(me, dialect))


#: "Until further notice", for the windows of ``load``.
FAR_DAY = date(9999, 12, 31)
FAR_MOMENT = datetime(9999, 12, 31, tzinfo=UTC)


def _clock(value) -> time:
    """A time of day as SQLite (text) or PostgreSQL (a time, or text in JSON) hands it
    back."""
    return value if isinstance(value, time) else time.fromisoformat(value)


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _moment(value) -> datetime:
    """A UTC timestamp from JSON: SQLite's text without an offset, PostgreSQL's with."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def decoded(value) -> list:
    """A JSON array as SQLite (text) or PostgreSQL (decoded, or NULL for none) hands it."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


class _Made(dict):
    """Values made from their JSON once each, kept between rankings (up to a bound): the
    topics people tick, the skills and the slots they enter are few and repeat from one
    volunteer to the next."""

    BOUND = 4096

    def __init__(self, make) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: tuple):
        if len(self) >= self.BOUND:
            self.clear()
        value = self[key] = self.make(*key)
        return value


_SETS = _Made(lambda *items: frozenset(items))
_SKILLS = _Made(
    lambda code, rank, mediates, modes, settings_: engine.LanguageFacts(
        code, rank, bool(mediates), _SETS[modes], _SETS[settings_]
    )
)
_SLOTS = _Made(lambda day, start, end: engine.Slot(day, _clock(start), _clock(end)))
_VERIFIED = QualificationState.VERIFIED.value


def decode_volunteer(parts: Sequence) -> Volunteer:
    """The JSON of ``volunteer_columns`` decoded (a list of its seven parts)."""
    profile, languages, qualifications, slots, absences, busy, conflicts = parts
    name, status, gender, municipality_id, mobility, max_km, on_call, topics = profile
    held = []
    for key, state, expires_on, grace in qualifications or ():
        expires = _day(expires_on)
        until = expires + timedelta(days=grace or 0) if expires is not None else None
        held.append(engine.QualificationFacts(key, state == _VERIFIED, until, expires))
    return Volunteer(
        name=name,
        status=status,
        gender=gender,
        municipality_id=municipality_id,
        mobility=mobility,
        max_distance_km=float(max_km) if max_km is not None else None,
        on_call=bool(on_call),
        topics=_SETS[tuple(topics or ())],
        languages=tuple(
            [
                _SKILLS[code, rank, mediates, tuple(modes or ()), tuple(settings_ or ())]
                for code, rank, mediates, modes, settings_ in languages
            ]
            if languages
            else ()
        ),
        qualifications=tuple(held),
        slots=tuple([_SLOTS[tuple(slot)] for slot in slots]) if slots else (),
        absences=tuple((_day(starts_on), _day(ends_on)) for starts_on, ends_on in absences or ()),
        busy=tuple(
            engine.Busy(_moment(starts_at), _moment(ends_at), request_id)
            for starts_at, ends_at, request_id in busy or ()
        ),
        conflicts=tuple(description for (description,) in conflicts or ()),
    )


def load_values(
    *,
    first_day: date,
    last_day: date | None,
    busy_from: datetime,
    busy_until: datetime | None,
    exclude_request_id: int | None = None,
    languages: Sequence[str] = (),
    qualification_types: Sequence[int] | None = None,
    weekday: int | None = None,
) -> dict[str, Any]:
    tags = list(languages)[:2]
    values = {
        "first_day": first_day,
        "last_day": last_day or FAR_DAY,
        "load_busy_from": busy_from,
        "load_busy_until": busy_until or FAR_MOMENT,
        "request_id": exclude_request_id or 0,
        "load_weekday": -1 if weekday is None else weekday,
        "types": sql.ids_value(qualification_types or ()),
        "all_types": qualification_types is None,
        **sql.variety_values(tags[0] if tags else "", "lang"),
        **sql.variety_values(tags[-1] if tags else "", "other"),
    }
    if not tags:  # every language
        values |= {"lang_base": "", "lang_pattern": "*" if sql.dialect_name() == "sqlite" else "%"}
    return values


def load(ids: Sequence[int], **window: Any) -> dict[int, Volunteer]:
    """Profiles with names, languages, qualifications, slots, absences from ``first_day``
    (to ``last_day``), bookings overlapping ``busy_from``–``busy_until`` (but for
    ``exclude_request_id``'s) and conflicts of the volunteers ``ids``: one query, whatever
    their number (``volunteer_columns``).

    Only what the engine looks at, if given: the skills in (varieties of) ``languages``
    (at most two), the qualifications of ``qualification_types``, the weekly slots on
    ``weekday``."""
    values = load_values(**window) | {"ids": sql.ids_value(ids)}
    rows = sql.rows(load_statement(sql.dialect_name()), values)
    return {row.id: decode_volunteer(decoded(row.volunteer)) for row in rows}


def offered():
    return and_(
        Assignment.origin == AssignmentOrigin.PROPOSAL,
        Assignment.state != AssignmentState.PROPOSED,
    )


def answered():
    return or_(Assignment.answered_at.is_not(None), Assignment.state.in_(ANSWERED))


def _flag(condition):
    return func.max(case((condition, 1), else_=0))


def count_where(condition):
    return func.sum(case((condition, 1), else_=0))


def recent():
    """Booked or carried out, the appointment (else the request's, else when it was made)
    in the last ``RECENT_DAYS`` days."""
    moment = func.coalesce(Assignment.starts_at, Request.starts_at, Assignment.created_at)
    return and_(
        Assignment.state.in_(BOOKED),
        moment >= bindparam("recent_from", type_=UTCDateTime()),
        moment <= bindparam("now", type_=UTCDateTime()),
    )


def _history_aggregates(organisation: bool, client: bool) -> list:
    """Recent assignments, worked with this organisation, with this client, declined
    here, offers made, offers answered: over the assignments (joined with their
    requests) of one volunteer."""
    same_org = (
        Request.organisation_id == bindparam("organisation_id", type_=Integer)
        if organisation
        else false()
    )
    if client:
        same_client = and_(
            Request.client_ref == bindparam("client_ref", type_=String),
            same_org if organisation else Request.organisation_id.is_(None),
        )
    else:
        same_client = false()
    completed = Assignment.state == AssignmentState.COMPLETED
    return [
        count_where(recent()),
        _flag(and_(completed, same_org)),
        _flag(and_(completed, same_client)),
        _flag(and_(Assignment.state == AssignmentState.DECLINED, or_(same_org, same_client))),
        count_where(offered()),
        count_where(and_(offered(), answered())),
    ]


def history_column(dialect: str, organisation: bool, client: bool, me):
    """The history of the volunteer whose id is ``me`` as one JSON array (a correlated
    subquery over their assignments)."""
    return (
        select(sql.json_array(dialect, *_history_aggregates(organisation, client)))
        .select_from(Assignment)
        .join(Request, Request.id == Assignment.request_id)
        .where(
            Assignment.profile_id == me,
            Assignment.request_id != bindparam("request_id", type_=Integer),
        )
        .scalar_subquery()
    )


def decode_history(values) -> History:
    """The history from ``history_column``'s array (None: no assignment at all)."""
    if values is None:
        return History()
    recent, org_flag, client_flag, declined, offers, answered = values
    return History(
        int(recent or 0),
        bool(org_flag),
        bool(client_flag),
        bool(declined),
        int(offers or 0),
        int(answered or 0),
    )


def history_values(facts: engine.RequestFacts, now: datetime) -> dict[str, Any]:
    return {
        "request_id": facts.request_id,
        "organisation_id": facts.organisation_id,
        "client_ref": facts.client_ref,
        "recent_from": now - timedelta(days=RECENT_DAYS),
        "now": now,
    }


def load_window(facts: engine.RequestFacts, kinds: dict[str, Kind]) -> dict[str, Any]:
    """What ``load`` reads of the volunteers for one request: the skills in its language
    (and for language mediation the other one), the qualifications it requires, the
    slots on its weekday, absences on its days, bookings around them."""
    days = Days.of(facts)
    mediation = facts.kind == RequestKind.LANGUAGE_MEDIATION.value and facts.other_language
    return {
        "first_day": days.first,
        "last_day": days.last,
        "busy_from": days.start_utc - timedelta(days=1),
        "busy_until": days.end_utc + timedelta(days=1),
        "exclude_request_id": facts.request_id,
        "languages": [facts.language, facts.other_language if mediation else facts.language],
        "qualification_types": [
            kinds[key].id for key in facts.required_qualifications if key in kinds
        ],
        "weekday": days.starts_at.astimezone(engine.BERLIN).weekday() if days.starts_at else None,
    }


def volunteer_facts(
    ids: Sequence[int],
    facts: engine.RequestFacts,
    towns: dict[int, Town],
    kinds: dict[str, Kind],
    now: datetime,
) -> list[engine.VolunteerFacts]:
    """The engine's view of the volunteers ``ids`` for one request (``load_window``), with
    their history: one query."""
    history = (facts.organisation_id is not None, bool(facts.client_ref))
    values = (
        load_values(**load_window(facts, kinds))
        | history_values(facts, now)
        | {"ids": sql.ids_value(ids)}
    )
    found = {
        row.id: decoded(row.volunteer)
        for row in sql.rows(load_statement(sql.dialect_name(), history), values)
    }
    return [
        decode_volunteer(parts[:7]).facts(profile_id, towns, decode_history(parts[7]))
        for profile_id in ids
        if (parts := found.get(profile_id)) is not None
    ]
