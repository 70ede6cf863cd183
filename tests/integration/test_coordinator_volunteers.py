"""The coordinators' volunteer pages (#6): the list with its filters, a volunteer's page with
evidence, verification, status and intake notes, the expiring list, reminders, the overview."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from itertools import count

import pytest
from sqlalchemy import event, func, select

from tests.factories import UserFactory
from tests.helpers import outbox, page
from wirnet.audit import AuditEntry
from wirnet.extensions import db
from wirnet.regions import Municipality
from wirnet.roles import Role
from wirnet.volunteers.models import (
    LEVEL_RANK,
    AvailabilitySlot,
    IntakeNote,
    LanguageLevel,
    LanguageSkill,
    Qualification,
    QualificationCategory,
    QualificationState,
    QualificationType,
    VolunteerProfile,
    VolunteerStatus,
)
from wirnet.volunteers.views_coordinator import _today

S = VolunteerStatus
_serial = count(1)


# --- making data ------------------------------------------------------------------------------


def municipality(name: str) -> Municipality:
    found = db.session.scalar(select(Municipality).where(Municipality.name == name))
    if found is None:
        found = Municipality(ags=f"9{next(_serial):07d}", name=name, kind="Gemeinde", lat=51, lon=9)
        db.session.add(found)
        db.session.flush()
    return found


def qualification_type(key: str, **values) -> QualificationType:
    found = db.session.scalar(select(QualificationType).where(QualificationType.key == key))
    if found is None:
        values = {
            "category": QualificationCategory.GENERAL,
            "names": {"en": key.replace("_", " ").title(), "de": f"DE {key}"},
            "evidence_required": True,
            "renewal_window_days": 60,
            "grace_days": 0,
        } | values
        found = QualificationType(key=key, **values)
        db.session.add(found)
        db.session.flush()
    return found


def volunteer(
    name: str,
    *,
    status: S = S.ACTIVE,
    town: str | None = None,
    languages: tuple = (),
    weekdays: tuple = (),
    qualifications: tuple = (),
    locale: str = "en",
    created_at: datetime | None = None,
    **profile_values,
):
    """A volunteer account with a profile; ``languages`` as ``(code, level)``,
    ``qualifications`` as ``(type, state, obtained_on, expires_on)``."""
    user = UserFactory(role=Role.VOLUNTEER, display_name=name, locale=locale)
    if created_at is not None:
        user.created_at = created_at
    profile = VolunteerProfile(
        user_id=user.id,
        status=status,
        municipality_id=municipality(town).id if town else None,
        **profile_values,
    )
    db.session.add(profile)
    db.session.flush()
    for code, level in languages:
        level = LanguageLevel(level)
        db.session.add(
            LanguageSkill(
                profile_id=profile.id, code=code, level=level, level_rank=LEVEL_RANK[level]
            )
        )
    for weekday in weekdays:
        db.session.add(
            AvailabilitySlot(
                profile_id=profile.id, weekday=weekday, starts_at=time(9), ends_at=time(12)
            )
        )
    for kind, state, obtained, expires in qualifications:
        db.session.add(
            Qualification(
                profile_id=profile.id,
                type_id=kind.id,
                state=state,
                obtained_on=obtained,
                expires_on=expires,
            )
        )
    db.session.flush()
    return user


def names_in(response) -> list[str]:
    """The volunteers' names in the list, in order."""
    return re.findall(
        r'<th scope="row"><a href="/coordinator/volunteers/\d+"><bdi>([^<]*)</bdi>', page(response)
    )


def listing(client, **params):
    return client.get("/coordinator/volunteers", query_string=params)


@contextmanager
def statements():
    """Count the SQL statements sent while the block runs."""
    seen: list[str] = []

    def count_it(conn, cursor, statement, *args):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count_it)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count_it)


# --- the list: filters ------------------------------------------------------------------------


@pytest.fixture
def speakers(users):
    return {
        "syrian": volunteer("Amal Syrian", languages=[("ar-SY", "native"), ("de", "B1")]),
        "arabic": volunteer("Basel Arabic", languages=[("ar", "B2")]),
        "dari": volunteer("Dawud Dari", languages=[("fa-AF", "native")]),
        "farsi": volunteer("Farah Farsi", languages=[("fa", "C1")]),
        "german": volunteer("Gesa German", languages=[("de", "native")]),
        # Another tag starting with "ar" is not Arabic: Aragonese.
        "aragonese": volunteer("Ana Aragonese", languages=[("an", "native"), ("arn", "A1")]),
    }


