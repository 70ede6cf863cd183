"""No double booking under load: real concurrent sessions, each thread with its own
connection, all starting at the same moment (a barrier).

- 20 volunteers accept 20 offers for ONE place at once → exactly one is booked, the others
  get a clear refusal, and nothing is half-written (the other offers withdrawn, one line of
  history, one booking's e-mails).
- The same through the public accept links (HTTP), so the views' serialised transaction is
  covered too: one page says "booked", the others say the offer is gone; never a 500.
- Coordinators assign the same volunteer to overlapping requests at once → exactly one.
- PostgreSQL only: with the row locks and the check in Python switched off, the exclusion
  constraint alone still lets exactly one overlapping booking through.

The data is committed for real (``no_db_rollback``) through a separate app with a pool big
enough for every thread, and deleted afterwards. On PostgreSQL the writers are serialised
by row locks (``SELECT … FOR UPDATE``); on SQLite (a file database) by ``BEGIN IMMEDIATE``
— both run here.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_DATABASE_URL, make_app, needs_postgres
from tests.factories import UserFactory
from tests.integration.assignment_support import offer_path, volunteer
from tests.integration.request_support import in_days, make_request
from wirnet.audit import AuditEntry
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.mail.models import OutboxMessage
from wirnet.matching import assignments, locks
from wirnet.matching.assignments import AssignmentError
from wirnet.organisations.models import (
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from wirnet.requests.models import (
    Assignment,
    AssignmentState,
    Request,
    RequestEvent,
    RequestState,
)
from wirnet.roles import Role

pytestmark = pytest.mark.no_db_rollback

A = AssignmentState
THREADS = 20
POSTGRES = (TEST_DATABASE_URL or "").startswith("postgresql")


@pytest.fixture
def live_app(app, database_url):
    """An app of its own whose pool holds a connection per thread; every row the test
    committed is deleted afterwards (the other tests find the database empty)."""
    options = {"pool_size": THREADS + 5, "max_overflow": 0, "hide_parameters": True}
    if not POSTGRES:
        options["connect_args"] = {"timeout": 60}  # how long BEGIN IMMEDIATE may wait
    live = make_app(database_url, SQLALCHEMY_ENGINE_OPTIONS=options)
    try:
        yield live
    finally:
        with live.app_context():
            db.session.rollback()
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            db.session.commit()
            db.engine.dispose()


def _organisation():
    member = UserFactory(role=Role.ORG_MEMBER, display_name="Semhar Org")
    org = Organisation(
        name="Eritreische Gemeinde Kassel",
        kind=OrganisationKind.MIGRANT_ORGANISATION,
        contact_name="Semhar Org",
        status=OrganisationStatus.APPROVED,
    )
    org.memberships.append(Membership(user_id=member.id, is_admin=True))
    db.session.add(org)
    db.session.flush()
    return org


def _one_place_offered_to_many(live_app) -> tuple[int, list[int], list[str]]:
    """A request with one place, offered to THREADS volunteers: (request id, assignment
    ids, accept paths)."""
    with live_app.app_context(), live_app.test_request_context():
        coordinator = UserFactory(role=Role.COORDINATOR)
        item = make_request(_organisation(), starts_at=in_days(9))
        rows = assignments.propose(
            item, [volunteer() for _ in range(THREADS)], coordinator, now=utcnow()
        )
        db.session.commit()
        return item.id, [row.id for row in rows], [offer_path(row) for row in rows]


def _run_at_once(work) -> tuple[list, list[BaseException]]:
    """``work(index)`` in THREADS threads released together; (results, errors)."""
    start = threading.Barrier(THREADS)
    results: list = [None] * THREADS
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            start.wait(timeout=30)
            results[index] = work(index)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def _check_one_booking(live_app, request_id: int, ids: list[int]) -> int:
    """Exactly one booked, everything else consistent; the booked assignment's id."""
    with live_app.app_context():
        states = Counter(db.session.scalars(select(Assignment.state).where(Assignment.id.in_(ids))))
        assert states == {A.ACCEPTED: 1, A.WITHDRAWN: THREADS - 1}
        booked = db.session.scalar(
            select(Assignment.id).where(Assignment.id.in_(ids), Assignment.state == A.ACCEPTED)
        )
        item = db.session.get(Request, request_id)
        assert item.state is RequestState.ASSIGNED
        events = db.session.scalar(
            select(func.count(RequestEvent.id)).where(
                RequestEvent.request_id == request_id,
                RequestEvent.to_state == RequestState.ASSIGNED,
            )
        )
        assert events == 1
        accepted = db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "assignment.accepted")
        )
        assert accepted == 1
        mails = Counter(db.session.scalars(select(OutboxMessage.template)))
        assert mails["booked"] == 1 and mails["booked_poster"] == 1
        assert mails["offer_withdrawn"] == THREADS - 1
        return booked


