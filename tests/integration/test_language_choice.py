"""The right language, every time: after log-in, after sign-up and log-out, in e-mails to
another person, and for browsers that ask for a regional variant."""

from __future__ import annotations

from gettext import c2py

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from babel.support import Translations

from tests.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.helpers import outbox, page
from wirnet.config import PROJECT_ROOT
from wirnet.i18n import LANGUAGE_COOKIE

TRANSLATIONS = PROJECT_ROOT / "translations"
DE = {"Accept-Language": "de-DE,de;q=0.9"}


def translated(locale: str, message_id: str) -> str:
    text = Translations.load(str(TRANSLATIONS), [locale]).gettext(message_id)
    if text == message_id:
        pytest.skip(f"the {locale} catalog is not compiled yet (make babel)")
    return text


def language_cookie(client) -> str | None:
    cookie = client.get_cookie(LANGUAGE_COOKIE)
    return cookie.value if cookie else None


def test_the_welcome_after_log_in_is_in_the_accounts_language(client):
    user = UserFactory(locale="ar", display_name="Rana")
    response = client.post(
        "/auth/login",
        data={"email": user.email, "password": PASSWORD},
        headers=DE,
        follow_redirects=True,
    )
    html = page(response)
    assert translated("ar", "Welcome, %(name)s.") % {"name": "<bdi>Rana</bdi>"} in html
    assert "Willkommen" not in html
    # The log-in also remembers the account's language for the pages after a log-out.
    assert language_cookie(client) == "ar"


def test_the_language_chosen_at_sign_up_stays_after_it(client):
    response = client.post(
        "/auth/signup",
        data={
            "display_name": "Amal",
            "email": "amal@example.org",
            "password": "Kaffee am Fluss 2026",
            "password_confirm": "Kaffee am Fluss 2026",
            "locale": "ar",
            "privacy_consent": "y",
        },
        headers=DE,
    )
    assert response.status_code == 302
    assert language_cookie(client) == "ar"
    html = page(client.get("/auth/signup/sent", headers=DE))
    assert '<html lang="ar" dir="rtl">' in html


def test_the_language_stays_after_log_out(app):
    user = UserFactory(locale="ar")
    client = app.test_client()
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD}, headers=DE)
    client.post("/auth/logout")
    assert '<html lang="ar" dir="rtl">' in page(client.get("/", headers=DE))


def test_saving_the_account_language_switches_the_cookie_too(app):
    user = UserFactory(locale="de")
    client = app.test_client()
    log_in(client, user)
    client.post(
        "/auth/account/profile",
        data={"profile-display_name": user.display_name, "profile-locale": "ar"},
        headers=DE,
    )
    assert language_cookie(client) == "ar"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("ar-IQ,en;q=0.5", "ar"),  # Iraqi Arabic: no exact catalog, but Arabic beats English
        ("de-AT,en;q=0.8", "de"),
        ("en-GB,ar;q=0.9", "en"),
        ("fr-FR,ar;q=0.3", "ar"),  # no French: the next language the browser accepts
        ("ja", "de"),  # nothing fits: the default
        ("fa-AF", "fa"),  # Dari (as Afghan browsers send it) reads the Persian catalog
        ("prs,en;q=0.5", "fa"),  # Dari by its ISO 639-3 code
        ("kmr", "ku"),  # Kurmanji by its ISO 639-3 code
        ("ckb,ar;q=0.5", "ar"),  # Sorani is not sent to the Latin-script Kurmanji
        ("uk-UA", "uk"),
        ("ti-ER", "ti"),
    ],
)
def test_browsers_get_their_language_matched_by_language(client, accept, expected):
    html = page(client.get("/", headers={"Accept-Language": accept}))
    assert f'<html lang="{expected}"' in html


def test_the_owner_of_a_taken_address_is_told_in_their_own_language(client):
    owner = UserFactory(email="owner@example.org", locale="ar")
    requester = UserFactory(locale="de")
    log_in(client, requester)
    client.post(
        "/auth/account/email",
        data={"email-new_email": "owner@example.org", "email-current_password": PASSWORD},
    )
    [message] = outbox(to=owner.email, template="email_change_taken")
    assert message.locale == "ar"
    subject = translated("ar", "Your e-mail address was entered on WIRnet")
    assert message.subject == subject


def test_arabic_plural_forms_follow_cldr():
    """Form 4 is CLDR's "many" (11–99), form 5 "other" (100, 101, …), as every Arabic
    catalog and translation tool expects; the zero form has no bare "0"."""
    path = TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale="ar")
    expected = get_plural("ar")
    assert catalog.num_plurals == expected.num_plurals
    ours, cldr = c2py(catalog.plural_expr), c2py(expected.plural_expr)
    assert [ours(n) for n in range(250)] == [cldr(n) for n in range(250)]
    for message in catalog:
        if isinstance(message.id, tuple) and "%(num)d" in message.id[0]:
            assert not message.string[0].startswith("%(num)d"), message.id


OFFICIALESE = ("Hashwert", "an Dritte", "mit Wirkung für die Zukunft", "willigen Sie")


def test_german_public_pages_are_plain_language(client):
    """B1 readers: no officialese, and the lead sentence is short."""
    translated("de", "Privacy notice")  # skips while the catalog is not compiled
    for path in ("/", "/privacy", "/auth/signup", "/contact", "/imprint"):
        html = page(client.get(path, headers=DE))
        for phrase in OFFICIALESE:
            assert phrase not in html, (path, phrase)
    response = client.post(
        "/auth/signup", data={"display_name": "Amal", "email": "amal@example.org"}, headers=DE
    )
    consent_error = translated("de", "Please agree to the privacy notice to sign up.")
    assert consent_error in page(response)
    assert not any(phrase in consent_error for phrase in OFFICIALESE)
    lead = translated(
        "de",
        "We bring together volunteers and people who have come to our county from elsewhere: "
        "for a conversation at the doctor's, a letter from the authorities, a parents' evening "
        "or a first job.",
    )
    assert "neu" not in lead.split()  # "from elsewhere", not only the newly arrived
    for sentence in lead.split(". "):
        assert len(sentence.split()) <= 20, sentence


def test_arabic_pages_say_county_and_keep_no_english_jargon(client):
    translated("ar", "Privacy notice")
    ar = {"Accept-Language": "ar"}
    assert "hash" not in page(client.get("/privacy", headers=ar)).lower()
    assert "منطقتنا" not in page(client.get("/", headers=ar))


def test_ten_languages_each_named_in_itself_and_written_its_own_way(client):
    """The switcher offers every shipped language in its own script; Arabic, Persian and
    Pashto pages run right to left, the others left to right."""
    html = page(client.get("/"))
    for code, name in {
        "de": "Deutsch",
        "en": "English",
        "ar": "العربية",
        "fa": "فارسی",
        "ps": "پښتو",
        "uk": "Українська",
        "ru": "Русский",
        "tr": "Türkçe",
        "ti": "ትግርኛ",
        "ku": "Kurdî (kurmancî)",
    }.items():
        assert f'lang="{code}"' in html and name in html, code
    for code in ("de", "en", "ar", "fa", "ps", "uk", "ru", "tr", "ti", "ku"):
        other = page(client.get("/", headers={"Accept-Language": code}))
        direction = "rtl" if code in ("ar", "fa", "ps") else "ltr"
        assert f'<html lang="{code}" dir="{direction}">' in other, code
