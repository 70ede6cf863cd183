"""Journey 1 of the mission in a real browser, in German and in Arabic: a person signs up
in their own language, confirms the e-mail from the outbox, fills in their profile,
languages, a weekly time and a qualification; a coordinator finds them, records the
evidence, verifies it, holds the intake talk and sets them active; the volunteer sees it.

Debian's chromium, driven by Playwright, with JavaScript switched off (every page must work
without it); the app is served by a real WSGI server on loopback, with CSRF on, against the
test database (committed data, cleaned up after). The only direct writes are what `make
run` would do before: the region and the qualification catalogue, and a coordinator account.

The words on the pages are looked up in the shipped catalogs (not written out here): a
label the test cannot find, or an English message id on a German or Arabic page, is a
missing translation.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.dates import format_date, get_day_names
from playwright.sync_api import expect

from tests.browser.support import (
    COORDINATOR_NAME,
    Catalog,
    Visit,
    assert_all_translated,
    follow,
    latest_mail,
    summary,
)
from tests.factories import PASSWORD
from wirnet.volunteers.catalogue import read_catalogue
from wirnet.volunteers.qualifications import compute_expiry
from wirnet.volunteers.views import time_range

pytestmark = [pytest.mark.browser, pytest.mark.no_db_rollback]

TIMEZONE = ZoneInfo("Europe/Berlin")  # the app's BABEL_DEFAULT_TIMEZONE

#: The two people of the journey, one per language.
PEOPLE = {
    "de": {
        "name": "Senait Tesfaye",
        "email": "senait.tesfaye@example.org",
        "password": "Kaffeezeremonie am Sonntag 7",
        "municipality": "Hofgeismar",
        "about": "Ich bin <strong>Pflegehelferin</strong> und übersetze gern beim Arzt.",
    },
    "ar": {
        "name": "Yonas Haile",
        "email": "yonas.haile@example.org",
        "password": "Kaffeezeremonie am Montag 9",
        "municipality": "Baunatal",
        "about": "أعمل <strong>مساعد تمريض</strong> وأحب الترجمة عند الطبيب.",
    },
}


@pytest.mark.parametrize("locale", ["de", "ar"])
def test_journey_1_from_sign_up_to_active_volunteer(live_server, browser, coordinator, locale):
    base_url, app = live_server
    t = Catalog(locale)
    person = PEOPLE[locale]
    today = datetime.now(TIMEZONE).date()
    obtained = today - timedelta(days=365)
    [health_guide] = [q for q in read_catalogue() if q["key"] == "health_guide"]
    guide_name, months = health_guide["names"][locale], health_guide["validity_months"]
    tuesday = get_day_names("wide", locale=locale)[1]
    tigrinya, german = (Locale.parse(locale).languages[code] for code in ("ti", "de"))  # CLDR

    # --- 1. Sign up in their own language, confirm the address, log in -------------------
    context = browser.new_context(
        locale="en-GB", viewport={"width": 360, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    data = [person["name"], person["email"], person["about"], guide_name, "ti de"]
    visit = Visit(page, t, data)
    page.goto(base_url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#lang-locale").select_option(locale)
    follow(page.locator("form.language-switcher button"))
    visit.check("home page")
    follow(page.locator("nav.main-nav").get_by_role("link", name=t("Sign up as a volunteer")))
    expect(page).to_have_url(re.compile(r"/auth/signup$"))
    expect(page.locator("h1")).to_have_text(t("Sign up as a volunteer"))
    visit.check("sign-up")

    page.get_by_label(t("Your name")).fill(person["name"])
    page.get_by_label(t("E-mail address")).fill(person["email"])
    page.locator("#password").fill(person["password"])
    page.locator("#password_confirm").fill(person["password"])
    page.get_by_label(t("Preferred language")).select_option(locale)
    page.locator("#privacy_consent").check()
    follow(page.get_by_role("button", name=t("Create account")))
    expect(page).to_have_url(re.compile(r"/auth/signup/sent$"))
    expect(page.locator("h1")).to_have_text(t("Please check your inbox"))
    visit.check("sign-up sent")

    # Their mail, in their language, with a link to this server.
    mail = latest_mail(app, person["email"], "confirm_email")
    assert mail.subject == t("Please confirm your e-mail address for WIRnet")
    assert mail.locale == locale and person["name"] in mail.body_text
    [link] = re.findall(r"https?://\S+", mail.body_text)
    assert link.startswith(base_url + "/")
    page.goto(link)
    visit.check("confirm")
    follow(page.get_by_role("button", name=t("Confirm my e-mail address")))
    expect(page).to_have_url(re.compile(r"/auth/login"))
    visit.check("log-in")

    page.get_by_label(t("E-mail address")).fill(person["email"])
    page.get_by_label(t("Password"), exact=True).fill(person["password"])
    follow(page.locator("main").get_by_role("button", name=t("Log in")))
    expect(page).to_have_url(re.compile(r"/home$"))

    # --- 2. The checklist, and every step of it -------------------------------------------
    expect(page.locator("h1")).to_have_text(t("My overview"))
    expect(page.locator(".status")).to_contain_text(
        t("Applicant: the centre is getting to know you.")
    )
    checklist = page.locator("ul.checklist")
    steps = {
        "profile": checklist.locator("li", has_text=t("Your town and how you get around")),
        "languages": checklist.locator("li", has_text=t("At least one language")),
        "availability": checklist.locator(
            "li", has_text=t("When you can help: a weekly time, or at short notice")
        ),
        "intake": checklist.locator("li", has_text=t("Introductory talk with the centre")),
        "evidence": checklist.locator(
            "li", has_text=t("Certificates checked by the centre (if you have any)")
        ),
    }
    for step in ("profile", "languages", "availability", "intake"):
        expect(steps[step]).to_have_class("open")
        expect(steps[step]).to_contain_text(t("Still open"))
    visit.check("overview, new")

    # The profile: where they live, how they travel, what they would like to help with.
    follow(steps["profile"].get_by_role("link"))
    expect(page.locator("h1")).to_have_text(t("My volunteer profile"))
    visit.check("profile")
    expect(page.get_by_label(t("Your name"))).to_have_value(person["name"])
    page.get_by_label(t("Where you live")).select_option(label=person["municipality"])
    page.get_by_label(t("Bus and train"), exact=True).check()
    page.get_by_label(t("How far you will travel (km)")).fill("25")
    page.get_by_label(t("Language mediation (interpreting)"), exact=True).check()
    page.get_by_label(t("Health"), exact=True).check()
    page.get_by_label(t("About you (optional)")).fill(person["about"])
    follow(page.get_by_role("button", name=t("Save"), exact=True))
    expect(page.locator(".flash-success")).to_have_text(t("Your profile is saved."))
    expect(page.get_by_label(t("Where you live")).locator("option:checked")).to_have_text(
        person["municipality"]
    )
    expect(page.get_by_label(t("Health"), exact=True)).to_be_checked()
    expect(page.locator(".prose strong")).to_have_count(1)  # the text, sanitized
    visit.check("profile saved")

    # Their languages: Tigrinya natively, German at B2.
    follow(page.locator("nav.sub-nav").get_by_role("link", name=t("Languages"), exact=True))
    expect(page.locator("h1")).to_have_text(t("My languages"))
    visit.check("languages")
    # (the language switcher in the header has the same label: the one in the page)
    main = page.locator("main")
    main.get_by_label(t("Language"), exact=True).select_option("ti")
    page.get_by_label(t("Native language"), exact=True).check()
    page.get_by_label(t("I can interpret in this language")).check()
    page.get_by_label(t("On site"), exact=True).check()
    page.get_by_label(t("Health (doctor, hospital)"), exact=True).check()
    follow(page.get_by_role("button", name=t("Add language")))
    expect(page.locator(".flash-success")).to_have_text(
        t("%(language)s is added.", language=tigrinya)
    )
    tigrinya_card = page.locator("li.card", has=page.get_by_role("heading", name=tigrinya))
    expect(tigrinya_card).to_contain_text(t("Native language"))
    expect(tigrinya_card).to_contain_text(t("Yes"))
    expect(tigrinya_card).to_contain_text(t("On site"))
    expect(tigrinya_card).to_contain_text(t("Health (doctor, hospital)"))
    visit.check("languages, Tigrinya added")

    main.get_by_label(t("Language"), exact=True).select_option("de")
    page.get_by_label("B2", exact=True).check()
    follow(page.get_by_role("button", name=t("Add language")))
    expect(page.locator(".flash-success")).to_have_text(
        t("%(language)s is added.", language=german)
    )
    expect(page.locator("li.card h2")).to_have_text([tigrinya, german])  # native first
    expect(page.locator("li.card").nth(1)).to_contain_text("B2")
    visit.check("languages, German added")

    # A weekly time, Tuesday morning, and at short notice too.
    follow(page.locator("nav.sub-nav").get_by_role("link", name=t("Availability"), exact=True))
    expect(page.locator("h1")).to_have_text(t("When I can help"))
    visit.check("availability")
    page.get_by_label(t("Day"), exact=True).select_option(label=tuesday)
    page.get_by_label(t("From"), exact=True).fill("09:00")
    page.get_by_label(t("Until"), exact=True).fill("12:00")
    follow(page.get_by_role("button", name=t("Add time")))
    expect(page.locator(".flash-success")).to_have_text(t("The time is added."))
    tuesday_row = page.locator("table.week tr", has=page.get_by_role("rowheader", name=tuesday))
    expect(tuesday_row.locator(".time-range")).to_have_text(time_range(time(9), time(12), locale))
    page.get_by_label(t("I can help at short notice")).check()
    follow(page.get_by_role("button", name=t("Save"), exact=True))
    expect(page.get_by_label(t("I can help at short notice"))).to_be_checked()
    visit.check("availability saved")

    # A qualification: health guide, obtained a year ago.
    follow(page.locator("nav.sub-nav").get_by_role("link", name=t("Qualifications"), exact=True))
    expect(page.locator("h1")).to_have_text(t("My qualifications"))
    visit.check("qualifications")
    page.get_by_label(t("Qualification"), exact=True).select_option(label=guide_name)
    page.get_by_label(t("Date obtained")).fill(obtained.isoformat())
    follow(page.get_by_role("button", name=t("Add qualification")))
    expect(page.locator(".flash-success")).to_have_text(
        t("%(name)s is added. The centre will check it.", name=guide_name)
    )
    expect(page.locator("li.card .standing")).to_have_text(t("Waiting for the centre to check it"))
    visit.check("qualification claimed")

    # Back on the overview: their own steps are done; the centre's are still open.
    follow(page.locator("nav.main-nav").get_by_role("link", name=t("My overview")))
    for step in ("profile", "languages", "availability"):
        expect(steps[step]).to_have_class("done")
        expect(steps[step]).to_contain_text(t("Done"))
    expect(steps["intake"]).to_have_class("open")
    expect(steps["evidence"]).to_have_class("open")
    expect(steps["evidence"]).to_contain_text(
        t("Please bring the certificate for: %(names)s", names=guide_name)
    )
    expect(page.locator("main")).to_contain_text(
        t(
            "The centre will contact you to arrange a short introductory talk. "
            "Please bring your certificates."
        )
    )
    visit.check("overview, own steps done")

    # --- 3. The coordinator, in another browser --------------------------------------------
    office = browser.new_context(
        locale="en-GB", viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    desk = office.new_page()
    note = "Erstgespräch am Vormittag; sehr erfahren beim Dolmetschen in der Kinderarztpraxis."
    at_desk = Visit(desk, t, [*data, COORDINATOR_NAME, note])
    desk.goto(base_url + "/auth/login")
    desk.get_by_label("E-mail address").fill(coordinator(locale))
    desk.get_by_label("Password", exact=True).fill(PASSWORD)
    follow(desk.locator("main").get_by_role("button", name="Log in"))
    expect(desk).to_have_url(re.compile(r"/home$"))
    at_desk.check("coordinator's overview")  # in the coordinator's own language

    follow(desk.locator("nav.main-nav").get_by_role("link", name=t("Volunteers")))
    expect(desk.locator("h1")).to_have_text(t("Volunteers"))
    at_desk.check("volunteer list")
    desk.locator("main").get_by_label(t("Language"), exact=True).select_option("ti")
    follow(desk.get_by_role("button", name=t("Search")))
    expect(desk).to_have_url(re.compile(r"[?&]language=ti\b"))
    expect(desk.locator("#results-heading")).to_have_text(
        t.plural("%(num)d volunteer found", "%(num)d volunteers found", 1)
    )
    at_desk.check("volunteer list, Tigrinya")
    follow(desk.get_by_role("link", name=person["name"]))
    expect(desk.locator("h1")).to_have_text(person["name"])
    profile = desk.locator("section[aria-labelledby=profile-heading]")
    expect(profile).to_contain_text(person["municipality"])
    expect(profile).to_contain_text(t("Bus and train"))
    tigrinya_row = desk.locator("section[aria-labelledby=languages-heading] tr", has_text=tigrinya)
    expect(tigrinya_row).to_contain_text(t("Native language"))
    expect(tigrinya_row).to_contain_text(t("On site"))
    expect(tigrinya_row).to_contain_text(t("Health (doctor, hospital)"))
    at_desk.check("volunteer page")

    # The certificate: seen today, dated the day it was obtained; then verified.
    qualification = desk.locator(
        "article.qualification", has=desk.get_by_role("heading", name=guide_name)
    )
    expect(qualification.locator(".standing")).to_have_text(t("Waiting for verification"))
    summary(qualification, t("Record the evidence seen")).click()
    qualification.get_by_label(t("Seen on")).fill(today.isoformat())
    qualification.get_by_label(t("Date on the certificate (optional)")).fill(obtained.isoformat())
    at_desk.check("evidence form")
    follow(qualification.get_by_role("button", name=t("Save evidence")))
    expect(desk.locator(".flash-success")).to_have_text(t("The evidence is recorded."))
    at_desk.check("evidence recorded")
    summary(qualification, t("Verify")).click()
    follow(qualification.get_by_role("button", name=t("Verify"), exact=True))
    expect(desk.locator(".flash-success")).to_have_text(t("The qualification is verified."))
    expect(qualification.locator(".standing")).to_contain_text(t("Verified"))
    at_desk.check("qualification verified")

    # The intake talk, a note about it, and the volunteer is active.
    follow(desk.get_by_role("button", name=t("Record the intake talk as held")))
    expect(desk.locator(".flash-success")).to_have_text(t("The intake talk is recorded."))
    desk.get_by_label(t("New note")).fill(note)
    follow(desk.get_by_role("button", name=t("Save note")))
    expect(desk.locator(".flash-success")).to_have_text(t("The note is saved."))
    expect(desk.locator("ul.notes")).to_contain_text(note)
    at_desk.check("intake recorded")
    follow(desk.get_by_role("button", name=t("Set active")))
    expect(desk.locator(".flash-success")).to_contain_text(person["name"])
    expect(desk.locator("main > p .status")).to_have_text(t("Active"))
    at_desk.check("volunteer active")
    office.close()

    # --- 4. The volunteer reloads their overview: active, every step done -------------------
    page.reload()
    expect(page.locator(".status")).to_contain_text(t("Active: the centre can ask you to help."))
    expect(page.locator("main")).to_contain_text(t("Everything is done."))
    for step in steps.values():
        expect(step).to_have_class("done")
    visit.check("overview, active")
    follow(page.locator("main").get_by_role("link", name=t("See and change all your details")))
    follow(page.locator("nav.sub-nav").get_by_role("link", name=t("Qualifications"), exact=True))
    expect(page.locator("li.card .standing")).to_have_text(
        t(
            "Confirmed, valid until %(date)s",
            date=format_date(compute_expiry(obtained, months), "long", locale=locale),
        )
    )
    visit.check("qualification confirmed")
    context.close()

    # Every text on the way was in the person's language (collected above, page by page).
    assert_all_translated(volunteer=visit, coordinator=at_desk)
