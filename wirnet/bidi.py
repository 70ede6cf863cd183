"""Bidirectional isolation of values people type (names, e-mail addresses).

In an Arabic sentence an e-mail address such as ``0176@web.de`` would otherwise be
reordered by the Unicode bidi algorithm and shown as ``web.de@0176``. Pages wrap such
values in ``<bdi>``; plain-text e-mails wrap them in FIRST STRONG ISOLATE (U+2068) …
POP DIRECTIONAL ISOLATE (U+2069).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_babel import get_locale
from jinja2 import pass_eval_context
from markupsafe import Markup, escape

from wirnet.i18n import text_direction

FSI = "\u2068"
PDI = "\u2069"


def _has_right_to_left(value: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in value)


def isolate_text(value: Any) -> str:
    """``value`` between FSI and PDI, for plain text.

    In a left-to-right language a value without right-to-left letters needs no isolating,
    so German and English e-mails stay free of invisible characters unless they help.
    """
    value = "" if value is None else str(value)
    if not value:
        return value
    locale = str(get_locale() or "de")
    if text_direction(locale) == "ltr" and not _has_right_to_left(value):
        return value
    return f"{FSI}{value}{PDI}"


def isolate_html(value: Any) -> Markup:
    """``value``, HTML-escaped, inside ``<bdi>``."""
    return Markup("<bdi>%s</bdi>") % ("" if value is None else value)


def isolated(message: str, **values: Any) -> Markup:
    """A translated message (``_("… %(email)s …")`` without arguments) with each value
    escaped and isolated in ``<bdi>``: for flash messages that quote what a person typed."""
    return escape(message) % {name: isolate_html(value) for name, value in values.items()}


@pass_eval_context
def isolate_filter(eval_ctx: Any, value: Any) -> Markup | str:
    """Jinja filter ``isolate``: ``<bdi>`` in HTML templates, FSI…PDI in plain text."""
    if eval_ctx.autoescape:
        return isolate_html(value)
    return isolate_text(value)
