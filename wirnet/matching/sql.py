"""SQL building blocks shared by the narrowing (:mod:`wirnet.matching.narrowing`) and the
loading (:mod:`wirnet.matching.loading`): the session's dialect, running a statement, a
language and its varieties as conditions an index answers, a set of ids bound as one
parameter, an ``EXISTS`` probe, and JSON built in the database the same way on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, String, and_, bindparam, exists, func, literal, or_, select
from sqlalchemy.dialects.postgresql import ARRAY

from wirnet.extensions import db
from wirnet.matching import prepared

_BASE = re.compile(r"^[a-z]{2,8}$")


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def language_base(tag: str) -> str:
    return (tag or "").split("-")[0].lower()


def variety_values(tag: str, prefix: str) -> dict[str, str]:
    """The values for ``variety``: ``ar-SY`` → ``ar`` and ``ar-*``/``ar-%``; a tag that is
    not a language code matches only itself."""
    base = language_base(tag)
    if not _BASE.match(base):
        return {f"{prefix}_base": tag, f"{prefix}_pattern": "", f"{prefix}_end": tag}
    wildcard = "*" if dialect_name() == "sqlite" else "%"
    return {
        f"{prefix}_base": base,
        f"{prefix}_pattern": f"{base}-{wildcard}",
        f"{prefix}_end": base + ".",
    }


def variety(column, dialect: str, prefix: str):
    """``column`` is a language or one of its varieties (``ar``, ``ar-SY`` …), so that the
    index on the code answers it: SQLite's GLOB is case-sensitive, so a prefix GLOB is an
    index range (its LIKE is not); PostgreSQL's index has the ``text_pattern_ops``
    operator class, so a prefix LIKE is one whatever the database's collation."""
    base, pattern = bindparam(f"{prefix}_base", type_=String), bindparam(f"{prefix}_pattern")
    if dialect == "sqlite":
        return or_(column == base, column.op("GLOB")(pattern))
    return or_(column == base, column.like(pattern))


def variety_range(column, dialect: str, prefix: str):
    """``variety`` as one index range, for reading every speaker of a language: from
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
    if dialect_name() == "sqlite":
        return or_(column == base, column.op("GLOB")(base + "-*"))
    return or_(column == base, column.like(base + "-%"))


def probe(dialect: str, *conditions):
    """``EXISTS`` a row: probed through an index for each volunteer. On PostgreSQL with
    ``OFFSET 0``, which keeps the planner from turning it into a hashed subplan (reading
    the whole table once, 100 ms at 100,000 volunteers) or a join it misjudges."""
    query = select(literal(1)).where(*conditions)
    if dialect == "postgresql":
        query = query.offset(0)
    return exists(query)


def among(column, dialect: str, name: str = "ids"):
    """``column`` is one of the ids bound as ``name`` (see ``ids_value``): one parameter
    whatever their number, so that the statement's text never changes."""
    if dialect == "postgresql":
        return column == func.any(bindparam(name, type_=ARRAY(Integer)))
    return column.in_(select(func.json_each(bindparam(name, type_=String)).table_valued("value")))


def ids_value(ids: Sequence[int]) -> Any:
    return list(ids) if dialect_name() == "postgresql" else json.dumps(list(ids))


def rows(stmt, values: dict[str, Any]) -> list:
    """Run a statement of plain columns on the session's connection (no ORM on the way),
    and fetch all its rows at once."""
    return db.session.connection().execute(stmt, values).all()


def prepared_rows(stmt, values: dict[str, Any]) -> list:
    """``rows``, on PostgreSQL as a prepared statement with ``$n`` placeholders, the
    client's work on the way done once per statement (``prepared.prepared_rows``)."""
    return prepared.prepared_rows(db.session.connection(), stmt, values)


def json_array(dialect: str, *columns):
    return func.json_build_array(*columns) if dialect == "postgresql" else func.json_array(*columns)


def json_rows(dialect: str, *columns):
    """The rows of a correlated subquery as one JSON array of arrays (``[]`` or NULL when
    there are none), so that one statement brings every table's rows along with each
    volunteer. In no particular order: the engine's outcome does not depend on it
    (tests/unit/test_matching_properties.py), and sorting each volunteer's few rows costs
    PostgreSQL a sort per subquery and volunteer."""
    if dialect == "postgresql":
        return func.json_agg(func.json_build_array(*columns))
    return func.json_group_array(func.json_array(*columns))


def json_list(column, dialect: str):
    """A JSON list column as itself inside a JSON array (SQLite keeps it as text)."""
    return column if dialect == "postgresql" else func.json(column)


def nested(dialect: str, *values):
    """``values`` (JSON from subqueries, or plain) as one JSON array. SQLite hands a
    subquery's JSON on as text: ``json()`` makes it JSON again, not a quoted string."""
    if dialect == "postgresql":
        return func.json_build_array(*values)
    return func.json_array(*(func.json(value) for value in values))
