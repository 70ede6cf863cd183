"""WIRnet: volunteer coordination and networking for a WIR-Vielfaltszentrum."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, render_template, request
from flask.helpers import get_debug_flag
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, user_loaded_from_cookie
from flask_wtf.csrf import CSRFError
from sqlalchemy import event, make_url, select
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from wirnet import config as config_module
from wirnet import ratelimit, request_body, stylesheet
from wirnet.config import PROJECT_ROOT, Config, ConfigError, local_secret_key
from wirnet.extensions import babel, csrf, db, login_manager, migrate
from wirnet.log_redaction import RedactTokensFilter
from wirnet.urls import base_host, check_base_url

#: Status codes with a page of their own in templates/errors/ (any other: 500.html).
ERROR_PAGES = (400, 403, 404, 405, 413, 415, 429)

#: The shortest WIRNET_SECRET_KEY production accepts.
MIN_SECRET_KEY_LENGTH = 32


def create_app(config: type[Config] | Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` is a profile class, or a mapping applied over the test profile."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    if config is None or isinstance(config, type):
        profile = config or config_module.profile_from_env()
        app.config.from_object(profile)
        app.config.update(profile.from_env())
    else:
        app.config.from_object(config_module.TestConfig)
        app.config.update(config)

    _check_config(app)
    app.logger.addFilter(RedactTokensFilter())  # "Exception on /auth/reset/<token>"
    if app.config["PROXY_FIX"]:
        count = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    register_extensions(app)
    register_blueprints(app)
    stylesheet.init_app(app)
    ratelimit.init_app(app)  # after the blueprints: it wraps their marked views
    request_body.init_app(app)  # its check runs before every other before_request
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def _check_config(app: Flask) -> None:
    env = app.config["ENV_NAME"]
    if env == "local" and not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = local_secret_key(app.instance_path)
    if env == "production":
        if not app.config.get("SECRET_KEY"):
            raise ConfigError(
                "WIRNET_SECRET_KEY is not set. In production WIRnet needs its own secret: "
                "set WIRNET_SECRET_KEY to a long random value (e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`). "
                "For a local demo use `make run` (WIRNET_ENV=local)."
            )
        if len(app.config["SECRET_KEY"]) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"WIRNET_SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters. "
                "Use a long random value (e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        # ``flask run`` sets app.debug only after create_app, from FLASK_DEBUG (which
        # ``flask --debug`` sets too); security.guard refuses requests if it is on anyway.
        if app.debug or app.config.get("DEBUG") or get_debug_flag():
            raise ConfigError("Debug mode must not be on in production (unset FLASK_DEBUG).")
    base_url = check_base_url(app.config.get("BASE_URL"), require_https=env == "production")
    app.config["BASE_URL"] = base_url
    if app.config.get("ALLOWED_HOSTS") is None:
        # Requests for any other host are refused (400; /healthz answers any): security.py.
        hosts = [base_host(base_url)]
        if env != "production":
            hosts += ["localhost", "127.0.0.1"]
        app.config["ALLOWED_HOSTS"] = list(dict.fromkeys(hosts))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def register_extensions(app: Flask) -> None:
    from wirnet import models as _models  # noqa: F401  (the metadata must know every table)
    from wirnet import security
    from wirnet.auth.models import User
    from wirnet.i18n import select_locale

    _tune_postgresql(app)
    db.init_app(app)
    with app.app_context():
        _tune_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=lambda: app.config["BABEL_DEFAULT_TIMEZONE"],
    )
    csrf.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(token: str) -> User | None:
        user = db.session.scalar(select(User).where(User.session_token == token))
        if user is None or not user.active:
            return None
        if user.session_token_expired(app.config["REMEMBER_COOKIE_DURATION"]):
            return None
        return user

    @user_loaded_from_cookie.connect_via(app)
    def _restored_from_cookie(sender: Flask, user: User) -> None:
        security.start_session(remember=True)

    security.init_app(app)


def _tune_postgresql(app: Flask) -> None:
    """Turn PostgreSQL's JIT compilation off for WIRnet's connections. Its cost estimate
    has the matching statement compiled, which takes ten times longer than running it;
    WIRnet's queries are short, so it never pays (a common setting for web applications)."""
    if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "postgresql":
        return
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    connect_args = dict(options.get("connect_args", {}))
    connect_args["options"] = " ".join(filter(None, [connect_args.get("options"), "-c jit=off"]))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options | {"connect_args": connect_args}