def test_a_language_finds_its_varieties_but_a_variety_only_itself(coordinator_client, speakers):
    assert names_in(listing(coordinator_client, language="ar")) == ["Amal Syrian", "Basel Arabic"]
    assert names_in(listing(coordinator_client, language="fa-AF")) == ["Dawud Dari"]
    assert names_in(listing(coordinator_client, language="fa")) == ["Dawud Dari", "Farah Farsi"]
    assert names_in(listing(coordinator_client, language="ar-SY")) == ["Amal Syrian"]
    # Case and underscores as people type them.
    assert names_in(listing(coordinator_client, language="AR_sy")) == ["Amal Syrian"]


def test_the_language_choices_name_varieties_in_the_reader_s_language(coordinator_client, speakers):
    html = page(listing(coordinator_client))
    assert '<option value="ar">Arabic, all varieties</option>' in html
    assert '<option value="ar-SY">Arabic (Syria)</option>' in html
    assert '<option value="fa-AF">Dari</option>' in html


def test_minimum_level(coordinator_client, speakers):
    assert names_in(listing(coordinator_client, language="ar", level="native")) == ["Amal Syrian"]
    assert names_in(listing(coordinator_client, language="de", level="B1")) == [
        "Amal Syrian",
        "Gesa German",
    ]
    assert names_in(listing(coordinator_client, language="de", level="B2")) == ["Gesa German"]


def test_held_qualification_counts_only_verified_and_valid(coordinator_client, users):
    today = _today()
    first_aid = qualification_type("first_aid_test", validity_months=24, grace_days=30)
    volunteer("Held Forever", qualifications=[(first_aid, "verified", today, None)])
    volunteer("Held Valid", qualifications=[(first_aid, "verified", today, today + timedelta(1))])
    volunteer("Held Last Day", qualifications=[(first_aid, "verified", today, today)])
    volunteer("In Grace", qualifications=[(first_aid, "verified", today, today - timedelta(30))])
    volunteer("Past Grace", qualifications=[(first_aid, "verified", today, today - timedelta(31))])
    volunteer("Only Claimed", qualifications=[(first_aid, "claimed", today, None)])
    volunteer("Was Rejected", qualifications=[(first_aid, "rejected", today, None)])
    response = listing(coordinator_client, qualification="first_aid_test")
    assert names_in(response) == ["Held Forever", "Held Last Day", "Held Valid", "In Grace"]


def test_municipality_status_and_weekday(coordinator_client, users):
    volunteer("Kassel Monday", town="Kassel", weekdays=[0])
    volunteer("Kassel Paused", town="Kassel", status=S.PAUSED, weekdays=[2])
    volunteer("Baunatal Sunday", town="Baunatal", weekdays=[6])
    kassel = municipality("Kassel").id
    assert names_in(listing(coordinator_client, municipality=kassel)) == [
        "Kassel Monday",
        "Kassel Paused",
    ]
    assert names_in(listing(coordinator_client, status="paused")) == ["Kassel Paused"]
    assert names_in(listing(coordinator_client, weekday=6)) == ["Baunatal Sunday"]
    assert names_in(listing(coordinator_client, weekday=0, municipality=kassel)) == [
        "Kassel Monday"
    ]


def test_applicants_include_volunteers_without_a_profile(coordinator_client, users):
    volunteer("Applicant With Profile", status=S.APPLICANT)
    volunteer("Already Active")
    names = names_in(listing(coordinator_client, status="applicant"))
    # users["volunteer"] and users["other_volunteer"] have signed up, no profile yet.
    assert names == ["Applicant With Profile", "Rana Volunteer", "Yonas Volunteer"]


def test_search_by_name_ignores_case_and_treats_wildcards_as_text(coordinator_client, users):
    volunteer("Zainab Haddad")
    volunteer("Percent 100% Sure")
    volunteer("Under_score")
    volunteer("Underscore")
    assert names_in(listing(coordinator_client, q="HADDAD")) == ["Zainab Haddad"]
    assert names_in(listing(coordinator_client, q="%")) == ["Percent 100% Sure"]
    assert names_in(listing(coordinator_client, q="r_s")) == ["Under_score"]


def test_waiting_for_verification(coordinator_client, users):
    kind = qualification_type("waiting_test")
    volunteer("Has Claim", qualifications=[(kind, "claimed", date(2025, 1, 1), None)])
    volunteer("Has Verified", qualifications=[(kind, "verified", date(2025, 1, 1), None)])
    assert names_in(listing(coordinator_client, waiting="y")) == ["Has Claim"]


