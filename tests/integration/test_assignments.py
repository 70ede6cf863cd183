"""The assignment workflow from the coordinators' side and in the services: offers, direct
bookings, a volunteer's own offer, withdrawing and replacing, no double booking, the
outcome after the appointment and the organisation's confirmation."""

from __future__ import annotations

import math
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError

from tests.conftest import needs_postgres
from tests.helpers import outbox
from tests.integration.assignment_support import (
    at,
    fresh,
    make_active,
    offer_path,
    open_request,
    propose,
    state_of_everything,
    volunteer,
)
from tests.integration.request_support import in_days, make_request
from wirnet.audit import AuditEntry
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.matching import assignments
from wirnet.matching.assignments import AssignmentError
from wirnet.requests.models import (
    Assignment,
    AssignmentOrigin,
    AssignmentState,
    RequestEvent,
    RequestState,
)
from wirnet.volunteers.models import VolunteerStatus

A = AssignmentState


def english(message) -> str:
    """A lazily translated message as an English reader gets it (outside a request the
    default language, German, would be used)."""
    from flask_babel import force_locale

    with force_locale("en"):
        return str(message)


def _match(item) -> str:
    return f"/coordinator/requests/{item.id}/match"


def _location(response) -> str:
    return urlsplit(response.headers["Location"]).path


def _flashed(client) -> str:
    with client.session_transaction() as session:
        return " ".join(str(message) for _category, message in session.get("_flashes", []))


# --- offers from the match page ----------------------------------------------------------------


def test_proposing_offers_it_to_each_chosen_volunteer(client_as, users, orgs):
    item = open_request(orgs["org_member"])
    german, arabic = volunteer("Amina", locale="de"), volunteer("Bilal", locale="ar")
    client = client_as("coordinator")
    response = client.post(
        f"/coordinator/requests/{item.id}/propose",
        data={"profile_ids": [str(german.id), str(arabic.id)]},
    )
    assert response.status_code == 302 and _location(response) == _match(item)
    assert "The offer has gone out to 2 volunteers." in _flashed(client)
    rows = db.session.scalars(select(Assignment).where(Assignment.request_id == item.id)).all()
    assert {(r.profile_id, r.state, r.origin) for r in rows} == {
        (german.id, A.PROPOSED, AssignmentOrigin.PROPOSAL),
        (arabic.id, A.PROPOSED, AssignmentOrigin.PROPOSAL),
    }
    assert all(r.nonce and r.starts_at == item.starts_at for r in rows)
    [de] = outbox(to=german.user.email, template="offer")
    [ar] = outbox(to=arabic.user.email, template="offer")
    assert (de.locale, ar.locale) == ("de", "ar")
    assert fresh(item).state is RequestState.OPEN
    assert not fresh(item).auto_waves


def test_automatic_waves_are_switched_on_with_the_offer(client_as, orgs):
    item = open_request(orgs["org_member"])
    urgent = open_request(orgs["org_member"], short_notice=True)
    client = client_as("coordinator")
    before = utcnow()
    for request, hours in ((item, 24), (urgent, 2)):
        response = client.post(
            f"/coordinator/requests/{request.id}/propose",
            data={"profile_ids": [str(volunteer().id)], "auto_waves": "y"},
        )
        assert response.status_code == 302
        done = fresh(request)
        assert done.auto_waves and done.waves_sent == 1
        assert (
            before + timedelta(hours=hours)
            <= done.next_wave_at
            <= utcnow() + timedelta(hours=hours)
        )


def test_proposing_nobody_or_an_unknown_volunteer_is_refused_with_a_message(client_as, orgs):
    item = open_request(orgs["org_member"])
    client = client_as("coordinator")
    before = state_of_everything()
    for data in ({}, {"profile_ids": ["2000000000"]}, {"profile_ids": ["x"]}):
        response = client.post(f"/coordinator/requests/{item.id}/propose", data=data)
        assert response.status_code == 302 and _location(response) == _match(item)
        assert _flashed(client)
        client = client_as("coordinator")
    assert state_of_everything() == before


