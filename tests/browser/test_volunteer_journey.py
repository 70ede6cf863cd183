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
import shutil
import threading
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from functools import cache, cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.dates import format_date, get_day_names
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.support import Translations
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.conftest import make_app
from tests.factories import PASSWORD, password_hash
from wirnet.auth import services as auth_services
from wirnet.config import PROJECT_ROOT, SHIPPED_LOCALES, Config
from wirnet.extensions import db
from wirnet.mail.models import OutboxMessage
from wirnet.regions import load_municipalities, read_region_file
from wirnet.roles import Role
from wirnet.volunteers.catalogue import load_catalogue, read_catalogue
from wirnet.volunteers.qualifications import compute_expiry
from wirnet.volunteers.views import time_range

pytestmark = [pytest.mark.browser, pytest.mark.no_db_rollback]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TRANSLATIONS = PROJECT_ROOT / "translations"
COORDINATOR_EMAIL = "leyla.coordinator@example.org"
COORDINATOR_NAME = "Leyla Demir"
CENTRE_NAME = Config.CENTRE_NAME
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

#: Elements that stick out of the viewport on either side (an RTL page overflows to the
#: left, which scrollWidth alone may not show). Only what is shown counts: the inside of
#: a closed <details> is not laid out, and its boxes can be anywhere.
OUTSIDE = """() => {
  const width = window.innerWidth;
  return Array.from(document.querySelectorAll("body *"))
    .filter((el) => { const r = el.getBoundingClientRect();
                      return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5)
                             && el.checkVisibility(); })
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + "." + el.className + ": "
                 + (el.textContent || "").trim().slice(0, 40));
}"""

