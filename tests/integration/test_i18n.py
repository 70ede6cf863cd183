"""Languages: choosing one, right-to-left layout, CLDR names and locale formats."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import render_template_string
from flask_babel import force_locale, format_datetime

from tests.conftest import log_in
from tests.helpers import page
from wirnet.auth.models import User
from wirnet.config import PROJECT_ROOT
from wirnet.extensions import db
from wirnet.i18n import language_name, native_name, text_direction
from wirnet.i18n_check import check_catalogs

COMPILED = all(
    (PROJECT_ROOT / "translations" / lang / "LC_MESSAGES" / "messages.mo").exists()
    for lang in ("de", "ar")
)
needs_catalogs = pytest.mark.skipif(not COMPILED, reason="catalogs not compiled: run make babel")


def test_german_is_the_default(client):
    html = page(client.get("/"))
    assert '<html lang="de" dir="ltr">' in html


@needs_catalogs
def test_german_pages_read_german(client):
    html = page(client.get("/auth/login"))
    assert "Passwort" in html
    assert "Password" not in html


def test_accept_language_is_followed(client):
    assert '<html lang="en" dir="ltr">' in page(client.get("/", headers={"Accept-Language": "en"}))
    html = page(client.get("/", headers={"Accept-Language": "ar-SY,ar;q=0.9"}))
    assert '<html lang="ar" dir="rtl">' in html
    # A language without a catalog falls back to German.
    assert 'lang="de"' in page(client.get("/", headers={"Accept-Language": "ja"}))


def test_switcher_cookie_beats_accept_language_and_works_without_javascript(client):
    response = client.post(
        "/language",
        data={"lang-locale": "ar", "lang-next": "/privacy"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/privacy"
    html = page(client.get("/privacy", headers={"Accept-Language": "en"}))
    assert '<html lang="ar" dir="rtl">' in html


def test_switcher_ignores_unknown_languages_and_foreign_targets(client):
    response = client.post("/language", data={"lang-locale": "xx", "lang-next": "//evil.example"})
    assert response.headers["Location"] == "/"
    assert 'lang="de"' in page(client.get("/"))


def test_a_logged_in_users_choice_is_remembered_on_the_account(app, users):
    user = users["volunteer"]
    client = app.test_client()
    log_in(client, user)
    client.post("/language", data={"lang-locale": "ar", "lang-next": "/home"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "ar"
    # On another device, without the cookie, the account's preference wins.
    other = app.test_client()
    log_in(other, db.session.get(User, user.id))
    assert 'dir="rtl"' in page(other.get("/home", headers={"Accept-Language": "en"}))


def test_every_page_has_the_switcher_with_native_language_names(client_as):
    for role in ("anonymous", "volunteer"):
        html = page(client_as(role).get("/privacy"))
        assert 'action="/language"' in html
        assert '<label for="lang-locale">' in html
        for name in ("Deutsch", "English", "العربية"):
            assert name in html


def test_language_names_come_from_cldr():
    assert native_name("ar") == "العربية"
    assert native_name("uk") == "Українська"
    assert language_name("ti", "de") == "Tigrinya"
    assert language_name("fa-AF", "en") == "Dari"
    assert language_name("fa_AF", "ar") == "الدارية"
    assert language_name("ckb", "de") == "Zentralkurdisch"
    assert language_name("uk", "de") == "Ukrainisch"
    assert native_name("ku") == "Kurdî (kurmancî)"


def test_text_direction_comes_from_cldr():
    assert text_direction("ar") == "rtl"
    assert text_direction("fa") == "rtl"
    assert text_direction("ps") == "rtl"
    assert text_direction("de") == "ltr"
    assert text_direction("uk") == "ltr"


def test_dates_are_formatted_per_locale_in_berlin_time(app):
    moment = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # 2 July, 00:30 in Berlin (CEST)
    with app.test_request_context():
        with force_locale("de"):
            assert format_datetime(moment, "short") == "02.07.26, 00:30"
        with force_locale("en"):
            assert "7/2/26" in format_datetime(moment, "short")
        with force_locale("ar"):
            assert "٢" in format_datetime(moment, "short") or "2" in format_datetime(
                moment, "short"
            )


@needs_catalogs
def test_arabic_navigation_is_translated(client):
    html = page(client.get("/", headers={"Accept-Language": "ar"}))
    assert "Log in" not in html
    assert "تسجيل الدخول" in html


def test_shipped_catalogs_are_complete_and_current():
    problems = check_catalogs()
    assert not problems, "\n".join(problems[:40])


def test_the_catalog_check_finds_a_missing_translation(monkeypatch):
    from wirnet import i18n_check

    real = i18n_check.extract_messages()
    monkeypatch.setattr(
        i18n_check, "extract_messages", lambda: real | {"A message nobody has translated"}
    )
    problems = check_catalogs()
    assert any("A message nobody has translated" in p and p.startswith("de:") for p in problems)
    assert any("A message nobody has translated" in p and p.startswith("ar:") for p in problems)


def test_babel_cfg_maps_code_and_templates():
    cfg = Path(PROJECT_ROOT / "babel.cfg").read_text()
    assert "wirnet/**.py" in cfg
    assert "templates/**.html" in cfg


def test_the_catalog_check_finds_placeholders_that_differ_from_the_source():
    from babel.messages.catalog import Message

    from wirnet.i18n_check import placeholder_problems

    renamed = Message("Hello %(name)s", "Hallo %(nom)s")
    assert placeholder_problems(renamed)
    dropped = Message("Sent to {count} people", "An Leute geschickt")
    assert placeholder_problems(dropped)
    fine = Message("%(name)s has %(num)d%% left", "%(name)s hat noch %(num)d %%")
    assert not placeholder_problems(fine)
    # A plural form may leave out the count ("يومان"), never another placeholder.
    plural = Message(
        ("%(num)d day for %(name)s", "%(num)d days for %(name)s"),
        ("لا أيام لـ %(name)s", "يوم واحد لـ %(name)s", "يومان لـ %(name)s", "", "", ""),
    )
    assert not placeholder_problems(plural)
    plural_bad = Message(
        ("%(num)d day for %(name)s", "%(num)d days for %(name)s"), ("%(num)d Tag", "%(num)d Tage")
    )
    assert len(placeholder_problems(plural_bad)) == 2


# --- the glossary ----------------------------------------------------------------------

GLOSSARY_CSV = "\n".join(
    (
        "# a comment line, skipped",
        "en,de,ru,ar,fa,tr",
        "volunteer,Ehrenamtliche / Ehrenamtlicher | Ehrenamt,волонтёр,"
        "المتطوع | تطوع,داوطلب,gönüllü",
        "volunteers,Ehrenamtliche,волонтёры | волонтёр,المتطوعون | متطوع,داوطلب,gönüllü",
        "request,Anfrage,запрос,الطلب | طلب,درخواست,talep | taleb",
        "coordinator,Koordination (Koordinatorin / Koordinator),координатор,المنسق,"
        "هماهنگ‌کننده,koordinatör",
        "municipality,Gemeinde,община | общин,البلدية,شهر یا روستا,belediye",
        "health guide,Gesundheitslotsin / Gesundheitslotse,консультант…по вопросам здоровья,"
        "المرشد الصحي | مرشد…صحي,راهنمای سلامت,sağlık rehberi",
        "police clearance certificate,erweitertes Führungszeugnis,"
        "справка об отсутствии судимости (Führungszeugnis),شهادة حسن السيرة,"
        "گواهی عدم سوءسابقه (Führungszeugnis),adli sicil belgesi (Führungszeugnis)",
    )
)


@pytest.fixture
def glossary(tmp_path):
    from wirnet.i18n_check import Glossary

    path = tmp_path / "glossary.csv"
    path.write_text(GLOSSARY_CSV, encoding="utf-8")
    loaded = Glossary.load(path)
    assert not loaded.problems
    return loaded


def glossary_problems_of(glossary, locale, msgid, msgstr, comments=()):
    from babel.messages.catalog import Message

    from wirnet.i18n_check import glossary_problems

    message = Message(msgid, msgstr, user_comments=list(comments), lineno=42)
    return glossary_problems(message, locale, glossary, f"translations/{locale}/x.po:42")


def test_the_glossary_check_fails_when_a_translation_uses_another_word(glossary):
    problems = glossary_problems_of(glossary, "de", "Find volunteers", "Freiwillige finden")
    assert len(problems) == 1
    assert problems[0].startswith("de: translations/de/x.po:42: 'Find volunteers': glossary:")
    assert "'volunteers'" in problems[0] and "'Ehrenamtliche'" in problems[0]
    assert not glossary_problems_of(glossary, "de", "Find volunteers", "Ehrenamtliche finden")


def test_the_glossary_check_accepts_a_stem_and_normalised_spellings(glossary):
    ok = lambda loc, msgid, msgstr: not glossary_problems_of(glossary, loc, msgid, msgstr)  # noqa: E731
    # A stem covers the inflections; "волонтёры" alone would not match "волонтёров".
    assert ok("ru", "Please choose a municipality.", "Пожалуйста, выберите общину.")
    assert not ok("ru", "Please choose a municipality.", "Пожалуйста, выберите город.")
    assert ok("de", "My volunteer profile", "Mein Ehrenamtsprofil")
    # ё written as е, Arabic diacritics and tatweel, Arabic yeh and kaf in Persian text,
    # a space where the glossary has a zero-width non-joiner.
    assert ok("ru", "A volunteer is coming", "Придёт волонтер")
    assert ok("ar", "A volunteer is coming", "سيحضر مُتَطـوِّعٌ")
    assert ok("fa", "Ask the coordinator", "از هماهنگ كننده بپرسيد")
    # Turkish consonant softening through a listed stem: talep → talebi.
    assert ok("tr", "Change the request", "Talebi değiştir")
    # "…" stands for an ending inside a term, within one clause only.
    assert ok("ru", "Become a health guide", "Станьте консультантом по вопросам здоровья")
    assert ok("ar", "Health guides help", "المرشدون الصحيون يساعدون")
    assert not ok("ru", "Become a health guide", "Станьте консультантом. По вопросам здоровья")
    # A bracketed German word, or the words before it, or either half of "A / B".
    assert ok("tr", "Police clearance certificate", "Führungszeugnis")
    assert ok("tr", "Police clearance certificate", "Adli sicil belgesi")
    assert ok("de", "Your coordinator", "Ihre Koordinatorin")
    assert ok("de", "Your coordinator", "Ihre Koordination")


def test_the_glossary_check_matches_english_words_not_parts_or_placeholders(glossary):
    terms = lambda english: sorted(t.english for t in glossary.terms_in(english))  # noqa: E731
    assert terms("Open requests") == ["request"]
    assert terms("You requested a new link") == []
    assert terms("Find volunteers") == ["volunteers"]  # its own row, not volunteer's plural
    assert terms("A volunteer's profile") == ["volunteer"]
    assert terms("Towns and municipalities") == ["municipality"]
    assert terms("Volunteering for diversity") == []
    assert terms("%(volunteer)s will come") == []
    assert terms("Ask your Health Guide") == ["health guide"]


def test_the_glossary_check_reads_every_plural_form(glossary):
    from babel.messages.catalog import Message

    from wirnet.i18n_check import glossary_problems

    message = Message(
        ("%(num)d volunteer found", "%(num)d volunteers found"),
        ("Найден %(num)d волонтёр", "Найдено %(num)d человека", "Найдено %(num)d волонтёров"),
    )
    problems = glossary_problems(message, "ru", glossary, "ru.po:7")
    # Both "volunteer" (singular msgid) and "volunteers" (plural msgid) apply to every form.
    found = sorted(
        re.search(r"glossary: (plural form \d translates '[a-z]+')", p)[1] for p in problems
    )
    assert found == [
        "plural form 1 translates 'volunteer'",
        "plural form 1 translates 'volunteers'",
    ]


def test_the_glossary_check_honours_a_visible_exemption(glossary):
    msgid, msgstr = "Request a new password link", "Neuen Link anfordern"
    assert glossary_problems_of(glossary, "de", msgid, msgstr)
    exempt = ["glossary: request — a verb here, not a request for help"]
    assert not glossary_problems_of(glossary, "de", msgid, msgstr, exempt)
    # An exemption says which term and why; it must name a glossary term the message uses,
    # and it must still be needed.
    for comment, complaint in (
        ("glossary: request", "write the exemption as"),
        ("glossary: inquiry — a verb", "not a glossary term"),
        ("glossary: volunteer — not in this message", "which the message does not use"),
    ):
        problems = glossary_problems_of(glossary, "de", msgid, msgstr, [comment])
        assert any(complaint in p for p in problems), (comment, problems)
    problems = glossary_problems_of(glossary, "de", "Your request", "Ihre Anfrage", exempt)
    assert problems == [
        "de: translations/de/x.po:42: 'Your request': glossary: exempt from 'request' "
        "(a verb here, not a request for help), yet the translation uses 'Anfrage': "
        "drop the exemption"
    ]


def test_a_glossary_row_without_every_language_is_reported(tmp_path):
    from wirnet.i18n_check import Glossary

    path = tmp_path / "glossary.csv"
    path.write_text("en,de,ar\nvolunteer,Ehrenamtliche\nrequest,Anfrage, \n", encoding="utf-8")
    problems = Glossary.load(path).problems
    assert any(":2: 2 cells, the header has 3" in p for p in problems)
    assert any(":3: 'request' has no ar form" in p for p in problems)


def test_the_catalog_check_names_file_and_line_of_a_message_without_the_glossary_term(
    tmp_path,
):
    """The shipped German catalog says "Passwort"; a glossary that asked for "Kennwort"
    makes every German message about the password fail, each named by file and line."""
    from babel.messages.pofile import read_po

    shipped = (PROJECT_ROOT / "translations" / "glossary.csv").read_text(encoding="utf-8")
    assert ",Passwort | Passwörter," in shipped
    path = tmp_path / "glossary.csv"
    path.write_text(shipped.replace(",Passwort | Passwörter,", ",Kennwort,"), encoding="utf-8")
    problems = check_catalogs(locales=("de",), glossary_path=path)
    po = PROJECT_ROOT / "translations" / "de" / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as handle:
        line = read_po(handle, locale="de")["Please choose a password."].lineno
    assert (
        f"de: translations/de/LC_MESSAGES/messages.po:{line}: 'Please choose a password.': "
        "glossary: translates 'password' without 'Kennwort'"
    ) in "\n".join(problems)
    assert problems and all("'password' without 'Kennwort'" in p for p in problems)


def test_the_shipped_glossary_covers_every_shipped_language():
    from wirnet.config import SHIPPED_LOCALES
    from wirnet.i18n_check import Glossary

    glossary = Glossary.load()
    assert not glossary.problems
    assert set(glossary.locales) == set(SHIPPED_LOCALES) - {"en"}
    assert len(glossary.terms) >= 20
    assert {"volunteer", "coordinator", "request", "language mediation", "consent"} <= {
        t.english for t in glossary.terms
    }


# --- lists as each language writes them (CLDR, through Babel's format_list) -----------------


def test_the_list_filter_follows_the_locale_and_escapes(app):
    from babel.lists import format_list
    from markupsafe import Markup

    from wirnet.i18n import locale_list

    template = "{{ items|format_list }}"
    with app.test_request_context():
        for locale in ("de", "fa", "ar", "ti"):
            with force_locale(locale):
                assert locale_list(["A", "B", "C"]) == format_list(["A", "B", "C"], locale=locale)
        with force_locale("de"):
            assert render_template_string(template, items=["A", "B", "C"]) == "A, B und C"
            assert render_template_string(template, items=["A"]) == "A"
            assert render_template_string("{{ items|format_list or '–' }}", items=[]) == "–"
            # Text is escaped, markup (an isolated name) is kept.
            html = render_template_string(template, items=["<b>A</b>", Markup("<bdi>B</bdi>")])
            assert html == "&lt;b&gt;A&lt;/b&gt; und <bdi>B</bdi>"
            # Plain text (the e-mails) is not escaped.
            plain = "{% autoescape false %}{{ items|format_list }}{% endautoescape %}"
            assert render_template_string(plain, items=["<A>", "B"]) == "<A> und B"
        with force_locale("fa"):
            assert render_template_string(template, items=["الف", "ب", "پ"]) == "الف،\u200f ب، و پ"


def coordinator_volunteer_page(client_as, users, locale: str) -> str:
    from datetime import time

    from tests.integration.volunteer_support import complete_profile
    from wirnet.volunteers.models import AvailabilitySlot

    users["coordinator"].locale = locale
    person = users["other_volunteer"]
    row = complete_profile(person, topics=["health", "school_childcare", "work_jobs"])
    db.session.add(  # a second time on Tuesday, besides 9–12
        AvailabilitySlot(profile_id=row.id, weekday=1, starts_at=time(14), ends_at=time(16))
    )
    db.session.flush()
    return page(client_as("coordinator").get(f"/coordinator/volunteers/{person.id}"))


@needs_catalogs
def test_a_persian_page_writes_its_lists_with_the_persian_comma_and_and(client_as, users):
    html = coordinator_volunteer_page(client_as, users, "fa")
    topics = re.search(r"<dt>موضوع‌ها</dt><dd>(.*?)</dd>", html)
    assert topics, html
    # "Health, School and childcare and Work and jobs" as CLDR writes it in Persian.
    assert topics.group(1) == "سلامت،\u200f مدرسه و کودکستان، و کار و شغل"
    assert ", " not in topics.group(1)
    times = re.search(r"<tr>\s*<th scope=\"row\">سه‌شنبه</th>\s*<td>(.*?)</td>", html, re.S)
    assert times and re.fullmatch(r"<bdi[^>]*>.*?</bdi> و <bdi[^>]*>.*?</bdi>", times.group(1))


@needs_catalogs
def test_a_german_page_writes_its_lists_with_comma_and_und(client_as, users):
    html = coordinator_volunteer_page(client_as, users, "de")
    topics = re.search(r"<dt>Themen</dt><dd>(.*?)</dd>", html)
    assert topics, html
    assert topics.group(1) == "Gesundheit, Schule und Kita und Arbeit und Beruf"
