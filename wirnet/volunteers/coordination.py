"""What coordinators read and do: the volunteer list, a volunteer's page, intake talk and
notes, evidence and decisions on qualifications, the list of expiring qualifications.

The list reads a constant number of queries whatever the page size: a count, the page of
volunteers (account, profile and municipality joined), then the languages and the
qualifications of just those profiles, one ``IN`` query each. Services flush and audit;
the views commit.
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from wirnet import audit
from wirnet.auth.models import User
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.pagination import Page
from wirnet.regions import Municipality
from wirnet.roles import Role
from wirnet.volunteers import qualifications as rules
from wirnet.volunteers.models import (
    LEVEL_RANK,
    AvailabilitySlot,
    IntakeNote,
    LanguageLevel,
    LanguageSkill,
    Qualification,
    QualificationState,
    QualificationType,
    VolunteerProfile,
    VolunteerStatus,
)
from wirnet.volunteers.profiles import ensure_profile

PER_PAGE = 25
#: Coordinators are shown the qualifications that expire within this many days.
EXPIRING_DAYS = 60

S = VolunteerStatus


class Sort(enum.StrEnum):
    NAME = "name"
    MUNICIPALITY = "municipality"
    STATUS = "status"
    NEWEST = "newest"


#: The life-cycle order, for sorting by status (a volunteer without a profile is an applicant).
STATUS_ORDER = {S.APPLICANT: 0, S.ACTIVE: 1, S.PAUSED: 2, S.LEFT: 3}

#: A BCP 47 tag as the list stores it: language, optional script, optional region.
TAG_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")


@dataclass(frozen=True)
class VolunteerFilter:
    query: str = ""
    #: A BCP 47 tag; ``ar`` finds every Arabic variety, ``fa-AF`` only Dari.
    language: str | None = None
    min_level: LanguageLevel | None = None
    #: A qualification type the volunteer holds today (verified and counting).
    qualification: QualificationType | None = None
    municipality_id: int | None = None
    status: VolunteerStatus | None = None
    #: 0 = Monday … 6 = Sunday: has a weekly slot that day.
    weekday: int | None = None
    #: Only volunteers with a qualification claimed and not yet decided.
    waiting: bool = False
    sort: Sort = Sort.NAME


@dataclass
class VolunteerRow:
    """One line of the list: the account, its profile (None before the first save)."""

    user: User
    profile: VolunteerProfile | None
    languages: list[LanguageSkill] = field(default_factory=list)
    qualifications: list[Qualification] = field(default_factory=list)

    @property
    def status(self) -> VolunteerStatus:
        return self.profile.status if self.profile else S.APPLICANT

    @property
    def municipality(self) -> Municipality | None:
        return self.profile.municipality if self.profile else None


def language_condition(tag: str):
    """Skills in ``tag`` or one of its varieties: ``ar`` → ``ar``, ``ar-SY``, ``ar-IQ`` …"""
    return or_(
        LanguageSkill.code == tag,
        LanguageSkill.code.startswith(tag + "-", autoescape=True),
    )


def held_condition(kind: QualificationType, today: date):
    """Qualifications of ``kind`` that count today: verified, and not past expiry + grace."""
    cutoff = today - timedelta(days=kind.grace_days or 0)
    return and_(
        Qualification.type_id == kind.id,
        Qualification.state == QualificationState.VERIFIED,
        or_(Qualification.expires_on.is_(None), Qualification.expires_on >= cutoff),
    )


def _filtered(stmt: Select, filters: VolunteerFilter, today: date) -> Select:
    stmt = stmt.where(User.role == Role.VOLUNTEER)
    if filters.query:
        # autoescape: a % or _ typed into the search is searched for, not a wildcard.
        stmt = stmt.where(User.display_name.icontains(filters.query, autoescape=True))
    if filters.language or filters.min_level:
        conditions = [LanguageSkill.profile_id == VolunteerProfile.id]
        if filters.language:
            conditions.append(language_condition(filters.language))
        if filters.min_level:
            conditions.append(LanguageSkill.level_rank >= LEVEL_RANK[filters.min_level])
        stmt = stmt.where(exists().where(*conditions))
    if filters.qualification is not None:
        stmt = stmt.where(
            exists().where(
                Qualification.profile_id == VolunteerProfile.id,
                held_condition(filters.qualification, today),
            )
        )
    if filters.municipality_id is not None:
        stmt = stmt.where(VolunteerProfile.municipality_id == filters.municipality_id)
    if filters.status is S.APPLICANT:
        stmt = stmt.where(
            or_(VolunteerProfile.id.is_(None), VolunteerProfile.status == S.APPLICANT)
        )
    elif filters.status is not None:
        stmt = stmt.where(VolunteerProfile.status == filters.status)
    if filters.waiting:
        stmt = stmt.where(
            exists().where(
                Qualification.profile_id == VolunteerProfile.id,
                Qualification.state == QualificationState.CLAIMED,
            )
        )
    if filters.weekday is not None:
        stmt = stmt.where(
            exists().where(
                AvailabilitySlot.profile_id == VolunteerProfile.id,
                AvailabilitySlot.weekday == filters.weekday,
            )
        )
    return stmt


def _joined(stmt: Select) -> Select:
    return stmt.outerjoin(VolunteerProfile, VolunteerProfile.user_id == User.id).outerjoin(
        Municipality, Municipality.id == VolunteerProfile.municipality_id
    )


def _order(sort: Sort):
    name = (func.lower(User.display_name), User.id)
    if sort is Sort.MUNICIPALITY:
        return (Municipality.name.is_(None), Municipality.name, *name)
    if sort is Sort.STATUS:
        order = case(
            *((VolunteerProfile.status == status, rank) for status, rank in STATUS_ORDER.items()),
            else_=0,
        )
        return (order, *name)
    if sort is Sort.NEWEST:
        return (User.created_at.desc(), User.id.desc())
    return name


def list_volunteers(
    filters: VolunteerFilter, *, today: date, page: int = 1, per_page: int = PER_PAGE
) -> Page:
    """One page of volunteers in four queries, whatever ``per_page`` is."""
    count = _filtered(_joined(select(func.count(User.id)).select_from(User)), filters, today)
    total = db.session.scalar(count) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    stmt = (
        _filtered(_joined(select(User, VolunteerProfile).select_from(User)), filters, today)
        .options(
            contains_eager(VolunteerProfile.user),
            contains_eager(VolunteerProfile.municipality),
        )
        .order_by(*_order(filters.sort))
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    rows = [VolunteerRow(user, profile) for user, profile in db.session.execute(stmt)]
    by_profile = {row.profile.id: row for row in rows if row.profile is not None}
    if by_profile:
        ids = list(by_profile)
        for skill in db.session.scalars(
            select(LanguageSkill)
            .where(LanguageSkill.profile_id.in_(ids))
            .order_by(LanguageSkill.level_rank.desc(), LanguageSkill.id)
        ):
            by_profile[skill.profile_id].languages.append(skill)
        for qualification in db.session.scalars(
            select(Qualification)
            .where(Qualification.profile_id.in_(ids))
            .order_by(Qualification.id)
        ):
            by_profile[qualification.profile_id].qualifications.append(qualification)
    return Page(rows, total, page, per_page)


def spoken_languages() -> list[str]:
    """Every tag some volunteer has, with the language of each variety (``ar`` for ``ar-SY``)."""
    codes = set(db.session.scalars(select(LanguageSkill.code).distinct()))
    return sorted(codes | {code.split("-")[0] for code in codes})


def is_tag(value: str) -> bool:
    return bool(TAG_PATTERN.match(value))


def municipalities() -> list[Municipality]:
    return list(db.session.scalars(select(Municipality).order_by(Municipality.name)))


def qualification_types() -> list[QualificationType]:
    return list(
        db.session.scalars(
            select(QualificationType).order_by(
                QualificationType.active.desc(), QualificationType.position
            )
        )
    )


# --- the coordinator's overview --------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    #: Volunteers not yet active: no profile yet, or status applicant (accounts in use).
    applicants: int
    #: Qualifications claimed and not yet verified or rejected (of volunteers who stay).
    unverified: int
    #: Verified qualifications that expire within ``EXPIRING_DAYS``.
    expiring: int


def counts(*, today: date) -> Counts:
    """The numbers on the coordinator's overview, in one query."""
    applicants = (
        select(func.count(User.id))
        .select_from(User)
        .outerjoin(VolunteerProfile, VolunteerProfile.user_id == User.id)
        .where(
            User.role == Role.VOLUNTEER,
            User.active,
            or_(VolunteerProfile.id.is_(None), VolunteerProfile.status == S.APPLICANT),
        )
        .scalar_subquery()
    )
    unverified = (
        select(func.count(Qualification.id))
        .join(VolunteerProfile, VolunteerProfile.id == Qualification.profile_id)
        .where(Qualification.state == QualificationState.CLAIMED, VolunteerProfile.status != S.LEFT)
        .scalar_subquery()
    )
    expiring = _expiring_filtered(
        select(func.count(Qualification.id)).select_from(Qualification), today
    ).scalar_subquery()
    row = db.session.execute(select(applicants, unverified, expiring)).one()
    return Counts(*(value or 0 for value in row))