#: All the text of the page, hidden parts too (closed <details>, every <option>, text for
#: screen readers), each piece apart: what a translation must cover.
ALL_TEXT = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const pieces = [];
  while (walker.nextNode()) pieces.push(walker.currentNode.nodeValue);
  return pieces.join(" ").replace(/\\s+/g, " ");
}"""

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
#: A word in Latin script (on an Arabic page: a name, a place, or English left over).
LATIN_WORD = re.compile(r"[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß.@-]*[A-Za-zÄÖÜäöüß]")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
}


@cache
def source_messages() -> tuple[str, ...]:
    """Every message id in the code and templates as they are now (the .pot may lag)."""
    with open(PROJECT_ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)

    def ours(path: str) -> bool:
        return Path(path).relative_to(PROJECT_ROOT).parts[0] in ("wirnet", "templates")

    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), method_map, options_map, KEYWORDS, directory_filter=ours
    ):
        found.update(message if isinstance(message, tuple) else (message,))
    return tuple(sorted(m for m in found if m))


@cache
def municipality_names() -> tuple[str, ...]:
    return tuple(row.name for row in read_region_file(Config.REGION_FILE))


class Catalog:
    """The shipped catalog of one language, as the app reads it (the compiled .mo)."""

    def __init__(self, locale: str):
        self.locale = locale
        self.translations = Translations.load(str(TRANSLATIONS), [locale], domain="messages")

    def __call__(self, msgid: str, **values) -> str:
        """The translation of ``msgid``; fails if the catalog has none."""
        assert msgid in self.translations._catalog, f"not translated into {self.locale}: {msgid!r}"
        text = self.translations.gettext(msgid)
        return text % values if values else text

    def plural(self, singular: str, plural: str, number: int) -> str:
        assert (singular, 0) in self.translations._catalog, f"{self.locale}: {singular!r}"
        return self.translations.ngettext(singular, plural, number) % {"num": number}

    @cached_property
    def english_fragments(self) -> list[str]:
        """Pieces of English message ids that must not show on a page in this language:
        the text between the placeholders of every message id, where long enough not to
        occur by chance, unless the catalog translates the message with the same words."""
        catalog = self.translations._catalog
        fragments = set()
        for msgid in source_messages():
            if catalog.get(msgid) == msgid:
                continue
            for piece in PLACEHOLDER.split(msgid):
                piece = piece.strip(" .,:;()")
                if len(piece) >= 14 and " " in piece:
                    fragments.add(piece)
        return sorted(fragments)

    @cached_property
    def latin_words(self) -> set[str]:
        """Words in Latin script that the translations themselves use (WIRnet, Spam…)."""
        words = set()
        for msgid, text in self.translations._catalog.items():
            if msgid:  # not the catalog's header
                words.update(LATIN_WORD.findall(PLACEHOLDER.sub(" ", text)))
        return words


@pytest.fixture  # one per language: each journey starts with an empty centre
def live_server(database_url) -> Iterator[tuple[str, object]]:
    if shutil.which("chromium") is None:
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    app = make_app(database_url, WTF_CSRF_ENABLED=True, SERVER_NAME=None)
    with app.app_context():
        db.create_all()
        # What `make run` loads before anyone signs up: the region and the catalogue.
        load_municipalities(app.config["REGION_FILE"])
        load_catalogue()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # The links in the e-mails point at the live server, as WIRNET_BASE_URL would.
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with app.app_context():
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            db.session.commit()
            db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def coordinator(live_server):
    """A coordinator of the centre, made by the admin (as `flask users create` would)."""

    def make(locale: str) -> str:
        _base_url, app = live_server
        email = f"{locale}.{COORDINATOR_EMAIL}"
        with app.app_context():
            auth_services.create_user(
                email=email,
                password_hash=password_hash(),
                display_name=COORDINATOR_NAME,
                role=Role.COORDINATOR,
                locale=locale,
            )
            db.session.commit()
        return email

    return make


def latest_mail(app, email: str, template: str) -> OutboxMessage:
    with app.app_context():
        message = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == email, OutboxMessage.template == template)
            .order_by(OutboxMessage.id.desc())
        ).first()
        assert message is not None, f"no {template} e-mail to {email} in the outbox"
        db.session.expunge(message)
        return message


class Visit:
    """Checks every page a person sees: no server error, the language and direction,
    nothing that scrolls sideways; and notes any text left in English (asserted at the end,
    so that one missing translation does not hide the rest of the journey)."""

    def __init__(self, page: Page, t: Catalog, data: list[str]):
        self.page, self.t = page, t
        self.errors: list[str] = []
        self.untranslated: dict[str, list[str]] = {}
        #: Latin words that may show on an Arabic page: names, places, addresses, what
        #: people typed, and words the Arabic catalog itself uses.
        self.allowed = set(t.latin_words)
        # The language pickers name each language in itself ("Deutsch", "English").
        endonyms = [Locale.parse(code).get_display_name(code) for code in SHIPPED_LOCALES]
        for text in [*data, *municipality_names(), *endonyms, CENTRE_NAME, "WIRnet"]:
            self.allowed.update(LATIN_WORD.findall(text))
        page.on(
            "response",
            lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 500 else None,
        )

    def check(self, where: str) -> None:
        page, locale = self.page, self.t.locale
        assert not self.errors, self.errors
        html = page.locator("html")
        expect(html).to_have_attribute("lang", locale)
        expect(html).to_have_attribute("dir", "rtl" if locale == "ar" else "ltr")
        scroll_width, width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        outside = page.evaluate(OUTSIDE)
        assert scroll_width <= width and not outside, (where, scroll_width, width, outside)
        text = page.evaluate(ALL_TEXT)
        english = [f for f in self.t.english_fragments if f in text]
        if locale == "ar":  # words not from a message id: a string outside gettext?
            found = " ".join(english)
            english += sorted(
                word for word in set(LATIN_WORD.findall(text)) - self.allowed if word not in found
            )
        if english:
            self.untranslated[where] = english


def follow(locator) -> None:
    """Click a link or a button and wait for the page it leads to, however slow the server
    (without script, each such click loads a new page)."""
    with locator.page.expect_navigation():
        locator.click()


def summary(scope, text: str):
    """The <summary> that opens a <details>, by its whole text (no script needed)."""
    return scope.locator("summary").filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))


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
    untranslated = {
        **{f"volunteer: {where}": words for where, words in visit.untranslated.items()},
        **{f"coordinator: {where}": words for where, words in at_desk.untranslated.items()},
    }
    assert not untranslated, "English left on the pages (make babel, then translate):\n" + (
        "\n".join(f"  {where}: {' | '.join(words)}" for where, words in untranslated.items())
    )
