"""Page throughput: latency percentiles and SQL queries per request for the main pages.

Not a test: run it by hand and compare runs (`make bench`). It builds a throw-away SQLite
database (or uses WIRNET_BENCH_DATABASE_URL), loads the demo data and requests each page
N times through the WSGI stack.

    .venv/bin/python bench/pages.py [--requests 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from wirnet import create_app
from wirnet.demo import DEMO_PASSWORD, load_demo_data
from wirnet.extensions import db

PAGES = {
    "anonymous": ["/", "/auth/login", "/auth/signup", "/privacy", "/healthz"],
    "volunteer@example.org": ["/home", "/auth/account"],
    "coordinator@example.org": ["/home"],
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    url = os.environ.get("WIRNET_BENCH_DATABASE_URL")
    tmp = tempfile.TemporaryDirectory()
    url = url or "sqlite:///" + str(Path(tmp.name) / "bench.sqlite3")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": None})
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_demo_data(volunteers=200, seed=1)
        db.session.commit()
        engine = db.engine

    queries = 0

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_args) -> None:
        nonlocal queries
        queries += 1

    print(f"{'page':40} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KB':>6}")
    for who, paths in PAGES.items():
        client = app.test_client()
        if who != "anonymous":
            client.post("/auth/login", data={"email": who, "password": DEMO_PASSWORD})
        for path in paths:
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
                f"{label:40} {statistics.median(timings):8.2f} "
                f"{percentile(timings, 0.95):8.2f} {per_request:8d} {size:6.1f}"
            )
    with app.app_context():
        db.drop_all()
    tmp.cleanup()


if __name__ == "__main__":
    main()
