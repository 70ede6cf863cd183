"""The volunteer's home page: status in words, the checklist, what the centre does next,
taking a break and coming back."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tests.helpers import page
from tests.integration.volunteer_support import catalogue, complete_profile, profile
from wirnet.audit import AuditEntry
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.volunteers.models import (
    Qualification,
    QualificationState,
    VolunteerProfile,
    VolunteerStatus,
)


def _today() -> date:
    return datetime.now(ZoneInfo("Europe/Berlin")).date()


def _checklist(html: str) -> str:
    return html.split('id="checklist-heading"')[1].split("</section>")[0]


def test_a_new_volunteer_sees_everything_open_and_the_intake_talk_next(client_as):
    html = page(client_as("volunteer").get("/home"))
    assert "Applicant: the centre is getting to know you." in html
    assert "The centre will contact you to arrange a short introductory talk." in html
    checklist = _checklist(html)
    assert "5 steps are still open." in checklist
    for link in ("/volunteer/profile", "/volunteer/languages", "/volunteer/availability"):
        assert f'href="{link}"' in checklist
    assert db.session.scalar(select(func.count(VolunteerProfile.id))) == 0  # GET stores nothing


def test_the_checklist_follows_what_is_filled_in(client_as, users):
    row = complete_profile(users["volunteer"], status=VolunteerStatus.APPLICANT)
    kinds = catalogue()
    db.session.add(
        Qualification(
            profile_id=row.id,
            type_id=kinds["first_aid"].id,
            obtained_on=_today() - timedelta(days=10),
        )
    )
    db.session.flush()
    checklist = _checklist(page(client_as("volunteer").get("/home")))
    assert "2 steps are still open." in checklist
    assert 'href="/volunteer/profile"' not in checklist.split("</ul>")[0]
    assert "Please bring the certificate for: First aid" in checklist

    row.intake_done_at = utcnow()
    db.session.flush()
    html = page(client_as("volunteer").get("/home"))
    assert "1 step is still open." in _checklist(html)
    assert "The centre will check your certificates" in html


def test_a_complete_applicant_is_told_the_centre_activates_them(client_as, users):
    row = complete_profile(users["volunteer"], status=VolunteerStatus.APPLICANT)
    row.intake_done_at = utcnow()
    db.session.flush()
    html = page(client_as("volunteer").get("/home"))
    assert "Everything is done." in html
    assert "The centre will check your details and then activate you." in html
    assert "Take a break" not in html  # an applicant has nothing to pause


def test_an_on_call_volunteer_without_weekly_times_has_availability_done(client_as, users):
    profile(users["volunteer"], on_call=True)
    checklist = _checklist(page(client_as("volunteer").get("/home")))
    assert 'href="/volunteer/availability"' not in checklist


def test_taking_a_break_until_a_date_and_coming_back(client_as, users):
    row = complete_profile(users["volunteer"], status=VolunteerStatus.ACTIVE)
    client = client_as("volunteer")
    html = page(client.get("/home"))
    assert "Active: the centre can ask you to help." in html
    until = _today() + timedelta(days=14)
    response = client.post("/volunteer/pause", data={"until": until.isoformat()})
    assert response.status_code == 302
    db.session.expire_all()
    assert row.status is VolunteerStatus.PAUSED and row.paused_until == until
    html = page(client.get("/home"))
    assert "On a break until" in html and "End my break" in html
    assert client.post("/volunteer/resume").status_code == 302
    db.session.expire_all()
    assert row.status is VolunteerStatus.ACTIVE and row.paused_until is None
    actions = list(db.session.scalars(select(AuditEntry.action)))
    assert actions.count("volunteer.status_changed") == 2


def test_a_break_without_an_end_date(client_as, users):
    row = complete_profile(users["volunteer"], status=VolunteerStatus.ACTIVE)
    assert client_as("volunteer").post("/volunteer/pause", data={"until": ""}).status_code == 302
    db.session.expire_all()
    assert row.status is VolunteerStatus.PAUSED and row.paused_until is None


def test_a_break_ending_today_or_earlier_is_refused(client_as, users):
    row = complete_profile(users["volunteer"], status=VolunteerStatus.ACTIVE)
    response = client_as("volunteer").post("/volunteer/pause", data={"until": _today().isoformat()})
    assert response.status_code == 422
    html = page(response)
    assert "The end of the break must be in the future." in html
    assert f'value="{_today().isoformat()}"' in html
    db.session.expire_all()
    assert row.status is VolunteerStatus.ACTIVE


def test_an_applicant_cannot_pause_and_a_volunteer_who_left_cannot_return_alone(client_as, users):
    row = profile(users["volunteer"], status=VolunteerStatus.APPLICANT)
    client = client_as("volunteer")
    response = client.post("/volunteer/pause", data={})
    assert response.status_code == 422
    assert "Only an active volunteer can take a break." in page(response)
    row.status = VolunteerStatus.LEFT
    db.session.flush()
    client.post("/volunteer/resume")
    db.session.expire_all()
    assert row.status is VolunteerStatus.LEFT
    html = page(client.get("/home"))
    assert "You have left the volunteer team." in html
    assert "please contact the centre" in html


def test_qualification_states_other_than_claimed_do_not_ask_for_evidence(client_as, users):
    row = complete_profile(users["volunteer"], status=VolunteerStatus.APPLICANT)
    kinds = catalogue()
    for key, state in (
        ("first_aid", QualificationState.VERIFIED),
        ("data_secrecy", QualificationState.REJECTED),
    ):
        db.session.add(
            Qualification(
                profile_id=row.id, type_id=kinds[key].id, state=state, obtained_on=_today()
            )
        )
    db.session.flush()
    checklist = _checklist(page(client_as("volunteer").get("/home")))
    assert "Please bring the certificate" not in checklist
