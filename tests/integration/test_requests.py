"""Posting requests: the form, its rules (times, languages, scope, lead time, consent, client
reference, qualifications), series, and who may post for whom."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.factories import UserFactory
from tests.helpers import page, text
from tests.integration.request_support import place
from wirnet.extensions import db
from wirnet.organisations.models import Membership, Organisation, OrganisationKind
from wirnet.requests import scope
from wirnet.requests.models import (
    Request,
    RequestEvent,
    RequestKind,
    RequestSeries,
    RequestState,
    Urgency,
)
from wirnet.roles import Role

BERLIN = ZoneInfo("Europe/Berlin")


def _count() -> int:
    return db.session.scalar(select(func.count(Request.id)))


def _all() -> list[Request]:
    db.session.expire_all()
    return list(db.session.scalars(select(Request).order_by(Request.id)))


def later(days: int = 20) -> date:
    """A day far enough ahead to need no short-notice confirmation."""
    return datetime.now(BERLIN).date() + timedelta(days=days)


def form(org=None, **overrides) -> dict:
    data = {
        "kind": "language_mediation",
        "language_code": "ti",
        "other_language_code": "de",
        "mode": "on_site",
        "setting": "authority",
        "timing": "fixed",
        "day": later().isoformat(),
        "starts": "10:00",
        "ends": "11:30",
        "municipality": str(place().id),
        "address": "Rathausplatz 1, 34225 Baunatal",
        "client_ref": "M. K.",
        "gender_preference": "",
        "volunteers_needed": "1",
        "urgency": "normal",
        "notes": "<p>Please bring the <strong>letter</strong>.</p><script>x()</script>",
        "client_consent": "y",
        "action": "publish",
    }
    if org is not None:
        data["organisation"] = str(org.id)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_org_member_publishes_a_request_with_everything_recorded(client_as, users, orgs):
    response = client_as("org_member").post("/requests/new", data=form(orgs["org_member"]))
    assert response.status_code == 302
    [made] = _all()
    assert response.headers["Location"].endswith(f"/requests/{made.id}")
    assert made.organisation_id == orgs["org_member"].id
    assert made.state is RequestState.OPEN
    assert made.language_code == "ti" and made.other_language_code == "de"
    local = datetime.combine(later(), time(10), tzinfo=BERLIN)
    assert made.starts_at == local.astimezone(UTC)
    assert made.ends_at == (local + timedelta(minutes=90)).astimezone(UTC)
    assert made.client_consent_by_id == users["org_member"].id
    assert made.client_consent_at is not None
    assert made.short_notice is False and made.urgency is Urgency.NORMAL
    assert [(e.from_state, e.to_state) for e in made.events] == [
        (None, RequestState.DRAFT),
        (RequestState.DRAFT, RequestState.OPEN),
    ]
    html = page(client_as("org_member").get(f"/requests/{made.id}"))
    assert "<strong>letter</strong>" in html and "<script>" not in html


def test_saving_as_a_draft_publishes_nothing(client_as, orgs):
    response = client_as("org_member").post(
        "/requests/new", data=form(orgs["org_member"], action="draft")
    )
    assert response.status_code == 302
    [made] = _all()
    assert made.state is RequestState.DRAFT


def test_the_form_names_languages_in_the_ui_language_and_says_not_to_enter_names(
    client_as, users, orgs
):
    users["org_member"].locale = "de"
    db.session.flush()
    html = page(client_as("org_member").get("/requests/new"))
    assert "<option value=fa-AF>Dari<" in html
    assert "<option value=ar-SY>Arabisch (Syrien)<" in html
    assert '<option selected value="de">Deutsch</option>' in html  # German by default
    users["org_member"].locale = "en"
    db.session.flush()
    html = page(client_as("org_member").get("/requests/new"))
    assert (
        "Do not enter the client&#39;s name." in html or "Do not enter the client's name." in html
    )


BAD_INPUT = [
    # (overrides, field, message)
    ({"starts": "11:00", "ends": "10:00"}, "ends", "The end must be after the start."),
    (
        {"day": (datetime.now(BERLIN).date() - timedelta(days=1)).isoformat()},
        "day",
        "This date and time is in the past.",
    ),
    ({"language_code": "xx-QQ"}, "language_code", "Please choose a language from the list."),
    ({"language_code": "klingon"}, "language_code", "Please choose a language from the list."),
    (
        {"client_consent": None},
        "client_consent",
        "Please confirm that the client agreed to their data being passed on.",
    ),
    ({"client_ref": "Maria Müller"}, "client_ref", "This looks like a name."),
    ({"client_ref": "x" * 41}, "client_ref", "Use at most 40 characters."),
    ({"address": ""}, "address", "Please enter the address of the appointment."),
    ({"day": "14.03.2030"}, "day", "Please enter a valid date"),
    ({"volunteers_needed": "11"}, "volunteers_needed", "Please enter a number from 1 to 10."),
    (
        {
            "timing": "flexible",
            "window_from": later(5).isoformat(),
            "deadline": later(2).isoformat(),
        },
        "deadline",
        "The last day must not be before the first day.",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_a_message_keeps_the_input_and_saves_nothing(
    client_as, orgs, overrides, field, message
):
    data = form(orgs["org_member"], **overrides)
    response = client_as("org_member").post("/requests/new", data=data)
    assert response.status_code == 422
    html = text(response)
    assert message in html.replace("&#39;", "'")
    assert f'id="{field}-error"' in html
    assert _count() == 0
    # What was typed is still there.
    assert 'value="M. K."' in html or overrides.get("client_ref", "") in html
    assert "Rathausplatz 1, 34225 Baunatal" in html or overrides.get("address") == ""


def test_messages_are_translated(client_as, users, orgs):
    users["org_member"].locale = "de"
    db.session.flush()
    response = client_as("org_member").post(
        "/requests/new", data=form(orgs["org_member"], starts="11:00", ends="10:00")
    )
    assert response.status_code == 422
    assert "The end must be after the start." not in text(response)


def test_an_out_of_scope_setting_points_to_professional_interpreting_and_saves_nothing(
    client_as, orgs
):
    response = client_as("org_member").post(
        "/requests/new", data=form(orgs["org_member"], setting="out:court")
    )
    assert response.status_code == 422
    html = text(response)
    assert "lay mediators, not sworn or certified interpreters" in html
    assert "Court hearing" in html
    assert scope.PROFESSIONAL_INTERPRETING_URL in html
    assert _count() == 0
    # The list offers them, in a group of their own.
    html = page(client_as("org_member").get("/requests/new"))
    assert 'value="out:police_interrogation"' in html or "value=out:police_interrogation" in html


def test_the_out_of_scope_list_is_configurable(app, client_as, orgs):
    app.config["OUT_OF_SCOPE_SETTINGS"] = ("court",)
    try:
        html = page(client_as("org_member").get("/requests/new"))
        assert "Court hearing" in html and "Psychotherapy" not in html
        response = client_as("org_member").post(
            "/requests/new", data=form(orgs["org_member"], setting="out:psychotherapy")
        )
        assert response.status_code == 422  # no longer a choice at all
        assert "lay mediators" not in text(response)
        assert _count() == 0
    finally:
        app.config["OUT_OF_SCOPE_SETTINGS"] = (
            "court",
            "police_interrogation",
            "psychotherapy",
            "surgery_consent",
        )


def _short_day() -> date:
    """The next working day: always shorter notice than three working days."""
    today = datetime.now(BERLIN).date()
    return scope.add_working_days(today, 1)


def test_short_notice_is_warned_about_then_accepted_as_urgent_and_flagged(client_as, orgs):
    client = client_as("org_member")
    data = form(orgs["org_member"], day=_short_day().isoformat())
    response = client.post("/requests/new", data=data)
    assert response.status_code == 422
    assert "shorter notice than the 3 working days" in text(response)
    assert 'name="short_notice_confirmed"' in page(response)
    assert _count() == 0
    response = client.post("/requests/new", data={**data, "short_notice_confirmed": "y"})
    assert response.status_code == 302
    [made] = _all()
    assert made.short_notice is True and made.urgency is Urgency.URGENT
    board = page(client_as("coordinator").get("/coordinator/requests"))
    assert 'class="highlight"' in board and "Short notice" in board


def test_the_lead_time_is_configurable(app, client_as, orgs):
    app.config["REQUEST_LEAD_WORKING_DAYS"] = 0
    try:
        response = client_as("org_member").post(
            "/requests/new", data=form(orgs["org_member"], day=_short_day().isoformat())
        )
        assert response.status_code == 302
        assert _all()[0].short_notice is False
    finally:
        app.config["REQUEST_LEAD_WORKING_DAYS"] = 3


def test_a_flexible_window_is_stored_as_dates(client_as, orgs):
    response = client_as("org_member").post(
        "/requests/new",
        data=form(
            orgs["org_member"],
            timing="flexible",
            window_from=later(10).isoformat(),
            deadline=later(20).isoformat(),
            mode="phone",
            address="",
        ),
    )
    assert response.status_code == 302
    [made] = _all()
    assert made.starts_at is None and made.ends_at is None
    assert (made.window_from, made.deadline) == (later(10), later(20))
    assert made.address is None


def test_health_guidance_and_health_settings_require_their_qualifications(client_as, orgs):
    client = client_as("org_member")
    assert (
        client.post(
            "/requests/new", data=form(orgs["org_member"], kind="health_guidance")
        ).status_code
        == 302
    )
    assert (
        client.post(
            "/requests/new",
            data=form(orgs["org_member"], setting="doctor_hospital", client_ref="B. C."),
        ).status_code
        == 302
    )
    health, mediation = _all()
    assert health.required_qualifications == ["health_guide"]
    assert mediation.required_qualifications == ["language_mediation_health"]
    # The form pre-selects them for a kind named in the link.
    html = page(client.get("/requests/new?kind=health_guidance"))
    box = 'checked id="required_qualifications-0" name="required_qualifications"'
    assert box + ' type="checkbox" value="health_guide"' in html


def test_a_weekly_series_makes_one_request_per_date_each_editable_alone(client_as, orgs):
    client = client_as("org_member")
    first = later(15)
    response = client.post(
        "/requests/new",
        data=form(orgs["org_member"], day=first.isoformat(), repeat="7", count="6"),
    )
    assert response.status_code == 302
    made = _all()
    assert len(made) == 6
    assert len({r.series_id for r in made}) == 1 and made[0].series_id is not None
    series = db.session.get(RequestSeries, made[0].series_id)
    assert series.rule == {"every_days": 7, "count": 6}
    # The same local time every week, also across a change to or from summer time.
    assert [r.starts_at.astimezone(BERLIN).time() for r in made] == [time(10)] * 6
    assert [r.starts_at.astimezone(BERLIN).date() for r in made] == [
        first + timedelta(days=7 * n) for n in range(6)
    ]
    # Changing the third date changes only that one.
    third = made[2]
    edit = form(day=(first + timedelta(days=15)).isoformat(), client_ref="M. K.")
    edit.pop("client_consent")
    assert client.post(f"/requests/{third.id}/edit", data=edit).status_code == 302
    again = _all()
    assert again[2].starts_at.astimezone(BERLIN).date() == first + timedelta(days=15)
    assert [r.starts_at for r in again[:2] + again[3:]] == [
        r.starts_at for r in made[:2] + made[3:]
    ]
    html = page(client.get(f"/requests/{third.id}"))
    assert "All dates of this series" in html


def test_a_series_has_at_most_twelve_dates(client_as, orgs):
    response = client_as("org_member").post(
        "/requests/new", data=form(orgs["org_member"], repeat="14", count="13")
    )
    assert response.status_code == 422
    assert "Please enter a number from 2 to 12." in text(response)
    assert _count() == 0


def test_a_coordinator_enters_a_walk_in_without_an_organisation(client_as, users, orgs):
    response = client_as("coordinator").post("/requests/new", data=form(organisation=""))
    assert response.status_code == 302
    [made] = _all()
    assert made.organisation_id is None and made.created_by_id == users["coordinator"].id
    # ... or on behalf of an organisation.
    response = client_as("coordinator").post("/requests/new", data=form(orgs["other_org"]))
    assert response.status_code == 302
    assert _all()[1].organisation_id == orgs["other_org"].id


def test_an_org_member_cannot_post_for_another_organisation_or_for_none(client_as, orgs):
    client = client_as("org_member")
    response = client.post("/requests/new", data=form(orgs["other_org"]))
    assert response.status_code == 422
    assert "Please choose your organisation." in text(response)
    response = client.post("/requests/new", data=form(organisation=""))
    assert response.status_code == 422
    assert _count() == 0


def test_only_approved_organisations_may_post(client_as, users):
    member = UserFactory(role=Role.ORG_MEMBER)
    pending = Organisation(name="Neuer Verein", kind=OrganisationKind.ASSOCIATION, contact_name="X")
    pending.memberships.append(Membership(user_id=member.id, is_admin=True))
    db.session.add(pending)
    db.session.flush()
    from tests.conftest import log_in

    client = client_as("anonymous")
    log_in(client, member)
    response = client.get("/requests/new")
    assert response.status_code == 200
    assert "once your organisation is approved" in text(response)
    response = client.post("/requests/new", data=form(pending))
    assert response.status_code == 200
    assert _count() == 0


def test_volunteers_cannot_post(client_as):
    assert client_as("volunteer").post("/requests/new", data=form()).status_code == 403
    assert _count() == 0


def test_creation_is_in_the_history_with_who(client_as, users, orgs):
    client_as("org_member").post("/requests/new", data=form(orgs["org_member"]))
    [made] = _all()
    events = list(
        db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == made.id))
    )
    assert {e.actor_id for e in events} == {users["org_member"].id}
    assert made.kind is RequestKind.LANGUAGE_MEDIATION
