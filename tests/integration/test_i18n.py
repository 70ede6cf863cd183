"""Languages: choosing one, right-to-left layout, CLDR names and locale formats."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
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