def test_sorting(coordinator_client, users):
    base = datetime(2025, 1, 1, tzinfo=UTC)
    volunteer("Carla Sortx", town="Vellmar", status=S.LEFT, created_at=base)
    volunteer("anton Sortx", town="Ahnatal", status=S.PAUSED, created_at=base + timedelta(days=2))
    volunteer("Berta Sortx", status=S.ACTIVE, created_at=base + timedelta(days=1))

    def order(sort=None):
        params = {"q": "sortx"} | ({"sort": sort} if sort else {})
        return [name.split()[0] for name in names_in(listing(coordinator_client, **params))]

    assert order() == ["anton", "Berta", "Carla"]  # by name, ignoring case
    assert order("name") == ["anton", "Berta", "Carla"]
    assert order("municipality") == ["anton", "Carla", "Berta"]  # no town last
    assert order("status") == ["Berta", "anton", "Carla"]  # active, paused, left
    assert order("newest") == ["anton", "Berta", "Carla"]
    volunteer("Dora Sortx", status=S.APPLICANT)
    assert order("newest")[0] == "Dora" and order("status")[0] == "Dora"


def test_pages_keep_the_filters(coordinator_client, users):
    for number in range(30):
        volunteer(f"Kasseler {number:02d}", town="Kassel", languages=[("ar-IQ", "native")])
    response = listing(coordinator_client, language="ar", sort="newest")
    html = page(response)
    assert len(names_in(response)) == 25
    assert "30 volunteers found" in html
    links = re.findall(r'href="(/coordinator/volunteers\?[^"]*page=2[^"]*)"', html)
    assert links and all("language=ar" in link and "sort=newest" in link for link in links)
    second = coordinator_client.get(links[0].replace("&amp;", "&"))
    assert len(names_in(second)) == 5
    # A full page stays light on a phone: HTML and stylesheet under 50 KB.
    css = coordinator_client.get("/static/css/wirnet.css")
    assert len(response.data) + len(css.data) < 50_000
    css.close()


@pytest.mark.parametrize("bad_page", ["abc", "-1", "0", "99999999999999999999", "1e3"])
def test_a_page_that_is_not_a_number_shows_the_first(coordinator_client, users, bad_page):
    response = listing(coordinator_client, page=bad_page)
    assert response.status_code == 200
    assert "Rana Volunteer" in page(response)


def test_a_page_past_the_end_shows_the_last(coordinator_client, users):
    response = listing(coordinator_client, page=500)
    assert response.status_code == 200 and "Rana Volunteer" in page(response)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"language": "<script>"}, "Please choose one of the listed languages."),
        ({"level": "C3"}, "Please choose one of the listed levels."),
        ({"qualification": "astronaut"}, "Please choose one of the listed qualifications."),
        ({"municipality": "999999"}, "Please choose one of the listed towns."),
        ({"municipality": "Kassel"}, "Please choose one of the listed towns."),
        ({"status": "retired"}, "Please choose one of the listed statuses."),
        ({"weekday": "7"}, "Please choose one of the listed days."),
        ({"weekday": "monday"}, "Please choose one of the listed days."),
        ({"sort": "salary"}, "Please choose one of the listed orders."),
        ({"q": "x" * 101}, "Use at most 100 characters."),
        ({"q": "a\x00b"}, "invisible control characters"),
    ],
)
def test_unknown_filter_values_are_named_and_left_out(coordinator_client, users, params, message):
    response = listing(coordinator_client, **params)
    assert response.status_code == 422
    html = page(response)
    assert message in html
    assert "Rana Volunteer" in html and "Yonas Volunteer" in html  # the filter is left out


def test_a_valid_tag_nobody_speaks_finds_nobody(coordinator_client, users):
    response = listing(coordinator_client, language="tig")
    assert response.status_code == 200
    assert names_in(response) == []
    assert '<option selected value="tig">Tigre</option>' in page(response)


def test_the_filter_form_works_without_script(coordinator_client, users):
    html = page(listing(coordinator_client))
    form = re.search(r'<form method="get" action="/coordinator/volunteers"[^>]*>', html)
    assert form
    for name in ("q", "language", "level", "qualification", "municipality", "status", "weekday"):
        assert f'<label for="{name}">' in html


# --- the list: a constant number of queries ---------------------------------------------------


