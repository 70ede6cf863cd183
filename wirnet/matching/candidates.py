"""The query layer of matching: narrow the volunteers in SQL, load what the engine needs in
a constant number of queries, and let the pure engine (:mod:`wirnet.matching.engine`) decide.

``rank_request(request, now=…)`` sends 2 queries whatever the number of volunteers:

1. **the context** (``_context_statement``): the region's municipalities (the distance
   from each centre to the request's is computed here, with the engine's own haversine,
   so the floats are the engine's), the qualification types (keys, grace days, names) and
   the request's organisation's name, as the rows of one statement;
2. **the ranking statement** (``_ranking_statement``), which returns one JSON document:

   - *the narrowing* (``_selection``). It starts from the volunteers passing the
     *driving rule* and speaking the language at B1 or better, read from indexes alone.
     The driving rule: a weekly slot covering a fixed appointment
     (``ix_availability_slots_cover``); else, at short notice or for a flexible window,
     the first required qualification (``ix_qualifications_type_state_expiry``); else
     the language at the level the kind needs (``ix_language_skills_code_rank``: a
     language and its varieties, ``ar`` and ``ar-…``, as one index range). The active
     ones among them are read with the columns the rules need from a partial index
     (``ix_volunteer_profiles_active``, revision 0007), **nearest first** (distance,
     then id), and checked, as far as needed and no further, against the other rules
     SQL can check, the cheap ones first and up to the first failed: within reach for an
     on-site request (``max_distance_km`` and the cap of their means of travel); the
     gender asked for; the language; for language mediation the other language at B2+;
     every required qualification verified and valid on the day (the cut-off, expiry
     plus the type's grace days, computed here per type); a slot covering the local
     time, or on call at short notice; no absence that day; no booking overlapping the
     appointment with the travel buffer. **The nearest ``MATCH_MAX_CANDIDATES`` passing
     every rule are the ones scored.** Near misses: among the nearest ``NEAR_MISS_SCAN``
     failing, those failing exactly one rule, the nearest ``NEAR_MISS_POOL`` (so they
     pass the driving rule: for an appointment at a fixed time, not at short notice, "no
     weekly slot then" is not looked for). Conflicts of interest, mode and setting (JSON
     lists and free text) are left to the engine.
   - *the loading* of those found (``_volunteer_columns``): their profiles with their
     names, and with each, from correlated subqueries that an index on the volunteer
     answers, their skills in the request's language (and for mediation the other one),
     the required qualifications, slots on the appointment's weekday, absences on its
     days, bookings around it, conflicts, and their assignment history (recent
     assignments, worked with this organisation or client, declined here, offers made
     and answered; ``_history_column``).

Every SQL rule is the engine's rule or a looser one, never a stricter one: the candidates
are exactly those the engine accepts (up to the limit; tests/integration/
test_matching_candidates.py checks it against the engine over every volunteer). Volunteers
already holding an offer, a booking or an answer for the request (any assignment but a
withdrawn one) are left out: the match page lists them with the request's assignments.

The statements are built once per *shape* of request (``Shape``: which rules it has) with
bound parameters and kept; building and compiling statements of this size costs more than
running them. On PostgreSQL:

- the ranking statement is prepared the first time it runs on a connection, and planned
  once for any values (``force_generic_plan``, set for the transaction by the context
  statement): planning it afresh for each request takes as long as running it. Its plan
  does not hang on the planner's guesses: every speaker of a language is checked against
  a hash table (``_among_ids``), and a common language's speakers are read town by town,
  nearest first (``_town_by_town``), so that reading stops where checking stops;
- it is sent with ``$n`` placeholders, its text and the order of its values worked out
  once (``wirnet.matching.prepared``), not rewritten by the client for every ranking;
- each rule's ``EXISTS`` carries ``OFFSET 0``, so that it stays a probe through an index
  per volunteer (revision 0006 gives each probe an index that answers it alone);
- WIRnet's connections have JIT compilation off (``wirnet._tune_postgresql``).

``open_requests_for(profile, now=…)`` turns the engine round: the open requests in the
volunteer's languages (SQL, bounded, soonest first), evaluated one by one against the
volunteer's facts (loaded once); the ones that fit, soonest first; 5 queries whatever the
numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from flask import current_app
from sqlalchemy import (
    Boolean,
    Date,
    Float,
    Integer,
    String,
    Time,
    and_,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.sql.elements import Grouping

from wirnet.auth.models import User
from wirnet.db_types import UTCDateTime
from wirnet.extensions import db
from wirnet.matching import engine, prepared
from wirnet.organisations.models import Organisation
from wirnet.regions import Municipality
from wirnet.requests.models import (
    Assignment,
    AssignmentOrigin,
    AssignmentState,
    Request,
    RequestKind,
    RequestMode,
    RequestSetting,
    RequestState,
    Urgency,
)
from wirnet.volunteers.models import (
    Absence,
    AvailabilitySlot,
    ConflictOfInterest,
    LanguageSkill,
    Qualification,
    QualificationState,
    QualificationType,
    Topic,
    VolunteerProfile,
    VolunteerStatus,
)

#: At most this many near misses are read (the engine keeps those it finds failing exactly
#: one rule, and shows ``MATCH_NEAR_MISSES`` of them).
NEAR_MISS_POOL = 15
#: Near misses are looked for among the nearest this many volunteers (passing the driving
#: rule) that fail some rule: counting failures costs more than stopping at the first.
#: Over the benchmark's 200 requests, 60 finds the same near misses as 100 for all but
#: 2 (one fewer each), for a tenth less time per ranking.
NEAR_MISS_SCAN = 60
#: ``open_requests_for`` evaluates at most this many open requests of each timing (fixed
#: appointments, flexible windows), soonest first.
OPEN_REQUEST_POOL = 200
#: Near misses and the volunteer's open requests: the language at least at this level.
NEAR_MISS_RANK = engine.LEVELS["B1"]
#: Assignments that hold the volunteer's time.
BOOKED = (AssignmentState.ACCEPTED, AssignmentState.COMPLETED)
#: An offer counts as answered when the volunteer said yes or no.
ANSWERED = (
    AssignmentState.ACCEPTED,
    AssignmentState.DECLINED,
    AssignmentState.COMPLETED,
    AssignmentState.NO_SHOW,
)
#: The assignment history counted for fairness.
RECENT_DAYS = 30

TOPIC_BY_KIND = {
    RequestKind.LANGUAGE_MEDIATION: Topic.LANGUAGE_MEDIATION,
    RequestKind.HEALTH_GUIDANCE: Topic.HEALTH,
}
TOPIC_BY_SETTING = {
    RequestSetting.DOCTOR_HOSPITAL: Topic.HEALTH,
    RequestSetting.AUTHORITY: Topic.AUTHORITIES,
    RequestSetting.SCHOOL_CHILDCARE: Topic.SCHOOL_CHILDCARE,
    RequestSetting.JOB_CENTRE: Topic.WORK_JOBS,
}


def settings() -> engine.Settings:
    return engine.Settings.from_config(current_app.config)


# --- the request's facts ------------------------------------------------------------------


@dataclass(frozen=True)
class Town:
    id: int
    name: str
    lat: float
    lon: float


def request_topics(kind: str, setting: str) -> frozenset[str]:
    """The volunteer topics a request touches (for the topics score)."""
    topics = set()
    if (topic := TOPIC_BY_KIND.get(RequestKind(kind))) is not None:
        topics.add(topic.value)
    if (topic := TOPIC_BY_SETTING.get(RequestSetting(setting))) is not None:
        topics.add(topic.value)
    return frozenset(topics)


def _value(member: Any) -> Any:
    return getattr(member, "value", member)


def _facts(
    request: Request, *, today: date, town: Town | None, organisation_name: str | None
) -> engine.RequestFacts:
    return engine.RequestFacts(
        request_id=request.id,
        kind=_value(request.kind),
        language=request.language_code,
        other_language=request.other_language_code or "de",
        mode=_value(request.mode),
        setting=_value(request.setting),
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        window_from=request.window_from,
        deadline=request.deadline,
        lat=town.lat if town else None,
        lon=town.lon if town else None,
        municipality=town.name if town else None,
        gender_preference=_value(request.gender_preference),
        required_qualifications=tuple(request.required_qualifications or ()),
        short_notice=bool(request.short_notice or request.urgency == Urgency.URGENT),
        organisation_id=request.organisation_id,
        organisation_name=organisation_name,
        client_ref=request.client_ref,
        topics=request_topics(request.kind, request.setting),
        today=today,
    )


def request_facts(request: Request, *, today: date) -> engine.RequestFacts:
    """The engine's view of ``request`` (reads its municipality and organisation)."""
    place = request.municipality
    town = Town(place.id, place.name, place.lat, place.lon) if place is not None else None
    organisation = request.organisation
    return _facts(
        request,
        today=today,
        town=town,
        organisation_name=organisation.name if organisation is not None else None,
    )


