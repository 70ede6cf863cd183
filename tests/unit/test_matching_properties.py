"""Properties of the matching engine over generated volunteers and requests (hypothesis).

The oracle below re-states every hard constraint in the plainest way, independently of
the engine's code (its own level table, setting table, haversine, day-by-day absence
walk and word matching): a volunteer is a candidate exactly when the oracle finds no
broken constraint, and a near miss breaks exactly the one constraint it is shown for.
"""

from __future__ import annotations

import dataclasses
import math
import os
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wirnet.matching.engine import (
    Busy,
    LanguageFacts,
    QualificationFacts,
    RequestFacts,
    Settings,
    Slot,
    VolunteerFacts,
    failures,
    rank,
)

BERLIN = ZoneInfo("Europe/Berlin")
SETTINGS = Settings(near_misses=4)
C1, B2 = 5, 4
NEEDED = {"language_mediation": C1, "health_guidance": B2, "accompaniment": 3, "other": 3}
NEEDS = {
    "doctor_hospital": "health",
    "authority": "authorities",
    "school_childcare": "school_childcare",
    "job_centre": "work",
    "counselling": "everyday",
    "other": "everyday",
}
REACH = {"foot": 3, "bicycle": 12, "public_transport": 40, "car": 80}
TODAY = date(2026, 3, 20)

