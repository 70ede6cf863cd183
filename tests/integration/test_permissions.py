"""The permission matrix: every route of the app, as every kind of user sees it.

A route that is not in ``MATRIX`` fails ``test_every_route_is_in_the_matrix``: adding a
route means deciding here who may use it.

Outcomes: a status code, ``LOGIN`` (redirected to the log-in page) or ``HOME`` (sent on
to the user's overview).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import ROLE_NAMES

LOGIN = "login"
HOME = "home"
USERS = ROLE_NAMES[1:]


def everyone(outcome):
    return dict.fromkeys(ROLE_NAMES, outcome)


def logged_in(outcome):
    """Anonymous visitors are sent to the log-in; every logged-in user gets ``outcome``."""
    return {"anonymous": LOGIN, **dict.fromkeys(USERS, outcome)}


def anonymous_only(outcome):
    """Pages for visitors; a logged-in user is sent to the overview."""
    return {"anonymous": outcome, **dict.fromkeys(USERS, HOME)}


# (endpoint, method): (url, data for POST, outcome per role)
MATRIX: dict[tuple[str, str], tuple[str, dict | None, dict]] = {
    ("static", "GET"): ("/static/css/wirnet.css", None, everyone(200)),
    ("main.index", "GET"): ("/", None, everyone(200)),
    ("main.privacy", "GET"): ("/privacy", None, everyone(200)),
    ("main.healthz", "GET"): ("/healthz", None, everyone(200)),
    ("main.home", "GET"): ("/home", None, logged_in(200)),
    ("main.set_language", "POST"): (
        "/language",
        {"lang-locale": "en", "lang-next": "/privacy"},
        everyone(302),
    ),
    ("auth.signup", "GET"): ("/auth/signup", None, anonymous_only(200)),
    ("auth.signup", "POST"): ("/auth/signup", {}, anonymous_only(422)),
    ("auth.signup_sent", "GET"): ("/auth/signup/sent", None, everyone(200)),
    ("auth.confirm_email", "GET"): ("/auth/confirm/not-a-token", None, everyone(400)),
    ("auth.confirm_email", "POST"): ("/auth/confirm/not-a-token", {}, everyone(400)),
    ("auth.login", "GET"): ("/auth/login", None, anonymous_only(200)),
    ("auth.login", "POST"): ("/auth/login", {}, everyone(422)),
    ("auth.logout", "POST"): ("/auth/logout", {}, logged_in(302)),
    ("auth.forgot_password", "GET"): ("/auth/forgot", None, everyone(200)),
    ("auth.forgot_password", "POST"): ("/auth/forgot", {}, everyone(422)),
    ("auth.reset_password", "GET"): ("/auth/reset/not-a-token", None, everyone(400)),
    ("auth.reset_password", "POST"): ("/auth/reset/not-a-token", {}, everyone(400)),
    ("auth.account", "GET"): ("/auth/account", None, logged_in(200)),
    ("auth.update_profile", "POST"): (
        "/auth/account/profile",
        {"profile-display_name": "", "profile-locale": "de"},
        logged_in(422),
    ),
    ("auth.change_password", "POST"): ("/auth/account/password", {}, logged_in(422)),
    ("auth.change_email", "POST"): ("/auth/account/email", {}, logged_in(422)),
    ("auth.confirm_email_change", "GET"): ("/auth/email/not-a-token", None, everyone(400)),
    ("auth.confirm_email_change", "POST"): ("/auth/email/not-a-token", {}, everyone(400)),
}


def app_routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_in_the_matrix(app):
    missing = sorted(app_routes(app) - set(MATRIX))
    assert not missing, f"routes without a permission entry: {missing}"


def test_the_matrix_names_no_route_that_does_not_exist(app):
    assert not sorted(set(MATRIX) - app_routes(app))


def test_every_entry_covers_every_role():
    for key, (_url, _data, outcomes) in MATRIX.items():
        assert set(outcomes) == set(ROLE_NAMES), key


def _outcome(response) -> int | str:
    if response.status_code == 302:
        path = urlsplit(response.headers["Location"]).path
        if path == "/auth/login":
            return LOGIN
        if path == "/home":
            return HOME
    return response.status_code


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_permission_matrix(client_as, role):
    client = client_as(role)
    failures = []
    for (endpoint, method), (url, data, outcomes) in MATRIX.items():
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data=data)
        got = _outcome(response)
        response.close()  # static files are streamed from an open file
        if got != outcomes[role]:
            failures.append(f"{method} {url} ({endpoint}): expected {outcomes[role]}, got {got}")
        if endpoint == "auth.logout" and role != "anonymous":
            client = client_as(role)  # that request ended the session
    assert not failures, "\n".join(failures)


def _row_counts() -> dict[str, int]:
    from sqlalchemy import func, select

    from wirnet.extensions import db

    db.session.expire_all()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_no_get_request_changes_data(client_as, users):
    """Only POST changes anything: following links, prefetching or crawling is harmless."""
    from sqlalchemy import select

    from wirnet.auth.models import User
    from wirnet.extensions import db

    def snapshot():
        counts = _row_counts()
        accounts = db.session.execute(
            select(User.id, User.session_token, User.locale, User.last_login_at, User.active)
        ).all()
        return counts, sorted(accounts)

    before = snapshot()
    for role in ROLE_NAMES:
        client = client_as(role)
        for (_endpoint, method), (url, _data, _outcomes) in MATRIX.items():
            if method == "GET":
                client.get(url).close()
    assert snapshot() == before
