"""The deny-by-default guard, role checks, session lifetimes and security headers."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.sansio.utils import host_is_trusted

from wirnet.roles import Role
from wirnet.urls import base_url_for_path

HEALTH_ENDPOINT = "main.healthz"

#: The one list of endpoints reachable without logging in. Everything else needs a log-in.
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "main.index",
        "main.privacy",
        "main.contact",
        "main.imprint",
        "main.healthz",
        "main.set_language",
        "auth.login",
        "auth.signup",
        "auth.signup_sent",
        "auth.confirm_email",
        "auth.forgot_password",
        "auth.reset_password",
        "auth.confirm_email_change",
        "volunteers.accept_invitation",
        "organisations.register",
        "organisations.registered",
        "organisations.accept_invitation",
        # A volunteer's private calendar feed: calendar apps fetch it without a log-in; the
        # secret token in its URL is the key (wirnet.matching.views_volunteer).
        "matching.calendar_feed",
        # An offer's accept and decline links work without a log-in: the signed token in
        # the URL names the offer (wirnet.matching.views_offers).
        "matching.offer_answer",
    }
)

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


#: The roles that coordinate: they see and act on every request, organisation, project and
#: volunteer.
COORDINATING = frozenset({Role.COORDINATOR, Role.ADMIN})


def is_coordinator(user) -> bool:
    """A coordinator or an administrator; False for an anonymous visitor and for None."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in COORDINATING


def role_required(*roles: Role | str) -> Callable:
    """Allow a view only to users holding one of ``roles``; others get 403."""
    allowed = {Role(r) for r in roles}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


#: The views only coordinators (and administrators) open.
coordinators_only = role_required(*COORDINATING)


def is_safe_redirect(target: str | None) -> bool:
    """True only for a path on this site: ``/x`` but not ``//host``, ``/\\host`` or ``https:x``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    return target if is_safe_redirect(target) else default


def start_session(remember: bool) -> None:
    now = time.time()
    session["login_at"] = now
    session["seen_at"] = now
    session["remember_me"] = remember


def renew_csrf_token() -> None:
    """Drop the CSRF token at log-in and log-out; the next form gets a new one.

    A token planted or read before the log-in (or left behind after the log-out) then no
    longer works. Flask-WTF keeps the raw token in the session, the signed one in ``g``.
    """
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(name, None)
    g.pop(name, None)


def _session_expired(now: float) -> bool:
    if session.get("remember_me"):
        return False  # the remember-me token's own age is checked by the user loader
    login_at, seen_at = session.get("login_at"), session.get("seen_at")
    if login_at is None or seen_at is None:
        return True
    config = current_app.config
    return (
        now - seen_at > config["SESSION_IDLE_TIMEOUT"].total_seconds()
        or now - login_at > config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
    )


def check_host() -> None:
    """The first ``before_request``: refuse a request for a host other than ``BASE_URL``'s.

    Nothing is built from the Host header any more (e-mail links come from ``BASE_URL``),
    but a request that names another host is not for this site. The health check answers
    any host: load balancers probe it by the server's address.
    """
    if request.endpoint == HEALTH_ENDPOINT:
        return
    if not host_is_trusted(request.host, current_app.config["ALLOWED_HOSTS"]):
        abort(400)


def guard() -> Any:
    """``before_request``: HTTPS in production, session lifetimes, then deny by default."""
    config = current_app.config
    if config["ENV_NAME"] == "production" and current_app.debug:
        # Something turned debug on after the start-up check (``app.run(debug=True)``).
        current_app.logger.error("Debug mode is on in production: refusing every request.")
        abort(500)
    if config["REQUIRE_HTTPS"] and not request.is_secure and request.endpoint != HEALTH_ENDPOINT:
        # To the configured address, never to the Host the request named.
        return redirect(base_url_for_path(request.full_path.rstrip("?")), code=308)

    public = request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None
    if request.endpoint == "static":
        return None

    if current_user.is_authenticated:
        now = time.time()
        if _session_expired(now):
            logout_user()
            session.pop("login_at", None)
            if not public:
                flash(_("Your session has expired. Please log in again."), "info")
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        else:
            session["seen_at"] = now

    if public or current_user.is_authenticated:
        return None
    return current_app.login_manager.unauthorized()


def set_security_headers(response: Any) -> Any:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if "_user_id" in session:
        headers["Cache-Control"] = "no-store"
    hsts = current_app.config["HSTS_SECONDS"]
    if hsts and request.is_secure:
        headers["Strict-Transport-Security"] = f"max-age={hsts}; includeSubDomains"
    return response


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, check_host)
    app.before_request(guard)
    app.after_request(set_security_headers)


def current_account():
    """The logged-in user as the model object itself (not Flask-Login's proxy), for
    services that store it or compare it."""
    from flask_login import current_user

    return current_user._get_current_object()
