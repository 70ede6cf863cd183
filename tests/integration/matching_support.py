"""Test data for matching: towns with their real centres, volunteers with every fact the
engine looks at, qualifications, bookings, times on a weekday to come."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from tests.factories import UserFactory
from tests.integration.request_support import make_request
from tests.integration.volunteer_support import municipality
from wirnet.extensions import db
from wirnet.requests.models import Assignment, AssignmentOrigin, AssignmentState
from wirnet.requests.services import to_utc
from wirnet.roles import Role
from wirnet.volunteers.models import (
    LEVEL_RANK,
    AvailabilitySlot,
    Gender,
    LanguageLevel,
    LanguageSkill,
    Mobility,
    Qualification,
    QualificationState,
    VolunteerProfile,
    VolunteerStatus,
)

L = LanguageLevel
#: (name, lat, lon) of four towns of the county, 0 to about 25 km from Baunatal.
TOWNS = (
    ("Baunatal", 51.2589, 9.4183),
    ("Kaufungen", 51.2806, 9.6186),
    ("Wolfhagen", 51.3269, 9.1707),
    ("Hofgeismar", 51.4966, 9.3849),
)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def make_towns() -> dict:
    made = {}
    for name, lat, lon in TOWNS:
        place = municipality(name)
        place.lat, place.lon = lat, lon
        made[name] = place
    db.session.flush()
    return made


def next_weekday(now: datetime, weekday: int, at_least: int = 10) -> date:
    day = (now + timedelta(days=at_least)).date()
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return to_utc(day, time(hour, minute))


def volunteer(
    name: str,
    town,
    *,
    status=VolunteerStatus.ACTIVE,
    languages=(("ar-SY", L.NATIVE, True), ("de", L.C1, False)),
    modes=("on_site", "phone"),
    settings=("authorities", "health", "everyday"),
    slots=((1, time(9), time(13)),),
    **values,
) -> VolunteerProfile:
    user = values.pop("user", None) or UserFactory(role=Role.VOLUNTEER, display_name=name)
    row = VolunteerProfile(
        user_id=user.id,
        status=status,
        municipality_id=town.id if town is not None else None,
        mobility=values.pop("mobility", Mobility.CAR),
        max_distance_km=values.pop("max_distance_km", 30),
        gender=values.pop("gender", Gender.FEMALE),
        topics=values.pop("topics", []),
        **values,
    )
    db.session.add(row)
    db.session.flush()
    for code, level, mediates in languages:
        db.session.add(
            LanguageSkill(
                profile_id=row.id,
                code=code,
                level=level,
                level_rank=LEVEL_RANK[level],
                mediates=mediates,
                modes=list(modes) if mediates else [],
                settings=list(settings) if mediates else [],
            )
        )
    for weekday, start, end in slots:
        db.session.add(
            AvailabilitySlot(profile_id=row.id, weekday=weekday, starts_at=start, ends_at=end)
        )
    db.session.flush()
    return row


def qualify(row, kind, *, state=QualificationState.VERIFIED, expires_on=None):
    db.session.add(
        Qualification(
            profile_id=row.id,
            type_id=kind.id,
            state=state,
            obtained_on=date(2024, 1, 1),
            expires_on=expires_on,
        )
    )
    db.session.flush()


def book(row, starts_at: datetime, ends_at: datetime, *, state=AssignmentState.ACCEPTED):
    """An assignment of ``row`` for another request at that time."""
    other = make_request(None, starts_at=starts_at, client_ref="Other")
    other.ends_at = ends_at
    db.session.add(
        Assignment(
            request_id=other.id,
            profile_id=row.id,
            state=state,
            origin=AssignmentOrigin.PROPOSAL,
            starts_at=starts_at,
            ends_at=ends_at,
        )
    )
    db.session.flush()