def test_an_inactive_volunteer_is_not_offered_anything(client_as, orgs):
    item = open_request(orgs["org_member"])
    paused = volunteer("Paula Paused", status=VolunteerStatus.PAUSED)
    ready = volunteer()
    client = client_as("coordinator")
    before = state_of_everything()
    response = client.post(
        f"/coordinator/requests/{item.id}/propose",
        data={"profile_ids": [str(ready.id), str(paused.id)]},
    )
    assert response.status_code == 302
    assert "Paula Paused is not an active volunteer" in _flashed(client)
    assert state_of_everything() == before  # not even the active one's offer went out


def test_proposing_for_a_request_that_is_not_open_is_refused(client_as, orgs):
    item = make_request(orgs["org_member"], state=RequestState.DRAFT)
    client = client_as("coordinator")
    response = client.post(
        f"/coordinator/requests/{item.id}/propose", data={"profile_ids": [str(volunteer().id)]}
    )
    assert response.status_code == 302
    assert "This request is no longer open." in _flashed(client)
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def test_an_unknown_request_answers_404(client_as):
    client = client_as("coordinator")
    assert client.post("/coordinator/requests/2000000000/propose").status_code == 404
    assert client.post("/coordinator/requests/99999999999/assign").status_code == 404


# --- booking --------------------------------------------------------------------------------


def test_assigning_directly_books_at_once_and_tells_both_sides(client_as, users, orgs):
    item = open_request(orgs["org_member"], address="Bahnhofstraße 3, 34225 Baunatal")
    person = volunteer("Fatima Direct", locale="de")
    other = volunteer()
    [waiting] = propose(item, other, coordinator=users["coordinator"])
    client = client_as("coordinator")
    response = client.post(
        f"/coordinator/requests/{item.id}/assign", data={"profile_id": str(person.id)}
    )
    assert response.status_code == 302 and _location(response) == _match(item)
    assert "Fatima Direct is booked." in _flashed(client)
    row = db.session.scalar(select(Assignment).where(Assignment.profile_id == person.id))
    assert (row.state, row.origin) == (A.ACCEPTED, AssignmentOrigin.DIRECT)
    assert (row.starts_at, row.ends_at) == (item.starts_at, item.ends_at)
    assert fresh(item).state is RequestState.ASSIGNED
    assert fresh(waiting).state is A.WITHDRAWN
    [booked] = outbox(to=person.user.email, template="booked")
    assert booked.locale == "de" and "Bahnhofstraße 3" in booked.body_text
    [told] = outbox(to=users["org_member"].email, template="booked_poster")
    assert "Fatima Direct" in told.body_text and person.user.email not in told.body_text
    # The history says it, as the system's doing.
    last = fresh(item).events[-1]
    assert (last.from_state, last.to_state) == (RequestState.OPEN, RequestState.ASSIGNED)


def test_a_walk_in_tells_its_creator_and_gives_the_centres_contact(client_as, users):
    item = make_request(None, creator=users["coordinator"])
    person = volunteer()
    client_as("coordinator").post(
        f"/coordinator/requests/{item.id}/assign", data={"profile_id": str(person.id)}
    )
    [told] = outbox(to=users["coordinator"].email, template="booked_poster")
    assert person.user.display_name in told.body_text
    [booked] = outbox(to=person.user.email, template="booked")
    assert "wir-zentrum@example.org" in booked.body_text  # the centre's contact


def test_a_request_for_two_stays_open_until_both_places_are_taken(client, users, orgs):
    item = open_request(orgs["org_member"], volunteers_needed=2)
    rows = propose(item, volunteer(), volunteer(), volunteer(), coordinator=users["coordinator"])
    db.session.commit()
    assert client.post(offer_path(rows[0])).status_code == 200
    assert fresh(item).state is RequestState.OPEN
    assert [fresh(r).state for r in rows] == [A.ACCEPTED, A.PROPOSED, A.PROPOSED]
    assert outbox(template="booked_poster")  # the first one is told already
    assert client.post(offer_path(rows[2])).status_code == 200
    assert fresh(item).state is RequestState.ASSIGNED
    assert [fresh(r).state for r in rows] == [A.ACCEPTED, A.WITHDRAWN, A.ACCEPTED]


