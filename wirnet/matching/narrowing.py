"""Narrowing in SQL: which volunteers the engine gets to see for a request.

``selection(shape)`` starts from the volunteers passing the *driving rule* and speaking the
language at B1 or better, read from indexes alone. The driving rule: a weekly slot covering
a fixed appointment (``ix_availability_slots_cover``); else, at short notice or for a
flexible window, the first required qualification (``ix_qualifications_type_state_expiry``);
else the language at the level the kind needs (``ix_language_skills_code_rank``: a language
and its varieties, ``ar`` and ``ar-…``, as one index range). The active ones among them are
read with the columns the rules need from a partial index (``ix_volunteer_profiles_active``,
revision 0007), **nearest first** (distance, then id), and checked, as far as needed and no
further, against the other rules SQL can check, the cheap ones first and up to the first
failed: within reach for an on-site request (``max_distance_km`` and the cap of their means
of travel); the gender asked for; the language; for language mediation the other language
at B2+; every required qualification verified and valid on the day (the cut-off, expiry
plus the type's grace days, computed here per type); a slot covering the local time, or on
call at short notice; no absence that day; no booking overlapping the appointment with the
travel buffer. **The nearest ``MATCH_MAX_CANDIDATES`` passing every rule are the ones
scored.** Near misses: among the nearest ``NEAR_MISS_SCAN`` failing, those failing exactly
one rule, the nearest ``NEAR_MISS_POOL`` (so they pass the driving rule: for an appointment
at a fixed time, not at short notice, "no weekly slot then" is not looked for). Conflicts
of interest, mode and setting (JSON lists and free text) are left to the engine.

Every SQL rule is the engine's rule or a looser one, never a stricter one: the candidates
are exactly those the engine accepts (up to the limit; tests/integration/
test_matching_candidates.py checks ``select_ids`` against the engine over every
volunteer). Volunteers already holding an offer, a booking or an answer for the request
(any assignment but a withdrawn one) are left out: the match page lists them with the
request's assignments.

The statements are built once per *shape* of request (``Shape``: which rules it has) with
bound parameters, and kept: building and compiling a statement of this size costs more
than running it. A request only fills in the values (``shape_and_values``). On
PostgreSQL the plan does not hang on the planner's guesses, so that one plan made for any
values serves every request: every speaker of a language is checked against a hash table
(``_among_ids``), a common language's speakers are read town by town, nearest first
(``_town_by_town``), so that reading stops where checking stops, and each rule's
``EXISTS`` carries ``OFFSET 0``, so that it stays a probe through an index per volunteer
(revision 0006 gives each probe an index that answers it alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Date,
    Float,
    Integer,
    String,
    Time,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import Grouping

from wirnet.db_types import UTCDateTime
from wirnet.matching import engine, sql
from wirnet.matching.facts import BOOKED, Days, Kind, Town, qualification_day
from wirnet.requests.models import Assignment, AssignmentState, RequestKind, RequestMode
from wirnet.volunteers.models import (
    Absence,
    AvailabilitySlot,
    LanguageSkill,
    Qualification,
    QualificationState,
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
#: Near misses and the volunteer's open requests: the language at least at this level.
NEAR_MISS_RANK = engine.LEVELS["B1"]


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


def _speaks(dialect: str, p, prefix: str, rank: str):
    return sql.probe(
        dialect,
        LanguageSkill.profile_id == p.id,
        sql.variety(LanguageSkill.code, dialect, prefix),
        LanguageSkill.level_rank >= bindparam(rank, type_=Integer),
    )


def _holds(number: int):
    """Verified, and valid on the day: expiry on or after the day minus the type's grace
    days (the cut-off computed per type, in ``shape_and_values``)."""
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
            sql.probe(shape.dialect, AvailabilitySlot.profile_id == p.id),
        )
    if shape.timing == "midnight":
        slot = false()
    else:
        slot = sql.probe(shape.dialect, AvailabilitySlot.profile_id == p.id, *_slot_rows())
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
        holds = sql.probe(d, Qualification.profile_id == p.id, *_holds(number))
        rules.append(Rule(f"qualification{number}", holds))
    if not shape.short_notice:
        rules.append(slot)
    if shape.absence:
        away = sql.probe(
            d,
            Absence.profile_id == p.id,
            Absence.starts_on <= bindparam("absent_first", type_=Date),
            Absence.ends_on >= bindparam("absent_last", type_=Date),
        )
        rules.append(Rule("absent", ~away))
    if shape.timing != "window":
        busy = sql.probe(
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
            sql.variety_range(LanguageSkill.code, shape.dialect, "lang"),
            LanguageSkill.level_rank >= bindparam("lang_rank", type_=Integer),
        )
    speakers = select(LanguageSkill.profile_id).where(
        sql.variety_range(LanguageSkill.code, shape.dialect, "lang"),
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
def selection(shape: Shape):
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
        return ~sql.probe(
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


def shape_and_values(
    facts: engine.RequestFacts,
    s: engine.Settings,
    kinds: dict[str, Kind],
    km: dict[int, float],
) -> tuple[Shape, dict[str, Any]]:
    dialect = sql.dialect_name()
    days = Days.of(facts)
    day = qualification_day(facts)
    required = [kinds[key] for key in dict.fromkeys(facts.required_qualifications) if key in kinds]
    mediation = facts.kind == RequestKind.LANGUAGE_MEDIATION.value and bool(facts.other_language)
    values: dict[str, Any] = {
        "request_id": facts.request_id,
        "lang_rank": s.needed_rank(facts.kind),
        "near_rank": NEAR_MISS_RANK,
        **sql.variety_values(facts.language, "lang"),
    }
    if mediation:
        values |= {"other_rank": s.other_language_rank}
        values |= sql.variety_values(facts.other_language, "other")
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
    shape, values = shape_and_values(facts, s, kinds, km)
    values |= {"limit": limit, "near": near_limit, "scan": NEAR_MISS_SCAN}
    found: tuple[list[int], list[int]] = ([], [])
    for profile_id, fails in sql.rows(selection(shape), values):
        found[fails].append(profile_id)
    return found
