"""Logs without secrets: no bound SQL parameters, no e-mail link tokens."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.conftest import make_app
from wirnet.auth import services
from wirnet.extensions import db
from wirnet.log_redaction import redact

SECRET = "argon2-hash-of-someone@example.org"


def test_a_failed_statement_keeps_its_parameters_out_of_the_error(app):
    with pytest.raises(DBAPIError) as caught, db.session.begin_nested():
        db.session.execute(
            text("SELECT id FROM no_such_table WHERE secret = :secret"), {"secret": SECRET}
        )
    message = str(caught.value)
    assert "no_such_table" in message  # the statement itself is still there to debug
    assert SECRET not in message
    assert "parameters hidden" in message


def _any_value(rule, name: str) -> str:
    items = getattr(rule._converters[name], "items", None)  # any(accept,decline)
    return sorted(items)[0] if items else "1"


def test_every_route_with_a_token_in_its_url_is_redacted(app):
    adapter = app.url_map.bind("wirnet.example")
    token_rules = [rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    assert token_rules  # reset, confirmation, address change at least
    for rule in token_rules:
        # Other parts of the path (an offer link's /accept) take a value they accept.
        values = {name: _any_value(rule, name) for name in rule.arguments - {"token"}}
        url = adapter.build(rule.endpoint, {**values, "token": "SECRET-TOKEN"})
        assert "SECRET-TOKEN" not in redact(url), (
            f"{rule.rule} carries a token: add its prefix to TOKEN_PATH_PREFIXES"
        )


def test_flasks_error_log_names_no_token(database_url, monkeypatch, caplog):
    app = make_app(database_url, PROPAGATE_EXCEPTIONS=False)

    def broken(token):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "user_for_reset_token", broken)
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/auth/reset/SECRET-TOKEN")
    assert response.status_code == 500
    assert "Exception on /auth/reset/[redacted] [GET]" in caplog.text
    assert "SECRET-TOKEN" not in caplog.text
