"""Requests for a volunteer, their series and their history.

The person helped (the client) never has an account: a request holds only a pseudonymous
reference (initials or a number) and what the appointment needs.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wirnet.db_types import UTCDateTime, enum_column, utcnow
from wirnet.extensions import db


class RequestKind(enum.StrEnum):
    LANGUAGE_MEDIATION = "language_mediation"  # Sprachmittlung
    HEALTH_GUIDANCE = "health_guidance"  # by a Gesundheitslotse/-lotsin
    ACCOMPANIMENT = "accompaniment"
    OTHER = "other"


class RequestMode(enum.StrEnum):
    ON_SITE = "on_site"
    PHONE = "phone"
    VIDEO = "video"


class RequestSetting(enum.StrEnum):
    """Where the appointment takes place. Settings outside the volunteers' scope (court,
    police interrogation, …) are a configurable list, never stored on a request."""

    DOCTOR_HOSPITAL = "doctor_hospital"
    AUTHORITY = "authority"
    SCHOOL_CHILDCARE = "school_childcare"
    JOB_CENTRE = "job_centre"
    COUNSELLING = "counselling"
    OTHER = "other"


class RequestState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    ASSIGNED = "assigned"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Urgency(enum.StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class GenderPreference(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"


class RequestSeries(db.Model):
    """A recurring appointment (e.g. every Tuesday for six weeks): one request per date."""

    __tablename__ = "request_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: How it repeats, for the page: ``{"every_days": 7, "count": 6}``.
    rule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Request(db.Model):
    __tablename__ = "requests"
    __table_args__ = (
        CheckConstraint(
            "(starts_at IS NULL AND ends_at IS NULL) OR ends_at > starts_at",
            name="ends_after_start",
        ),
        CheckConstraint("volunteers_needed >= 1", name="volunteers_needed_positive"),
        Index("ix_requests_state_starts_at", "state", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None for a walk-in or phone caller the centre entered itself.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("request_series.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[RequestKind] = mapped_column(enum_column(RequestKind, 30))
    #: The language needed, a BCP 47 tag (``ti``, ``fa-AF``), and the other language of the
    #: conversation (German unless said otherwise).
    language_code: Mapped[str] = mapped_column(String(35), index=True)
    other_language_code: Mapped[str] = mapped_column(String(35), default="de")
    mode: Mapped[RequestMode] = mapped_column(enum_column(RequestMode))
    setting: Mapped[RequestSetting] = mapped_column(enum_column(RequestSetting, 30))
    #: A fixed appointment (UTC) ...
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: ... or a flexible window, from a day until a deadline (local dates).
    window_from: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL"), index=True
    )
    #: Shown only to coordinators, the poster and the volunteer confirmed for it.
    address: Mapped[str | None] = mapped_column(Text)
    #: Initials or a number; never a name.
    client_ref: Mapped[str] = mapped_column(String(40))
    gender_preference: Mapped[GenderPreference | None] = mapped_column(
        enum_column(GenderPreference)
    )
    #: QualificationType keys every volunteer must hold, verified and valid on the day.
    required_qualifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    volunteers_needed: Mapped[int] = mapped_column(default=1)
    urgency: Mapped[Urgency] = mapped_column(enum_column(Urgency), default=Urgency.NORMAL)
    #: Entered with less than the lead time: accepted as urgent, flagged for a coordinator.
    short_notice: Mapped[bool] = mapped_column(default=False)
    #: Rich text as typed; shown only through ``sanitize_html``.
    notes: Mapped[str | None] = mapped_column(Text)
    #: The poster confirmed that the client agreed to their data being passed on.
    client_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    client_consent_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    state: Mapped[RequestState] = mapped_column(
        enum_column(RequestState), default=RequestState.DRAFT, index=True
    )
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    #: Offers in waves (#8): when nobody has accepted by ``next_wave_at``, ``flask reminders
    #: send`` asks the next best candidates, up to the configured number of waves.
    auto_waves: Mapped[bool] = mapped_column(default=False)
    waves_sent: Mapped[int] = mapped_column(default=0)
    next_wave_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: When coordinators were told that nobody has taken it yet (once per request).
    unfilled_alert_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The organisation's confirmation after the appointment, with optional feedback.
    feedback: Mapped[str | None] = mapped_column(Text)
    feedback_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    feedback_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organisation: Mapped[Any] = relationship("Organisation")
    municipality: Mapped[Any] = relationship("Municipality")
    series: Mapped[RequestSeries | None] = relationship()
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestEvent.id"
    )


class RequestEvent(db.Model):
    """One line of a request's history: a state change or an edit, who and when."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: ``None`` → ``draft`` when created; equal states for an edit.
    from_state: Mapped[RequestState | None] = mapped_column(enum_column(RequestState))
    to_state: Mapped[RequestState] = mapped_column(enum_column(RequestState))
    #: "state" or "edit"; an edit lists the changed fields in ``details``.
    kind: Mapped[str] = mapped_column(String(20), default="state")
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    request: Mapped[Request] = relationship(back_populates="events")
    actor: Mapped[Any] = relationship("User")


