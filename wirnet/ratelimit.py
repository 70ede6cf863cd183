"""Rate limits for log-in, sign-up and password reset: per client address and per account.

Each app builds its own ``Limiter`` (a ``Limiter`` keeps its storage, key prefix and on/off
switch on itself, so one shared by several apps in a process would mix them up). Views are
only marked with ``@rate_limited``; ``init_app`` wraps the marked views of that app once,
at start-up.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def rate_limited(view: Callable) -> Callable:
    view.wirnet_rate_limited = True  # type: ignore[attr-defined]
    return view


def account_key() -> str:
    """The account a form names, so that guessing one password from many addresses is limited."""
    return "account:" + (request.form.get("email") or "").strip().lower()


def _per_address() -> str:
    return current_app.config["LIMIT_PER_ADDRESS"]


def _per_account() -> str:
    return current_app.config["LIMIT_PER_ACCOUNT"]


def init_app(app: Flask) -> Limiter:
    """Create the app's limiter and apply both limits to its marked views (POST only)."""
    limiter = Limiter(key_func=get_remote_address)
    limiter.init_app(app)
    # Flask-Limiter holds its limiter only weakly; the app must keep it alive.
    app.extensions["wirnet_limiter"] = limiter
    for endpoint, view in list(app.view_functions.items()):
        if getattr(view, "wirnet_rate_limited", False):
            limited = limiter.limit(_per_account, key_func=account_key, methods=["POST"])(view)
            limited = limiter.limit(_per_address, methods=["POST"])(limited)
            app.view_functions[endpoint] = limited
    return limiter
