"""Input that never reaches a 500: body size, body type, file parts and control characters.

Runs on SQLite and, with ``WIRNET_TEST_DATABASE_URL``, on PostgreSQL (where a NUL byte in a
query used to end in a 500 ``DataError``).
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import StringField, TextAreaField

from tests.conftest import log_in, make_app
from tests.factories import PASSWORD, UserFactory
from tests.helpers import page
from wirnet.auth.forms import LoginForm
from wirnet.auth.models import User
from wirnet.extensions import db
from wirnet.forms import WirnetForm

EN = {"Accept-Language": "en"}
CONTROL_MESSAGE = "This field contains invisible control characters"


class CountingStream(io.BytesIO):
    """A request body of ``size`` bytes that counts how much of it the app reads."""

    def __init__(self, size: int) -> None:
        super().__init__(b"a" * size)
        self.size = size
        self.read_bytes = 0

    def _count(self, data):
        self.read_bytes += len(data)
        return data

    def read(self, size=-1):
        return self._count(super().read(size))

    def read1(self, size=-1):
        return self._count(super().read1(size))

    def readline(self, size=-1):
        return self._count(super().readline(size))

    def readinto(self, buffer):
        count = super().readinto(buffer)
        self.read_bytes += count
        return count


def user_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(User))


# --- size ----------------------------------------------------------------------------------


def test_a_megabyte_to_the_log_in_is_refused_before_it_is_read(client):
    body = CountingStream(1024 * 1024)
    response = client.post(
        "/auth/login",
        input_stream=body,
        content_length=body.size,
        content_type="application/x-www-form-urlencoded",
        headers=EN,
    )
    assert response.status_code == 413
    assert body.read_bytes == 0
    assert "Too much data was sent" in page(response)
    assert '<html lang="en"' in page(response)


def test_a_large_body_without_a_length_is_read_no_further_than_the_limit(client):
    body = CountingStream(1024 * 1024)
    response = client.post(
        "/auth/login",
        input_stream=body,
        content_type="application/x-www-form-urlencoded",
        headers={**EN, "Transfer-Encoding": "chunked"},  # as gunicorn passes it on
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code in (413, 422)
    assert body.read_bytes <= client.application.config["MAX_CONTENT_LENGTH"]


def test_a_long_text_part_of_a_multipart_form_is_refused(client):
    response = client.post(
        "/auth/login",
        data={"email": "a" * (100 * 1024), "password": "x"},
        content_type="multipart/form-data",
        headers=EN,
    )
    assert response.status_code == 413


def test_an_ordinary_form_is_well_within_the_limits(client, users):
    response = client.post(
        "/auth/login",
        data={"email": users["volunteer"].email, "password": PASSWORD, "next": "/x" * 2000},
        headers=EN,
    )
    assert response.status_code == 302


# --- type ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"json": {"email": 123}},
        {"json": [1, 2]},
        {"json": {"email": "volunteer@example.org", "password": PASSWORD}},
        {"data": "email=a@example.org", "content_type": "text/plain"},
        {"data": "<email>a@example.org</email>", "content_type": "application/xml"},
        {"data": b"email=a@example.org"},  # a body without any type
    ],
    ids=["json-number", "json-list", "json-credentials", "text", "xml", "untyped"],
)
def test_a_body_that_is_not_a_form_is_refused_clearly(client, kwargs):
    response = client.post("/auth/login", headers=EN, **kwargs)
    assert response.status_code == 415
    assert "The page could not read what was sent" in page(response)


def test_json_is_refused_with_csrf_on_too(database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/auth/signup", json={"email": "a@b.org"}, headers=EN)
    assert response.status_code == 415
    with app.app_context():
        db.engine.dispose()


def test_json_does_not_log_anyone_in(client):
    user = UserFactory(email="json.user@example.org")
    response = client.post("/auth/login", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 415
    assert client.get("/home").status_code == 302  # still anonymous


def test_a_post_without_a_body_still_reaches_the_form(client):
    response = client.post("/auth/login", headers=EN)
    assert response.status_code == 422
    assert "Please enter your e-mail address" in page(response)


def test_an_unknown_address_or_method_keeps_its_own_answer(client):
    assert client.post("/no/such/page", json=[1]).status_code == 404
    assert client.post("/privacy", json=[1]).status_code == 405


def test_the_base_form_never_reads_a_json_body(app):
    with app.test_request_context(
        "/auth/login", method="POST", json={"email": "a@example.org", "password": "secret"}
    ):
        form = LoginForm()
        assert form.email.data is None
        assert not form.validate()


# --- file parts ----------------------------------------------------------------------------


def test_a_file_part_named_like_a_field_is_a_missing_value(client):
    response = client.post(
        "/auth/login",
        data={"email": (io.BytesIO(b"volunteer@example.org"), "email.txt"), "password": "x"},
        content_type="multipart/form-data",
        headers=EN,
    )
    assert response.status_code == 422
    assert "Please enter your e-mail address" in page(response)


def test_a_file_part_in_the_sign_up_changes_nothing(client):
    before = user_count()
    response = client.post(
        "/auth/signup",
        data={
            "display_name": (io.BytesIO(b"x"), "name.txt"),
            "email": "file.part@example.org",
            "password": "Kaffee am Fluss 2026",
            "password_confirm": "Kaffee am Fluss 2026",
            "locale": "en",
            "privacy_consent": "y",
        },
        content_type="multipart/form-data",
        headers=EN,
    )
    assert response.status_code == 422
    assert "Please enter your name" in page(response)
    assert user_count() == before


def test_a_multipart_form_is_a_form(client, users):
    response = client.post(
        "/auth/login",
        data={"email": users["volunteer"].email, "password": PASSWORD},
        content_type="multipart/form-data",
        headers=EN,
    )
    assert response.status_code == 302


# --- control characters --------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["\x00", "\x01", "\x1b", "\x7f", "\t", "\n", "\x85"])
def test_control_characters_in_the_log_in_are_refused(client, users, bad):
    email = users["volunteer"].email
    response = client.post(
        "/auth/login", data={"email": email[:3] + bad + email[3:], "password": PASSWORD}, headers=EN
    )
    assert response.status_code == 422
    assert CONTROL_MESSAGE in page(response)
    assert "\x00" not in page(response)


def test_a_nul_in_the_display_name_changes_nothing(client):
    before = user_count()
    response = client.post(
        "/auth/signup",
        data={
            "display_name": "Amal\x00Haddad",
            "email": "nul.name@example.org",
            "password": "Kaffee am Fluss 2026",
            "password_confirm": "Kaffee am Fluss 2026",
            "locale": "en",
            "privacy_consent": "y",
        },
        headers=EN,
    )
    assert response.status_code == 422
    assert CONTROL_MESSAGE in page(response)
    assert 'value="AmalHaddad"' in page(response)  # kept, without the invisible character
    assert user_count() == before


def test_a_nul_in_the_password_reset_address_is_refused(client):
    response = client.post("/auth/forgot", data={"email": "a\x00@example.org"}, headers=EN)
    assert response.status_code == 422
    assert CONTROL_MESSAGE in page(response)


def test_a_nul_on_the_account_page_changes_nothing(client, users):
    user = users["volunteer"]
    log_in(client, user)
    name = user.display_name
    response = client.post(
        "/auth/account/profile",
        data={"profile-display_name": "Rana\x00", "profile-locale": "en"},
        headers=EN,
    )
    assert response.status_code == 422
    assert CONTROL_MESSAGE in page(response)
    db.session.refresh(user)
    assert user.display_name == name


def test_a_hidden_field_loses_control_characters_silently(client, users):
    """``next`` comes from a link, which the user cannot correct: it is cleaned, not refused."""
    response = client.post(
        "/auth/login",
        data={"email": users["volunteer"].email, "password": PASSWORD, "next": "/auth/\x00account"},
        headers=EN,
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/account"


class NoteForm(WirnetForm):
    class Meta:
        csrf = False

    title = StringField()
    note = TextAreaField()


@pytest.mark.parametrize(
    ("title", "note", "title_ok", "note_ok"),
    [
        ("Language café", "First line\r\nsecond\tline", True, True),
        ("Language\tcafé", "fine", False, True),
        ("fine", "a\x00b", True, False),
        ("fine", "bell\x07", True, False),
        ("fine", "del\x7f", True, False),
        ("سلام", "Привіт\nሰላም", True, True),
    ],
)
def test_text_areas_allow_tab_and_line_breaks_and_nothing_else(app, title, note, title_ok, note_ok):
    with app.test_request_context("/", method="POST"):
        form = NoteForm(formdata=MultiDict({"title": title, "note": note}))
        form.validate()
    assert ("title" not in form.errors) is title_ok
    assert ("note" not in form.errors) is note_ok