def local_today(now: datetime) -> date:
    return now.astimezone(engine.BERLIN).date()


@dataclass(frozen=True)
class Days:
    """The local days a request covers, and its appointment (UTC) if it has one."""

    first: date
    last: date
    starts_at: datetime | None = None
    ends_at: datetime | None = None

    @classmethod
    def of(cls, facts: engine.RequestFacts) -> Days:
        if facts.starts_at is not None:
            ends_at = facts.ends_at or facts.starts_at
            return cls(
                facts.starts_at.astimezone(engine.BERLIN).date(),
                ends_at.astimezone(engine.BERLIN).date(),
                facts.starts_at,
                ends_at,
            )
        first = _qualification_day(facts)
        return cls(first, max(first, facts.deadline or first))

    @property
    def crosses_midnight(self) -> bool:
        return self.starts_at is not None and self.last != self.first

    @property
    def start_utc(self) -> datetime:
        """The first moment of the first day (UTC)."""
        return datetime.combine(self.first, time(0), tzinfo=engine.BERLIN).astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        """The first moment after the last day (UTC)."""
        following = self.last + timedelta(days=1)
        return datetime.combine(following, time(0), tzinfo=engine.BERLIN).astimezone(UTC)


def _qualification_day(facts: engine.RequestFacts) -> date:
    """The day a required qualification must be valid on, as the engine says: the
    appointment's local date; for a flexible window its first day, or today if later."""
    if facts.starts_at is not None:
        return facts.starts_at.astimezone(engine.BERLIN).date()
    return max(facts.window_from or facts.today, facts.today)


# --- narrowing in SQL ---------------------------------------------------------------------
#
# The statements are built once per *shape* (which rules a request has: see ``Shape``) with
# bound parameters, and kept: building and compiling a statement of this size costs more
# than running it. A request only fills in the values (``_values``).

_BASE = re.compile(r"^[a-z]{2,8}$")


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def language_base(tag: str) -> str:
    return (tag or "").split("-")[0].lower()


def _variety_values(tag: str, prefix: str) -> dict[str, str]:
    """The values for ``_variety``: ``ar-SY`` → ``ar`` and ``ar-*``/``ar-%``; a tag that is
    not a language code matches only itself."""
    base = language_base(tag)
    if not _BASE.match(base):
        return {f"{prefix}_base": tag, f"{prefix}_pattern": "", f"{prefix}_end": tag}
    wildcard = "*" if _dialect() == "sqlite" else "%"
    return {
        f"{prefix}_base": base,
        f"{prefix}_pattern": f"{base}-{wildcard}",
        f"{prefix}_end": base + ".",
    }


def _variety(column, dialect: str, prefix: str):
    """``column`` is a language or one of its varieties (``ar``, ``ar-SY`` …), so that the
    index on the code answers it: SQLite's GLOB is case-sensitive, so a prefix GLOB is an
    index range (its LIKE is not); PostgreSQL's index has the ``text_pattern_ops``
    operator class, so a prefix LIKE is one whatever the database's collation."""
    base, pattern = bindparam(f"{prefix}_base", type_=String), bindparam(f"{prefix}_pattern")
    if dialect == "sqlite":
        return or_(column == base, column.op("GLOB")(pattern))
    return or_(column == base, column.like(pattern))