def test_places_are_never_exceeded(client_as, users, orgs):
    item = open_request(orgs["org_member"])
    first, second = volunteer(), volunteer("Second Person")
    client = client_as("coordinator")
    client.post(f"/coordinator/requests/{item.id}/assign", data={"profile_id": str(first.id)})
    before = state_of_everything()
    response = client.post(
        f"/coordinator/requests/{item.id}/assign", data={"profile_id": str(second.id)}
    )
    assert response.status_code == 302
    assert "Every place for this request is already taken" in _flashed(client)
    assert state_of_everything() == before
    with pytest.raises(AssignmentError) as refused:
        assignments.assign_directly(item, second, users["coordinator"], now=utcnow())
    assert refused.value.code == "full"


def test_an_overlapping_booking_is_refused_with_a_clear_message(client_as, users, orgs):
    person = volunteer("Dawit Busy")
    one = open_request(orgs["org_member"], starts_at=at(10, 9), hours=2)  # 9–11 UTC
    clash = open_request(orgs["org_member"], starts_at=at(10, 10), hours=2)  # 10–12
    client = client_as("coordinator")
    client.post(f"/coordinator/requests/{one.id}/assign", data={"profile_id": str(person.id)})
    before = state_of_everything()
    response = client.post(
        f"/coordinator/requests/{clash.id}/assign", data={"profile_id": str(person.id)}
    )
    assert response.status_code == 302
    assert "Dawit Busy is already booked at that time" in _flashed(client)
    assert state_of_everything() == before
    # Neither can they be offered it (the offer could never be accepted).
    with pytest.raises(AssignmentError) as refused:
        assignments.propose(clash, [person], users["coordinator"], now=utcnow())
    assert refused.value.code == "overlap"


def test_back_to_back_appointments_do_not_clash(users, orgs):
    person = volunteer()
    morning = open_request(orgs["org_member"], starts_at=at(10, 10), hours=1)  # 10–11
    next_one = open_request(orgs["org_member"], starts_at=at(10, 11), hours=1)  # 11–12
    coordinator = users["coordinator"]
    assignments.assign_directly(morning, person, coordinator, now=utcnow())
    assignments.assign_directly(next_one, person, coordinator, now=utcnow())
    db.session.commit()
    states = db.session.scalars(
        select(Assignment.state).where(Assignment.profile_id == person.id)
    ).all()
    assert states == [A.ACCEPTED, A.ACCEPTED]


def test_a_flexible_window_clashes_with_nothing(users, orgs):
    person = volunteer()
    today = utcnow().date()
    window = open_request(
        orgs["org_member"], window_from=today, deadline=today + timedelta(days=20)
    )
    fixed = open_request(orgs["org_member"], starts_at=at(10, 10))
    coordinator = users["coordinator"]
    assignments.assign_directly(window, person, coordinator, now=utcnow())
    assignments.assign_directly(fixed, person, coordinator, now=utcnow())
    db.session.commit()
    assert fresh(window).state is RequestState.ASSIGNED
    assert fresh(fixed).state is RequestState.ASSIGNED


def test_a_started_request_cannot_be_booked(users, orgs):
    item = open_request(orgs["org_member"], starts_at=utcnow() - timedelta(minutes=1))
    with pytest.raises(AssignmentError) as refused:
        assignments.assign_directly(item, volunteer(), users["coordinator"], now=utcnow())
    assert refused.value.code == "started"


# --- PostgreSQL enforces it itself ---------------------------------------------------------------


def _insert(profile_id: int, request_id: int, starts, ends, state: str = "accepted") -> None:
    db.session.execute(
        sql(
            "INSERT INTO assignments (request_id, profile_id, state, origin, starts_at, "
            "ends_at, wave, created_at) VALUES (:r, :p, :s, 'direct', :a, :b, 1, now())"
        ),
        {"r": request_id, "p": profile_id, "s": state, "a": starts, "b": ends},
    )


