"""The volunteer's qualifications: claiming one, and each one's standing in words."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.helpers import page
from tests.integration.volunteer_support import catalogue, profile
from wirnet.extensions import db
from wirnet.volunteers.models import Qualification, QualificationState
from wirnet.volunteers.qualifications import add_months, compute_expiry


def _today():
    return datetime.now(ZoneInfo("Europe/Berlin")).date()


@pytest.fixture
def kinds(db_session):
    return catalogue()


def _count() -> int:
    return db.session.scalar(select(func.count(Qualification.id)))


def test_the_catalogue_is_offered_in_the_ui_language(client_as, users, kinds):
    users["volunteer"].locale = "de"
    db.session.flush()
    html = page(client_as("volunteer").get("/volunteer/qualifications"))
    assert "Sprachmittlung im Gesundheitswesen" in html


def test_claiming_a_qualification(client_as, users, kinds):
    obtained = _today() - timedelta(days=100)
    response = client_as("volunteer").post(
        "/volunteer/qualifications",
        data={"type_id": str(kinds["first_aid"].id), "obtained_on": obtained.isoformat()},
    )
    assert response.status_code == 302
    db.session.expire_all()
    [claimed] = db.session.scalars(select(Qualification))
    assert claimed.profile.user_id == users["volunteer"].id
    assert claimed.state is QualificationState.CLAIMED
    assert claimed.expires_on == compute_expiry(obtained, 24)
    html = page(client_as("volunteer").get("/volunteer/qualifications"))
    assert "Waiting for the centre to check it" in html


def test_a_date_in_the_future_is_refused(client_as, kinds):
    before = _count()
    future = (_today() + timedelta(days=3)).isoformat()
    response = client_as("volunteer").post(
        "/volunteer/qualifications",
        data={"type_id": str(kinds["first_aid"].id), "obtained_on": future},
    )
    assert response.status_code == 422
    html = page(response)
    assert "The date cannot be in the future." in html
    assert f'value="{future}"' in html  # kept
    assert f'selected value="{kinds["first_aid"].id}"' in html
    assert _count() == before


def test_an_already_expired_qualification_is_refused(client_as, kinds):
    before = _count()
    response = client_as("volunteer").post(
        "/volunteer/qualifications",
        data={
            "type_id": str(kinds["first_aid"].id),
            "obtained_on": add_months(_today(), -30).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "has already expired" in page(response)
    assert _count() == before


def test_inside_the_grace_period_a_claim_is_still_taken(client_as, kinds):
    # Health guide: 36 months, 30 days' grace. Expired 10 days ago: still counts.
    obtained = add_months(_today(), -36) - timedelta(days=9)
    response = client_as("volunteer").post(
        "/volunteer/qualifications",
        data={"type_id": str(kinds["health_guide"].id), "obtained_on": obtained.isoformat()},
    )
    assert response.status_code == 302


def test_an_unknown_type_and_a_bad_date_are_refused(client_as, kinds):
    client = client_as("volunteer")
    response = client.post(
        "/volunteer/qualifications", data={"type_id": "999999", "obtained_on": "2024-01-01"}
    )
    assert response.status_code == 422
    assert "Please choose a qualification from the list." in page(response)
    response = client.post(
        "/volunteer/qualifications",
        data={"type_id": str(kinds["first_aid"].id), "obtained_on": "31.02.2024"},
    )
    assert response.status_code == 422
    assert "Please enter a valid date" in page(response)
    assert _count() == 0


def test_claiming_the_same_type_twice_while_it_waits_is_refused(client_as, kinds):
    client = client_as("volunteer")
    data = {"type_id": str(kinds["intercultural"].id), "obtained_on": "2020-05-01"}
    assert client.post("/volunteer/qualifications", data=data).status_code == 302
    response = client.post("/volunteer/qualifications", data=data)
    assert response.status_code == 422
    assert "You have already added this qualification" in page(response)
    assert _count() == 1


def _row(row, kind, state, obtained, note=None):
    q = Qualification(
        profile=row,
        type=kind,
        state=state,
        obtained_on=obtained,
        expires_on=compute_expiry(obtained, kind.validity_months),
        note=note,
    )
    db.session.add(q)
    db.session.flush()
    return q


def test_each_standing_is_said_in_words(client_as, users, kinds):
    row = profile(users["volunteer"])
    today = _today()
    verified = _row(
        row, kinds["first_aid"], QualificationState.VERIFIED, today - timedelta(days=30)
    )
    _row(row, kinds["intercultural"], QualificationState.VERIFIED, today - timedelta(days=3000))
    _row(
        row,
        kinds["data_secrecy"],
        QualificationState.REJECTED,
        today - timedelta(days=10),
        note="The pledge was not signed.",
    )
    _row(row, kinds["police_clearance"], QualificationState.VERIFIED, add_months(today, -59))
    _row(
        row,
        kinds["health_guide"],
        QualificationState.VERIFIED,
        add_months(today, -36) - timedelta(days=5),
    )
    html = page(client_as("volunteer").get("/volunteer/qualifications"))
    assert "Confirmed, valid until" in html
    assert verified.expires_on.strftime("%Y") in html
    assert "Confirmed, does not expire" in html
    assert "Not accepted" in html and "The pledge was not signed." in html
    assert "Expires soon, on" in html
    assert "it still counts for a short time" in html


def test_an_expired_one_is_said_to_be_expired(client_as, users, kinds):
    row = profile(users["volunteer"])
    _row(row, kinds["first_aid"], QualificationState.VERIFIED, add_months(_today(), -30))
    html = page(client_as("volunteer").get("/volunteer/qualifications"))
    assert "Expired on" in html


def test_another_volunteers_qualifications_are_not_shown(client_as, users, kinds):
    _row(
        profile(users["other_volunteer"]),
        kinds["trauma_sensitive"],
        QualificationState.CLAIMED,
        _today(),
    )
    html = page(client_as("volunteer").get("/volunteer/qualifications"))
    assert "You have not added a qualification yet." in html
