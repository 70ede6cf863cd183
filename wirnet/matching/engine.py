"""The matching engine: who may be sent to a request, and in which order.

Pure functions over plain, frozen data: no Flask, no database, no clock (the request's
facts carry ``today``). ``wirnet.matching.candidates`` narrows the volunteers in SQL and
maps rows into these types; the views turn the reasons into translated sentences
(``wirnet.matching.reasons``).

Hard constraints (a volunteer failing any of them is not a candidate):
active · language level · verified, valid qualifications · time (weekly slot or on call,
no absence, no overlapping booking plus travel buffer) · gender preference · no conflict
of interest · mode and setting (mediation) · distance within reach.

A near miss fails exactly one of them; the coordinator may phone them anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")

# Ranks of CEFR levels, as ``wirnet.volunteers.models.LEVEL_RANK`` (kept here so that the
# engine imports nothing from the models).
LEVELS = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6, "native": 7}
NATIVE = LEVELS["native"]

#: A request's setting (``RequestSetting``) → the volunteer's comfort setting
#: (``MediationSetting``) it needs.
SETTING_NEEDS = {
    "doctor_hospital": "health",
    "authority": "authorities",
    "school_childcare": "school_childcare",
    "job_centre": "work",
    "counselling": "everyday",
    "other": "everyday",
}


class Constraint:
    """The hard constraints' codes, in the order they are checked and shown."""

    ACTIVE = "active"
    LANGUAGE = "language"
    OTHER_LANGUAGE = "other_language"
    QUALIFICATION = "qualification"
    SLOT = "slot"
    ABSENT = "absent"
    BUSY = "busy"
    GENDER = "gender"
    CONFLICT = "conflict"
    MODE = "mode"
    SETTING = "setting"
    DISTANCE = "distance"


@dataclass(frozen=True)
class Settings:
    """Thresholds and weights; ``Settings.from_config(app.config)`` reads ``MATCH_*``."""

    mediation_rank: int = LEVELS["C1"]
    other_language_rank: int = LEVELS["B2"]
    rank_by_kind: Mapping[str, int] = field(
        default_factory=lambda: {
            "health_guidance": LEVELS["B2"],
            "accompaniment": LEVELS["B1"],
            "other": LEVELS["B1"],
        }
    )
    travel_buffer: timedelta = timedelta(minutes=30)
    mobility_km: Mapping[str, float] = field(
        default_factory=lambda: {"foot": 3, "bicycle": 12, "public_transport": 40, "car": 80}
    )
    weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "distance": 3.0,
            "fairness": 2.0,
            "continuity": 1.5,
            "language": 1.0,
            "variety": 1.0,
            "reliability": 1.5,
            "topics": 0.5,
        }
    )
    near_misses: int = 10

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        raise NotImplementedError


@dataclass(frozen=True)
class LanguageFacts:
    code: str  # BCP 47, canonical (``ti``, ``fa-AF``)
    rank: int  # LEVELS
    mediates: bool = False
    modes: frozenset[str] = frozenset()  # MediationMode values
    settings: frozenset[str] = frozenset()  # MediationSetting values


@dataclass(frozen=True)
class QualificationFacts:
    key: str  # QualificationType.key
    verified: bool
    #: The last day it counts (expiry plus grace days); None: it does not expire.
    valid_until: date | None
    #: The date printed as "until" (the expiry itself); None: it does not expire.
    expires_on: date | None = None


@dataclass(frozen=True)
class Slot:
    weekday: int  # 0 = Monday
    start: time  # local time, Europe/Berlin
    end: time


@dataclass(frozen=True)
class Busy:
    """Another accepted assignment of the volunteer (UTC, aware)."""

    starts_at: datetime
    ends_at: datetime
    request_id: int | None = None