@needs_postgres
def test_the_database_refuses_overlapping_accepted_assignments(orgs):
    person = volunteer()
    requests = [open_request(orgs["org_member"]) for _ in range(5)]
    ten, eleven, noon = at(10, 10), at(10, 11), at(10, 12)
    _insert(person.id, requests[0].id, ten, eleven)
    # Back to back, [10–11) and [11–12): allowed.
    _insert(person.id, requests[1].id, eleven, noon)
    # Another state, or another volunteer, at the same time: allowed.
    _insert(person.id, requests[2].id, ten, eleven, state="withdrawn")
    _insert(volunteer().id, requests[0].id, ten, eleven)
    # No time (a flexible window): clashes with nothing.
    _insert(person.id, requests[3].id, None, None)
    db.session.flush()
    with pytest.raises(IntegrityError) as refused, db.session.begin_nested():
        _insert(person.id, requests[4].id, ten + timedelta(minutes=30), eleven)
    assert "ex_assignments_no_overlap" in str(refused.value)


@needs_postgres
def test_the_databases_refusal_becomes_a_clear_message(monkeypatch, users, orgs):
    """Even if the check in Python missed it, the constraint refuses, the message is clear
    and the session stays usable."""
    person = volunteer()
    one = open_request(orgs["org_member"], starts_at=at(10, 9), hours=2)
    clash = open_request(orgs["org_member"], starts_at=at(10, 10), hours=2)
    coordinator = users["coordinator"]
    assignments.assign_directly(one, person, coordinator, now=utcnow())
    monkeypatch.setattr(assignments, "overlapping", lambda *args, **kwargs: None)
    with pytest.raises(AssignmentError) as refused:
        assignments.assign_directly(clash, person, coordinator, now=utcnow())
    assert refused.value.code == "overlap"
    assert "already booked for another appointment at that time" in english(refused.value.message)
    # The session still works (the view rolls back next); nothing was booked.
    assert fresh(clash).state is RequestState.OPEN
    assert (
        db.session.scalar(
            select(func.count(Assignment.id)).where(
                Assignment.profile_id == person.id, Assignment.state == A.ACCEPTED
            )
        )
        == 1
    )


# --- a volunteer's own offer -------------------------------------------------------------------


def test_a_volunteer_offers_to_take_a_request_and_a_coordinator_confirms(client_as, users, orgs):
    item = open_request(orgs["org_member"])
    mine = make_active(users["volunteer"])
    client = client_as("volunteer")
    response = client.post(f"/volunteer/requests/{item.id}/offer")
    assert response.status_code == 302 and _location(response) == "/volunteer/requests"
    row = db.session.scalar(select(Assignment).where(Assignment.profile_id == mine.id))
    assert (row.state, row.origin) == (A.VOLUNTEERED, AssignmentOrigin.VOLUNTEER)
    [told] = outbox(to=users["coordinator"].email, template="volunteered")
    assert users["volunteer"].display_name in told.body_text
    assert f"/coordinator/requests/{item.id}/match" in told.body_text
    # Offering twice: a message, nothing new.
    before = state_of_everything()
    client.post(f"/volunteer/requests/{item.id}/offer")
    assert "You have already offered to take this request." in _flashed(client)
    assert state_of_everything() == before
    coordinator = client_as("coordinator")
    response = coordinator.post(f"/coordinator/assignments/{row.id}/confirm")
    assert response.status_code == 302 and _location(response) == _match(item)
    assert fresh(row).state is A.ACCEPTED
    assert fresh(item).state is RequestState.ASSIGNED
    assert outbox(to=users["volunteer"].email, template="booked")


def test_only_active_volunteers_offer_and_only_for_open_requests(client_as, users, orgs):
    item = open_request(orgs["org_member"])
    client = client_as("volunteer")
    before = state_of_everything()
    response = client.post(f"/volunteer/requests/{item.id}/offer")  # no profile yet
    assert response.status_code == 302 and _flashed(client)
    assert state_of_everything() == before
    draft = make_request(orgs["org_member"], state=RequestState.DRAFT)
    make_active(users["volunteer"])
    assert client.post(f"/volunteer/requests/{draft.id}/offer").status_code == 404
    assert client.post("/volunteer/requests/2000000000/offer").status_code == 404


