"""Locale selection, text direction and language names from CLDR (through Babel)."""

from __future__ import annotations

from functools import cache

from babel import Locale
from flask import current_app, has_request_context, request
from flask_login import current_user

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
    return request.accept_languages.best_match(supported) or default


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


def switcher_choices() -> list[tuple[str, str]]:
    return [(code, native_name(code)) for code in supported_locales()]
