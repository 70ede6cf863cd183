"""Headers, cookies, CSRF, production safety and error pages."""

from __future__ import annotations

import re

import pytest

from tests.conftest import log_in, make_app
from tests.factories import PASSWORD
from tests.helpers import page
from wirnet import create_app
from wirnet.config import Config, ConfigError

EN = {"Accept-Language": "en"}


def _assert_security_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


@pytest.mark.parametrize("path", ["/", "/auth/login", "/does-not-exist", "/static/css/wirnet.css"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    _assert_security_headers(response)
    response.close()


def test_pages_for_a_logged_in_user_are_not_cached(client, users):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    log_in(client, users["volunteer"])
    assert client.get("/home").headers["Cache-Control"] == "no-store"


def test_no_page_loads_anything_from_another_host(client_as):
    for role in ("anonymous", "volunteer", "coordinator"):
        client = client_as(role)
        for path in ("/", "/privacy", "/auth/login", "/home"):
            html = page(client.get(path))
            for url in re.findall(r'(?:src|href)="([^"]+)"', html):
                assert not re.match(r"^(https?:)?//", url), (path, url)
            assert "<script" not in html


def test_translated_error_pages(client):
    response = client.get("/nowhere", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Page not found" in page(response)
    assert 'lang="en"' in page(response)
    response = client.get("/auth/logout")  # only POST exists
    assert response.status_code == 405


def test_a_500_shows_a_friendly_page_without_traceback(database_url):
    app = make_app(database_url, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    from wirnet import security

    security_public = security.PUBLIC_ENDPOINTS
    security.PUBLIC_ENDPOINTS = security_public | {"boom"}
    try:
        response = app.test_client().get("/boom", headers=EN)
    finally:
        security.PUBLIC_ENDPOINTS = security_public
    assert response.status_code == 500
    assert "Something went wrong on our side" in page(response)
    assert "secret internals" not in page(response)
    assert "Traceback" not in page(response)
    _assert_security_headers(response)


def test_csrf_is_required_on_posts(database_url, users):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post(
        "/auth/login", data={"email": users["volunteer"].email, "password": PASSWORD}, headers=EN
    )
    assert response.status_code == 400
    assert "The form had expired" in page(response)

    form = page(client.get("/auth/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = client.post(
        "/auth/login",
        data={"email": users["volunteer"].email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    # The language switcher and log-out are forms with their own token too.
    home = page(client.get("/home"))
    assert home.count('name="csrf_token"') >= 1
    assert 'name="lang-csrf_token"' in home


def test_production_refuses_to_start_without_a_secret(monkeypatch):
    monkeypatch.delenv("WIRNET_SECRET_KEY", raising=False)
    monkeypatch.setenv("WIRNET_ENV", "production")
    with pytest.raises(ConfigError, match="WIRNET_SECRET_KEY"):
        create_app()


def test_production_refuses_debug(monkeypatch):
    monkeypatch.setenv("WIRNET_SECRET_KEY", "x" * 40)

    class DebugProduction(Config):
        DEBUG = True

    with pytest.raises(ConfigError, match="Debug"):
        create_app(DebugProduction)


def test_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("WIRNET_ENV", "staging-ish")
    with pytest.raises(ConfigError, match="staging-ish"):
        create_app()


@pytest.fixture
def production_app(monkeypatch, database_url):
    monkeypatch.setenv("WIRNET_ENV", "production")
    monkeypatch.setenv("WIRNET_SECRET_KEY", "production-secret-" + "x" * 40)
    monkeypatch.setenv("WIRNET_DATABASE_URL", database_url)
    monkeypatch.setenv("WIRNET_BASE_URL", "https://wirnet.example")
    return create_app()


def test_production_requires_https_and_sends_hsts(production_app):
    client = production_app.test_client()
    response = client.get("/auth/login", base_url="http://wirnet.example")
    assert response.status_code == 308
    assert response.headers["Location"].startswith("https://")
    response = client.get("/auth/login", base_url="https://wirnet.example")
    assert response.status_code == 200
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    # The health check answers the load balancer on plain http.
    assert client.get("/healthz", base_url="http://wirnet.example").status_code == 200


def test_production_cookies_are_secure_and_host_prefixed(production_app, users):
    client = production_app.test_client()
    client.post(
        "/auth/login",
        data={"email": users["volunteer"].email, "password": PASSWORD},
        base_url="https://wirnet.example",
    )
    cookie = client.get_cookie("__Host-wirnet_session", domain="wirnet.example")
    assert cookie is not None
    assert cookie.secure
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert cookie.path == "/"


def test_local_profile_uses_plain_http_cookies_and_a_generated_secret(monkeypatch, tmp_path):
    from wirnet.config import LocalConfig, local_secret_key

    key = local_secret_key(str(tmp_path))
    assert len(key) >= 40
    assert local_secret_key(str(tmp_path)) == key  # generated once
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert not LocalConfig.SESSION_COOKIE_SECURE
    assert LocalConfig.HSTS_SECONDS == 0


def test_role_required_answers_403_to_other_roles(database_url, users):
    from wirnet.security import role_required

    app = make_app(database_url)

    @app.get("/coordination-only")
    @role_required("coordinator", "admin")
    def coordination_only():
        return "for the centre's staff"

    anonymous = app.test_client().get("/coordination-only")
    assert anonymous.status_code == 302
    assert "/auth/login" in anonymous.headers["Location"]
    for role, expected in [
        ("volunteer", 403),
        ("org_member", 403),
        ("coordinator", 200),
        ("admin", 200),
    ]:
        client = app.test_client()
        log_in(client, users[role])
        response = client.get("/coordination-only", headers=EN)
        assert response.status_code == expected, role
        if expected == 403:
            assert "You may not open this page" in page(response)


def test_deactivation_ends_every_session_at_once(client, users):
    from wirnet.auth import services
    from wirnet.extensions import db

    volunteer = users["volunteer"]
    log_in(client, volunteer)
    assert client.get("/home").status_code == 200
    services.deactivate(volunteer, actor=users["admin"])
    db.session.flush()
    assert client.get("/home").status_code == 302


def test_account_events_are_audited(client, users):
    from sqlalchemy import select

    from wirnet.audit import AuditEntry
    from wirnet.extensions import db

    client.post("/auth/login", data={"email": users["volunteer"].email, "password": PASSWORD})
    client.post("/auth/logout")
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.actor_id == users["volunteer"].id)
    ).all()
    assert actions == ["user.logged_in", "user.logged_out"]