def _tune_sqlite(engine: Any) -> None:
    """Give SQLite real transactions (pysqlite's own BEGIN handling breaks SAVEPOINT) and
    enforce foreign keys, so that it behaves like PostgreSQL where it matters.

    A writer that must not interleave with another (booking a volunteer) begins with
    ``BEGIN IMMEDIATE`` instead: see ``wirnet.matching.locks``."""
    if engine.dialect.name != "sqlite":
        return
    from wirnet.matching.locks import begin_statement

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql(begin_statement())


def register_blueprints(app: Flask) -> None:
    # Importing the views registers their routes on the blueprints.
    from wirnet.admin import bp as admin_bp
    from wirnet.admin import views as _admin_views  # noqa: F401
    from wirnet.auth import bp as auth_bp
    from wirnet.auth import views as _auth_views  # noqa: F401
    from wirnet.main import bp as main_bp
    from wirnet.main import views as _main_views  # noqa: F401
    from wirnet.matching import bp as matching_bp
    from wirnet.matching import views_match as _match_views  # noqa: F401
    from wirnet.matching import views_offers as _offer_views  # noqa: F401
    from wirnet.matching import views_volunteer as _assignment_views  # noqa: F401
    from wirnet.organisations import bp as organisations_bp
    from wirnet.organisations import views as _organisation_views  # noqa: F401
    from wirnet.projects import bp as projects_bp
    from wirnet.projects import views as _project_views  # noqa: F401
    from wirnet.requests import bp as requests_bp
    from wirnet.requests import views as _request_views  # noqa: F401
    from wirnet.volunteers import bp as volunteers_bp
    from wirnet.volunteers import views as _volunteer_views  # noqa: F401
    from wirnet.volunteers import views_coordinator as _coordinator_views  # noqa: F401
    from wirnet.volunteers import views_import as _volunteer_import_views  # noqa: F401

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(volunteers_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(projects_bp)
    app.register_blueprint(requests_bp)
    app.register_blueprint(matching_bp)


def register_errorhandlers(app: Flask) -> None:
    def render_error(error: HTTPException):
        code = error.code or 500
        if code >= 500:
            db.session.rollback()
        template = f"errors/{code}.html" if code in ERROR_PAGES else "errors/500.html"
        return render_template(template, code=code), code

    for code in (*ERROR_PAGES, 500):
        app.register_error_handler(code, render_error)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_template("errors/400.html", code=400, csrf=True), 400


def register_template_helpers(app: Flask) -> None:
    from wirnet.bidi import isolate_filter
    from wirnet.centre import load_centre, tel_link
    from wirnet.i18n import list_filter, native_name, switcher_choices, text_direction
    from wirnet.main.forms import LanguageForm
    from wirnet.roles import Role
    from wirnet.sanitize import sanitize_html

    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt)
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt)
    app.jinja_env.filters["sanitize"] = sanitize_html
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.filters["isolate"] = isolate_filter
    app.jinja_env.filters["format_list"] = list_filter
    app.jinja_env.filters["tel_link"] = tel_link
    # Read once at start-up: a wrong centre file stops the start with a clear message.
    centre = app.extensions["wirnet.centre"] = load_centre(app.config["CENTRE_FILE"])

    @app.context_processor
    def layout_context() -> dict[str, Any]:
        locale = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
        language_form = LanguageForm(formdata=None, prefix="lang")
        language_form.locale.choices = switcher_choices()
        language_form.locale.data = locale
        if request:
            language_form.next.data = request.full_path.rstrip("?")
        return {
            "current_locale": locale,
            "text_direction": text_direction(locale),
            "language_form": language_form,
            "native_name": native_name,
            "Role": Role,
            "centre_name": app.config["CENTRE_NAME"],
            "centre": centre,
            "current_user": current_user,
        }


def register_commands(app: Flask) -> None:
    from wirnet import cli

    cli.init_app(app)
