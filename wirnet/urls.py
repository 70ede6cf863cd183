"""Absolute links, built from the configured ``BASE_URL`` and never from the request.

A link in an e-mail that took its host from the request's ``Host`` (or ``X-Forwarded-Host``)
header would let anyone who can send a request choose where a password-reset link points.
So every absolute URL comes from ``WIRNET_BASE_URL``, which may carry a path prefix
(``https://example.org/wirnet``), and works inside a request and outside one (CLI commands).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from wirnet.config import ConfigError


def check_base_url(value: str | None, *, require_https: bool) -> str:
    """The base URL without a trailing slash; ConfigError when it cannot serve as one."""
    if not value:
        raise ConfigError(
            "WIRNET_BASE_URL is not set. WIRnet builds every link in its e-mails from it and "
            "refuses requests for any other host: set it to the site's public address, e.g. "
            "WIRNET_BASE_URL=https://wirnet.example.org (a path prefix such as "
            "https://example.org/wirnet is allowed)."
        )
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"WIRNET_BASE_URL={value!r} is not an address such as https://wirnet.example.org."
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(
            f"WIRNET_BASE_URL={value!r} may hold scheme, host, port and path, nothing else."
        )
    if require_https and parts.scheme != "https":
        raise ConfigError(
            f"WIRNET_BASE_URL={value!r} must start with https:// in production, "
            "where WIRnet is served over HTTPS only."
        )
    return value.rstrip("/")


def base_host(base_url: str) -> str:
    """The host name of the base URL, IDNA-encoded as Werkzeug compares hosts."""
    hostname = urlsplit(base_url).hostname or ""
    try:
        return hostname.encode("idna").decode("ascii")
    except UnicodeError:
        return hostname


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint`` under ``BASE_URL``: what ``url_for(…, _external=True)``
    would give if the request always came to the configured address."""
    app = current_app
    base = urlsplit(app.config["BASE_URL"])
    app.inject_url_defaults(endpoint, values)
    adapter = app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def base_url_for_path(full_path: str) -> str:
    """The base URL followed by a path of this app (with its query), e.g. for a redirect."""
    return current_app.config["BASE_URL"] + "/" + full_path.lstrip("/")