def test_confirming_an_offer_that_is_gone_says_so(client_as, users, orgs):
    item = open_request(orgs["org_member"])
    row = assignments.volunteer_offer(
        item, make_active(users["volunteer"]), users["volunteer"], now=utcnow()
    )
    assignments.decline(row, users["volunteer"], now=utcnow())  # taken back
    client = client_as("coordinator")
    before = state_of_everything()
    client.post(f"/coordinator/assignments/{row.id}/confirm")
    assert "This offer has already been declined." in _flashed(client)
    assert state_of_everything() == before


# --- withdrawing and replacing -----------------------------------------------------------------


def test_withdrawing_a_booking_frees_the_place_and_tells_the_volunteer(client_as, users, orgs):
    item = open_request(orgs["org_member"])
    person = volunteer("Ghada Booked", locale="ar")
    row = assignments.assign_directly(item, person, users["coordinator"], now=utcnow())
    client = client_as("coordinator")
    response = client.post(
        f"/coordinator/assignments/{row.id}/withdraw", data={"reason": "Fell ill"}
    )
    assert response.status_code == 302 and _location(response) == _match(item)
    assert fresh(row).state is A.WITHDRAWN
    assert fresh(item).state is RequestState.OPEN
    [told] = outbox(to=person.user.email, template="booked_withdrawn")
    assert told.locale == "ar"
    notices = outbox(to=users["org_member"].email, template="booked_poster")
    assert len(notices) == 2 and "Ghada Booked" in notices[-1].body_text  # booked, then not
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "assignment.withdrawn"))
    assert entry.details["reason"] == "Fell ill"
    # Replacing: someone else can now be booked.
    replacement = volunteer()
    client.post(f"/coordinator/requests/{item.id}/assign", data={"profile_id": str(replacement.id)})
    assert fresh(item).state is RequestState.ASSIGNED


def test_withdrawing_an_offer_kills_its_links_without_an_email(client, users, orgs):
    item = open_request(orgs["org_member"])
    [row] = propose(item, volunteer(), coordinator=users["coordinator"])
    mails = len(outbox())
    assignments.withdraw(row, users["coordinator"], now=utcnow())
    db.session.commit()
    assert len(outbox()) == mails
    assert client.post(offer_path(row)).status_code == 410


def test_nobody_is_withdrawn_once_the_appointment_has_started(client_as, users, orgs):
    item = open_request(orgs["org_member"], starts_at=in_days(3))
    row = assignments.assign_directly(item, volunteer(), users["coordinator"], now=utcnow())
    item.starts_at = utcnow() - timedelta(minutes=10)
    db.session.flush()
    client = client_as("coordinator")
    before = state_of_everything()
    response = client.post(f"/coordinator/assignments/{row.id}/withdraw")
    assert response.status_code == 302
    assert "The appointment has started" in _flashed(client)
    assert state_of_everything() == before


def test_only_coordinators_withdraw_or_assign(users, orgs):
    item = open_request(orgs["org_member"])
    row = assignments.assign_directly(item, volunteer(), users["coordinator"], now=utcnow())
    for role in ("org_member", "volunteer"):
        with pytest.raises(AssignmentError):
            assignments.withdraw(row, users[role], now=utcnow())
        with pytest.raises(AssignmentError):
            assignments.assign_directly(item, volunteer(), users[role], now=utcnow())


