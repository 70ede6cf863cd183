"""After a booking: the volunteer's assignments and one assignment with the address, the
outcome (hours, kilometres, note, or a no-show), what the organisation sees of the booked
volunteers, its confirmation with feedback, and the phone-sharing choice on the profile."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.helpers import page, text
from tests.integration.followup_support import book, booked_request, new_volunteer, profile_for
from tests.integration.request_support import in_days, make_request
from tests.integration.volunteer_support import counted_statements
from wirnet.audit import AuditEntry
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.requests import services
from wirnet.requests.models import AssignmentState, RequestKind, RequestState

A = AssignmentState
ADDRESS = "Hauptstraße 12, 34225 Baunatal"
NOT_A_NUMBER = "Please enter a number, for example 1.5."
HOURS_RANGE = "Please enter more than 0 and at most 24 hours."


def fresh(row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)


@pytest.fixture
def me(users):
    """The ``users`` fixture's volunteer, with a complete profile."""
    return profile_for(users["volunteer"])


def past(hours_ago: int = 3):
    return (utcnow() - timedelta(hours=hours_ago)).replace(second=0, microsecond=0)


# --- the list ---------------------------------------------------------------------------------


def test_the_list_sorts_offers_bookings_and_past_appointments(client_as, orgs, me):
    org = orgs["org_member"]
    offered = make_request(org, state=RequestState.OPEN, starts_at=in_days(5), language_code="ti")
    offer = book(me, offered, state=A.PROPOSED)
    offering = make_request(org, state=RequestState.OPEN, starts_at=in_days(6), language_code="fa")
    book(me, offering, state=A.VOLUNTEERED)
    _coming, _ = booked_request(org, me, starts_at=in_days(3), language_code="uk")
    _over, over_row = booked_request(org, me, starts_at=past(5), language_code="ps")
    _done, done_row = booked_request(
        org, me, starts_at=in_days(-10), language_code="ru", assignment_state=A.COMPLETED
    )
    done_row.hours = 2.5
    declined = make_request(org, state=RequestState.OPEN, starts_at=in_days(8), language_code="tr")
    book(me, declined, state=A.DECLINED)
    other = new_volunteer("Someone Else")
    theirs = make_request(org, state=RequestState.OPEN, starts_at=in_days(4), language_code="ku")
    book(other, theirs, state=A.PROPOSED)
    db.session.flush()

    response = client_as("volunteer").get("/volunteer/assignments")
    assert response.status_code == 200
    body = text(response)
    sections = {
        "offers": body.index("Offers waiting for your answer"),
        "volunteered": body.index("You offered to help"),
        "upcoming": body.index("Coming up"),
        "past": body.index("Behind you"),
        "calendar": body.index("Your appointments in your calendar"),
    }
    assert list(sections) == sorted(sections, key=sections.get)
    offers = body[sections["offers"] : sections["volunteered"]]
    assert "Tigrinya" in offers
    accept = f'action="/volunteer/assignments/{offer.id}/accept"'
    assert accept in offers and "/decline" in offers
    assert "Persian" in body[sections["volunteered"] : sections["upcoming"]]
    assert "Waiting for a coordinator" in body
    upcoming = body[sections["upcoming"] : sections["past"]]
    assert "Ukrainian" in upcoming and "Record hours" not in upcoming
    behind = body[sections["past"] : sections["calendar"]]
    assert "Pashto" in behind and "Russian" in behind
    # The appointment that is over but not recorded offers the form; the recorded one not.
    assert f"/assignments/{over_row.id}/outcome" in behind
    assert f"/assignments/{done_row.id}/outcome" not in behind
    assert "Carried out" in behind and "2.5" in behind
    assert "Turkish" not in body  # declined offers are not listed
    assert "Kurdish" not in body  # another volunteer's offer


