"""The query layer of matching on a real database: the SQL narrowing lets through exactly the
volunteers the pure engine accepts, loads them in a constant number of queries, finds the
near misses with the rule they failed, and turns round for a volunteer's open requests."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select, text

from tests.conftest import needs_postgres
from tests.integration.matching_support import (
    TOWNS,
    L,
    book,
    local,
    make_towns,
    next_weekday,
    qualify,
    utc_now,
    volunteer,
)
from tests.integration.request_support import make_request
from tests.integration.volunteer_support import catalogue, counted_statements
from wirnet.extensions import db
from wirnet.matching import candidates, engine, facts, loading, narrowing, open_requests, sql
from wirnet.requests.models import (
    Assignment,
    AssignmentOrigin,
    AssignmentState,
    GenderPreference,
    RequestKind,
    RequestMode,
    RequestSetting,
    RequestState,
    Urgency,
)
from wirnet.volunteers.models import (
    Absence,
    ConflictOfInterest,
    Gender,
    Mobility,
    QualificationState,
    VolunteerProfile,
    VolunteerStatus,
)


@pytest.fixture
def now() -> datetime:
    return utc_now()


@pytest.fixture
def towns() -> dict:
    return make_towns()


def everyone_ranked(request, now):
    """The engine over EVERY volunteer in the database (no narrowing), as the reference."""
    ctx = candidates.context(request, now=now)
    ids = list(db.session.scalars(select(VolunteerProfile.id)))
    volunteers = loading.volunteer_facts(ids, ctx.facts, ctx.towns, ctx.kinds, now)
    return engine.rank(ctx.facts, volunteers, ctx.settings)


def ids(evaluations) -> list[int]:
    return [e.volunteer.profile_id for e in evaluations]


def random_volunteers(count: int, towns: dict, kinds: dict, now: datetime, seed: int = 8):
    """``count`` volunteers varying every fact a hard rule looks at."""
    rng = random.Random(seed)
    day = next_weekday(now, 1)
    places = [*towns.values(), None]
    made = []
    for n in range(count):
        languages = [
            (
                rng.choice(["ar-SY", "ar", "ar-IQ", "ti", "fa-AF"]),
                rng.choice(list(L)),
                rng.random() < 0.7,
            )
        ]
        if rng.random() < 0.8:
            languages.append(("de", rng.choice([L.B1, L.B2, L.C1, L.NATIVE]), False))
        if rng.random() < 0.3:
            languages.append(("ar-SY", rng.choice([L.A2, L.B2, L.C1]), rng.random() < 0.5))
        languages = list({code: (code, lvl, m) for code, lvl, m in languages}.values())
        slots = [
            (
                rng.choice([1, 1, 1, 3]),
                time(rng.choice([8, 9, 10, 11])),
                time(rng.choice([11, 12, 14])),
            )
            for _ in range(rng.randint(0, 2))
        ]
        slots = [(w, s, e) for w, s, e in slots if e > s]
        row = volunteer(
            f"Volunteer {n:02d}",
            rng.choice(places),
            status=rng.choice([VolunteerStatus.ACTIVE] * 4 + [VolunteerStatus.PAUSED]),
            languages=languages,
            modes=rng.choice([("on_site",), ("phone",), ("on_site", "phone", "video")]),
            settings=rng.choice([("authorities",), ("health", "everyday"), ("everyday",)]),
            slots=list(dict.fromkeys(slots)),
            mobility=rng.choice([None, *Mobility]),
            max_distance_km=rng.choice([None, 5, 15, 30]),
            gender=rng.choice([None, Gender.FEMALE, Gender.MALE]),
            on_call=rng.random() < 0.3,
        )
        for key in rng.sample(["health_guide", "language_mediation_health", "first_aid"], 2):
            roll = rng.random()
            if roll < 0.15:
                continue
            expires = rng.choice(
                [None, day + timedelta(days=30), day - timedelta(days=10), day - timedelta(days=40)]
            )
            state = QualificationState.VERIFIED if roll < 0.85 else QualificationState.CLAIMED
            qualify(row, kinds[key], state=state, expires_on=expires)
        if rng.random() < 0.15:
            starts_on = day - timedelta(days=rng.randint(0, 3))
            db.session.add(
                Absence(
                    profile_id=row.id,
                    starts_on=starts_on,
                    ends_on=starts_on + timedelta(days=rng.randint(0, 5)),
                )
            )
        if rng.random() < 0.2:
            start = local(day, rng.choice([8, 9, 11, 12]), rng.choice([0, 15, 30]))
            book(row, start, start + timedelta(minutes=rng.choice([30, 60, 90])))
        if rng.random() < 0.1:
            db.session.add(ConflictOfInterest(profile_id=row.id, description="Caritas Kassel"))
        made.append(row)
    db.session.flush()
    return made


def request_variants(now: datetime, towns: dict, orgs) -> list:
    day = next_weekday(now, 1)
    baunatal, kaufungen = towns["Baunatal"], towns["Kaufungen"]
    return [
        # Mediation at the doctor's: C1, German B2, the health qualification, on site.
        make_request(
            orgs["org_member"],
            starts_at=local(day, 10),
            setting=RequestSetting.DOCTOR_HOSPITAL,
            required_qualifications=["language_mediation_health"],
            municipality_id=baunatal.id,
        ),
        # Health guidance, short notice, a woman, in Kaufungen.
        make_request(
            orgs["org_member"],
            kind=RequestKind.HEALTH_GUIDANCE,
            language_code="ar",
            starts_at=local(day, 11, 30),
            hours=1,
            setting=RequestSetting.COUNSELLING,
            required_qualifications=["health_guide"],
            short_notice=True,
            urgency=Urgency.URGENT,
            gender_preference=GenderPreference.FEMALE,
            municipality_id=kaufungen.id,
        ),
        # Accompaniment in Tigrinya… or Arabic from Iraq, by phone is no accompaniment:
        # on site, no qualification.
        make_request(
            None,
            kind=RequestKind.ACCOMPANIMENT,
            language_code="ar-IQ",
            starts_at=local(day, 9),
            municipality_id=towns["Wolfhagen"].id,
        ),
        # Mediation by phone at an authority, with a conflict of interest in play.
        make_request(
            orgs["other_org"],
            starts_at=local(day, 12),
            hours=1,
            mode=RequestMode.PHONE,
            municipality_id=towns["Hofgeismar"].id,
        ),
        # Short notice, no qualification: read from the language first.
        make_request(
            None,
            kind=RequestKind.ACCOMPANIMENT,
            language_code="ar",
            starts_at=local(day, 12),
            hours=1,
            short_notice=True,
            municipality_id=baunatal.id,
        ),
        # A flexible window.
        make_request(
            orgs["org_member"],
            kind=RequestKind.OTHER,
            language_code="ar-SY",
            deadline=day + timedelta(days=5),
            window_from=day,
            municipality_id=baunatal.id,
        ),
    ]


@pytest.mark.parametrize("seed", [8, 2026])
def test_the_sql_narrowing_lets_through_exactly_whom_the_engine_accepts(towns, orgs, now, seed):
    kinds = catalogue()
    orgs["other_org"].name = "Caritas Kassel"
    random_volunteers(36, towns, kinds, now, seed=seed)
    checked = 0
    for request in request_variants(now, towns, orgs):
        ranked = candidates.rank_request(request, now=now)
        reference = everyone_ranked(request, now)
        assert ids(ranked.candidates) == ids(reference.candidates), request.kind
        assert [e.score for e in ranked.candidates] == [e.score for e in reference.candidates]
        # The SQL rules alone already let every one of them through (none stricter).
        ctx = candidates.context(request, now=now)
        km = narrowing.distances(ctx.facts, ctx.towns)
        passing, _near = narrowing.select_ids(
            ctx.facts, ctx.settings, ctx.kinds, km, limit=1000, near_limit=0
        )
        assert set(ids(reference.candidates)) <= set(passing)
        # Every near miss found is one the engine finds over everybody, failing one rule.
        one_failure = {e.volunteer.profile_id for e in everyone_near(request, now)}
        assert set(ids(ranked.near_misses)) <= one_failure
        assert all(len(e.failures) == 1 for e in ranked.near_misses)
        checked += len(ranked.candidates)
    assert checked >= 5, "the data set should give the requests some candidates"


def everyone_near(request, now):
    ctx = candidates.context(request, now=now)
    all_ids = list(db.session.scalars(select(VolunteerProfile.id)))
    volunteers = loading.volunteer_facts(all_ids, ctx.facts, ctx.towns, ctx.kinds, now)
    return [
        e
        for v in volunteers
        if len((e := engine.evaluate(ctx.facts, v, ctx.settings)).failures) == 1
    ]


def test_each_rule_keeps_out_the_volunteer_who_breaks_it(app, towns, orgs, now, monkeypatch):
    monkeypatch.setitem(app.config, "MATCH_NEAR_MISSES", 20)
    kinds = catalogue()
    day = next_weekday(now, 1)
    baunatal = towns["Baunatal"]
    fits = volunteer("Amal Fits", baunatal)
    qualify(fits, kinds["language_mediation_health"])
    # Travels 0 km, lives in the town: exactly within reach.
    at_home = volunteer("Rana Home", baunatal, max_distance_km=0)
    qualify(at_home, kinds["language_mediation_health"])
    out = {
        "paused": volunteer("Basel Paused", baunatal, status=VolunteerStatus.PAUSED),
        "B2 only": volunteer(
            "Dawud Level", baunatal, languages=(("ar-SY", L.B2, True), ("de", L.C1, False))
        ),
        "no German": volunteer(
            "Farah German", baunatal, languages=(("ar-SY", L.NATIVE, True), ("de", L.B1, False))
        ),
        "claimed": volunteer("Gesa Claimed", baunatal),
        "expired": volunteer("Hanna Expired", baunatal),
        "wrong day": volunteer("Ivan Day", baunatal, slots=((2, time(9), time(13)),)),
        "too short": volunteer("Jana Short", baunatal, slots=((1, time(10, 30), time(13)),)),
        "away": volunteer("Karim Away", baunatal),
        "busy": volunteer("Lena Busy", baunatal),
        "far": volunteer("Maryam Far", towns["Hofgeismar"], mobility=Mobility.BICYCLE),
        "no town": volunteer("Nour Nowhere", None),
        "male": volunteer("Omar Male", baunatal, gender=Gender.MALE),
    }
    for key, row in out.items():
        if key == "claimed":
            qualify(row, kinds["language_mediation_health"], state=QualificationState.CLAIMED)
        elif key == "expired":
            qualify(row, kinds["language_mediation_health"], expires_on=day - timedelta(days=1))
        else:
            qualify(row, kinds["language_mediation_health"])
    db.session.add(Absence(profile_id=out["away"].id, starts_on=day, ends_on=day))
    book(out["busy"], local(day, 11, 45), local(day, 13))  # within the 30-minute buffer
    # A booking ending exactly one buffer before the start does not clash.
    back_to_back = volunteer("Petra Before", baunatal)
    qualify(back_to_back, kinds["language_mediation_health"])
    book(back_to_back, local(day, 8), local(day, 9, 30))
    request = make_request(
        orgs["org_member"],
        starts_at=local(day, 10),
        setting=RequestSetting.DOCTOR_HOSPITAL,
        required_qualifications=["language_mediation_health"],
        gender_preference=GenderPreference.FEMALE,
        municipality_id=baunatal.id,
    )
    ranked = candidates.rank_request(request, now=now)
    assert set(ids(ranked.candidates)) == {fits.id, back_to_back.id, at_home.id}
    ctx = candidates.context(request, now=now)
    km = narrowing.distances(ctx.facts, ctx.towns)
    passing, _near = narrowing.select_ids(
        ctx.facts, ctx.settings, ctx.kinds, km, limit=100, near_limit=0
    )
    assert set(passing) == {fits.id, back_to_back.id, at_home.id}
    # Each of the others fails exactly one rule: near misses, with that rule. Looked for
    # among those with a weekly slot covering the appointment (the rule read first), so
    # the ones without are no near misses of this request ...
    misses = {e.volunteer.profile_id: e.failures[0].code for e in ranked.near_misses}
    C = engine.Constraint
    expected = {
        "B2 only": C.LANGUAGE,
        "no German": C.OTHER_LANGUAGE,
        "claimed": C.QUALIFICATION,
        "expired": C.QUALIFICATION,
        "away": C.ABSENT,
        "busy": C.BUSY,
        "far": C.DISTANCE,
        "no town": C.DISTANCE,
        "male": C.GENDER,
    }
    assert {key: misses.get(out[key].id) for key in expected} == expected
    # ... but of the same request at short notice (then the qualification is read first).
    request.short_notice = True
    db.session.flush()
    ranked = candidates.rank_request(request, now=now)
    misses = {e.volunteer.profile_id: e.failures[0].code for e in ranked.near_misses}
    expected |= {"wrong day": C.SLOT, "too short": C.SLOT}
    del expected["claimed"], expected["expired"]  # they fail the rule read first
    assert {key: misses.get(out[key].id) for key in expected} == expected
    # Only active volunteers are looked at.
    assert out["paused"].id not in misses


def test_a_qualification_still_counts_in_its_grace_days(towns, orgs, now):
    kinds = catalogue()  # health_guide: 30 grace days
    day = next_weekday(now, 1)
    within = volunteer("Amal Grace", towns["Baunatal"])
    qualify(within, kinds["health_guide"], expires_on=day - timedelta(days=30))
    past = volunteer("Basel Past", towns["Baunatal"])
    qualify(past, kinds["health_guide"], expires_on=day - timedelta(days=31))
    request = make_request(
        orgs["org_member"],
        kind=RequestKind.HEALTH_GUIDANCE,
        starts_at=local(day, 10),
        required_qualifications=["health_guide"],
        municipality_id=towns["Baunatal"].id,
    )
    ranked = candidates.rank_request(request, now=now)
    assert ids(ranked.candidates) == [within.id]
    assert [f.code for f in ranked.near_misses[0].failures] == ["qualification"]


def test_short_notice_lets_those_on_call_in_outside_their_slots(towns, orgs, now):
    day = next_weekday(now, 1)
    on_call = volunteer("Amal Oncall", towns["Baunatal"], slots=(), on_call=True)
    not_on_call = volunteer("Basel Notoncall", towns["Baunatal"], slots=())
    values = {"starts_at": local(day, 16), "municipality_id": towns["Baunatal"].id}
    normal = make_request(orgs["org_member"], **values)
    urgent = make_request(orgs["org_member"], short_notice=True, **values)
    assert ids(candidates.rank_request(normal, now=now).candidates) == []
    assert ids(candidates.rank_request(urgent, now=now).candidates) == [on_call.id]
    assert not_on_call.id in ids(candidates.rank_request(urgent, now=now).near_misses)


def test_the_nearest_are_scored_first_and_at_most_the_configured_number(
    app, towns, orgs, now, monkeypatch
):
    day = next_weekday(now, 1)
    near = [volunteer(f"Near {n}", towns["Baunatal"]) for n in range(3)]
    far = [volunteer(f"Far {n}", towns["Kaufungen"]) for n in range(3)]
    request = make_request(
        orgs["org_member"], starts_at=local(day, 10), municipality_id=towns["Baunatal"].id
    )
    assert set(ids(candidates.rank_request(request, now=now).candidates)) == {
        v.id for v in near + far
    }
    monkeypatch.setitem(app.config, "MATCH_MAX_CANDIDATES", 3)
    assert set(ids(candidates.rank_request(request, now=now).candidates)) == {v.id for v in near}


@pytest.mark.parametrize("short_notice", [False, True], ids=["from slots", "from speakers"])
def test_the_limit_keeps_the_nearest_passing_whatever_their_order_of_sign_up(
    app, towns, orgs, now, monkeypatch, short_notice
):
    """Volunteers signed up far first, near last; one of the nearest is away that day; one
    lives in an unknown town, so how far they would travel cannot be told. The ones
    scored are the nearest passing; the two failing one rule each are near misses (short
    notice reads every speaker of the language, nearest town first, the unknown last)."""
    day = next_weekday(now, 1)
    nowhere = volunteer("Zaid Nowhere", None, on_call=True)
    far = [volunteer(f"Far {n}", towns["Wolfhagen"], on_call=True) for n in range(2)]
    middle = volunteer("Mona Middle", towns["Kaufungen"], on_call=True)
    near = [volunteer(f"Near {n}", towns["Baunatal"], on_call=True) for n in range(2)]
    away = volunteer("Basel Away", towns["Baunatal"], on_call=True)
    db.session.add(Absence(profile_id=away.id, starts_on=day, ends_on=day))
    db.session.flush()
    request = make_request(
        orgs["org_member"],
        kind=RequestKind.ACCOMPANIMENT,
        starts_at=local(day, 10),
        hours=1,
        short_notice=short_notice,
        urgency=Urgency.URGENT if short_notice else Urgency.NORMAL,
        municipality_id=towns["Baunatal"].id,
    )
    ranked = candidates.rank_request(request, now=now)
    assert set(ids(ranked.candidates)) == {v.id for v in [*far, middle, *near]}
    assert {away.id, nowhere.id} <= set(ids(ranked.near_misses))
    for limit, expected in ((2, near), (3, [*near, middle]), (5, [*near, middle, *far])):
        monkeypatch.setitem(app.config, "MATCH_MAX_CANDIDATES", limit)
        found = set(ids(candidates.rank_request(request, now=now).candidates))
        assert found == {v.id for v in expected}, limit


@needs_postgres
def test_postgresql_connections_do_not_compile_queries_just_in_time():
    assert db.session.execute(text("SHOW jit")).scalar() == "off"


def test_volunteers_already_asked_for_the_request_are_not_candidates_again(towns, orgs, now):
    day = next_weekday(now, 1)
    asked = volunteer("Amal Asked", towns["Baunatal"])
    withdrawn = volunteer("Basel Withdrawn", towns["Baunatal"])
    request = make_request(
        orgs["org_member"], starts_at=local(day, 10), municipality_id=towns["Baunatal"].id
    )
    for row, state in ((asked, AssignmentState.PROPOSED), (withdrawn, AssignmentState.WITHDRAWN)):
        db.session.add(
            Assignment(
                request_id=request.id,
                profile_id=row.id,
                state=state,
                starts_at=request.starts_at,
                ends_at=request.ends_at,
            )
        )
    db.session.flush()
    assert ids(candidates.rank_request(request, now=now).candidates) == [withdrawn.id]


def test_the_history_feeds_fairness_continuity_and_reliability(towns, orgs, now):
    day = next_weekday(now, 1)
    regular = volunteer("Amal Regular", towns["Baunatal"])
    newcomer = volunteer("Basel New", towns["Baunatal"])
    org = orgs["org_member"]
    past = now - timedelta(days=10)
    for state in (AssignmentState.COMPLETED, AssignmentState.DECLINED, AssignmentState.ACCEPTED):
        old = make_request(org, starts_at=past, client_ref="K. L.", state=RequestState.COMPLETED)
        db.session.add(
            Assignment(
                request_id=old.id,
                profile_id=regular.id,
                state=state,
                origin=AssignmentOrigin.PROPOSAL,
                starts_at=old.starts_at,
                ends_at=old.ends_at,
                answered_at=past,
            )
        )
        past -= timedelta(days=3)
    db.session.flush()
    request = make_request(
        org, starts_at=local(day, 10), client_ref="K. L.", municipality_id=towns["Baunatal"].id
    )
    ranked = candidates.rank_request(request, now=now)
    by_id = {e.volunteer.profile_id: e.volunteer for e in ranked.candidates}
    assert by_id[regular.id].recent_assignments == 2  # completed and accepted, 10–13 days ago
    assert by_id[regular.id].worked_with_organisation and by_id[regular.id].worked_with_client
    assert by_id[regular.id].declined_here_before
    assert (by_id[regular.id].offers, by_id[regular.id].offers_answered) == (3, 3)
    assert by_id[newcomer.id].recent_assignments == 0
    assert by_id[newcomer.id].offers == 0
    # Fewer assignments this month ranks higher (everything else equal).
    assert ids(ranked.candidates)[0] == newcomer.id


def _ranking_queries(request, now) -> int:
    db.session.expire_all()
    with counted_statements() as statements:
        candidates.rank_request(request, now=now)
    return len(statements)


def test_ranking_sends_the_same_number_of_queries_for_5_and_for_50_volunteers(towns, orgs, now):
    kinds = catalogue()
    day = next_weekday(now, 1)
    request = make_request(
        orgs["org_member"],
        starts_at=local(day, 10),
        setting=RequestSetting.DOCTOR_HOSPITAL,
        required_qualifications=["language_mediation_health"],
        municipality_id=towns["Baunatal"].id,
    )

    def add(count: int) -> None:
        for n in range(count):
            row = volunteer(f"V {n}", towns["Baunatal"])
            qualify(row, kinds["language_mediation_health"])
            book(row, local(day, 14), local(day, 15))
            db.session.add(ConflictOfInterest(profile_id=row.id, description="A neighbour"))
            db.session.add(
                Absence(
                    profile_id=row.id,
                    starts_on=day + timedelta(days=3),
                    ends_on=day + timedelta(days=4),
                )
            )
        db.session.flush()

    add(5)
    few = _ranking_queries(request, now)
    assert len(candidates.rank_request(request, now=now).candidates) == 5
    add(45)
    many = _ranking_queries(request, now)
    assert len(candidates.rank_request(request, now=now).candidates) == 50
    assert few == many
    assert few <= 3  # the request itself (expired above), its context, the ranking


@needs_postgres
def test_the_ranking_sent_with_numbered_placeholders_ranks_as_sent_the_usual_way(
    towns, orgs, now, monkeypatch
):
    """On PostgreSQL the ranking statement goes out with ``$n`` placeholders, its values
    put in order by ``prepared.Positional``; the same statement sent through SQLAlchemy the
    usual way must rank the same volunteers the same, with the same near misses."""
    kinds = catalogue()
    day = next_weekday(now, 1)
    org = orgs["org_member"]
    past = now - timedelta(days=5)
    old = make_request(org, starts_at=past, client_ref="R. S.", state=RequestState.COMPLETED)
    for n in range(8):
        row = volunteer(f"V {n}", towns["Baunatal" if n % 2 else "Kaufungen"])
        if n % 3:
            qualify(row, kinds["language_mediation_health"])
        if n == 4:
            book(row, local(day, 9, 30), local(day, 10, 30))
        if n == 5:
            db.session.add(Absence(profile_id=row.id, starts_on=day, ends_on=day))
        if n in (1, 2):
            db.session.add(
                Assignment(
                    request_id=old.id,
                    profile_id=row.id,
                    state=AssignmentState.COMPLETED,
                    origin=AssignmentOrigin.PROPOSAL,
                    starts_at=old.starts_at,
                    ends_at=old.ends_at,
                    answered_at=past,
                )
            )
    db.session.flush()
    request = make_request(
        org,
        starts_at=local(day, 10),
        client_ref="R. S.",
        setting=RequestSetting.DOCTOR_HOSPITAL,
        required_qualifications=["language_mediation_health"],
        municipality_id=towns["Baunatal"].id,
    )

    def ranked():
        db.session.expire_all()
        with counted_statements() as statements:
            ranking = candidates.rank_request(request, now=now)
        return statements, [
            (e.volunteer.profile_id, e.score, [str(r) for r in e.reasons])
            for e in [*ranking.candidates, *ranking.near_misses]
        ]

    statements, fast = ranked()
    assert any("$1" in statement for statement in statements)
    monkeypatch.setattr(sql, "prepared_rows", sql.rows)
    statements, usual = ranked()
    assert not any("$1" in statement for statement in statements)
    assert len(fast) >= 5 and fast == usual


# --- the engine turned round ------------------------------------------------------------------


def test_open_requests_for_lists_the_requests_the_volunteer_fits_soonest_first(towns, orgs, now):
    kinds = catalogue()
    day = next_weekday(now, 1)
    me = volunteer(
        "Rana Me",
        towns["Baunatal"],
        languages=(("ar-SY", L.NATIVE, True), ("de", L.C1, False), ("en", L.B2, False)),
        slots=((1, time(8), time(18)),),
    )
    qualify(me, kinds["language_mediation_health"])
    org = orgs["org_member"]
    later = make_request(
        org, starts_at=local(day + timedelta(days=7), 10), municipality_id=towns["Baunatal"].id
    )
    sooner = make_request(
        org, starts_at=local(day, 14), language_code="ar", municipality_id=towns["Baunatal"].id
    )
    flexible = make_request(
        org,
        kind=RequestKind.OTHER,
        window_from=day,
        deadline=day + timedelta(days=3),
        municipality_id=towns["Kaufungen"].id,
    )
    # Not for me: another language, too far, a weekday without a slot, a draft, started,
    # already offered to me, a qualification I do not hold.
    make_request(
        org, starts_at=local(day, 10), language_code="ti", municipality_id=towns["Baunatal"].id
    )
    me.max_distance_km = 20  # Kaufungen (14 km) is within reach, Hofgeismar (26 km) not
    make_request(org, starts_at=local(day, 10), municipality_id=towns["Hofgeismar"].id)
    make_request(
        org, starts_at=local(day + timedelta(days=1), 10), municipality_id=towns["Baunatal"].id
    )
    make_request(
        org,
        starts_at=local(day, 11),
        state=RequestState.DRAFT,
        municipality_id=towns["Baunatal"].id,
    )
    make_request(org, starts_at=now - timedelta(hours=1), municipality_id=towns["Baunatal"].id)
    offered = make_request(org, starts_at=local(day, 16), municipality_id=towns["Baunatal"].id)
    db.session.add(
        Assignment(request_id=offered.id, profile_id=me.id, state=AssignmentState.PROPOSED)
    )
    make_request(
        org,
        kind=RequestKind.HEALTH_GUIDANCE,
        starts_at=local(day, 12),
        required_qualifications=["health_guide"],
        municipality_id=towns["Baunatal"].id,
    )
    db.session.flush()

    found = open_requests.open_requests_for(me, now=now)
    assert [r.id for r, _evaluation in found] == [sooner.id, flexible.id, later.id]
    assert all(evaluation.fits for _r, evaluation in found)
    assert open_requests.open_requests_for(me, now=now, limit=1)[0][0].id == sooner.id


def test_open_requests_for_sends_the_same_queries_however_many_requests(towns, orgs, now):
    day = next_weekday(now, 1)
    me = volunteer("Rana Me", towns["Baunatal"])
    org = orgs["org_member"]

    def count() -> int:
        db.session.expire_all()
        with counted_statements() as statements:
            found = open_requests.open_requests_for(me, now=now)
        return len(statements), len(found)

    make_request(org, starts_at=local(day, 10), municipality_id=towns["Baunatal"].id)
    few, found = count()
    assert found == 1
    for hour in (9, 10, 11):
        for week in range(1, 4):
            make_request(
                org,
                starts_at=local(day + timedelta(days=7 * week), hour),
                municipality_id=towns["Baunatal"].id,
            )
    many, found = count()
    assert found == 10
    assert few == many


def test_a_volunteer_who_is_not_active_fits_no_request(towns, orgs, now):
    day = next_weekday(now, 1)
    me = volunteer("Rana Paused", towns["Baunatal"], status=VolunteerStatus.PAUSED)
    make_request(orgs["org_member"], starts_at=local(day, 10), municipality_id=towns["Baunatal"].id)
    assert open_requests.open_requests_for(me, now=now) == []


def test_request_facts_derive_topics_and_short_notice(towns, orgs, now):
    request = make_request(
        orgs["org_member"],
        kind=RequestKind.LANGUAGE_MEDIATION,
        setting=RequestSetting.JOB_CENTRE,
        urgency=Urgency.URGENT,
        municipality_id=towns["Kaufungen"].id,
    )
    seen = facts.request_facts(request, today=now.date())
    assert seen.topics == {"language_mediation", "work_jobs"}
    assert seen.short_notice
    assert (seen.municipality, seen.lat) == ("Kaufungen", TOWNS[1][1])
    assert seen.organisation_name == orgs["org_member"].name
    health = facts.request_topics("health_guidance", "doctor_hospital")
    assert health == {"health"}
    assert facts.request_topics("other", "school_childcare") == {"school_childcare"}
    assert facts.request_topics("accompaniment", "authority") == {"authorities"}
    assert facts.request_topics("other", "counselling") == frozenset()