def _variety_range(column, dialect: str, prefix: str):
    """``_variety`` as one index range, for reading every speaker of a language: from
    ``ar`` to ``ar.``, byte by byte, holds ``ar`` and ``ar-…`` (``-`` comes just before
    ``.``) and no other language code (codes are letters, digits and ``-``); a tag that is
    not a language code is its own range. One range, not two OR-ed: the index alone
    answers it, and the planner's estimate of how many speak the language is not halved
    by a second, overlapping condition."""
    base, end = bindparam(f"{prefix}_base", type_=String), bindparam(f"{prefix}_end")
    if dialect == "sqlite":  # BINARY collation: compared byte by byte
        return and_(column >= base, column <= end)
    # ``text_pattern_ops``: the operators that compare byte by byte
    return and_(column.op("~>=~")(base), column.op("~<=~")(end))


def variety_condition(column, tag: str):
    """``column`` is ``tag``'s language or a variety of it (values filled in)."""
    base = language_base(tag)
    if not _BASE.match(base):
        return column == tag
    if _dialect() == "sqlite":
        return or_(column == base, column.op("GLOB")(base + "-*"))
    return or_(column == base, column.like(base + "-%"))


@dataclass(frozen=True)
class Shape:
    """Which rules a request's narrowing has; one statement is built per shape."""

    dialect: str
    #: The rule read first, through its index: "slot", "qualification" (the first one
    #: required) or "language".
    driver: str
    mediation: bool  # the other language is checked too
    qualifications: int  # required qualification types (of known types)
    timing: str  # "fixed", "midnight" (crossing local midnight) or "window"
    short_notice: bool
    absence: bool
    gender: bool
    #: The municipalities of the distance ``CASE`` (SQLite); () for PostgreSQL's array;
    #: None: no distance rule (not on site, or no place).
    towns: tuple[int, ...] | None
    mobility: tuple[str, ...]  # the means of travel with a cap


@dataclass(frozen=True)
class Rule:
    """One hard rule in SQL: ``passes`` is true for the volunteers that pass it."""

    name: str
    passes: Any


def _probe(dialect: str, *conditions):
    """``EXISTS`` a row: probed through an index for each volunteer. On PostgreSQL with
    ``OFFSET 0``, which keeps the planner from turning it into a hashed subplan (reading
    the whole table once, 100 ms at 100,000 volunteers) or a join it misjudges."""
    query = select(literal(1)).where(*conditions)
    if dialect == "postgresql":
        query = query.offset(0)
    return exists(query)


def _speaks(dialect: str, p, prefix: str, rank: str):
    return _probe(
        dialect,
        LanguageSkill.profile_id == p.id,
        _variety(LanguageSkill.code, dialect, prefix),
        LanguageSkill.level_rank >= bindparam(rank, type_=Integer),
    )


def _holds(number: int):
    """Verified, and valid on the day: expiry on or after the day minus the type's grace
    days (the cut-off computed per type, in ``_values``)."""
    return (
        Qualification.type_id == bindparam(f"q{number}_type", type_=Integer),
        Qualification.state == QualificationState.VERIFIED,
        or_(
            Qualification.expires_on.is_(None),
            Qualification.expires_on >= bindparam(f"q{number}_cutoff", type_=Date),
        ),
    )


def _slot_rows():
    return (
        AvailabilitySlot.weekday == bindparam("weekday", type_=Integer),
        AvailabilitySlot.starts_at <= bindparam("start_time", type_=Time),
        AvailabilitySlot.ends_at >= bindparam("end_time", type_=Time),
    )


def _slot_rule(shape: Shape, p):
    """A weekly slot on the appointment's local weekday covers its local times (never one
    crossing midnight); on call counts instead for a short-notice request. A flexible
    window needs some weekly slot, or on call."""
    if shape.timing == "window":
        return or_(
            p.on_call.is_(True),
            _probe(shape.dialect, AvailabilitySlot.profile_id == p.id),
        )
    if shape.timing == "midnight":
        slot = false()
    else:
        slot = _probe(shape.dialect, AvailabilitySlot.profile_id == p.id, *_slot_rows())
    if shape.short_notice:
        return or_(p.on_call.is_(True), slot)
    return slot


def _distance(shape: Shape, p):
    """The distance from the volunteer's municipality to the request's (km; NULL unknown):
    a ``CASE`` on SQLite, an array indexed by the municipality's id on PostgreSQL."""
    if shape.towns is None:
        return literal(None, type_=Float)
    if shape.dialect == "postgresql":
        array = type_coerce(
            Grouping(cast(bindparam("km", type_=ARRAY(Float)), ARRAY(Float))), ARRAY(Float)
        )
        return array[p.municipality_id]
    return case(
        {town: bindparam(f"km_{town}", type_=Float) for town in shape.towns},
        value=p.municipality_id,
        else_=None,
    )


def _reach(shape: Shape, p):
    """``engine.reach_km`` in SQL: their own maximum capped by what their means of travel
    allows, either alone, or the default reach."""
    own = p.max_distance_km
    whens = {}
    for means in shape.mobility:
        cap = bindparam(f"cap_{means}", type_=Float)
        whens[means] = case((and_(own.is_not(None), own < cap), own), else_=cap)
    return case(
        whens,
        value=p.mobility,
        else_=func.coalesce(own, bindparam("default_reach", type_=Float)),
    )


#: The distance of a volunteer whose municipality is unknown (or of every volunteer when
#: the request has no place): farther than any reach, last in distance order.
FAR_KM = 1e9