def test_past_appointments_come_in_pages_and_the_list_needs_few_queries(client_as, orgs, me):
    org = orgs["org_member"]
    client = client_as("volunteer")
    booked_request(org, me, starts_at=in_days(-1))
    with counted_statements() as few:
        assert client.get("/volunteer/assignments").status_code == 200
    for day in range(2, 24):
        booked_request(org, me, starts_at=in_days(-day), assignment_state=A.COMPLETED)
    booked_request(org, me, starts_at=in_days(2))
    with counted_statements() as many:
        response = client.get("/volunteer/assignments")
    assert len(many) == len(few)
    assert "23 appointments" in text(response)
    assert 'href="/volunteer/assignments?page=2#past-heading"' in page(response)
    second = client.get("/volunteer/assignments?page=2")
    assert second.status_code == 200
    behind = page(second).split('id="past-heading"')[1]
    assert behind.count('class="panel card assignment"') == 3


def test_a_volunteer_without_a_profile_sees_an_empty_list(client_as, users):
    response = client_as("other_volunteer").get("/volunteer/assignments")
    assert response.status_code == 200
    assert "You are not booked for an appointment at the moment." in text(response)


# --- one assignment ------------------------------------------------------------------------------


def test_the_booked_volunteer_sees_the_address_and_whom_to_contact(client_as, orgs, me):
    org = orgs["org_member"]
    org.contact_phone, org.contact_email = "+49 561 777 888", "kontakt@gemeinde.example"
    _item, row = booked_request(org, me, starts_at=in_days(3), address=ADDRESS)
    response = client_as("volunteer").get(f"/volunteer/assignments/{row.id}")
    assert response.status_code == 200
    body = text(response)
    assert ADDRESS in body
    assert "Eritreische Gemeinde Kassel" in body and "Semhar Org" in body
    assert "+49 561 777 888" in body and "kontakt@gemeinde.example" in body
    assert f'href="/volunteer/assignments/{row.id}.ics"' in body
    assert "A. B." in body  # the client reference, nothing more of the client


@pytest.mark.parametrize("state", [A.PROPOSED, A.VOLUNTEERED, A.DECLINED, A.WITHDRAWN])
def test_no_address_before_the_booking(client_as, orgs, me, state):
    item = make_request(orgs["org_member"], state=RequestState.OPEN, address=ADDRESS)
    row = book(me, item, state=state)
    response = client_as("volunteer").get(f"/volunteer/assignments/{row.id}")
    assert response.status_code == 200
    assert ADDRESS not in text(response)
    assert "Semhar Org" not in text(response)
    assert ".ics" not in page(response)
    assert services.can_see_address(me.user, item) is False


def test_a_cancelled_appointment_shows_no_address_any_more(client_as, orgs, me):
    item, row = booked_request(orgs["org_member"], me, starts_at=in_days(3), address=ADDRESS)
    item.state = RequestState.CANCELLED
    db.session.flush()
    response = client_as("volunteer").get(f"/volunteer/assignments/{row.id}")
    assert "The appointment was cancelled." in text(response)
    assert ADDRESS not in text(response)
    assert client_as("volunteer").get(f"/volunteer/assignments/{row.id}.ics").status_code == 404


def test_can_see_address_adds_the_booked_volunteer_only(orgs, users, me):
    item, row = booked_request(orgs["org_member"], me, starts_at=in_days(3))
    assert services.can_see_address(users["volunteer"], item)
    assert services.can_see_address(users["org_member"], item)
    assert services.can_see_address(users["coordinator"], item)
    assert not services.can_see_address(users["other_volunteer"], item)
    assert not services.can_see_address(users["other_org"], item)
    row.state = A.COMPLETED
    assert services.can_see_address(users["volunteer"], item)
    row.state = A.NO_SHOW
    assert not services.can_see_address(users["volunteer"], item)


