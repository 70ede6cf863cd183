"""Journeys 3 and 4 of the mission in a real browser, in German and in Arabic.

3. A coordinator opens an open request of an organisation (Tigrinya–German at a doctor's in
   Hofgeismar, on a Tuesday well ahead) and finds the volunteers ranked for it, each with
   the reasons (speaks Tigrinya natively, the verified course, free on Tuesdays, 6 km away),
   and the near miss with the one rule they fail; proposes the best one. The volunteer
   reads the offer in their language and answers from its link without logging in: the
   link's page changes nothing until the button is pressed; then they see the address and
   whom to contact, and the organisation is told their name (never their e-mail address).
   The match page shows the booking; the link, used again, says it has been answered.
4. After the appointment the volunteer logs in, records the hours (in the locale's decimal
   format), the kilometres and a short note; the request is carried out; the organisation
   confirms it with a word of feedback, and the request is completed.

Debian's chromium, driven by Playwright, with JavaScript switched off (every page must work
without it), against the live server of conftest.py (CSRF on, committed data deleted
afterwards). What the journeys before made (journey 1: active, verified volunteers;
journey 2: the organisation and its request) is written to the database directly, as is
the booking journey 4 starts from; everything a person does here goes through the pages.
The volunteers and the organisation are on a phone (360 px), the coordinator at a desk.
The words on the pages are looked up in the shipped catalogs, never written out here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import pytest
from babel.dates import format_date, format_time, get_day_names
from babel.numbers import format_decimal
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.support import (
    BROWSER_LOCALE,
    COORDINATOR_NAME,
    DESK,
    PHONE,
    TIMEZONE,
    TUESDAY,
    Catalog,
    Visit,
    appointment_day,
    assert_all_translated,
    follow,
    isolated,
    language_name,
    latest_mail,
    log_in,
)
from tests.factories import PASSWORD, UserFactory
from tests.integration.organisation_support import organisation
from tests.integration.request_support import make_request
from wirnet.config import Config
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.matching import assignments
from wirnet.regions import Municipality, read_region_file
from wirnet.requests.models import (
    Assignment,
    AssignmentState,
    Request,
    RequestKind,
    RequestMode,
    RequestSetting,
    RequestState,
)
from wirnet.requests.services import HEALTH_MEDIATION, default_qualifications
from wirnet.roles import Role
from wirnet.volunteers.catalogue import read_catalogue
from wirnet.volunteers.models import (
    LEVEL_RANK,
    AvailabilitySlot,
    LanguageLevel,
    LanguageSkill,
    Mobility,
    Qualification,
    QualificationState,
    QualificationType,
    VolunteerProfile,
    VolunteerStatus,
)
from wirnet.volunteers.views import time_range

pytestmark = [pytest.mark.browser, pytest.mark.no_db_rollback]

START, END = time(10), time(11)
SLOT = (time(9), time(13))
PLACE = "Hofgeismar"
ADDRESS = "Praxis Dr. Weber, Marktstraße 5, 34369 Hofgeismar"
CLIENT_REF = "T. G."
ORGANISATION = "Eritreische Gemeinde Hofgeismar e. V."
CONTACT_PHONE = "+49 5671 123456"

#: Per language: the organisation's member (its contact person) and the volunteer who is
#: asked, both reading that language; what they type afterwards.
PEOPLE = {
    "de": {
        "member": "Semhar Tesfay",
        "member_email": "semhar.tesfay@example.org",
        "volunteer": "Abeba Gebremedhin",
        "volunteer_email": "abeba.gebremedhin@example.org",
        "note": "Befund gut übersetzt, Folgetermin in drei Wochen.",
        "feedback": "Sehr zuverlässig und freundlich, vielen Dank!",
    },
    "ar": {
        "member": "مريم حداد",
        "member_email": "mariam.haddad@example.org",
        "volunteer": "ياسين إدريس",
        "volunteer_email": "yassin.idris@example.org",
        "note": "تمت الترجمة بشكل جيد، والموعد التالي بعد ثلاثة أسابيع.",
        "feedback": "متطوع موثوق ولطيف، شكراً جزيلاً!",
    },
}
#: The other two volunteers (reading German): a second candidate a little farther away,
#: and one who fits in every way but lives too far for their bicycle (the near miss).
SECOND = {"name": "Dawit Berhane", "email": "dawit.berhane@example.org", "town": "Immenhausen"}
FAR = {"name": "Luwam Kidane", "email": "luwam.kidane@example.org", "town": "Wolfhagen"}
NEAR_TOWN = "Grebenstein"  # where the volunteer who is asked lives
BICYCLE_KM = Config.MATCH_MOBILITY_KM["bicycle"]  # the reach of the near miss


# --- dates, names and distances, as the pages show them -------------------------------------


def local(day: date, clock: time) -> datetime:
    """A wall-clock time in the centre's time zone, as stored (UTC)."""
    return datetime.combine(day, clock, tzinfo=TIMEZONE).astimezone(UTC)


