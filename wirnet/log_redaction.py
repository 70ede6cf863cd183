"""Secrets that travel in URLs, kept out of every log.

The links in e-mails carry one-time tokens in their path (password reset, address
confirmation, address change). Whoever reads an access log could use a fresh one, so the
token part is replaced by ``[redacted]`` wherever such a path appears: in the request
line, the path, the Referer (the page after a reset link names it), Flask's error log.

``TOKEN_PATH_PREFIXES`` is the one list of those paths; a test fails when a route with a
``<token>`` in its URL is missing from it.
"""

from __future__ import annotations

import logging
import re

TOKEN_PATH_PREFIXES: tuple[str, ...] = (
    "/auth/confirm/",
    "/auth/reset/",
    "/auth/email/",
    "/invitation/",
    "/organisations/invitation/",
    "/calendar/",  # a volunteer's private calendar feed: /calendar/<token>.ics
    "/offer/",  # an offer's accept and decline links: /offer/<token>/accept
)

REDACTED = "[redacted]"

_TOKEN_IN_PATH = re.compile(
    "(" + "|".join(re.escape(prefix) for prefix in TOKEN_PATH_PREFIXES) + r")[^/?#\s\"'<>]+"
)


def redact(text: str) -> str:
    """``text`` with the token of every token path replaced (wherever in it the path is)."""
    return _TOKEN_IN_PATH.sub(lambda match: match.group(1) + REDACTED, text)


class RedactTokensFilter(logging.Filter):
    """A logging filter that redacts the message, once formatted with its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