def test_another_volunteers_assignment_is_not_found(client_as, orgs, me):
    other = new_volunteer("Someone Else")
    _item, row = booked_request(orgs["org_member"], other, starts_at=in_days(3))
    volunteer = client_as("volunteer")
    for path in (
        f"/volunteer/assignments/{row.id}",
        f"/volunteer/assignments/{row.id}.ics",
        f"/assignments/{row.id}/outcome",
    ):
        assert volunteer.get(path).status_code == 404, path
    assert (
        volunteer.post(
            f"/assignments/{row.id}/outcome", data={"took_place": "yes", "hours": "2"}
        ).status_code
        == 404
    )
    assert fresh(row).state is A.ACCEPTED
    assert client_as("org_member").get(f"/volunteer/assignments/{row.id}").status_code == 403
    assert client_as("volunteer").get("/volunteer/assignments/99999999999").status_code == 404


def test_viewing_a_booked_health_appointment_is_audited(client_as, orgs, me):
    item, row = booked_request(
        orgs["org_member"], me, starts_at=in_days(3), kind=RequestKind.HEALTH_GUIDANCE
    )
    client_as("volunteer").get(f"/volunteer/assignments/{row.id}")
    viewed = db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "request.viewed", AuditEntry.object_id == item.id)
    )
    assert viewed == 1


# --- the outcome -------------------------------------------------------------------------------


