"""The production profile: no debug mode however started, a real secret, a remember-me
cookie that a browser really deletes at log-out."""

from __future__ import annotations

import re

import pytest
from flask.cli import ScriptInfo

from tests.factories import PASSWORD
from tests.helpers import page
from wirnet import create_app
from wirnet.config import ConfigError

HTTPS = "https://wirnet.example"


@pytest.fixture
def production_env(monkeypatch, database_url):
    monkeypatch.setenv("WIRNET_ENV", "production")
    monkeypatch.setenv("WIRNET_SECRET_KEY", "production-secret-" + "x" * 40)
    monkeypatch.setenv("WIRNET_DATABASE_URL", database_url)
    monkeypatch.setenv("WIRNET_BASE_URL", HTTPS)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    return monkeypatch


# --- Debug mode and the secret ---------------------------------------------------------------


def test_production_refuses_flask_debug_from_the_environment(production_env):
    production_env.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigError, match="Debug mode"):
        create_app()


def test_production_refuses_flask_debug_when_loaded_as_flask_run_does(production_env):
    # `flask --app wirnet run` with FLASK_DEBUG=1 (or `flask --debug run`): the CLI
    # loads the app like this and only then would switch debug on.
    production_env.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigError, match="Debug mode"):
        ScriptInfo(app_import_path="wirnet", set_debug_flag=True).load_app()


def test_production_starts_when_flask_debug_is_off(production_env):
    production_env.setenv("FLASK_DEBUG", "0")
    app = ScriptInfo(app_import_path="wirnet", set_debug_flag=True).load_app()
    assert not app.debug


def test_production_refuses_every_request_if_debug_is_switched_on_later(production_env):
    app = create_app()
    app.debug = True  # what `app.run(debug=True)` does after the start-up check
    response = app.test_client().get("/auth/login", base_url=HTTPS)
    assert response.status_code == 500
    assert "Traceback" not in page(response)
    assert 'name="password"' not in page(response)


@pytest.mark.parametrize("secret", ["short", "x" * 31])
def test_production_refuses_a_short_secret_key(production_env, secret):
    production_env.setenv("WIRNET_SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="32 characters"):
        create_app()


def test_production_accepts_a_secret_of_32_characters(production_env):
    production_env.setenv("WIRNET_SECRET_KEY", "y" * 32)
    assert create_app().config["SECRET_KEY"] == "y" * 32


# --- The remember-me cookie at log-out ----------------------------------------------------------


def csrf_token(client, path: str) -> str:
    html = page(client.get(path, base_url=HTTPS))
    return re.search(r'name="csrf_token"[^>]*? value="([^"]+)"', html).group(1)


def set_cookie_headers(response, name: str) -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]


def test_log_out_deletes_the_remember_cookie_with_the_attributes_it_was_set_with(
    production_env, users
):
    app = create_app()
    client = app.test_client()
    response = client.post(
        "/auth/login",
        data={
            "email": users["volunteer"].email,
            "password": PASSWORD,
            "remember": "y",
            "csrf_token": csrf_token(client, "/auth/login"),
        },
        base_url=HTTPS,
        headers={"Referer": HTTPS + "/auth/login"},  # Flask-WTF checks it over https
    )
    assert response.status_code == 302
    [set_header] = set_cookie_headers(response, "__Host-wirnet_remember")
    assert "Secure" in set_header

    response = client.post(
        "/auth/logout",
        data={"csrf_token": csrf_token(client, "/home")},
        base_url=HTTPS,
        headers={"Referer": HTTPS + "/home"},
    )
    assert response.status_code == 302
    [deletion] = set_cookie_headers(response, "__Host-wirnet_remember")
    attributes = [part.strip() for part in deletion.split(";")]
    # A browser ignores a __Host- cookie header without Secure and Path=/ (and so
    # would keep the cookie): the deletion must carry both.
    assert "Secure" in attributes
    assert "Path=/" in attributes
    assert not any(part.lower().startswith("domain=") for part in attributes)
    assert "HttpOnly" in attributes
    assert "Max-Age=0" in attributes or "Expires=Thu, 01 Jan 1970 00:00:00 GMT" in attributes
    assert client.get_cookie("__Host-wirnet_remember", domain="wirnet.example") is None
