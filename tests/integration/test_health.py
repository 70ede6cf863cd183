"""``/healthz``: what a load balancer or monitoring check sees, with and without a database."""

from __future__ import annotations

import pytest

from tests.conftest import make_app
from wirnet.extensions import db

UNREACHABLE = {
    "sqlite": ("sqlite:////nonexistent-dir/x/wirnet.sqlite3", {}),
    # Nothing listens on port 1, so the connection is refused at once (the timeout is a
    # safety net); this needs no PostgreSQL server, only the driver.
    "postgresql": (
        "postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
        {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}}},
    ),
}


def test_healthz_reports_ok_to_anyone(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == {"status": "ok", "db": "ok"}


# Without the rolled-back test session: it is bound to the working test database, and the
# point here is the app's own connection to a database it cannot reach.
@pytest.mark.no_db_rollback
@pytest.mark.parametrize("dialect", sorted(UNREACHABLE))
def test_healthz_answers_503_json_when_the_database_is_unreachable(dialect):
    url, options = UNREACHABLE[dialect]
    app = make_app(url, **options)  # creating the app must not need the database
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.is_json, response.content_type
        assert response.get_json() == {"status": "error", "db": "error"}

        # The next check fails the same way: the failed session was cleaned up.
        again = app.test_client().get("/healthz")
        assert again.status_code == 503
        assert again.get_json() == {"status": "error", "db": "error"}
    finally:
        with app.app_context():
            db.engine.dispose()
