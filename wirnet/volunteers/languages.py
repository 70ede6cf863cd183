"""The languages and varieties a volunteer can choose, named and sorted for the reader.

Everything comes from CLDR through Babel, never from a hand-written list of names:

* every language CLDR names in the reader's locale (``Locale(ui).languages``), with
  CLDR's own regional varieties (``fa_AF`` "Dari", ``de_CH``, ``pt_BR`` …) as BCP 47 tags;
* Arabic by country (``ar-SY`` "Arabic (Syria)"), for every country CLDR has Arabic locale
  data for: the varieties differ enough that the people the centre serves care which one;
* a few ISO 639-3 codes that CLDR treats as aliases are stored under CLDR's code, so that
  one variety has one tag: ``kmr`` (Kurmanji) is CLDR's ``ku``, ``prs`` (Dari) is
  ``fa-AF``, ``pes`` (Farsi) is ``fa``, and the Arabic dialect codes (``arz`` Egyptian,
  ``ary`` Moroccan …) are the Arabic of that country. Sorani stays ``ckb``, Tigre ``tig``.

Names are shown in the reader's language and sorted with the Unicode Collation Algorithm
(``pyuca``), so that "Ägyptisch" sorts under A and Arabic names in the Arabic order.
No two entries share a name: where CLDR gives two codes the same name in a locale, the
tag is added in brackets.
"""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers

#: Not languages one can speak: "multiple", "unknown", "no linguistic content", "uncoded".
NOT_SPOKEN = frozenset({"mul", "und", "zxx", "mis"})

#: Other tags for a variety in the list, stored under the list's tag.
ALIASES = {
    "kmr": "ku",  # Kurmanji: CLDR's "ku" (Sorani is "ckb")
    "prs": "fa-AF",  # Dari
    "pes": "fa",  # Farsi (Iranian Persian)
    "arz": "ar-EG",
    "ary": "ar-MA",
    "aeb": "ar-TN",
    "arq": "ar-DZ",
    "ars": "ar-SA",
    "shu": "ar-TD",
    "acm": "ar-IQ",
    "apc": "ar-SY",
    "ayl": "ar-LY",
    "afb": "ar-KW",
    "ayp": "ar-IQ",
    "acx": "ar-OM",
    "ayn": "ar-YE",
    "apd": "ar-SD",
}


def to_tag(code: str) -> str:
    """A CLDR identifier as a BCP 47 tag: ``ar_SY`` → ``ar-SY``."""
    return code.replace("_", "-")


def canonical(tag: str) -> str:
    """The list's tag for ``tag``: case normalised (``AR-sy`` → ``ar-SY``), aliases resolved."""
    parts = (tag or "").strip().replace("_", "-").split("-")
    if not parts[0]:
        return ""
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())  # script: Hans, Latn
        else:
            out.append(part.upper())  # region: SY, 419
    joined = "-".join(out)
    return ALIASES.get(joined, joined)


@cache
def _arabic_regions() -> tuple[str, ...]:
    """The countries CLDR has Arabic locale data for (``ar_SY``, ``ar_IQ`` …)."""
    regions = []
    for identifier in locale_identifiers():
        parts = identifier.split("_")
        if len(parts) == 2 and parts[0] == "ar" and parts[1].isalpha() and len(parts[1]) == 2:
            regions.append(parts[1])
    return tuple(sorted(regions))


def _reader(locale: str) -> Locale:
    return Locale.parse(str(locale))


def _variety_name(code: str, reader: Locale) -> str | None:
    """A name for a CLDR identifier like ``ar_SY``, in ``reader``'s language."""
    name = reader.languages.get(code)
    if name:
        return name
    try:
        return Locale.parse(code).get_display_name(reader)
    except (UnknownLocaleError, ValueError):
        return None


@cache
def _collator():
    import pyuca

    return pyuca.Collator()


def sort_key(text: str):
    """A key that sorts names as people expect (Unicode Collation Algorithm)."""
    return _collator().sort_key(text)


@cache
def _choices(locale: str) -> tuple[tuple[str, str], ...]:
    reader = _reader(locale)
    names: dict[str, str] = {}
    hidden = set(ALIASES)
    for code, name in reader.languages.items():
        tag = to_tag(code)
        if code in NOT_SPOKEN or tag in hidden or not name:
            continue
        names[tag] = name[:1].upper() + name[1:]
    if "ar" in names:
        for region in _arabic_regions():
            name = _variety_name(f"ar_{region}", reader)
            if name:
                names[f"ar-{region}"] = name[:1].upper() + name[1:]
    # No two entries with the same name: add the tag where CLDR repeats one.
    seen: dict[str, list[str]] = {}
    for tag, name in names.items():
        seen.setdefault(name.casefold(), []).append(tag)
    for tags in seen.values():
        if len(tags) > 1:
            for tag in tags:
                names[tag] = f"{names[tag]} [{tag}]"
    return tuple(sorted(names.items(), key=lambda item: (sort_key(item[1]), item[0])))


def language_choices(locale: str) -> list[tuple[str, str]]:
    """``[(tag, name)]`` of every language and variety, named and sorted for ``locale``."""
    return list(_choices(str(locale)))


@cache
def _names(locale: str) -> dict[str, str]:
    return dict(_choices(locale))


def is_known(tag: str, locale: str) -> bool:
    """Whether ``tag`` (after :func:`canonical`) is in the list for ``locale``."""
    return canonical(tag) in _names(str(locale))


def display_name(tag: str, locale: str) -> str:
    """The name of ``tag`` in ``locale``; a tag outside the list is named as best CLDR can."""
    tag = canonical(tag)
    name = _names(str(locale)).get(tag)
    if name:
        return name
    reader = _reader(str(locale))
    name = _variety_name(tag.replace("-", "_"), reader)
    return name[:1].upper() + name[1:] if name else tag


def filter_choices(tags: list[str], locale: str) -> list[tuple[str, str]]:
    """Languages for a filter, named in ``locale`` and sorted for it. A plain language that
    also has varieties in ``tags`` reads "Arabic, all varieties", since filtering by it
    finds them all."""
    from flask_babel import gettext as _

    languages = []
    for tag in tags:
        name = display_name(tag, locale)
        if "-" not in tag and any(t.startswith(tag + "-") for t in tags):
            name = _("%(language)s, all varieties", language=name)
        languages.append((tag, name))
    languages.sort(key=lambda item: (sort_key(item[1]), item[0]))
    return languages
