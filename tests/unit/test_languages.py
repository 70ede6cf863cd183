"""The language list: every CLDR language and the varieties that matter, named and sorted
for the reader, never two entries with the same name."""

from __future__ import annotations

import pytest

from wirnet.config import SHIPPED_LOCALES
from wirnet.volunteers.languages import (
    canonical,
    display_name,
    is_known,
    language_choices,
    sort_key,
)


def test_varieties_that_matter_are_there_and_named_in_the_readers_language():
    german = dict(language_choices("de"))
    assert german["ar-SY"] == "Arabisch (Syrien)"
    assert german["ar-IQ"] == "Arabisch (Irak)"
    assert german["ar-MA"] == "Arabisch (Marokko)"
    assert german["fa-AF"] == "Dari"
    assert german["fa"] == "Persisch"
    assert german["ckb"] == "Zentralkurdisch"
    assert german["ku"] == "Kurdisch"
    assert german["ti"] == "Tigrinya" and german["tig"] == "Tigre"
    assert german["de"] == "Deutsch"  # German is a language like the others
    arabic = dict(language_choices("ar"))
    assert arabic["ar-SY"] == "العربية (سوريا)"
    assert arabic["fa-AF"] != arabic["fa"]


@pytest.mark.parametrize(
    "tag",
    [
        "ar-SY",
        "ar-IQ",
        "ar-MA",
        "ar-EG",
        "ar-LB",
        "ar-SD",
        "ar-YE",
        "ar-DZ",
        "ar-TN",
        "ar-PS",
        "ar-JO",
        "ar-SA",
    ],
)
def test_arabic_by_country(tag):
    assert is_known(tag, "de")


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_no_two_entries_share_a_name(locale):
    names = [name.casefold() for _tag, name in language_choices(locale)]
    assert len(names) == len(set(names))
    assert len(names) > 400  # every CLDR language, not a short hand list


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_pairs_that_people_confuse_stay_apart(locale):
    names = dict(language_choices(locale))
    for a, b in (("fa-AF", "fa"), ("ku", "ckb"), ("ti", "tig"), ("ar-SY", "ar-IQ")):
        assert a in names and b in names, (locale, a, b)
        assert names[a] != names[b]


def test_sorted_as_people_expect_not_by_code_point():
    names = [name for _tag, name in language_choices("de")]
    assert names == sorted(names, key=sort_key)
    # By code point "Ö…" would follow "Z…"; in German it sorts with O.
    austrian = names.index("Österreichisches Deutsch")
    assert names.index("Okzitanisch") < austrian < names.index("Paschtu")
    assert names[-1].startswith("Z")


def test_not_spoken_codes_are_left_out():
    tags = {tag for tag, _name in language_choices("en")}
    assert not tags & {"mul", "und", "zxx"}
    # Dialect codes are listed once, under the country variety.
    assert "arz" not in tags and "ar-EG" in tags


def test_tags_are_canonical_bcp47():
    assert canonical("AR_sy") == "ar-SY"
    assert canonical("kmr") == "ku"
    assert canonical("prs") == "fa-AF"
    assert canonical("arz") == "ar-EG"
    assert canonical("zh_hans") == "zh-Hans"


def test_unknown_codes_are_refused():
    assert not is_known("xx", "de")
    assert not is_known("klingon", "de")
    assert not is_known("", "de")
    assert not is_known("mul", "de")
    assert is_known("ar-sy", "de")


def test_display_name_in_each_language():
    assert display_name("ar-SY", "en") == "Arabic (Syria)"
    assert display_name("fa-AF", "de") == "Dari"
    assert display_name("kmr", "en") == "Kurdish"
    assert display_name("xx-Fake", "de")  # never an error, at worst the tag itself