def _rules(shape: Shape, p) -> list[Rule]:
    """The hard rules SQL checks, each the engine's rule or a looser one (never stricter),
    over ``p``: a row with the profile's id, ``km`` (``FAR_KM`` if unknown) and the
    columns the rules read. The cheap ones (on the row) first, and at short notice the
    slot rule before the language."""
    d = shape.dialect
    rules = []
    if shape.towns is not None:
        rules.append(Rule("distance", p.km <= _reach(shape, p)))
    if shape.gender:
        rules.append(Rule("gender", p.gender == bindparam("gender", type_=String)))
    slot = Rule("slot", _slot_rule(shape, p))
    # At short notice "on call, or a slot then" lets few through (on call is on the row):
    # checked before the language's probes, it spares most of them.
    if shape.short_notice:
        rules.append(slot)
    rules.append(Rule("language", _speaks(d, p, "lang", "lang_rank")))
    if shape.mediation:
        rules.append(Rule("other_language", _speaks(d, p, "other", "other_rank")))
    for number in range(shape.qualifications):
        holds = _probe(d, Qualification.profile_id == p.id, *_holds(number))
        rules.append(Rule(f"qualification{number}", holds))
    if not shape.short_notice:
        rules.append(slot)
    if shape.absence:
        away = _probe(
            d,
            Absence.profile_id == p.id,
            Absence.starts_on <= bindparam("absent_first", type_=Date),
            Absence.ends_on >= bindparam("absent_last", type_=Date),
        )
        rules.append(Rule("absent", ~away))
    if shape.timing != "window":
        busy = _probe(
            d,
            Assignment.profile_id == p.id,
            Assignment.state.in_(BOOKED),
            Assignment.starts_at < bindparam("busy_until", type_=UTCDateTime()),
            Assignment.ends_at > bindparam("busy_from", type_=UTCDateTime()),
            Assignment.request_id != bindparam("request_id", type_=Integer),
        )
        rules.append(Rule("busy", ~busy))
    return rules


def _among_ids(column, ids, dialect: str):
    """``column`` is one of ``ids`` (a subquery). On PostgreSQL checked against a hash
    table of them built once: written as ``(… IN …) IS TRUE`` so that it stays a hashed
    subplan instead of becoming a join, whose method PostgreSQL would choose by its
    estimate of how many rows there are (often wrong here, and costly when wrong).
    SQLite looks each of them up by its key."""
    if dialect == "postgresql":
        return column.in_(ids).is_(True)
    return column.in_(ids)


def _driver(shape: Shape):
    """The ids of the volunteers passing the driving rule and speaking the request's
    language at B1 or better (needed anyway, by near misses too), from indexes alone."""
    if shape.driver == "language":
        return select(LanguageSkill.profile_id).where(
            _variety_range(LanguageSkill.code, shape.dialect, "lang"),
            LanguageSkill.level_rank >= bindparam("lang_rank", type_=Integer),
        )
    speakers = select(LanguageSkill.profile_id).where(
        _variety_range(LanguageSkill.code, shape.dialect, "lang"),
        LanguageSkill.level_rank >= bindparam("near_rank", type_=Integer),
    )
    if shape.driver == "slot":
        return select(AvailabilitySlot.profile_id).where(
            *_slot_rows(), AvailabilitySlot.profile_id.in_(speakers)
        )
    return select(Qualification.profile_id).where(
        *_holds(0), Qualification.profile_id.in_(speakers)
    )


_ACTIVE = literal_column(f"'{VolunteerStatus.ACTIVE.value}'")


def _town_by_town(columns, active):
    """The active volunteers passing ``active``, nearest first, read town by town: the
    towns in order of distance (``town_ids``, ``town_kms``, sorted so), and in each its
    volunteers by id from the partial index (municipality, id); then those whose town is
    unknown (every municipality has a centre: ``distances`` lists them all). Read so, in
    order, nothing is sorted and the reading stops where the readers stop (PostgreSQL):
    the speakers of a common language near the request are found without going through
    every active volunteer."""
    p = VolunteerProfile
    towns = (
        func.unnest(
            bindparam("town_ids", type_=ARRAY(Integer)),
            bindparam("town_kms", type_=ARRAY(Float)),
        )
        .table_valued("id", "km")
        .render_derived(name="towns")
    )
    here = (
        select(*columns, towns.c.km.label("km"))
        .where(p.municipality_id == towns.c.id, *active)
        .order_by(p.id)
        .lateral("here")
    )
    # Every municipality has its centre, so every town is in the list: only those whose
    # town is unknown are left.
    elsewhere = (
        select(*columns, literal(FAR_KM, type_=Float).label("km"))
        .where(*active, p.municipality_id.is_(None))
        .order_by(p.id)
    )
    return union_all(select(here).select_from(towns).join(here, true()), elsewhere)


