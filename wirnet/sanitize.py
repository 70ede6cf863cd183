"""HTML sanitising for user-written text (notes, descriptions, messages).

This is deliberately the only module in WIRnet that imports ``bleach``: keeping the
allowlist, the link policy and the linkify configuration in one place means there is
exactly one thing to audit when the XSS surface changes, and templates can trust any
``Markup`` coming out of here without re-checking how it was produced.
"""

from __future__ import annotations

import functools
import html
import re
import threading
from collections.abc import Mapping

from bleach.linkifier import LinkifyFilter
from bleach.sanitizer import Cleaner
from markupsafe import Markup

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_PROTOCOLS", "ALLOWED_TAGS", "sanitize_html"]

# Deliberately tiny: anything that can carry scripts, styles, foreign content (svg/math,
# the usual mXSS carriers) or submit data is left out, so those are stripped to text.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "code"}
)
# No style (would need a CSS sanitizer) and no class (lets users borrow our UI styling).
ALLOWED_ATTRIBUTES: Mapping[str, tuple[str, ...]] = {"a": ("href", "title", "rel")}
ALLOWED_PROTOCOLS: frozenset[str] = frozenset({"http", "https", "mailto"})

# Users must not be able to grant linked pages window.opener or SEO credit.
LINK_REL = "nofollow noopener"

_HREF = (None, "href")
_REL = (None, "rel")

# Browsers ignore these inside a URL, so "java\tscript:" still means "javascript:".
_URL_NOISE_RE = re.compile(r"[\x00-\x20\x7f-\xa0\s`]+")
_SCHEME_RE = re.compile(r"([a-z][a-z0-9+.-]*):")

_Attrs = dict[tuple[str | None, str] | str, str]


def _has_allowed_scheme(href: str) -> bool:
    normalized = _URL_NOISE_RE.sub("", html.unescape(href)).lower()
    match = _SCHEME_RE.match(normalized)
    return match is not None and match.group(1) in ALLOWED_PROTOCOLS


def _link_policy(attrs: _Attrs, new: bool = False) -> _Attrs:
    # bleach lets scheme-less hrefs through ("x", "//evil.example", "/admin"); user text
    # has no business pointing into our own app or at protocol-relative hosts, so only
    # explicit http/https/mailto links keep their target.
    href = attrs.get(_HREF)
    if href is not None and not _has_allowed_scheme(href):
        del attrs[_HREF]
    # bleach keeps entities in attribute values verbatim, except when a raw '"' makes the
    # serializer switch to single quotes: then "&lt;" comes out as "&amp;lt;" on the next
    # pass. Pre-encoding the quote keeps double quoting and the output idempotent.
    for key, value in attrs.items():
        if isinstance(key, tuple):
            attrs[key] = value.replace('"', "&quot;")
    # Assigning in place keeps an existing rel where it was and appends a new one last,
    # so a second cleaning pass reproduces the same attribute order (idempotence).
    attrs[_REL] = LINK_REL
    return attrs


def _new_cleaner() -> Cleaner:
    # Linkifying inside the Cleaner pass (rather than a separate bleach.linkify call) means
    # generated links and user-written links go through the same callback in one parse, and
    # there is no second serialise/parse round-trip that could reintroduce markup.
    return Cleaner(
        tags=ALLOWED_TAGS,
        attributes=dict(ALLOWED_ATTRIBUTES),
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[
            functools.partial(
                LinkifyFilter,
                callbacks=[_link_policy],
                # Code samples often contain URL-like strings that must stay verbatim.
                skip_tags=["code"],
                parse_email=True,
            )
        ],
    )


# bleach's Cleaner keeps parser state on itself and is not safe to share between threads
# (``make run`` serves with threads): each thread builds and keeps its own.
_local = threading.local()


def _cleaner() -> Cleaner:
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = _new_cleaner()
    return cleaner


def sanitize_html(text: str | None) -> Markup:
    """Return ``text`` cleaned to the allowlist, with URLs and e-mail addresses linked.

    Newlines are left untouched; templates render them with ``white-space: pre-line``.
    """
    if not text:
        return Markup("")
    # Form feed is HTML whitespace, so bleach only turns it into "?" when it is not at the
    # edge of a text node; that position changes between passes and broke idempotence.
    # Both are whitespace to the HTML parser, so the swap cannot change the markup.
    text = str(text).replace("\f", " ")
    # The cleaner's output is exactly what the allowlist above permits.
    return Markup(_cleaner().clean(text))  # noqa: S704
