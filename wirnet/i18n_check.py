"""Checks that every shipped catalog translates every message of the code, and nothing stale.

English is the language of the message ids, so it needs no catalog of its own. The key
terms of ``translations/glossary.csv`` must be translated as the glossary says, and the
right-to-left catalogs keep left-to-right fragments (``M. K.``, ``2024-17``, ``.ics``) in
bidi isolates.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from babel import Locale
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from wirnet.config import PROJECT_ROOT, SHIPPED_LOCALES

KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
SOURCE_LANGUAGE = "en"


def extract_messages() -> set[str]:
    """The message ids in the code and templates, as ``pybabel extract`` finds them."""
    with open(PROJECT_ROOT / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    ids: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


#: ``%(name)s``, ``%(num)d``, ``{count}``, and bare ``%s``/``%d`` (``%%`` is a literal percent).
PLACEHOLDER = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[A-Za-z_][A-Za-z0-9_]*\}"
)
#: The number an ``ngettext`` form is chosen by; a form may leave it out ("يومان", "one day").
COUNT_PLACEHOLDER = "%(num)d"


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def placeholder_problems(message) -> list[str]:
    """Translations whose placeholders differ from the source's (a renamed, missing or extra
    placeholder breaks the page at run time or loses information)."""
    if isinstance(message.id, tuple):
        source = set(placeholders(message.id[0])) | set(placeholders(message.id[1]))
        problems = []
        for index, form in enumerate(message.string):
            found = set(placeholders(form or ""))
            required = source - {COUNT_PLACEHOLDER}
            if form and (found - source or required - found):
                problems.append(
                    f"plural form {index} has placeholders {sorted(found)}, "
                    f"the source {sorted(source)}"
                )
        return problems
    if message.string and placeholders(message.string) != placeholders(message.id):
        return [
            f"placeholders {placeholders(message.string)} differ from the source's "
            f"{placeholders(message.id)}"
        ]
    return []


# --- the glossary ----------------------------------------------------------------------
#
# ``translations/glossary.csv``: a header ``en,de,ar,…`` and one row per key term, English
# in the first column. Lines starting with ``#`` are comments. A cell lists the accepted
# forms separated by `` | ``: the first is the form people read, the others are stems or
# alternatives (``Ehrenamtliche / Ehrenamtlicher | Ehrenamt``). Within a form,
# ``A / B`` accepts either, and a part in brackets is accepted on its own as well as the
# part before it (``adli sicil belgesi (Führungszeugnis)`` accepts either name), and ``…``
# stands for a few letters in between (``консультант…по вопросам здоровья`` accepts
# ``консультантом по вопросам здоровья``).
#
# Every message whose English (singular or plural) uses a glossary term as a word (its
# plural, -s/-es/-ies, included; a term that has its own plural row takes that row) must
# use one of the term's accepted forms in every non-empty translated form, compared after
# ``normalise``. A message that rightly does without the term (another sense of the
# English word, a paraphrase) says so in its catalog with a translator comment
# ``# glossary: <term> — <why>``.

GLOSSARY = PROJECT_ROOT / "translations" / "glossary.csv"
EXEMPTION = re.compile(r"^glossary:\s*(?P<term>[^—–]+?)\s+(?:—|–|--?)\s+(?P<why>\S.*)$")

#: Letters written more than one way in Arabic script, apostrophes, Turkish dotted capital I.
_FOLD = str.maketrans(
    {
        "ё": "е",
        "ي": "ی",  # Arabic yeh → Persian yeh
        "ى": "ی",  # alef maksura
        "ك": "ک",  # Arabic kaf → keheh
        "ة": "ه",  # teh marbuta
        "ۀ": "ه",  # heh with hamza (Persian ezafe)
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ـ": None,  # tatweel
        "\u00ad": None,  # soft hyphen
        "\u200d": None,  # zero-width joiner
        "\u200c": " ",  # zero-width non-joiner: as good as a space between word parts
        "’": "'",
        "ʼ": "'",
        "‘": "'",
    }
)
#: Harakat, the superscript alef and Quranic marks: optional in running text.
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The text as the glossary check compares it: NFC, case-folded, one spelling for
    letters that have several (ё/е, Arabic and Persian yeh, kaf, teh marbuta, hamza on
    alef), no tatweel or vowel marks, and a zero-width non-joiner read as a space."""
    text = unicodedata.normalize("NFC", text).casefold().replace("i\u0307", "i")
    text = _ARABIC_MARKS.sub("", text.translate(_FOLD))
    return _SPACES.sub(" ", text).strip()