def when(day: date, locale: str, t: Catalog) -> str:
    """The appointment as the request pages and lists write it."""
    return t(
        "%(date)s, %(start)s–%(end)s",
        date=format_date(day, "medium", locale=locale),
        start=format_time(START, "short", locale=locale),
        end=format_time(END, "short", locale=locale),
    )


def plain(value: str, locale: str) -> str:
    """A name inside a plain-text sentence (an e-mail, a reason): isolated in Arabic."""
    return isolated(value) if locale == "ar" else value


@cache
def km_between(one: str, other: str) -> float:
    """The straight-line distance between two municipalities' centres (haversine)."""
    towns = {row.name: row for row in read_region_file(Config.REGION_FILE)}
    a, b = towns[one], towns[other]
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def course_name(locale: str) -> str:
    """The name of the course every mediation at a doctor's requires, in ``locale``."""
    [course] = [q for q in read_catalogue() if q["key"] == HEALTH_MEDIATION]
    return course["names"][locale]


def fresh(app, model, row_id: int):
    """A row as it is in the database now (the server changed it)."""
    with app.app_context():
        row = db.session.get(model, row_id)
        db.session.expunge(row)
        return row


# --- what the journeys before made ------------------------------------------------------------


@dataclass
class Centre:
    request_id: int
    assignment_id: int | None
    day: date


def _town(name: str) -> Municipality:
    return db.session.scalar(select(Municipality).where(Municipality.name == name))


def _volunteer(name: str, email: str, locale: str, town: str, mobility: Mobility, reach):
    """An active volunteer, verified by the centre: Tigrinya natively (mediating on site, at
    the doctor's), German at C1, free on Tuesday mornings, with the course for mediation in
    health settings."""
    user = UserFactory(email=email, display_name=name, role=Role.VOLUNTEER, locale=locale)
    today = datetime.now(TIMEZONE).date()
    profile = VolunteerProfile(
        user_id=user.id,
        status=VolunteerStatus.ACTIVE,
        municipality_id=_town(town).id,
        mobility=mobility,
        max_distance_km=reach,
        topics=["language_mediation", "health"],
        intake_done_at=utcnow(),
    )
    db.session.add(profile)
    db.session.flush()
    for code, level, mediates in (
        ("ti", LanguageLevel.NATIVE, True),
        ("de", LanguageLevel.C1, False),
    ):
        db.session.add(
            LanguageSkill(
                profile_id=profile.id,
                code=code,
                level=level,
                level_rank=LEVEL_RANK[level],
                mediates=mediates,
                modes=["on_site"] if mediates else [],
                settings=["health", "everyday"] if mediates else [],
            )
        )
    db.session.add(
        AvailabilitySlot(profile_id=profile.id, weekday=TUESDAY, starts_at=SLOT[0], ends_at=SLOT[1])
    )
    course = db.session.scalar(
        select(QualificationType).where(QualificationType.key == HEALTH_MEDIATION)
    )
    db.session.add(
        Qualification(
            profile_id=profile.id,
            type_id=course.id,
            state=QualificationState.VERIFIED,
            obtained_on=today - timedelta(days=200),
            evidence_seen_on=today - timedelta(days=30),
            decided_at=utcnow(),
        )
    )
    db.session.flush()
    return profile


