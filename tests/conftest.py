"""Fixtures: the app on a real database, a rolled-back transaction per test, a client per role.

``WIRNET_TEST_DATABASE_URL`` selects the database (PostgreSQL in CI); otherwise a SQLite
file in a temporary directory. The schema is created once per run; each test runs inside
a transaction that is rolled back at its end (SQLAlchemy 2's "join an external
transaction" recipe with ``join_transaction_mode="create_savepoint"``), so the views'
commits only release savepoints.
"""

from __future__ import annotations

import os
import time

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession

from tests.factories import UserFactory
from wirnet import create_app
from wirnet.extensions import db
from wirnet.roles import Role

TEST_DATABASE_URL = os.environ.get("WIRNET_TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("WIRNET_TEST_REDIS_URL")

needs_postgres = pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"),
    reason="needs PostgreSQL: set WIRNET_TEST_DATABASE_URL=postgresql+psycopg://…",
)
needs_redis = pytest.mark.skipif(
    not TEST_REDIS_URL, reason="needs Redis: set WIRNET_TEST_REDIS_URL=redis://…"
)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "wirnet-test.sqlite3")


class FreshContextClient(FlaskClient):
    """Runs every request in its own app context, as a real server does.

    The tests hold an app context open (for factories and queries); without this, Flask
    would reuse it for the client's requests and ``g`` (the logged-in user) would leak
    from one request to the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(database_url: str, **overrides):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture(scope="session")
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


class BoundSession(FlaskSession):
    """Flask-SQLAlchemy's session ignores an explicit ``bind``; the tests need it honoured."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@pytest.fixture(autouse=True)
def db_session(request, app):
    """Every test runs in a transaction that is rolled back afterwards."""
    if "no_db_rollback" in request.keywords:
        yield None
        return
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": BoundSession,
            }
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


def log_in(client, user, *, remember: bool = False) -> None:
    """Put ``user`` into the client's session as Flask-Login does after a log-in."""
    now = time.time()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["login_at"] = now
        session["seen_at"] = now
        session["remember_me"] = remember


ROLE_NAMES = (
    "anonymous",
    "volunteer",
    "other_volunteer",
    "org_member",
    "other_org",
    "coordinator",
    "admin",
)


@pytest.fixture
def users(db_session) -> dict:
    """One account per role, plus a second volunteer and a member of another organisation."""
    return {
        "volunteer": UserFactory(role=Role.VOLUNTEER, display_name="Rana Volunteer"),
        "other_volunteer": UserFactory(role=Role.VOLUNTEER, display_name="Yonas Volunteer"),
        "org_member": UserFactory(role=Role.ORG_MEMBER, display_name="Semhar Org"),
        "other_org": UserFactory(role=Role.ORG_MEMBER, display_name="Mariam Otherorg"),
        "coordinator": UserFactory(role=Role.COORDINATOR, display_name="Leyla Coord"),
        "admin": UserFactory(role=Role.ADMIN, display_name="Sabine Admin"),
    }


@pytest.fixture
def orgs(users) -> dict:
    """An approved organisation for each organisation member of ``users``, who is its org
    admin: ``orgs["org_member"]`` and ``orgs["other_org"]`` (#7)."""
    from wirnet.organisations.models import (
        Membership,
        Organisation,
        OrganisationKind,
        OrganisationStatus,
    )

    made = {}
    for role, name in (
        ("org_member", "Eritreische Gemeinde Kassel"),
        ("other_org", "Familienzentrum Vellmar"),
    ):
        org = Organisation(
            name=name,
            kind=OrganisationKind.MIGRANT_ORGANISATION,
            contact_name=users[role].display_name,
            status=OrganisationStatus.APPROVED,
        )
        org.memberships.append(Membership(user_id=users[role].id, is_admin=True))
        db.session.add(org)
        made[role] = org
    db.session.flush()
    return made


@pytest.fixture
def client_as(app, users):
    """``client_as("coordinator")``: a test client logged in as that role (or anonymous)."""

    def make(role: str):
        client = app.test_client()
        if role != "anonymous":
            db.session.refresh(users[role])  # a request may have rotated its token
            log_in(client, users[role])
        return client

    return make


@pytest.fixture
def volunteer_client(client_as):
    return client_as("volunteer")


@pytest.fixture
def coordinator_client(client_as):
    return client_as("coordinator")


@pytest.fixture
def admin_client(client_as):
    return client_as("admin")