def accepted_forms(cell: str) -> tuple[str, ...]:
    """Every spelling a glossary cell accepts, as written (not normalised)."""
    forms: list[str] = []
    for form in cell.split("|"):
        form = form.strip()
        bracketed = re.fullmatch(r"(?P<outside>.*?)\s*\((?P<inside>[^()]+)\)", form)
        parts = [bracketed["outside"], bracketed["inside"]] if bracketed else [form]
        for part in parts:
            forms.extend(alt.strip() for alt in part.split(" / ") if alt.strip())
    return tuple(dict.fromkeys(forms))


#: What ``…`` in a form stands for: a few letters or a short word of the same clause.
GAP = "[^.,;:!?،؛؟።፡፣፤\n]{0,12}?"


@cache
def form_pattern(form: str) -> re.Pattern[str]:
    """A glossary form as a pattern over normalised text: a substring match (so a stem covers
    its inflections), where ``…`` stands for an inflected ending in the middle of a term
    (``مرشد…صحي`` matches ``المرشدون الصحيون`` and ``مرشدًا صحيًا``)."""
    pieces = [normalise(piece) for piece in form.split("…")]
    return re.compile(GAP.join(re.escape(piece) for piece in pieces if piece))


@dataclass(frozen=True)
class Term:
    english: str
    line: int
    cells: dict[str, str]

    def reads(self, locale: str) -> str:
        """The form people read: the cell's first form."""
        return self.cells[locale].split("|")[0].strip()

    def accepts(self, locale: str, text: str) -> bool:
        folded = normalise(text)
        return any(form_pattern(form).search(folded) for form in accepted_forms(self.cells[locale]))


def _english_pattern(term: str) -> str:
    words = [re.escape(word) for word in term.split()]
    last = words[-1]
    plural = f"{last[:-1]}ies" if last.endswith("y") else f"{last}(?:s|es)"
    words[-1] = f"(?:{last}|{plural})"
    return r"[\s-]+".join(words)


@dataclass(frozen=True)
class Glossary:
    path: Path
    locales: tuple[str, ...]
    terms: tuple[Term, ...]
    problems: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path = GLOSSARY) -> Glossary:
        where = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path
        with open(path, encoding="utf-8", newline="") as handle:
            numbered = [
                (number, line)
                for number, line in enumerate(handle, start=1)
                if line.strip() and not line.lstrip().startswith("#")
            ]
        rows = [(number, next(csv.reader([line]))) for number, line in numbered]
        header = [cell.strip() for cell in rows[0][1]] if rows else []
        problems: list[str] = []
        if not header or header[0] != SOURCE_LANGUAGE:
            problems.append(f"glossary: {where}: the header must start with {SOURCE_LANGUAGE!r}")
        terms: list[Term] = []
        for number, row in rows[1:]:
            if len(row) != len(header):
                problems.append(
                    f"glossary: {where}:{number}: {len(row)} cells, the header has {len(header)}"
                )
                continue
            english = row[0].strip().lower()
            cells = {loc: cell.strip() for loc, cell in zip(header[1:], row[1:], strict=True)}
            for loc, cell in cells.items():
                if not accepted_forms(cell):
                    problems.append(f"glossary: {where}:{number}: {english!r} has no {loc} form")
            terms.append(Term(english, number, cells))
        return cls(path, tuple(header[1:]), tuple(terms), tuple(problems))

    def term(self, english: str) -> Term | None:
        return next((t for t in self.terms if t.english == english.strip().lower()), None)

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        # Longest first, so that "volunteers" is its own term, not the plural of "volunteer".
        ordered = sorted(enumerate(self.terms), key=lambda it: -len(it[1].english))
        alternatives = "|".join(f"(?P<t{i}>{_english_pattern(t.english)})" for i, t in ordered)
        return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)

    def terms_in(self, english: str) -> list[Term]:
        """The glossary terms an English message uses (placeholders left out)."""
        found: dict[str, Term] = {}
        for match in self._pattern.finditer(PLACEHOLDER.sub(" ", english)):
            term = self.terms[int(match.lastgroup[1:])]
            found.setdefault(term.english, term)
        return list(found.values())


