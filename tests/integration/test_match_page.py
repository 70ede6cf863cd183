"""The coordinator's match page (ranked candidates with their reasons, near misses with the
rule they failed, the forms that offer, book and withdraw) and the volunteer's page of
open requests that match them."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from html.parser import HTMLParser

import pytest

from tests.integration.matching_support import (
    L,
    book,
    local,
    make_towns,
    next_weekday,
    utc_now,
    volunteer,
)
from tests.integration.request_support import make_request
from tests.integration.volunteer_support import counted_statements
from wirnet.extensions import db
from wirnet.requests.models import Assignment, AssignmentState, RequestMode, RequestState
from wirnet.volunteers.models import VolunteerStatus


class Forms(HTMLParser):
    """The page's forms: action, the fields (name → values) and the buttons' formactions."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"action": attrs.get("action"), "fields": {}, "formactions": []}
            self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "textarea", "button"):
            if tag == "button" and attrs.get("formaction"):
                self.current["formactions"].append((attrs["formaction"], attrs.get("value")))
                return
            if attrs.get("name"):
                values = self.current["fields"].setdefault(attrs["name"], [])
                values.append(attrs.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def forms_of(response) -> list[dict]:
    parser = Forms()
    parser.feed(response.get_data(as_text=True))
    return parser.forms


def form_to(response, action: str) -> list[dict]:
    return [form for form in forms_of(response) if form["action"] == action]


@pytest.fixture
def now() -> datetime:
    return utc_now()


@pytest.fixture
def towns() -> dict:
    return make_towns()


@pytest.fixture
def scene(towns, orgs, now):
    """An open mediation request in Baunatal (Tuesday 10:00–12:00) and three volunteers:
    one who fits, one booked elsewhere at the time (a near miss) and one who speaks no
    Arabic at all (neither)."""
    day = next_weekday(now, 1)
    request = make_request(
        orgs["org_member"],
        starts_at=local(day, 10),
        municipality_id=towns["Baunatal"].id,
        address="Rathausplatz 1, 34225 Baunatal",
    )
    fits = volunteer("Amal Fits", towns["Baunatal"])
    busy = volunteer("Basel Busy", towns["Kaufungen"])
    book(busy, local(day, 11), local(day, 12, 30))
    other = volunteer("Olga Other", towns["Baunatal"], languages=(("uk", L.NATIVE, True),))
    return {"request": request, "fits": fits, "busy": busy, "other": other, "day": day}


def match_url(request) -> str:
    return f"/coordinator/requests/{request.id}/match"


def test_the_match_page_ranks_the_candidates_with_their_reasons(client_as, scene):
    response = client_as("coordinator").get(match_url(scene["request"]))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    candidates, near = page.split('id="near-heading"')
    assert "Amal Fits" in candidates
    assert "speaks Arabic (Syria) natively" in candidates
    assert "German at level C1" in candidates
    assert "0 km away" in candidates
    assert "free every Tuesday" in candidates
    # Linked to the coordinator's page about the volunteer (phone, qualifications …).
    assert f"/coordinator/volunteers/{scene['fits'].user_id}" in candidates
    # The near miss, with the one rule it fails: booked 11:00–12:30, plus the travel time.
    assert "Basel Busy" in near and "Basel Busy" not in candidates
    assert "busy 11:00" in near
    assert "Olga Other" not in page
    # The page never shows the appointment's address.
    assert "Rathausplatz" not in page


def test_the_match_page_offers_ticked_candidates_in_one_form_and_books_by_phone(client_as, scene):
    request = scene["request"]
    response = client_as("coordinator").get(match_url(request))
    (propose,) = form_to(response, f"/coordinator/requests/{request.id}/propose")
    assert propose["fields"]["profile_ids"] == [str(scene["fits"].id)]
    assert "auto_waves" in propose["fields"]
    assert "csrf_token" in propose["fields"]
    # "Booked by phone" for a candidate: a button of that form, posting elsewhere.
    assert propose["formactions"] == [
        (f"/coordinator/requests/{request.id}/assign", str(scene["fits"].id))
    ]
    # "Booked by phone anyway" for the near miss: a form of its own.
    (anyway,) = form_to(response, f"/coordinator/requests/{request.id}/assign")
    assert anyway["fields"]["profile_id"] == [str(scene["busy"].id)]
    assert "csrf_token" in anyway["fields"]


def test_the_match_page_lists_the_requests_assignments_with_their_actions(
    client_as, scene, db_session
):
    request = scene["request"]
    offered = Assignment(
        request_id=request.id,
        profile_id=scene["other"].id,
        state=AssignmentState.PROPOSED,
        starts_at=request.starts_at,
        ends_at=request.ends_at,
    )
    volunteered = Assignment(
        request_id=request.id,
        profile_id=scene["fits"].id,
        state=AssignmentState.VOLUNTEERED,
        starts_at=request.starts_at,
        ends_at=request.ends_at,
    )
    db.session.add_all([offered, volunteered])
    db.session.flush()
    response = client_as("coordinator").get(match_url(request))
    page = response.get_data(as_text=True)
    bookings = page.split('id="assignments-heading"')[1].split('id="candidates-heading"')[0]
    assert "Olga Other" in bookings and "Amal Fits" in bookings
    # Both can be withdrawn (with a reason); the volunteer's own offer can be confirmed.
    for assignment in (offered, volunteered):
        (withdraw,) = form_to(response, f"/coordinator/assignments/{assignment.id}/withdraw")
        assert set(withdraw["fields"]) == {"csrf_token", "reason"}
    assert form_to(response, f"/coordinator/assignments/{volunteered.id}/confirm")
    assert not form_to(response, f"/coordinator/assignments/{offered.id}/confirm")
    # Those asked already are no candidates again: nobody is left to offer it to.
    candidates = page.split('id="candidates-heading"')[1].split('id="near-heading"')[0]
    assert "Amal Fits" not in candidates
    assert "No volunteer passes every rule" in candidates
    assert not form_to(response, f"/coordinator/requests/{request.id}/propose")


@pytest.mark.parametrize(
    ("state", "explanation"),
    [
        (RequestState.DRAFT, "still a draft"),
        (RequestState.ASSIGNED, "Every place is taken"),
        (RequestState.CANCELLED, "This request is closed"),
    ],
)
def test_offers_go_out_only_for_an_open_request(client_as, scene, state, explanation):
    request = scene["request"]
    request.state = state
    db.session.flush()
    response = client_as("coordinator").get(match_url(request))
    assert response.status_code == 200
    assert explanation in response.get_data(as_text=True)
    assert not form_to(response, f"/coordinator/requests/{request.id}/propose")
    assert not form_to(response, f"/coordinator/requests/{request.id}/assign")


def test_a_request_that_has_begun_is_not_ranked(client_as, scene, now):
    request = scene["request"]
    request.starts_at = now - timedelta(minutes=5)
    request.ends_at = now + timedelta(hours=1)
    db.session.flush()
    page = client_as("coordinator").get(match_url(request)).get_data(as_text=True)
    assert "The appointment has begun" in page
    assert "Amal Fits" not in page


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("volunteer", 403),
        ("org_member", 403),
        ("coordinator", 200),
        ("admin", 200),
    ],
)
def test_only_coordinators_see_the_match_page(client_as, scene, role, status):
    assert client_as(role).get(match_url(scene["request"])).status_code == status