def test_the_volunteer_records_hours_km_and_a_note(client_as, orgs, me):
    item, row = booked_request(orgs["org_member"], me, starts_at=past(3), hours=2)
    client = client_as("volunteer")
    form = client.get(f"/assignments/{row.id}/outcome")
    assert form.status_code == 200
    assert 'value="2"' in page(form)  # the appointment's length, to start from
    response = client.post(
        f"/assignments/{row.id}/outcome",
        data={"took_place": "yes", "hours": "1,5", "km": "12.4", "note": "Went well."},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/volunteer/assignments/{row.id}")
    row = fresh(row)
    assert (row.state, row.hours, row.km, row.note) == (A.COMPLETED, 1.5, 12.4, "Went well.")
    assert row.outcome_by_id == me.user_id
    # The only booked volunteer reported: the request is carried out.
    assert fresh(item).state is RequestState.CONFIRMED
    shown = text(client.get(f"/volunteer/assignments/{row.id}"))
    assert "1.5" in shown and "12.4" in shown and "Went well." in shown


def test_a_no_show_is_recorded_without_hours(client_as, orgs, me):
    _item, row = booked_request(orgs["org_member"], me, starts_at=past(3))
    response = client_as("volunteer").post(
        f"/assignments/{row.id}/outcome",
        data={"took_place": "no_show", "hours": "", "note": "Nobody opened the door."},
    )
    assert response.status_code == 302
    row = fresh(row)
    assert (row.state, row.hours, row.note) == (A.NO_SHOW, None, "Nobody opened the door.")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Please say whether the appointment took place."),
        ({"took_place": "yes"}, "Please enter the hours, for example 1.5."),
        ({"took_place": "yes", "hours": "zwei"}, NOT_A_NUMBER),
        ({"took_place": "yes", "hours": "1.5.5"}, NOT_A_NUMBER),
        ({"took_place": "yes", "hours": "0"}, HOURS_RANGE),
        ({"took_place": "yes", "hours": "30"}, HOURS_RANGE),
        (
            {"took_place": "yes", "hours": "2", "km": "-3"},
            NOT_A_NUMBER,
        ),
        (
            {"took_place": "yes", "hours": "2", "km": "5000"},
            "Please enter a number from 0 to 1000.",
        ),
        ({"took_place": "maybe", "hours": "2"}, "Not a valid choice"),
        ({"took_place": "yes", "hours": "2", "note": "x" * 1001}, "Use at most 1000 characters."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_kept(client_as, orgs, me, data, message):
    item, row = booked_request(orgs["org_member"], me, starts_at=past(3))
    response = client_as("volunteer").post(f"/assignments/{row.id}/outcome", data=data)
    assert response.status_code == 422
    assert message in text(response)
    for value in data.values():
        if value and len(value) < 100 and value not in ("yes", "maybe"):
            assert f'value="{value}"' in page(response) or value in page(response)
    row = fresh(row)
    assert (row.state, row.hours, row.km) == (A.ACCEPTED, None, None)
    assert fresh(item).state is RequestState.ASSIGNED


def test_the_outcome_waits_for_the_appointment(client_as, orgs, me):
    _item, row = booked_request(orgs["org_member"], me, starts_at=in_days(2))
    client = client_as("volunteer")
    response = client.get(f"/assignments/{row.id}/outcome")
    assert response.status_code == 409
    assert "The appointment has not begun yet." in text(response)
    posted = client.post(f"/assignments/{row.id}/outcome", data={"took_place": "yes", "hours": "2"})
    assert posted.status_code == 409
    assert fresh(row).state is A.ACCEPTED


def test_an_offer_has_no_outcome(client_as, orgs, me):
    item = make_request(orgs["org_member"], state=RequestState.OPEN, starts_at=past(2))
    row = book(me, item, state=A.PROPOSED)
    response = client_as("volunteer").get(f"/assignments/{row.id}/outcome")
    assert response.status_code == 409
    assert "it is not booked" in text(response)


def test_a_coordinator_records_and_corrects_for_a_volunteer(client_as, users, orgs, me):
    item, row = booked_request(orgs["org_member"], me, starts_at=past(3))
    coordinator = client_as("coordinator")
    response = coordinator.post(
        f"/assignments/{row.id}/outcome", data={"took_place": "yes", "hours": "3"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/requests/{item.id}")
    again = coordinator.post(
        f"/assignments/{row.id}/outcome", data={"took_place": "yes", "hours": "2.25", "km": "8"}
    )
    assert again.status_code == 302
    row = fresh(row)
    assert (row.hours, row.km, row.outcome_by_id) == (2.25, 8.0, users["coordinator"].id)


def test_organisation_members_cannot_record_an_outcome(client_as, orgs, me):
    _item, row = booked_request(orgs["org_member"], me, starts_at=past(3))
    for role in ("org_member", "other_org"):
        client = client_as(role)
        assert client.get(f"/assignments/{row.id}/outcome").status_code == 403
        assert (
            client.post(
                f"/assignments/{row.id}/outcome", data={"took_place": "yes", "hours": "2"}
            ).status_code
            == 403
        )
    assert fresh(row).state is A.ACCEPTED


def test_a_completed_request_can_no_longer_be_changed(client_as, orgs, me):
    _item, row = booked_request(
        orgs["org_member"],
        me,
        starts_at=past(30),
        state=RequestState.COMPLETED,
        assignment_state=A.COMPLETED,
    )
    response = client_as("volunteer").get(f"/assignments/{row.id}/outcome")
    assert response.status_code == 409
    assert "This request is closed" in text(response)


# --- the organisation's side ----------------------------------------------------------------


def test_the_organisation_sees_the_name_and_a_shared_phone_never_the_email(client_as, orgs):
    sharing = new_volunteer("Amanuel Sharing", phone="+49 151 1111111")
    sharing.share_phone = True
    private = new_volunteer("Hiwet Private", phone="+49 151 2222222")
    item, _ = booked_request(orgs["org_member"], sharing, starts_at=in_days(3))
    book(private, item)
    offered = new_volunteer("Only Offered")
    book(offered, item, state=A.PROPOSED)
    db.session.flush()

    body = text(client_as("org_member").get(f"/requests/{item.id}"))
    assert "Amanuel Sharing" in body and "Hiwet Private" in body
    assert "+49 151 1111111" in body
    assert "+49 151 2222222" not in body
    assert sharing.user.email not in body and private.user.email not in body
    assert "@example.org" not in body
    assert "Only Offered" not in body  # an open offer is not the organisation's business
    assert "Find volunteers" not in body
    assert client_as("other_org").get(f"/requests/{item.id}").status_code == 404


def test_coordinators_see_every_assignment_with_hours_and_notes(client_as, orgs):
    done = new_volunteer("Done Volunteer", phone="+49 151 3333333")
    item, row = booked_request(
        orgs["org_member"], done, starts_at=past(5), assignment_state=A.COMPLETED
    )
    row.hours, row.km, row.note = 1.75, 14.0, "Long waiting time."
    offered = new_volunteer("Offered Volunteer")
    book(offered, item, state=A.PROPOSED)
    db.session.flush()
    body = text(client_as("coordinator").get(f"/requests/{item.id}"))
    assert "Done Volunteer" in body and "+49 151 3333333" in body
    assert "1.75" in body and "14" in body and "Long waiting time." in body
    assert "Offered Volunteer" in body and "Offered, no answer yet" in body
    assert f"/assignments/{row.id}/outcome" in body
    assert "Long waiting time." not in text(client_as("org_member").get(f"/requests/{item.id}"))


def test_coordinators_get_a_link_to_find_volunteers(client_as, orgs):
    item = make_request(orgs["org_member"], state=RequestState.OPEN)
    body = page(client_as("coordinator").get(f"/requests/{item.id}"))
    assert f'href="/coordinator/requests/{item.id}/match"' in body
    assert "/match" not in page(client_as("org_member").get(f"/requests/{item.id}"))


def test_the_organisation_confirms_with_feedback_and_the_request_completes(client_as, orgs):
    done = new_volunteer("Done Volunteer")
    item, _row = booked_request(
        orgs["org_member"],
        done,
        starts_at=past(5),
        state=RequestState.CONFIRMED,
        assignment_state=A.COMPLETED,
    )
    client = client_as("org_member")
    shown = text(client.get(f"/requests/{item.id}"))
    assert "Confirm that it took place" in shown
    assert "Mark as completed" not in shown
    response = client.post(
        f"/requests/{item.id}/confirm", data={"feedback": "Very helpful, thank you!"}
    )
    assert response.status_code == 302
    item = fresh(item)
    assert item.state is RequestState.COMPLETED
    assert item.feedback == "Very helpful, thank you!"
    assert item.feedback_by_id is not None and item.feedback_at is not None
    after = text(client.get(f"/requests/{item.id}"))
    assert "Very helpful, thank you!" in after and "Semhar Org" in after
    assert "Confirm that it took place" not in after


def test_confirming_is_refused_clearly_when_not_carried_out_or_not_ones_own(client_as, orgs):
    open_one = make_request(orgs["org_member"], state=RequestState.ASSIGNED)
    refused = client_as("org_member").post(f"/requests/{open_one.id}/confirm", data={})
    assert refused.status_code == 409
    assert "carried out" in text(refused)
    assert fresh(open_one).state is RequestState.ASSIGNED
    carried = make_request(orgs["org_member"], state=RequestState.CONFIRMED)
    assert client_as("other_org").post(f"/requests/{carried.id}/confirm").status_code == 404
    assert client_as("volunteer").post(f"/requests/{carried.id}/confirm").status_code == 403
    too_long = client_as("org_member").post(
        f"/requests/{carried.id}/confirm", data={"feedback": "x" * 2001}
    )
    assert too_long.status_code == 422
    assert "Use at most 2000 characters." in text(too_long)
    assert fresh(carried).state is RequestState.CONFIRMED and fresh(carried).feedback is None
    walk_in = make_request(None, state=RequestState.CONFIRMED)
    assert client_as("coordinator").post(f"/requests/{walk_in.id}/confirm").status_code == 302
    assert fresh(walk_in).state is RequestState.COMPLETED


# --- the profile's phone choice -----------------------------------------------------------------


def test_the_volunteer_chooses_to_share_the_phone(client_as, users, me):
    client = client_as("volunteer")
    form = page(client.get("/volunteer/profile"))
    assert 'for="share_phone"' in form
    data = {
        "display_name": "Rana Volunteer",
        "phone": "+49 561 999 123",
        "municipality": str(me.municipality_id),
        "mobility": "car",
        "share_phone": "y",
    }
    assert client.post("/volunteer/profile", data=data).status_code == 302
    assert fresh(me).share_phone is True
    data.pop("share_phone")
    assert client.post("/volunteer/profile", data=data).status_code == 302
    assert fresh(me).share_phone is False