def exemptions(message) -> tuple[dict[str, str], list[str]]:
    """The ``# glossary: <term> — <why>`` comments of a message, by term, and the comments
    that start like one but do not say which term or why."""
    found: dict[str, str] = {}
    malformed: list[str] = []
    for comment in message.user_comments:
        if not comment.strip().lower().startswith("glossary"):
            continue
        match = EXEMPTION.match(comment.strip())
        if match:
            found[match["term"].strip().lower()] = match["why"].strip()
        else:
            malformed.append(comment)
    return found, malformed


def glossary_problems(message, locale: str, glossary: Glossary, where: str) -> list[str]:
    """Translations that do not use the glossary's term, and exemptions that do not hold."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    msgid = ids[0]
    prefix = f"{locale}: {where}: {msgid!r}: glossary"
    exempt, malformed = exemptions(message)
    problems = [
        f"{prefix}: write the exemption as `# glossary: <term> — <why>`, not {c!r}"
        for c in malformed
    ]
    used = {t.english: t for english in ids for t in glossary.terms_in(english)}
    for english, why in exempt.items():
        term = glossary.term(english)
        if term is None:
            problems.append(f"{prefix}: the exemption names {english!r}, not a glossary term")
        elif english not in used:
            problems.append(f"{prefix}: exempt from {english!r}, which the message does not use")
        elif (
            locale in glossary.locales
            and any(strings)
            and all(term.accepts(locale, form) for form in strings if form)
        ):
            problems.append(
                f"{prefix}: exempt from {english!r} ({why}), yet the translation uses "
                f"{term.reads(locale)!r}: drop the exemption"
            )
    if locale not in glossary.locales:
        return problems  # reported once, by check_catalogs
    for term in used.values():
        if term.english in exempt:
            continue
        for index, form in enumerate(strings):
            if form and not term.accepts(locale, form):
                which = f"plural form {index} " if len(strings) > 1 else ""
                problems.append(
                    f"{prefix}: {which}translates {term.english!r} without "
                    f"{term.reads(locale)!r} (accepted: "
                    f"{', '.join(accepted_forms(term.cells[locale]))}; "
                    f"{glossary.path.name}:{term.line}); use it, or exempt the message with "
                    f"`# glossary: {term.english} — <why>`"
                )
    return problems


# --- left-to-right fragments in right-to-left catalogs --------------------------------
#
# In an Arabic, Persian or Pashto sentence the Unicode bidi algorithm reorders what is
# written left to right around its punctuation: "M. K." shows as ".M. K", "2024-17" as
# "17-2024" (digits after Arabic letters are Arabic numbers, and a hyphen between two of
# them takes the sentence's direction), "(.ics file)" as "(ics. file)". A translation wraps
# such a fragment in LEFT-TO-RIGHT ISOLATE U+2066 … POP DIRECTIONAL ISOLATE U+2069 (or
# FIRST STRONG ISOLATE U+2068 … U+2069, as for placeholders whose value may be either).
#
# Reported, outside isolates and placeholders: a Latin word with a full stop inside or
# before it (an abbreviation followed by another Latin letter or a closing bracket, a file
# extension, a domain), letters or digits joined by "-", "@", "." or "/" (codes, dates,
# addresses; a decimal number such as 1.5 stays in order and is not reported), and a "+"
# before a digit (a phone number). A Latin word at the end of a sentence ("… or car.") is
# fine: its full stop belongs to the right-to-left sentence.

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_OPENERS = LRI + RLI + FSI
_INNERMOST_ISOLATE = re.compile(f"[{_OPENERS}][^{_OPENERS}{PDI}]*{PDI}")
LTR_FRAGMENT = re.compile(
    r"(?<![A-Za-z0-9])\.[A-Za-z][A-Za-z0-9]*"  # .ics, .xlsx
    r"|[A-Za-z0-9]+(?:[.@/-][A-Za-z0-9]+)+"  # 2024-17, name@example.org, USt-IdNr
    r"|[A-Za-z]+\.(?=\s?[A-Za-z)\]])"  # M. K., (z.B.)
    r"|\+\d"  # +49 561 …
)
_DECIMAL = re.compile(r"\d+(?:\.\d+)+")


@cache
def is_right_to_left(locale: str) -> bool:
    return Locale.parse(locale).character_order == "right-to-left"


def unisolated_fragments(text: str) -> list[str]:
    """The left-to-right fragments of ``text`` that the bidi algorithm would reorder,
    outside placeholders and isolates."""
    text = PLACEHOLDER.sub(" ", text.replace("%%", ""))
    while True:
        stripped = _INNERMOST_ISOLATE.sub(" ", text)
        if stripped == text:
            break
        text = stripped
    return [m.group(0) for m in LTR_FRAGMENT.finditer(text) if not _DECIMAL.fullmatch(m.group(0))]


def isolate_balance_problem(text: str) -> str | None:
    """Isolates that are not closed, or a PDI that closes nothing (it would leak into the
    rest of the page, or do nothing)."""
    depth = 0
    for char in text:
        if char in _OPENERS:
            depth += 1
        elif char == PDI:
            if depth == 0:
                return "a POP DIRECTIONAL ISOLATE (U+2069) closes no isolate"
            depth -= 1
    return f"{depth} bidi isolate(s) not closed by U+2069" if depth else None


def bidi_problems(message, locale: str) -> list[str]:
    """Left-to-right fragments of a right-to-left translation that are not isolated, and
    isolates that do not pair up."""
    if not is_right_to_left(locale):
        return []
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    problems: list[str] = []
    for index, form in enumerate(strings):
        if not form:
            continue
        which = f"plural form {index} " if len(strings) > 1 else ""
        balance = isolate_balance_problem(form)
        if balance:
            problems.append(f"{which}{balance}")
        fragments = unisolated_fragments(form)
        if fragments:
            problems.append(
                f"{which}left-to-right {', '.join(map(repr, fragments))} would be reordered: "
                "wrap each in U+2066 … U+2069 (LRI … PDI), or U+2068 … U+2069 (FSI … PDI)"
            )
    return problems


def check_catalogs(
    locales: tuple[str, ...] = SHIPPED_LOCALES, glossary_path: Path = GLOSSARY
) -> list[str]:
    problems: list[str] = []
    in_code = extract_messages()
    glossary = Glossary.load(glossary_path)
    problems.extend(glossary.problems)
    for locale in locales:
        if locale == SOURCE_LANGUAGE:
            continue
        path = PROJECT_ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
        if locale not in glossary.locales:
            problems.append(f"{locale}: the glossary has no {locale!r} column")
        if not path.exists():
            problems.append(f"{locale}: no catalog at {path.relative_to(PROJECT_ROOT)}")
            continue
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale=locale)
        in_catalog: set[str] = set()
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            in_catalog.add(msgid)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                problems.append(f"{locale}: fuzzy: {msgid!r}")
            elif not all(strings):
                problems.append(f"{locale}: untranslated: {msgid!r}")
            where = f"{path.relative_to(PROJECT_ROOT)}:{message.lineno}"
            for error in message.check(catalog):
                problems.append(f"{locale}: {where}: {msgid!r}: {error}")
            for error in placeholder_problems(message):
                problems.append(f"{locale}: {where}: {msgid!r}: {error}")
            problems.extend(glossary_problems(message, locale, glossary, where))
            for error in bidi_problems(message, locale):
                problems.append(f"{locale}: {where}: {msgid!r}: {error}")
        for msgid in sorted(in_code - in_catalog):
            problems.append(f"{locale}: missing (run `make babel`): {msgid!r}")
        for msgid in sorted(in_catalog - in_code):
            problems.append(f"{locale}: stale, no longer in the code: {msgid!r}")
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < path.stat().st_mtime:
            problems.append(f"{locale}: {mo.name} is older than {path.name} (run `make babel`)")
    return problems
