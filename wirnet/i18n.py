"""Locale selection, text direction, language names and lists from CLDR (through Babel)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from babel import Locale
from babel.lists import format_list
from flask import Response, current_app, has_request_context, request
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup, escape
from wtforms import SelectChoice

LANGUAGE_COOKIE = "wirnet_lang"


def supported_locales() -> tuple[str, ...]:
    return tuple(current_app.config["WIRNET_LOCALES"])


def select_locale() -> str:
    """The user's preference, else the switcher's cookie, else Accept-Language, else German."""
    supported = supported_locales()
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in supported:
        return cookie
    return best_accepted(request.accept_languages, supported) or default


#: Browsers name some languages by their ISO 639-3 code: Dari (``prs``) and Iranian Persian
#: (``pes``) read the Persian catalog, Kurmanji (``kmr``) the Kurdish one. Sorani (``ckb``)
#: is written in Arabic script and is deliberately not sent to the Latin-script Kurmanji.
ACCEPT_ALIASES = {"prs": "fa", "pes": "fa", "kmr": "ku"}


def best_accepted(accepted: Iterable[tuple[str, float]], supported: Iterable[str]) -> str | None:
    """The supported locale the browser prefers most, matching by language where no exact
    locale fits: ``ar-IQ,en;q=0.5`` gets Arabic, not English, when only ``ar`` is shipped."""
    by_tag = {code.lower().replace("_", "-"): code for code in supported}
    by_language = {tag.split("-")[0]: code for tag, code in reversed(by_tag.items())}
    for tag, quality in sorted(accepted, key=lambda item: -item[1]):
        if quality <= 0:
            continue
        tag = tag.lower().replace("_", "-")
        tag = ACCEPT_ALIASES.get(tag.split("-")[0], tag)
        if tag in by_tag:
            return by_tag[tag]
        if tag.split("-")[0] in by_language:
            return by_language[tag.split("-")[0]]
    return None


def remember_locale(response: Response, locale: str) -> Response:
    """Keep the chosen language in the switcher's cookie, so that it outlives the session
    (the pages after a sign-up or a log-out stay in the language the person chose)."""
    if locale in supported_locales():
        response.set_cookie(
            LANGUAGE_COOKIE,
            locale,
            max_age=365 * 24 * 3600,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    return response


def current_locale() -> str:
    """The locale this request is rendered in, as a string."""
    from flask_babel import get_locale

    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


@cache
def text_direction(locale: str) -> str:
    return "rtl" if Locale.parse(locale).character_order == "right-to-left" else "ltr"


@cache
def native_name(code: str) -> str:
    """A language's name in that language, as CLDR spells it ("العربية", "Deutsch")."""
    name = language_name(code, code)
    return name[:1].upper() + name[1:]


def language_name(code: str, in_locale: str) -> str:
    """A language's name in the reader's language, from CLDR.

    ``code`` is a CLDR/BCP 47 code; CLDR names some regional variants itself
    (``fa_AF`` is "Dari"), so those are looked up before composing "Persian (Afghanistan)".
    """
    code = code.replace("-", "_")
    reader = Locale.parse(in_locale)
    name = reader.languages.get(code)
    if name is None:
        name = Locale.parse(code).get_display_name(reader) or code
    return name


def switcher_choices() -> list[SelectChoice]:
    """The shipped languages, each named in itself and marked with its own ``lang`` and
    ``dir``, so that a screen reader reads "العربية" with an Arabic voice."""
    return [
        SelectChoice(
            value=code,
            label=native_name(code),
            render_kw={"lang": code.replace("_", "-"), "dir": text_direction(code)},
        )
        for code in supported_locales()
    ]


def locale_list(items: Iterable[Any], locale: str | None = None, style: str = "standard") -> str:
    """``items`` as one phrase the way the reader's language writes a list, from CLDR:
    "A, B und C", "A، B، و C", "A, B і C", "Aን Bን". ``locale`` defaults to the current
    one. "standard" is the "and" list; Babel 2.19 has no "unit" patterns for de, fa, ps
    or ti (it raises), so every list of the pages is a "standard" one."""
    texts = [str(item) for item in items or ()]
    if not texts:
        return ""
    return format_list(texts, style=style, locale=locale or current_locale())


_SLOT = re.compile(r"\x00(\d+)\x00")


@pass_eval_context
def list_filter(eval_ctx: Any, items: Iterable[Any], style: str = "standard") -> Markup | str:
    """Jinja filter ``format_list``: ``locale_list`` of the items. In HTML each item is
    escaped unless it is already markup (``<bdi>…</bdi>`` stays), and so is CLDR's
    pattern text around them; in plain text (e-mails) the items go in as they are."""
    items = list(items or ())
    if not eval_ctx.autoescape:
        return locale_list(items, style=style)
    parts = [escape(item) for item in items]
    slots = [f"\x00{index}\x00" for index in range(len(parts))]
    # split() alternates the pattern's own text and the slot numbers; join() escapes the text.
    pieces = _SLOT.split(locale_list(slots, style=style))
    return Markup("").join(
        parts[int(piece)] if index % 2 else piece for index, piece in enumerate(pieces)
    )
