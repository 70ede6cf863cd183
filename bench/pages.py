"""Page throughput: latency percentiles and SQL queries per request for the main pages.

Not a test: run it by hand and compare runs (`make bench`). It builds a throw-away SQLite
database (or uses WIRNET_BENCH_DATABASE_URL), loads the demo data plus ``--volunteers``
bulk-inserted volunteers (10 000 by default: profiles, languages, qualifications, weekly
slots) and requests each page N times through the WSGI stack. (pytest never collects it:
the suite's testpaths is tests/, and this file is not named test_*.py.)

    .venv/bin/python bench/pages.py [--requests 200] [--volunteers 10000]
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from sqlalchemy import event, select

from wirnet import create_app
from wirnet.auth.models import User
from wirnet.demo import DEMO_PASSWORD, load_demo_data
from wirnet.extensions import db
from wirnet.regions import Municipality
from wirnet.roles import Role
from wirnet.volunteers.catalogue import load_catalogue
from wirnet.volunteers.models import (
    LEVEL_RANK,
    AvailabilitySlot,
    LanguageLevel,
    LanguageSkill,
    Qualification,
    QualificationType,
    VolunteerProfile,
    VolunteerStatus,
)
from wirnet.volunteers.qualifications import compute_expiry

PAGES = {
    "anonymous": ["/", "/auth/login", "/auth/signup", "/privacy", "/healthz"],
    "volunteer@example.org": ["/home", "/auth/account"],
    "coordinator@example.org": [
        "/home",
        "/coordinator/volunteers",
        "/coordinator/volunteers?page=200",
        "/coordinator/volunteers?q=ma&sort=newest",
        "/coordinator/volunteers?language=ar&level=B2&weekday=2",
        "/coordinator/volunteers?language=fa-AF&qualification=first_aid&status=active"
        "&sort=municipality",
        "/coordinator/volunteers?municipality={town}&status=active&sort=status",
        "/coordinator/qualifications/expiring",
    ],
}

#: Languages of the county's volunteers, roughly weighted (German is a language like others).
LANGUAGES = [
    ("de", 40),
    ("ar", 6),
    ("ar-SY", 8),
    ("ar-IQ", 3),
    ("fa-AF", 5),
    ("fa", 4),
    ("ps", 3),
    ("tr", 6),
    ("ku", 3),
    ("ckb", 1),
    ("uk", 6),
    ("ru", 5),
    ("ti", 2),
    ("tig", 1),
    ("en", 15),
    ("fr", 4),
    ("pl", 3),
    ("ro", 3),
]
FIRST = [
    "Amal",
    "Basel",
    "Dawud",
    "Farah",
    "Gesa",
    "Hanna",
    "Ivan",
    "Jana",
    "Karim",
    "Lena",
    "Maryam",
    "Nour",
    "Olga",
    "Petra",
    "Rami",
    "Sara",
    "Tarek",
    "Ute",
    "Yonas",
    "Zainab",
]
LAST = [
    "Haddad",
    "Müller",
    "Schmidt",
    "Karimi",
    "Yilmaz",
    "Kowalski",
    "Popescu",
    "Tesfaye",
    "Hosseini",
    "Schneider",
    "Ahmadi",
    "Fischer",
    "Kovalenko",
    "Weber",
    "Rahimi",
    "Bauer",
]
STATUSES = [VolunteerStatus.ACTIVE] * 6 + [
    VolunteerStatus.APPLICANT,
    VolunteerStatus.APPLICANT,
    VolunteerStatus.PAUSED,
    VolunteerStatus.LEFT,
]


def _insert(model, rows: list[dict], batch: int = 5000) -> None:
    for start in range(0, len(rows), batch):
        db.session.execute(model.__table__.insert(), rows[start : start + batch])


def bulk_volunteers(count: int, seed: int = 1) -> None:
    """``count`` volunteers with profiles, languages, qualifications and slots, inserted with
    Core ``executemany`` in batches (seconds, not minutes)."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    today = date.today()
    towns = list(db.session.scalars(select(Municipality.id)))
    kinds = list(db.session.scalars(select(QualificationType)))
    codes, weights = zip(*LANGUAGES, strict=True)
    _insert(
        User,
        [
            {
                "email": f"bench{n:05d}@example.org",
                "password_hash": "!",  # cannot log in
                "display_name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
                "locale": rng.choice(["de", "de", "ar", "en"]),
                "role": Role.VOLUNTEER,
                "active": True,
                "email_confirmed_at": now,
                "session_token": secrets.token_hex(16),
                "session_token_issued_at": now,
                "created_at": now - timedelta(minutes=n),
            }
            for n in range(count)
        ],
    )
    user_ids = list(
        db.session.scalars(select(User.id).where(User.email.like("bench%")).order_by(User.id))
    )
    _insert(
        VolunteerProfile,
        [
            {
                "user_id": user_id,
                "status": rng.choice(STATUSES),
                "municipality_id": rng.choice(towns),
                "topics": [],
                "in_directory": rng.random() < 0.5,
                "on_call": rng.random() < 0.2,
                "created_at": now,
                "updated_at": now,
            }
            for user_id in user_ids
        ],
    )
    profile_ids = list(
        db.session.scalars(
            select(VolunteerProfile.id).where(
                VolunteerProfile.user_id.in_(select(User.id).where(User.email.like("bench%")))
            )
        )
    )
    levels = list(LanguageLevel)
    skills, qualifications, slots = [], [], []
    for profile_id in profile_ids:
        for code in set(rng.choices(codes, weights, k=rng.randint(1, 3))):
            level = rng.choice(levels)
            skills.append(
                {
                    "profile_id": profile_id,
                    "code": code,
                    "level": level,
                    "level_rank": LEVEL_RANK[level],
                    "mediates": rng.random() < 0.4,
                    "modes": [],
                    "settings": [],
                }
            )
        for kind in rng.sample(kinds, k=rng.randint(0, 3)):
            obtained = today - timedelta(days=rng.randint(0, 5 * 365))
            qualifications.append(
                {
                    "profile_id": profile_id,
                    "type_id": kind.id,
                    "state": rng.choice(["verified", "verified", "claimed", "rejected"]),
                    "obtained_on": obtained,
                    "expires_on": compute_expiry(obtained, kind.validity_months),
                    "created_at": now,
                }
            )
        for weekday in rng.sample(range(7), k=rng.randint(0, 4)):
            start = rng.randint(8, 17)
            slots.append(
                {
                    "profile_id": profile_id,
                    "weekday": weekday,
                    "starts_at": clock(start),
                    "ends_at": clock(start + rng.randint(1, 3)),
                }
            )
    _insert(LanguageSkill, skills)
    _insert(Qualification, qualifications)
    _insert(AvailabilitySlot, slots)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--volunteers", type=int, default=10_000)
    args = parser.parse_args()

    url = os.environ.get("WIRNET_BENCH_DATABASE_URL")
    tmp = tempfile.TemporaryDirectory()
    url = url or "sqlite:///" + str(Path(tmp.name) / "bench.sqlite3")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": None})
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_demo_data(volunteers=200, seed=1)
        if db.session.scalar(select(QualificationType.id).limit(1)) is None:
            load_catalogue()
        started = time.perf_counter()
        bulk_volunteers(args.volunteers)
        db.session.commit()
        # Fresh planner statistics, as autovacuum (PostgreSQL) would have them by now.
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
        loaded = time.perf_counter() - started
        print(f"{args.volunteers} volunteers bulk-inserted in {loaded:.1f} s")
        town = db.session.scalar(select(Municipality.id).order_by(Municipality.name).limit(1))
        engine = db.engine

    queries = 0

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_args) -> None:
        nonlocal queries
        queries += 1

    print(f"{'page':78} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KB':>6} {'HTTP':>5}")
    for who, paths in PAGES.items():
        client = app.test_client()
        if who != "anonymous":
            client.post("/auth/login", data={"email": who, "password": DEMO_PASSWORD})
        for path in paths:
            path = path.format(town=town)
            timings = []
            for _ in range(args.requests):
                before = queries
                start = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - start) * 1000)
                per_request = queries - before
            size = len(response.data) / 1024
            label = f"{path} ({who.split('@')[0]})"
            print(
                f"{label:78} {statistics.median(timings):8.2f} "
                f"{percentile(timings, 0.95):8.2f} {per_request:8d} {size:6.1f} "
                f"{response.status_code:5d}"
            )
    with app.app_context():
        db.drop_all()
    tmp.cleanup()


if __name__ == "__main__":
    main()
