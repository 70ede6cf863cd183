"""What the browser tests share: the live server, the shipped catalogs, and the checks made
on every page a person sees (language, direction, nothing scrolling sideways, no English
left on a German or Arabic page). The fixtures built on it are in conftest.py.

Debian's chromium, driven by Playwright; the app is served by a real WSGI server on
loopback, with CSRF on, against the test database (committed data, deleted afterwards).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from functools import cache, cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from babel import Locale
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.support import Translations
from playwright.sync_api import Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from wirnet.config import PROJECT_ROOT, SHIPPED_LOCALES, Config
from wirnet.extensions import db
from wirnet.mail.models import OutboxMessage
from wirnet.regions import read_region_file
from wirnet.volunteers.catalogue import read_catalogue

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
CENTRE_NAME = Config.CENTRE_NAME
#: The coordinator the ``coordinator`` fixture makes (one per language: "de.leyla…").
COORDINATOR_EMAIL = "leyla.coordinator@example.org"
COORDINATOR_NAME = "Leyla Demir"


@contextmanager
def serving(app) -> Iterator[str]:
    """Serve ``app`` on a free loopback port and yield its address; the links in its
    e-mails point there, as WIRNET_BASE_URL would. Afterwards the server stops and every
    row the test left in the database is deleted."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with app.app_context():
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            db.session.commit()
            db.engine.dispose()


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


def assert_fits(page: Page, where: str) -> None:
    """Nothing on the page scrolls sideways, on either side."""
    scroll_width, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    outside = page.evaluate(OUTSIDE)
    assert scroll_width <= width and not outside, (where, scroll_width, width, outside)


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


@cache
def qualification_names(locale: str) -> tuple[str, ...]:
    """The names of the qualification catalogue (a data file, not a gettext catalog)."""
    return tuple(kind["names"].get(locale, kind["names"]["en"]) for kind in read_catalogue())


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

    def plural(self, singular: str, plural: str, number: int, **values) -> str:
        assert (singular, 0) in self.translations._catalog, f"{self.locale}: {singular!r}"
        return self.translations.ngettext(singular, plural, number) % {"num": number, **values}

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


def latest_mail(app, email: str, template: str) -> OutboxMessage:
    """The newest e-mail of ``template`` waiting in the outbox for ``email``."""
    with app.app_context():
        message = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == email, OutboxMessage.template == template)
            .order_by(OutboxMessage.id.desc())
        ).first()
        assert message is not None, f"no {template} e-mail to {email} in the outbox"
        db.session.expunge(message)
        return message


def mail_link(message: OutboxMessage, base_url: str) -> str:
    """The one link in an e-mail, which must point at the live server."""
    [link] = re.findall(r"https?://\S+", message.body_text)
    assert link.startswith(base_url + "/"), link
    return link


def isolated(value: str) -> str:
    """A value as plain-text e-mails in a right-to-left language quote it (FSI … PDI)."""
    return f"\u2068{value}\u2069"


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
        # The language pickers name each language in itself ("Deutsch", "Kurdî (kurmancî)"),
        # capitalised as a list shows it.
        endonyms = [Locale.parse(code).get_display_name(code) for code in SHIPPED_LOCALES]
        endonyms += [name[:1].upper() + name[1:] for name in endonyms]
        names = [*municipality_names(), *qualification_names(t.locale), *endonyms]
        for text in [*data, *names, CENTRE_NAME, "WIRnet"]:
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
        expect(html).to_have_attribute("dir", "rtl" if locale in ("ar", "fa", "ps") else "ltr")
        assert_fits(page, where)
        text = page.evaluate(ALL_TEXT)
        english = [f for f in self.t.english_fragments if f in text]
        if locale == "ar":  # words not from a message id: a string outside gettext?
            found = " ".join(english)
            english += sorted(
                word for word in set(LATIN_WORD.findall(text)) - self.allowed if word not in found
            )
        if english:
            self.untranslated[where] = english


def assert_all_translated(**visits: Visit) -> None:
    """Every text on the way was in the person's language (collected page by page)."""
    untranslated = {
        f"{who}: {where}": words
        for who, visit in visits.items()
        for where, words in visit.untranslated.items()
    }
    assert not untranslated, "English left on the pages (make babel, then translate):\n" + (
        "\n".join(f"  {where}: {' | '.join(words)}" for where, words in untranslated.items())
    )


def follow(locator) -> None:
    """Click a link or a button and wait for the page it leads to, however slow the server
    (without script, each such click loads a new page)."""
    with locator.page.expect_navigation():
        locator.click()


def summary(scope, text: str):
    """The <summary> that opens a <details>, by its whole text (no script needed)."""
    return scope.locator("summary").filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))


def log_in(page: Page, t: Catalog, base_url: str, email: str, password: str) -> None:
    """Log in on the log-in page, in the language it is shown in; lands where it leads."""
    if "/auth/login" not in page.url:
        page.goto(base_url + "/auth/login")
    page.get_by_label(t("E-mail address")).fill(email)
    page.get_by_label(t("Password"), exact=True).fill(password)
    follow(page.locator("main").get_by_role("button", name=t("Log in")))


# --- what the journeys share: the centre's clock, the devices, dates and language names ---

TIMEZONE = ZoneInfo("Europe/Berlin")  # the app's BABEL_DEFAULT_TIMEZONE
#: What the browser asks for (Accept-Language): the person's own language.
BROWSER_LOCALE = {"de": "de-DE", "ar": "ar"}
PHONE = {"width": 360, "height": 800}
DESK = {"width": 1280, "height": 900}
TUESDAY = 1


@cache
def _holidays(year: int):
    return holidays.country_holidays("DE", subdiv="HE", years=year)


def working_day(day: date) -> bool:
    """Monday to Friday, and not a public holiday in Hessen."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def appointment_day(today: date, lead: int = 5) -> date:
    """A Tuesday that is a working day in Hessen and at least ``lead`` working days after
    ``today``: well beyond the lead time, so that the request is not short notice."""
    day, counted = today, 0
    while counted < lead:
        day += timedelta(days=1)
        counted += working_day(day)
    while not (day.weekday() == TUESDAY and working_day(day)):
        day += timedelta(days=1)
    return day


def language_name(code: str, locale: str) -> str:
    """The CLDR name of a language or variety, as the pages show it (first letter upper
    case)."""
    name = Locale.parse(locale).languages[code]
    return name[:1].upper() + name[1:]
