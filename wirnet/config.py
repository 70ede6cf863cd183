"""Configuration from ``WIRNET_*`` environment variables, with safe defaults.

Three profiles: ``production`` (the default: HTTPS, secure cookies, own secret required),
``local`` (what ``make run`` uses: plain http on loopback, a secret generated once into
``instance/``) and ``test``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Languages with a complete catalog; the first is the default.
SHIPPED_LOCALES = ("de", "en", "ar", "fa", "ps", "uk", "ru", "tr", "ti", "ku")


class ConfigError(RuntimeError):
    """Raised when the app is asked to start with an unsafe configuration."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"WIRNET_{name}")
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    return int(value) if value is not None else default


#: ``WIRNET_<name>`` → config key, for the settings taken as strings.
ENVIRONMENT = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "MAIL_URL": "MAIL_URL",
    "MAIL_FROM": "MAIL_FROM",
    "RATELIMIT_STORAGE_URL": "RATELIMIT_STORAGE_URI",
    "REGION_FILE": "REGION_FILE",
    "CENTRE_NAME": "CENTRE_NAME",
    "BASE_URL": "BASE_URL",
    "CENTRE_FILE": "CENTRE_FILE",
}


class Config:
    ENV_NAME = "production"
    DEBUG = False
    TESTING = False

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI = "sqlite:///" + str(PROJECT_ROOT / "instance" / "wirnet.sqlite3")
    #: ``hide_parameters``: a failed statement's error text must not carry the bound values
    #: (addresses, password hashes, session tokens) into the logs.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}

    #: The site's public address, e.g. ``https://wirnet.example.org`` (a path prefix is
    #: allowed). Every link in an e-mail is built from it, never from the request's Host;
    #: requests for any other host are refused. Required in production.
    BASE_URL: str | None = None
    #: Hosts a request may name; None = BASE_URL's host (plus localhost and 127.0.0.1 outside
    #: production). Not Flask's TRUSTED_HOSTS, which refuses before routing, so that neither
    #: the error page nor /healthz (probed by IP address by load balancers) could answer.
    ALLOWED_HOSTS: list[str] | None = None

    # Sessions live in signed cookies, so any number of processes can serve them.
    SESSION_COOKIE_NAME = "__Host-wirnet_session"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_NAME = "__Host-wirnet_remember"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PREFERRED_URL_SCHEME = "https"
    REQUIRE_HTTPS = True
    HSTS_SECONDS = 31536000

    #: A session ends after this long without a request ...
    SESSION_IDLE_TIMEOUT = timedelta(hours=2)
    #: ... and in any case this long after the log-in (unless "remember me" was chosen).
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token is bound to the session, which expires itself

    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    WIRNET_LOCALES = SHIPPED_LOCALES

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = "wirnet"
    RATELIMIT_HEADERS_ENABLED = False  # a 429 still carries Retry-After (wirnet.ratelimit)
    RATELIMIT_ENABLED = True
    #: Redis away: log a warning and count in memory; never answer 500 because of it.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    #: Every POST to log-in, sign-up, reset and the account forms, per client address.
    LIMIT_PER_ADDRESS = "20 per minute; 100 per hour"
    #: Failed log-ins (and every sign-up or reset request) for one account from one address.
    LIMIT_PER_ACCOUNT_AND_ADDRESS = "5 per minute; 20 per hour"
    #: The same for one account from anywhere: a ceiling against distributed guessing.
    LIMIT_PER_ACCOUNT = "50 per hour"
    #: Wrong current passwords (and e-mails sent) on the account page, per user.
    LIMIT_PER_USER = "5 per minute; 20 per hour"
    #: Staff work that sends e-mail (accepting applicants, resending a confirmation).
    LIMIT_PER_STAFF = "30 per minute; 300 per hour"
    #: A private calendar feed (``/calendar/<token>.ics``): calendar apps fetch it every
    #: 15 minutes or so; per feed, and per client address (calendar services fetch many
    #: people's feeds from a few addresses).
    LIMIT_PER_FEED = "10 per minute; 120 per hour"
    LIMIT_FEED_PER_ADDRESS = "120 per minute"
    #: At most this many sign-up, confirmation and reset e-mails to one address an hour;
    #: the rest are dropped silently (and audited), the answer stays the same.
    MAIL_PER_ADDRESS_PER_HOUR = 3

    # --- matching (#8): the engine's thresholds and weights, see wirnet/matching/engine.py ---
    #: Language mediation (Sprachmittlung) needs the requested language at this level or
    #: native, and the other language of the conversation (German) at least at the second.
    MATCH_MEDIATION_LEVEL = "C1"
    MATCH_OTHER_LANGUAGE_LEVEL = "B2"
    #: Other kinds of request need the requested language at least at this level.
    MATCH_LEVEL_BY_KIND = {"health_guidance": "B2", "accompaniment": "B1", "other": "B1"}
    #: Free time kept before and after another appointment, for the journey.
    MATCH_TRAVEL_BUFFER_MINUTES = 30
    #: The farthest one travels by each means, whatever the profile says (km, straight line).
    MATCH_MOBILITY_KM = {"foot": 3, "bicycle": 12, "public_transport": 40, "car": 80}
    #: Weights of the soft score (each part is between 0 and 1 before weighting).
    MATCH_WEIGHTS = {
        "distance": 3.0,
        "fairness": 2.0,
        "continuity": 1.5,
        "language": 1.0,
        "variety": 1.0,
        "reliability": 1.5,
        "topics": 0.5,
    }
    #: At most this many candidates are scored (the nearest that pass every hard rule:
    #: the match page shows the best 25 of them, waves ask three at a time), and this
    #: many near misses shown.
    MATCH_MAX_CANDIDATES = 50
    MATCH_NEAR_MISSES = 10
    #: Offers in waves: this many volunteers per automatic wave, asked when nobody has
    #: accepted within the hours given (fewer for short-notice requests), at most this
    #: many waves before the coordinators are alerted.
    MATCH_WAVE_SIZE = 3
    MATCH_WAVE_HOURS = 24
    MATCH_WAVE_HOURS_SHORT_NOTICE = 2
    MATCH_MAX_WAVES = 3

    #: Bodies are forms of a few fields; uploads will get their own, larger limit per route.
    MAX_CONTENT_LENGTH = 256 * 1024
    #: The largest text part of a multipart form.
    MAX_FORM_MEMORY_SIZE = 64 * 1024

    MAIL_URL: str | None = None
    MAIL_FROM = "WIRnet <wirnet@localhost>"
    MAIL_MAX_ATTEMPTS = 8

    #: Version of the privacy notice users consent to; bump when the text changes.
    #: An ISO date (shown formatted for the reader's language); stored with each consent.
    PRIVACY_NOTICE_VERSION = "2026-11-27"
    EMAIL_TOKEN_MAX_AGE = timedelta(hours=48)
    RESET_TOKEN_MAX_AGE = timedelta(hours=2)
    #: How long the link in an imported volunteer's invitation works.
    INVITATION_TOKEN_MAX_AGE = timedelta(days=14)

    #: Settings outside the volunteers' scope (lay mediators, not sworn interpreters): the
    #: request form names them and points to professional interpreting instead. Keys with
    #: labels in wirnet/requests/scope.py (OUT_OF_SCOPE_LABELS); an unknown key shows as is.
    OUT_OF_SCOPE_SETTINGS = ("court", "police_interrogation", "psychotherapy", "surgery_consent")
    #: Requests need this many working days (Mon–Fri without public holidays in Hessen) of
    #: notice; a shorter one is accepted as urgent and flagged for a coordinator.
    REQUEST_LEAD_WORKING_DAYS = 3
    REQUEST_HOLIDAY_SUBDIVISION = "HE"

    REGION_FILE = str(PROJECT_ROOT / "wirnet" / "data" / "regions" / "landkreis-kassel.csv")
    CENTRE_NAME = "WIR-Vielfaltszentrum Landkreis Kassel"
    #: Contact, imprint, data protection and retention (see the file: its values are examples).
    CENTRE_FILE = str(PROJECT_ROOT / "wirnet" / "data" / "centre.toml")
    PROXY_FIX = 0

    @classmethod
    def from_env(cls) -> dict:
        """Read the environment into a mapping for ``app.config.update``."""
        values = {
            key: value for name, key in ENVIRONMENT.items() if (value := _env(name)) is not None
        }
        values["PROXY_FIX"] = _env_int("PROXY_FIX", cls.PROXY_FIX)
        if "BASE_URL" not in values and cls.ENV_NAME == "local":
            # ``make run PORT=5050`` passes the port on as WIRNET_PORT.
            values["BASE_URL"] = f"http://127.0.0.1:{_env_int('PORT', 5000)}"
        return values


class LocalConfig(Config):
    """``make run``: plain http on loopback, so no Secure cookies and no HSTS."""

    ENV_NAME = "local"
    SESSION_COOKIE_NAME = "wirnet_session"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_NAME = "wirnet_remember"
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    REQUIRE_HTTPS = False
    HSTS_SECONDS = 0


class TestConfig(LocalConfig):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    SERVER_NAME = "localhost"
    BASE_URL = "http://localhost"


def local_secret_key(instance_path: str) -> str:
    """The local profile's secret: generated once, then read from ``instance/secret_key``."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


PROFILES: dict[str, type[Config]] = {
    "production": Config,
    "local": LocalConfig,
    "test": TestConfig,
}


def profile_from_env() -> type[Config]:
    name = _env("ENV", "production") or "production"
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigError(
            f"WIRNET_ENV={name!r} is not known; use one of: {', '.join(PROFILES)}."
        ) from None
