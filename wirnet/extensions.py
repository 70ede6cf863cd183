"""The Flask extensions, created unbound and initialised in ``create_app``.

The rate limiter is the exception: each app builds its own, in ``wirnet.ratelimit``.
"""

from typing import Any

from flask import current_app
from flask_babel import Babel
from flask_login import LoginManager
from flask_login.config import COOKIE_NAME
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


class WirnetLoginManager(LoginManager):
    """Flask-Login, deleting the remember-me cookie with the attributes it was set with.

    Flask-Login deletes it without ``Secure``; a browser ignores such a deletion for a
    ``__Host-`` cookie, so the cookie (and the log-in) would outlive the log-out.
    """

    def _clear_cookie(self, response: Any) -> None:
        config = current_app.config
        response.delete_cookie(
            config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME),
            domain=config.get("REMEMBER_COOKIE_DOMAIN"),
            path=config.get("REMEMBER_COOKIE_PATH", "/"),
            secure=config.get("REMEMBER_COOKIE_SECURE", False),
            httponly=config.get("REMEMBER_COOKIE_HTTPONLY", True),
            samesite=config.get("REMEMBER_COOKIE_SAMESITE"),
        )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = WirnetLoginManager()
babel = Babel()
csrf = CSRFProtect()
