"""Journey 6 of the mission in a real browser, in German and in Arabic: a coordinator
creates the project "Sprachcafé Baunatal" with a role that needs Arabic and Dari speakers;
an active volunteer browses the projects on the phone, filters them by language, opens the
project and applies with a short message; the coordinator accepts; the volunteer gets the
e-mail in their language and sees the acceptance in their applications; the project page
lists them as taking part.

Debian's chromium, driven by Playwright, with JavaScript switched off (every page must work
without it), against the live server of conftest.py (CSRF on, committed data deleted
afterwards). The volunteer is made active directly (journey 1 is their way there), as is a
second project elsewhere that the language filter must leave out. The words on the pages
are looked up in the shipped catalogs, never written out here.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from babel.lists import format_list
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.support import (
    BROWSER_LOCALE,
    COORDINATOR_NAME,
    TIMEZONE,
    Catalog,
    Visit,
    assert_all_translated,
    follow,
    isolated,
    language_name,
    latest_mail,
    log_in,
    mail_link,
    summary,
)
from tests.factories import PASSWORD, UserFactory
from tests.integration.project_support import project
from tests.integration.volunteer_support import complete_profile
from wirnet.extensions import db
from wirnet.projects.models import ProjectState
from wirnet.regions import Municipality
from wirnet.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.no_db_rollback]

TITLE = "Sprachcafé Baunatal"
OTHER_TITLE = "Deutschkurs-Begleitung Vellmar"

#: What the coordinator types, and the volunteer, one per language.
CONTENT = {
    "de": {
        "description": "<p>Jeden <strong>Donnerstag</strong> in der Stadtbibliothek.</p>",
        "role": "Arabisch- und Dari-Sprechende für das Sprachcafé",
        "role_when": "Donnerstags 16–18 Uhr",
        "volunteer": "Nour Al-Khatib",
        "email": "nour.al-khatib@example.org",
        "message": "Ich kann donnerstags ab 16 Uhr und spreche Arabisch.",
    },
    "ar": {
        "description": "<p>كل <strong>يوم خميس</strong> في مكتبة المدينة.</p>",
        "role": "متحدثون بالعربية والدارية للمقهى اللغوي",
        "role_when": "أيام الخميس من ١٦ إلى ١٨",
        "volunteer": "نور الخطيب",
        "email": "nour.alkhatib@example.org",
        "message": "أستطيع الحضور أيام الخميس بعد الساعة الرابعة.",
    },
}


@pytest.fixture
def active_volunteer(live_server):
    """``active_volunteer(locale)``: a volunteer the centre has set active (Arabic (Syria)
    natively, living in Baunatal), plus a running project in Vellmar that needs Ukrainian;
    returns the volunteer's e-mail address (password: PASSWORD)."""

    def make(locale: str) -> str:
        _base_url, app = live_server
        content = CONTENT[locale]
        with app.app_context():
            towns = {
                town.name: town
                for town in db.session.scalars(
                    select(Municipality).where(Municipality.name.in_(["Baunatal", "Vellmar"]))
                )
            }
            user = UserFactory(
                email=content["email"],
                display_name=content["volunteer"],
                role=Role.VOLUNTEER,
                locale=locale,
            )
            complete_profile(user, municipality=towns["Baunatal"])
            project(
                title=OTHER_TITLE,
                town=towns["Vellmar"],
                state=ProjectState.RUNNING,
                starts_on=datetime.now(TIMEZONE).date(),
                roles=[{"title": "Ukrainisch-Sprechende", "languages": ["uk"]}],
            )
            db.session.commit()
        return content["email"]

    return make


