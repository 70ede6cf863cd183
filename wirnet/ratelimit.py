"""Rate limits that protect an account without letting strangers lock its owner out.

What is limited (the numbers live in the config, ``LIMIT_*``):

* every POST of a marked view, per client address (``LIMIT_PER_ADDRESS``);
* forms that name an account (log-in, sign-up, reset), per account **and** client address
  (``LIMIT_PER_ACCOUNT_AND_ADDRESS``): one address hammering an account is stopped, while
  the owner, from another address, still gets in;
* the same forms, per account from anywhere (``LIMIT_PER_ACCOUNT``, looser): a ceiling
  against guessing one password from many addresses;
* forms of a logged-in user (change password or e-mail address), per user
  (``LIMIT_PER_USER``);
* the centre's staff sending e-mails as part of their work (accepting applicants,
  resending a confirmation), per user only (``LIMIT_PER_STAFF``, looser: a coordinator
  goes through dozens a day, and the staff of one office share one address).
* a private calendar feed (``key="feed"``, GET): per feed (``LIMIT_PER_FEED``, the secret
  in its URL, stored only as a hash) and per client address (``LIMIT_FEED_PER_ADDRESS``,
  looser: calendar services fetch many people's feeds from a few addresses).

A view marked ``count="attempts"`` counts against the account limits only the requests it
calls ``count_attempt()`` in: a wrong password, or an e-mail sent. A right password never
counts, so failed guesses by others cannot use up the owner's allowance.

Each app builds its own ``Limiter`` (a ``Limiter`` keeps its storage, key prefix and on/off
switch on itself, so one shared by several apps in a process would mix them up). Views are
only marked with ``@rate_limited``; ``init_app`` wraps the marked views of that app once,
at start-up.

When the shared storage (Redis) cannot be reached, Flask-Limiter logs a warning and counts
in the process's memory until it is back; a request is never refused with a 500 for it.
"""

from __future__ import annotations

import hashlib
import logging
import time
import unicodedata
from collections.abc import Callable
from typing import Literal

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

logger = logging.getLogger(__name__)

Key = Literal["account", "user", "staff", "feed"]
Count = Literal["requests", "attempts"]

#: Fail fast when Redis is away (the limiter then counts in memory) instead of hanging.
REDIS_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}

#: Seconds a refused client is told to wait when the limiter cannot say.
DEFAULT_RETRY_AFTER = 60


def rate_limited(
    view: Callable | None = None, *, key: Key = "account", count: Count = "requests"
) -> Callable:
    """Mark a view for rate limiting (POST only, a feed GET only); ``init_app`` applies the
    limits.

    ``key="account"``: the form names an account in its ``email`` field (anonymous forms).
    ``key="user"``: the logged-in user is the account.
    ``key="staff"``: a coordinator's or admin's work that sends e-mail; per user, looser.
    ``key="feed"``: a GET whose URL holds a secret (a calendar feed); per URL and address.
    ``count="attempts"``: only requests that call ``count_attempt()`` count against the
    account limits (the per-address limit always counts every request).
    """

    def mark(func: Callable) -> Callable:
        func.wirnet_rate_limited = (key, count)  # type: ignore[attr-defined]
        return func

    return mark(view) if view is not None else mark


def count_attempt() -> None:
    """Count this request against the view's account limits (``count="attempts"`` views)."""
    g.wirnet_rate_limit_attempt = True


def _attempted(_response: Response) -> bool:
    return bool(g.get("wirnet_rate_limit_attempt"))


def _normalise(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip().lower()


def _named_account() -> str:
    """The e-mail address the request's body names, normalised; "" when it names none.

    Reads a form body, and also a JSON object, so that no kind of body can name an account
    without counting against it. Never raises: a body that cannot be read names no account
    (the view then answers the error itself).
    """
    try:
        value = request.form.get("email")
        if value is None and request.is_json:
            body = request.get_json(silent=True)
            if isinstance(body, dict):
                value = body.get("email")
    except (HTTPException, ValueError):
        return ""
    if value is None or isinstance(value, dict | list):
        return ""
    return _normalise(value)


def account_key() -> str:
    """The account a form names; without one, the client address stands in for it."""
    account = _named_account()
    if not account:
        return "no-account@" + get_remote_address()
    return "account:" + account


def account_and_address_key() -> str:
    return account_key() + "|from:" + get_remote_address()


def user_key() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.get_id()}"
    return "anonymous@" + get_remote_address()


def path_key() -> str:
    """The requested path, hashed: the secret in a feed's URL stays out of the storage."""
    digest = hashlib.sha256(request.path.encode("utf-8", "surrogatepass")).hexdigest()
    return "path:" + digest[:32]


def _config(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def retry_after_seconds(limiter: Limiter) -> int:
    """Seconds until the limit that refused this request lets it through again."""
    limit = limiter.current_limit
    if limit is None:
        return DEFAULT_RETRY_AFTER
    try:
        seconds = int(limit.reset_at - time.time())
    except Exception:  # storage trouble: a plain default is good enough for the header
        logger.warning("Could not read the rate limit window; sending a default Retry-After")
        return DEFAULT_RETRY_AFTER
    return max(1, seconds)


def init_app(app: Flask) -> Limiter:
    """Create the app's limiter and apply the limits to its marked views (POST only)."""
    storage_options: dict = {}
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("redis"):
        storage_options = dict(REDIS_OPTIONS)
    limiter = Limiter(
        key_func=get_remote_address,
        in_memory_fallback_enabled=app.config.get("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True),
        swallow_errors=app.config.get("RATELIMIT_SWALLOW_ERRORS", True),
        storage_options=storage_options,
    )
    limiter.init_app(app)
    # Flask-Limiter holds its limiter only weakly; the app must keep it alive.
    app.extensions["wirnet_limiter"] = limiter

    for endpoint, view in list(app.view_functions.items()):
        marked = getattr(view, "wirnet_rate_limited", None)
        if not marked:
            continue
        key, count = marked
        deduct_when = _attempted if count == "attempts" else None
        if key == "account":
            account_limits = [
                ("LIMIT_PER_ACCOUNT_AND_ADDRESS", account_and_address_key),
                ("LIMIT_PER_ACCOUNT", account_key),
            ]
        elif key == "staff":
            account_limits = [("LIMIT_PER_STAFF", user_key)]
        elif key == "feed":
            account_limits = [("LIMIT_PER_FEED", path_key)]
        else:
            account_limits = [("LIMIT_PER_USER", user_key)]
        methods = ["GET"] if key == "feed" else ["POST"]
        limited = view
        for setting, key_func in account_limits:
            limited = limiter.limit(
                _config(setting), key_func=key_func, methods=methods, deduct_when=deduct_when
            )(limited)
        if key == "feed":
            limited = limiter.limit(_config("LIMIT_FEED_PER_ADDRESS"), methods=methods)(limited)
        elif key != "staff":
            limited = limiter.limit(_config("LIMIT_PER_ADDRESS"), methods=methods)(limited)
        app.view_functions[endpoint] = limited

    @app.after_request
    def _retry_after(response: Response) -> Response:
        if response.status_code == 429 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(retry_after_seconds(limiter))
        return response

    return limiter
