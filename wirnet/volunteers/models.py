"""Volunteers: profile, languages, qualifications, availability, conflicts and intake notes.

Domain words kept in German where they are the precise term:

- *Sprachmittlung*: lay language mediation (interpreting by trained volunteers, not sworn
  interpreters), the centre's main service.
- *Gesundheitslotse* / *Gesundheitslotsin*: a health guide, trained (e.g. in the MiMi
  programme) to explain the German health system in the migrants' own languages.
- *erweitertes Führungszeugnis*: the extended police clearance certificate. WIRnet stores
  no copy: only that it was seen, the date on it, who saw it and whether it holds a
  relevant entry (§ 72a (5) SGB VIII).
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wirnet.db_types import UTCDateTime, enum_column, utcnow
from wirnet.extensions import db

_enum = enum_column


class VolunteerStatus(enum.StrEnum):
    APPLICANT = "applicant"
    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"


class Mobility(enum.StrEnum):
    FOOT = "foot"
    BICYCLE = "bicycle"
    PUBLIC_TRANSPORT = "public_transport"
    CAR = "car"


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    DIVERSE = "diverse"


class Topic(enum.StrEnum):
    LANGUAGE_MEDIATION = "language_mediation"
    HEALTH = "health"
    AUTHORITIES = "authorities"
    SCHOOL_CHILDCARE = "school_childcare"
    WORK_JOBS = "work_jobs"
    LEISURE_SPORT = "leisure_sport"
    PROJECTS = "projects"


class LanguageLevel(enum.StrEnum):
    """CEFR levels, and native. ``rank`` orders them for "at least B2" filters."""

    NATIVE = "native"
    C2 = "C2"
    C1 = "C1"
    B2 = "B2"
    B1 = "B1"
    A2 = "A2"
    A1 = "A1"

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self]


LEVEL_RANK = {
    LanguageLevel.A1: 1,
    LanguageLevel.A2: 2,
    LanguageLevel.B1: 3,
    LanguageLevel.B2: 4,
    LanguageLevel.C1: 5,
    LanguageLevel.C2: 6,
    LanguageLevel.NATIVE: 7,
}


class LevelSource(enum.StrEnum):
    SELF_DECLARED = "self"
    TESTED = "tested"
    CERTIFICATE = "certificate"


class MediationMode(enum.StrEnum):
    ON_SITE = "on_site"
    PHONE = "phone"
    VIDEO = "video"


class MediationSetting(enum.StrEnum):
    HEALTH = "health"
    AUTHORITIES = "authorities"
    SCHOOL_CHILDCARE = "school_childcare"
    WORK = "work"
    EVERYDAY = "everyday"


class QualificationCategory(enum.StrEnum):
    LANGUAGE = "language"
    HEALTH = "health"
    GENERAL = "general"


class QualificationState(enum.StrEnum):
    CLAIMED = "claimed"
    VERIFIED = "verified"
    REJECTED = "rejected"


class VolunteerProfile(db.Model):
    __tablename__ = "volunteer_profiles"
    __table_args__ = (
        # Matching reads the active volunteers, town by town in id order, with the columns
        # its rules look at, from this index alone (a tenth of the table's size).
        Index(
            "ix_volunteer_profiles_active",
            "municipality_id",
            "id",
            "on_call",
            "gender",
            "mobility",
            "max_distance_km",
            postgresql_where=text("status = 'active'"),
            sqlite_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    status: Mapped[VolunteerStatus] = mapped_column(
        _enum(VolunteerStatus), default=VolunteerStatus.APPLICANT, index=True
    )
    #: Set when the volunteer pauses with an end date; back to active after it.
    paused_until: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(40))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL"), index=True
    )
    mobility: Mapped[Mobility | None] = mapped_column(_enum(Mobility))
    #: How far they will travel, in kilometres (straight line between municipality centres).
    max_distance_km: Mapped[int | None] = mapped_column()
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Optional; used only when a request asks for a preference.
    gender: Mapped[Gender | None] = mapped_column(_enum(Gender))
    #: Rich text as typed; shown only through ``sanitize_html``.
    about: Mapped[str | None] = mapped_column(Text)
    in_directory: Mapped[bool] = mapped_column(default=False)
    #: Can be asked at short notice, outside the weekly slots.
    on_call: Mapped[bool] = mapped_column(default=False)
    #: The organisation of a booked appointment may see the phone number (#8).
    share_phone: Mapped[bool] = mapped_column(default=False)
    #: Secret of the private calendar feed (``/calendar/<token>.ics``); None: no feed.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    intake_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    intake_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    user: Mapped[Any] = relationship("User", foreign_keys=[user_id], lazy="joined")
    municipality: Mapped[Any] = relationship("Municipality")
    languages: Mapped[list[LanguageSkill]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="LanguageSkill.id"
    )
    qualifications: Mapped[list[Qualification]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="Qualification.id"
    )
    slots: Mapped[list[AvailabilitySlot]] = relationship(
        back_populates="profile",
        cascade="all, delete-orphan",
        order_by="(AvailabilitySlot.weekday, AvailabilitySlot.starts_at)",
    )
    absences: Mapped[list[Absence]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="Absence.starts_on"
    )
    conflicts: Mapped[list[ConflictOfInterest]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="ConflictOfInterest.id"
    )
    intake_notes: Mapped[list[IntakeNote]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="IntakeNote.created_at"
    )

    def __repr__(self) -> str:
        return f"<VolunteerProfile {self.id} user={self.user_id} {self.status}>"


class LanguageSkill(db.Model):
    """One language or variety a volunteer speaks, as a BCP 47 tag (``ar-SY``, ``fa-AF``)."""

    __tablename__ = "language_skills"
    __table_args__ = (
        UniqueConstraint("profile_id", "code", name="uq_language_skills_profile_code"),
        # Matching reads the volunteers speaking a language at a level from this index
        # alone (profile_id included); ``text_pattern_ops`` lets PostgreSQL answer the
        # prefix LIKE of the varieties (``ar-%``) from it whatever the database's collation.
        Index(
            "ix_language_skills_code_rank",
            "code",
            "level_rank",
            "profile_id",
            postgresql_ops={"code": "text_pattern_ops"},
        ),
        # Matching: does this volunteer speak the language at a level, from the index alone.
        Index("ix_language_skills_profile_code_rank", "profile_id", "code", "level_rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(35))
    level: Mapped[LanguageLevel] = mapped_column(_enum(LanguageLevel, 10))
    #: ``LEVEL_RANK[level]``, stored so that "at least B2" is an index range in SQL.
    level_rank: Mapped[int] = mapped_column()
    level_source: Mapped[LevelSource] = mapped_column(
        _enum(LevelSource), default=LevelSource.SELF_DECLARED
    )
    mediates: Mapped[bool] = mapped_column(default=False)
    modes: Mapped[list[str]] = mapped_column(JSON, default=list)
    settings: Mapped[list[str]] = mapped_column(JSON, default=list)

    profile: Mapped[VolunteerProfile] = relationship(back_populates="languages")


class QualificationType(db.Model):
    """The catalogue, loaded from ``wirnet/data/qualifications.toml``."""

    __tablename__ = "qualification_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    category: Mapped[QualificationCategory] = mapped_column(_enum(QualificationCategory))
    #: None: does not expire.
    validity_months: Mapped[int | None] = mapped_column()
    evidence_required: Mapped[bool] = mapped_column(default=False)
    #: The volunteer and coordinators are told this many days before expiry.
    renewal_window_days: Mapped[int] = mapped_column(default=60)
    #: After expiry it still counts (flagged) for this many days.
    grace_days: Mapped[int] = mapped_column(default=0)
    #: The *erweitertes Führungszeugnis*: evidence is recorded with its "relevant entry" flag.
    police_clearance: Mapped[bool] = mapped_column(default=False)
    #: The name per locale, e.g. ``{"de": "Erste Hilfe", "en": "First aid", ...}``.
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Qualification(db.Model):
    """A qualification a volunteer claims; counts only once verified and while valid."""

    __tablename__ = "qualifications"
    __table_args__ = (
        # Matching: who holds a type, verified, valid on a day, from the index alone.
        Index(
            "ix_qualifications_type_state_expiry", "type_id", "state", "expires_on", "profile_id"
        ),
        # Matching: does this volunteer hold a type, verified, valid, from the index alone.
        Index(
            "ix_qualifications_profile_type_state_expiry",
            "profile_id",
            "type_id",
            "state",
            "expires_on",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True
    )
    type_id: Mapped[int] = mapped_column(
        ForeignKey("qualification_types.id", ondelete="RESTRICT"), index=True
    )
    state: Mapped[QualificationState] = mapped_column(
        _enum(QualificationState), default=QualificationState.CLAIMED, index=True
    )
    obtained_on: Mapped[date] = mapped_column(Date)
    #: Computed from ``obtained_on`` and the type's validity; None when it does not expire.
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    #: Evidence: only that it was seen, the date on it and who saw it; never a copy.
    evidence_seen_on: Mapped[date | None] = mapped_column(Date)
    evidence_dated: Mapped[date | None] = mapped_column(Date)
    evidence_seen_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: Police clearance only: whether the certificate holds a relevant entry.
    relevant_entry: Mapped[bool | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the expiry reminder went out, so that it goes out once.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    profile: Mapped[VolunteerProfile] = relationship(back_populates="qualifications")
    type: Mapped[QualificationType] = relationship(lazy="joined")


class AvailabilitySlot(db.Model):
    """A weekly recurring time a volunteer can help (local time, Europe/Berlin)."""

    __tablename__ = "availability_slots"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # Matching: does this volunteer have a slot covering a time, from the index alone.
        Index("ix_availability_slots_weekday", "weekday", "profile_id", "starts_at", "ends_at"),
        # Matching: who has a slot covering a time, from the index alone.
        Index("ix_availability_slots_cover", "weekday", "starts_at", "ends_at", "profile_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True
    )
    #: 0 = Monday … 6 = Sunday (ISO order, as ``date.weekday()``).
    weekday: Mapped[int] = mapped_column()
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)

    profile: Mapped[VolunteerProfile] = relationship(back_populates="slots")


class Absence(db.Model):
    __tablename__ = "absences"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        # Matching: is this volunteer away on a day, from the index alone.
        Index("ix_absences_profile_days", "profile_id", "starts_on", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    profile: Mapped[VolunteerProfile] = relationship(back_populates="absences")


class ConflictOfInterest(db.Model):
    """Someone the volunteer must not be sent to: family, neighbours, their own employer."""

    __tablename__ = "conflicts_of_interest"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True
    )
    #: A person (initials or client reference) or an organisation, as the volunteer says it.
    description: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    profile: Mapped[VolunteerProfile] = relationship(back_populates="conflicts")


class IntakeNote(db.Model):
    """What the coordinator noted in the intake talk. Coordinators only; every read audited."""

    __tablename__ = "intake_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    profile: Mapped[VolunteerProfile] = relationship(back_populates="intake_notes")
    author: Mapped[Any] = relationship("User", foreign_keys=[author_id])


class ImportBatch(db.Model):
    """A spreadsheet of volunteers, parsed and checked, waiting for the coordinator's go.

    Kept in the database between preview and confirmation, so that any app process can
    finish it; deleted once imported or after a day.
    """

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    filename: Mapped[str] = mapped_column(String(255))
    #: The parsed rows with their problems: ``[{"line": 2, "data": {...}, "problems": [...]}]``.
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def _users_by_name_index() -> Index:
    """The coordinators' volunteer list (and the admin's accounts list) sort by
    ``lower(display_name), id``: with this index a page of 25 is read in index order
    instead of sorting every account (10 000 volunteers: 25 ms → under 1 ms on PostgreSQL).
    """
    from wirnet.auth.models import User

    users = User.__table__
    index = Index("ix_users_display_name_lower", func.lower(users.c.display_name), users.c.id)
    # PostgreSQL only: SQLite cannot reflect an expression index (the schema check would
    # warn), and a SQLite database is for demos and tests, not for 10 000 volunteers.
    return index.ddl_if(dialect="postgresql")


USERS_BY_NAME = _users_by_name_index()
