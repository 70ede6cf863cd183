"""The coordinator board (filters, order, highlighting, pages, queries) and the organisation
member's overview of their requests."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.helpers import page, text
from tests.integration.request_support import in_days, make_request, place
from tests.integration.volunteer_support import counted_statements
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.requests.models import RequestKind, RequestState, Urgency


def ids_on(response) -> list[int]:
    """The requests listed, in order."""
    return [
        int(n) for n in re.findall(r'<th scope="row"><a href="/requests/(\d+)"', page(response))
    ]


@pytest.fixture
def spread(orgs):
    """Requests of both organisations and a walk-in, in several places, states and kinds."""
    kassel, vellmar = place("Kassel"), place("Vellmar")
    return {
        "later": make_request(orgs["org_member"], starts_at=in_days(30), municipality_id=kassel.id),
        "soon": make_request(orgs["org_member"], starts_at=utcnow() + timedelta(hours=20)),
        "flexible": make_request(
            orgs["other_org"],
            window_from=in_days(1).date(),
            deadline=in_days(10).date(),
            language_code="fa-AF",
            municipality_id=vellmar.id,
        ),
        "walk_in": make_request(
            None,
            starts_at=in_days(5),
            kind=RequestKind.HEALTH_GUIDANCE,
            urgency=Urgency.URGENT,
            language_code="ti",
        ),
        "cancelled": make_request(
            orgs["other_org"], starts_at=in_days(3), state=RequestState.CANCELLED
        ),
        "short": make_request(orgs["org_member"], starts_at=in_days(2), short_notice=True),
    }


def test_the_board_is_sorted_by_how_soon_requests_start(coordinator_client, spread):
    """Soonest first; closed requests (here the cancelled one) after all that are still to
    do, so that months of finished requests never push the upcoming ones off page 1."""
    listed = ids_on(coordinator_client.get("/coordinator/requests"))
    expected = ["soon", "short", "walk_in", "flexible", "later", "cancelled"]
    assert listed == [spread[name].id for name in expected]


def test_open_requests_starting_within_48_hours_are_highlighted(coordinator_client, spread):
    html = page(coordinator_client.get("/coordinator/requests"))
    highlighted = {
        int(n)
        for n in re.findall(
            r'<tr class="highlight">\s*<th scope="row"><a href="/requests/(\d+)"', html
        )
    }
    assert highlighted == {spread["soon"].id, spread["short"].id}
    assert "Starts within 48 hours" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "cancelled"}, ["cancelled"]),
        ({"kind": "health_guidance"}, ["walk_in"]),
        ({"language": "fa"}, ["flexible"]),  # a language with its varieties (fa-AF, Dari)
        ({"language": "ti"}, ["walk_in"]),
        ({"urgent": "y"}, ["short", "walk_in"]),
    ],
)
def test_the_board_filters(coordinator_client, spread, query, expected):
    listed = ids_on(coordinator_client.get("/coordinator/requests", query_string=query))
    assert listed == [spread[name].id for name in expected]


def test_the_board_filters_by_place_organisation_and_dates(coordinator_client, spread, orgs):
    def listed(**query):
        return set(ids_on(coordinator_client.get("/coordinator/requests", query_string=query)))

    by_id = {v.id: k for k, v in spread.items()}
    kassel = spread["later"].municipality_id
    assert {by_id[i] for i in listed(municipality=kassel)} == {"later"}
    assert {by_id[i] for i in listed(organisation=orgs["other_org"].id)} == {
        "flexible",
        "cancelled",
    }
    assert {by_id[i] for i in listed(organisation=0)} == {"walk_in"}
    start = in_days(4).date()
    end = in_days(6).date()
    assert {by_id[i] for i in listed(date_from=start.isoformat(), date_to=end.isoformat())} == {
        "walk_in",
        "flexible",  # its window runs until day 10
    }


def test_bad_filters_give_a_message_not_an_error(coordinator_client, spread):
    response = coordinator_client.get(
        "/coordinator/requests",
        query_string={"state": "nonsense", "date_from": "soon", "organisation": "999999"},
    )
    assert response.status_code == 422
    html = text(response)
    assert "Please choose one of the listed states." in html
    assert "Please enter a valid date" in html
    assert len(ids_on(response)) == len(spread)  # the wrong filters are left out


def test_the_board_is_paginated_with_the_same_number_of_queries(coordinator_client, orgs):
    def fill(count: int, offset: int):
        for n in range(count):
            make_request(
                orgs["org_member" if n % 2 else "other_org"],
                starts_at=in_days(offset + n),
                municipality_id=place("Kassel" if n % 3 else "Baunatal").id,
            )

    def queries() -> int:
        with counted_statements() as seen:
            response = coordinator_client.get("/coordinator/requests")
        assert response.status_code == 200
        return len(seen)

    fill(5, 1)
    small = queries()
    fill(35, 10)
    large = queries()
    assert small == large
    response = coordinator_client.get("/coordinator/requests")
    assert len(ids_on(response)) == 25
    second = coordinator_client.get("/coordinator/requests", query_string={"page": 2})
    assert len(ids_on(second)) == 15
    assert not set(ids_on(response)) & set(ids_on(second))


def test_the_coordinator_home_links_the_board(coordinator_client):
    assert "/coordinator/requests" in page(coordinator_client.get("/home"))


# --- the organisation member's overview -------------------------------------------------------


def test_the_org_members_home_shows_requests_by_state_and_what_needs_action(client_as, orgs):
    draft = make_request(orgs["org_member"], state=RequestState.DRAFT)
    soon = make_request(orgs["org_member"], starts_at=in_days(2))
    make_request(orgs["org_member"], starts_at=in_days(40))
    theirs = make_request(orgs["other_org"], state=RequestState.DRAFT, starts_at=in_days(2))
    html = text(client_as("org_member").get("/home"))
    assert "Open: 2" in html and "Draft: 1" in html
    drafts = html[html.index("Drafts to publish") :]
    assert f"/requests/{draft.id}" in drafts
    soon_part = html[html.index("Starting soon, no volunteer yet") :]
    assert f"/requests/{soon.id}" in soon_part
    assert f"/requests/{theirs.id}" not in html


def test_pages_stay_light_on_a_phone(client_as, users, orgs):
    item = make_request(orgs["org_member"])
    css = client_as("anonymous").get("/static/css/wirnet.css")
    size = len(css.data)
    css.close()
    for locale in ("de", "ar"):
        users["org_member"].locale = locale
        users["coordinator"].locale = locale
        db.session.flush()
        for role, url in (
            ("org_member", "/requests/new"),
            ("org_member", f"/requests/{item.id}/edit"),
            ("org_member", f"/requests/{item.id}"),
            ("coordinator", "/coordinator/requests"),
        ):
            response = client_as(role).get(url)
            assert response.status_code == 200
            assert len(response.data) + size < 50_000, (locale, url, len(response.data), size)
