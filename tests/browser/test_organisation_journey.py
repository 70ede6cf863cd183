"""Journey 2 of the mission in a real browser, in German and in Arabic: a person registers
their migrant organisation together with their account, confirms the address from the
outbox, logs in and sees that the centre is checking it; a coordinator approves it; the
person gets the e-mail in their language, logs in from its link and posts a request (a
doctor's appointment in Hofgeismar, Tigrinya–German, on a Tuesday well ahead), saves it as
a draft and publishes it; it is in the organisation's list and on the coordinator's board.
A second, shorter test: an org admin invites a colleague, who joins through the link.

Debian's chromium, driven by Playwright, with JavaScript switched off (every page must work
without it), against the live server of conftest.py (CSRF on, committed data deleted
afterwards). The person is on a phone (360 px); the coordinator at a desk. The words on
the pages are looked up in the shipped catalogs, never written out here.
"""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest
from babel.dates import format_date, format_time
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.support import (
    BROWSER_LOCALE,
    COORDINATOR_NAME,
    DESK,
    PHONE,
    TIMEZONE,
    Catalog,
    Visit,
    appointment_day,
    assert_all_translated,
    follow,
    isolated,
    language_name,
    latest_mail,
    log_in,
    mail_link,
)
from tests.factories import PASSWORD, UserFactory
from tests.integration.organisation_support import organisation
from wirnet.extensions import db
from wirnet.regions import Municipality
from wirnet.roles import Role
from wirnet.volunteers.catalogue import read_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.no_db_rollback]


#: The person who registers their organisation, one per language.
PEOPLE = {
    "de": {
        "name": "Semhar Tesfay",
        "email": "semhar.tesfay@example.org",
        "password": "Injera mit Linsen am Freitag",
        "organisation": "Eritreische Gemeinde Hofgeismar e. V.",
        "about": "Wir begleiten <strong>eritreische Familien</strong> im Landkreis.",
        "note": "Willkommen im Netzwerk!",
        "client_ref": "T. G.",
        "address": "Kreiskrankenhaus Hofgeismar, Liebenauer Straße 1, 34369 Hofgeismar",
    },
    "ar": {
        "name": "مريم حداد",
        "email": "mariam.haddad@example.org",
        "password": "Zaatar und Oliven am Morgen",
        "organisation": "Arabischer Elternverein Hofgeismar e. V.",
        "about": "نساعد <strong>العائلات القادمة حديثاً</strong> في المدينة.",
        "note": "أهلاً وسهلاً بكم في الشبكة!",
        "client_ref": "2025-17",
        "address": "Kreiskrankenhaus Hofgeismar, Liebenauer Straße 1, 34369 Hofgeismar",
    },
}
#: The colleague the org admin invites (second test).
COLLEAGUES = {
    "de": {"name": "Dawit Kidane", "email": "dawit.kidane@example.org"},
    "ar": {"name": "سلمى يوسف", "email": "salma.yousef@example.org"},
}


def mail_value(value: str, locale: str) -> str:
    """A name as a plain-text e-mail in ``locale`` quotes it (isolated in Arabic)."""
    return isolated(value) if locale == "ar" else value