def _filler(number: int):
    kind = qualification_type("bench_kind", validity_months=12)
    for n in range(number):
        volunteer(
            f"Filler {n:03d}",
            town="Kassel" if n % 2 else "Baunatal",
            languages=[("ar-SY", "native"), ("de", "B2"), ("en", "A2")],
            weekdays=[n % 7],
            qualifications=[(kind, "verified", date(2025, 6, 1), date(2026, 5, 31))],
        )


def _queries_for(client, url: str) -> int:
    with statements() as seen:
        response = client.get(url)
    assert response.status_code == 200
    return len(seen)


def test_the_list_reads_the_same_number_of_queries_for_5_and_40_volunteers(
    coordinator_client, users
):
    url = "/coordinator/volunteers?q=Filler&language=ar&sort=municipality"
    _filler(5)
    small = _queries_for(coordinator_client, url)
    _filler(35)
    large = _queries_for(coordinator_client, url)
    response = coordinator_client.get(url)
    assert len(names_in(response)) == 25  # a full page of 25 language- and town-loaded rows
    assert "Arabic (Syria)" in page(response)
    assert large == small, (small, large)
    assert small <= 12, small  # session, page of volunteers, languages, qualifications, choices


def test_the_expiring_list_reads_the_same_number_of_queries(coordinator_client, users):
    kind = qualification_type("expiring_kind", validity_months=12)
    soon = _today() + timedelta(days=10)

    def add(number):
        for n in range(number):
            volunteer(f"Soon {n}", qualifications=[(kind, "verified", date(2025, 1, 1), soon)])

    add(3)
    small = _queries_for(coordinator_client, "/coordinator/qualifications/expiring")
    add(30)
    large = _queries_for(coordinator_client, "/coordinator/qualifications/expiring")
    assert large == small


# --- the volunteer's page ---------------------------------------------------------------------


def detail(client, user):
    return client.get(f"/coordinator/volunteers/{user.id}")


def test_the_page_shows_profile_languages_qualifications_and_week(coordinator_client, users):
    kind = qualification_type("first_aid_page", names={"en": "First aid (page)"})
    person = volunteer(
        "Layla Haddad",
        town="Kassel",
        languages=[("ar-SY", "native"), ("de", "C1")],
        weekdays=[1],
        qualifications=[(kind, "claimed", date(2025, 3, 1), None)],
        about="<p>I like <strong>people</strong></p><script>alert(1)</script>",
        phone="+49 561 123",
    )
    html = page(detail(coordinator_client, person))
    assert "Layla Haddad" in html and "Kassel" in html and "+49 561 123" in html
    assert "<strong>people</strong>" in html and "<script>alert(1)" not in html
    assert "Arabic (Syria)" in html and "First aid (page)" in html
    assert "Waiting for verification" in html
    assert "Tuesday" in html and "9:00" in html


def test_a_volunteer_without_a_profile_has_a_page_without_rows_made(coordinator_client, users):
    response = detail(coordinator_client, users["volunteer"])
    assert response.status_code == 200
    assert "has not filled in a profile yet" in page(response)
    assert db.session.scalar(select(func.count()).select_from(VolunteerProfile)) == 0


def test_other_accounts_have_no_volunteer_page(coordinator_client, users):
    assert detail(coordinator_client, users["org_member"]).status_code == 404
    assert detail(coordinator_client, users["admin"]).status_code == 404
    assert coordinator_client.get("/coordinator/volunteers/99999999").status_code == 404
    assert coordinator_client.get(f"/coordinator/volunteers/{2**40}").status_code == 404


def test_a_volunteer_sees_no_other_volunteer_s_page_or_notes(client_as, users):
    person = volunteer("Private Person")
    db.session.add(IntakeNote(profile_id=_profile(person).id, text="secret note"))
    db.session.flush()
    for role in ("volunteer", "other_volunteer", "org_member"):
        response = client_as(role).get(f"/coordinator/volunteers/{person.id}")
        assert response.status_code == 403
        assert "secret note" not in page(response)


def _profile(user) -> VolunteerProfile:
    db.session.expire_all()
    return db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))


