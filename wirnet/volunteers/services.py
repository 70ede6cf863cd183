"""The volunteer's own changes: one verb per function; each flushes and audits, never commits.

A rule the forms cannot check alone (a language already listed, a qualification already
waiting, a pause that is not allowed now) raises :class:`VolunteerError` naming the field
and a translated message; the view shows it on the form and the request changes nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from wirnet import audit
from wirnet.extensions import db
from wirnet.regions import Municipality
from wirnet.roles import Role
from wirnet.security import is_coordinator
from wirnet.volunteers import qualifications as rules
from wirnet.volunteers import status as lifecycle
from wirnet.volunteers.languages import canonical
from wirnet.volunteers.models import (
    LEVEL_RANK,
    Absence,
    AvailabilitySlot,
    ConflictOfInterest,
    Gender,
    LanguageLevel,
    LanguageSkill,
    LevelSource,
    Mobility,
    QualificationState,
    QualificationType,
    VolunteerProfile,
    VolunteerStatus,
)
from wirnet.volunteers.profiles import ensure_profile, profile_of


class VolunteerError(ValueError):
    """A change the rules refuse; ``field`` is the form field the message belongs to."""

    def __init__(self, field: str, message) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


# --- onboarding ---------------------------------------------------------------------------


class Step(StrEnum):
    PROFILE = "profile"
    LANGUAGES = "languages"
    AVAILABILITY = "availability"
    INTAKE = "intake"
    EVIDENCE = "evidence"


@dataclass
class Onboarding:
    """What the volunteer's home page shows: status, what is missing, what comes next."""

    status: VolunteerStatus
    paused_until: date | None
    done: dict[Step, bool]
    #: Claimed qualifications whose certificate the centre still has to see.
    evidence_pending: list[QualificationType] = field(default_factory=list)
    can_pause: bool = False
    can_resume: bool = False

    @property
    def missing(self) -> list[Step]:
        return [step for step, done in self.done.items() if not done]

    @property
    def complete(self) -> bool:
        return not self.missing


def onboarding(user) -> Onboarding:
    """The checklist for ``user``; reads only (a GET never creates the profile)."""
    profile = profile_of(user)
    if profile is None:
        return Onboarding(
            status=VolunteerStatus.APPLICANT,
            paused_until=None,
            done=dict.fromkeys(Step, False),
        )
    pending = [
        q.type
        for q in profile.qualifications
        if q.type.evidence_required and q.state is QualificationState.CLAIMED
    ]
    done = {
        Step.PROFILE: profile.municipality_id is not None and profile.mobility is not None,
        Step.LANGUAGES: bool(profile.languages),
        Step.AVAILABILITY: bool(profile.slots) or profile.on_call,
        Step.INTAKE: profile.intake_done_at is not None,
        Step.EVIDENCE: not pending,
    }
    targets = lifecycle.allowed_targets(profile.status, Role.VOLUNTEER)
    return Onboarding(
        status=profile.status,
        paused_until=profile.paused_until,
        done=done,
        evidence_pending=pending,
        can_pause=VolunteerStatus.PAUSED in targets,
        can_resume=VolunteerStatus.ACTIVE in targets,
    )


def pause(user, *, until: date | None, today: date) -> None:
    """The volunteer takes a break, optionally until a day in the future."""
    profile = profile_of(user)
    if profile is None or profile.status is not VolunteerStatus.ACTIVE:
        raise VolunteerError("until", _l("Only an active volunteer can take a break."))
    if until is not None and until <= today:
        raise VolunteerError("until", _l("The end of the break must be in the future."))
    lifecycle.change_status(profile, VolunteerStatus.PAUSED, user, until=until, today=today)


def resume(user) -> None:
    """The volunteer comes back from a break."""
    profile = profile_of(user)
    if profile is None or profile.status is not VolunteerStatus.PAUSED:
        raise VolunteerError("submit", _l("You are not taking a break."))
    lifecycle.change_status(profile, VolunteerStatus.ACTIVE, user)


# --- profile ------------------------------------------------------------------------------


@dataclass
class ProfileData:
    display_name: str
    phone: str | None
    municipality_id: int | None
    mobility: Mobility | None
    max_distance_km: int | None
    topics: list[str]
    gender: Gender | None
    about: str | None
    in_directory: bool
    #: The organisations of the volunteer's booked appointments may see the phone number.
    share_phone: bool = False


def municipalities() -> list[Municipality]:
    return list(db.session.scalars(select(Municipality)))