@dataclass(frozen=True)
class VolunteerFacts:
    profile_id: int
    name: str
    active: bool
    gender: str | None = None  # Gender values
    lat: float | None = None  # of the municipality's centre
    lon: float | None = None
    municipality: str | None = None
    mobility: str | None = None  # Mobility values
    max_distance_km: float | None = None
    on_call: bool = False
    topics: frozenset[str] = frozenset()  # Topic values
    languages: tuple[LanguageFacts, ...] = ()
    qualifications: tuple[QualificationFacts, ...] = ()
    slots: tuple[Slot, ...] = ()
    absences: tuple[tuple[date, date], ...] = ()  # inclusive local date ranges
    busy: tuple[Busy, ...] = ()
    conflicts: tuple[str, ...] = ()  # as the volunteer typed them
    #: Accepted or completed assignments whose appointment lies in the last 30 days.
    recent_assignments: int = 0
    #: Has completed an assignment for this organisation / this client reference before.
    worked_with_organisation: bool = False
    worked_with_client: bool = False
    #: Has declined an offer from this organisation or for this client before.
    declined_here_before: bool = False
    #: Offers made to them in the past, and how many of those they answered (accepted or
    #: declined) rather than leaving them to be withdrawn unanswered.
    offers: int = 0
    offers_answered: int = 0


@dataclass(frozen=True)
class RequestFacts:
    request_id: int
    kind: str  # RequestKind values
    language: str  # BCP 47, canonical
    other_language: str = "de"
    mode: str = "on_site"  # RequestMode values
    setting: str = "other"  # RequestSetting values
    starts_at: datetime | None = None  # UTC, aware
    ends_at: datetime | None = None
    window_from: date | None = None  # a flexible window instead (local dates)
    deadline: date | None = None
    lat: float | None = None
    lon: float | None = None
    municipality: str | None = None
    gender_preference: str | None = None  # GenderPreference values
    required_qualifications: tuple[str, ...] = ()
    #: Short notice or urgent: volunteers on call qualify outside their weekly slots.
    short_notice: bool = False
    organisation_id: int | None = None
    organisation_name: str | None = None
    client_ref: str | None = None
    topics: frozenset[str] = frozenset()  # Topic values the request touches
    #: The day qualifications must be valid on when the request has no fixed date.
    today: date = date(2026, 1, 1)


@dataclass(frozen=True)
class Reason:
    """One fact about a candidate, for a sentence: ``code`` and plain ``params``.

    Codes (params): ``language`` (code, rank, exact: bool) · ``other_language`` (code,
    rank) · ``qualification`` (key, expires_on) · ``slot`` (weekday, start, end) ·
    ``on_call`` () · ``distance`` (km, municipality) · ``remote`` (mode) · ``recent``
    (count) · ``continuity`` (organisation: bool, client: bool) · ``reliability``
    (answered, offers) · ``topics`` (topics).
    For a failed constraint (a ``Failure``) the code is a ``Constraint`` and the params
    say what failed, e.g. ``busy`` (starts_at, ends_at), ``distance`` (km, reach).
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


Failure = Reason


@dataclass(frozen=True)
class Evaluation:
    volunteer: VolunteerFacts
    failures: tuple[Failure, ...]
    reasons: tuple[Reason, ...]
    score: float
    #: The weighted parts of the score, by weight name.
    parts: Mapping[str, float]

    @property
    def fits(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class Ranking:
    candidates: tuple[Evaluation, ...]  # best first
    near_misses: tuple[Evaluation, ...]  # exactly one failure each, best first


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    raise NotImplementedError


def failures(request: RequestFacts, volunteer: VolunteerFacts, settings: Settings):
    """Every hard constraint ``volunteer`` fails for ``request``, in ``Constraint`` order."""
    raise NotImplementedError


def evaluate(request: RequestFacts, volunteer: VolunteerFacts, settings: Settings) -> Evaluation:
    raise NotImplementedError


def rank(
    request: RequestFacts, volunteers: Iterable[VolunteerFacts], settings: Settings
) -> Ranking:
    """Candidates best first (ties: name, then profile id); near misses likewise."""
    raise NotImplementedError