@lru_cache(maxsize=256)
def _selection(shape: Shape):
    """The narrowing statement of a shape (see ``select_ids``).

    1. ``driver``: the ids passing the driving rule and speaking the language at B1 or
       better, from indexes alone (``_driver``);
    2. ``found``: those of them active, with their distance and the profile columns the
       rules read (from ``ix_volunteer_profiles_active`` alone), nearest first;
    3. ``checked``: going through ``found`` in that order, for each volunteer whether they
       pass the other rules (checked cheap first, up to the first failed). Worked out
       only as far as the two following read it: they stop at their ``LIMIT``, so the
       rules are checked for as many volunteers as it takes, not for every speaker of
       the language;
    4. ``fits``: the first ``limit`` passing; ``failing``: the first ``NEAR_MISS_SCAN``
       failing, and of those, ``near``: the nearest ``near`` failing exactly one (for
       these few, every rule is checked).

    Volunteers already involved with the request are left out of both."""
    driver_name = "qualification0" if shape.driver == "qualification" else shape.driver
    p = VolunteerProfile
    driver = _driver(shape).cte("driver")
    # Every speaker of the language can be thousands: checked against a hash table of
    # them. A slot or a qualification held narrows it to few, looked up one by one.
    hashed = shape.driver == "language" and shape.dialect == "postgresql"
    driven = _among_ids if hashed else lambda column, ids, _dialect: column.in_(ids)
    columns = (p.id, p.municipality_id, p.on_call, p.gender, p.mobility, p.max_distance_km)
    # The status written out, not bound: only so can a plan made once for any values use
    # the partial index of the active volunteers.
    active = (p.status == _ACTIVE, driven(p.id, select(driver.c.profile_id), shape.dialect))
    if hashed and shape.towns is not None:
        found = _town_by_town(columns, active).cte("found").prefix_with("MATERIALIZED")
    else:
        km = func.coalesce(_distance(shape, p), FAR_KM).label("km")
        found = (
            select(*columns, km)
            .where(*active)
            .order_by(km, p.id)
            .cte("found")
            .prefix_with("MATERIALIZED")
        )

    def rules(row) -> list[Rule]:
        return [rule for rule in _rules(shape, row) if rule.name != driver_name]

    every_rule = [rule.passes for rule in rules(found.c)]

    def not_involved(column):
        return ~_probe(
            shape.dialect,
            Assignment.profile_id == column,
            Assignment.request_id == bindparam("request_id", type_=Integer),
            Assignment.state != AssignmentState.WITHDRAWN,
        )

    # Read in order by both of the following, which stop at their LIMIT; no ORDER BY
    # there, which would have every row checked. PostgreSQL works a materialised CTE out
    # only as far as its readers go, so each row is checked once; SQLite works one out
    # whole, so there it is not materialised: each reader checks the rows it reads.
    # The rules are checked cheap first, and only until the first one failed.
    checked = (
        select(
            found,
            (case((and_(*every_rule), 0), else_=1) if every_rule else literal(0)).label("fails"),
        )
        .cte("checked")
        .prefix_with("MATERIALIZED" if shape.dialect == "postgresql" else "NOT MATERIALIZED")
    )
    fits = (
        select(checked.c.id)
        .where(checked.c.fails == 0, not_involved(checked.c.id))
        .limit(bindparam("limit", type_=Integer))
        .cte("fits")
    )
    failing = (
        select(checked)
        .where(checked.c.fails == 1)
        .limit(bindparam("scan", type_=Integer))
        .cte("failing")
    )
    # Of those few, every rule is checked: how many they fail.
    failures = [case((rule.passes, 0), else_=1) for rule in rules(failing.c)]
    near = (
        select(failing.c.id)
        .where(sum(failures[1:], failures[0]) == 1 if failures else false())
        .where(not_involved(failing.c.id))
        .order_by(failing.c.km, failing.c.id)
        .limit(bindparam("near", type_=Integer))
        .cte("near")
    )
    return union_all(
        select(fits.c.id.label("id"), literal(0, type_=Integer).label("near")),
        select(near.c.id.label("id"), literal(1, type_=Integer).label("near")),
    )


def distances(facts: engine.RequestFacts, towns: dict[int, Town]) -> dict[int, float]:
    """The haversine distance from every municipality to the request's (km), computed as
    the engine does (same function, same order of arguments: the same floats)."""
    if facts.lat is None or facts.lon is None:
        return {}
    return {
        town.id: engine.distance_km(town.lat, town.lon, facts.lat, facts.lon)
        for town in towns.values()
    }


#: Municipality ids up to this go into PostgreSQL's distance array (else a CASE).
MAX_ARRAY_ID = 100_000


def _shape_and_values(
    facts: engine.RequestFacts,
    s: engine.Settings,
    kinds: dict[str, Kind],
    km: dict[int, float],
) -> tuple[Shape, dict[str, Any]]:
    dialect = _dialect()
    days = Days.of(facts)
    day = _qualification_day(facts)
    required = [kinds[key] for key in dict.fromkeys(facts.required_qualifications) if key in kinds]
    mediation = facts.kind == RequestKind.LANGUAGE_MEDIATION.value and bool(facts.other_language)
    values: dict[str, Any] = {
        "request_id": facts.request_id,
        "lang_rank": s.needed_rank(facts.kind),
        "near_rank": NEAR_MISS_RANK,
        **_variety_values(facts.language, "lang"),
    }
    if mediation:
        values |= {"other_rank": s.other_language_rank}
        values |= _variety_values(facts.other_language, "other")
    for number, kind in enumerate(required):
        values[f"q{number}_type"] = kind.id
        values[f"q{number}_cutoff"] = day - timedelta(days=kind.grace_days or 0)
    if days.starts_at is None:
        timing = "window"
    else:
        timing = "midnight" if days.crosses_midnight else "fixed"
        start = days.starts_at.astimezone(engine.BERLIN)
        end = days.ends_at.astimezone(engine.BERLIN)
        values |= {
            "weekday": start.weekday(),
            "start_time": start.time().replace(tzinfo=None),
            "end_time": end.time().replace(tzinfo=None),
            "busy_from": days.starts_at - s.travel_buffer,
            "busy_until": days.ends_at + s.travel_buffer,
            "absent_first": days.first,
            "absent_last": days.first,
        }
    absence = days.starts_at is not None
    if days.starts_at is None and facts.deadline is not None and days.first <= facts.deadline:
        absence = True
        values |= {"absent_first": days.first, "absent_last": facts.deadline}
    towns = None
    on_site = facts.mode == RequestMode.ON_SITE.value and bool(km)
    if on_site and dialect == "postgresql" and max(km) <= MAX_ARRAY_ID:
        towns = ()
        array = [None] * (max(km) + 1)
        for town, value in km.items():
            array[town] = value
        values["km"] = array[1:]  # PostgreSQL arrays count from 1
        nearest = sorted(km, key=lambda town: (km[town], town))
        values |= {"town_ids": nearest, "town_kms": [km[town] for town in nearest]}
    elif on_site:
        towns = tuple(sorted(km))
        values |= {f"km_{town}": value for town, value in km.items()}
    if on_site:
        values |= {f"cap_{means}": float(cap) for means, cap in s.mobility_km.items()}
        values["default_reach"] = float(s.default_reach_km)
    if facts.gender_preference:
        values["gender"] = facts.gender_preference
    if timing == "fixed" and not facts.short_notice:
        driver = "slot"
    elif required:
        driver = "qualification"
    else:
        driver = "language"
    shape = Shape(
        dialect=dialect,
        driver=driver,
        mediation=mediation,
        qualifications=len(required),
        timing=timing,
        short_notice=facts.short_notice,
        absence=absence,
        gender=bool(facts.gender_preference),
        towns=towns,
        mobility=tuple(s.mobility_km) if on_site else (),
    )
    return shape, values