def update_profile(user, data: ProfileData) -> VolunteerProfile:
    profile = ensure_profile(user)
    if (
        data.municipality_id is not None
        and db.session.get(Municipality, data.municipality_id) is None
    ):
        raise VolunteerError("municipality", _l("Please choose a municipality from the list."))
    changed = []
    if user.display_name != data.display_name:
        user.display_name = data.display_name
        changed.append("display_name")
    values = {
        "phone": data.phone or None,
        "municipality_id": data.municipality_id,
        "mobility": data.mobility,
        "max_distance_km": data.max_distance_km,
        "topics": list(data.topics),
        "gender": data.gender,
        "about": data.about or None,
        "in_directory": data.in_directory,
        "share_phone": data.share_phone,
    }
    for name, value in values.items():
        if getattr(profile, name) != value:
            setattr(profile, name, value)
            changed.append(name)
    if changed:
        # The field names only: the values are personal data and stay out of the trail.
        audit.record("volunteer.profile_updated", actor=user, obj=profile, fields=changed)
    db.session.flush()
    return profile


# --- languages ----------------------------------------------------------------------------


@dataclass
class LanguageData:
    level: LanguageLevel
    mediates: bool
    modes: list[str]
    settings: list[str]


def language_of(user, skill_id: int) -> LanguageSkill | None:
    """One of ``user``'s own languages; None for anyone else's (the view answers 404)."""
    profile = profile_of(user)
    if profile is None:
        return None
    return db.session.scalar(
        select(LanguageSkill).where(
            LanguageSkill.id == skill_id, LanguageSkill.profile_id == profile.id
        )
    )


def _apply_language(skill: LanguageSkill, data: LanguageData) -> None:
    level = LanguageLevel(data.level)
    if skill.level is not None and skill.level != level:
        # A level the centre tested or saw on a certificate no longer holds once changed.
        skill.level_source = LevelSource.SELF_DECLARED
    skill.level = level
    skill.level_rank = LEVEL_RANK[level]
    skill.mediates = data.mediates
    skill.modes = list(data.modes) if data.mediates else []
    skill.settings = list(data.settings) if data.mediates else []


def add_language(user, code: str, data: LanguageData) -> LanguageSkill:
    profile = ensure_profile(user)
    code = canonical(code)
    if any(skill.code == code for skill in profile.languages):
        raise VolunteerError(
            "code", _l("This language is already in your list. Change it there instead.")
        )
    skill = LanguageSkill(profile=profile, code=code, level_source=LevelSource.SELF_DECLARED)
    _apply_language(skill, data)
    db.session.add(skill)
    db.session.flush()
    audit.record("volunteer.language_added", actor=user, obj=skill, code=code, level=skill.level)
    return skill


def update_language(user, skill: LanguageSkill, data: LanguageData) -> None:
    _apply_language(skill, data)
    db.session.flush()
    audit.record("volunteer.language_updated", actor=user, obj=skill, code=skill.code)


def remove_language(user, skill: LanguageSkill) -> None:
    audit.record("volunteer.language_removed", actor=user, obj=skill, code=skill.code)
    db.session.delete(skill)
    db.session.flush()


# --- qualifications -----------------------------------------------------------------------


def qualification_type(type_id: int | None) -> QualificationType | None:
    kind = db.session.get(QualificationType, type_id) if type_id else None
    return kind if kind is not None and kind.active else None


def claim_qualification(user, kind: QualificationType, obtained_on: date, *, today: date):
    """The volunteer claims ``kind`` since ``obtained_on``; a coordinator verifies it."""
    if obtained_on > today:
        raise VolunteerError("obtained_on", _l("The date cannot be in the future."))
    expires_on = rules.compute_expiry(obtained_on, kind.validity_months)
    if (
        expires_on is not None
        and rules.standing(
            QualificationState.VERIFIED,
            expires_on,
            renewal_window_days=kind.renewal_window_days,
            grace_days=kind.grace_days,
            on=today,
        )
        is rules.Standing.EXPIRED
    ):
        raise VolunteerError(
            "obtained_on",
            _l(
                "A qualification obtained on this date has already expired. Please renew it "
                "first, then add it with the new date."
            ),
        )
    profile = ensure_profile(user)
    for existing in profile.qualifications:
        if existing.type_id == kind.id and existing.state is QualificationState.CLAIMED:
            raise VolunteerError(
                "type_id",
                _l("You have already added this qualification; the centre will check it."),
            )
    return rules.claim(profile, kind, obtained_on, user, today=today)


# --- availability -------------------------------------------------------------------------


def slot_of(user, slot_id: int) -> AvailabilitySlot | None:
    profile = profile_of(user)
    if profile is None:
        return None
    return db.session.scalar(
        select(AvailabilitySlot).where(
            AvailabilitySlot.id == slot_id, AvailabilitySlot.profile_id == profile.id
        )
    )


