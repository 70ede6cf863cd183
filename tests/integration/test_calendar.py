"""Assignments in the volunteer's calendar: the ``.ics`` of one booked appointment, and the
private feed (``/calendar/<token>.ics``) that calendar apps subscribe to; revoking its
address kills it at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from icalendar import Calendar

from tests.conftest import make_app
from tests.helpers import page, text
from tests.integration.followup_support import book, booked_request, new_volunteer, profile_for
from tests.integration.request_support import in_days, make_request
from tests.integration.volunteer_support import counted_statements
from wirnet.extensions import db
from wirnet.requests.models import AssignmentState, RequestMode, RequestState
from wirnet.volunteers.models import VolunteerProfile

A = AssignmentState
ADDRESS = "Wilhelmsstraße 3, 34117 Kassel"


@pytest.fixture
def me(users):
    return profile_for(users["volunteer"])


def parse(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.get_data())


def events(calendar: Calendar) -> list:
    return [part for part in calendar.walk() if part.name == "VEVENT"]


def feed_path(profile: VolunteerProfile) -> str:
    return f"/calendar/{profile.calendar_token}.ics"


# --- one appointment ---------------------------------------------------------------------------


def test_the_ics_holds_one_event_with_times_place_and_contact(client_as, orgs, me):
    org = orgs["org_member"]
    org.contact_phone = "+49 561 777 888"
    starts = datetime(2030, 3, 12, 9, 30, tzinfo=UTC)
    _item, row = booked_request(
        org, me, starts_at=starts, hours=2, address=ADDRESS, notes="<p>Secret health note</p>"
    )
    response = client_as("volunteer").get(f"/volunteer/assignments/{row.id}.ics")
    assert "attachment" in response.headers["Content-Disposition"]
    (event,) = events(parse(response))
    assert event.decoded("dtstart") == starts
    assert event.decoded("dtend") == starts + timedelta(hours=2)
    assert event["dtstart"].to_ical() == b"20300312T093000Z"  # UTC, whatever the zone
    assert str(event["uid"]) == f"assignment-{row.id}@localhost"
    assert str(event["summary"]) == "Language mediation: Arabic (Syria)"
    assert str(event["location"]) == f"{ADDRESS}, Baunatal"
    description = str(event["description"])
    assert "Eritreische Gemeinde Kassel" in description and "Semhar Org" in description
    assert "+49 561 777 888" in description
    assert "Client reference: A. B." in description
    assert f"http://localhost/volunteer/assignments/{row.id}" in description
    assert "Secret health note" not in response.get_data(as_text=True)

    again = client_as("volunteer").get(f"/volunteer/assignments/{row.id}.ics")
    assert str(events(parse(again))[0]["uid"]) == str(event["uid"])  # stable


def test_the_event_speaks_the_volunteers_language(client_as, users, orgs, me):
    users["volunteer"].locale = "de"
    db.session.flush()
    _item, row = booked_request(orgs["org_member"], me, starts_at=in_days(4))
    (event,) = events(parse(client_as("volunteer").get(f"/volunteer/assignments/{row.id}.ics")))
    assert str(event["summary"]) == "Sprachmittlung: Arabisch (Syrien)"


def test_a_phone_appointment_says_so_instead_of_an_address(client_as, orgs, me):
    _item, row = booked_request(
        orgs["org_member"], me, starts_at=in_days(4), mode=RequestMode.PHONE, address=None
    )
    (event,) = events(parse(client_as("volunteer").get(f"/volunteer/assignments/{row.id}.ics")))
    assert str(event["location"]) == "By phone, Baunatal"


def test_only_ones_own_booked_appointment_with_a_time_downloads(client_as, orgs, me):
    volunteer = client_as("volunteer")
    other = new_volunteer("Someone Else")
    _, theirs = booked_request(orgs["org_member"], other, starts_at=in_days(4))
    assert volunteer.get(f"/volunteer/assignments/{theirs.id}.ics").status_code == 404
    offered = book(me, make_request(orgs["org_member"], state=RequestState.OPEN), state=A.PROPOSED)
    assert volunteer.get(f"/volunteer/assignments/{offered.id}.ics").status_code == 404
    flexible = make_request(
        orgs["org_member"],
        state=RequestState.ASSIGNED,
        window_from=in_days(3).date(),
        deadline=in_days(9).date(),
    )
    booked_flexible = book(me, flexible)
    assert volunteer.get(f"/volunteer/assignments/{booked_flexible.id}.ics").status_code == 404
    _, mine = booked_request(orgs["org_member"], me, starts_at=in_days(4))
    assert client_as("org_member").get(f"/volunteer/assignments/{mine.id}.ics").status_code == 403
    assert client_as("anonymous").get(f"/volunteer/assignments/{mine.id}.ics").status_code == 302


# --- the private feed ----------------------------------------------------------------------------


def test_making_the_feed_shows_its_full_address(client_as, me):
    client = client_as("volunteer")
    assert "Make a calendar address" in text(client.get("/volunteer/assignments"))
    response = client.post("/volunteer/calendar", data={"action": "create"})
    assert response.status_code == 302
    db.session.refresh(me)
    assert len(me.calendar_token) == 43
    body = page(client.get("/volunteer/assignments"))
    assert f"http://localhost/calendar/{me.calendar_token}.ics" in body
    assert "Switch the address off" in body


def test_the_feed_holds_the_booked_appointments_of_the_last_90_days_and_ahead(client_as, orgs, me):
    org = orgs["org_member"]
    me.calendar_token = "F" * 43
    _, future = booked_request(org, me, starts_at=in_days(10), address=ADDRESS)
    _, recent = booked_request(org, me, starts_at=in_days(-30), assignment_state=A.COMPLETED)
    _, old = booked_request(org, me, starts_at=in_days(-120), assignment_state=A.COMPLETED)
    offered = book(me, make_request(org, state=RequestState.OPEN), state=A.PROPOSED)
    cancelled, gone = booked_request(org, me, starts_at=in_days(12))
    cancelled.state = RequestState.CANCELLED
    other = new_volunteer("Someone Else")
    _, theirs = booked_request(org, other, starts_at=in_days(11))
    db.session.flush()

    response = client_as("anonymous").get(feed_path(me))  # calendar apps do not log in
    calendar = parse(response)
    uids = {str(event["uid"]) for event in events(calendar)}
    assert uids == {f"assignment-{future.id}@localhost", f"assignment-{recent.id}@localhost"}
    assert "WIRnet" in str(calendar["x-wr-calname"])
    assert ADDRESS in response.get_data(as_text=True).replace("\r\n ", "").replace("\\,", ",")
    assert response.headers["Cache-Control"] == "private, no-store"
    for row in (old, offered, gone, theirs):
        assert f"assignment-{row.id}@" not in response.get_data(as_text=True)


def test_the_feed_needs_the_same_queries_for_one_or_many_appointments(client, orgs, me):
    me.calendar_token = "Q" * 43
    booked_request(orgs["org_member"], me, starts_at=in_days(3))
    with counted_statements() as one:
        assert client.get(feed_path(me)).status_code == 200
    for day in range(4, 12):
        booked_request(orgs["org_member"], me, starts_at=in_days(day))
    with counted_statements() as many:
        response = client.get(feed_path(me))
    assert len(events(parse(response))) == 9
    assert len(many) == len(one) <= 3


def test_revoking_kills_the_address_at_once_and_a_new_one_replaces_it(client_as, orgs, me):
    booked_request(orgs["org_member"], me, starts_at=in_days(3))
    client = client_as("volunteer")
    client.post("/volunteer/calendar", data={"action": "create"})
    db.session.refresh(me)
    first = feed_path(me)
    assert client_as("anonymous").get(first).status_code == 200
    client.post("/volunteer/calendar", data={"action": "create"})
    db.session.refresh(me)
    second = feed_path(me)
    assert second != first
    assert client_as("anonymous").get(first).status_code == 404
    assert client_as("anonymous").get(second).status_code == 200
    response = client.post("/volunteer/calendar", data={"action": "revoke"})
    assert response.status_code == 302
    db.session.refresh(me)
    assert me.calendar_token is None
    assert client_as("anonymous").get(second).status_code == 404
    assert "Make a calendar address" in text(client.get("/volunteer/assignments"))


def test_unknown_tampered_and_deactivated_feeds_are_not_found(client, users, me):
    me.calendar_token = "Z" * 43
    db.session.flush()
    for path in ("/calendar/" + "Y" * 43 + ".ics", "/calendar/short.ics", "/calendar/.ics"):
        assert client.get(path).status_code == 404, path
    assert client.get(feed_path(me)).status_code == 200
    users["volunteer"].active = False
    db.session.flush()
    assert client.get(feed_path(me)).status_code == 404


def test_a_bad_calendar_action_is_refused_and_changes_nothing(client_as, me):
    response = client_as("volunteer").post("/volunteer/calendar", data={"action": "steal"})
    assert response.status_code == 422
    assert "Please choose what to do with the calendar feed." in text(response)
    db.session.refresh(me)
    assert me.calendar_token is None


def test_the_feed_is_rate_limited_per_feed_and_per_address(database_url):
    app = make_app(
        database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_KEY_PREFIX=f"t-{uuid4().hex}",
        LIMIT_PER_FEED="3 per minute",
        LIMIT_FEED_PER_ADDRESS="5 per minute",
    )
    client = app.test_client()

    def fetch(path: str, address: str) -> int:
        return client.get(path, environ_base={"REMOTE_ADDR": address}).status_code

    try:
        one_feed = "/calendar/" + "R" * 43 + ".ics"
        # One feed, from four addresses (a calendar service): the fourth fetch waits.
        assert [fetch(one_feed, f"192.0.2.{n}") for n in range(1, 5)] == [404, 404, 404, 429]
        # One address trying many feeds: the sixth waits.
        many = ["/calendar/" + letter * 43 + ".ics" for letter in "STUVWX"]
        assert [fetch(path, "198.51.100.7") for path in many] == [404] * 5 + [429]
    finally:
        with app.app_context():
            db.engine.dispose()