class AssignmentState(enum.StrEnum):
    PROPOSED = "proposed"  # a coordinator offered it; waiting for the volunteer's answer
    VOLUNTEERED = "volunteered"  # the volunteer offered to take it; a coordinator confirms
    ACCEPTED = "accepted"  # booked: holds a place and the volunteer's time
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"
    NO_SHOW = "no_show"


class AssignmentOrigin(enum.StrEnum):
    PROPOSAL = "proposal"  # offered by a coordinator (e-mail with accept/decline links)
    DIRECT = "direct"  # booked by a coordinator after a phone call
    VOLUNTEER = "volunteer"  # the volunteer offered to take an open request


class Assignment(db.Model):
    """A volunteer offered, booked or sent for a request.

    ``starts_at``/``ends_at`` copy the request's appointment, so that the database itself
    can refuse two overlapping accepted assignments of one volunteer (an exclusion
    constraint on PostgreSQL, see ``NO_OVERLAP`` below).
    """

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("request_id", "profile_id", name="uq_assignments_request_profile"),
        CheckConstraint(
            "(starts_at IS NULL AND ends_at IS NULL) OR ends_at > starts_at",
            name="ends_after_start",
        ),
        # Matching: is this volunteer booked at a time, from the index alone.
        Index(
            "ix_assignments_profile_state_starts",
            "profile_id",
            "state",
            "starts_at",
            "ends_at",
            "request_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[AssignmentState] = mapped_column(
        enum_column(AssignmentState), default=AssignmentState.PROPOSED, index=True
    )
    origin: Mapped[AssignmentOrigin] = mapped_column(
        enum_column(AssignmentOrigin), default=AssignmentOrigin.PROPOSAL
    )
    #: A copy of the request's appointment (UTC); None for a flexible window.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Which wave of offers this one belonged to (1 = the coordinator's own choice).
    wave: Mapped[int] = mapped_column(default=1)
    #: Part of the signed accept/decline link; renewed with every new offer, so that the
    #: links of an earlier offer die.
    nonce: Mapped[str | None] = mapped_column(String(32))
    hours: Mapped[float | None] = mapped_column()
    km: Mapped[float | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: When the 24-hour reminder went out, so that it goes out once.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    request: Mapped[Request] = relationship()
    profile: Mapped[Any] = relationship("VolunteerProfile")


def _no_overlap() -> ExcludeConstraint:
    """PostgreSQL refuses a second accepted assignment of a volunteer whose time overlaps
    the first. Half-open ranges (``'[)'``): an appointment ending at 11:00 and one starting
    at 11:00 do not clash. Only assignments with a time take part: a flexible window has
    none, and ``tstzrange(NULL, NULL)`` would be the whole time line, clashing with every
    other booking of the volunteer. (SQLite has no such constraint: there the writers are
    serialised and the same check runs inside that transaction, see
    ``wirnet.matching.assignments``.)"""
    table = Assignment.__table__
    constraint = ExcludeConstraint(
        (table.c.profile_id, "="),
        (func.tstzrange(table.c.starts_at, table.c.ends_at, literal_column("'[)'")), "&&"),
        using="gist",
        where=text("state = 'accepted' AND starts_at IS NOT NULL"),
        name="ex_assignments_no_overlap",
    )
    return constraint.ddl_if(dialect="postgresql")


NO_OVERLAP = _no_overlap()
Assignment.__table__.append_constraint(NO_OVERLAP)

# The exclusion constraint compares integers with "=" inside a GiST index.
event.listen(
    db.metadata,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"),
)