@pytest.mark.parametrize("locale", ["de", "ar"])
def test_journey_2_an_organisation_registers_is_approved_and_posts_a_request(
    live_server, browser, coordinator, locale
):
    base_url, app = live_server
    t = Catalog(locale)
    person = PEOPLE[locale]
    org_name = person["organisation"]
    day = appointment_day(datetime.now(TIMEZONE).date())
    tigrinya, german = language_name("ti", locale), language_name("de", locale)
    [course] = [q for q in read_catalogue() if q["key"] == "language_mediation_health"]
    when = t(
        "%(date)s, %(start)s–%(end)s",
        date=format_date(day, "medium", locale=locale),
        start=format_time(time(10), "short", locale=locale),
        end=format_time(time(11), "short", locale=locale),
    )
    data = [
        person["name"],
        person["email"],
        org_name,
        person["about"],
        person["note"],
        person["address"],
        person["client_ref"],
        course["names"][locale],
        COORDINATOR_NAME,
        "+49 5671 123456",
    ]
    visits = {}

    def phone():
        context = browser.new_context(
            locale=BROWSER_LOCALE[locale], viewport=PHONE, java_script_enabled=False
        )
        return context, context.new_page()

    # --- 1. Register the organisation, with an account, on the phone -----------------------
    context, page = phone()
    visit = visits["registration"] = Visit(page, t, data)
    page.goto(base_url + "/")
    visit.check("home page")
    follow(page.get_by_role("link", name=t("Register your organisation")))
    expect(page).to_have_url(re.compile(r"/organisations/register$"))
    expect(page.locator("h1")).to_have_text(t("Register an organisation"))
    visit.check("registration form")

    page.get_by_label(t("Name of the organisation")).fill(org_name)
    page.get_by_label(t("Kind of organisation")).select_option(label=t("Migrant organisation"))
    page.get_by_label(t("Town or municipality")).select_option(label="Hofgeismar")
    page.get_by_label(t("About the organisation (optional)")).fill(person["about"])
    page.get_by_label(t("Name"), exact=True).fill(person["name"])  # the contact person
    page.get_by_label(t("Phone (optional)")).fill("+49 5671 123456")
    page.get_by_label(t("Your name")).fill(person["name"])
    page.get_by_label(t("E-mail address"), exact=True).fill(person["email"])
    page.locator("#password").fill(person["password"])
    page.locator("#password_confirm").fill(person["password"])
    # The browser's language is offered as the account's.
    expect(page.get_by_label(t("Preferred language"))).to_have_value(locale)
    page.locator("#privacy_consent").check()
    follow(page.get_by_role("button", name=t("Register the organisation")))
    expect(page).to_have_url(re.compile(r"/organisations/registered$"))
    expect(page.locator("h1")).to_have_text(t("Please check your inbox"))
    expect(page.locator("ol.steps li")).to_have_count(3)
    visit.check("registered")

    # The confirmation, in their language, with a link to this server.
    mail = latest_mail(app, person["email"], "confirm_email")
    assert mail.locale == locale
    assert mail.subject == t("Please confirm your e-mail address for WIRnet")
    page.goto(mail_link(mail, base_url))
    visit.check("confirm")
    follow(page.get_by_role("button", name=t("Confirm my e-mail address")))
    expect(page).to_have_url(re.compile(r"/auth/login"))
    visit.check("log-in")
    log_in(page, t, base_url, person["email"], person["password"])
    expect(page).to_have_url(re.compile(r"/home$"))
    expect(page.locator("h1")).to_have_text(t("My overview"))
    mine = page.locator(".my-organisation")
    expect(mine.get_by_role("heading")).to_have_text(org_name)
    expect(mine.locator(".status")).to_have_text(t("Waiting for approval"))
    expect(mine).to_contain_text(
        t(
            "The centre is checking the registration, usually within a few working days. "
            "You will get an e-mail as soon as it has decided; then you can post requests here."
        )
    )
    visit.check("overview, waiting for approval")
    # No requests before the centre has approved the organisation.
    follow(page.locator("main").get_by_role("link", name=t("New request")))
    expect(page.locator("main")).to_contain_text(
        t("You can post requests once your organisation is approved by the centre.")
    )
    expect(page.locator("main form")).to_have_count(0)
    visit.check("new request, not yet approved")
    context.close()

    # --- 2. A coordinator approves it, at the desk -----------------------------------------
    office = browser.new_context(
        locale=BROWSER_LOCALE[locale], viewport=DESK, java_script_enabled=False
    )
    desk = office.new_page()
    at_desk = visits["coordinator"] = Visit(desk, t, data)
    log_in(desk, t, base_url, coordinator(locale), PASSWORD)
    expect(desk).to_have_url(re.compile(r"/home$"))
    at_desk.check("coordinator's overview")
    follow(desk.locator("nav.main-nav").get_by_role("link", name=t("Organisations")))
    expect(desk).to_have_url(re.compile(r"/coordinator/organisations$"))
    expect(desk.locator("h1")).to_have_text(t("Organisations"))
    row = desk.locator("table.organisation-list tbody tr", has_text=org_name)
    expect(row.locator(".status")).to_have_text(t("Waiting for approval"))
    expect(row).to_contain_text(t("Migrant organisation"))
    expect(row).to_contain_text("Hofgeismar")
    at_desk.check("organisation list")
    follow(row.get_by_role("link", name=org_name))
    expect(desk.locator("h1")).to_have_text(org_name)
    expect(desk.locator(".about strong")).to_have_count(1)  # the description, sanitized
    at_desk.check("organisation, pending")
    approve = desk.locator("form[action$='/approve']")
    approve.get_by_label(t("Message to the organisation (optional)")).fill(person["note"])
    follow(approve.get_by_role("button", name=t("Approve")))
    expect(desk.locator(".flash-success")).to_have_text(
        t("%(name)s is approved. Its admins have been told by e-mail.", name=org_name)
    )
    expect(desk.locator("main > p .status")).to_have_text(t("Approved"))
    at_desk.check("organisation, approved")

    # --- 3. The approval, in the org admin's language --------------------------------------
    mail = latest_mail(app, person["email"], "organisation_approved")
    assert mail.locale == locale
    assert mail.subject == t("%(name)s is approved", name=mail_value(org_name, locale))
    assert t("Hello %(name)s,", name=mail_value(person["name"], locale)) in mail.body_text
    assert person["note"] in mail.body_text
    link = mail_link(mail, base_url)

    # --- 4. They open the link (a new day, a new browser), log in, post a request ----------
    context, page = phone()
    visit = visits["org admin"] = Visit(page, t, data)
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/auth/login\?"))
    log_in(page, t, base_url, person["email"], person["password"])
    expect(page).to_have_url(re.compile(r"/organisations/\d+$"))
    expect(page.locator("h1")).to_have_text(org_name)
    expect(page.locator("main > p .status")).to_have_text(t("Approved"))
    visit.check("organisation, approved")

    follow(page.locator("nav.main-nav").get_by_role("link", name=t("Requests")))
    expect(page).to_have_url(re.compile(r"/requests$"))
    expect(page.locator("h1")).to_have_text(t("Our requests"))
    expect(page.locator("main")).to_contain_text(t("No requests yet."))
    visit.check("requests, none yet")
    follow(page.locator("main").get_by_role("link", name=t("New request")))
    expect(page).to_have_url(re.compile(r"/requests/new$"))
    expect(page.locator("h1")).to_have_text(t("New request"))
    visit.check("request form")

    form = page.locator("form.request-form")
    form.get_by_label(t("Language mediation"), exact=True).check()
    form.get_by_label(t("Language needed")).select_option("ti")
    expect(form.get_by_label(t("Other language of the conversation"))).to_have_value("de")
    form.get_by_label(t("On site"), exact=True).check()
    form.get_by_label(t("Where"), exact=True).select_option(label=t("Doctor or hospital"))
    expect(form.get_by_label(t("On a fixed date"))).to_be_checked()
    form.get_by_label(t("Date"), exact=True).fill(day.isoformat())
    form.get_by_label(t("From"), exact=True).fill("10:00")
    form.get_by_label(t("Until"), exact=True).fill("11:00")
    form.get_by_label(t("Town or municipality")).select_option(label="Hofgeismar")
    form.get_by_label(t("Address"), exact=True).fill(person["address"])
    form.get_by_label(t("Client reference")).fill(person["client_ref"])
    form.get_by_label(
        t("The client agreed that their details are passed on to the centre and a volunteer.")
    ).check()
    follow(form.get_by_role("button", name=t("Save as draft")))
    expect(page).to_have_url(re.compile(r"/requests/\d+$"))
    request_url = page.url
    expect(page.locator(".flash-success")).to_have_text(t("The request is saved as a draft."))
    expect(page.locator("h1")).to_have_text(f"{t('Language mediation')}: {tigrinya}")
    expect(page.locator(".request-state .status").first).to_have_text(t("Draft"))
    details = page.locator("section[aria-labelledby=details-heading]")
    expect(details).to_contain_text(when)
    expect(details).to_contain_text(f"{tigrinya} – {german}")
    expect(details).to_contain_text(t("Doctor or hospital"))
    expect(details).to_contain_text(person["address"])  # the poster sees it
    # Mediation at a doctor's always asks for the health mediation course.
    expect(details).to_contain_text(course["names"][locale])
    expect(page.locator(".status-urgent")).to_have_count(0)  # not short notice
    visit.check("request, draft")

    follow(page.get_by_role("button", name=t("Publish")))
    expect(page).to_have_url(request_url)
    expect(page.locator(".flash-success")).to_have_text(
        t("The request is published. The centre looks for a volunteer.")
    )
    expect(page.locator(".request-state .status").first).to_have_text(t("Open"))
    expect(page.locator("ol.history li")).to_have_count(2)
    expect(page.locator("ol.history li").last).to_contain_text(
        t("%(old)s → %(new)s", old=t("Draft"), new=t("Open"))
    )
    visit.check("request, published")

    # In the organisation's own list.
    follow(page.locator("nav.main-nav").get_by_role("link", name=t("Requests")))
    rows = page.locator("table.request-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link")).to_have_text(when)
    expect(rows.first.locator(".status")).to_have_text(t("Open"))
    expect(rows.first).to_contain_text("Hofgeismar")
    visit.check("requests, one open")
    context.close()

    # --- 5. And on the coordinator's board -------------------------------------------------
    follow(desk.locator("nav.main-nav").get_by_role("link", name=t("Requests")))
    expect(desk).to_have_url(re.compile(r"/coordinator/requests$"))
    expect(desk.locator("h1")).to_have_text(t("Requests"))
    desk.locator("main").get_by_label(t("Language"), exact=True).select_option("ti")
    follow(desk.get_by_role("button", name=t("Filter")))
    expect(desk).to_have_url(re.compile(r"[?&]language=ti\b"))
    expect(desk.locator("#results-heading")).to_have_text(
        t.plural("%(num)d request found", "%(num)d requests found", 1)
    )
    row = desk.locator("table.request-list tbody tr")
    expect(row.get_by_role("link")).to_have_text(when)
    expect(row).to_contain_text(f"{t('Language mediation')}: {tigrinya}")
    expect(row.locator(".status")).to_have_text(t("Open"))
    expect(row).to_contain_text(org_name)
    expect(row).to_contain_text("Hofgeismar")
    at_desk.check("request board")
    office.close()

    assert_all_translated(**visits)


