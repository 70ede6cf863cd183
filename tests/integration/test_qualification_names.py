"""Qualification names in every shipped language: the catalogue file, the database loaded
from it (``flask qualifications load``, as after any change to the file), and the pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.helpers import page
from tests.integration.request_support import make_request
from tests.integration.volunteer_support import catalogue
from wirnet.config import SHIPPED_LOCALES
from wirnet.extensions import db
from wirnet.i18n_check import Glossary, is_right_to_left, unisolated_fragments
from wirnet.requests.models import RequestKind
from wirnet.volunteers.catalogue import read_catalogue, type_name
from wirnet.volunteers.models import QualificationType

ENTRIES = read_catalogue()


def by_key(key: str) -> QualificationType:
    return db.session.scalar(select(QualificationType).where(QualificationType.key == key))


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_every_qualification_type_has_a_name_in_every_shipped_language(locale):
    # type_name() falls back to English, which would hide a missing name on the pages.
    assert ENTRIES
    missing = [e["key"] for e in ENTRIES if not (e["names"].get(locale) or "").strip()]
    assert not missing, f"no names.{locale} in wirnet/data/qualifications.toml for {missing}"
    if locale != "en":
        english = [e["key"] for e in ENTRIES if e["names"][locale] == e["names"]["en"]]
        assert not english, f"names.{locale} is the English name for {english}"


def test_qualification_names_use_the_glossary_terms():
    glossary = Glossary.load()
    problems = [
        f"{entry['key']}: names.{locale} {entry['names'][locale]!r} lacks "
        f"{term.reads(locale)!r} ({term.english})"
        for entry in ENTRIES
        for term in glossary.terms_in(entry["names"]["en"])
        for locale in glossary.locales
        if not term.accepts(locale, entry["names"][locale])
    ]
    assert not problems, problems


def test_right_to_left_names_keep_their_latin_parts_in_order():
    problems = {
        (entry["key"], locale): fragments
        for entry in ENTRIES
        for locale, name in entry["names"].items()
        if is_right_to_left(locale) and (fragments := unisolated_fragments(name))
    }
    assert not problems, problems


def test_loading_the_catalogue_again_brings_new_names_into_an_existing_database(app, db_session):
    """The names live in ``qualification_types.names``; a database loaded before they were
    added gets them from `flask qualifications load`, as after any change to the file."""
    catalogue()
    # As an older file loaded it: German, English and Arabic only.
    by_key("first_aid").names = {
        k: v for k, v in by_key("first_aid").names.items() if k in ("de", "en", "ar")
    }
    db.session.flush()
    assert type_name(by_key("first_aid"), "uk") == "First aid"  # the English fallback

    result = app.test_cli_runner().invoke(args=["qualifications", "load"])
    assert result.exit_code == 0, result.output
    assert "1 qualification types added or updated." in result.output
    db.session.expire_all()
    assert type_name(by_key("first_aid"), "uk") == "Перша допомога"
    assert type_name(by_key("first_aid"), "ps") == "لومړنۍ مرستې"
    again = app.test_cli_runner().invoke(args=["qualifications", "load"])
    assert "0 qualification types added or updated." in again.output


def test_a_volunteers_qualifications_page_in_ukrainian_names_them_in_ukrainian(client_as, users):
    kinds = catalogue()
    users["volunteer"].locale = "uk"
    db.session.flush()
    client = client_as("volunteer")
    obtained = datetime.now(ZoneInfo("Europe/Berlin")).date() - timedelta(days=30)
    response = client.post(
        "/volunteer/qualifications",
        data={"type_id": str(kinds["first_aid"].id), "obtained_on": obtained.isoformat()},
    )
    assert response.status_code == 302
    html = page(client.get("/volunteer/qualifications"))
    assert '<html lang="uk"' in html
    assert '<h2 class="card-title">Перша допомога</h2>' in html  # the claimed one
    # The choice of types to claim: every type by its Ukrainian name, none in English.
    for entry in ENTRIES:
        assert entry["names"]["uk"] in html, entry["key"]
        assert entry["names"]["en"] not in html, entry["key"]


def test_the_request_form_and_page_name_qualifications_in_persian(client_as, users, orgs):
    catalogue()
    users["org_member"].locale = "fa"
    db.session.flush()
    client = client_as("org_member")
    form = page(client.get("/requests/new"))
    assert "راهنمای سلامت (مثلاً برنامهٔ MiMi)" in form
    assert "Health guide" not in form and "First aid" not in form
    item = make_request(
        orgs["org_member"],
        kind=RequestKind.HEALTH_GUIDANCE,
        creator=users["org_member"],
        required_qualifications=["health_guide", "first_aid"],
    )
    html = page(client.get(f"/requests/{item.id}"))
    # Joined as Persian writes a list of two (CLDR): "A و B".
    assert "<dd>راهنمای سلامت (مثلاً برنامهٔ MiMi) و کمک\u200cهای اولیه</dd>" in html
