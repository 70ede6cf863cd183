"""Local projects (a language café in Baunatal, a homework club in Vellmar), the roles they
need filled, and the volunteers who applied for them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wirnet.db_types import UTCDateTime, enum_column, utcnow
from wirnet.extensions import db


class ProjectState(enum.StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    FINISHED = "finished"


class ParticipationState(enum.StrEnum):
    APPLIED = "applied"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Project(db.Model):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL"), index=True
    )
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    #: Rich text as typed; shown only through ``sanitize_html``.
    description: Mapped[str | None] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[ProjectState] = mapped_column(
        enum_column(ProjectState), default=ProjectState.PLANNED, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    municipality: Mapped[Any] = relationship("Municipality")
    partner: Mapped[Any] = relationship("Organisation")
    roles: Mapped[list[ProjectRole]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectRole.id"
    )


class ProjectRole(db.Model):
    """What a project needs, e.g. "2 Arabic speakers for the language café, Thursdays 16–18"."""

    __tablename__ = "project_roles"
    __table_args__ = (CheckConstraint("places >= 1", name="places_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(160))
    #: When and what, in the words of the project ("Thursdays 16–18").
    description: Mapped[str | None] = mapped_column(Text)
    places: Mapped[int] = mapped_column(default=1)
    #: BCP 47 tags of the languages wanted; Topic values of the volunteer profile.
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)

    project: Mapped[Project] = relationship(back_populates="roles")
    participations: Mapped[list[Participation]] = relationship(
        back_populates="role", cascade="all, delete-orphan", order_by="Participation.id"
    )


class Participation(db.Model):
    """A volunteer's application for a role, and the answer to it."""

    __tablename__ = "participations"
    __table_args__ = (
        UniqueConstraint("role_id", "profile_id", name="uq_participations_role_profile"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(
        ForeignKey("project_roles.id", ondelete="CASCADE"), index=True
    )
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str | None] = mapped_column(Text)
    state: Mapped[ParticipationState] = mapped_column(
        enum_column(ParticipationState), default=ParticipationState.APPLIED
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    role: Mapped[ProjectRole] = relationship(back_populates="participations")
    profile: Mapped[Any] = relationship("VolunteerProfile")