def select_ids(
    facts: engine.RequestFacts,
    s: engine.Settings,
    kinds: dict[str, Kind],
    km: dict[int, float],
    *,
    limit: int,
    near_limit: int,
) -> tuple[list[int], list[int]]:
    """One query: the nearest ``limit`` volunteers passing every rule SQL checks, and the
    nearest ``near_limit`` failing exactly one (near misses, unless the engine finds a
    second failure SQL cannot see), among the active ones passing the driving rule and
    speaking the language at B1 or better, not yet involved with the request."""
    shape, values = _shape_and_values(facts, s, kinds, km)
    values |= {"limit": limit, "near": near_limit, "scan": NEAR_MISS_SCAN}
    found: tuple[list[int], list[int]] = ([], [])
    for profile_id, fails in _rows(_selection(shape), values):
        found[fails].append(profile_id)
    return found


# --- loading ------------------------------------------------------------------------------


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


def _among(column, dialect: str, name: str = "ids"):
    """``column`` is one of the ids bound as ``name`` (see ``_ids_value``): one parameter
    whatever their number, so that the statement's text never changes."""
    if dialect == "postgresql":
        return column == func.any(bindparam(name, type_=ARRAY(Integer)))
    return column.in_(select(func.json_each(bindparam(name, type_=String)).table_valued("value")))


def _ids_value(ids: Sequence[int]) -> Any:
    return list(ids) if _dialect() == "postgresql" else json.dumps(list(ids))


def _rows(stmt, values: dict[str, Any]) -> list:
    """Run a statement of plain columns on the session's connection (no ORM on the way),
    and fetch all its rows at once."""
    return db.session.connection().execute(stmt, values).all()


def _prepared_rows(stmt, values: dict[str, Any]) -> list:
    """``_rows``, on PostgreSQL as a prepared statement with ``$n`` placeholders, the
    client's work on the way done once per statement (``prepared.prepared_rows``)."""
    return prepared.prepared_rows(db.session.connection(), stmt, values)


def _json_array(dialect: str, *columns):
    return func.json_build_array(*columns) if dialect == "postgresql" else func.json_array(*columns)


def _json_rows(dialect: str, *columns):
    """The rows of a correlated subquery as one JSON array of arrays (``[]`` or NULL when
    there are none), so that one statement brings every table's rows along with each
    volunteer. In no particular order: the engine's outcome does not depend on it
    (tests/unit/test_matching_properties.py), and sorting each volunteer's few rows costs
    PostgreSQL a sort per subquery and volunteer."""
    if dialect == "postgresql":
        return func.json_agg(func.json_build_array(*columns))
    return func.json_group_array(func.json_array(*columns))


def _json_list(column, dialect: str):
    """A JSON list column as itself inside a JSON array (SQLite keeps it as text)."""
    return column if dialect == "postgresql" else func.json(column)