def _organisation_with_request(locale: str, day: date) -> Request:
    """The approved organisation, its member (the contact person) and its open request."""
    person = PEOPLE[locale]
    member = UserFactory(
        email=person["member_email"],
        display_name=person["member"],
        role=Role.ORG_MEMBER,
        locale=locale,
    )
    org = organisation(member, name=ORGANISATION, place=_town(PLACE))
    org.contact_name, org.contact_phone = person["member"], CONTACT_PHONE
    kind, setting = RequestKind.LANGUAGE_MEDIATION, RequestSetting.DOCTOR_HOSPITAL
    return make_request(
        org,
        state=RequestState.OPEN,
        kind=kind,
        creator=member,
        language_code="ti",
        mode=RequestMode.ON_SITE,
        setting=setting,
        starts_at=local(day, START),
        hours=1,
        municipality_id=_town(PLACE).id,
        address=ADDRESS,
        client_ref=CLIENT_REF,
        client_consent_by_id=member.id,
        required_qualifications=default_qualifications(kind, setting),
    )


@pytest.fixture
def open_request(live_server):
    """``open_request(locale)``: journeys 1 and 2 done: the organisation's open request and
    three volunteers who speak Tigrinya (the one who reads ``locale`` lives nearest)."""

    def make(locale: str) -> Centre:
        _base_url, app = live_server
        person = PEOPLE[locale]
        day = appointment_day(datetime.now(TIMEZONE).date())
        with app.app_context():
            request = _organisation_with_request(locale, day)
            _volunteer(
                person["volunteer"], person["volunteer_email"], locale, NEAR_TOWN, Mobility.CAR, 25
            )
            _volunteer(SECOND["name"], SECOND["email"], "de", SECOND["town"], Mobility.CAR, 25)
            _volunteer(FAR["name"], FAR["email"], "de", FAR["town"], Mobility.BICYCLE, None)
            db.session.commit()
            return Centre(request.id, None, day)

    return make


@pytest.fixture
def past_booking(live_server):
    """``past_booking(locale)``: journey 3 done, and the appointment two days behind us: the
    volunteer who reads ``locale`` was offered the request, accepted it (as the services do
    it), and time passed."""

    def make(locale: str) -> Centre:
        _base_url, app = live_server
        person = PEOPLE[locale]
        ahead = appointment_day(datetime.now(TIMEZONE).date())
        with app.app_context():
            request = _organisation_with_request(locale, ahead)
            profile = _volunteer(
                person["volunteer"], person["volunteer_email"], locale, NEAR_TOWN, Mobility.CAR, 25
            )
            coordinator = UserFactory(
                display_name=COORDINATOR_NAME, role=Role.COORDINATOR, locale=locale
            )
            [offer] = assignments.propose(request, [profile], coordinator, now=utcnow())
            assignments.accept(offer, None, now=utcnow())
            assert request.state is RequestState.ASSIGNED
            # Time passes: the appointment was two days ago.
            day = (datetime.now(TIMEZONE) - timedelta(days=2)).date()
            for row in (request, offer):
                row.starts_at, row.ends_at = local(day, START), local(day, END)
            db.session.commit()
            return Centre(request.id, offer.id, day)

    return make


def phone(browser, locale: str):
    context = browser.new_context(
        locale=BROWSER_LOCALE[locale], viewport=PHONE, java_script_enabled=False
    )
    return context, context.new_page()


