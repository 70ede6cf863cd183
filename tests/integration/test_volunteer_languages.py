"""The volunteer's languages: add, change, remove; unknown codes and duplicates refused."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.helpers import page
from tests.integration.volunteer_support import profile, skill
from wirnet.extensions import db
from wirnet.volunteers.models import LanguageLevel, LanguageSkill, LevelSource, VolunteerProfile


def _skills(user) -> list[LanguageSkill]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(LanguageSkill)
            .join(LanguageSkill.profile)
            .where(VolunteerProfile.user_id == user.id)
            .order_by(LanguageSkill.id)
        )
    )


def _count() -> int:
    return db.session.scalar(select(func.count(LanguageSkill.id)))


def test_adding_a_variety_with_level_modes_and_settings(client_as, users):
    response = client_as("volunteer").post(
        "/volunteer/languages",
        data={
            "code": "ar-SY",
            "level": "native",
            "mediates": "y",
            "modes": ["on_site", "phone"],
            "settings": ["health", "authorities"],
        },
    )
    assert response.status_code == 302
    [added] = _skills(users["volunteer"])
    assert added.profile.user_id == users["volunteer"].id
    assert added.code == "ar-SY" and added.level is LanguageLevel.NATIVE
    assert added.level_rank == 7 and added.level_source is LevelSource.SELF_DECLARED
    assert added.mediates and added.modes == ["on_site", "phone"]
    assert added.settings == ["health", "authorities"]


def test_the_list_is_named_in_the_ui_language_and_levels_are_explained(client_as, users):
    users["volunteer"].locale = "de"
    db.session.flush()
    client = client_as("volunteer")
    html = page(client.get("/volunteer/languages"))
    assert "<option value=ar-SY>Arabisch (Syrien)<" in html
    assert "<option value=fa-AF>Dari<" in html
    assert "<option value=de>Deutsch<" in html
    users["volunteer"].locale = "en"
    db.session.flush()
    html = page(client.get("/volunteer/languages"))
    assert "You can handle everyday situations and talk about familiar topics." in html
    assert "<select" in html  # works without JavaScript


def test_german_counts_like_any_other_language(client_as, users):
    client_as("volunteer").post("/volunteer/languages", data={"code": "de", "level": "B1"})
    assert [s.code for s in _skills(users["volunteer"])] == ["de"]


def test_an_unknown_code_is_refused_and_nothing_is_stored(client_as, users):
    before = _count()
    response = client_as("volunteer").post(
        "/volunteer/languages",
        data={"code": "xx-Klingon", "level": "B2", "mediates": "y", "modes": ["video"]},
    )
    assert response.status_code == 422
    html = page(response)
    assert "Please choose a language from the list." in html
    # What the volunteer chose otherwise is kept.
    assert 'checked id="level-3" name="level" required type="radio" value="B2"' in html
    assert 'checked id="mediates" name="mediates"' in html
    assert 'checked id="modes-2" name="modes" type="checkbox" value="video"' in html
    assert _count() == before


def test_the_same_language_twice_is_refused(client_as, users):
    row = profile(users["volunteer"])
    skill(row, "ti", LanguageLevel.NATIVE)
    response = client_as("volunteer").post(
        "/volunteer/languages", data={"code": "ti", "level": "A1"}
    )
    assert response.status_code == 422
    assert "This language is already in your list." in page(response)
    assert [(s.code, s.level) for s in _skills(users["volunteer"])] == [
        ("ti", LanguageLevel.NATIVE)
    ]


def test_an_alias_is_stored_under_the_lists_tag(client_as, users):
    row = profile(users["volunteer"])
    skill(row, "ku", LanguageLevel.NATIVE)
    response = client_as("volunteer").post(
        "/volunteer/languages", data={"code": "kmr", "level": "A1"}
    )
    assert response.status_code == 422  # kmr is CLDR's ku: already listed


def test_missing_level_keeps_the_chosen_language(client_as):
    response = client_as("volunteer").post("/volunteer/languages", data={"code": "ckb"})
    assert response.status_code == 422
    html = page(response)
    assert "Please choose your level." in html
    assert "<option value=ckb selected>Central Kurdish<" in html


def test_changing_the_level_makes_it_self_declared_again(client_as, users):
    row = profile(users["volunteer"])
    entry = skill(row, "fa-AF", LanguageLevel.C1)
    entry.level_source = LevelSource.CERTIFICATE
    db.session.flush()
    client = client_as("volunteer")
    html = page(client.get(f"/volunteer/languages/{entry.id}"))
    assert "certificate seen by the centre" in html
    response = client.post(f"/volunteer/languages/{entry.id}", data={"level": "C2", "mediates": ""})
    assert response.status_code == 302
    [changed] = _skills(users["volunteer"])
    assert changed.level is LanguageLevel.C2 and changed.level_rank == 6
    assert changed.level_source is LevelSource.SELF_DECLARED
    assert changed.mediates is False and changed.modes == []


def test_keeping_the_level_keeps_how_it_is_known(client_as, users):
    row = profile(users["volunteer"])
    entry = skill(row, "ps", LanguageLevel.B2)
    entry.level_source = LevelSource.TESTED
    db.session.flush()
    client_as("volunteer").post(
        f"/volunteer/languages/{entry.id}", data={"level": "B2", "mediates": "y"}
    )
    [changed] = _skills(users["volunteer"])
    assert changed.level_source is LevelSource.TESTED and changed.mediates


def test_removing_a_language(client_as, users):
    row = profile(users["volunteer"])
    entry = skill(row, "uk")
    response = client_as("volunteer").post(f"/volunteer/languages/{entry.id}/remove")
    assert response.status_code == 302
    assert _skills(users["volunteer"]) == []


def test_another_volunteers_language_cannot_be_seen_changed_or_removed(client_as, users):
    entry = skill(profile(users["other_volunteer"]), "ru", LanguageLevel.A2)
    client = client_as("volunteer")
    assert client.get(f"/volunteer/languages/{entry.id}").status_code == 404
    assert client.post(f"/volunteer/languages/{entry.id}", data={"level": "C2"}).status_code == 404
    assert client.post(f"/volunteer/languages/{entry.id}/remove").status_code == 404
    [kept] = _skills(users["other_volunteer"])
    assert kept.level is LanguageLevel.A2