@pytest.fixture
def approved_organisation(live_server):
    """``approved_organisation(locale)``: an approved organisation whose only member is its
    org admin, reading ``locale``; returns the admin's e-mail address and the name."""

    def make(locale: str) -> tuple[str, str]:
        _base_url, app = live_server
        person = PEOPLE[locale]
        with app.app_context():
            place = db.session.scalar(select(Municipality).where(Municipality.name == "Hofgeismar"))
            admin = UserFactory(
                email=person["email"],
                display_name=person["name"],
                role=Role.ORG_MEMBER,
                locale=locale,
            )
            found = organisation(admin, name=person["organisation"], place=place)
            found.contact_name = person["name"]
            db.session.commit()
        return person["email"], person["organisation"]

    return make


@pytest.mark.parametrize("locale", ["de", "ar"])
def test_an_org_admin_invites_a_colleague_who_joins_through_the_link(
    live_server, browser, approved_organisation, locale
):
    base_url, app = live_server
    t = Catalog(locale)
    admin_email, org_name = approved_organisation(locale)
    colleague = COLLEAGUES[locale]
    data = [PEOPLE[locale]["name"], admin_email, org_name, colleague["name"], colleague["email"]]

    context = browser.new_context(
        locale=BROWSER_LOCALE[locale], viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    visit = Visit(page, t, data)
    log_in(page, t, base_url, admin_email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/home$"))
    follow(
        page.get_by_role(
            "link", name=t("Invite colleagues, so that they can post and follow requests too.")
        )
    )
    expect(page.locator("h1")).to_have_text(org_name)
    visit.check("organisation, alone")
    page.get_by_label(t("E-mail address of the new member")).fill(colleague["email"])
    # The invitation's language: the admin's own is offered first.
    expect(page.get_by_label(t("Language of the invitation e-mail"))).to_have_value(locale)
    follow(page.get_by_role("button", name=t("Send the invitation")))
    expect(page.locator(".flash-success")).to_have_text(
        t("We have sent an invitation to %(email)s.", email=colleague["email"])
    )
    expect(page.locator("#members")).to_contain_text(colleague["email"])
    visit.check("organisation, invitation sent")

    # The colleague has no account yet: the mail is in the language the admin chose, and
    # the page behind its link in the language their browser asks for.
    mail = latest_mail(app, colleague["email"], "organisation_invitation")
    assert mail.locale == locale
    assert mail.subject == t(
        "Invitation to join %(name)s on WIRnet", name=mail_value(org_name, locale)
    )
    other = browser.new_context(
        locale=BROWSER_LOCALE[locale], viewport=PHONE, java_script_enabled=False
    )
    phone = other.new_page()
    joining = Visit(phone, t, data)
    phone.goto(mail_link(mail, base_url))
    expect(phone.locator("h1")).to_have_text(t("Join %(name)s", name=org_name))
    joining.check("invitation")
    phone.get_by_label(t("Your name")).fill(colleague["name"])
    expect(phone.get_by_label(t("Preferred language"))).to_have_value(locale)
    phone.locator("#password").fill("Berge und Kaffee in Asmara")
    phone.locator("#password_confirm").fill("Berge und Kaffee in Asmara")
    phone.locator("#privacy_consent").check()
    follow(phone.get_by_role("button", name=t("Create the account and join")))
    expect(phone).to_have_url(re.compile(r"/organisations/\d+$"))
    expect(phone.locator(".flash-success")).to_have_text(
        t(
            "Welcome, %(name)s. You are now a member of %(organisation)s.",
            name=colleague["name"],
            organisation=org_name,
        )
    )
    expect(phone.locator("ul.members > li")).to_have_count(2)
    joined = phone.locator("ul.members > li", has_text=colleague["name"])
    expect(joined).to_contain_text(f"({t('you')})")
    joining.check("organisation, joined")
    other.close()

    # The org admin sees their new colleague; the invitation is used up.
    page.reload()
    expect(page.locator("ul.members > li", has_text=colleague["name"])).to_have_count(1)
    expect(page.locator("#members")).not_to_contain_text(t("Invitations not yet accepted"))
    visit.check("organisation, two members")
    context.close()

    assert_all_translated(org_admin=visit, colleague=joining)