# --- journey 3 --------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["de", "ar"])
def test_journey_3_a_coordinator_proposes_the_best_volunteer_who_accepts_from_the_email(
    live_server, browser, coordinator, open_request, locale
):
    base_url, app = live_server
    t = Catalog(locale)
    person = PEOPLE[locale]
    centre = open_request(locale)
    tigrinya, german = language_name("ti", locale), language_name("de", locale)
    course = course_name(locale)
    appointment = when(centre.day, locale, t)
    data = [
        person["member"],
        person["volunteer"],
        SECOND["name"],
        FAR["name"],
        ORGANISATION,
        ADDRESS,
        CLIENT_REF,
        CONTACT_PHONE,
        COORDINATOR_NAME,
        course,
    ]
    visits = {}

    # --- 1. The coordinator finds the request on the board and opens its match page ------
    office = browser.new_context(
        locale=BROWSER_LOCALE[locale], viewport=DESK, java_script_enabled=False
    )
    desk = office.new_page()
    at_desk = visits["coordinator"] = Visit(desk, t, data)
    log_in(desk, t, base_url, coordinator(locale), PASSWORD)
    expect(desk).to_have_url(re.compile(r"/home$"))
    follow(desk.locator("nav.main-nav").get_by_role("link", name=t("Requests")))
    row = desk.locator("table.request-list tbody tr", has_text=ORGANISATION)
    expect(row.locator(".status")).to_have_text(t("Open"))
    at_desk.check("request board")
    follow(row.get_by_role("link", name=appointment))
    expect(desk.locator("h1")).to_have_text(f"{t('Language mediation')}: {tigrinya}")
    at_desk.check("request")
    follow(desk.locator("main").get_by_role("link", name=t("Find volunteers")))
    expect(desk).to_have_url(re.compile(rf"/coordinator/requests/{centre.request_id}/match$"))
    expect(desk.locator("h1")).to_have_text(t("Find volunteers"))
    expect(desk.locator("section[aria-labelledby=assignments-heading]")).to_contain_text(
        t("Nobody has been asked yet.")
    )

    # The two who fit, nearest (and so best) first, each with the reasons.
    fits = desk.locator("section[aria-labelledby=candidates-heading]")
    expect(fits).to_contain_text(
        t.plural(
            "%(num)d volunteer passes every rule, best first.",
            "%(num)d volunteers pass every rule, best first.",
            2,
        )
    )
    cards = fits.locator("li.match-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0).locator("h3")).to_contain_text(person["volunteer"])
    expect(cards.nth(1).locator("h3")).to_contain_text(SECOND["name"])
    near_km, second_km = km_between(NEAR_TOWN, PLACE), km_between(SECOND["town"], PLACE)
    assert round(near_km) == 6 and near_km < second_km  # the mission's "6 km away"
    tuesday = get_day_names("wide", locale=locale)[TUESDAY]
    reasons = cards.nth(0).locator("ul.reasons li")
    expect(reasons).to_contain_text(
        [
            t("speaks %(language)s natively", language=tigrinya),
            t("%(language)s at level %(level)s", language=german, level="C1"),
            t("verified %(qualification)s", qualification=plain(course, locale)),
            t(
                "free every %(weekday)s %(times)s",
                weekday=tuesday,
                times=time_range(*SLOT, locale),
            ),
            t.plural(
                "%(num)d km away (%(place)s)",
                "%(num)d km away (%(place)s)",
                round(near_km),
                place=plain(NEAR_TOWN, locale),
            ),
            t("no assignment in the last 30 days"),
        ]
    )
    expect(cards.nth(1)).to_contain_text(
        t.plural(
            "%(num)d km away (%(place)s)",
            "%(num)d km away (%(place)s)",
            round(second_km),
            place=plain(SECOND["town"], locale),
        )
    )

    # The near miss, with the one rule they fail: too far for a bicycle.
    near = desk.locator("section[aria-labelledby=near-heading] li.near-miss")
    expect(near).to_have_count(1)
    expect(near.locator("h3")).to_have_text(FAR["name"])
    far_km = km_between(FAR["town"], PLACE)
    assert far_km > BICYCLE_KM
    expect(near.locator(".near-failure")).to_have_text(
        t.plural(
            "%(num)d km away, travels up to %(reach)d km",
            "%(num)d km away, travels up to %(reach)d km",
            math.ceil(far_km),
            reach=BICYCLE_KM,
        )
    )
    expect(near).to_contain_text(t("speaks %(language)s natively", language=tigrinya))
    at_desk.check("match page")

    # --- 2. They propose the best one ------------------------------------------------------
    fits.get_by_label(person["volunteer"]).check()
    follow(desk.get_by_role("button", name=t("Send the offer to those ticked")))
    expect(desk).to_have_url(re.compile(rf"/coordinator/requests/{centre.request_id}/match$"))
    expect(desk.locator(".flash-success")).to_have_text(
        t.plural(
            "The offer has gone out to %(num)d volunteer. The first to accept gets it.",
            "The offer has gone out to %(num)d volunteers. The first to accept gets it.",
            1,
        )
    )
    offered = desk.locator(".match-bookings li", has_text=person["volunteer"])
    expect(offered.locator(".status")).to_have_text(t("Offered, no answer yet"))
    at_desk.check("match page, offer sent")
    with app.app_context():
        [assignment_id] = db.session.scalars(
            select(Assignment.id).where(Assignment.request_id == centre.request_id)
        ).all()

    # --- 3. The volunteer reads the offer on the phone, in their language -----------------
    mail = latest_mail(app, person["volunteer_email"], "offer")
    assert mail.locale == locale
    assert mail.subject == t(
        "Can you help? %(kind)s, %(language)s",
        kind=t("Language mediation"),
        language=plain(tigrinya, locale),
    )
    assert t("Hello %(name)s,", name=plain(person["volunteer"], locale)) in mail.body_text
    assert ADDRESS not in mail.body_text  # only once they have accepted
    links = re.findall(r"https?://\S+", mail.body_text)
    [accept] = [link for link in links if link.endswith("/accept")]
    assert len(links) == 2 and all(link.startswith(base_url + "/offer/") for link in links)

    context, page = phone(browser, locale)  # not logged in
    visit = visits["volunteer"] = Visit(page, t, data)
    page.goto(accept)
    expect(page.locator("h1")).to_have_text(t("Accept this appointment?"))
    expect(page.locator("main")).to_contain_text(
        t(
            "Hello %(name)s, the centre asks whether you can help with this appointment:",
            name=person["volunteer"],
        )
    )
    expect(page.locator("main")).to_contain_text(PLACE)
    expect(page.locator("main")).not_to_contain_text(ADDRESS)
    visit.check("offer")
    # Opening the link changed nothing (mail scanners open links too).
    assert fresh(app, Assignment, assignment_id).state is AssignmentState.PROPOSED
    assert fresh(app, Request, centre.request_id).state is RequestState.OPEN

    follow(page.locator("main").get_by_role("button", name=t("Accept"), exact=True))
    expect(page.locator("h1")).to_have_text(t("You are booked"))
    main = page.locator("main")
    expect(main).to_contain_text(ADDRESS)
    expect(main).to_contain_text(person["member"])  # the organisation's contact person
    expect(main.get_by_role("link", name=CONTACT_PHONE)).to_have_count(1)
    visit.check("booked")
    assert fresh(app, Assignment, assignment_id).state is AssignmentState.ACCEPTED
    assert fresh(app, Request, centre.request_id).state is RequestState.ASSIGNED

    # --- 4. The organisation is told the volunteer's name, never their e-mail address -----
    told = latest_mail(app, person["member_email"], "booked_poster")
    assert told.locale == locale
    assert told.subject == t(
        "A volunteer is coming: %(kind)s, %(language)s",
        kind=t("Language mediation"),
        language=plain(tigrinya, locale),
    )
    assert (
        t(
            "%(volunteer)s will come to this appointment:",
            volunteer=plain(person["volunteer"], locale),
        )
        in told.body_text
    )
    assert person["volunteer_email"] not in told.body_text + told.subject
    booked = latest_mail(app, person["volunteer_email"], "booked")
    assert booked.locale == locale and ADDRESS in booked.body_text

    # --- 5. The coordinator's match page shows the booking ----------------------------------
    desk.reload()
    expect(desk.locator(".request-state .status").first).to_have_text(t("Volunteer found"))
    expect(desk.locator("section[aria-labelledby=request-heading]")).to_contain_text(
        t("%(booked)s of %(needed)s booked", booked="1", needed="1")
    )
    expect(offered.locator(".status")).to_have_text(t("Booked"))
    expect(desk.locator("main")).to_contain_text(
        t(
            "Every place is taken. To replace a volunteer, withdraw them below: the request "
            "opens again."
        )
    )
    at_desk.check("match page, booked")
    office.close()

    # --- 6. The link, opened again, says it has been answered; nothing changes -------------
    page.goto(accept)
    expect(page.locator("h1")).to_have_text(t("You have already accepted"))
    visit.check("offer link, used again")
    assert fresh(app, Assignment, assignment_id).state is AssignmentState.ACCEPTED
    context.close()

    assert_all_translated(**visits)


# --- journey 4 --------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["de", "ar"])
def test_journey_4_the_volunteer_records_the_hours_and_the_organisation_confirms(
    live_server, browser, past_booking, locale
):
    base_url, app = live_server
    t = Catalog(locale)
    person = PEOPLE[locale]
    centre = past_booking(locale)
    tigrinya = language_name("ti", locale)
    appointment = when(centre.day, locale, t)
    hours = format_decimal(1.5, locale=locale)  # "1,5" in German
    data = [
        person["member"],
        person["volunteer"],
        ORGANISATION,
        ADDRESS,
        CLIENT_REF,
        CONTACT_PHONE,
        COORDINATOR_NAME,
        course_name(locale),
        person["note"],
        person["feedback"],
    ]
    visits = {}

    # --- 1. The volunteer logs in on the phone and records the hours ----------------------
    context, page = phone(browser, locale)
    visit = visits["volunteer"] = Visit(page, t, data)
    log_in(page, t, base_url, person["volunteer_email"], PASSWORD)
    expect(page).to_have_url(re.compile(r"/home$"))
    follow(page.locator("nav.main-nav").get_by_role("link", name=t("My assignments")))
    expect(page.locator("h1")).to_have_text(t("My assignments"))
    past = page.locator("section[aria-labelledby=past-heading]")
    expect(past.locator("li.assignment")).to_have_count(1)
    expect(past).to_contain_text(appointment)
    expect(past.locator(".status")).to_have_text(t("Booked"))
    expect(page.locator("section[aria-labelledby=upcoming-heading]")).to_contain_text(
        t("You are not booked for an appointment at the moment.")
    )
    visit.check("my assignments")
    follow(past.get_by_role("link", name=t("Record hours")))
    expect(page).to_have_url(re.compile(rf"/assignments/{centre.assignment_id}/outcome$"))
    expect(page.locator("h1")).to_have_text(t("After the appointment"))
    visit.check("outcome form")
    page.get_by_label(t("Yes, it took place")).check()
    page.get_by_label(t("Hours"), exact=True).fill(hours)
    page.get_by_label(t("Kilometres travelled (optional)")).fill("12")
    page.get_by_label(t("Short note (optional)")).fill(person["note"])
    follow(page.get_by_role("button", name=t("Save")))
    expect(page).to_have_url(re.compile(rf"/volunteer/assignments/{centre.assignment_id}$"))
    expect(page.locator(".flash-success")).to_have_text(t("Thank you: the hours are recorded."))
    expect(page.locator(".request-state .status")).to_have_text(t("Carried out"))
    outcome = page.locator("section[aria-labelledby=outcome-heading]")
    expect(outcome).to_contain_text(hours)
    expect(outcome).to_contain_text(person["note"])
    visit.check("hours recorded")
    context.close()
    with app.app_context():
        done = db.session.get(Assignment, centre.assignment_id)
        assert (done.state, done.hours, done.km) == (AssignmentState.COMPLETED, 1.5, 12)
        assert db.session.get(Request, centre.request_id).state is RequestState.CONFIRMED

    # --- 2. The organisation sees it carried out, by whom, and confirms it ----------------
    context, page = phone(browser, locale)
    visit = visits["organisation"] = Visit(page, t, data)
    log_in(page, t, base_url, person["member_email"], PASSWORD)
    expect(page).to_have_url(re.compile(r"/home$"))
    follow(page.locator("nav.main-nav").get_by_role("link", name=t("Requests")))
    row = page.locator("table.request-list tbody tr", has_text=appointment)
    expect(row.locator(".status")).to_have_text(t("Carried out"))
    visit.check("our requests")
    follow(row.get_by_role("link", name=appointment))
    expect(page.locator("h1")).to_have_text(f"{t('Language mediation')}: {tigrinya}")
    expect(page.locator(".request-state .status").first).to_have_text(t("Carried out"))
    volunteers = page.locator("section[aria-labelledby=volunteers-heading]")
    expect(volunteers.locator(".booked-volunteers li")).to_contain_text(person["volunteer"])
    expect(page.locator("body")).not_to_contain_text(person["volunteer_email"])
    visit.check("request, carried out")
    confirm = page.locator("section[aria-labelledby=confirm-heading]")
    confirm.get_by_label(t("Feedback (optional)")).fill(person["feedback"])
    follow(confirm.get_by_role("button", name=t("Confirm and complete")))
    expect(page.locator(".flash-success")).to_have_text(t("Thank you. The request is completed."))
    expect(page.locator(".request-state .status").first).to_have_text(t("Completed"))
    expect(page.locator("section[aria-labelledby=feedback-heading]")).to_contain_text(
        person["feedback"]
    )
    expect(page.locator("section[aria-labelledby=confirm-heading]")).to_have_count(0)
    visit.check("request, completed")
    context.close()
    with app.app_context():
        closed = db.session.get(Request, centre.request_id)
        assert closed.state is RequestState.COMPLETED
        assert closed.feedback == person["feedback"]

    assert_all_translated(**visits)