def test_twenty_accepts_for_one_place(live_app):
    request_id, ids, _paths = _one_place_offered_to_many(live_app)

    def accept(index: int):
        with live_app.app_context():
            try:
                with locks.serialised():
                    row = db.session.get(Assignment, ids[index])
                    assignments.accept(row, None, now=utcnow())
                    db.session.commit()
            except AssignmentError as error:
                db.session.rollback()
                return error.code, str(error.message)
            return "booked", None

    results, errors = _run_at_once(accept)
    assert not errors, errors
    outcomes = Counter(code for code, _message in results)
    assert outcomes == {"booked": 1, "full": THREADS - 1}
    with live_app.app_context():
        expected = str(assignments._taken_error().message)
    assert {message for code, message in results if code == "full"} == {expected}
    booked = _check_one_booking(live_app, request_id, ids)
    assert results[ids.index(booked)][0] == "booked"


def test_twenty_clicks_on_accept_links_at_once(live_app):
    request_id, ids, paths = _one_place_offered_to_many(live_app)

    def click(index: int):
        response = live_app.test_client().post(paths[index])
        body = response.get_data(as_text=True)
        return response.status_code, body

    results, errors = _run_at_once(click)
    assert not errors, errors
    statuses = Counter(status for status, _body in results)
    assert statuses[200] == 1, statuses
    assert set(statuses) <= {200, 409, 410}, statuses  # never a 500
    for status, body in results:
        if status == 410:
            assert "This offer has been withdrawn" in body
        elif status == 409:
            assert "Every place for this request is already taken" in body
    _check_one_booking(live_app, request_id, ids)


def _overlapping_requests(live_app) -> tuple[int, list[int], list[int]]:
    """One volunteer and THREADS requests at overlapping times (each starts 5 minutes
    after the last), and a coordinator per request: (profile id, request ids, user ids)."""
    with live_app.app_context(), live_app.test_request_context():
        org = _organisation()
        person = volunteer("Dawit Everywhere")
        start = in_days(15, 8)
        requests = [
            make_request(org, starts_at=start + timedelta(minutes=5 * i), hours=3)
            for i in range(THREADS)
        ]
        coordinators = [UserFactory(role=Role.COORDINATOR) for _ in range(THREADS)]
        db.session.commit()
        return person.id, [r.id for r in requests], [c.id for c in coordinators]


def _assign_all_at_once(live_app, profile_id, request_ids, coordinator_ids):
    from wirnet.auth.models import User
    from wirnet.volunteers.models import VolunteerProfile

    def assign(index: int):
        with live_app.app_context(), live_app.test_request_context():
            try:
                with locks.serialised():
                    assignments.assign_directly(
                        db.session.get(Request, request_ids[index]),
                        db.session.get(VolunteerProfile, profile_id),
                        db.session.get(User, coordinator_ids[index]),
                        now=utcnow(),
                    )
                    db.session.commit()
            except AssignmentError as error:
                db.session.rollback()
                return error.code
            return "booked"

    return _run_at_once(assign)


def _check_one_of_the_volunteers_bookings(live_app, profile_id: int) -> None:
    with live_app.app_context():
        accepted = db.session.scalars(
            select(Assignment).where(
                Assignment.profile_id == profile_id, Assignment.state == A.ACCEPTED
            )
        ).all()
        assert len(accepted) == 1
        assigned = db.session.scalar(
            select(func.count(Request.id)).where(Request.state == RequestState.ASSIGNED)
        )
        assert assigned == 1


def test_coordinators_booking_one_volunteer_for_overlapping_requests_at_once(live_app):
    profile_id, request_ids, coordinator_ids = _overlapping_requests(live_app)
    results, errors = _assign_all_at_once(live_app, profile_id, request_ids, coordinator_ids)
    assert not errors, errors
    assert Counter(results) == {"booked": 1, "overlap": THREADS - 1}
    _check_one_of_the_volunteers_bookings(live_app, profile_id)


@needs_postgres
def test_the_exclusion_constraint_alone_holds_under_load(live_app, monkeypatch):
    """Without the row locks and without the check in Python, PostgreSQL itself lets
    exactly one of the overlapping bookings through, and the rest become clear refusals."""
    profile_id, request_ids, coordinator_ids = _overlapping_requests(live_app)

    def read_only(request_id, profile_id):
        from wirnet.volunteers.models import VolunteerProfile

        return db.session.get(Request, request_id), db.session.get(VolunteerProfile, profile_id)

    monkeypatch.setattr(locks, "lock_booking", read_only)
    monkeypatch.setattr(assignments, "overlapping", lambda *args, **kwargs: None)
    results, errors = _assign_all_at_once(live_app, profile_id, request_ids, coordinator_ids)
    assert not errors, errors
    # Without the locks two writers may also wait for each other; PostgreSQL then cancels
    # one ("conflict", a clear message too). Either way: one booking, no error page.
    outcomes = Counter(results)
    assert outcomes["booked"] == 1
    assert outcomes["overlap"] + outcomes["conflict"] == THREADS - 1, outcomes
    _check_one_of_the_volunteers_bookings(live_app, profile_id)