def _audit(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# --- intake notes -----------------------------------------------------------------------------


def test_intake_notes_added_read_and_every_read_logged(coordinator_client, users):
    person = volunteer("Noted Person")
    response = coordinator_client.post(
        f"/coordinator/volunteers/{person.id}/notes", data={"text": "Speaks calmly; has a car."}
    )
    assert response.status_code == 302
    added = _audit("volunteer.intake_note_added")
    assert len(added) == 1 and added[0].actor_id == users["coordinator"].id
    assert not _audit("volunteer.intake_notes_viewed")
    html = page(coordinator_client.get(response.headers["Location"]))
    assert "Speaks calmly; has a car." in html and "Leyla Coord" in html
    detail(coordinator_client, person)
    viewed = _audit("volunteer.intake_notes_viewed")
    assert len(viewed) == 2
    assert {entry.actor_id for entry in viewed} == {users["coordinator"].id}
    assert viewed[0].object_id == _profile(person).id


def test_a_page_without_notes_logs_no_read(coordinator_client, users):
    detail(coordinator_client, volunteer("No Notes"))
    assert not _audit("volunteer.intake_notes_viewed")


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001, "bad\x00char"])
def test_an_empty_or_bad_note_is_refused(coordinator_client, users, text):
    person = volunteer("Noted Person")
    response = coordinator_client.post(
        f"/coordinator/volunteers/{person.id}/notes", data={"text": text}
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(IntakeNote)) == 0


# --- evidence, verification, rejection --------------------------------------------------------


@pytest.fixture
def claimed(users):
    """A volunteer with a claimed first-aid course and a claimed police clearance."""
    first_aid = qualification_type("first_aid_claim", validity_months=24)
    police = qualification_type("police_claim", validity_months=60, police_clearance=True)
    person = volunteer(
        "Claiming Person",
        qualifications=[
            (first_aid, "claimed", date(2025, 2, 1), date(2027, 1, 31)),
            (police, "claimed", date(2025, 2, 1), date(2030, 1, 31)),
        ],
    )
    profile = _profile(person)
    first, second = sorted(profile.qualifications, key=lambda q: q.id)
    return person, first, second


def _url(person, qualification, action):
    return f"/coordinator/volunteers/{person.id}/qualifications/{qualification.id}/{action}"


def _state(qualification) -> Qualification:
    db.session.expire_all()
    return db.session.get(Qualification, qualification.id)


def test_verify_without_the_required_evidence_says_so(coordinator_client, claimed):
    person, first_aid, _police = claimed
    response = coordinator_client.post(_url(person, first_aid, "verify"), data={})
    assert response.status_code == 422
    assert "Record the evidence first" in page(response)
    assert _state(first_aid).state is QualificationState.CLAIMED


def test_evidence_then_verify(coordinator_client, users, claimed):
    person, first_aid, _police = claimed
    today = _today()
    prefix = f"evidence-{first_aid.id}-"
    response = coordinator_client.post(
        _url(person, first_aid, "evidence"),
        data={prefix + "seen_on": today.isoformat(), prefix + "dated": "2025-02-01"},
    )
    assert response.status_code == 302
    q = _state(first_aid)
    assert (q.evidence_seen_on, q.evidence_dated) == (today, date(2025, 2, 1))
    assert q.evidence_seen_by_id == users["coordinator"].id
    assert q.relevant_entry is None
    response = coordinator_client.post(
        _url(person, first_aid, "verify"), data={f"verify-{first_aid.id}-note": "Card seen."}
    )
    assert response.status_code == 302
    q = _state(first_aid)
    assert q.state is QualificationState.VERIFIED and q.note == "Card seen."
    assert q.decided_by_id == users["coordinator"].id
    assert _audit("qualification.verified")


@pytest.mark.parametrize(
    ("seen", "dated", "message"),
    [
        (1, None, "The date cannot be in the future."),
        (0, 1, "The date cannot be in the future."),
        (-5, -1, "The certificate cannot be dated after the day you saw it."),
        ("31.02.2025", None, "Please enter a valid date"),
        ("", None, "Please enter the day you saw the certificate."),
    ],
)
def test_bad_evidence_dates_change_nothing(coordinator_client, claimed, seen, dated, message):
    person, first_aid, _police = claimed
    today = _today()

    def as_text(value):
        if value is None:
            return ""
        return value if isinstance(value, str) else (today + timedelta(days=value)).isoformat()

    prefix = f"evidence-{first_aid.id}-"
    response = coordinator_client.post(
        _url(person, first_aid, "evidence"),
        data={prefix + "seen_on": as_text(seen), prefix + "dated": as_text(dated)},
    )
    assert response.status_code == 422
    assert message in page(response)
    q = _state(first_aid)
    assert q.evidence_seen_on is None and q.evidence_dated is None
    assert not _audit("qualification.evidence_seen")


