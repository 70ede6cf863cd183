"""``flask reminders send`` for matching: the volunteer's 24-hour reminder, the coordinators'
alert about open requests starting within 48 hours, and automatic waves of offers. Each in
the recipient's language, and each once: running it twice sends nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests.factories import UserFactory
from tests.helpers import outbox
from tests.integration.followup_support import book, booked_request, new_volunteer
from tests.integration.request_support import make_request
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.matching.reminders import send_matching_reminders
from wirnet.requests.models import Assignment, AssignmentState, RequestKind, RequestState
from wirnet.roles import Role
from wirnet.volunteers.models import AvailabilitySlot

A = AssignmentState
ADDRESS = "Kirchweg 5, 34225 Baunatal"
NOW = datetime(2031, 5, 12, 8, 0, tzinfo=UTC)  # a Monday, 10:00 in Kassel


def run(now: datetime = NOW):
    report = send_matching_reminders(now=now)
    db.session.flush()
    return report


def candidate(name: str, *, locale: str = "en"):
    """An active volunteer who fits an accompaniment in Arabic at any time of the week."""
    profile = new_volunteer(name, locale=locale)
    for weekday in range(7):
        db.session.add(
            AvailabilitySlot(
                profile_id=profile.id, weekday=weekday, starts_at=time(0), ends_at=time(23, 59)
            )
        )
    db.session.flush()
    return profile


def request_for(orgs, *, starts_at: datetime, **values):
    return make_request(
        orgs["org_member"],
        kind=RequestKind.ACCOMPANIMENT,
        starts_at=starts_at,
        state=values.pop("state", RequestState.OPEN),
        **values,
    )


@pytest.fixture
def coordinators(users):
    """Two coordinators: one reading English, one German."""
    users["coordinator"].locale = "en"
    german = UserFactory(role=Role.COORDINATOR, display_name="Greta Koordination", locale="de")
    db.session.flush()
    return users["coordinator"], german


# --- the 24-hour reminder -----------------------------------------------------------------------


def test_the_volunteer_is_reminded_once_within_24_hours(app, orgs):
    org = orgs["org_member"]
    org.contact_phone = "+49 561 444 555"
    person = candidate("Samira Arabi", locale="ar")
    _item, row = booked_request(
        org,
        person,
        starts_at=NOW + timedelta(hours=20),
        address=ADDRESS,
        kind=RequestKind.ACCOMPANIMENT,
    )
    with app.test_request_context():
        first = run()
        second = run()
    assert (first.reminders, second.reminders) == (1, 0)
    (mail,) = outbox(to=person.user.email, template="assignment_reminder")
    assert mail.locale == "ar"
    assert "مرحبًا" in mail.body_text and "المرافقة" in mail.body_text  # Arabic
    assert ADDRESS in mail.body_text
    assert "Eritreische Gemeinde Kassel" in mail.body_text and "+49 561 444 555" in mail.body_text
    assert f"http://localhost/volunteer/assignments/{row.id}" in mail.body_text
    db.session.refresh(row)
    assert row.reminded_at == NOW


def test_a_german_volunteer_gets_it_in_german(app, orgs):
    person = candidate("Grete Deutsch", locale="de")
    booked_request(
        orgs["org_member"],
        person,
        starts_at=NOW + timedelta(hours=5),
        kind=RequestKind.ACCOMPANIMENT,
    )
    with app.test_request_context():
        run()
    (mail,) = outbox(to=person.user.email, template="assignment_reminder")
    assert mail.locale == "de"
    assert "Hallo" in mail.body_text and "Begleitung" in mail.body_text
    assert "Montag" in mail.body_text  # 12 May 2031, 15:00 in Kassel, a Monday


def test_no_reminder_too_early_twice_or_for_what_is_not_booked(app, orgs):
    org = orgs["org_member"]
    later = candidate("Later Person")
    booked_request(org, later, starts_at=NOW + timedelta(hours=30))
    started = candidate("Started Person")
    booked_request(org, started, starts_at=NOW - timedelta(minutes=10))
    offered = candidate("Offered Person")
    book(offered, request_for(orgs, starts_at=NOW + timedelta(hours=10)), state=A.PROPOSED)
    cancelled_person = candidate("Cancelled Person")
    cancelled, _ = booked_request(org, cancelled_person, starts_at=NOW + timedelta(hours=10))
    cancelled.state = RequestState.CANCELLED
    told = candidate("Told Person")
    _, row = booked_request(org, told, starts_at=NOW + timedelta(hours=10))
    row.reminded_at = NOW - timedelta(hours=2)
    db.session.flush()
    with app.test_request_context():
        assert run().reminders == 0
    assert not outbox(template="assignment_reminder")


def test_an_appointment_moved_after_its_reminder_is_reminded_again(app, orgs):
    person = candidate("Moved Person")
    _item, row = booked_request(orgs["org_member"], person, starts_at=NOW + timedelta(hours=10))
    with app.test_request_context():
        assert run().reminders == 1
        # Moved to three days later (as the request's edit copies the new time over).
        row.starts_at, row.ends_at = NOW + timedelta(days=3), NOW + timedelta(days=3, hours=2)
        db.session.flush()
        assert run(NOW + timedelta(hours=1)).reminders == 0
        assert run(NOW + timedelta(days=2, hours=4)).reminders == 1
        assert run(NOW + timedelta(days=2, hours=5)).reminders == 0
    assert len(outbox(to=person.user.email, template="assignment_reminder")) == 2


# --- the coordinators' 48-hour alert ------------------------------------------------------------


def test_coordinators_hear_once_about_open_requests_starting_within_48_hours(
    app, orgs, users, coordinators
):
    english, german = coordinators
    soon = request_for(orgs, starts_at=NOW + timedelta(hours=30), volunteers_needed=2)
    half, _ = booked_request(
        orgs["org_member"],
        candidate("Half Booked"),
        starts_at=NOW + timedelta(hours=36),
        state=RequestState.OPEN,
        volunteers_needed=2,
    )
    later = request_for(orgs, starts_at=NOW + timedelta(hours=60))
    taken, _ = booked_request(
        orgs["org_member"], candidate("Taken"), starts_at=NOW + timedelta(hours=20)
    )
    draft = request_for(orgs, starts_at=NOW + timedelta(hours=20), state=RequestState.DRAFT)
    with app.test_request_context():
        first = run()
        second = run()
    assert (first.unfilled, first.alerts) == (2, 2)
    assert (second.unfilled, second.alerts) == (0, 0)

    (to_english,) = outbox(to=english.email, template="unfilled_requests")
    assert to_english.locale == "en"
    assert "2 requests still need volunteers" in to_english.subject
    assert f"http://localhost/coordinator/requests/{soon.id}/match" in to_english.body_text
    assert f"http://localhost/coordinator/requests/{half.id}/match" in to_english.body_text
    assert "0 of 2 booked" in to_english.body_text and "1 of 2 booked" in to_english.body_text
    for other in (later, taken, draft):
        assert f"/coordinator/requests/{other.id}/match" not in to_english.body_text
    (to_german,) = outbox(to=german.email, template="unfilled_requests")
    assert to_german.locale == "de" and "Hallo Greta Koordination" in to_german.body_text
    assert not outbox(to=users["admin"].email)
    db.session.refresh(soon)
    assert soon.unfilled_alert_at == NOW


# --- waves ---------------------------------------------------------------------------------------


def test_waves_ask_the_next_best_until_the_last_then_alert(app, orgs, coordinators):
    people = [candidate(f"Candidate {n}") for n in range(5)]
    item = request_for(orgs, starts_at=NOW + timedelta(days=6))
    first = book(people[0], item, state=A.PROPOSED)  # the coordinator's own offer, wave 1
    item.auto_waves, item.waves_sent = True, 1
    item.next_wave_at = NOW - timedelta(minutes=5)
    db.session.flush()

    def offered() -> dict[int, int]:
        db.session.expire_all()
        return dict(
            db.session.execute(
                select(Assignment.profile_id, Assignment.wave).where(
                    Assignment.request_id == item.id, Assignment.state == A.PROPOSED
                )
            ).all()
        )

    with app.test_request_context():
        report = run()
        assert (report.waves, report.offers) == (1, 3)
        second_wave = offered()
        assert len(second_wave) == 4 and second_wave[first.profile_id] == 1
        assert sorted(second_wave.values()) == [1, 2, 2, 2]
        assert item.waves_sent == 2
        assert item.next_wave_at == NOW - timedelta(minutes=5) + timedelta(hours=24)
        assert len(outbox(template="offer")) == 3  # each of them an e-mail with the links

        assert run().waves == 0  # not due again yet
        assert run(NOW + timedelta(hours=25)).offers == 1  # the one left
        assert sorted(offered().values()) == [1, 2, 2, 2, 3]
        assert set(offered()) == {p.id for p in people}

        ended = run(NOW + timedelta(hours=50))  # all three waves out, nobody accepted
        assert (ended.waves, ended.unfilled) == (0, 1)
        assert item.next_wave_at is None and item.waves_sent == 3
        again = run(NOW + timedelta(hours=75))
        assert (again.waves, again.offers, again.unfilled, again.alerts) == (0, 0, 0, 0)
    english, _german = coordinators
    (alert,) = outbox(to=english.email, template="unfilled_requests")
    assert "All 3 waves of offers went out" in alert.body_text
    assert f"/coordinator/requests/{item.id}/match" in alert.body_text


def test_waves_stop_when_nobody_is_left_to_ask(app, orgs, coordinators):
    only = candidate("The Only One")
    item = request_for(orgs, starts_at=NOW + timedelta(days=6))
    book(only, item, state=A.DECLINED)
    item.auto_waves, item.waves_sent = True, 1
    item.next_wave_at = NOW - timedelta(minutes=1)
    db.session.flush()
    with app.test_request_context():
        report = run()
        assert (report.waves, report.offers, report.unfilled) == (0, 0, 1)
        assert run().unfilled == 0
    assert item.next_wave_at is None
    english, _ = coordinators
    (alert,) = outbox(to=english.email, template="unfilled_requests")
    assert "There is nobody left who fits and has not been asked." in alert.body_text


def test_no_wave_for_a_request_without_automatic_waves_or_already_assigned(app, orgs):
    candidate("Would Fit")
    manual = request_for(orgs, starts_at=NOW + timedelta(days=6))
    manual.next_wave_at = NOW - timedelta(hours=1)  # auto_waves off
    assigned = request_for(orgs, starts_at=NOW + timedelta(days=6), state=RequestState.ASSIGNED)
    assigned.auto_waves, assigned.next_wave_at = True, NOW - timedelta(hours=1)
    db.session.flush()
    with app.test_request_context():
        assert run().waves == 0
    assert not outbox(template="offer")


# --- the command ----------------------------------------------------------------------------


def test_the_command_reports_and_sends_nothing_twice(app, orgs):
    person = candidate("Cli Person")
    booked_request(orgs["org_member"], person, starts_at=utcnow() + timedelta(hours=3))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders", "send"])
    assert first.exit_code == 0, first.output
    assert "1 appointment reminder(s)" in first.output
    assert "volunteer reminder(s)" in first.output  # the qualification reminders still run
    second = runner.invoke(args=["reminders", "send"])
    assert "0 appointment reminder(s)" in second.output
    assert len(outbox(to=person.user.email, template="assignment_reminder")) == 1
