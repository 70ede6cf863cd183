"""A request's page: who sees what, its actions and history, editing, telling the assigned
volunteer, and expiring open requests whose time has passed."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tests.factories import UserFactory
from tests.helpers import outbox, page, text
from tests.integration.followup_support import book, profile_for
from tests.integration.request_support import in_days, make_request
from tests.integration.volunteer_support import profile
from wirnet.audit import AuditEntry
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.requests import services
from wirnet.requests.models import (
    Assignment,
    AssignmentState,
    Request,
    RequestEvent,
    RequestKind,
    RequestState,
)
from wirnet.roles import Role

BERLIN = ZoneInfo("Europe/Berlin")


def _fresh(item: Request) -> Request:
    db.session.expire_all()
    return db.session.get(Request, item.id)


def _edit_form(item: Request, **overrides) -> dict:
    local = item.starts_at.astimezone(BERLIN)
    data = {
        "kind": item.kind.value,
        "language_code": item.language_code,
        "other_language_code": "de",
        "mode": item.mode.value,
        "setting": item.setting.value,
        "timing": "fixed",
        "day": local.date().isoformat(),
        "starts": local.strftime("%H:%M"),
        "ends": item.ends_at.astimezone(BERLIN).strftime("%H:%M"),
        "municipality": str(item.municipality_id),
        "address": item.address,
        "client_ref": item.client_ref,
        "volunteers_needed": "1",
        "urgency": "normal",
    }
    data.update(overrides)
    return data


# --- who sees what ----------------------------------------------------------------------------


def test_another_organisation_guessing_an_id_gets_404_everywhere(client_as, orgs):
    item = make_request(orgs["org_member"])
    client = client_as("other_org")
    for url in ("", "/edit"):
        assert client.get(f"/requests/{item.id}{url}").status_code == 404
    for url, data in (
        ("/edit", _edit_form(item, client_ref="Z. Z.")),
        ("/publish", {}),
        ("/cancel", {"reason": "mine now"}),
    ):
        assert client.post(f"/requests/{item.id}{url}", data=data).status_code == 404
    assert _fresh(item).state is RequestState.OPEN and _fresh(item).client_ref == "A. B."
    assert "A. B." not in page(client.get("/requests"))
    assert client_as("other_org").get("/requests/2147483648").status_code == 404


def test_org_members_list_only_their_own_requests_and_coordinators_all(client_as, orgs):
    mine = make_request(orgs["org_member"], client_ref="MINE-1")
    theirs = make_request(orgs["other_org"], client_ref="THEIRS-1")
    html = page(client_as("org_member").get("/requests"))
    assert f"/requests/{mine.id}" in html and f"/requests/{theirs.id}" not in html
    board = page(client_as("coordinator").get("/coordinator/requests"))
    assert f"/requests/{mine.id}" in board and f"/requests/{theirs.id}" in board


def test_volunteers_see_none_of_the_request_pages(client_as, orgs):
    item = make_request(orgs["org_member"])
    client = client_as("volunteer")
    for url in (f"/requests/{item.id}", "/requests", "/requests/new", "/coordinator/requests"):
        assert client.get(url).status_code == 403


def test_the_address_is_shown_to_coordinators_and_the_organisation_only(client_as, users, orgs):
    item = make_request(orgs["org_member"], address="Geheimweg 7")
    assert "Geheimweg 7" in page(client_as("org_member").get(f"/requests/{item.id}"))
    assert "Geheimweg 7" in page(client_as("coordinator").get(f"/requests/{item.id}"))
    assert services.can_see_address(users["org_member"], item)
    assert services.can_see_address(users["admin"], item)
    assert not services.can_see_address(users["other_org"], item)
    assert not services.can_see_address(users["volunteer"], item)


def _views(item) -> int:
    return db.session.scalar(
        select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "request.viewed", AuditEntry.object_id == item.id
        )
    )


def test_every_view_of_a_health_guidance_request_is_audited(client_as, users, orgs):
    health = make_request(orgs["org_member"], kind=RequestKind.HEALTH_GUIDANCE)
    other = make_request(orgs["org_member"])
    client_as("org_member").get(f"/requests/{health.id}")
    client_as("coordinator").get(f"/requests/{health.id}")
    client_as("coordinator").get(f"/requests/{health.id}/edit")
    client_as("org_member").get(f"/requests/{other.id}")
    assert _views(health) == 3 and _views(other) == 0
    actors = set(
        db.session.scalars(select(AuditEntry.actor_id).where(AuditEntry.action == "request.viewed"))
    )
    assert actors == {users["org_member"].id, users["coordinator"].id}
    client_as("other_org").get(f"/requests/{health.id}")  # 404: nothing shown, nothing kept
    assert _views(health) == 3


# --- the life cycle ---------------------------------------------------------------------------


def test_a_draft_is_published_from_its_page(client_as, orgs):
    item = make_request(orgs["org_member"], state=RequestState.DRAFT)
    client = client_as("org_member")
    assert "/publish" in page(client.get(f"/requests/{item.id}"))
    assert client.post(f"/requests/{item.id}/publish").status_code == 302
    assert _fresh(item).state is RequestState.OPEN


def test_cancelling_needs_a_reason_which_is_kept_in_the_history(client_as, users, orgs):
    item = make_request(orgs["org_member"])
    client = client_as("org_member")
    response = client.post(f"/requests/{item.id}/cancel", data={"reason": ""})
    assert response.status_code == 422
    assert "Please give a reason for the cancellation." in text(response)
    assert _fresh(item).state is RequestState.OPEN
    response = client.post(f"/requests/{item.id}/cancel", data={"reason": "Termin verschoben"})
    assert response.status_code == 302
    done = _fresh(item)
    assert done.state is RequestState.CANCELLED and done.cancel_reason == "Termin verschoben"
    last = done.events[-1]
    assert (last.from_state, last.to_state, last.actor_id, last.note) == (
        RequestState.OPEN,
        RequestState.CANCELLED,
        users["org_member"].id,
        "Termin verschoben",
    )
    html = text(client.get(f"/requests/{item.id}"))
    assert "Termin verschoben" in html and "Semhar Org" in html


def test_completing_a_cancelled_request_is_refused_and_changes_nothing(client_as, orgs):
    item = make_request(orgs["org_member"], state=RequestState.CANCELLED)
    events = len(item.events)
    response = client_as("coordinator").post(f"/requests/{item.id}/complete")
    assert response.status_code == 409
    assert "This request is closed: nothing about it can change any more." in text(response)
    fresh = _fresh(item)
    assert fresh.state is RequestState.CANCELLED and len(fresh.events) == events


def test_editing_a_completed_request_is_refused_and_changes_nothing(client_as, orgs):
    item = make_request(orgs["org_member"], state=RequestState.COMPLETED)
    client = client_as("org_member")
    response = client.get(f"/requests/{item.id}/edit")
    assert response.status_code == 409
    assert "This request is closed and can no longer be changed." in text(response)
    response = client.post(f"/requests/{item.id}/edit", data=_edit_form(item, client_ref="Q"))
    assert response.status_code == 409
    assert _fresh(item).client_ref == "A. B."
    assert "/edit" not in page(client.get(f"/requests/{item.id}"))


def test_refusals_are_translated(client_as, users, orgs):
    """Needs the German catalog to carry the message (the lead engineer updates them)."""
    users["coordinator"].locale = "de"
    db.session.flush()
    item = make_request(orgs["org_member"], state=RequestState.CANCELLED)
    response = client_as("coordinator").post(f"/requests/{item.id}/complete")
    assert response.status_code == 409
    assert "nothing about it can change any more" not in text(response)


def test_completing_an_open_request_is_refused(client_as, orgs):
    item = make_request(orgs["org_member"])
    response = client_as("coordinator").post(f"/requests/{item.id}/complete")
    assert response.status_code == 409
    assert "Only a request that has been carried out can be completed" in text(response)
    assert _fresh(item).state is RequestState.OPEN


def test_coordinators_complete_and_expire_org_members_cannot(client_as, orgs):
    confirmed = make_request(orgs["org_member"], state=RequestState.CONFIRMED)
    open_one = make_request(orgs["org_member"])
    assert client_as("org_member").post(f"/requests/{open_one.id}/expire").status_code == 403
    assert client_as("org_member").post(f"/requests/{confirmed.id}/complete").status_code == 403
    coordinator = client_as("coordinator")
    assert coordinator.post(f"/requests/{open_one.id}/expire").status_code == 302
    assert coordinator.post(f"/requests/{confirmed.id}/complete").status_code == 302
    assert _fresh(open_one).state is RequestState.EXPIRED
    assert _fresh(confirmed).state is RequestState.COMPLETED


def test_the_history_shows_who_and_when_in_the_readers_language(client_as, users, orgs):
    users["org_member"].locale = "de"
    db.session.flush()
    item = make_request(orgs["org_member"], state=RequestState.DRAFT, creator=users["org_member"])
    client = client_as("org_member")
    client.post(f"/requests/{item.id}/publish")
    html = text(client.get(f"/requests/{item.id}"))
    assert "Semhar Org" in html
    event = _fresh(item).events[-1]
    day = event.at.astimezone(BERLIN)
    assert f"{day.day:02d}.{day.month:02d}.{day.year}" in html  # "27.11.2026, 10:29:57"


# --- editing ----------------------------------------------------------------------------------


def _accepted(item: Request, *, locale: str = "de", state=AssignmentState.ACCEPTED):
    volunteer = UserFactory(role=Role.VOLUNTEER, locale=locale, display_name="Amanuel Helfer")
    row = profile(volunteer)
    db.session.add(Assignment(request_id=item.id, profile_id=row.id, state=state))
    db.session.flush()
    return volunteer


def test_moving_an_assigned_request_tells_the_volunteer_in_their_language(client_as, orgs):
    item = make_request(orgs["org_member"], state=RequestState.ASSIGNED, starts_at=in_days(20))
    volunteer = _accepted(item, locale="de")
    proposed = _accepted(item, locale="en", state=AssignmentState.PROPOSED)
    new_day = (item.starts_at + timedelta(days=2)).astimezone(BERLIN).date()
    response = client_as("org_member").post(
        f"/requests/{item.id}/edit", data=_edit_form(item, day=new_day.isoformat())
    )
    assert response.status_code == 302
    [message] = outbox(to=volunteer.email, template="request_changed")
    assert message.locale == "de"
    assert "Zeit" in message.body_text or "Termin" in message.body_text or message.subject
    assert str(new_day.year) in message.body_text
    assert outbox(to=proposed.email) == []
    fresh = _fresh(item)
    assert fresh.events[-1].kind == "edit" and "starts_at" in fresh.events[-1].details


def test_changing_only_the_notes_tells_nobody(client_as, orgs):
    item = make_request(orgs["org_member"], state=RequestState.ASSIGNED)
    volunteer = _accepted(item)
    response = client_as("org_member").post(
        f"/requests/{item.id}/edit", data=_edit_form(item, notes="Bitte pünktlich")
    )
    assert response.status_code == 302
    assert outbox(to=volunteer.email) == []
    assert _fresh(item).notes == "Bitte pünktlich"


def test_a_new_place_is_told_too_without_the_address_in_the_mail(client_as, orgs):
    item = make_request(orgs["org_member"], state=RequestState.CONFIRMED)
    volunteer = _accepted(item, locale="en")
    response = client_as("coordinator").post(
        f"/requests/{item.id}/edit", data=_edit_form(item, address="Neue Straße 9")
    )
    assert response.status_code == 302
    [message] = outbox(to=volunteer.email, template="request_changed")
    assert "the place of an appointment" in message.body_text
    assert "Neue Straße 9" not in message.body_text


def test_bad_edits_keep_the_input_and_change_nothing(client_as, orgs):
    item = make_request(orgs["org_member"])
    before = item.starts_at
    response = client_as("org_member").post(
        f"/requests/{item.id}/edit",
        data=_edit_form(item, starts="12:00", ends="09:00", client_ref="K. L."),
    )
    assert response.status_code == 422
    assert "The end must be after the start." in text(response)
    assert 'value="K. L."' in page(response)
    fresh = _fresh(item)
    assert fresh.starts_at == before and fresh.client_ref == "A. B."


# --- expiring ---------------------------------------------------------------------------------


def test_the_expire_command_expires_open_requests_whose_time_has_passed(app, orgs):
    past = make_request(orgs["org_member"], starts_at=utcnow() - timedelta(days=2))
    flexible_past = make_request(
        orgs["org_member"],
        window_from=(utcnow() - timedelta(days=9)).date(),
        deadline=(utcnow() - timedelta(days=2)).date(),
    )
    future = make_request(orgs["org_member"])
    assigned_past = make_request(
        orgs["org_member"], state=RequestState.ASSIGNED, starts_at=utcnow() - timedelta(days=2)
    )
    result = app.test_cli_runner().invoke(args=["requests", "expire"])
    assert result.exit_code == 0, result.output
    assert "2 open request(s) marked as expired." in result.output
    assert _fresh(past).state is RequestState.EXPIRED
    assert _fresh(flexible_past).state is RequestState.EXPIRED
    assert _fresh(future).state is RequestState.OPEN
    assert _fresh(assigned_past).state is RequestState.ASSIGNED
    event = db.session.scalar(
        select(RequestEvent)
        .where(RequestEvent.request_id == past.id)
        .order_by(RequestEvent.id.desc())
    )
    assert event.actor_id is None and event.to_state is RequestState.EXPIRED
    again = app.test_cli_runner().invoke(args=["requests", "expire"])
    assert "0 open request(s)" in again.output


def test_an_open_request_someone_was_booked_for_becomes_assigned_instead(
    app, client_as, users, orgs
):
    """Two places and one volunteer booked: when the time has passed, someone went, so the
    request waits for their hours instead of expiring; once they are in, it is carried
    out. Only a request nobody was booked for expires."""
    starts = (utcnow() - timedelta(days=1)).replace(second=0, microsecond=0)
    mine, theirs = profile_for(users["volunteer"]), profile_for(users["other_volunteer"])
    half = make_request(orgs["org_member"], starts_at=starts, volunteers_needed=2)
    booked = book(mine, half)
    book(theirs, half, state=AssignmentState.DECLINED)
    window = make_request(
        orgs["org_member"],
        window_from=(utcnow() - timedelta(days=9)).date(),
        deadline=(utcnow() - timedelta(days=2)).date(),
        volunteers_needed=2,
    )
    book(theirs, window)
    reported = make_request(orgs["org_member"], starts_at=starts, volunteers_needed=2)
    book(theirs, reported, state=AssignmentState.COMPLETED, hours=2.0, outcome_at=utcnow())
    offered_only = make_request(orgs["org_member"], starts_at=starts)
    book(theirs, offered_only, state=AssignmentState.PROPOSED)
    book(mine, offered_only, state=AssignmentState.WITHDRAWN)

    result = app.test_cli_runner().invoke(args=["requests", "expire"])
    assert result.exit_code == 0, result.output
    assert "1 open request(s) marked as expired." in result.output
    assert "3 open request(s) with a booked volunteer marked as assigned" in result.output
    assert _fresh(offered_only).state is RequestState.EXPIRED
    assert _fresh(half).state is RequestState.ASSIGNED
    assert _fresh(window).state is RequestState.ASSIGNED
    # Its only volunteer had reported already: carried out at once.
    assert _fresh(reported).state is RequestState.CONFIRMED
    last = db.session.scalar(
        select(RequestEvent)
        .where(RequestEvent.request_id == half.id)
        .order_by(RequestEvent.id.desc())
    )
    assert (last.from_state, last.to_state, last.actor_id) == (
        RequestState.OPEN,
        RequestState.ASSIGNED,
        None,
    )

    # The booked volunteer records the hours: the request is carried out.
    client = client_as("volunteer")
    assert f"/assignments/{booked.id}/outcome" in page(client.get("/volunteer/assignments"))
    response = client.post(
        f"/assignments/{booked.id}/outcome", data={"took_place": "yes", "hours": "2"}
    )
    assert response.status_code == 302
    assert _fresh(half).state is RequestState.CONFIRMED

    again = app.test_cli_runner().invoke(args=["requests", "expire"])
    assert "0 open request(s) marked as expired." in again.output
    assert "assigned" not in again.output
