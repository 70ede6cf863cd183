"""Running the ranking statement on PostgreSQL as a prepared statement, with as little
work on the way as possible.

The ranking statement is large (some 11,000 characters, over 100 parameters), runs for
every ranking, and costs the server a few milliseconds. Sent the usual way, the client
adds as much again on the way there: SQLAlchemy expands its ``IN`` lists and gathers the
parameters, and psycopg rewrites the ``%(name)s`` placeholders into PostgreSQL's ``$n``
anew each time (it keeps such rewritings only for statements under 4,096 characters and
50 parameters). Here that work is done once per statement: the text with ``$n``
placeholders, in the order they come, is kept, and each ranking only fills in the values
(``Positional.parameters``) and sends them through a ``psycopg.RawCursor``, which takes
``$n`` as it is. It still goes through SQLAlchemy's connection, so its events (the
benchmark's query count) see it.

On SQLite, and for any other driver, the statement runs the usual way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy.engine import Connection

#: A bound parameter in SQLAlchemy's "pyformat" text, or an escaped ``%``.
_PLACEHOLDER = re.compile(r"%\(([^)]+)\)s|%%")
#: ``Positional`` by dialect and statement. The statements run this way are built once
#: per shape and kept (bounded) by their callers; this bound only guards against growth.
_POSITIONAL: dict = {}
_BOUND = 512


@dataclass(frozen=True)
class Positional:
    """A statement compiled once for PostgreSQL with ``$1`` … ``$n`` placeholders."""

    compiled: Any  # the SQLAlchemy Compiled
    sql: str
    #: The parameter of each placeholder, in order (``$1`` is ``names[0]``).
    names: tuple[str, ...]
    #: The values of the parameters of the statement's own ``IN`` lists, as sent.
    fixed: dict[str, Any]
    processors: dict[str, Callable[[Any], Any]]

    def parameters(self, values: dict[str, Any]) -> tuple:
        """The values to send, in placeholder order, each as SQLAlchemy would send it."""
        given = self.compiled.construct_params(values)
        sent = []
        for name in self.names:
            if name in self.fixed:
                sent.append(self.fixed[name])
                continue
            value = given[name]
            process = self.processors.get(name)
            sent.append(process(value) if process is not None else value)
        return tuple(sent)


def positional(compiled, values: dict[str, Any]) -> Positional:
    """``compiled`` (for PostgreSQL, "pyformat") with its ``IN`` lists expanded (they hold
    the statement's own constants, never a caller's values) and its placeholders
    numbered. ``values`` are one execution's: needed to expand, not kept."""
    expanding = {bind.key for bind in compiled.post_compile_params}
    if expanding & set(values):
        raise ValueError(f"expanding parameters given by the caller: {expanding & set(values)}")
    state = compiled.construct_expanded_state(values)
    numbers: dict[str, int] = {}

    def number(match: re.Match) -> str:
        name = match.group(1)
        if name is None:
            return "%"
        if name not in numbers:
            numbers[name] = len(numbers) + 1
        return f"${numbers[name]}"

    sql = _PLACEHOLDER.sub(number, state.statement)
    processors = dict(state.processors)
    fixed = {}
    for name in (name for names in state.parameter_expansion.values() for name in names):
        value = state.parameters[name]
        process = processors.get(name)
        fixed[name] = process(value) if process is not None else value
    return Positional(compiled, sql, tuple(numbers), fixed, processors)


def prepared_rows(connection: Connection, stmt, values: dict[str, Any]) -> list:
    """Run ``stmt`` with ``values`` and fetch all its rows. On PostgreSQL (psycopg) as a
    prepared statement from its first run on a connection (``prepare_threshold`` 0, not
    the sixth run: parsing and planning a statement of this size takes as long as running
    it), sent with ``$n`` placeholders (``positional``, worked out once per dialect and
    statement)."""
    driver = connection.connection.driver_connection
    if not hasattr(driver, "prepare_threshold"):
        return connection.execute(stmt, values).all()
    key = (connection.dialect, stmt)
    raw = _POSITIONAL.get(key)
    if raw is None:
        if len(_POSITIONAL) >= _BOUND:
            _POSITIONAL.clear()
        raw = _POSITIONAL[key] = positional(stmt.compile(dialect=connection.dialect), values)
    threshold, factory = driver.prepare_threshold, driver.cursor_factory
    driver.prepare_threshold, driver.cursor_factory = 0, psycopg.RawCursor
    try:
        return connection.exec_driver_sql(raw.sql, raw.parameters(values)).all()
    finally:
        driver.prepare_threshold, driver.cursor_factory = threshold, factory