def test_police_clearance_records_only_the_relevant_entry_flag(coordinator_client, claimed):
    person, _first_aid, police = claimed
    html = page(detail(coordinator_client, person))
    assert "WIRnet keeps no copies of certificates" in html
    # Only the police clearance asks about a relevant entry; it asks nothing else.
    assert html.count("Does it hold a relevant entry?") == 1
    form = re.search(
        rf'<form method="post" action="[^"]*/qualifications/{police.id}/evidence".*?</form>',
        html,
        re.S,
    ).group(0)
    assert set(re.findall(r'name="([^"]+)"', form)) - {"csrf_token"} == {
        f"evidence-{police.id}-seen_on",
        f"evidence-{police.id}-dated",
        f"evidence-{police.id}-relevant_entry",
    }
    prefix = f"evidence-{police.id}-"
    today = _today().isoformat()
    missing = coordinator_client.post(
        _url(person, police, "evidence"), data={prefix + "seen_on": today}
    )
    assert missing.status_code == 422
    assert "Please say whether it holds a relevant entry." in page(missing)
    assert _state(police).evidence_seen_on is None
    done = coordinator_client.post(
        _url(person, police, "evidence"),
        data={prefix + "seen_on": today, prefix + "relevant_entry": "yes"},
    )
    assert done.status_code == 302 and _state(police).relevant_entry is True
    refused = coordinator_client.post(_url(person, police, "verify"), data={})
    assert refused.status_code == 422
    assert "with a relevant entry cannot be verified" in page(refused)
    assert _state(police).state is QualificationState.CLAIMED


def test_reject_needs_a_note(coordinator_client, claimed):
    person, first_aid, _police = claimed
    field = f"reject-{first_aid.id}-note"
    response = coordinator_client.post(_url(person, first_aid, "reject"), data={field: "  "})
    assert response.status_code == 422
    assert "Please say why it is rejected." in page(response)
    assert _state(first_aid).state is QualificationState.CLAIMED
    response = coordinator_client.post(
        _url(person, first_aid, "reject"), data={field: "Certificate is for another course."}
    )
    assert response.status_code == 302
    q = _state(first_aid)
    assert q.state is QualificationState.REJECTED and q.note == "Certificate is for another course."


def test_a_qualification_of_someone_else_is_not_found(coordinator_client, users, claimed):
    _person, first_aid, _police = claimed
    stranger = volunteer("Stranger")
    response = coordinator_client.post(_url(stranger, first_aid, "reject"), data={"x": "y"})
    assert response.status_code == 404


# --- status and intake talk -------------------------------------------------------------------


def _status(client, person, **data):
    return client.post(f"/coordinator/volunteers/{person.id}/status", data=data)


def test_active_only_after_the_intake_talk(coordinator_client, users):
    person = volunteer("New Applicant", status=S.APPLICANT)
    html = page(detail(coordinator_client, person))
    assert "possible once the intake talk is recorded" in html
    refused = _status(coordinator_client, person, status="active")
    assert refused.status_code == 422
    assert "Record the intake talk first" in page(refused)
    assert _profile(person).status is S.APPLICANT
    held = coordinator_client.post(f"/coordinator/volunteers/{person.id}/intake", data={})
    assert held.status_code == 302
    profile = _profile(person)
    assert profile.intake_done_at is not None and profile.intake_by_id == users["coordinator"].id
    assert _status(coordinator_client, person, status="active").status_code == 302
    assert _profile(person).status is S.ACTIVE
    again = coordinator_client.post(f"/coordinator/volunteers/{person.id}/intake", data={})
    assert again.status_code == 302 and len(_audit("volunteer.intake_done")) == 1


def test_a_volunteer_without_a_profile_can_have_the_intake_and_be_set_active(
    coordinator_client, users
):
    person = users["volunteer"]
    assert coordinator_client.post(f"/coordinator/volunteers/{person.id}/intake").status_code == 302
    assert _status(coordinator_client, person, status="active").status_code == 302
    assert _profile(person).status is S.ACTIVE


