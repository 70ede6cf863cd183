"""Serialising the writers that book a volunteer, so that nobody is ever booked twice.

Two rules must hold even when two coordinators act at once or twenty volunteers click
"Accept" at the same moment: a request never gets more volunteers than it needs, and a
volunteer never holds two overlapping accepted assignments. Each booking reads (how many
places are taken? is the volunteer busy then?) and then writes; two such transactions
running side by side would both read "free" and both write. So the read and the write of
one booking must not interleave with another's. How that is done depends on the database.

**PostgreSQL** (production). :func:`lock_booking` takes row locks (``SELECT … FOR UPDATE``)
on the request's row and then on the volunteer's profile row. A second booking of the same
request, or of the same volunteer, waits at that point until the first commits, and then
reads what the first wrote (READ COMMITTED: every statement after the lock sees the rows
committed before it). The order is always request first, profile second, and nobody holds
two request or two profile locks, so two bookings can never wait for each other in a
circle (no deadlock). The database backs this up on its own: the exclusion constraint
``ex_assignments_no_overlap`` refuses overlapping accepted assignments of one volunteer
whatever the code does.

**SQLite** (demos, tests, a small installation). SQLite has no row locks: it locks the
whole database file, and a transaction that began reading (``BEGIN``, "deferred") and then
wants to write fails at once with "database is locked" if another connection wrote in
between — it cannot wait, or both would wait for each other. ``BEGIN IMMEDIATE`` takes the
write lock when the transaction starts, so a second writer waits (up to the driver's
timeout) *before* it reads anything, and then reads what the first one committed. That
serialises the bookings completely; the same checks as on PostgreSQL then run inside that
transaction.

The view does this in two steps, with :func:`serialised`:

1. commit the request's read transaction so far (it has written nothing yet: it looked up
   the user, the offer, the request), so that the next statement opens a new transaction;
2. mark the context so that the engine's ``begin`` listener (``wirnet._tune_sqlite``)
   sends ``BEGIN IMMEDIATE`` instead of ``BEGIN`` for that new transaction.

The mark is a :class:`~contextvars.ContextVar`: per thread (and per task), so one request's
writer does not change how another thread's transactions begin, and it is reset when the
block ends. On PostgreSQL the mark changes nothing (the listener exists for SQLite only)
and the commit only ends a read transaction early.

In the tests every test runs inside one outer transaction on one connection, and the
session's commits only release savepoints (``join_transaction_mode="create_savepoint"``):
no new ``BEGIN`` is sent, so the mark has no effect there and everything still works.
The concurrency tests (``tests/integration/test_concurrency.py``) use real, separate
connections instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import select

from wirnet.extensions import db

_IMMEDIATE: ContextVar[bool] = ContextVar("wirnet_sqlite_begin_immediate", default=False)


def begin_statement() -> str:
    """What the SQLite ``begin`` listener sends: ``BEGIN IMMEDIATE`` inside
    :func:`serialised`, else a plain (deferred) ``BEGIN``."""
    return "BEGIN IMMEDIATE" if _IMMEDIATE.get() else "BEGIN"


def _dialect() -> str:
    return db.session.get_bind().dialect.name


@contextmanager
def serialised(*, end_read: bool = True) -> Iterator[None]:
    """Run the block as a serialised writer (SQLite: ``BEGIN IMMEDIATE``).

    ``end_read``: first commit the transaction the request has been reading in, so that
    the block's first statement begins a new one. Only call it before anything was
    written (the commit would keep it). Objects loaded so far are expired by the commit
    and read again, inside the new transaction, when next used: that is the point.

    The block must end with the view's commit (or rollback), inside it or right after.
    """
    if end_read:
        db.session.commit()
    token = _IMMEDIATE.set(True)
    try:
        yield
    finally:
        _IMMEDIATE.reset(token)


def lock_request(request_id: int):
    """PostgreSQL: lock the request's row until the end of the transaction and read it
    afresh (also into the session's objects). SQLite: just read it (the transaction is
    serialised already, see :func:`serialised`)."""
    from wirnet.requests.models import Request

    stmt = select(Request).where(Request.id == request_id)
    if _dialect() == "postgresql":
        stmt = stmt.with_for_update()
    return db.session.scalars(stmt.execution_options(populate_existing=True)).one()


def lock_profile(profile_id: int):
    """The volunteer's profile row, locked like :func:`lock_request` (always *after* the
    request's row: the one order that cannot deadlock)."""
    from wirnet.volunteers.models import VolunteerProfile

    stmt = select(VolunteerProfile).where(VolunteerProfile.id == profile_id)
    if _dialect() == "postgresql":
        # ``of=`` keeps the lock on the profile: the user is joined in eagerly, and
        # PostgreSQL cannot lock the nullable side of an outer join.
        stmt = stmt.with_for_update(of=VolunteerProfile)
    return db.session.scalars(stmt.execution_options(populate_existing=True)).unique().one()


def lock_booking(request_id: int, profile_id: int):
    """(request, profile), both locked, in the one order every writer uses."""
    return lock_request(request_id), lock_profile(profile_id)