def test_an_unknown_request_has_no_match_page(client_as):
    client = client_as("coordinator")
    assert client.get("/coordinator/requests/2000000000/match").status_code == 404
    assert client.get("/coordinator/requests/99999999999/match").status_code == 404


def test_the_match_page_reads_the_same_queries_for_few_and_many_volunteers(client_as, scene, towns):
    client = client_as("coordinator")

    def count() -> int:
        with counted_statements() as statements:
            assert client.get(match_url(scene["request"])).status_code == 200
        return len(statements)

    few = count()
    for n in range(12):
        volunteer(f"Extra {n}", towns["Kaufungen"])
    assert count() == few


# --- the volunteer's open requests ------------------------------------------------------------


def test_a_volunteer_sees_the_open_requests_that_fit_them(client_as, users, towns, orgs, now):
    me = volunteer(
        "Rana Volunteer",
        towns["Baunatal"],
        user=users["volunteer"],
        slots=((1, time(8), time(18)),),
    )
    day = next_weekday(now, 1)
    fitting = make_request(
        orgs["org_member"],
        starts_at=local(day, 14),
        municipality_id=towns["Kaufungen"].id,
        address="Leipziger Straße 5, Kaufungen",
        mode=RequestMode.ON_SITE,
    )
    # Another language, and a weekday without a slot: not for her.
    make_request(orgs["org_member"], starts_at=local(day, 10), language_code="ti")
    make_request(orgs["org_member"], starts_at=local(day + timedelta(days=1), 10))
    response = client_as("volunteer").get("/volunteer/requests")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('class="panel card open-request"') == 1
    assert "Kaufungen" in page
    assert "Leipziger" not in page  # never the address
    (offer,) = form_to(response, f"/volunteer/requests/{fitting.id}/offer")
    assert "csrf_token" in offer["fields"]
    assert me.status == VolunteerStatus.ACTIVE


def test_a_volunteer_without_fitting_requests_is_told_what_helps(client_as, users, towns):
    volunteer("Rana Volunteer", towns["Baunatal"], user=users["volunteer"], slots=())
    page = client_as("volunteer").get("/volunteer/requests").get_data(as_text=True)
    assert "No open request fits you right now" in page
    assert "/volunteer/availability" in page


def test_a_volunteer_not_yet_active_is_told_why_nothing_is_shown(client_as, users, towns):
    volunteer(
        "Rana Volunteer",
        towns["Baunatal"],
        user=users["volunteer"],
        status=VolunteerStatus.APPLICANT,
    )
    page = client_as("volunteer").get("/volunteer/requests").get_data(as_text=True)
    assert "once the centre has activated your profile" in page
    # No profile at all yet: the same.
    page = client_as("other_volunteer").get("/volunteer/requests").get_data(as_text=True)
    assert "once the centre has activated your profile" in page


@pytest.mark.parametrize("role", ["org_member", "coordinator", "admin"])
def test_only_volunteers_have_open_requests(client_as, role):
    assert client_as(role).get("/volunteer/requests").status_code == 403


def test_volunteers_find_the_requests_they_could_take_from_their_pages(client_as):
    """The "requests you could take" page is linked from the overview and the assignments."""
    client = client_as("volunteer")
    for path in ("/home", "/volunteer/assignments"):
        html = client.get(path).get_data(as_text=True)
        assert 'href="/volunteer/requests"' in html, path