# --- expiring qualifications ------------------------------------------------------------


def _expiring_filtered(stmt: Select, today: date) -> Select:
    return (
        stmt.join(VolunteerProfile, VolunteerProfile.id == Qualification.profile_id)
        .join(User, User.id == VolunteerProfile.user_id)
        .where(
            Qualification.state == QualificationState.VERIFIED,
            Qualification.expires_on >= today,
            Qualification.expires_on <= today + timedelta(days=EXPIRING_DAYS),
            VolunteerProfile.status != S.LEFT,
        )
    )


def expiring(*, today: date, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """Verified qualifications expiring in the next ``EXPIRING_DAYS`` days, soonest first;
    volunteers who left are not chased. Two queries whatever the page size."""
    total = (
        db.session.scalar(
            _expiring_filtered(
                select(func.count(Qualification.id)).select_from(Qualification), today
            )
        )
        or 0
    )
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    stmt = (
        _expiring_filtered(select(Qualification), today)
        .options(
            contains_eager(Qualification.profile).contains_eager(VolunteerProfile.user),
        )
        .order_by(Qualification.expires_on, func.lower(User.display_name), Qualification.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(list(db.session.scalars(stmt).unique()), total, page, per_page)


# --- one volunteer ----------------------------------------------------------------------


def volunteer_account(user_id: int) -> User | None:
    """The account of a volunteer (None for any other account: coordinators are not listed)."""
    user = db.session.get(User, user_id)
    if user is None:
        return None
    if user.role != Role.VOLUNTEER and _profile_of(user.id) is None:
        return None
    return user


def _profile_of(user_id: int, *, full: bool = False) -> VolunteerProfile | None:
    stmt = select(VolunteerProfile).where(VolunteerProfile.user_id == user_id)
    if full:
        stmt = stmt.options(
            selectinload(VolunteerProfile.languages),
            selectinload(VolunteerProfile.qualifications),
            selectinload(VolunteerProfile.slots),
            selectinload(VolunteerProfile.absences),
            selectinload(VolunteerProfile.conflicts),
            selectinload(VolunteerProfile.intake_notes).joinedload(IntakeNote.author),
        )
    return db.session.scalar(stmt)


def full_profile(user: User) -> VolunteerProfile | None:
    return _profile_of(user.id, full=True)


def users_by_id(ids) -> dict[int, User]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def notes_viewed(profile: VolunteerProfile, actor: User) -> None:
    """Intake notes are confidential: every time they are shown, the audit log says who."""
    if profile.intake_notes:
        audit.record(
            "volunteer.intake_notes_viewed",
            actor=actor,
            obj=profile,
            notes=[note.id for note in profile.intake_notes],
        )
        db.session.flush()


def add_intake_note(user: User, text: str, actor: User) -> IntakeNote:
    profile = ensure_profile(user)
    note = IntakeNote(profile_id=profile.id, author_id=actor.id, text=text)
    db.session.add(note)
    db.session.flush()
    audit.record("volunteer.intake_note_added", actor=actor, obj=profile, note=note.id)
    return note


def record_intake(user: User, actor: User) -> bool:
    """Record that the intake talk was held; False when it already was."""
    profile = ensure_profile(user)
    if profile.intake_done_at is not None:
        return False
    profile.intake_done_at = utcnow()
    profile.intake_by_id = actor.id
    audit.record("volunteer.intake_done", actor=actor, obj=profile)
    db.session.flush()
    return True


def qualification_of(user: User, qualification_id: int) -> Qualification | None:
    """One of ``user``'s qualifications (None for anyone else's: the URL names both)."""
    return db.session.scalar(
        select(Qualification)
        .join(VolunteerProfile, VolunteerProfile.id == Qualification.profile_id)
        .where(Qualification.id == qualification_id, VolunteerProfile.user_id == user.id)
    )


def standings(profile: VolunteerProfile | None, today: date) -> dict[int, rules.Standing]:
    if profile is None:
        return {}
    return {q.id: rules.standing_of(q, today) for q in profile.qualifications}