def test_a_booked_request_that_moves_keeps_the_times_of_its_assignments(users, orgs):
    from wirnet.requests import services

    person = volunteer()
    item = open_request(orgs["org_member"], starts_at=at(12, 9), hours=2)
    other = open_request(orgs["org_member"], starts_at=at(13, 9), hours=2)
    row = assignments.assign_directly(item, person, users["coordinator"], now=utcnow())
    assignments.assign_directly(other, person, users["coordinator"], now=utcnow())
    form = services.RequestData

    def moved_to(starts):
        local = starts.astimezone(assignments_berlin())
        return form(
            kind=item.kind,
            language_code=item.language_code,
            other_language_code="de",
            mode=item.mode,
            setting=item.setting,
            municipality_id=item.municipality_id,
            client_ref=item.client_ref,
            day=local.date(),
            starts=local.time(),
            ends=(local + timedelta(hours=2)).time(),
            address=item.address,
        )

    services.update_request(item, moved_to(at(12, 13)), users["coordinator"], now=utcnow())
    assert fresh(row).starts_at == at(12, 13)
    # Onto the volunteer's other booking: refused with a message, on the form's date.
    with pytest.raises(services.RequestError) as refused:
        services.update_request(item, moved_to(at(13, 10)), users["coordinator"], now=utcnow())
    assert refused.value.field == "day"
    assert "has another appointment at the new time" in english(refused.value.message)


def assignments_berlin():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Berlin")


def test_cancelling_a_request_frees_its_volunteers_and_tells_the_booked_one(client_as, users, orgs):
    starts = at(11, 9)
    item = open_request(orgs["org_member"], starts_at=starts, volunteers_needed=2)
    booked_person = volunteer("Hana Booked", locale="de")
    booked = assignments.assign_directly(item, booked_person, users["coordinator"], now=utcnow())
    [offered] = propose(item, volunteer(), coordinator=users["coordinator"])
    db.session.commit()
    response = client_as("org_member").post(
        f"/requests/{item.id}/cancel", data={"reason": "Der Termin entfällt."}
    )
    assert response.status_code == 302
    assert fresh(item).state is RequestState.CANCELLED
    assert (fresh(booked).state, fresh(offered).state) == (A.WITHDRAWN, A.WITHDRAWN)
    [told] = outbox(to=booked_person.user.email, template="booked_withdrawn")
    assert told.locale == "de"
    assert outbox(to=offered.profile.user.email, template="booked_withdrawn") == []
    # The volunteer's time is free again: another request at the same time can have them.
    other = open_request(orgs["org_member"], starts_at=starts)
    assignments.assign_directly(other, booked_person, users["coordinator"], now=utcnow())
    assert fresh(other).state is RequestState.ASSIGNED


# --- after the appointment ---------------------------------------------------------------------


@pytest.fixture
def carried_out(users, orgs):
    """A request for two, both booked, whose appointment began an hour ago."""
    item = open_request(orgs["org_member"], volunteers_needed=2, starts_at=in_days(2))
    first = assignments.assign_directly(item, volunteer(), users["coordinator"], now=utcnow())
    second = assignments.assign_directly(
        item, make_active(users["volunteer"]), users["coordinator"], now=utcnow()
    )
    item.starts_at = utcnow() - timedelta(hours=1)
    item.ends_at = utcnow() + timedelta(hours=1)
    db.session.commit()  # so that a refused outcome's rollback keeps all this
    return item, first, second


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"hours": 0}, "hours"),
        ({"hours": -1}, "hours"),
        ({"hours": 24.5}, "hours"),
        ({"hours": None}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"hours": math.nan}, "hours"),
        ({"hours": math.inf}, "hours"),
        ({"hours": 2, "km": -1}, "km"),
        ({"hours": 2, "km": 1000.5}, "km"),
        ({"hours": 2, "note": "x" * 1001}, "note"),
    ],
)
def test_a_bad_outcome_is_refused_and_nothing_is_stored(users, carried_out, values, field):
    _item, _first, second = carried_out
    before = state_of_everything()
    with pytest.raises(AssignmentError) as refused:
        assignments.record_outcome(second, users["volunteer"], now=utcnow(), **values)
    assert refused.value.field == field and str(refused.value.message)
    db.session.rollback()
    assert state_of_everything() == before


