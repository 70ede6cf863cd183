"""Weekly times, absences and "at short notice": stored, merged, refused, shown as a week."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tests.helpers import page
from tests.integration.test_accessibility import PageStructure
from tests.integration.volunteer_support import profile
from wirnet.extensions import db
from wirnet.volunteers.models import Absence, AvailabilitySlot, VolunteerProfile


def _today():
    return datetime.now(ZoneInfo("Europe/Berlin")).date()


def _slots(user) -> list[tuple[int, time, time]]:
    db.session.expire_all()
    return [
        (s.weekday, s.starts_at, s.ends_at)
        for s in db.session.scalars(
            select(AvailabilitySlot)
            .join(AvailabilitySlot.profile)
            .where(VolunteerProfile.user_id == user.id)
            .order_by(AvailabilitySlot.weekday, AvailabilitySlot.starts_at)
        )
    ]


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_adding_a_weekly_time(client_as, users):
    response = client_as("volunteer").post(
        "/volunteer/availability/slots",
        data={"weekday": "1", "starts_at": "09:00", "ends_at": "12:30"},
    )
    assert response.status_code == 302
    assert _slots(users["volunteer"]) == [(1, time(9), time(12, 30))]


def test_an_end_before_the_start_is_refused_keeping_the_input(client_as):
    before = _count(AvailabilitySlot)
    response = client_as("volunteer").post(
        "/volunteer/availability/slots",
        data={"weekday": "4", "starts_at": "14:00", "ends_at": "10:00"},
    )
    assert response.status_code == 422
    html = page(response)
    assert "The end must be after the start." in html
    assert 'value="14:00"' in html and 'value="10:00"' in html
    assert 'selected value="4"' in html
    assert _count(AvailabilitySlot) == before
    assert _count(VolunteerProfile) == 0  # not even an empty profile


def test_overlapping_times_on_one_day_are_joined(client_as, users):
    client = client_as("volunteer")
    for start, end in (("09:00", "12:00"), ("14:00", "16:00"), ("11:00", "14:00")):
        client.post(
            "/volunteer/availability/slots",
            data={"weekday": "2", "starts_at": start, "ends_at": end},
        )
    client.post(
        "/volunteer/availability/slots",
        data={"weekday": "3", "starts_at": "10:00", "ends_at": "11:00"},
    )
    assert _slots(users["volunteer"]) == [(2, time(9), time(16)), (3, time(10), time(11))]


def test_bad_times_and_days_are_refused(client_as):
    client = client_as("volunteer")
    for data in (
        {"weekday": "9", "starts_at": "09:00", "ends_at": "10:00"},
        {"weekday": "x", "starts_at": "09:00", "ends_at": "10:00"},
        {"weekday": "1", "starts_at": "25:00", "ends_at": "10:00"},
        {"weekday": "1", "starts_at": "", "ends_at": "10:00"},
    ):
        assert client.post("/volunteer/availability/slots", data=data).status_code == 422, data
    assert _count(AvailabilitySlot) == 0


def test_removing_a_time_and_not_anothers(client_as, users):
    mine = AvailabilitySlot(
        profile_id=profile(users["volunteer"]).id, weekday=0, starts_at=time(8), ends_at=time(9)
    )
    theirs = AvailabilitySlot(
        profile_id=profile(users["other_volunteer"]).id,
        weekday=0,
        starts_at=time(8),
        ends_at=time(9),
    )
    db.session.add_all([mine, theirs])
    db.session.flush()
    client = client_as("volunteer")
    assert client.post(f"/volunteer/availability/slots/{theirs.id}/remove").status_code == 404
    assert client.post(f"/volunteer/availability/slots/{mine.id}/remove").status_code == 302
    assert _slots(users["volunteer"]) == []
    assert _slots(users["other_volunteer"]) == [(0, time(8), time(9))]


def test_absences(client_as, users):
    client = client_as("volunteer")
    start, end = _today() + timedelta(days=10), _today() + timedelta(days=20)
    response = client.post(
        "/volunteer/availability/absences",
        data={"starts_on": start.isoformat(), "ends_on": end.isoformat()},
    )
    assert response.status_code == 302
    db.session.expire_all()
    [absence] = db.session.scalars(select(Absence))
    assert (absence.starts_on, absence.ends_on) == (start, end)
    assert client.post(f"/volunteer/availability/absences/{absence.id}/remove").status_code == 302
    assert _count(Absence) == 0


def test_an_absence_ending_before_it_starts_or_wholly_past_is_refused(client_as):
    client = client_as("volunteer")
    today = _today()
    response = client.post(
        "/volunteer/availability/absences",
        data={
            "starts_on": (today + timedelta(days=5)).isoformat(),
            "ends_on": (today + timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "The last day cannot be before the first day." in page(response)
    response = client.post(
        "/volunteer/availability/absences",
        data={
            "starts_on": (today - timedelta(days=9)).isoformat(),
            "ends_on": (today - timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 422
    html = page(response)
    assert "This absence is already over." in html
    assert f'value="{(today - timedelta(days=9)).isoformat()}"' in html
    assert _count(Absence) == 0


def test_on_call(client_as, users):
    client = client_as("volunteer")
    client.post("/volunteer/availability/on-call", data={"on_call": "y"})
    db.session.expire_all()
    mine = db.session.scalar(
        select(VolunteerProfile).where(VolunteerProfile.user_id == users["volunteer"].id)
    )
    assert mine.on_call is True
    client.post("/volunteer/availability/on-call", data={})
    db.session.expire_all()
    assert mine.on_call is False


def test_the_week_is_a_table_in_the_readers_language(client_as, users):
    row = profile(users["volunteer"])
    db.session.add(
        AvailabilitySlot(profile_id=row.id, weekday=1, starts_at=time(14), ends_at=time(17))
    )
    users["volunteer"].locale = "ar"
    db.session.flush()
    html = page(client_as("volunteer").get("/volunteer/availability"))
    assert 'dir="rtl"' in html
    assert '<th scope="row">الثلاثاء</th>' in html  # Tuesday
    assert '<th scope="col">' in html and "<caption>" in html
    assert "2:00–5:00 م" in html  # 14:00–17:00 in Arabic's own format
    users["volunteer"].locale = "de"
    db.session.flush()
    html = page(client_as("volunteer").get("/volunteer/availability"))
    assert '<th scope="row">Dienstag</th>' in html and "14:00–17:00 Uhr" in html


def test_the_page_is_accessible(client_as):
    structure = PageStructure()
    structure.feed(page(client_as("volunteer").get("/volunteer/availability")))
    for field in structure.fields:
        assert field.get("id") in structure.label_for, field
    assert len(structure.ids) == len(set(structure.ids))
