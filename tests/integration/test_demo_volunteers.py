"""``flask demo-data --volunteers N --seed S``: realistic volunteers, reproducible, idempotent,
and written in bulk (the number of SQL statements does not grow with N)."""

from __future__ import annotations

from sqlalchemy import delete, event, func, select

from wirnet.auth.models import User
from wirnet.extensions import db
from wirnet.volunteers import languages
from wirnet.volunteers.models import (
    Absence,
    AvailabilitySlot,
    LanguageSkill,
    Qualification,
    QualificationState,
    QualificationType,
    VolunteerProfile,
    VolunteerStatus,
)


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=["demo-data", *args])
    assert result.exit_code == 0, result.output
    return result


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def generated() -> list[tuple]:
    """Everything about the generated volunteers that the seed decides, ids left out."""
    db.session.expire_all()
    users = db.session.scalars(
        select(User).where(User.email.like("volunteer0%")).order_by(User.email)
    ).all()
    snapshot = []
    for user in users:
        profile = db.session.scalar(
            select(VolunteerProfile).where(VolunteerProfile.user_id == user.id)
        )
        snapshot.append(
            (
                user.email,
                user.display_name,
                user.locale,
                profile.status,
                profile.municipality.name if profile.municipality else None,
                profile.mobility,
                tuple(profile.topics),
                profile.on_call,
                tuple((s.code, s.level, s.mediates, tuple(s.modes)) for s in profile.languages),
                tuple(
                    (q.type.key, q.state, q.obtained_on, q.expires_on)
                    for q in profile.qualifications
                ),
                tuple((s.weekday, s.starts_at, s.ends_at) for s in profile.slots),
                tuple((a.starts_on, a.ends_on) for a in profile.absences),
            )
        )
    return snapshot


def remove_generated() -> None:
    db.session.execute(delete(User).where(User.email.like("volunteer0%")))
    db.session.flush()


def test_the_same_seed_gives_the_same_volunteers_and_another_seed_others(app):
    run(app, "--volunteers", "15", "--seed", "7")
    first = generated()
    assert len(first) == 15

    remove_generated()
    run(app, "--volunteers", "15", "--seed", "7")
    assert generated() == first

    remove_generated()
    run(app, "--volunteers", "15", "--seed", "8")
    assert generated() != first


def test_running_twice_changes_nothing(app):
    run(app, "--volunteers", "20", "--seed", "3")
    before = row_counts()
    assert before["volunteer_profiles"] == 21  # 20 and the demo volunteer
    snapshot = generated()

    result = run(app, "--volunteers", "20", "--seed", "3")
    assert "(0 new records)" in result.output
    assert row_counts() == before
    assert generated() == snapshot


def test_volunteers_have_languages_qualifications_slots_and_statuses(app):
    run(app, "--volunteers", "60", "--seed", "2026")
    assert db.session.scalar(select(func.count()).select_from(QualificationType)) >= 8

    skills = db.session.scalars(select(LanguageSkill)).all()
    codes = {skill.code for skill in skills}
    assert {"de", "ar-SY", "fa-AF", "uk"} <= codes
    assert all(languages.is_known(code, "en") for code in codes), codes
    assert all(skill.level_rank >= 1 for skill in skills)
    assert any(skill.mediates and skill.modes and skill.settings for skill in skills)

    states = set(db.session.scalars(select(Qualification.state)))
    assert {QualificationState.VERIFIED, QualificationState.CLAIMED} <= states
    statuses = set(db.session.scalars(select(VolunteerProfile.status)))
    assert {VolunteerStatus.ACTIVE, VolunteerStatus.APPLICANT, VolunteerStatus.PAUSED} <= statuses
    assert db.session.scalar(select(func.count()).select_from(AvailabilitySlot)) > 60
    assert db.session.scalar(select(func.count()).select_from(Absence)) > 0
    # Police clearance: only "seen, dated, no relevant entry" for the verified ones.
    police = db.session.scalars(
        select(Qualification)
        .join(QualificationType)
        .where(QualificationType.police_clearance, Qualification.state == "verified")
    ).all()
    assert police and all(q.relevant_entry is False and q.evidence_seen_on for q in police)


def test_the_demo_volunteer_has_a_complete_profile(app):
    run(app, "--volunteers", "0")
    rana = User.by_email("volunteer@example.org")
    profile = db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == rana.id))
    assert profile.status is VolunteerStatus.ACTIVE
    assert profile.municipality.name == "Baunatal" and profile.in_directory
    assert [s.code for s in profile.languages] == ["ar-SY", "de", "en"]
    assert profile.languages[0].mediates
    kinds = {q.type.key: q.state for q in profile.qualifications}
    assert kinds["police_clearance"] is QualificationState.VERIFIED
    assert kinds["first_aid"] is QualificationState.CLAIMED
    assert len(profile.slots) == 3 and len(profile.absences) == 1


def _statements(app, count: int) -> int:
    executed = []

    def listen(*_args):
        executed.append(1)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        run(app, "--volunteers", str(count), "--seed", str(count))
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return len(executed)


def test_volunteers_are_written_in_bulk(app):
    """What makes 10,000 load in seconds: the statements do not grow with the number."""
    run(app, "--volunteers", "0")  # the region, the catalogue and the fixed accounts
    few = _statements(app, 10)
    remove_generated()
    many = _statements(app, 300)
    # The same but for a table that got no rows from one of the runs (one INSERT less).
    assert abs(many - few) <= 4, (few, many)
