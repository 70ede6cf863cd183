"""The matching engine on plain data: every hard constraint, every score part, the ranking.

No app and no database: volunteers and requests are the engine's own frozen types. The
appointment is on Tuesday 3 March 2026, 10:00–11:30 in Kassel (Berlin time, UTC+1).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from wirnet.config import Config
from wirnet.matching.engine import (
    BERLIN,
    LEVELS,
    NATIVE,
    Busy,
    Constraint,
    LanguageFacts,
    QualificationFacts,
    RequestFacts,
    Settings,
    Slot,
    VolunteerFacts,
    distance_km,
    evaluate,
    failures,
    fits_request,
    rank,
)

C = Constraint
SETTINGS = Settings()
TUESDAY = 1
KASSEL = (51.3127, 9.4797)
# Straight-line distances from Kassel: about 8 km, 25 km and 76 km.
BAUNATAL = (51.2517, 9.4097)
FRITZLAR = (51.1333, 9.2750)
MARBURG = (50.8021, 8.7667)

ALL_MODES = frozenset({"on_site", "phone", "video"})
ALL_SETTINGS = frozenset({"health", "authorities", "school_childcare", "work", "everyday"})


def local(hour: int, minute: int = 0, day: int = 3) -> datetime:
    """A time on a day in March 2026 in Berlin, as the UTC instant the engine gets."""
    return datetime(2026, 3, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def speaks(code: str, level: str = "native", **kwargs) -> LanguageFacts:
    return LanguageFacts(code, LEVELS[level], **kwargs)


def mediator(code: str, level: str = "native", modes=ALL_MODES, settings=ALL_SETTINGS):
    return LanguageFacts(code, LEVELS[level], True, frozenset(modes), frozenset(settings))


def volunteer(**changes) -> VolunteerFacts:
    """Amal passes every constraint of ``request()`` as it stands."""
    base = VolunteerFacts(
        profile_id=1,
        name="Amal",
        active=True,
        gender="female",
        lat=KASSEL[0],
        lon=KASSEL[1],
        municipality="Kassel",
        mobility="car",
        languages=(mediator("ar"), speaks("de", "C1")),
        qualifications=(QualificationFacts("first_aid", True, None),),
        slots=(Slot(TUESDAY, time(9), time(13)),),
    )
    return replace(base, **changes)


def request(**changes) -> RequestFacts:
    base = RequestFacts(
        request_id=7,
        kind="accompaniment",
        language="ar",
        starts_at=local(10),
        ends_at=local(11, 30),
        lat=KASSEL[0],
        lon=KASSEL[1],
        municipality="Kassel",
        organisation_id=3,
        organisation_name="Caritas Kassel",
        client_ref="K-17",
        today=date(2026, 3, 1),
    )
    return replace(base, **changes)


def mediation(**changes) -> RequestFacts:
    return request(**{"kind": "language_mediation", "setting": "doctor_hospital", **changes})


def codes(req: RequestFacts, vol: VolunteerFacts, settings: Settings = SETTINGS) -> list[str]:
    return [failure.code for failure in failures(req, vol, settings)]


def failure(req: RequestFacts, vol: VolunteerFacts, settings: Settings = SETTINGS):
    (only,) = failures(req, vol, settings)
    return only


def reason(evaluation, code: str):
    found = [r for r in evaluation.reasons if r.code == code]
    assert len(found) == 1, [r.code for r in evaluation.reasons]
    return found[0]


def test_the_baseline_fits():
    assert codes(request(), volunteer()) == []
    assert codes(mediation(), volunteer()) == []


# --- active ---------------------------------------------------------------------------------


def test_only_active_volunteers():
    assert codes(request(), volunteer(active=False)) == [C.ACTIVE]


# --- language -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requested", "spoken", "fits"),
    [
        ("fa-AF", "fa-AF", True),  # Dari for Dari
        ("fa-AF", "fa", True),  # Persian serves Dari
        ("fa-AF", "ps", False),  # Pashto does not
        ("ar-SY", "ar-SY", True),
        ("ar-SY", "ar", True),
        ("ar-SY", "ar-EG", True),  # by base language
        ("ar", "ar-IQ", True),  # any Arabic for plain Arabic
        ("ar", "arc", False),  # Aramaic is not Arabic
        ("ti", "tig", False),  # Tigre is not Tigrinya
    ],
)
def test_the_language_is_matched_by_base_language(requested, spoken, fits):
    vol = volunteer(languages=(speaks(spoken, "C1"),))
    assert (C.LANGUAGE not in codes(request(language=requested), vol)) is fits


@pytest.mark.parametrize(
    ("kind", "level", "fits"),
    [
        ("language_mediation", "native", True),
        ("language_mediation", "C2", True),
        ("language_mediation", "C1", True),
        ("language_mediation", "B2", False),
        ("health_guidance", "B2", True),
        ("health_guidance", "B1", False),
        ("accompaniment", "B1", True),
        ("accompaniment", "A2", False),
        ("other", "B1", True),
        ("other", "A2", False),
    ],
)
def test_the_level_the_kind_of_request_needs(kind, level, fits):
    vol = volunteer(languages=(mediator("ar", level), speaks("de", "C1")))
    req = request(kind=kind, setting="doctor_hospital")
    assert (C.LANGUAGE not in codes(req, vol)) is fits


def test_a_language_failure_says_the_best_level_and_the_need():
    vol = volunteer(languages=(mediator("ar-SY", "A2"), mediator("ar", "B2"), speaks("de", "C1")))
    found = failure(mediation(language="ar-SY"), vol)
    assert found.code == C.LANGUAGE and found.failed
    assert dict(found.params) == {
        "code": "ar-SY",
        "needed": LEVELS["C1"],
        "skill": "ar",
        "rank": LEVELS["B2"],
    }
    nothing = failure(request(language="ti"), vol)
    assert nothing.params["skill"] is None and nothing.params["rank"] is None


def test_a_request_in_german_is_judged_like_any_other_language():
    req = request(language="de")
    assert codes(req, volunteer(languages=(speaks("de", "B1"),))) == []
    assert codes(req, volunteer(languages=(speaks("de-AT", "B1"),))) == []
    assert codes(req, volunteer(languages=(speaks("de", "A2"),))) == [C.LANGUAGE]


def test_mediation_needs_german_at_b2():
    assert codes(mediation(), volunteer(languages=(mediator("ar"), speaks("de", "B2")))) == []
    assert codes(mediation(), volunteer(languages=(mediator("ar"), speaks("de-CH", "B2")))) == []
    found = failure(mediation(), volunteer(languages=(mediator("ar"), speaks("de", "B1"))))
    assert found.code == C.OTHER_LANGUAGE
    assert found.params["rank"] == LEVELS["B1"] and found.params["needed"] == LEVELS["B2"]
    assert codes(mediation(), volunteer(languages=(mediator("ar"),))) == [C.OTHER_LANGUAGE]
    # Other kinds of request do not ask for German.
    assert codes(request(), volunteer(languages=(speaks("ar"),))) == []


def test_thresholds_come_from_the_settings():
    strict = replace(SETTINGS, mediation_rank=NATIVE, other_language_rank=LEVELS["C1"])
    vol = volunteer(languages=(mediator("ar", "C2"), speaks("de", "B2")))
    assert codes(mediation(), vol) == []
    assert codes(mediation(), vol, strict) == [C.LANGUAGE, C.OTHER_LANGUAGE]


# --- qualifications -------------------------------------------------------------------------


def test_a_qualification_counts_up_to_its_last_valid_day():
    needs = request(required_qualifications=("first_aid",))
    on_the_day = QualificationFacts("first_aid", True, date(2026, 3, 3), date(2026, 3, 3))
    day_before = QualificationFacts("first_aid", True, date(2026, 3, 2), date(2026, 3, 2))
    assert codes(needs, volunteer(qualifications=(on_the_day,))) == []
    found = failure(needs, volunteer(qualifications=(day_before,)))
    assert found.code == C.QUALIFICATION and dict(found.params) == {"key": "first_aid"}


def test_grace_days_count_and_the_reason_shows_the_expiry():
    needs = request(required_qualifications=("first_aid",))
    # Expired on 28 February, but 14 grace days keep it valid until 14 March.
    graced = QualificationFacts("first_aid", True, date(2026, 3, 14), date(2026, 2, 28))
    evaluation = evaluate(needs, volunteer(qualifications=(graced,)), SETTINGS)
    assert evaluation.fits
    assert dict(reason(evaluation, "qualification").params) == {
        "key": "first_aid",
        "expires_on": date(2026, 2, 28),
    }


def test_only_verified_qualifications_count():
    needs = request(required_qualifications=("first_aid",))
    claimed = QualificationFacts("first_aid", False, None)
    assert codes(needs, volunteer(qualifications=(claimed,))) == [C.QUALIFICATION]


def test_one_failure_per_missing_qualification():
    needs = request(required_qualifications=("first_aid", "health_guide", "child_protection"))
    found = failures(needs, volunteer(), SETTINGS)
    assert [(f.code, f.params["key"]) for f in found] == [
        (C.QUALIFICATION, "health_guide"),
        (C.QUALIFICATION, "child_protection"),
    ]


def test_the_day_is_the_local_date_of_the_appointment():
    # 00:30 on 4 March in Berlin is still 3 March in UTC.
    late = request(
        starts_at=local(0, 30, day=4),
        ends_at=local(1, 30, day=4),
        required_qualifications=("first_aid",),
    )
    until_3rd = QualificationFacts("first_aid", True, date(2026, 3, 3))
    vol = volunteer(qualifications=(until_3rd,), slots=(Slot(2, time(0), time(2)),))
    assert late.starts_at.date() == date(2026, 3, 3)
    assert codes(late, vol) == [C.QUALIFICATION]


def test_a_flexible_window_needs_it_from_its_first_day_or_today():
    until_10th = QualificationFacts("first_aid", True, date(2026, 3, 10))
    vol = volunteer(qualifications=(until_10th,))
    window = request(
        starts_at=None,
        ends_at=None,
        window_from=date(2026, 3, 12),
        deadline=date(2026, 3, 31),
        required_qualifications=("first_aid",),
    )
    assert codes(window, vol) == [C.QUALIFICATION]
    started = replace(window, window_from=date(2026, 2, 20))  # begun already: today counts
    assert codes(started, vol) == []
    assert codes(replace(started, today=date(2026, 3, 11)), vol) == [C.QUALIFICATION]


# --- time -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "fits"),
    [
        (Slot(TUESDAY, time(10), time(11, 30)), True),  # exactly
        (Slot(TUESDAY, time(8), time(18)), True),
        (Slot(TUESDAY, time(10, 1), time(12)), False),  # starts a minute late
        (Slot(TUESDAY, time(9), time(11, 29)), False),  # ends a minute early
        (Slot(TUESDAY + 1, time(8), time(18)), False),  # Wednesday
    ],
)
def test_a_weekly_slot_covers_the_appointment_in_local_time(slot, fits):
    assert (codes(request(), volunteer(slots=(slot,))) == []) is fits


def test_the_covering_slot_is_the_reason_and_the_failure_says_when():
    slots = (Slot(TUESDAY, time(14), time(18)), Slot(TUESDAY, time(9, 30), time(12)))
    evaluation = evaluate(request(), volunteer(slots=slots), SETTINGS)
    assert dict(reason(evaluation, "slot").params) == {
        "weekday": TUESDAY,
        "start": time(9, 30),
        "end": time(12),
    }
    found = failure(request(), volunteer(slots=(Slot(TUESDAY, time(14), time(18)),)))
    assert found.code == C.SLOT
    assert dict(found.params) == {"weekday": TUESDAY, "start": time(10), "end": time(11, 30)}


def test_an_appointment_across_midnight_is_never_in_a_slot():
    night = request(starts_at=local(23), ends_at=local(0, 30, day=4))
    whole_days = (Slot(TUESDAY, time(0), time(23, 59)), Slot(TUESDAY + 1, time(0), time(23, 59)))
    assert codes(night, volunteer(slots=whole_days)) == [C.SLOT]
    assert codes(replace(night, short_notice=True), volunteer(on_call=True)) == []


def test_on_call_counts_for_short_notice_requests_only():
    free_never = volunteer(slots=(), on_call=True)
    assert codes(request(), free_never) == [C.SLOT]
    evaluation = evaluate(request(short_notice=True), free_never, SETTINGS)
    assert evaluation.fits
    assert reason(evaluation, "on_call").params == {}
    assert codes(request(short_notice=True), volunteer(slots=(), on_call=False)) == [C.SLOT]


def test_a_flexible_window_needs_some_free_time_or_on_call():
    window = request(starts_at=None, ends_at=None, window_from=date(2026, 3, 5))
    assert codes(window, volunteer(slots=(Slot(4, time(17), time(18)),))) == []
    assert codes(window, volunteer(slots=(), on_call=True)) == []
    found = failure(window, volunteer(slots=()))
    assert found.code == C.SLOT and found.params == {}


def test_absent_on_the_day():
    found = failure(request(), volunteer(absences=((date(2026, 3, 1), date(2026, 3, 3)),)))
    assert found.code == C.ABSENT and dict(found.params) == {"date": date(2026, 3, 3)}
    assert codes(request(), volunteer(absences=((date(2026, 2, 20), date(2026, 3, 2)),))) == []
    assert codes(request(), volunteer(absences=((date(2026, 3, 4), date(2026, 3, 9)),))) == []


def test_a_flexible_window_fails_only_when_absent_on_every_day():
    window = request(
        starts_at=None, ends_at=None, window_from=date(2026, 3, 5), deadline=date(2026, 3, 20)
    )
    covered = ((date(2026, 3, 1), date(2026, 3, 12)), (date(2026, 3, 13), date(2026, 3, 25)))
    found = failure(window, volunteer(absences=covered))
    assert found.code == C.ABSENT
    assert dict(found.params) == {"starts_on": date(2026, 3, 5), "ends_on": date(2026, 3, 20)}
    gap = ((date(2026, 3, 1), date(2026, 3, 12)), (date(2026, 3, 14), date(2026, 3, 25)))
    assert codes(window, volunteer(absences=gap)) == []
    # Without a deadline the window never ends, so some day is always free.
    assert codes(replace(window, deadline=None), volunteer(absences=covered)) == []


def test_busy_with_another_booking_including_the_travel_buffer():
    def booked(start: datetime, end: datetime) -> VolunteerFacts:
        return volunteer(busy=(Busy(start, end, request_id=99),))

    # The buffer is half-open like the bookings: one ending exactly 30 minutes before the
    # start leaves the whole buffer for the journey; a minute later it does not.
    assert codes(request(), booked(local(8), local(9, 30))) == []
    found = failure(request(), booked(local(8), local(9, 31)))
    assert found.code == C.BUSY
    assert dict(found.params) == {
        "starts_at": local(8),
        "ends_at": local(9, 31),
        "request_id": 99,
    }
    # And after the end (11:30): from 12:00 on is free, 11:59 is not.
    assert codes(request(), booked(local(12), local(13))) == []
    assert codes(request(), booked(local(11, 59), local(13))) == [C.BUSY]
    # Without a buffer, back-to-back appointments do not clash.
    no_buffer = replace(SETTINGS, travel_buffer=timedelta(0))
    assert codes(request(), booked(local(8), local(10)), no_buffer) == []
    assert codes(request(), booked(local(11, 30), local(13)), no_buffer) == []
    assert codes(request(), booked(local(11, 29), local(13)), no_buffer) == [C.BUSY]


def test_busy_names_the_first_clash_and_flexible_windows_are_not_checked():
    clashes = (Busy(local(11), local(12)), Busy(local(9), local(10, 15)))
    found = failure(request(), volunteer(busy=clashes))
    assert found.params["starts_at"] == local(9)
    window = request(starts_at=None, ends_at=None, window_from=date(2026, 3, 3))
    assert codes(window, volunteer(busy=clashes)) == []


# --- gender, conflicts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preference", "gender", "fits"),
    [
        (None, None, True),
        (None, "male", True),
        ("female", "female", True),
        ("female", "male", False),
        ("female", "diverse", False),
        ("female", None, False),
        ("male", "male", True),
    ],
)
def test_the_gender_preference(preference, gender, fits):
    found = codes(request(gender_preference=preference), volunteer(gender=gender))
    assert (found == []) is fits
    if not fits:
        assert found == [C.GENDER]


@pytest.mark.parametrize(
    ("conflict", "noted"),
    [
        ("K-17", True),  # the client reference
        ("  k-17 ", True),
        ("family K-17", True),  # contains the client reference as words
        ("K-170", False),
        ("Caritas Kassel", True),  # the organisation
        ("caritas   KASSEL", True),
        ("Caritas", True),  # contained in the organisation's name
        ("my employer Caritas Kassel", True),  # contains it
        ("Cari", False),  # not a whole word
        ("Caritasverband", False),
        ("Kassel", True),  # a whole word of the name: flagged, the coordinator decides
        ("Diakonie Kassel", False),
        ("e.V.", False),  # too short to name anyone
        ("", False),
    ],
)
def test_conflicts_of_interest_name_the_client_or_the_organisation(conflict, noted):
    found = codes(request(), volunteer(conflicts=(conflict, "my neighbour Haddad")))
    assert (found == [C.CONFLICT]) is noted
    assert found in ([], [C.CONFLICT])


def test_an_organisation_with_a_short_name_is_not_named_by_every_text():
    req = request(organisation_name="e.V.", client_ref=None)
    assert codes(req, volunteer(conflicts=("Verein für e.V. Kassel",))) == []
    assert codes(req, volunteer(conflicts=("E.V.",))) == [C.CONFLICT]  # but equal is equal


# --- mode and setting -----------------------------------------------------------------------


def test_mediation_needs_the_mode():
    phone = mediation(mode="phone")
    assert codes(phone, volunteer(languages=(mediator("ar", modes={"phone"}), speaks("de")))) == []
    found = failure(phone, volunteer(languages=(mediator("ar", modes={"on_site"}), speaks("de"))))
    assert found.code == C.MODE and dict(found.params) == {"mode": "phone", "mediates": True}
    silent = LanguageFacts("ar", NATIVE, False, frozenset(), ALL_SETTINGS)
    found = failure(phone, volunteer(languages=(silent, speaks("de"))))
    assert found.code == C.MODE and found.params["mediates"] is False


@pytest.mark.parametrize(
    ("setting", "needs"),
    [
        ("doctor_hospital", "health"),
        ("authority", "authorities"),
        ("school_childcare", "school_childcare"),
        ("job_centre", "work"),
        ("counselling", "everyday"),
        ("other", "everyday"),
    ],
)
def test_mediation_needs_comfort_in_the_setting(setting, needs):
    req = mediation(setting=setting)
    assert codes(req, volunteer(languages=(mediator("ar", settings={needs}), speaks("de")))) == []
    others = ALL_SETTINGS - {needs}
    found = failure(req, volunteer(languages=(mediator("ar", settings=others), speaks("de"))))
    assert found.code == C.SETTING
    assert dict(found.params) == {"setting": setting, "needs": needs}


def test_the_skill_that_mediates_is_judged_before_the_exact_variety():
    req = mediation(language="ar-SY", mode="phone")
    exact_but_silent = LanguageFacts("ar-SY", NATIVE)
    evaluation = evaluate(
        req, volunteer(languages=(exact_but_silent, mediator("ar"), speaks("de"))), SETTINGS
    )
    assert evaluation.fits
    assert reason(evaluation, "language").params["code"] == "ar"


def test_other_kinds_ignore_mode_and_setting():
    vol = volunteer(languages=(speaks("ar"),))  # mediates nowhere
    assert codes(request(mode="phone", setting="doctor_hospital"), vol) == []


# --- distance -------------------------------------------------------------------------------


def test_haversine():
    assert distance_km(*KASSEL, *KASSEL) == 0
    # One degree of latitude on the mean earth radius (6371.0088 km).
    assert distance_km(0, 0, 1, 0) == pytest.approx(111.1951, abs=1e-3)
    assert distance_km(*KASSEL, *MARBURG) == pytest.approx(distance_km(*MARBURG, *KASSEL))
    assert 8 < distance_km(*KASSEL, *BAUNATAL) < 9
    assert 24 < distance_km(*KASSEL, *FRITZLAR) < 25


def at_home(place, **changes):
    return volunteer(lat=place[0], lon=place[1], **changes)


@pytest.mark.parametrize(
    ("mobility", "max_km", "fits_baunatal", "fits_fritzlar"),
    [
        ("car", None, True, True),  # car: 80 km
        ("bicycle", None, True, False),  # bicycle: 12 km
        ("foot", None, False, False),  # on foot: 3 km
        ("car", 20, True, False),  # their own maximum below the cap
        ("bicycle", 100, True, False),  # the cap below their own maximum
        (None, 50, True, True),  # no means of travel: their maximum
        (None, None, True, False),  # neither: the default 15 km
    ],
)
def test_reach(mobility, max_km, fits_baunatal, fits_fritzlar):
    def fits(place):
        vol = at_home(place, mobility=mobility, max_distance_km=max_km)
        return C.DISTANCE not in codes(request(), vol)

    assert fits(BAUNATAL) is fits_baunatal
    assert fits(FRITZLAR) is fits_fritzlar


def north_of_kassel(km: float) -> tuple[float, float]:
    return (KASSEL[0] + km / (6371.0088 * math.pi / 180), KASSEL[1])


@pytest.mark.parametrize(
    ("mobility", "max_km", "reach"),
    [("bicycle", None, 12), ("car", 20, 20), ("foot", 10, 3), (None, 7, 7), (None, None, 15)],
)
def test_the_reach_is_a_limit_to_the_metre(mobility, max_km, reach):
    def fits(km):
        vol = at_home(north_of_kassel(km), mobility=mobility, max_distance_km=max_km)
        return codes(request(), vol) == []

    assert fits(reach - 0.001)
    assert not fits(reach + 0.001)


def test_the_distance_failure_says_how_far_and_the_reach():
    found = failure(request(), at_home(FRITZLAR, mobility="bicycle"))
    assert found.code == C.DISTANCE
    assert found.params["km"] == pytest.approx(distance_km(*FRITZLAR, *KASSEL))
    assert found.params["reach"] == 12
    found = failure(request(), volunteer(lat=None, lon=None, municipality=None))
    assert found.code == C.DISTANCE and found.params["km"] is None


def test_remote_requests_ignore_the_distance():
    far = at_home(MARBURG, mobility="foot")
    assert codes(request(), far) == [C.DISTANCE]
    for mode in ("phone", "video"):
        evaluation = evaluate(request(mode=mode), far, SETTINGS)
        assert evaluation.fits
        assert dict(reason(evaluation, "remote").params) == {"mode": mode}
    assert codes(request(mode="phone"), volunteer(lat=None, lon=None)) == []


def test_a_request_without_a_place_is_not_checked_for_distance():
    assert codes(request(lat=None, lon=None), at_home(MARBURG, mobility="foot")) == []


# --- failures together, evaluation, reasons ------------------------------------------------


def test_failures_come_in_constraint_order():
    hopeless = volunteer(
        active=False,
        gender="male",
        languages=(mediator("ar", "B1", modes={"video"}, settings={"work"}), speaks("de", "A1")),
        qualifications=(),
        slots=(),
        absences=((date(2026, 3, 3), date(2026, 3, 3)),),
        busy=(Busy(local(10), local(11)),),
        conflicts=("Caritas",),
        lat=MARBURG[0],
        lon=MARBURG[1],
        mobility="foot",
    )
    req = mediation(
        mode="on_site", gender_preference="female", required_qualifications=("first_aid",)
    )
    assert codes(req, hopeless) == [
        C.ACTIVE,
        C.LANGUAGE,
        C.OTHER_LANGUAGE,
        C.QUALIFICATION,
        C.SLOT,
        C.ABSENT,
        C.BUSY,
        C.GENDER,
        C.CONFLICT,
        C.MODE,
        C.SETTING,
        C.DISTANCE,
    ]
    assert all(f.failed for f in failures(req, hopeless, SETTINGS))


def test_a_candidate_comes_with_its_reasons():
    vol = at_home(
        BAUNATAL,
        municipality="Baunatal",
        languages=(mediator("ar-SY", "C1"), speaks("de", "B2")),
        qualifications=(QualificationFacts("first_aid", True, None),),
        recent_assignments=2,
        worked_with_organisation=True,
        offers=10,
        offers_answered=9,
        topics=frozenset({"health", "projects"}),
    )
    req = mediation(
        language="ar-SY",
        required_qualifications=("first_aid",),
        topics=frozenset({"health", "authorities"}),
    )
    evaluation = evaluate(req, vol, SETTINGS)
    assert evaluation.fits and evaluation.failures == ()
    assert [(r.code, dict(r.params)) for r in evaluation.reasons] == [
        ("language", {"code": "ar-SY", "rank": LEVELS["C1"], "exact": True}),
        ("other_language", {"code": "de", "rank": LEVELS["B2"]}),
        ("qualification", {"key": "first_aid", "expires_on": None}),
        ("slot", {"weekday": TUESDAY, "start": time(9), "end": time(13)}),
        ("distance", {"km": 8, "municipality": "Baunatal"}),
        ("recent", {"count": 2}),
        ("continuity", {"organisation": True, "client": False}),
        ("reliability", {"answered": 9, "offers": 10}),
        ("topics", {"topics": ("health",)}),
    ]
    assert not any(r.failed for r in evaluation.reasons)


def test_reliability_is_a_reason_from_three_offers_on():
    assert "reliability" not in [
        r.code
        for r in evaluate(request(), volunteer(offers=2, offers_answered=2), SETTINGS).reasons
    ]
    assert "reliability" in [
        r.code
        for r in evaluate(request(), volunteer(offers=3, offers_answered=0), SETTINGS).reasons
    ]


def test_a_near_miss_keeps_the_reasons_of_what_it_passed():
    evaluation = evaluate(request(), volunteer(busy=(Busy(local(10), local(11)),)), SETTINGS)
    assert [f.code for f in evaluation.failures] == [C.BUSY]
    assert {"language", "slot", "distance", "recent"} <= {r.code for r in evaluation.reasons}
    too_weak = evaluate(
        mediation(), volunteer(languages=(mediator("ar", "B1"), speaks("de"))), SETTINGS
    )
    assert "language" not in {r.code for r in too_weak.reasons}


def test_fits_request_is_the_engine_turned_round():
    assert fits_request(request(), volunteer(), SETTINGS).fits
    assert fits_request(request(), volunteer(active=False), SETTINGS) is None


# --- the score ------------------------------------------------------------------------------


def order(req: RequestFacts, *vols: VolunteerFacts, settings: Settings = SETTINGS) -> list[str]:
    return [e.volunteer.name for e in rank(req, vols, settings).candidates]


def pair(anna: dict, berta: dict):
    """Two volunteers alike but for ``anna``/``berta``; on a tie Anna comes first."""
    return volunteer(profile_id=1, name="Anna", **anna), volunteer(
        profile_id=2, name="Berta", **berta
    )


SCORE_CASES = {
    "distance": ({"lat": BAUNATAL[0], "lon": BAUNATAL[1]}, {}),
    "fairness": ({"recent_assignments": 1}, {"recent_assignments": 0}),
    "continuity": ({"worked_with_organisation": True}, {"worked_with_client": True}),
    "language": (
        {"languages": (mediator("ar", "C1"), speaks("de"))},
        {"languages": (mediator("ar", "C2"), speaks("de"))},
    ),
    "variety": (
        {"languages": (mediator("ar"), speaks("de"))},
        {"languages": (mediator("ar-SY"), speaks("de"))},
    ),
    "reliability": ({"offers": 10, "offers_answered": 8}, {"offers": 10, "offers_answered": 9}),
    "topics": ({"topics": frozenset({"work_jobs"})}, {"topics": frozenset({"health"})}),
}


@pytest.mark.parametrize("part", SCORE_CASES)
def test_each_score_part_changes_the_order(part):
    worse, better = SCORE_CASES[part]
    req = mediation(language="ar-SY", topics=frozenset({"health"}))
    anna, berta = pair(worse, better)
    assert order(req, anna, berta) == ["Berta", "Anna"]
    assert order(req, berta, anna) == ["Berta", "Anna"]
    # Given the same, Anna's name puts her first; given the better, she leads.
    anna, berta = pair(worse, worse)
    assert order(req, berta, anna) == ["Anna", "Berta"]
    anna, berta = pair(better, worse)
    assert order(req, berta, anna) == ["Anna", "Berta"]
    # Without the part's weight, the difference does not count.
    unweighted = replace(SETTINGS, weights={**SETTINGS.weights, part: 0.0})
    anna, berta = pair(worse, better)
    assert order(req, berta, anna, settings=unweighted) == ["Anna", "Berta"]


def parts(req: RequestFacts, vol: VolunteerFacts, settings: Settings = SETTINGS):
    evaluation = evaluate(req, vol, settings)
    return {name: value / settings.weights[name] for name, value in evaluation.parts.items()}


def test_the_parts_are_weighted_and_summed():
    evaluation = evaluate(request(), volunteer(), SETTINGS)
    assert set(evaluation.parts) == set(SETTINGS.weights)
    assert evaluation.score == pytest.approx(sum(evaluation.parts.values()))
    double = replace(SETTINGS, weights={name: 2 * w for name, w in SETTINGS.weights.items()})
    assert evaluate(request(), volunteer(), double).score == pytest.approx(2 * evaluation.score)


def test_the_distance_part_falls_from_one_at_home_to_zero_at_the_reach():
    assert parts(request(), volunteer())["distance"] == 1
    near = parts(request(), at_home(BAUNATAL, mobility="bicycle"))["distance"]
    assert near == pytest.approx(1 - distance_km(*BAUNATAL, *KASSEL) / 12)
    assert parts(request(mode="video"), at_home(MARBURG))["distance"] == 1


def test_fairness_continuity_and_reliability_values():
    assert parts(request(), volunteer(recent_assignments=3))["fairness"] == pytest.approx(0.25)
    assert parts(request(), volunteer(worked_with_client=True))["continuity"] == 1
    assert parts(request(), volunteer(worked_with_organisation=True))[
        "continuity"
    ] == pytest.approx(0.7)
    declined = volunteer(worked_with_client=True, declined_here_before=True)
    assert parts(request(), declined)["continuity"] == 0
    assert "continuity" not in {r.code for r in evaluate(request(), declined, SETTINGS).reasons}
    assert parts(request(), volunteer())["reliability"] == 0.5  # no history
    assert parts(request(), volunteer(offers=4, offers_answered=1))["reliability"] == 0.25


@pytest.mark.parametrize(
    ("level", "value"), [("native", 1), ("C2", 0.8), ("C1", 0.6), ("B2", 0.4), ("B1", 0.2)]
)
def test_the_language_part_by_level(level, value):
    vol = volunteer(languages=(speaks("ar", level),))
    assert parts(request(), vol)["language"] == pytest.approx(value)


@pytest.mark.parametrize(
    ("requested", "spoken", "value"),
    [("ar-SY", "ar-SY", 1), ("ar-SY", "ar", 0.5), ("ar-SY", "ar-IQ", 0.5), ("ar", "ar-IQ", 1)],
)
def test_the_variety_part(requested, spoken, value):
    vol = volunteer(languages=(speaks(spoken),))
    evaluation = evaluate(request(language=requested), vol, SETTINGS)
    assert parts(request(language=requested), vol)["variety"] == value
    assert reason(evaluation, "language").params["exact"] is (value == 1)


# --- the ranking ----------------------------------------------------------------------------


def test_ties_go_by_name_then_profile_id():
    vols = [
        volunteer(profile_id=5, name="bashir"),
        volunteer(profile_id=4, name="Amal"),
        volunteer(profile_id=3, name="amal"),
        volunteer(profile_id=9, name="Chiara"),
    ]
    ranking = rank(request(), vols, SETTINGS)
    assert [e.volunteer.profile_id for e in ranking.candidates] == [3, 4, 5, 9]
    assert rank(request(), reversed(vols), SETTINGS) == ranking


def test_near_misses_fail_exactly_one_constraint_best_first_and_capped():
    vols = [volunteer(profile_id=1, name="Fits")]
    for number in range(2, 15):  # one failure each, fewer assignments ranks higher
        vols.append(
            volunteer(
                profile_id=number,
                name=f"Busy {number:02}",
                recent_assignments=number,
                busy=(Busy(local(10), local(11)),),
            )
        )
    vols.append(volunteer(profile_id=20, name="Gone", active=False, gender="male"))
    req = request(gender_preference="female")
    ranking = rank(req, vols, replace(SETTINGS, near_misses=5))
    assert [e.volunteer.name for e in ranking.candidates] == ["Fits"]
    assert [e.volunteer.profile_id for e in ranking.near_misses] == [2, 3, 4, 5, 6]
    for near in ranking.near_misses:
        assert [f.code for f in near.failures] == [C.BUSY]
        assert not near.fits
    assert all(e.fits for e in ranking.candidates)


def test_an_empty_pool():
    ranking = rank(request(), [], SETTINGS)
    assert ranking.candidates == () and ranking.near_misses == ()


# --- settings -------------------------------------------------------------------------------


def test_settings_from_the_shipped_configuration_are_the_defaults():
    config = {key: getattr(Config, key) for key in dir(Config) if key.startswith("MATCH_")}
    assert Settings.from_config(config) == Settings()


def test_settings_from_a_dict():
    settings = Settings.from_config(
        {
            "MATCH_MEDIATION_LEVEL": "native",
            "MATCH_OTHER_LANGUAGE_LEVEL": "c1",
            "MATCH_LEVEL_BY_KIND": {"accompaniment": "A2"},
            "MATCH_TRAVEL_BUFFER_MINUTES": 45,
            "MATCH_MOBILITY_KM": {"bicycle": 20},
            "MATCH_WEIGHTS": {"topics": 4},
            "MATCH_NEAR_MISSES": 3,
            "MATCH_DEFAULT_REACH_KM": 25,
        }
    )
    assert settings.mediation_rank == NATIVE
    assert settings.other_language_rank == LEVELS["C1"]
    assert settings.rank_by_kind["accompaniment"] == LEVELS["A2"]
    assert settings.rank_by_kind["health_guidance"] == LEVELS["B2"]  # kept
    assert settings.travel_buffer == timedelta(minutes=45)
    assert settings.mobility_km["bicycle"] == 20 and settings.mobility_km["car"] == 80
    assert settings.weights["topics"] == 4 and settings.weights["distance"] == 3
    assert settings.near_misses == 3 and settings.default_reach_km == 25
    assert Settings.from_config({}) == Settings()


def test_an_unknown_level_in_the_configuration_is_refused():
    with pytest.raises(ValueError, match="D1"):
        Settings.from_config({"MATCH_MEDIATION_LEVEL": "D1"})
