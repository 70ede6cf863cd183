"""The engine's view of a request, as the query layer builds it from the database: its
facts (``request_facts``, ``facts_for``), the local days it covers (``Days``), and the
municipalities and qualification types it is matched with (``Town``, ``Kind``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app

from wirnet.matching import engine
from wirnet.requests.models import AssignmentState, Request, RequestKind, RequestSetting, Urgency
from wirnet.volunteers.models import Topic

#: Assignments that hold the volunteer's time.
BOOKED = (AssignmentState.ACCEPTED, AssignmentState.COMPLETED)


TOPIC_BY_KIND = {
    RequestKind.LANGUAGE_MEDIATION: Topic.LANGUAGE_MEDIATION,
    RequestKind.HEALTH_GUIDANCE: Topic.HEALTH,
}
TOPIC_BY_SETTING = {
    RequestSetting.DOCTOR_HOSPITAL: Topic.HEALTH,
    RequestSetting.AUTHORITY: Topic.AUTHORITIES,
    RequestSetting.SCHOOL_CHILDCARE: Topic.SCHOOL_CHILDCARE,
    RequestSetting.JOB_CENTRE: Topic.WORK_JOBS,
}


def settings() -> engine.Settings:
    return engine.Settings.from_config(current_app.config)


@dataclass(frozen=True)
class Kind:
    """A qualification type, as matching needs it (``catalogue.type_name`` reads it too)."""

    id: int
    key: str
    grace_days: int
    names: dict


@dataclass(frozen=True)
class Town:
    id: int
    name: str
    lat: float
    lon: float


def request_topics(kind: str, setting: str) -> frozenset[str]:
    """The volunteer topics a request touches (for the topics score)."""
    topics = set()
    if (topic := TOPIC_BY_KIND.get(RequestKind(kind))) is not None:
        topics.add(topic.value)
    if (topic := TOPIC_BY_SETTING.get(RequestSetting(setting))) is not None:
        topics.add(topic.value)
    return frozenset(topics)


def _value(member: Any) -> Any:
    return getattr(member, "value", member)


def facts_for(
    request: Request, *, today: date, town: Town | None, organisation_name: str | None
) -> engine.RequestFacts:
    return engine.RequestFacts(
        request_id=request.id,
        kind=_value(request.kind),
        language=request.language_code,
        other_language=request.other_language_code or "de",
        mode=_value(request.mode),
        setting=_value(request.setting),
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        window_from=request.window_from,
        deadline=request.deadline,
        lat=town.lat if town else None,
        lon=town.lon if town else None,
        municipality=town.name if town else None,
        gender_preference=_value(request.gender_preference),
        required_qualifications=tuple(request.required_qualifications or ()),
        short_notice=bool(request.short_notice or request.urgency == Urgency.URGENT),
        organisation_id=request.organisation_id,
        organisation_name=organisation_name,
        client_ref=request.client_ref,
        topics=request_topics(request.kind, request.setting),
        today=today,
    )


def request_facts(request: Request, *, today: date) -> engine.RequestFacts:
    """The engine's view of ``request`` (reads its municipality and organisation)."""
    place = request.municipality
    town = Town(place.id, place.name, place.lat, place.lon) if place is not None else None
    organisation = request.organisation
    return facts_for(
        request,
        today=today,
        town=town,
        organisation_name=organisation.name if organisation is not None else None,
    )


def local_today(now: datetime) -> date:
    return now.astimezone(engine.BERLIN).date()


@dataclass(frozen=True)
class Days:
    """The local days a request covers, and its appointment (UTC) if it has one."""

    first: date
    last: date
    starts_at: datetime | None = None
    ends_at: datetime | None = None

    @classmethod
    def of(cls, facts: engine.RequestFacts) -> Days:
        if facts.starts_at is not None:
            ends_at = facts.ends_at or facts.starts_at
            return cls(
                facts.starts_at.astimezone(engine.BERLIN).date(),
                ends_at.astimezone(engine.BERLIN).date(),
                facts.starts_at,
                ends_at,
            )
        first = qualification_day(facts)
        return cls(first, max(first, facts.deadline or first))

    @property
    def crosses_midnight(self) -> bool:
        return self.starts_at is not None and self.last != self.first

    @property
    def start_utc(self) -> datetime:
        """The first moment of the first day (UTC)."""
        return datetime.combine(self.first, time(0), tzinfo=engine.BERLIN).astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        """The first moment after the last day (UTC)."""
        following = self.last + timedelta(days=1)
        return datetime.combine(following, time(0), tzinfo=engine.BERLIN).astimezone(UTC)


def qualification_day(facts: engine.RequestFacts) -> date:
    """The day a required qualification must be valid on, as the engine says: the
    appointment's local date; for a flexible window its first day, or today if later."""
    if facts.starts_at is not None:
        return facts.starts_at.astimezone(engine.BERLIN).date()
    return max(facts.window_from or facts.today, facts.today)