def test_pause_with_an_end_date(admin_client, users):
    person = volunteer("Busy Person")
    until = _today() + timedelta(days=14)
    response = _status(admin_client, person, status="paused", until=until.isoformat())
    assert response.status_code == 302
    profile = _profile(person)
    assert profile.status is S.PAUSED and profile.paused_until == until


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "paused", "until": "2020-01-01"}, "The pause must end after today."),
        ({"status": "paused", "until": "soon"}, "Please enter a valid date"),
        ({"status": "left", "until": "2099-01-01"}, "Only a pause can have an end date."),
        ({"status": "retired"}, "Please choose one of the listed statuses."),
        ({}, "Please choose a status."),
        ({"status": "applicant"}, "cannot go from “Active” to “Applicant”"),
        ({"status": "active"}, "cannot go from “Active” to “Active”"),
    ],
)
def test_bad_status_changes_are_refused_and_change_nothing(
    coordinator_client, users, data, message
):
    person = volunteer("Steady Person")
    response = _status(coordinator_client, person, **data)
    assert response.status_code == 422
    assert message in page(response)
    profile = _profile(person)
    assert profile.status is S.ACTIVE and profile.paused_until is None
    assert not _audit("volunteer.status_changed")


def test_the_page_offers_only_the_allowed_changes(coordinator_client, users):
    person = volunteer("Paused Person", status=S.PAUSED)
    html = page(detail(coordinator_client, person))
    offered = set(re.findall(r'<input type="hidden" name="status" value="(\w+)">', html))
    assert offered == {"active", "left"}


# --- the expiring list ------------------------------------------------------------------------


def test_expiring_list_in_the_reader_s_language(client_as, users):
    kind = qualification_type("expiring_list", names={"en": "Refresher", "de": "Auffrischung"})
    today = _today()
    soon, later, past = today + timedelta(days=5), today + timedelta(days=61), today - timedelta(1)
    person = volunteer("Soon Expiring", qualifications=[(kind, "verified", date(2024, 1, 1), soon)])
    volunteer("Later Expiring", qualifications=[(kind, "verified", date(2024, 1, 1), later)])
    volunteer("Already Expired", qualifications=[(kind, "verified", date(2024, 1, 1), past)])
    volunteer("Only Claimed", qualifications=[(kind, "claimed", date(2024, 1, 1), soon)])
    volunteer(
        "Has Left", status=S.LEFT, qualifications=[(kind, "verified", date(2024, 1, 1), soon)]
    )
    coordinator = users["coordinator"]
    coordinator.locale = "de"
    db.session.flush()
    html = page(client_as("coordinator").get("/coordinator/qualifications/expiring"))
    assert "Soon Expiring" in html and "Auffrischung" in html
    for name in ("Later Expiring", "Already Expired", "Only Claimed", "Has Left"):
        assert name not in html
    from babel.dates import format_date

    assert format_date(soon, "long", locale="de") in html  # e.g. "14. März 2026"
    assert f'href="/coordinator/volunteers/{person.id}#qualification-' in html


def test_expiring_list_is_paginated(coordinator_client, users):
    kind = qualification_type("expiring_many")
    soon = _today() + timedelta(days=3)
    for n in range(27):
        volunteer(f"Many {n:02d}", qualifications=[(kind, "verified", date(2024, 1, 1), soon)])
    first = page(coordinator_client.get("/coordinator/qualifications/expiring"))
    assert "27 qualifications" in first and first.count("Many ") == 25
    second = page(coordinator_client.get("/coordinator/qualifications/expiring?page=2"))
    assert second.count("Many ") == 2
    assert coordinator_client.get("/coordinator/qualifications/expiring?page=x").status_code == 200


# --- reminders --------------------------------------------------------------------------------


def test_reminders_go_out_once_to_the_volunteer_and_the_coordinators(app, users):
    from wirnet.volunteers.reminders import send_reminders

    today = date(2026, 3, 10)
    kind = qualification_type(
        "reminded_kind",
        renewal_window_days=30,
        grace_days=10,
        names={"en": "First aid", "de": "Erste Hilfe", "ar": "الإسعافات الأولية"},
    )
    in_window = today + timedelta(days=20)
    german = volunteer(
        "Grete Deutsch",
        locale="de",
        qualifications=[(kind, "verified", date(2024, 1, 1), in_window)],
    )
    arabic = volunteer(
        "Samira Arabi",
        locale="ar",
        status=S.PAUSED,
        qualifications=[(kind, "verified", date(2024, 1, 1), today - timedelta(days=3))],
    )
    volunteer(
        "Too Early",
        qualifications=[(kind, "verified", date(2024, 1, 1), today + timedelta(days=31))],
    )
    volunteer(
        "Gone Away", status=S.LEFT, qualifications=[(kind, "verified", date(2024, 1, 1), in_window)]
    )
    volunteer("Not Checked", qualifications=[(kind, "claimed", date(2024, 1, 1), in_window)])
    volunteer(
        "Long Expired",
        qualifications=[(kind, "verified", date(2024, 1, 1), today - timedelta(days=11))],
    )
    with app.test_request_context():
        report = send_reminders(today=today)
        again = send_reminders(today=today)
    assert (report.volunteers, report.coordinators) == (2, 1)
    assert (again.volunteers, again.coordinators) == (0, 0)
    to_german = outbox(to=german.email, template="qualification_expiring")
    assert len(to_german) == 1
    assert "Erste Hilfe" in to_german[0].subject and "Grete Deutsch" in to_german[0].body_text
    assert to_german[0].locale == "de"
    assert "http://" in to_german[0].body_text or "https://" in to_german[0].body_text
    to_arabic = outbox(to=arabic.email, template="qualification_expiring")
    assert len(to_arabic) == 1 and "الإسعافات الأولية" in to_arabic[0].subject
    summary = outbox(to=users["coordinator"].email, template="qualification_expiring_summary")
    assert len(summary) == 1
    assert "Grete Deutsch" in summary[0].body_text and "Samira Arabi" in summary[0].body_text
    assert "Gone Away" not in summary[0].body_text and "Too Early" not in summary[0].body_text
    assert "/coordinator/qualifications/expiring" in summary[0].body_text
    assert not outbox(to=users["admin"].email)  # the summary is for coordinators