EXAMPLES = settings(
    max_examples=100,
    deadline=None,
    database=None,
    # CI replays the same examples every run; elsewhere every run explores new ones.
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- strategies -----------------------------------------------------------------------------

codes = st.sampled_from(["ar", "ar-SY", "ar-IQ", "fa", "fa-AF", "ps", "ti", "de", "de-AT"])
modes = st.frozensets(st.sampled_from(["on_site", "phone", "video"]))
comfort = st.frozensets(st.sampled_from(sorted(set(NEEDS.values()))))
days = st.dates(min_value=date(2026, 3, 10), max_value=date(2026, 4, 10))
quarter = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
keys = st.sampled_from(["first_aid", "health_guide"])
coordinates = st.tuples(st.floats(51.0, 51.6), st.floats(9.0, 9.9))
places = st.one_of(st.none(), coordinates)


@st.composite
def local_instant(draw) -> datetime:
    day, moment = draw(days), draw(quarter)
    return datetime.combine(day, moment, tzinfo=BERLIN).astimezone(UTC)


@st.composite
def slots(draw) -> Slot:
    start = draw(quarter)
    minutes = start.hour * 60 + start.minute + draw(st.integers(15, 12 * 60))
    end = time(23, 59) if minutes >= 24 * 60 else time(minutes // 60, minutes % 60)
    return Slot(draw(st.integers(0, 6)), start, end)


@st.composite
def requests(draw) -> RequestFacts:
    kind = draw(st.sampled_from([*sorted(NEEDED), "language_mediation"]))
    fixed = draw(st.booleans())
    starts = ends = window_from = deadline = None
    if fixed:
        starts = draw(local_instant())
        ends = starts + timedelta(minutes=draw(st.sampled_from([30, 60, 90, 150, 240])))
    else:
        window_from = draw(st.one_of(st.none(), days))
        deadline = draw(st.one_of(st.none(), days))
    place = None if draw(st.integers(0, 4)) == 0 else draw(coordinates)
    return RequestFacts(
        request_id=1,
        kind=kind,
        language=draw(st.sampled_from(["ar", "ar-SY", "fa-AF", "ti", "de"])),
        mode=draw(st.sampled_from(["on_site", "on_site", "on_site", "phone", "video"])),
        setting=draw(st.sampled_from(sorted(NEEDS))),
        starts_at=starts,
        ends_at=ends,
        window_from=window_from,
        deadline=deadline,
        lat=place[0] if place else None,
        lon=place[1] if place else None,
        gender_preference=draw(st.sampled_from([None, None, "female", "male"])),
        required_qualifications=tuple(draw(st.lists(keys, max_size=2))),
        short_notice=draw(st.booleans()),
        organisation_name=draw(st.sampled_from([None, "Caritas Kassel", "AWO Nord"])),
        client_ref=draw(st.sampled_from([None, "K-17", "ab"])),
        topics=draw(st.frozensets(st.sampled_from(["health", "work_jobs", "projects"]))),
        today=TODAY,
    )


#: What a generated volunteer may be made to break; most break nothing or one thing, each
#: rule's values are drawn near its edge (a minute, a day, a metre either side), where a
#: wrong comparison shows.
ASPECTS = (
    "active",
    "language",
    "other_language",
    "qualification",
    "slot",
    "absent",
    "busy",
    "gender",
    "conflict",
    "mode",
    "setting",
    "distance",
)
KM_PER_DEGREE = 6371.0088 * math.pi / 180  # along a meridian


@st.composite
def volunteers(draw, request: RequestFacts, profile_id: int) -> VolunteerFacts:
    target = draw(st.sampled_from([None, None, *ASPECTS, "several"]))

    def bad(aspect: str) -> bool:
        return target == aspect or (target == "several" and draw(st.booleans()))

    # Languages: one for the request (its variety, its base or another variety) at or
    # just below the level needed, German, perhaps another.
    needed = NEEDED[request.kind]
    skills = draw(
        st.lists(
            st.builds(LanguageFacts, codes, st.integers(1, 7), st.booleans(), modes, comfort),
            max_size=1,
        )
    )
    variety = draw(
        st.sampled_from([request.language, base(request.language), base(request.language) + "-IQ"])
    )
    level = (
        needed - draw(st.integers(1, 2)) if bad("language") else needed + draw(st.integers(0, 2))
    )
    skill_modes = draw(modes) - {request.mode} if bad("mode") else draw(modes) | {request.mode}
    need = NEEDS[request.setting]
    skill_settings = draw(comfort) - {need} if bad("setting") else draw(comfort) | {need}
    mediates = not (bad("mode") and draw(st.booleans()))
    skills.append(
        LanguageFacts(
            variety,
            max(1, min(7, level)),
            mediates,
            frozenset(skill_modes),
            frozenset(skill_settings),
        )
    )
    if not (bad("other_language") and draw(st.booleans())):
        german = B2 - 1 if bad("other_language") else B2 + draw(st.integers(0, 3))
        skills.append(LanguageFacts(draw(st.sampled_from(["de", "de-AT"])), german))
    # Qualifications: valid until the day or a day later, or ending the day before.
    day = (
        request.starts_at.astimezone(BERLIN).date()
        if request.starts_at
        else max(request.window_from or TODAY, TODAY)
    )
    held = []
    for key in request.required_qualifications:
        if bad("qualification"):
            how = draw(st.sampled_from(["expired", "unverified", "missing"]))
            if how != "missing":
                until = day - timedelta(days=1) if how == "expired" else None
                held.append(QualificationFacts(key, how == "expired", until))
        else:
            until = draw(st.sampled_from([None, day, day + timedelta(days=1)]))
            held.append(QualificationFacts(key, True, until))
    # Time: a slot whose edges are at, or a minute or a quarter-hour around, the appointment.
    weekly = draw(st.lists(slots(), max_size=1))
    if request.starts_at is not None:
        start = request.starts_at.astimezone(BERLIN)
        end = request.ends_at.astimezone(BERLIN)
        if bad("slot"):
            early = start + timedelta(minutes=draw(st.sampled_from([-15, 0, 1])))
            late = end + timedelta(minutes=draw(st.sampled_from([-1, 0, 15])))
            weekday = draw(st.sampled_from([start.weekday(), (start.weekday() + 1) % 7]))
        else:
            early = start - timedelta(minutes=draw(st.sampled_from([0, 1, 15])))
            late = end + timedelta(minutes=draw(st.sampled_from([0, 1, 15])))
            weekday = start.weekday()
        if early.date() == start.date() == late.date() and early < late:
            weekly.append(Slot(weekday, early.time(), late.time()))
        elif early.date() == start.date() != end.date():  # until midnight: not enough
            weekly.append(Slot(weekday, early.time(), time(23, 59)))
    elif bad("slot"):
        weekly = []
    # Other bookings a minute either side of the travel buffer.
    busy = []
    if draw(st.booleans()) or bad("busy"):
        starts = request.starts_at or datetime(2026, 3, 20, 9, tzinfo=UTC)
        ends = request.ends_at or starts
        gap = timedelta(minutes=draw(st.sampled_from([1, 15] if bad("busy") else [0, 1, 15])))
        length = timedelta(minutes=draw(st.integers(1, 8)) * 15)
        if draw(st.booleans()):
            until = starts - SETTINGS.travel_buffer + (gap if bad("busy") else -gap)
            busy.append(Busy(until - length, until))
        else:
            since = ends + SETTINGS.travel_buffer - (gap if bad("busy") else -gap)
            busy.append(Busy(since, since + length))
    # Absences: ending the day before or starting the day after, or on the day; for a
    # window, covering it with or without a one-day gap.
    absences = []
    if request.starts_at is not None:
        if bad("absent"):
            absences.append((day - timedelta(days=draw(st.integers(0, 2))), day))
        else:
            absences.append((day - timedelta(days=3), day - timedelta(days=1)))
            absences.append((day + timedelta(days=1), day + timedelta(days=2)))
    elif request.deadline is not None and day <= request.deadline:
        middle = day + (request.deadline - day) / 2
        gap = timedelta(days=1 if bad("absent") else 2)
        absences.append((day - timedelta(days=1), middle))
        absences.append((middle + gap, request.deadline + timedelta(days=1)))
    # Where they live: just inside or outside their reach, straight north of the request.
    mobility = draw(st.sampled_from([None, None, *REACH]))
    own = draw(st.sampled_from([None, None, 0, 5, 10, 20, 50]))
    caps = [c for c in (own, REACH.get(mobility)) if c is not None]
    reach = min(caps) if caps else 15
    place = draw(places)
    if request.lat is not None and not (bad("distance") and draw(st.booleans())):
        if bad("distance"):
            km = reach + draw(st.sampled_from([0.001, 0.5, 5.0]))
        else:
            km = max(0.0, reach - draw(st.sampled_from([0.001, 0.5, 5.0])))
        place = (request.lat + km / KM_PER_DEGREE, request.lon)
    gender = draw(st.sampled_from([None, "female", "male", "diverse"]))
    if request.gender_preference:
        others = [g for g in (None, "female", "male", "diverse") if g != request.gender_preference]
        gender = draw(st.sampled_from(others)) if bad("gender") else request.gender_preference
    harmless = ["Diakonie", "family Haddad", "Cari", "K-170", "Caritasverband", "x ab", "e.V."]
    if bad("conflict"):
        org, client = request.organisation_name or "AWO", request.client_ref or "K-17"
        conflicts = [
            draw(
                st.sampled_from(
                    [
                        org,
                        org.split()[0],
                        f"my employer {org}",
                        org.upper(),
                        client,
                        f"family {client}",
                    ]
                )
            )
        ]
    else:
        conflicts = draw(st.lists(st.sampled_from(harmless), max_size=2))
    return VolunteerFacts(
        profile_id=profile_id,
        name=draw(st.sampled_from(["Amal", "amal", "Bashir", "Chiara", "Dawit"])),
        active=not bad("active"),
        gender=gender,
        lat=place[0] if place else None,
        lon=place[1] if place else None,
        mobility=mobility,
        max_distance_km=own,
        on_call=draw(st.booleans()),
        topics=draw(st.frozensets(st.sampled_from(["health", "work_jobs", "leisure_sport"]))),
        languages=tuple(skills),
        qualifications=tuple(held),
        slots=tuple(weekly),
        absences=tuple(absences),
        busy=tuple(busy),
        conflicts=tuple(conflicts),
        recent_assignments=draw(st.integers(0, 5)),
        worked_with_organisation=draw(st.booleans()),
        worked_with_client=draw(st.booleans()),
        declined_here_before=draw(st.booleans()),
        offers=(offers := draw(st.integers(0, 10))),
        offers_answered=draw(st.integers(0, offers)),
    )


@st.composite
def scenes(draw):
    request = draw(requests())
    pool = [draw(volunteers(request, number)) for number in range(1, draw(st.integers(1, 6)) + 1)]
    return request, pool


# --- the oracle -----------------------------------------------------------------------------


def base(code: str) -> str:
    return code.split("-")[0]


def haversine(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def words(text: str | None) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in (text or "").lower()).split()


def within(inner: list[str], outer: list[str]) -> bool:
    if len("".join(inner)) < 3:
        return False
    return any(outer[i : i + len(inner)] == inner for i in range(len(outer)))


def broken(request: RequestFacts, vol: VolunteerFacts) -> set[str]:
    """The constraints ``vol`` breaks, by the oracle's own reading of the rules.
    "skill" stands for language, mode and setting together: one skill must do all three."""
    out = set()
    if not vol.active:
        out.add("active")
    needed = NEEDED[request.kind]
    mediation = request.kind == "language_mediation"
    ok_skill = [
        s
        for s in vol.languages
        if base(s.code) == base(request.language)
        and s.rank >= needed
        and (
            not mediation
            or (s.mediates and request.mode in s.modes and NEEDS[request.setting] in s.settings)
        )
    ]
    if not ok_skill:
        out.add("skill")
    if mediation and not any(base(s.code) == "de" and s.rank >= B2 for s in vol.languages):
        out.add("other_language")
    if request.starts_at is not None:
        start, end = request.starts_at.astimezone(BERLIN), request.ends_at.astimezone(BERLIN)
        day = start.date()
        touched = [start.date() + timedelta(days=n) for n in range((end.date() - day).days + 1)]
    else:
        day = max(request.window_from or TODAY, TODAY)
        touched = []
    for key in request.required_qualifications:
        if not any(
            q.key == key and q.verified and (q.valid_until is None or day <= q.valid_until)
            for q in vol.qualifications
        ):
            out.add("qualification")
    if request.starts_at is not None:
        covered = start.date() == end.date() and any(
            s.weekday == start.weekday()
            and s.start <= start.time().replace(tzinfo=None)
            and end.time().replace(tzinfo=None) <= s.end
            for s in vol.slots
        )
        if not covered and not (request.short_notice and vol.on_call):
            out.add("slot")
        if any(a <= d <= b for d in touched for a, b in vol.absences):
            out.add("absent")
        buffer = timedelta(minutes=30)
        if any(
            b.starts_at < request.ends_at + buffer and request.starts_at - buffer < b.ends_at
            for b in vol.busy
        ):
            out.add("busy")
    else:
        if not vol.slots and not vol.on_call:
            out.add("slot")
        if request.deadline is not None and day <= request.deadline:
            free = [
                day + timedelta(days=n)
                for n in range((request.deadline - day).days + 1)
                if not any(a <= day + timedelta(days=n) <= b for a, b in vol.absences)
            ]
            if not free:
                out.add("absent")
    if request.gender_preference and vol.gender != request.gender_preference:
        out.add("gender")
    client, org = words(request.client_ref), words(request.organisation_name)
    for text in vol.conflicts:
        said = words(text)
        plain = " ".join(text.lower().split())
        if (request.client_ref and plain == " ".join(request.client_ref.lower().split())) or (
            client and within(client, said)
        ):
            out.add("conflict")
        if request.organisation_name and (
            plain == " ".join(request.organisation_name.lower().split())
            or within(said, org)
            or within(org, said)
        ):
            out.add("conflict")
    if request.mode == "on_site" and request.lat is not None:
        caps = [c for c in (vol.max_distance_km, REACH.get(vol.mobility)) if c is not None]
        reach = min(caps) if caps else 15
        if vol.lat is None or haversine(vol.lat, vol.lon, request.lat, request.lon) > reach:
            out.add("distance")
    return out


GROUP = {"language": "skill", "mode": "skill", "setting": "skill"}

# --- the properties -------------------------------------------------------------------------


@EXAMPLES
@given(scenes())
def test_candidates_break_no_rule_and_near_misses_exactly_the_one_they_show(scene):
    request, pool = scene
    ranking = rank(request, pool, SETTINGS)
    chosen = {e.volunteer.profile_id for e in ranking.candidates}
    for vol in pool:
        assert (vol.profile_id in chosen) is (not broken(request, vol)), (vol, broken(request, vol))
    for evaluation in ranking.candidates:
        assert evaluation.fits and not failures(request, evaluation.volunteer, SETTINGS)
    assert len(ranking.near_misses) <= SETTINGS.near_misses
    for evaluation in ranking.near_misses:
        (failure,) = evaluation.failures
        assert failure.failed
        assert broken(request, evaluation.volunteer) == {GROUP.get(failure.code, failure.code)}
    # Every volunteer that breaks exactly one rule is a near miss, unless the list is full.
    one = [v for v in pool if len(failures(request, v, SETTINGS)) == 1]
    assert len(ranking.near_misses) == min(len(one), SETTINGS.near_misses)


@EXAMPLES
@given(scenes(), st.randoms(use_true_random=False))
def test_the_ranking_is_deterministic_and_ordered_by_score(scene, random):
    request, pool = scene
    ranking = rank(request, pool, SETTINGS)
    shuffled = list(pool)
    random.shuffle(shuffled)
    assert rank(request, shuffled, SETTINGS) == ranking
    for listed in (ranking.candidates, ranking.near_misses):
        scores = [e.score for e in listed]
        assert scores == sorted(scores, reverse=True)
        for e in listed:
            assert e.score == sum(e.parts.values())
            for name, value in e.parts.items():
                assert 0 <= value <= SETTINGS.weights[name]
    # Whether one fits does not depend on who else is in the pool.
    alone = {v.profile_id for v in pool if rank(request, [v], SETTINGS).candidates}
    assert alone == {e.volunteer.profile_id for e in ranking.candidates}


def _outcome(ranking) -> list:
    return [
        (e.volunteer.profile_id, e.failures, e.reasons, e.score)
        for e in (*ranking.candidates, *ranking.near_misses)
    ]


@EXAMPLES
@given(scenes(), st.randoms(use_true_random=False))
def test_the_order_of_a_volunteers_own_lists_changes_nothing(scene, random):
    """The database hands a volunteer's languages, qualifications, slots, absences and
    bookings over in no promised order: which skill, slot or clash a reason names must
    not hang on it."""
    request, pool = scene

    def shuffled(values: tuple) -> tuple:
        values = list(values)
        random.shuffle(values)
        return tuple(values)

    reordered = [
        dataclasses.replace(
            vol,
            languages=shuffled(vol.languages),
            qualifications=shuffled(vol.qualifications),
            slots=shuffled(vol.slots),
            absences=shuffled(vol.absences),
            busy=shuffled(vol.busy),
            conflicts=shuffled(vol.conflicts),
        )
        for vol in pool
    ]
    assert _outcome(rank(request, reordered, SETTINGS)) == _outcome(rank(request, pool, SETTINGS))
