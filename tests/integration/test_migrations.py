"""The Alembic revisions build exactly the schema the models describe, and can be undone.

An operator runs ``flask db upgrade`` on a new or existing database; if a model changed
without a revision, the app would meet a schema it does not expect. These tests migrate a
fresh database (SQLite always, PostgreSQL when configured), compare the result with the
models' metadata, and walk every revision up and down.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import Column, MetaData, String, create_engine, inspect, make_url, text

from tests.conftest import TEST_DATABASE_URL, make_app, needs_postgres
from wirnet.extensions import db

pytestmark = pytest.mark.no_db_rollback


# --- helpers -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _keep_logging_config():
    """``migrations/env.py`` runs ``logging.config.fileConfig``; undo that after each test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    names = ("alembic", "flask_migrate", "sqlalchemy.engine")
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def schema_diff(metadata: MetaData | None = None) -> list:
    """What autogenerate would write into a new revision: empty when schema and models agree."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata if metadata is not None else db.metadata)


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def revisions_base_to_head() -> list:
    config = current_app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    return list(reversed(list(script.walk_revisions())))


def check_migrations(app: Flask) -> None:
    """Upgrade, compare with the models, downgrade to base, then step through every revision."""
    with app.app_context():
        assert table_names() == set(), "the database should start empty"

        flask_migrate.upgrade()
        diff = schema_diff()
        assert diff == [], "the migrations and the models differ:\n" + "\n".join(map(str, diff))
        model_tables = set(db.metadata.tables)
        assert model_tables <= table_names()

        flask_migrate.downgrade(revision="base")
        assert table_names() <= {"alembic_version"}, table_names()
        assert current_revision() is None

        revisions = revisions_base_to_head()
        assert revisions, "no revisions found"
        for revision in revisions:
            flask_migrate.upgrade(revision="+1")
            assert current_revision() == revision.revision
        assert schema_diff() == []

        for revision in reversed(revisions):
            assert current_revision() == revision.revision
            flask_migrate.downgrade(revision="-1")
            assert current_revision() == revision.down_revision
        assert table_names() <= {"alembic_version"}, table_names()

        flask_migrate.upgrade()
        assert schema_diff() == []
        db.engine.dispose()


@pytest.fixture
def postgres_database_url() -> Iterator[str]:
    """A throw-away PostgreSQL database next to the test database, dropped afterwards."""
    server_url = make_url(TEST_DATABASE_URL)
    name = f"wirnet_mig_{secrets.token_hex(6)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- tests ---------------------------------------------------------------------------


def test_migrations_build_the_models_schema_on_sqlite_and_undo_it(tmp_path):
    check_migrations(make_app("sqlite:///" + str(tmp_path / "migrated.sqlite3")))


@needs_postgres
def test_migrations_build_the_models_schema_on_postgresql_and_undo_it(postgres_database_url):
    check_migrations(make_app(postgres_database_url))


def test_a_model_change_without_a_revision_is_noticed(tmp_path):
    app = make_app("sqlite:///" + str(tmp_path / "migrated.sqlite3"))
    with app.app_context():
        flask_migrate.upgrade()
        assert schema_diff() == []

        changed = MetaData(naming_convention=db.metadata.naming_convention)
        for table in db.metadata.tables.values():
            table.to_metadata(changed)
        changed.tables["users"].append_column(Column("nickname", String(40), nullable=True))
        diff = schema_diff(changed)
        assert [(op[0], op[2], op[3].name) for op in diff] == [("add_column", "users", "nickname")]

        # A changed column type is noticed too (compare_type is on).
        retyped = MetaData(naming_convention=db.metadata.naming_convention)
        for table in db.metadata.tables.values():
            table.to_metadata(retyped)
        retyped.tables["users"].c.display_name.type = String(200)
        diff = schema_diff(retyped)
        assert len(diff) == 1
        assert diff[0][0][0] == "modify_type"
        assert diff[0][0][2:4] == ("users", "display_name")
        db.engine.dispose()