def add_slot(user, weekday: int, starts_at: time, ends_at: time) -> tuple[AvailabilitySlot, bool]:
    """Add a weekly slot. Slots on the same day that overlap or touch it are merged into
    one (9–12 and 11–14 become 9–14), so the week never lists the same hour twice.
    Returns the slot and whether anything was merged."""
    if not 0 <= weekday <= 6:
        raise VolunteerError("weekday", _l("Please choose a day of the week."))
    if ends_at <= starts_at:
        raise VolunteerError("ends_at", _l("The end must be after the start."))
    profile = ensure_profile(user)
    merged = False
    for other in [s for s in profile.slots if s.weekday == weekday]:
        if other.starts_at <= ends_at and starts_at <= other.ends_at:
            starts_at = min(starts_at, other.starts_at)
            ends_at = max(ends_at, other.ends_at)
            profile.slots.remove(other)
            db.session.delete(other)
            merged = True
    slot = AvailabilitySlot(profile=profile, weekday=weekday, starts_at=starts_at, ends_at=ends_at)
    db.session.add(slot)
    db.session.flush()
    audit.record(
        "volunteer.slot_added",
        actor=user,
        obj=slot,
        weekday=weekday,
        starts_at=starts_at.isoformat("minutes"),
        ends_at=ends_at.isoformat("minutes"),
        merged=merged,
    )
    return slot, merged


def remove_slot(user, slot: AvailabilitySlot) -> None:
    audit.record("volunteer.slot_removed", actor=user, obj=slot)
    db.session.delete(slot)
    db.session.flush()


def absence_of(user, absence_id: int) -> Absence | None:
    profile = profile_of(user)
    if profile is None:
        return None
    return db.session.scalar(
        select(Absence).where(Absence.id == absence_id, Absence.profile_id == profile.id)
    )


def add_absence(user, starts_on: date, ends_on: date, *, today: date) -> Absence:
    if ends_on < starts_on:
        raise VolunteerError("ends_on", _l("The last day cannot be before the first day."))
    if ends_on < today:
        raise VolunteerError(
            "ends_on", _l("This absence is already over. Please enter one that is still to come.")
        )
    profile = ensure_profile(user)
    absence = Absence(profile=profile, starts_on=starts_on, ends_on=ends_on)
    db.session.add(absence)
    db.session.flush()
    audit.record(
        "volunteer.absence_added",
        actor=user,
        obj=absence,
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat(),
    )
    return absence


def remove_absence(user, absence: Absence) -> None:
    audit.record("volunteer.absence_removed", actor=user, obj=absence)
    db.session.delete(absence)
    db.session.flush()


def set_on_call(user, on_call: bool) -> None:
    profile = ensure_profile(user)
    if profile.on_call != on_call:
        profile.on_call = on_call
        audit.record("volunteer.on_call_set", actor=user, obj=profile, on_call=on_call)
    db.session.flush()


# --- conflicts of interest ----------------------------------------------------------------


def conflict_of(user, conflict_id: int) -> ConflictOfInterest | None:
    profile = profile_of(user)
    if profile is None:
        return None
    return db.session.scalar(
        select(ConflictOfInterest).where(
            ConflictOfInterest.id == conflict_id, ConflictOfInterest.profile_id == profile.id
        )
    )


def add_conflict(user, description: str) -> ConflictOfInterest:
    profile = ensure_profile(user)
    conflict = ConflictOfInterest(profile=profile, description=description)
    db.session.add(conflict)
    db.session.flush()
    audit.record("volunteer.conflict_added", actor=user, obj=conflict)
    return conflict


def remove_conflict(user, conflict: ConflictOfInterest) -> None:
    audit.record("volunteer.conflict_removed", actor=user, obj=conflict)
    db.session.delete(conflict)
    db.session.flush()


# --- directory ----------------------------------------------------------------------------

DIRECTORY_PER_PAGE = 20


@dataclass
class DirectoryPage:
    profiles: list[VolunteerProfile]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def may_see_directory(user) -> bool:
    """Coordinators and admins; a volunteer only once their own card is in the directory."""
    if is_coordinator(user):
        return True
    if user.role is not Role.VOLUNTEER:
        return False
    profile = profile_of(user)
    return profile is not None and profile.in_directory


def directory(page: int = 1, per_page: int = DIRECTORY_PER_PAGE) -> DirectoryPage:
    """Active volunteers who opted in, by name; three queries whatever the page size."""
    from wirnet.auth.models import User

    where = (
        VolunteerProfile.in_directory.is_(True),
        VolunteerProfile.status == VolunteerStatus.ACTIVE,
        User.active.is_(True),
    )
    total = db.session.scalar(
        select(func.count(VolunteerProfile.id)).join(User, VolunteerProfile.user).where(*where)
    )
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    stmt = (
        select(VolunteerProfile)
        .join(User, VolunteerProfile.user)
        .where(*where)
        .options(
            joinedload(VolunteerProfile.municipality), selectinload(VolunteerProfile.languages)
        )
        .order_by(func.lower(User.display_name), VolunteerProfile.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    profiles = list(db.session.scalars(stmt).unique())
    return DirectoryPage(profiles, total or 0, page, per_page)