def test_reminders_cli_twice_queues_nothing_twice(app, users):
    kind = qualification_type("cli_kind", renewal_window_days=30)
    person = volunteer(
        "Cli Person", qualifications=[(kind, "verified", date(2024, 1, 1), date(2026, 3, 20))]
    )
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders", "send", "--today", "2026-03-10"])
    assert first.exit_code == 0, first.output
    assert "1 volunteer reminder(s)" in first.output
    second = runner.invoke(args=["reminders", "send", "--today", "2026-03-10"])
    assert "0 volunteer reminder(s)" in second.output
    assert len(outbox(to=person.email, template="qualification_expiring")) == 1
    bad = runner.invoke(args=["reminders", "send", "--today", "tomorrow"])
    assert bad.exit_code != 0 and "not a date" in bad.output


def test_a_break_with_an_end_date_ends_by_itself(app, users):
    """The volunteer named the last day of their break; from the day after, the daily run
    brings them back, and the centre may ask them again."""
    back = volunteer("Back Tomorrow", status=S.PAUSED, paused_until=date(2026, 3, 10))
    still = volunteer("Still Away", status=S.PAUSED, paused_until=date(2026, 3, 11))
    open_ended = volunteer("Open Ended", status=S.PAUSED)
    runner = app.test_cli_runner()
    on_last_day = runner.invoke(args=["reminders", "send", "--today", "2026-03-10"])
    assert "0 volunteer(s) back from a break" in on_last_day.output
    result = runner.invoke(args=["reminders", "send", "--today", "2026-03-11"])
    assert result.exit_code == 0, result.output
    assert "1 volunteer(s) back from a break" in result.output
    db.session.expire_all()
    status_of = {
        p.user_id: (p.status, p.paused_until) for p in db.session.scalars(select(VolunteerProfile))
    }
    assert status_of[back.id] == (S.ACTIVE, None)
    assert status_of[still.id] == (S.PAUSED, date(2026, 3, 11))
    assert status_of[open_ended.id] == (S.PAUSED, None)
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "volunteer.pause_ended")
    )
    assert entry is not None and entry.details["until"] == "2026-03-10"


# --- the coordinator's overview ---------------------------------------------------------------


def test_the_overview_links_the_lists_with_counts(coordinator_client, users):
    kind = qualification_type("overview_kind")
    volunteer("Waiting Applicant", status=S.APPLICANT)
    volunteer("Active Claimer", qualifications=[(kind, "claimed", date(2025, 1, 1), None)])
    volunteer(
        "Left Claimer", status=S.LEFT, qualifications=[(kind, "claimed", date(2025, 1, 1), None)]
    )
    html = page(coordinator_client.get("/home"))
    # Two volunteers of the fixture without a profile, and one applicant with one.
    assert "3 applicants waiting" in html
    assert "1 qualification waiting for verification" in html
    assert 'href="/coordinator/volunteers?status=applicant&amp;sort=newest"' in html
    assert 'href="/coordinator/qualifications/expiring"' in html


def test_the_overview_counts_in_one_query(app, users):
    from wirnet.volunteers.coordination import counts

    with statements() as seen:
        counts(today=date(2026, 1, 1))
    assert len(seen) == 1
