"""Matching benchmark: how long ranking the volunteers for a request takes, and how many SQL
queries it sends, with N volunteers.

Not a test: run it by hand and compare runs. It seeds a database (a fresh SQLite file in a
temporary directory, or ``--database-url``, whose tables are dropped and created again)
with the demo data: N volunteers drawn from the demo distributions
(:func:`wirnet.demo.load_volunteers`, through :func:`wirnet.demo.load_demo_data`, so that
organisations and past requests with their bookings exist too). It then creates
``--requests`` varied open requests (languages, kinds, modes, settings and towns as the
demo organisations post them, on weekdays of the next weeks, some with required
qualifications, some at short notice), ranks each once to warm up, then once measured, and
prints ONE JSON line::

    {"volunteers": 10000, "database": "sqlite", "p50_ms": …, "p95_ms": …,
     "queries_per_ranking": 2, "candidates_p50": …, "cpu_p50_ms": …, "cpu_p95_ms": …,
     "load_average": …}

``queries_per_ranking`` is counted with a ``before_cursor_execute`` listener; it must be
the same at 1,000, 10,000 and 100,000 volunteers (a list of the distinct counts if not).

    .venv/bin/python -m bench.matching --volunteers 10000
    .venv/bin/python -m bench.matching --volunteers 10000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/wirnet_bench
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from sqlalchemy import event, insert, select

from wirnet import create_app
from wirnet.demo import load_demo_data
from wirnet.demo_activity import (
    KIND_WEIGHTS,
    MIXED,
    MODE_WEIGHTS,
    ORGANISATIONS,
    TOWN_WEIGHTS,
    weighted,
    workday,
)
from wirnet.extensions import db
from wirnet.matching import candidates
from wirnet.organisations.models import Organisation
from wirnet.regions import Municipality
from wirnet.requests.models import (
    GenderPreference,
    Request,
    RequestKind,
    RequestMode,
    RequestSetting,
    RequestState,
    Urgency,
)
from wirnet.requests.services import default_qualifications, to_utc
from wirnet.volunteers.languages import canonical

#: The marker of a benchmark request: its client reference starts with it.
REF_PREFIX = "B-"
#: Where requests take place, roughly as the demo organisations post them.
SETTING_WEIGHTS = [
    (RequestSetting.DOCTOR_HOSPITAL, 30),
    (RequestSetting.AUTHORITY, 25),
    (RequestSetting.SCHOOL_CHILDCARE, 18),
    (RequestSetting.JOB_CENTRE, 10),
    (RequestSetting.COUNSELLING, 10),
    (RequestSetting.OTHER, 7),
]
HOURS = (8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16)
MINUTES = (0, 0, 15, 30, 30, 45)
DURATIONS = (45, 60, 60, 90, 90, 120, 150)


def _languages() -> list[tuple[str, int]]:
    """The languages requests ask for: the demo organisations' and the walk-ins' mix."""
    weights: dict[str, int] = {}
    for spec in ORGANISATIONS:
        for code, weight in spec.languages:
            weights[code] = weights.get(code, 0) + weight * max(spec.weight, 1)
    for code, weight in MIXED:
        weights[code] = weights.get(code, 0) + weight * 5
    return sorted(weights.items())


def make_requests(count: int, seed: int, now: datetime) -> list[int]:
    """``count`` open requests, varied as the demo ones; returns their ids."""
    rng = random.Random(f"bench-matching:{seed}")
    towns = dict(db.session.execute(select(Municipality.name, Municipality.id)).all())
    names = sorted(towns)
    town_weights = [TOWN_WEIGHTS.get(name, 1) for name in names]
    organisations = list(db.session.scalars(select(Organisation.id).order_by(Organisation.id)))
    languages = _languages()
    today = now.date()
    rows = []
    for number in range(1, count + 1):
        kind = weighted(rng, KIND_WEIGHTS)
        setting = weighted(rng, SETTING_WEIGHTS)
        if kind is RequestKind.HEALTH_GUIDANCE:
            setting = rng.choice((RequestSetting.DOCTOR_HOSPITAL, RequestSetting.COUNSELLING))
        mode = RequestMode.ON_SITE if kind is RequestKind.ACCOMPANIMENT else None
        mode = mode or weighted(rng, MODE_WEIGHTS)
        short = rng.random() < 0.12
        flexible = not short and rng.random() < 0.1
        day = workday(today + timedelta(days=rng.randint(1, 2) if short else rng.randint(3, 28)))
        starts_at = ends_at = window_from = deadline = None
        if flexible:
            window_from, deadline = day, day + timedelta(days=rng.choice((4, 7, 14)))
        else:
            starts_at = to_utc(day, clock(rng.choice(HOURS), rng.choice(MINUTES)))
            ends_at = starts_at + timedelta(minutes=rng.choice(DURATIONS))
        required = list(default_qualifications(kind, setting))
        if rng.random() < 0.1:
            required.append("data_secrecy")
        if setting is RequestSetting.COUNSELLING and rng.random() < 0.2:
            required.append("trauma_sensitive")
        gender = None
        if setting is RequestSetting.DOCTOR_HOSPITAL and rng.random() < 0.25:
            gender = GenderPreference.FEMALE
        rows.append(
            {
                "organisation_id": rng.choice(organisations)
                if organisations and rng.random() > 0.12
                else None,
                "kind": kind,
                "language_code": canonical(weighted(rng, languages)),
                "other_language_code": "de",
                "mode": mode,
                "setting": setting,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "window_from": window_from,
                "deadline": deadline,
                "municipality_id": towns[rng.choices(names, town_weights)[0]],
                "address": "Hauptstraße 1",
                "client_ref": f"{REF_PREFIX}{number:04d}",
                "gender_preference": gender,
                "required_qualifications": list(dict.fromkeys(required)),
                "volunteers_needed": 1,
                "urgency": Urgency.URGENT if short else Urgency.NORMAL,
                "short_notice": short,
                "client_consent_at": now,
                "state": RequestState.OPEN,
                "created_at": now,
                "updated_at": now,
            }
        )
    db.session.execute(insert(Request.__table__), rows)
    return list(
        db.session.scalars(
            select(Request.id).where(Request.client_ref.like(REF_PREFIX + "%")).order_by(Request.id)
        )
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def seed_database(volunteers: int, seed: int) -> float:
    """Drop and create the schema, load the demo data; returns the seconds it took."""
    started = time.perf_counter()
    db.drop_all()
    db.create_all()
    # Past requests with their bookings give the history (fairness, continuity, answers).
    load_demo_data(volunteers=volunteers, seed=seed, requests=min(max(200, volunteers // 20), 5000))
    db.session.commit()
    # Fresh planner statistics, and on PostgreSQL the visibility map that lets an index
    # answer alone, as autovacuum would have them by now.
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("VACUUM ANALYZE")
        else:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.matching", description=__doc__)
    parser.add_argument("--volunteers", type=int, required=True)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or "sqlite:///" + str(Path(tmp.name) / "bench.sqlite3")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": None})
    with app.app_context():
        seconds = seed_database(args.volunteers, args.seed)
        print(f"seeded {args.volunteers} volunteers in {seconds:.1f} s", file=sys.stderr)
        now = datetime.now(UTC)
        ids = make_requests(args.requests, args.seed, now)
        db.session.commit()
        engine = db.engine
        queries = 0

        @event.listens_for(engine, "before_cursor_execute")
        def count(*_args) -> None:
            nonlocal queries
            queries += 1

        requests = list(db.session.scalars(select(Request).where(Request.id.in_(ids))))
        for request in requests:  # warm-up: caches, prepared statements, the page cache
            candidates.rank_request(request, now=now)
        timings, cpu, counts, found = [], [], [], []
        for request in requests:
            before = queries
            start, start_cpu = time.perf_counter(), time.process_time()
            ranking = candidates.rank_request(request, now=now)
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            counts.append(queries - before)
            found.append(len(ranking.candidates))
        distinct = sorted(set(counts))
        print(
            json.dumps(
                {
                    "volunteers": args.volunteers,
                    "database": engine.dialect.name,
                    "p50_ms": round(statistics.median(timings), 2),
                    "p95_ms": round(percentile(timings, 0.95), 2),
                    "queries_per_ranking": distinct[0] if len(distinct) == 1 else distinct,
                    "candidates_p50": statistics.median(found),
                    # This process's CPU time (with SQLite, the database's work too): less
                    # disturbed than the wall clock when other work shares the machine.
                    "cpu_p50_ms": round(statistics.median(cpu), 2),
                    "cpu_p95_ms": round(percentile(cpu, 0.95), 2),
                    "load_average": round(os.getloadavg()[0], 1),
                }
            )
        )
        event.remove(engine, "before_cursor_execute", count)
        db.session.remove()
        if args.database_url is None:
            engine.dispose()
    tmp.cleanup()


if __name__ == "__main__":
    main()
