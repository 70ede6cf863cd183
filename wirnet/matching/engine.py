"""The matching engine: who may be sent to a request, and in which order.

Pure functions over plain, frozen data: no Flask, no database, no clock (the request's
facts carry ``today``). ``wirnet.matching.candidates`` ranks a request: it narrows the
volunteers in SQL (``wirnet.matching.narrowing``) and maps rows into these types
(``wirnet.matching.loading``); the views turn the reasons into translated sentences
(``wirnet.matching.reasons``).

Hard constraints (a volunteer failing any of them is not a candidate), in this order:

``active``
    The volunteer's status is active.
``language``
    A skill in the requested language, matched by base language: a request for ``fa-AF``
    (Dari) is served by ``fa-AF`` or ``fa``, one for ``ar-SY`` by ``ar`` or any ``ar-XX``,
    one for plain ``ar`` by any Arabic. Level: ``Settings.mediation_rank`` (C1; native
    counts) for language mediation, ``Settings.rank_by_kind`` for the other kinds (a
    request in German is judged the same way). The skill judged is the volunteer's best
    one in that language: the one passing the most of level, mode and setting, then the
    exact variety, then the higher level.
``other_language``
    Language mediation only: the other language of the conversation
    (``RequestFacts.other_language``, German) at ``Settings.other_language_rank`` (B2).
``qualification``
    Every required qualification held, verified and valid (``valid_until`` None or not
    before the day) on the appointment's local date; for a flexible window on its first
    day, or today if that is later. One failure per missing qualification.
``slot``
    A fixed appointment lies inside one weekly slot on its local weekday (an appointment
    crossing local midnight is never covered by a slot), unless the request is short
    notice and the volunteer on call. A flexible window fails only when the volunteer has
    no slot at all and is not on call.
``absent``
    A fixed appointment touches a local day inside an absence; a flexible window only when
    every day from its first day (or today, if later) to its deadline is inside absences.
``busy``
    A fixed appointment overlaps another accepted assignment once the travel buffer is
    added on both sides, half-open: a booking ending exactly one buffer before the start
    does not clash, one ending a minute later does. Flexible windows are not checked.
``gender``
    The volunteer's gender equals the request's preference, if it has one.
``conflict``
    A conflict of interest the volunteer noted names the request's client or organisation
    (see ``_names_the_request``).
``mode``, ``setting``
    Language mediation only: the judged skill mediates, in the request's mode, and the
    volunteer is comfortable in the setting the request's setting needs (``SETTING_NEEDS``).
``distance``
    On-site requests with a place only: the straight-line (haversine) distance between the
    municipalities' centres is at most the volunteer's reach (see ``reach_km``). A volunteer
    without a municipality fails it (``km`` None).

A near miss fails exactly one of them; the coordinator may phone them anyway.

The soft score is the sum of parts, each between 0 and 1, times its weight in
``Settings.weights``: distance (1 at 0 km, 0 at the reach; remote requests 1), fairness
(1 / (1 + assignments in the last 30 days)), continuity (1 worked with this client, 0.7 with
this organisation, 0 otherwise or after declining here), language (native 1, C2 .8, C1 .6,
B2 .4, lower .2), variety (1 exact variety, or any for a plain-language request; .5 same
language, other variety), reliability (offers answered / offers made; .5 without history)
and topics (1 when the request's topics and the volunteer's meet).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
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

#: The kind of request that is language mediation (Sprachmittlung).
MEDIATION = "language_mediation"
#: The request mode that needs the volunteer on site (and so within reach).
ON_SITE = "on_site"
#: Score parts, in the order they are computed (and the keys of ``Evaluation.parts``).
PARTS = ("distance", "fairness", "continuity", "language", "variety", "reliability", "topics")
#: The language score part by level rank; lower levels (and a level given at all) get 0.2.
LANGUAGE_PART = {NATIVE: 1.0, LEVELS["C2"]: 0.8, LEVELS["C1"]: 0.6, LEVELS["B2"]: 0.4}
#: Continuity's part for work with the same organisation (the same client gives 1).
ORGANISATION_CONTINUITY = 0.7
#: The reliability reason is given from this many offers on (fewer say little).
RELIABILITY_MIN_OFFERS = 3
#: Without a weight for the kind of request, its language must be at least this level.
DEFAULT_LEVEL = LEVELS["B1"]


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


class ReasonCode:
    """The codes of the positive facts (``Reason`` with ``failed=False``), in the order
    they are given. Params:

    - ``language``: code (the volunteer's matching skill), rank, exact (bool: the very
      variety asked for, or any variety of a plain-language request)
    - ``other_language``: code, rank (language mediation: the other language, German)
    - ``qualification``: key, expires_on (date or None), one per required qualification
    - ``slot``: weekday (0 = Monday), start, end (local times of the covering slot; for a
      flexible window the volunteer's first weekly slot)
    - ``on_call``: none (on call for short-notice requests, outside the weekly slots)
    - ``distance``: km (int, rounded), municipality (the volunteer's, or None)
    - ``remote``: mode (``phone`` or ``video``)
    - ``recent``: count (assignments in the last 30 days)
    - ``continuity``: organisation (bool), client (bool)
    - ``reliability``: answered, offers (only from ``RELIABILITY_MIN_OFFERS`` offers on)
    - ``topics``: topics (sorted tuple of the topics the request and the volunteer share)

    Failures (``Reason`` with ``failed=True``) use the ``Constraint`` codes. Params:

    - ``active``: none
    - ``language``: code (the request's language), needed (rank); skill, rank: the
      volunteer's best skill in it and its rank, both None when they do not speak it
    - ``other_language``: code, needed, skill, rank (as for ``language``)
    - ``qualification``: key
    - ``slot``: weekday, start, end (the appointment's local weekday and times); for a
      flexible window none (the volunteer has no weekly slot)
    - ``absent``: date (fixed appointment); starts_on, ends_on (a flexible window)
    - ``busy``: starts_at, ends_at (UTC, of the clashing booking), request_id
    - ``gender``: preference
    - ``conflict``: none (what the volunteer wrote stays private)
    - ``mode``: mode, mediates (bool: whether they mediate in this language at all)
    - ``setting``: setting (the request's), needs (the ``MediationSetting`` it needs)
    - ``distance``: km (float, None without a municipality), reach (km)
    """

    LANGUAGE = "language"
    OTHER_LANGUAGE = "other_language"
    QUALIFICATION = "qualification"
    SLOT = "slot"
    ON_CALL = "on_call"
    DISTANCE = "distance"
    REMOTE = "remote"
    RECENT = "recent"
    CONTINUITY = "continuity"
    RELIABILITY = "reliability"
    TOPICS = "topics"


def _level(value: Any) -> int:
    """A level name from the configuration ("C1", "native") as its rank; ranks pass."""
    if isinstance(value, int) and not isinstance(value, bool) and value in LEVELS.values():
        return value
    text = str(value).strip()
    for name, rank_ in LEVELS.items():
        if text.casefold() == name.casefold():
            return rank_
    raise ValueError(f"unknown language level {value!r}: use one of {', '.join(LEVELS)}")


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
    #: How far someone travels who gave neither a maximum distance nor a means of travel.
    default_reach_km: float = 15

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """Read ``MATCH_*`` (see ``wirnet.config``); a missing key keeps the default, and a
        partial dict (weights, levels by kind, mobility) is laid over the default one.
        Level names ("C1", "native") become ranks, minutes a ``timedelta``."""
        base = cls()

        def get(key: str, default: Any) -> Any:
            value = config.get(key)
            return default if value is None else value

        by_kind = {
            **base.rank_by_kind,
            **{kind: _level(v) for kind, v in get("MATCH_LEVEL_BY_KIND", {}).items()},
        }
        mobility = {
            **base.mobility_km,
            **{k: float(v) for k, v in get("MATCH_MOBILITY_KM", {}).items()},
        }
        weights = {**base.weights, **{k: float(v) for k, v in get("MATCH_WEIGHTS", {}).items()}}
        minutes = get("MATCH_TRAVEL_BUFFER_MINUTES", None)
        return cls(
            mediation_rank=_level(get("MATCH_MEDIATION_LEVEL", base.mediation_rank)),
            other_language_rank=_level(get("MATCH_OTHER_LANGUAGE_LEVEL", base.other_language_rank)),
            rank_by_kind=by_kind,
            travel_buffer=base.travel_buffer
            if minutes is None
            else timedelta(minutes=float(minutes)),
            mobility_km=mobility,
            weights=weights,
            near_misses=int(get("MATCH_NEAR_MISSES", base.near_misses)),
            default_reach_km=float(get("MATCH_DEFAULT_REACH_KM", base.default_reach_km)),
        )

    def needed_rank(self, kind: str) -> int:
        """The level the requested language needs for a kind of request."""
        if kind == MEDIATION:
            return self.mediation_rank
        return self.rank_by_kind.get(kind, self.rank_by_kind.get("other", DEFAULT_LEVEL))


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
    say what failed, e.g. ``busy`` (starts_at, ends_at), ``distance`` (km, reach); the
    full lists are in ``ReasonCode``'s docstring.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    #: True for a failed hard constraint: several codes ("language", "distance" …) name
    #: both a fact and a failure, and the sentence differs.
    failed: bool = False


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


# --- helpers ------------------------------------------------------------------------------

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def reach_km(volunteer: VolunteerFacts, settings: Settings) -> float:
    """How far the volunteer travels: their own maximum, capped by what their means of
    travel allows; either alone if only one is given; ``Settings.default_reach_km`` if
    neither is."""
    cap = settings.mobility_km.get(volunteer.mobility) if volunteer.mobility else None
    own = volunteer.max_distance_km
    if own is not None and cap is not None:
        return float(min(own, cap))
    if own is not None:
        return float(own)
    if cap is not None:
        return float(cap)
    return float(settings.default_reach_km)


#: Base languages by code, worked out once (a few hundred codes at most).
_BASES: dict[str, str] = {}


def base_language(code: str) -> str:
    """``ar-SY`` → ``ar``."""
    base = _BASES.get(code)
    if base is None:
        base = _BASES[code] = code.partition("-")[0].lower()
    return base


_WORD = re.compile(r"\w+")
#: A name contained in another counts only with at least this many letters or digits, so
#: that "e.V." or a lone initial never names every organisation.
MIN_CONTAINED_CHARS = 3


def _name(text: str | None) -> tuple[str, str, int]:
    """A name for comparing: casefolded with runs of whitespace as one space; its words
    (letters and digits) joined by single spaces and padded with one on each side, so that
    ``" k 17 " in " family k 17 "`` tests whole, consecutive words; and how many letters
    and digits it has."""
    folded = (text or "").casefold()
    words = _WORD.findall(folded)
    return " ".join(folded.split()), f" {' '.join(words)} ", sum(len(w) for w in words)


def _contains_words(outer: tuple[str, str, int], inner: tuple[str, str, int]) -> bool:
    """Whether ``inner``'s words occur in ``outer`` as whole, consecutive words."""
    return inner[2] >= MIN_CONTAINED_CHARS and inner[1] in outer[1]


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _language_part(rank_: int | None) -> float:
    if not rank_:
        return 0.0
    return LANGUAGE_PART.get(rank_, 0.2)


class _Request:
    """What the checks need from a request, worked out once for a whole ranking."""

    __slots__ = (
        "base",
        "busy_from",
        "busy_until",
        "client",
        "crosses_midnight",
        "end_time",
        "facts",
        "fixed",
        "language",
        "local_dates",
        "mediation",
        "memo",
        "names",
        "needed",
        "on_site",
        "organisation",
        "other_base",
        "other_needed",
        "plain",
        "qualification_day",
        "required",
        "setting_need",
        "start_time",
        "weekday",
        "weights",
        "window_first",
        "window_last",
    )

    def __init__(self, request: RequestFacts, settings: Settings):
        self.facts = request
        self.language = request.language.lower()
        self.base = base_language(request.language)
        self.plain = "-" not in request.language
        self.mediation = request.kind == MEDIATION
        self.needed = settings.needed_rank(request.kind)
        self.other_base = base_language(request.other_language) if request.other_language else ""
        self.other_needed = settings.other_language_rank
        self.setting_need = SETTING_NEEDS.get(request.setting, "everyday")
        self.on_site = request.mode == ON_SITE
        self.required = tuple(dict.fromkeys(request.required_qualifications))
        self.fixed = request.starts_at is not None
        if request.starts_at is not None:
            starts = _utc(request.starts_at)
            ends = _utc(request.ends_at) if request.ends_at is not None else starts
            local_start, local_end = starts.astimezone(BERLIN), ends.astimezone(BERLIN)
            self.weekday = local_start.weekday()
            self.start_time = local_start.time().replace(tzinfo=None)
            self.end_time = local_end.time().replace(tzinfo=None)
            first, last = local_start.date(), local_end.date()
            self.crosses_midnight = last != first
            self.local_dates = tuple(
                first + timedelta(days=i) for i in range((last - first).days + 1)
            )
            self.busy_from = starts - settings.travel_buffer
            self.busy_until = ends + settings.travel_buffer
            self.qualification_day = first
            self.window_first = self.window_last = None
        else:
            self.weekday = self.start_time = self.end_time = None
            self.crosses_midnight = False
            self.local_dates = ()
            self.busy_from = self.busy_until = None
            first = request.window_from or request.today
            self.qualification_day = max(first, request.today)
            self.window_first = self.qualification_day
            self.window_last = request.deadline
        self.client = _name(request.client_ref)
        self.organisation = _name(request.organisation_name)
        self.weights = tuple(float(settings.weights.get(name, 0.0)) for name in PARTS)
        self.memo: dict[tuple[Any, ...], Reason] = {}
        self.names: dict[str, tuple[str, str, int]] = {}

    def reason(self, code: str, *values: Any) -> Reason:
        """A positive fact. Many volunteers share the same ones ("speaks Arabic natively",
        "no assignment in the last 30 days"), so one ranking makes each only once (about
        half of a ranking's time otherwise): the evaluations of a ranking share them, and
        their params are read-only by convention."""
        key = (code, *values)
        made = self.memo.get(key)
        if made is None:
            params = dict(zip(REASON_PARAMS[code], values, strict=True))
            made = self.memo[key] = Reason(code, params)
        return made


def _names_the_request(conflict: str, req: _Request) -> bool:
    """Whether a conflict of interest the volunteer noted names this request's client or
    organisation. Compared casefolded and with runs of whitespace as one space:

    - the client: the text equals the client reference, or contains it as whole words
      ("family K-17" names client "K-17");
    - the organisation: the text equals its name, or one contains the other as whole
      words ("Caritas" names "Caritas Kassel"; "my employer Klinikum Nord" names
      "Klinikum Nord").

    Contained names need ``MIN_CONTAINED_CHARS`` letters, so that initials or "e.V." do
    not name everyone. Deliberately no fuzzy matching: a coordinator sees the volunteer
    as a near miss ("conflict of interest noted") and can still phone them.
    """
    name = req.names.get(conflict)
    if name is None:  # many volunteers write the same ("my employer"), so once a ranking
        name = req.names[conflict] = _name(conflict)
    if not name[0]:
        return False
    client, organisation = req.client, req.organisation
    if client[0] and (name[0] == client[0] or _contains_words(name, client)):
        return True
    return bool(organisation[0]) and (
        name[0] == organisation[0]
        or _contains_words(organisation, name)
        or _contains_words(name, organisation)
    )


def _covers_every_day(absences: Iterable[tuple[date, date]], first: date, last: date) -> bool:
    """Whether the inclusive ranges cover every day from ``first`` to ``last``."""
    day = first
    for start, end in sorted(absences):
        if start > day:
            return False
        if end >= day:
            day = end + timedelta(days=1)
            if day > last:
                return True
    return day > last


class _Checked:
    """The outcome of the hard checks, and what the reasons and the score need."""

    __slots__ = ("failures", "held", "km", "on_call", "other", "reach", "skill", "slot")

    def __init__(self) -> None:
        self.failures: list[Failure] = []
        self.skill: LanguageFacts | None = None
        self.other: LanguageFacts | None = None
        self.held: list[QualificationFacts] = []
        self.slot: Slot | None = None
        self.on_call = False
        self.km: float | None = None
        self.reach: float = 0.0


def _fail(checked: _Checked, constraint: str, /, **params: Any) -> None:
    checked.failures.append(Reason(constraint, params, failed=True))


def _best_skill(req: _Request, volunteer: VolunteerFacts) -> LanguageFacts | None:
    best, best_key = None, None
    for skill in volunteer.languages:
        code = skill.code.lower()
        if base_language(code) != req.base:
            continue
        passes = int(skill.rank >= req.needed)
        if req.mediation:
            passes += int(skill.mediates and req.facts.mode in skill.modes)
            passes += int(req.setting_need in skill.settings)
        # Ties go to the request's own code, then to the first code in sort order, so
        # that the order the skills come in does not decide which one a reason names.
        key = (passes, req.plain or code == req.language, skill.rank, code == req.language)
        if best_key is None or key > best_key or (key == best_key and code < best.code.lower()):
            best, best_key = skill, key
    return best


def _check(req: _Request, volunteer: VolunteerFacts, settings: Settings) -> _Checked:
    checked = _Checked()
    request = req.facts

    if not volunteer.active:
        _fail(checked, Constraint.ACTIVE)

    # Language, and for mediation the other language.
    skill = checked.skill = _best_skill(req, volunteer)
    if skill is None or skill.rank < req.needed:
        # Say the best level they have in the language, whichever variety it is.
        top = min(
            (s for s in volunteer.languages if base_language(s.code) == req.base),
            key=lambda s: (-s.rank, s.code),
            default=None,
        )
        _fail(
            checked,
            Constraint.LANGUAGE,
            code=request.language,
            needed=req.needed,
            skill=top.code if top else None,
            rank=top.rank if top else None,
        )
    if req.mediation and req.other_base:
        other = None
        for candidate in volunteer.languages:
            if base_language(candidate.code) == req.other_base and (
                other is None or (-candidate.rank, candidate.code) < (-other.rank, other.code)
            ):
                other = candidate
        checked.other = other
        if other is None or other.rank < req.other_needed:
            _fail(
                checked,
                Constraint.OTHER_LANGUAGE,
                code=request.other_language,
                needed=req.other_needed,
                skill=other.code if other else None,
                rank=other.rank if other else None,
            )

    # Qualifications, valid on the day.
    day = req.qualification_day
    for key in req.required:
        best = None  # the valid one that lasts longest (None: never expires)
        for q in volunteer.qualifications:
            valid = q.valid_until is None or day <= q.valid_until
            if q.key != key or not q.verified or not valid:
                continue
            if best is None or (
                best.valid_until is not None
                and (q.valid_until is None or q.valid_until > best.valid_until)
            ):
                best = q
        if best is None:
            _fail(checked, Constraint.QUALIFICATION, key=key)
        else:
            checked.held.append(best)

    # Time: slot or on call, absence, other bookings.
    if req.fixed:
        if not req.crosses_midnight:
            for slot in volunteer.slots:  # the earliest covering slot, for the reason
                if (
                    slot.weekday == req.weekday
                    and slot.start <= req.start_time
                    and slot.end >= req.end_time
                    and (
                        checked.slot is None
                        or (slot.start, slot.end) < (checked.slot.start, checked.slot.end)
                    )
                ):
                    checked.slot = slot
        if checked.slot is None:
            if request.short_notice and volunteer.on_call:
                checked.on_call = True
            else:
                _fail(
                    checked,
                    Constraint.SLOT,
                    weekday=req.weekday,
                    start=req.start_time,
                    end=req.end_time,
                )
        for local_day in req.local_dates if volunteer.absences else ():
            if any(start <= local_day <= end for start, end in volunteer.absences):
                _fail(checked, Constraint.ABSENT, date=local_day)
                break
        clashes = [
            b
            for b in volunteer.busy
            if _utc(b.starts_at) < req.busy_until and _utc(b.ends_at) > req.busy_from
        ]
        if clashes:
            clash = min(clashes, key=lambda b: (_utc(b.starts_at), _utc(b.ends_at), b.request_id))
            _fail(
                checked,
                Constraint.BUSY,
                starts_at=_utc(clash.starts_at),
                ends_at=_utc(clash.ends_at),
                request_id=clash.request_id,
            )
    else:
        if volunteer.slots:
            checked.slot = min(volunteer.slots, key=lambda s: (s.weekday, s.start, s.end))
        elif volunteer.on_call:
            checked.on_call = True
        else:
            _fail(checked, Constraint.SLOT)
        first, last = req.window_first, req.window_last
        if (
            last is not None
            and first <= last
            and volunteer.absences
            and _covers_every_day(volunteer.absences, first, last)
        ):
            _fail(checked, Constraint.ABSENT, starts_on=first, ends_on=last)

    if request.gender_preference and volunteer.gender != request.gender_preference:
        _fail(checked, Constraint.GENDER, preference=request.gender_preference)

    if volunteer.conflicts and any(_names_the_request(t, req) for t in volunteer.conflicts):
        _fail(checked, Constraint.CONFLICT)

    if req.mediation:
        mediates = skill is not None and skill.mediates
        if not (mediates and request.mode in skill.modes):
            _fail(checked, Constraint.MODE, mode=request.mode, mediates=mediates)
        if skill is None or req.setting_need not in skill.settings:
            _fail(checked, Constraint.SETTING, setting=request.setting, needs=req.setting_need)

    if req.on_site and request.lat is not None and request.lon is not None:
        checked.reach = reach_km(volunteer, settings)
        if volunteer.lat is None or volunteer.lon is None:
            _fail(checked, Constraint.DISTANCE, km=None, reach=checked.reach)
        else:
            checked.km = distance_km(volunteer.lat, volunteer.lon, request.lat, request.lon)
            if checked.km > checked.reach:
                _fail(checked, Constraint.DISTANCE, km=checked.km, reach=checked.reach)
    return checked


def _parts(req: _Request, volunteer: VolunteerFacts, checked: _Checked) -> dict[str, float]:
    """The score's parts, each weighted (see the module's docstring)."""
    if not req.on_site:
        distance = 1.0
    elif checked.km is None:
        distance = 0.0
    elif checked.reach > 0:
        distance = max(0.0, 1.0 - checked.km / checked.reach)
    else:
        distance = 1.0 if checked.km == 0 else 0.0
    if volunteer.declined_here_before:
        continuity = 0.0
    elif volunteer.worked_with_client:
        continuity = 1.0
    elif volunteer.worked_with_organisation:
        continuity = ORGANISATION_CONTINUITY
    else:
        continuity = 0.0
    skill = checked.skill
    if skill is None:
        variety = language = 0.0
    else:
        variety = 1.0 if req.plain or skill.code.lower() == req.language else 0.5
        language = _language_part(skill.rank)
    if volunteer.offers > 0:
        reliability = min(1.0, max(0.0, volunteer.offers_answered / volunteer.offers))
    else:
        reliability = 0.5
    w = req.weights
    return {
        "distance": distance * w[0],
        "fairness": w[1] / (1 + max(0, volunteer.recent_assignments)),
        "continuity": continuity * w[2],
        "language": language * w[3],
        "variety": variety * w[4],
        "reliability": reliability * w[5],
        "topics": w[6] if req.facts.topics & volunteer.topics else 0.0,
    }


#: The params of each reason, in the order ``_Request.reason`` takes their values.
REASON_PARAMS = {
    ReasonCode.LANGUAGE: ("code", "rank", "exact"),
    ReasonCode.OTHER_LANGUAGE: ("code", "rank"),
    ReasonCode.QUALIFICATION: ("key", "expires_on"),
    ReasonCode.SLOT: ("weekday", "start", "end"),
    ReasonCode.ON_CALL: (),
    ReasonCode.DISTANCE: ("km", "municipality"),
    ReasonCode.REMOTE: ("mode",),
    ReasonCode.RECENT: ("count",),
    ReasonCode.CONTINUITY: ("organisation", "client"),
    ReasonCode.RELIABILITY: ("answered", "offers"),
    ReasonCode.TOPICS: ("topics",),
}


def _reasons(req: _Request, volunteer: VolunteerFacts, checked: _Checked) -> tuple[Reason, ...]:
    """The positive facts, for the constraints passed and the score."""
    failed = {f.code for f in checked.failures} if checked.failures else ()
    reason = req.reason
    reasons: list[Reason] = []
    skill = checked.skill
    if skill is not None and Constraint.LANGUAGE not in failed:
        exact = req.plain or skill.code.lower() == req.language
        reasons.append(reason(ReasonCode.LANGUAGE, skill.code, skill.rank, exact))
    other = checked.other
    if req.mediation and other is not None and Constraint.OTHER_LANGUAGE not in failed:
        reasons.append(reason(ReasonCode.OTHER_LANGUAGE, other.code, other.rank))
    for q in checked.held:
        reasons.append(reason(ReasonCode.QUALIFICATION, q.key, q.expires_on))
    slot = checked.slot
    if slot is not None:
        reasons.append(reason(ReasonCode.SLOT, slot.weekday, slot.start, slot.end))
    elif checked.on_call:
        reasons.append(reason(ReasonCode.ON_CALL))
    if not req.on_site:
        reasons.append(reason(ReasonCode.REMOTE, req.facts.mode))
    elif checked.km is not None and Constraint.DISTANCE not in failed:
        reasons.append(reason(ReasonCode.DISTANCE, round(checked.km), volunteer.municipality))
    reasons.append(reason(ReasonCode.RECENT, volunteer.recent_assignments))
    if not volunteer.declined_here_before and (
        volunteer.worked_with_client or volunteer.worked_with_organisation
    ):
        reasons.append(
            reason(
                ReasonCode.CONTINUITY,
                volunteer.worked_with_organisation,
                volunteer.worked_with_client,
            )
        )
    if volunteer.offers >= RELIABILITY_MIN_OFFERS:
        reasons.append(reason(ReasonCode.RELIABILITY, volunteer.offers_answered, volunteer.offers))
    shared = req.facts.topics & volunteer.topics
    if shared:
        reasons.append(reason(ReasonCode.TOPICS, tuple(sorted(shared))))
    return tuple(reasons)


def _evaluation(req: _Request, volunteer: VolunteerFacts, checked: _Checked) -> Evaluation:
    parts = _parts(req, volunteer, checked)
    return Evaluation(
        volunteer=volunteer,
        failures=tuple(checked.failures),
        reasons=_reasons(req, volunteer, checked),
        score=sum(parts.values()),
        parts=parts,
    )


def _order(evaluation: Evaluation) -> tuple[float, str, int]:
    volunteer = evaluation.volunteer
    return (-evaluation.score, volunteer.name.casefold(), volunteer.profile_id)


# --- the interface ------------------------------------------------------------------------


def failures(
    request: RequestFacts, volunteer: VolunteerFacts, settings: Settings
) -> tuple[Failure, ...]:
    """Every hard constraint ``volunteer`` fails for ``request``, in ``Constraint`` order."""
    return tuple(_check(_Request(request, settings), volunteer, settings).failures)


def evaluate(request: RequestFacts, volunteer: VolunteerFacts, settings: Settings) -> Evaluation:
    """The failures, the reasons (facts of the constraints passed) and the score."""
    req = _Request(request, settings)
    return _evaluation(req, volunteer, _check(req, volunteer, settings))


def fits_request(
    request: RequestFacts, volunteer: VolunteerFacts, settings: Settings
) -> Evaluation | None:
    """The engine turned round, for a volunteer looking at open requests: the evaluation
    when ``volunteer`` passes every hard constraint of ``request``, else None."""
    req = _Request(request, settings)
    checked = _check(req, volunteer, settings)
    if checked.failures:
        return None
    return _evaluation(req, volunteer, checked)


def rank(
    request: RequestFacts, volunteers: Iterable[VolunteerFacts], settings: Settings
) -> Ranking:
    """Candidates best first (ties: name, then profile id); near misses likewise."""
    req = _Request(request, settings)
    candidates: list[Evaluation] = []
    near: list[Evaluation] = []
    for volunteer in volunteers:
        checked = _check(req, volunteer, settings)
        count = len(checked.failures)
        if count == 0:
            candidates.append(_evaluation(req, volunteer, checked))
        elif count == 1:
            near.append(_evaluation(req, volunteer, checked))
    candidates.sort(key=_order)
    near.sort(key=_order)
    return Ranking(
        candidates=tuple(candidates), near_misses=tuple(near[: max(0, settings.near_misses)])
    )