@pytest.mark.parametrize("locale", ["de", "ar"])
def test_journey_6_a_volunteer_joins_a_local_project(
    live_server, browser, coordinator, active_volunteer, locale
):
    base_url, app = live_server
    t = Catalog(locale)
    content = CONTENT[locale]
    today = datetime.now(TIMEZONE).date()
    arabic, dari = language_name("ar", locale), language_name("fa_AF", locale)
    data = [
        TITLE,
        OTHER_TITLE,
        COORDINATOR_NAME,
        *(content[key] for key in ("description", "role", "role_when", "volunteer", "message")),
        "Ukrainisch-Sprechende",
    ]
    volunteer_email = active_volunteer(locale)

    # --- 1. The coordinator creates the project and its role, at the desk ------------------
    office = browser.new_context(
        locale=BROWSER_LOCALE[locale],
        viewport={"width": 1280, "height": 900},
        java_script_enabled=False,
    )
    desk = office.new_page()
    at_desk = Visit(desk, t, data)
    log_in(desk, t, base_url, coordinator(locale), PASSWORD)
    expect(desk).to_have_url(re.compile(r"/home$"))
    follow(desk.locator("main").get_by_role("link", name=t("New project")))
    expect(desk).to_have_url(re.compile(r"/projects/new$"))
    expect(desk.locator("h1")).to_have_text(t("New project"))
    at_desk.check("new project")
    desk.get_by_label(t("Title")).fill(TITLE)
    desk.get_by_label(t("Town or municipality")).select_option(label="Baunatal")
    expect(desk.get_by_label(t("Partner organisation"))).to_have_value("")
    desk.get_by_label(t("Description (optional)")).fill(content["description"])
    desk.get_by_label(t("Start"), exact=True).fill(today.isoformat())
    follow(desk.get_by_role("button", name=t("Save")))
    expect(desk.locator(".flash-success")).to_have_text(
        t("The project is created. Now add the roles it needs.")
    )
    expect(desk.locator("h1")).to_have_text(t("Add a role"))
    at_desk.check("add a role")
    desk.get_by_label(t("What is needed")).fill(content["role"])
    desk.get_by_label(t("When and what (optional)")).fill(content["role_when"])
    desk.get_by_label(t("Number of places")).fill("2")
    desk.get_by_label(t("Languages (optional)")).select_option(["ar", "fa-AF"])
    desk.get_by_label(t("Leisure and sport"), exact=True).check()
    follow(desk.get_by_role("button", name=t("Save")))
    expect(desk.locator(".flash-success")).to_have_text(
        t("The role %(title)s is added.", title=content["role"])
    )
    expect(desk.locator("h1")).to_have_text(TITLE)
    role = desk.locator("article.project-role")
    expect(role.locator("h3")).to_have_text(content["role"])
    expect(role).to_contain_text(format_list([arabic, dari], locale=locale))
    expect(role).to_contain_text(
        t.plural("%(num)d of %(total)d place free", "%(num)d of %(total)d places free", 2, total=2)
    )
    expect(desk.locator(".prose strong")).to_have_count(1)  # the description, sanitized
    project_url = desk.url
    at_desk.check("project with its role")

    # --- 2. The volunteer finds it on the phone, by language, and applies ------------------
    context = browser.new_context(
        locale=BROWSER_LOCALE[locale],
        viewport={"width": 360, "height": 800},
        java_script_enabled=False,
    )
    page = context.new_page()
    visit = Visit(page, t, data)
    log_in(page, t, base_url, volunteer_email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/home$"))
    expect(page.locator(".status")).to_contain_text(t("Active: the centre can ask you to help."))
    follow(page.locator("main").get_by_role("link", name=t("Find a project")))
    expect(page).to_have_url(re.compile(r"/projects$"))
    expect(page.locator("h1")).to_have_text(t("Projects"))
    expect(page.locator("#results-heading")).to_have_text(
        t.plural("%(num)d project found", "%(num)d projects found", 2)
    )
    visit.check("projects")
    page.locator("main").get_by_label(t("Language"), exact=True).select_option("ar")
    follow(page.locator("main").get_by_role("button", name=t("Search")))
    expect(page).to_have_url(re.compile(r"[?&]language=ar\b"))
    expect(page.locator("#results-heading")).to_have_text(
        t.plural("%(num)d project found", "%(num)d projects found", 1)
    )
    card = page.locator("li.card")
    expect(card.get_by_role("heading")).to_have_text(TITLE)
    expect(card).to_contain_text("Baunatal")
    expect(card).not_to_contain_text(OTHER_TITLE)
    visit.check("projects, Arabic")
    follow(card.get_by_role("link", name=TITLE))
    expect(page.locator("h1")).to_have_text(TITLE)
    visit.check("project")
    summary(page.locator("article.project-role"), t("Apply for this role")).click()
    page.get_by_label(t("A short message (optional)")).fill(content["message"])
    visit.check("project, apply form open")
    follow(page.get_by_role("button", name=t("Apply"), exact=True))
    expect(page.locator(".flash-success")).to_have_text(
        t("You have applied for %(title)s. You will hear from us by e-mail.", title=content["role"])
    )
    expect(page.locator("article.project-role .status")).to_have_text(t("Waiting for an answer"))
    visit.check("project, applied")

    # --- 3. The coordinator accepts ---------------------------------------------------------
    desk.goto(project_url)
    application = desk.locator("ul.applications > li", has_text=content["volunteer"])
    expect(application.locator(".status")).to_have_text(t("Waiting for an answer"))
    expect(application.locator(".note")).to_have_text(content["message"])
    at_desk.check("project, one application")
    follow(application.get_by_role("button", name=t("Accept")))
    expect(desk.locator(".flash-success")).to_have_text(
        t("%(name)s is accepted and will be told by e-mail.", name=content["volunteer"])
    )
    expect(application.locator(".status")).to_have_text(t("Accepted"))
    expect(desk.locator("ul.participants")).to_have_text(content["volunteer"])
    at_desk.check("project, accepted")
    office.close()

    # --- 4. The volunteer's e-mail, in their language; the project page and their list -----
    mail = latest_mail(app, volunteer_email, "project_application_accepted")
    assert mail.locale == locale
    title = isolated(TITLE) if locale == "ar" else TITLE
    assert mail.subject == t("You are taking part: %(project)s", project=title)
    page.goto(mail_link(mail, base_url))
    expect(page).to_have_url(project_url)
    expect(page.locator("article.project-role .status")).to_have_text(t("Accepted"))
    people = page.locator("section[aria-labelledby=people-heading]")
    expect(people.locator("ul.participants")).to_have_text(content["volunteer"])
    visit.check("project, taking part")
    follow(page.get_by_role("link", name=t("All projects")))
    follow(page.locator("main").get_by_role("link", name=t("My applications")))
    expect(page).to_have_url(re.compile(r"/projects/mine$"))
    expect(page.locator("h1")).to_have_text(t("My applications"))
    row = page.locator("table.applications tbody tr")
    expect(row).to_have_count(1)
    expect(row.get_by_role("rowheader")).to_have_text(TITLE)
    expect(row).to_contain_text(content["role"])
    expect(row.locator(".status")).to_have_text(t("Accepted"))
    visit.check("my applications")
    context.close()

    assert_all_translated(volunteer=visit, coordinator=at_desk)
