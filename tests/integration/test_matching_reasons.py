"""The engine's reasons and failures as sentences in the reader's language.

English is asserted word for word (it is the catalog's source). German and Arabic are
checked for what must survive any translation: the names (from CLDR, in the reader's
language) and the numbers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

import pytest

from wirnet.bidi import FSI, PDI
from wirnet.matching.engine import (
    LEVELS,
    NATIVE,
    Busy,
    Constraint,
    LanguageFacts,
    QualificationFacts,
    Reason,
    ReasonCode,
    RequestFacts,
    Settings,
    Slot,
    VolunteerFacts,
    evaluate,
)
from wirnet.matching.reasons import describe, describe_all

NAMES = {"health_guide": "Health guide"}
NNBSP, THIN = "\u202f", "\u2009"  # CLDR's spaces in English times and ranges


def fact(kind: str, /, **params) -> Reason:
    return Reason(kind, params)


def failed(constraint: str, /, **params) -> Reason:
    return Reason(constraint, params, failed=True)


def say(app, locale: str, item: Reason, names=NAMES) -> str:
    """``item`` as a browser asking for ``locale`` gets it. Each request has its own app
    context, as on a server (in the tests' shared one the first locale would stick)."""
    with app.app_context(), app.test_request_context(headers={"Accept-Language": locale}):
        return describe(item, qualification_names=names)


FACTS_IN_ENGLISH = [
    (fact(ReasonCode.LANGUAGE, code="ti", rank=NATIVE, exact=True), "speaks Tigrinya natively"),
    (
        fact(ReasonCode.LANGUAGE, code="ar-SY", rank=LEVELS["C1"], exact=True),
        "speaks Arabic (Syria) at level C1",
    ),
    (
        fact(ReasonCode.LANGUAGE, code="fa-AF", rank=LEVELS["B2"], exact=False),
        "speaks Dari at level B2",
    ),
    (fact(ReasonCode.OTHER_LANGUAGE, code="de", rank=LEVELS["B2"]), "German at level B2"),
    (fact(ReasonCode.OTHER_LANGUAGE, code="de", rank=NATIVE), "German natively"),
    (
        fact(ReasonCode.QUALIFICATION, key="health_guide", expires_on=date(2028, 3, 31)),
        "verified Health guide until 3/2028",
    ),
    (
        fact(ReasonCode.QUALIFICATION, key="first_aid", expires_on=None),
        "verified first_aid",  # no name in the reader's language: the key
    ),
    (
        fact(ReasonCode.SLOT, weekday=1, start=time(9), end=time(12)),
        f"free every Tuesday 9:00{NNBSP}AM{THIN}–{THIN}12:00{NNBSP}PM",
    ),
    (fact(ReasonCode.ON_CALL), "on call for short-notice requests"),
    (fact(ReasonCode.DISTANCE, km=6, municipality="Baunatal"), "6 km away (Baunatal)"),
    (fact(ReasonCode.DISTANCE, km=1, municipality=None), "1 km away"),
    (fact(ReasonCode.REMOTE, mode="phone"), "by phone"),
    (fact(ReasonCode.REMOTE, mode="video"), "by video"),
    (fact(ReasonCode.RECENT, count=0), "no assignment in the last 30 days"),
    (fact(ReasonCode.RECENT, count=1), "1 assignment in the last 30 days"),
    (fact(ReasonCode.RECENT, count=4), "4 assignments in the last 30 days"),
    (
        fact(ReasonCode.CONTINUITY, organisation=True, client=False),
        "has worked with this organisation before",
    ),
    (
        fact(ReasonCode.CONTINUITY, organisation=True, client=True),
        "has worked with this client before",
    ),
    (fact(ReasonCode.RELIABILITY, answered=9, offers=10), "answered 9 of 10 offers"),
    (fact(ReasonCode.TOPICS, topics=("health",)), "interested in: Health"),
]

FAILURES_IN_ENGLISH = [
    (failed(Constraint.ACTIVE), "not active"),
    (
        failed(Constraint.LANGUAGE, code="ti", needed=LEVELS["C1"], skill="ti", rank=LEVELS["B1"]),
        "speaks Tigrinya only at level B1 (needs C1)",
    ),
    (
        failed(Constraint.LANGUAGE, code="ar-SY", needed=LEVELS["C1"], skill="ar", rank=3),
        "speaks Arabic only at level B1 (needs C1)",
    ),
    (
        failed(Constraint.LANGUAGE, code="ti", needed=LEVELS["B1"], skill=None, rank=None),
        "does not speak Tigrinya",
    ),
    (
        failed(Constraint.OTHER_LANGUAGE, code="de", needed=LEVELS["B2"], skill="de", rank=3),
        "German only at level B1 (needs B2)",
    ),
    (failed(Constraint.QUALIFICATION, key="health_guide"), "no valid Health guide"),
    (
        failed(Constraint.SLOT, weekday=1, start=time(10), end=time(11, 30)),
        f"no free time on Tuesday 10:00{THIN}–{THIN}11:30{NNBSP}AM",
    ),
    (failed(Constraint.SLOT), "no weekly free time, not on call"),
    (failed(Constraint.ABSENT, date=date(2026, 12, 3)), "absent on Dec 3, 2026"),
    (
        failed(Constraint.ABSENT, starts_on=date(2026, 12, 7), ends_on=date(2026, 12, 17)),
        f"absent throughout Dec 7{THIN}–{THIN}17, 2026",
    ),
    (
        # 09:00–10:30 UTC in March is 10:00–11:30 in Berlin.
        failed(
            Constraint.BUSY,
            starts_at=datetime(2026, 3, 3, 9, tzinfo=UTC),
            ends_at=datetime(2026, 3, 3, 10, 30, tzinfo=UTC),
        ),
        f"busy 10:00{THIN}–{THIN}11:30{NNBSP}AM",
    ),
    (failed(Constraint.GENDER, preference="female"), "gender preference not met"),
    (failed(Constraint.CONFLICT), "conflict of interest noted"),
    (failed(Constraint.MODE, mode="phone", mediates=True), "does not mediate by phone"),
    (failed(Constraint.MODE, mode="video", mediates=True), "does not mediate by video"),
    (failed(Constraint.MODE, mode="on_site", mediates=True), "does not mediate on site"),
    (
        failed(Constraint.MODE, mode="phone", mediates=False),
        "does not offer language mediation in this language",
    ),
    (
        failed(Constraint.SETTING, setting="doctor_hospital", needs="health"),
        "not comfortable in health settings",
    ),
    (
        failed(Constraint.SETTING, setting="authority", needs="authorities"),
        "not comfortable with authorities",
    ),
    (failed(Constraint.DISTANCE, km=33.2, reach=12.0), "34 km away, travels up to 12 km"),
    (
        failed(Constraint.DISTANCE, km=None, reach=15.0),
        "no place of residence given, distance unknown",
    ),
]


@pytest.mark.parametrize(("item", "sentence"), FACTS_IN_ENGLISH + FAILURES_IN_ENGLISH)
def test_english_sentences(app, item, sentence):
    assert say(app, "en", item) == sentence


def test_every_code_has_a_sentence_in_every_language(app):
    """No code falls through to the bare code, in English, German or Arabic."""
    items = [item for item, _sentence in FACTS_IN_ENGLISH + FAILURES_IN_ENGLISH]
    fact_codes = {i.code for i in items if not i.failed}
    failure_codes = {i.code for i in items if i.failed}
    assert fact_codes == {v for k, v in vars(ReasonCode).items() if k.isupper()}
    assert failure_codes == {v for k, v in vars(Constraint).items() if k.isupper()}
    for locale in ("en", "de", "ar"):
        for item in items:
            sentence = say(app, locale, item)
            assert sentence and sentence != item.code, (locale, item)


@pytest.mark.parametrize(
    ("item", "german", "arabic"),
    [
        (fact(ReasonCode.LANGUAGE, code="ti", rank=NATIVE, exact=True), "Tigrinya", "التغرينية"),
        (
            fact(ReasonCode.LANGUAGE, code="ar-SY", rank=5, exact=True),
            "Arabisch (Syrien)",
            "العربية (سوريا)",
        ),
        (fact(ReasonCode.OTHER_LANGUAGE, code="de", rank=4), "Deutsch", "الألمانية"),
        (
            fact(ReasonCode.QUALIFICATION, key="health_guide", expires_on=date(2028, 3, 31)),
            "03/2028",
            "2028",
        ),
        (fact(ReasonCode.SLOT, weekday=1, start=time(9), end=time(12)), "Dienstag", "الثلاثاء"),
        (fact(ReasonCode.DISTANCE, km=6, municipality="Baunatal"), "Baunatal", "Baunatal"),
        (fact(ReasonCode.RECENT, count=3), "3", "3"),
        (fact(ReasonCode.RELIABILITY, answered=9, offers=10), "10", "10"),
        (fact(ReasonCode.TOPICS, topics=("health",)), "Gesundheit", "الصحة"),
        (failed(Constraint.ABSENT, date=date(2026, 12, 3)), "03.12.2026", "2026"),
        (
            failed(
                Constraint.BUSY,
                starts_at=datetime(2026, 3, 3, 9, tzinfo=UTC),
                ends_at=datetime(2026, 3, 3, 10, 30, tzinfo=UTC),
            ),
            "10:00–11:30",
            "11:30",
        ),
        (failed(Constraint.DISTANCE, km=33.2, reach=12.0), "34", "34"),
        (failed(Constraint.QUALIFICATION, key="health_guide"), "Health guide", "Health guide"),
    ],
)
def test_german_and_arabic_keep_the_names_and_numbers(app, item, german, arabic):
    assert german in say(app, "de", item)
    assert arabic in say(app, "ar", item)


def test_typed_names_are_isolated_in_arabic_only(app):
    item = fact(ReasonCode.DISTANCE, km=6, municipality="Baunatal")
    assert f"{FSI}Baunatal{PDI}" in say(app, "ar", item)
    assert FSI not in say(app, "en", item) and FSI not in say(app, "de", item)


def test_times_are_shown_in_berlin_time_in_summer_too(app):
    # 08:00–09:30 UTC in July is 10:00–11:30 in Berlin (CEST).
    busy = failed(
        Constraint.BUSY,
        starts_at=datetime(2026, 7, 7, 8, tzinfo=UTC),
        ends_at=datetime(2026, 7, 7, 9, 30, tzinfo=UTC),
    )
    assert "10:00–11:30" in say(app, "de", busy)


def test_an_evaluation_reads_as_sentences(app):
    """The engine's own output, end to end: a mediator for Tigrinya, and a near miss."""
    request = RequestFacts(
        request_id=1,
        kind="language_mediation",
        language="ti",
        setting="doctor_hospital",
        starts_at=datetime(2026, 3, 3, 9, tzinfo=UTC),  # Tuesday 10:00 in Berlin
        ends_at=datetime(2026, 3, 3, 10, 30, tzinfo=UTC),
        lat=51.3127,
        lon=9.4797,
        required_qualifications=("health_guide",),
    )
    volunteer = VolunteerFacts(
        profile_id=1,
        name="Selam",
        active=True,
        lat=51.2517,
        lon=9.4097,
        municipality="Baunatal",
        mobility="car",
        languages=(
            LanguageFacts("ti", NATIVE, True, frozenset({"on_site"}), frozenset({"health"})),
            LanguageFacts("de", LEVELS["B2"]),
        ),
        qualifications=(
            QualificationFacts("health_guide", True, date(2028, 4, 30), date(2028, 3, 31)),
        ),
        slots=(Slot(1, time(9), time(12)),),
        recent_assignments=1,
        worked_with_organisation=True,
        offers=10,
        offers_answered=9,
    )
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        evaluation = evaluate(request, volunteer, Settings())
        assert describe_all(evaluation.reasons, qualification_names=NAMES) == [
            "speaks Tigrinya natively",
            "German at level B2",
            "verified Health guide until 3/2028",
            f"free every Tuesday 9:00{NNBSP}AM{THIN}–{THIN}12:00{NNBSP}PM",
            "8 km away (Baunatal)",
            "1 assignment in the last 30 days",
            "has worked with this organisation before",
            "answered 9 of 10 offers",
        ]
        booked = Busy(datetime(2026, 3, 3, 8, tzinfo=UTC), datetime(2026, 3, 3, 8, 45, tzinfo=UTC))
        near_miss = evaluate(request, replace(volunteer, busy=(booked,)), Settings())
        assert describe_all(near_miss.failures) == [f"busy 9:00{THIN}–{THIN}9:45{NNBSP}AM"]
