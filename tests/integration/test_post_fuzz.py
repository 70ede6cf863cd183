"""Every POST route, as several roles, with whatever a browser (or an attacker) can send:
arbitrary Unicode, overlong values, NUL bytes, wrong types, repeated, missing and unknown
fields, file parts and other kinds of body. Never a 5xx, and a refusal (4xx) changes nothing.

The routes come from the permission matrix, and the field names from the forms on the
app's own pages (plus the matrix's data and common names), so a new form is covered as
soon as it is in the matrix. Runs on SQLite and, with ``WIRNET_TEST_DATABASE_URL``, on
PostgreSQL. The test profile has CSRF and the rate limits off.
"""

from __future__ import annotations

import io
import os
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import ROLE_NAMES
from tests.factories import PASSWORD
from tests.integration.test_permissions import MATRIX, _row_counts, url_of
from wirnet.audit import AuditEntry
from wirnet.auth.models import User
from wirnet.extensions import db

POST_ROUTES = sorted(
    (endpoint, url, data)
    for (endpoint, method), (url, data, _outcomes) in MATRIX.items()
    if method == "POST"
)
GET_URLS = [url for (_endpoint, method), (url, _d, _o) in MATRIX.items() if method == "GET"]
CRAWL_ROLES = ("anonymous", "volunteer", "coordinator", "admin")

#: Names any form of the app might use, for routes whose page could not be read.
COMMON_NAMES = (
    "email",
    "password",
    "password_confirm",
    "current_password",
    "new_email",
    "display_name",
    "locale",
    "next",
    "remember",
    "privacy_consent",
    "role",
    "q",
)


def _url(url, users: dict, orgs: dict) -> str:
    return url_of(url, users, orgs=orgs)


class _FormFields(HTMLParser):
    """The names of the fields of every POST form on a page, by the form's action path."""

    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.action: str | None = None
        self.fields: dict[str, set[str]] = defaultdict(set)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            if (attributes.get("method") or "get").lower() == "post":
                self.action = urlsplit(attributes.get("action") or self.page_path).path
        elif (
            tag in ("input", "select", "textarea", "button")
            and self.action
            and attributes.get("name")
        ):
            self.fields[self.action].add(attributes["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.action = None


_FIELDS_BY_ACTION: dict[str, set[str]] = {}


def fields_by_action(client_as, users, orgs) -> dict[str, set[str]]:
    """Read every page of the matrix as several roles, once per run."""
    if not _FIELDS_BY_ACTION:
        found: dict[str, set[str]] = defaultdict(set)
        for role in CRAWL_ROLES:
            client = client_as(role)
            for url in GET_URLS:
                path = _url(url, users, orgs)
                response = client.get(path)
                if response.mimetype == "text/html":
                    parser = _FormFields(path)
                    parser.feed(response.get_data(as_text=True))
                    for action, names in parser.fields.items():
                        found[action] |= names
                response.close()
        _FIELDS_BY_ACTION.update(found)
    return _FIELDS_BY_ACTION


# --- what is sent --------------------------------------------------------------------------

SHORT_TEXT = st.text(max_size=30)  # any Unicode but lone surrogates, which no form can send
ODD_VALUES = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1e309",
        "NaN",
        "y",
        "on",
        "de",
        "ar",
        "xx",
        "admin",
        "/",
        "//evil.example",
        "javascript:alert(1)",
        "%00",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "volunteer@example.org",
        "a@b",
        PASSWORD,
        "Kaffee am Fluss 2026",
        "\u202eevil",
        "\ufeff",
        "👩🏽‍⚕️",
    ]
)
TEXT = st.one_of(
    SHORT_TEXT,
    ODD_VALUES,
    SHORT_TEXT.map(lambda text: text + "\x00" + text),  # NUL bytes
    st.sampled_from(["x", "ü", "ب", "𝔘", "a b"]).map(lambda char: char * 10_000),  # overlong
    st.characters(max_codepoint=0x9F).map(lambda char: f"a{char}b"),  # control characters
)
VALUE = st.one_of(TEXT, st.lists(TEXT, min_size=2, max_size=3))  # a field sent twice
FILE = st.tuples(st.binary(max_size=64), st.sampled_from(["a.txt", "x.pdf", "", "../../a"]))
UNKNOWN_NAME = st.from_regex(r"[a-z][a-z_-]{0,11}", fullmatch=True)
ENCODING = st.sampled_from(["form", "form", "form", "multipart", "json", "json-list", "text"])


@st.composite
def requests(draw, names: list[str], base: dict):
    fields = draw(
        st.dictionaries(st.sampled_from(names) | UNKNOWN_NAME, VALUE, max_size=len(names) + 2)
    )
    if draw(st.booleans()):
        fields = {**base, **fields}
    files = draw(st.dictionaries(st.sampled_from(names) | UNKNOWN_NAME, FILE, max_size=2))
    return draw(st.sampled_from(ROLE_NAMES)), fields, files, draw(ENCODING)


def _send(client, url: str, fields: dict, files: dict, encoding: str):
    if encoding == "json":
        return client.post(url, json={**fields, **dict.fromkeys(files, "file")})
    if encoding == "json-list":
        return client.post(url, json=[*fields.values(), 1, 2])
    if encoding == "text":
        return client.post(url, data="email=a@example.org", content_type="text/plain")
    data = {
        name: list(value) if isinstance(value, list) else value for name, value in fields.items()
    }
    for name, (content, filename) in files.items():
        data[name] = (io.BytesIO(content), filename)
    multipart = encoding == "multipart" or bool(files)
    return client.post(url, data=data, content_type="multipart/form-data" if multipart else None)


def _snapshot() -> tuple:
    counts = _row_counts()
    # A refused form is shown again, and showing a page may record that sensitive data was
    # read (intake notes: "…_viewed"; health requests: "request.viewed"). Those entries are
    # the audit trail doing its job, not a change the refusal made.
    counts["audit_entries"] = db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(~AuditEntry.action.endswith("_viewed", autoescape=True))
        .where(AuditEntry.action != "request.viewed")
    )
    accounts = db.session.execute(
        select(
            User.id,
            User.email,
            User.display_name,
            User.locale,
            User.role,
            User.active,
            User.password_hash,
            User.session_token,
            User.email_confirmed_at,
        )
    ).all()
    return counts, sorted(accounts)


@pytest.mark.parametrize(
    ("endpoint", "url", "base"), POST_ROUTES, ids=[route[0] for route in POST_ROUTES]
)
def test_no_post_ends_in_a_server_error_or_a_half_change(
    client_as, users, orgs, endpoint, url, base
):
    path = _url(url, users, orgs)
    names = sorted(
        fields_by_action(client_as, users, orgs).get(urlsplit(path).path, set())
        | set(base or {})
        | set(COMMON_NAMES)
    )

    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        # CI replays the same examples every run, so a red build always means a change broke
        # something; on a developer's machine every run explores new ones.
        derandomize=bool(os.environ.get("CI")),
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(requests(names, base or {}))
    def post(drawn):
        role, fields, files, encoding = drawn
        client = client_as(role)
        before = _snapshot()
        response = _send(client, path, fields, files, encoding)
        status = response.status_code
        response.close()
        assert status < 500, (role, fields, files, encoding)
        if 400 <= status < 500:
            assert _snapshot() == before, (status, role, fields, files, encoding)

    post()