def test_outcomes_carry_the_request_out_once_every_one_is_in(users, carried_out):
    item, first, second = carried_out
    assignments.record_outcome(
        second, users["volunteer"], now=utcnow(), hours=2.5, km=12, note="Went well"
    )
    assert fresh(item).state is RequestState.ASSIGNED  # one report is still missing
    done = fresh(second)
    assert (done.state, done.hours, done.km, done.note) == (A.COMPLETED, 2.5, 12, "Went well")
    assert done.outcome_by_id == users["volunteer"].id
    assignments.record_outcome(first, users["coordinator"], now=utcnow(), no_show=True)
    assert fresh(first).state is A.NO_SHOW and fresh(first).hours is None
    assert fresh(item).state is RequestState.CONFIRMED
    last = fresh(item).events[-1]
    assert (last.from_state, last.to_state) == (RequestState.ASSIGNED, RequestState.CONFIRMED)


def test_an_outcome_is_for_the_volunteer_themselves_or_a_coordinator(users, carried_out):
    _item, first, second = carried_out
    for role in ("other_volunteer", "org_member"):
        with pytest.raises(AssignmentError) as refused:
            assignments.record_outcome(second, users[role], now=utcnow(), hours=1)
        assert refused.value.code == "not_allowed"
    with pytest.raises(AssignmentError):  # another volunteer's booking
        assignments.record_outcome(first, users["volunteer"], now=utcnow(), hours=1)


def test_no_outcome_before_the_appointment(users, orgs):
    item = open_request(orgs["org_member"])
    row = assignments.assign_directly(item, volunteer(), users["coordinator"], now=utcnow())
    with pytest.raises(AssignmentError) as refused:
        assignments.record_outcome(row, users["coordinator"], now=utcnow(), hours=1)
    assert refused.value.code == "not_started"


def _carried_out_request(users, orgs, org="org_member"):
    item = make_request(orgs[org], state=RequestState.CONFIRMED)
    return item


def test_the_organisation_confirms_with_feedback(users, orgs):
    item = _carried_out_request(users, orgs)
    assignments.confirm_completion(
        item, users["org_member"], now=utcnow(), feedback="  Sehr hilfreich, danke!  "
    )
    done = fresh(item)
    assert done.state is RequestState.COMPLETED
    assert done.feedback == "Sehr hilfreich, danke!"
    assert done.feedback_by_id == users["org_member"].id and done.feedback_at is not None


def test_a_coordinator_closes_it_without_feedback(users, orgs):
    item = _carried_out_request(users, orgs)
    assignments.confirm_completion(item, users["coordinator"], now=utcnow())
    assert fresh(item).state is RequestState.COMPLETED and fresh(item).feedback is None


def test_another_organisation_cannot_confirm(users, orgs):
    item = _carried_out_request(users, orgs)
    before = state_of_everything()
    for role in ("other_org", "volunteer"):
        with pytest.raises(AssignmentError) as refused:
            assignments.confirm_completion(item, users[role], now=utcnow(), feedback="x")
        assert refused.value.code == "not_allowed"
    assert state_of_everything() == before


def test_confirming_too_early_or_too_long_is_refused(users, orgs):
    assigned = make_request(orgs["org_member"], state=RequestState.ASSIGNED)
    with pytest.raises(AssignmentError) as refused:
        assignments.confirm_completion(assigned, users["org_member"], now=utcnow())
    assert "Only a request that has been carried out can be completed" in english(
        refused.value.message
    )
    item = _carried_out_request(users, orgs)
    with pytest.raises(AssignmentError) as refused:
        assignments.confirm_completion(item, users["org_member"], now=utcnow(), feedback="x" * 2001)
    assert refused.value.field == "feedback"


def test_every_change_is_audited(users, orgs):
    item = open_request(orgs["org_member"])
    [row] = propose(item, volunteer(), coordinator=users["coordinator"])
    assignments.accept(row, None, now=utcnow())
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "assignments")
    ).all()
    assert actions == ["assignment.proposed", "assignment.accepted"]
    assert (
        db.session.scalar(
            select(func.count(RequestEvent.id)).where(
                RequestEvent.request_id == item.id, RequestEvent.to_state == RequestState.ASSIGNED
            )
        )
        == 1
    )
