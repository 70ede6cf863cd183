"""Test data for the volunteer pages: profiles, municipalities, the qualification catalogue."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import time

from sqlalchemy import event, select

from tests.factories import UserFactory
from wirnet.extensions import db
from wirnet.regions import Municipality
from wirnet.roles import Role
from wirnet.volunteers.catalogue import load_catalogue
from wirnet.volunteers.models import (
    LEVEL_RANK,
    AvailabilitySlot,
    LanguageLevel,
    LanguageSkill,
    Mobility,
    QualificationType,
    VolunteerProfile,
    VolunteerStatus,
)

_ags = iter(range(6_000_000, 7_000_000))


def municipality(name: str) -> Municipality:
    place = Municipality(ags=str(next(_ags)), name=name, kind="Gemeinde", lat=51.3, lon=9.4)
    db.session.add(place)
    db.session.flush()
    return place


def catalogue() -> dict[str, QualificationType]:
    load_catalogue()
    return {kind.key: kind for kind in db.session.scalars(select(QualificationType))}


def profile(user=None, **values) -> VolunteerProfile:
    user = user or UserFactory(role=Role.VOLUNTEER)
    row = VolunteerProfile(user_id=user.id, **values)
    db.session.add(row)
    db.session.flush()
    return row


def complete_profile(user=None, *, status=VolunteerStatus.ACTIVE, in_directory=True, **values):
    """A volunteer with town, mobility, a language and a weekly time."""
    place = values.pop("municipality", None) or municipality("Baunatal")
    row = profile(
        user,
        status=status,
        municipality_id=place.id,
        mobility=Mobility.CAR,
        in_directory=in_directory,
        phone="+49 561 999 123",
        **values,
    )
    skill(row, "ar-SY", LanguageLevel.NATIVE)
    db.session.add(
        AvailabilitySlot(profile_id=row.id, weekday=1, starts_at=time(9), ends_at=time(12))
    )
    db.session.flush()
    return row


def skill(row: VolunteerProfile, code: str, level: LanguageLevel = LanguageLevel.B2):
    entry = LanguageSkill(profile_id=row.id, code=code, level=level, level_rank=LEVEL_RANK[level])
    db.session.add(entry)
    db.session.flush()
    db.session.expire(row, ["languages"])
    return entry


@contextmanager
def counted_statements():
    """Count the SQL statements sent while the block runs (``len(result)``)."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
