"""The Flask extensions, created unbound and initialised in ``create_app``."""

import threading
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()


class PerAppLimiter:
    """Flask-Limiter, with a ``Limiter`` of its own for every app.

    A ``Limiter`` keeps its storage, key prefix and on/off switch on itself, so one object
    ``init_app``-ed by several apps in a process (the test suite builds many) mixes them up:
    the last app's storage and ``RATELIMIT_ENABLED`` and the first app's key prefix then hold
    for all of them. This stand-in records the limits that ``limit()`` declares on a view and
    applies them, on the view's first call in each app, with that app's own ``Limiter``.
    """

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._lock = threading.Lock()

    def init_app(self, app: Flask) -> None:
        limiter = Limiter(**self._options)
        limiter.init_app(app)
        app.extensions["wirnet_limiter"] = limiter
        app.extensions["wirnet_limited_views"] = {}

    def limit(self, *args: Any, **kwargs: Any) -> Callable[[Callable], Callable]:
        """Like ``Limiter.limit`` as a decorator; stacked calls share one wrapper."""

        def decorate(view: Callable) -> Callable:
            limits = getattr(view, "_wirnet_route_limits", None)
            if limits is not None:
                limits.append((args, kwargs))
                return view
            limits = [(args, kwargs)]

            @wraps(view)
            def limited(*view_args: Any, **view_kwargs: Any) -> Any:
                return self._wrapped(view, limits)(*view_args, **view_kwargs)

            limited._wirnet_route_limits = limits  # type: ignore[attr-defined]
            return limited

        return decorate

    def _wrapped(self, view: Callable, limits: list) -> Callable:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        views = app.extensions["wirnet_limited_views"]
        wrapped = views.get(view)
        if wrapped is None:
            with self._lock:
                wrapped = views.get(view)
                if wrapped is None:
                    wrapped = view
                    for args, kwargs in limits:
                        wrapped = app.extensions["wirnet_limiter"].limit(*args, **kwargs)(wrapped)
                    views[view] = wrapped
        return wrapped


limiter = PerAppLimiter(key_func=get_remote_address)


def account_key() -> str:
    """Rate-limit key for the account a form names (log-in, sign-up, reset)."""
    return "account:" + (request.form.get("email") or "").strip().lower()