def _volunteer_columns(dialect: str, me) -> list:
    """The columns describing the volunteer whose id is ``me``: each a JSON array from a
    correlated subquery that an index on the volunteer answers — their profile with their
    name; their skills in (varieties of) the languages ``lang`` and ``other``; the
    qualifications of ``types`` (all if ``all_types``); the weekly slots on
    ``load_weekday`` (all if negative); absences between ``first_day`` and ``last_day``;
    bookings overlapping ``load_busy_from``–``load_busy_until`` but for ``request_id``'s;
    conflicts of interest."""

    def rows(*columns, where, table=None):
        query = select(_json_rows(dialect, *columns)).where(*where)
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
            _json_array(
                dialect,
                User.display_name,
                p.status,
                p.gender,
                p.municipality_id,
                p.mobility,
                p.max_distance_km,
                p.on_call,
                _json_list(p.topics, dialect),
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
        _json_list(LanguageSkill.modes, dialect),
        _json_list(LanguageSkill.settings, dialect),
        where=(
            LanguageSkill.profile_id == me,
            or_(
                _variety(LanguageSkill.code, dialect, "lang"),
                _variety(LanguageSkill.code, dialect, "other"),
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
                _among(Qualification.type_id, dialect, "types"),
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


def _nested(dialect: str, *values):
    """``values`` (JSON from subqueries, or plain) as one JSON array. SQLite hands a
    subquery's JSON on as text: ``json()`` makes it JSON again, not a quoted string."""
    if dialect == "postgresql":
        return func.json_build_array(*values)
    return func.json_array(*(func.json(value) for value in values))


@lru_cache(maxsize=16)
def _load_statement(dialect: str, history: tuple[bool, bool] | None = None):
    """The loading statement (see ``load``), built once: for each of ``ids`` a JSON array
    of the seven parts of ``_volunteer_columns``, and with ``history`` (whether the
    request has an organisation, a client reference) an eighth, their history."""
    me = VolunteerProfile.id
    parts = _volunteer_columns(dialect, me)
    if history is not None:
        parts.append(_history_column(dialect, *history, me))
    return select(me, _nested(dialect, *parts).label("volunteer")).where(_among(me, dialect))


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


def _decoded(value) -> list:
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


def _volunteer(parts: Sequence) -> Volunteer:
    """The JSON of ``_volunteer_columns`` decoded (a list of its seven parts)."""
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


def _load_values(
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
        "types": _ids_value(qualification_types or ()),
        "all_types": qualification_types is None,
        **_variety_values(tags[0] if tags else "", "lang"),
        **_variety_values(tags[-1] if tags else "", "other"),
    }
    if not tags:  # every language
        values |= {"lang_base": "", "lang_pattern": "*" if _dialect() == "sqlite" else "%"}
    return values


def load(ids: Sequence[int], **window: Any) -> dict[int, Volunteer]:
    """Profiles with names, languages, qualifications, slots, absences from ``first_day``
    (to ``last_day``), bookings overlapping ``busy_from``–``busy_until`` (but for
    ``exclude_request_id``'s) and conflicts of the volunteers ``ids``: one query, whatever
    their number (``_volunteer_columns``).

    Only what the engine looks at, if given: the skills in (varieties of) ``languages``
    (at most two), the qualifications of ``qualification_types``, the weekly slots on
    ``weekday``."""
    values = _load_values(**window) | {"ids": _ids_value(ids)}
    rows = _rows(_load_statement(_dialect()), values)
    return {row.id: _volunteer(_decoded(row.volunteer)) for row in rows}


def _offered():
    return and_(
        Assignment.origin == AssignmentOrigin.PROPOSAL,
        Assignment.state != AssignmentState.PROPOSED,
    )


def _answered():
    return or_(Assignment.answered_at.is_not(None), Assignment.state.in_(ANSWERED))


def _flag(condition):
    return func.max(case((condition, 1), else_=0))


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _recent():
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
        _count(_recent()),
        _flag(and_(completed, same_org)),
        _flag(and_(completed, same_client)),
        _flag(and_(Assignment.state == AssignmentState.DECLINED, or_(same_org, same_client))),
        _count(_offered()),
        _count(and_(_offered(), _answered())),
    ]


def _history_column(dialect: str, organisation: bool, client: bool, me):
    """The history of the volunteer whose id is ``me`` as one JSON array (a correlated
    subquery over their assignments)."""
    return (
        select(_json_array(dialect, *_history_aggregates(organisation, client)))
        .select_from(Assignment)
        .join(Request, Request.id == Assignment.request_id)
        .where(
            Assignment.profile_id == me,
            Assignment.request_id != bindparam("request_id", type_=Integer),
        )
        .scalar_subquery()
    )


def _history(values) -> History:
    """The history from ``_history_column``'s array (None: no assignment at all)."""
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


def _history_values(facts: engine.RequestFacts, now: datetime) -> dict[str, Any]:
    return {
        "request_id": facts.request_id,
        "organisation_id": facts.organisation_id,
        "client_ref": facts.client_ref,
        "recent_from": now - timedelta(days=RECENT_DAYS),
        "now": now,
    }


# --- the request's context ----------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A qualification type, as matching needs it (``catalogue.type_name`` reads it too)."""

    id: int
    key: str
    grace_days: int
    names: dict


@lru_cache(maxsize=4)
def _context_statement(dialect: str, ranking: bool):
    """The municipalities, the qualification types and the name of the organisation
    ``organisation_id``, as the rows of one statement, each marked by its table.

    Before a ranking, on PostgreSQL, it also sets for the transaction that the ranking
    statement is planned once, for any values (a generic plan), not afresh for each
    request: planning it takes as long as running it, and its plan does not depend on
    the values (see ``_among_ids``)."""
    types = {
        "lat": Float(),
        "lon": Float(),
        "grace": Integer(),
        "names": QualificationType.names.type,
    }

    def part(table: str, id_, label, **given):
        columns = [
            (given[key] if key in given else cast(null(), type_)).label(key)
            for key, type_ in types.items()
        ]
        return select(literal(table).label("part"), id_.label("id"), label.label("label"), *columns)

    parts = [
        part(
            "town", Municipality.id, Municipality.name, lat=Municipality.lat, lon=Municipality.lon
        ),
        part(
            "kind",
            QualificationType.id,
            QualificationType.key,
            grace=QualificationType.grace_days,
            names=QualificationType.names,
        ),
        part("organisation", Organisation.id, Organisation.name).where(
            Organisation.id == bindparam("organisation_id", type_=Integer)
        ),
    ]
    if ranking and dialect == "postgresql":
        generic = func.set_config("plan_cache_mode", "force_generic_plan", True)
        parts.append(part("settings", literal(0), generic))
    return union_all(*parts)


def _context_rows(
    organisation_id: int | None, *, ranking: bool = False
) -> tuple[dict[int, Town], dict[str, Kind], str | None]:
    """The municipalities, the qualification types, the organisation's name."""
    towns: dict[int, Town] = {}
    kinds: dict[str, Kind] = {}
    organisation_name = None
    # Run even without an organisation, so that every ranking sends the same query.
    for part, id_, label, lat, lon, grace, names in _rows(
        _context_statement(_dialect(), ranking), {"organisation_id": organisation_id or 0}
    ):
        if part == "town":
            towns[id_] = Town(id_, label, lat, lon)
        elif part == "kind":
            kinds[label] = Kind(id_, label, grace or 0, names or {})
        elif part == "organisation":
            organisation_name = label
    return towns, kinds, organisation_name


def _towns() -> dict[int, Town]:
    return _context_rows(None)[0]


# --- ranking a request --------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What ``rank_request`` read about the request, for the match page."""

    facts: engine.RequestFacts
    settings: engine.Settings
    towns: dict[int, Town]
    kinds: dict[str, Kind]


def context(request: Request, *, now: datetime) -> Context:
    """The request's facts, with the municipalities and qualification types, read to rank
    the volunteers for it (``rank_context``): one query."""
    towns, kinds, organisation_name = _context_rows(request.organisation_id, ranking=True)
    town = towns.get(request.municipality_id) if request.municipality_id is not None else None
    facts = _facts(request, today=local_today(now), town=town, organisation_name=organisation_name)
    return Context(facts, settings(), towns, kinds)


def _window(facts: engine.RequestFacts, kinds: dict[str, Kind]) -> dict[str, Any]:
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
    """The engine's view of the volunteers ``ids`` for one request (``_window``), with
    their history: one query."""
    history = (facts.organisation_id is not None, bool(facts.client_ref))
    values = (
        _load_values(**_window(facts, kinds))
        | _history_values(facts, now)
        | {"ids": _ids_value(ids)}
    )
    found = {
        row.id: _decoded(row.volunteer)
        for row in _rows(_load_statement(_dialect(), history), values)
    }
    return [
        _volunteer(parts[:7]).facts(profile_id, towns, _history(parts[7]))
        for profile_id in ids
        if (parts := found.get(profile_id)) is not None
    ]


@lru_cache(maxsize=256)
def _ranking_statement(shape: Shape, organisation: bool, client: bool):
    """The narrowing (``_selection``) and the loading of the volunteers it finds, with
    their history, as one statement returning one JSON document: an array with, for each
    volunteer, their id, whether they are a near miss, the seven parts of
    ``_volunteer_columns`` and their history (``_history_column``). One document, not a
    row each with JSON columns: decoding it once costs a fraction of decoding hundreds."""
    chosen = _selection(shape).cte("chosen")
    me = chosen.c.id
    dialect = shape.dialect
    volunteer = _nested(
        dialect,
        me,
        chosen.c.near,
        *_volunteer_columns(dialect, me),
        _history_column(dialect, organisation, client, me),
    )
    every = (
        func.json_agg(volunteer) if dialect == "postgresql" else func.json_group_array(volunteer)
    )
    return select(every)


def rank_context(ctx: Context, *, now: datetime) -> engine.Ranking:
    """Rank the volunteers for ``ctx``'s request: one query (``_ranking_statement``)."""
    facts, kinds = ctx.facts, ctx.kinds
    km = distances(facts, ctx.towns)
    shape, values = _shape_and_values(facts, ctx.settings, kinds, km)
    window = _window(facts, kinds)
    values = (
        values
        | {
            "limit": int(current_app.config["MATCH_MAX_CANDIDATES"]),
            "near": NEAR_MISS_POOL,
            "scan": NEAR_MISS_SCAN,
        }
        | _history_values(facts, now)
        | _load_values(**window)
    )
    stmt = _ranking_statement(shape, facts.organisation_id is not None, bool(facts.client_ref))
    volunteers = [
        _volunteer(parts[2:9]).facts(parts[0], ctx.towns, _history(parts[9]))
        for parts in _decoded(_prepared_rows(stmt, values)[0][0])
    ]
    return engine.rank(facts, volunteers, ctx.settings)


def rank_request(request: Request, *, now: datetime) -> engine.Ranking:
    """The volunteers ranked for ``request`` (best first) and its near misses; 2 queries
    whatever the number of volunteers (see the module's docstring)."""
    return rank_context(context(request, now=now), now=now)


# --- the engine turned round: open requests for a volunteer -------------------------------


def _history_rows(profile_id: int, now: datetime) -> list:
    """The volunteer's assignment history grouped by organisation, client and outcome."""
    stmt = (
        select(
            Request.organisation_id,
            Request.client_ref,
            Assignment.state,
            _count(_recent()).label("recent"),
            _count(_offered()).label("offers"),
            _count(and_(_offered(), _answered())).label("answered"),
        )
        .join(Request, Request.id == Assignment.request_id)
        .where(Assignment.profile_id == profile_id)
        .group_by(Request.organisation_id, Request.client_ref, Assignment.state)
    )
    values = {"recent_from": now - timedelta(days=RECENT_DAYS), "now": now}
    return list(db.session.execute(stmt, values))


def _history_for(rows: list, facts: engine.RequestFacts) -> History:
    org, ref = facts.organisation_id, facts.client_ref
    history = History()
    for row in rows:
        history.recent += int(row.recent or 0)
        history.offers += int(row.offers or 0)
        history.offers_answered += int(row.answered or 0)
        same_org = org is not None and row.organisation_id == org
        same_client = bool(ref) and row.client_ref == ref and row.organisation_id == org
        if row.state == AssignmentState.COMPLETED:
            history.worked_with_organisation |= same_org
            history.worked_with_client |= same_client
        if row.state == AssignmentState.DECLINED and (same_org or same_client):
            history.declined_here_before = True
    return history


def _open_requests(
    profile_id: int, codes: list[str], now: datetime, today: date, flexible: bool
) -> list[tuple[Request, str | None]]:
    if codes:
        language = or_(*(variety_condition(Request.language_code, code) for code in codes))
    else:
        language = false()
    timing = (
        and_(Request.starts_at.is_(None), Request.deadline >= today)
        if flexible
        else Request.starts_at > now
    )
    order = (Request.deadline, Request.id) if flexible else (Request.starts_at, Request.id)
    stmt = (
        select(Request, Organisation.name)
        .outerjoin(Organisation, Organisation.id == Request.organisation_id)
        .where(
            Request.state == RequestState.OPEN,
            timing,
            language,
            ~exists().where(
                Assignment.request_id == Request.id,
                Assignment.profile_id == profile_id,
                Assignment.state != AssignmentState.WITHDRAWN,
            ),
        )
        .options(joinedload(Request.municipality))
        .order_by(*order)
        .limit(OPEN_REQUEST_POOL)
    )
    return [(row[0], row[1]) for row in db.session.execute(stmt)]


def _soonest(request: Request) -> tuple:
    if request.starts_at is not None:
        return (request.starts_at, request.id)
    day = request.deadline or request.window_from
    return (datetime.combine(day, time(23, 59), tzinfo=engine.BERLIN), request.id)


def open_requests_for(
    profile: VolunteerProfile, *, now: datetime, limit: int = 20
) -> list[tuple[Request, engine.Evaluation]]:
    """The open requests ``profile`` fits (every hard rule), soonest first: those not
    started, not already offered to or booked by them, in their languages; 5 queries."""
    s = settings()
    today = local_today(now)
    towns = _towns()
    loaded = load(
        [profile.id],
        first_day=today,
        last_day=None,
        busy_from=now - timedelta(days=1),
        busy_until=None,
    )
    me = loaded.get(profile.id)
    codes = sorted(
        {
            language_base(skill.code)
            for skill in (me.languages if me is not None else ())
            if skill.rank >= NEAR_MISS_RANK
        }
    )
    found = _open_requests(profile.id, codes, now, today, flexible=False)
    found += _open_requests(profile.id, codes, now, today, flexible=True)
    rows = _history_rows(profile.id, now)
    fitting = []
    if me is not None:
        for request, organisation_name in found:
            town = towns.get(request.municipality_id) if request.municipality_id else None
            facts = _facts(request, today=today, town=town, organisation_name=organisation_name)
            volunteer = me.facts(profile.id, towns, _history_for(rows, facts))
            evaluation = engine.fits_request(facts, volunteer, s)
            if evaluation is not None:
                fitting.append((request, evaluation))
    fitting.sort(key=lambda pair: _soonest(pair[0]))
    return fitting[:limit]
