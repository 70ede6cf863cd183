"""The query layer of matching: narrow the volunteers in SQL, load what the engine needs in
a constant number of queries, and let the pure engine (:mod:`wirnet.matching.engine`) decide.

``rank_request(request, now=…)`` sends 2 queries whatever the number of volunteers:

1. **the context** (``context``, ``_context_statement``): the region's municipalities
   (the distance from each centre to the request's is computed in Python, with the
   engine's own haversine, so the floats are the engine's), the qualification types
   (keys, grace days, names) and the request's organisation's name, as the rows of one
   statement;
2. **the ranking statement** (``_ranking_statement``), which returns one JSON document:
   the narrowing (:mod:`wirnet.matching.narrowing`: the nearest volunteers passing every
   rule SQL checks, and the near misses) and the loading of those found, with their
   history (:mod:`wirnet.matching.loading`).

On PostgreSQL the ranking statement is prepared the first time it runs on a connection,
and planned once for any values (``force_generic_plan``, set for the transaction by the
context statement): planning it afresh for each request takes as long as running it. It
is sent with ``$n`` placeholders, its text and the order of its values worked out once
(:mod:`wirnet.matching.prepared`). WIRnet's connections have JIT compilation off
(``wirnet._tune_postgresql``).

The engine turned round, the open requests a volunteer fits, is in
:mod:`wirnet.matching.open_requests`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask import current_app
from sqlalchemy import Float, Integer, bindparam, cast, func, literal, null, select, union_all

from wirnet.matching import engine, narrowing, sql
from wirnet.matching.facts import Kind, Town, facts_for, local_today, settings
from wirnet.matching.loading import (
    decode_history,
    decode_volunteer,
    decoded,
    history_column,
    history_values,
    load_values,
    load_window,
    volunteer_columns,
)
from wirnet.organisations.models import Organisation
from wirnet.regions import Municipality
from wirnet.requests.models import Request
from wirnet.volunteers.models import QualificationType


@lru_cache(maxsize=4)
def _context_statement(dialect: str, ranking: bool):
    """The municipalities, the qualification types and the name of the organisation
    ``organisation_id``, as the rows of one statement, each marked by its table.

    Before a ranking, on PostgreSQL, it also sets for the transaction that the ranking
    statement is planned once, for any values (a generic plan), not afresh for each
    request: planning it takes as long as running it, and its plan does not depend on
    the values (see ``narrowing._among_ids``)."""
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
    for part, id_, label, lat, lon, grace, names in sql.rows(
        _context_statement(sql.dialect_name(), ranking), {"organisation_id": organisation_id or 0}
    ):
        if part == "town":
            towns[id_] = Town(id_, label, lat, lon)
        elif part == "kind":
            kinds[label] = Kind(id_, label, grace or 0, names or {})
        elif part == "organisation":
            organisation_name = label
    return towns, kinds, organisation_name


def all_towns() -> dict[int, Town]:
    return _context_rows(None)[0]


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
    facts = facts_for(
        request, today=local_today(now), town=town, organisation_name=organisation_name
    )
    return Context(facts, settings(), towns, kinds)


@lru_cache(maxsize=256)
def _ranking_statement(shape: narrowing.Shape, organisation: bool, client: bool):
    """The narrowing (``narrowing.selection``) and the loading of the volunteers it finds, with
    their history, as one statement returning one JSON document: an array with, for each
    volunteer, their id, whether they are a near miss, the seven parts of
    ``volunteer_columns`` and their history (``history_column``). One document, not a
    row each with JSON columns: decoding it once costs a fraction of decoding hundreds."""
    chosen = narrowing.selection(shape).cte("chosen")
    me = chosen.c.id
    dialect = shape.dialect
    volunteer = sql.nested(
        dialect,
        me,
        chosen.c.near,
        *volunteer_columns(dialect, me),
        history_column(dialect, organisation, client, me),
    )
    every = (
        func.json_agg(volunteer) if dialect == "postgresql" else func.json_group_array(volunteer)
    )
    return select(every)


def rank_context(ctx: Context, *, now: datetime) -> engine.Ranking:
    """Rank the volunteers for ``ctx``'s request: one query (``_ranking_statement``)."""
    facts, kinds = ctx.facts, ctx.kinds
    km = narrowing.distances(facts, ctx.towns)
    shape, values = narrowing.shape_and_values(facts, ctx.settings, kinds, km)
    window = load_window(facts, kinds)
    values = (
        values
        | {
            "limit": int(current_app.config["MATCH_MAX_CANDIDATES"]),
            "near": narrowing.NEAR_MISS_POOL,
            "scan": narrowing.NEAR_MISS_SCAN,
        }
        | history_values(facts, now)
        | load_values(**window)
    )
    stmt = _ranking_statement(shape, facts.organisation_id is not None, bool(facts.client_ref))
    volunteers = [
        decode_volunteer(parts[2:9]).facts(parts[0], ctx.towns, decode_history(parts[9]))
        for parts in decoded(sql.prepared_rows(stmt, values)[0][0])
    ]
    return engine.rank(facts, volunteers, ctx.settings)


def rank_request(request: Request, *, now: datetime) -> engine.Ranking:
    """The volunteers ranked for ``request`` (best first) and its near misses; 2 queries
    whatever the number of volunteers (see the module's docstring)."""
    return rank_context(context(request, now=now), now=now)
