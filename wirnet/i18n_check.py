"""Checks that every shipped catalog translates every message of the code, and nothing stale.

English is the language of the message ids, so it needs no catalog of its own.
"""

from __future__ import annotations

import re

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


def check_catalogs(locales: tuple[str, ...] = SHIPPED_LOCALES) -> list[str]:
    problems: list[str] = []
    in_code = extract_messages()
    for locale in locales:
        if locale == SOURCE_LANGUAGE:
            continue
        path = PROJECT_ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
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
        for msgid in sorted(in_code - in_catalog):
            problems.append(f"{locale}: missing (run `make babel`): {msgid!r}")
        for msgid in sorted(in_catalog - in_code):
            problems.append(f"{locale}: stale, no longer in the code: {msgid!r}")
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < path.stat().st_mtime:
            problems.append(f"{locale}: {mo.name} is older than {path.name} (run `make babel`)")
    return problems
