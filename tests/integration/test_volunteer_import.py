"""Importing volunteers from a spreadsheet, and the invitation they receive.

Through the test client against the real database: upload → preview (nothing written) →
confirm (written once) → invitation e-mail → invitation page.
"""

from __future__ import annotations

import io
import zipfile
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale, gettext
from openpyxl import Workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from tests.factories import UserFactory
from tests.helpers import LINK, outbox, page
from wirnet.audit import AuditEntry
from wirnet.auth.models import Consent, User
from wirnet.bidi import isolate_text
from wirnet.extensions import db
from wirnet.mail.models import OutboxMessage
from wirnet.regions import load_municipalities
from wirnet.roles import Role
from wirnet.volunteers.importer import MAX_FILE_BYTES
from wirnet.volunteers.models import ImportBatch, LanguageSkill, VolunteerProfile

URL = "/coordinator/volunteers/import"
PASSWORD = "a quiet morning by the Fulda"

HEADER = ["Name", "E-Mail", "Telefon", "Gemeinde", "Sprachen", "on_call", "language"]
ROWS = [
    [
        "Amal Haddad",
        "amal@example.org",
        "0561 123456",
        "Baunatal",
        "ar-SY:native;de:B2",
        "ja",
        "ar",
    ],
    ["Jonas Müller", "jonas@example.org", "", "fuldabrück", "de:native;en:C1", "", "de"],
    ["Olena Kovalenko", "olena@example.org", "", "Vellmar", "uk:native;ru:C2;de:B1", "no", "en"],
]


@pytest.fixture(autouse=True)
def region(app):
    load_municipalities(app.config["REGION_FILE"])


def csv_bytes(rows, *, sep=";", encoding="utf-8", bom=False) -> bytes:
    text = "\r\n".join(sep.join(_quoted(cell, sep) for cell in row) for row in rows) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def _quoted(cell: str, sep: str) -> str:
    return f'"{cell}"' if sep in cell or ";" in cell else cell


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, filename: str = "volunteers.csv"):
    # Encoded here in memory: the test client would spool a large body to a temporary
    # file that it never closes (a ResourceWarning, an error under filterwarnings=error).
    stream, length, boundary = stream_encode_multipart(
        {"file": FileStorage(io.BytesIO(data), filename=filename)}, use_tempfile=False
    )
    return client.post(
        URL,
        input_stream=stream,
        content_length=length,
        content_type=f'multipart/form-data; boundary="{boundary}"',
    )


def counts() -> dict[str, int]:
    db.session.expire_all()
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, VolunteerProfile, LanguageSkill, OutboxMessage, Consent)
    }


def preview_of(client, response) -> str:
    assert response.status_code == 302, page(response)
    location = urlsplit(response.headers["Location"]).path
    assert location.startswith(URL + "/")
    preview = client.get(location)
    assert preview.status_code == 200
    return page(preview)


def batch_id(response) -> int:
    return int(urlsplit(response.headers["Location"]).path.rsplit("/", 1)[1])


def confirm(client, response):
    return client.post(f"{URL}/{batch_id(response)}/confirm", data={})


# --- reading the file: the content decides --------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        pytest.param(csv_bytes([HEADER, *ROWS]), "list.csv", id="semicolon"),
        pytest.param(csv_bytes([HEADER, *ROWS], sep=","), "list.csv", id="comma"),
        pytest.param(csv_bytes([HEADER, *ROWS], bom=True), "list.csv", id="utf8-bom"),
        pytest.param(csv_bytes([HEADER, *ROWS], encoding="cp1252"), "list.csv", id="cp1252"),
        pytest.param(csv_bytes([HEADER, *ROWS], sep="\t", encoding="utf-16"), "l.txt", id="utf16"),
        pytest.param(xlsx_bytes([HEADER, *ROWS]), "list.xlsx", id="xlsx"),
        pytest.param(xlsx_bytes([HEADER, *ROWS]), "list.csv", id="xlsx-named-csv"),
        pytest.param(csv_bytes([HEADER, *ROWS]), "list.xlsx", id="csv-named-xlsx"),
    ],
)
def test_every_format_gives_the_same_preview_and_writes_nothing(coordinator_client, data, filename):
    before = counts()
    response = upload(coordinator_client, data, filename)
    html = preview_of(coordinator_client, response)

    assert "Jonas Müller" in html  # cp1252 and UTF-8 both decoded right
    assert "Amal Haddad" in html and "olena@example.org" in html
    assert "Fuldabrück" in html  # matched without regard to case
    assert "3 ready to import" in html
    assert "Import 3 volunteers and send the invitations" in html
    assert counts() == before
    batch = db.session.get(ImportBatch, batch_id(response))
    assert [row["data"]["email"] for row in batch.rows] == [
        "amal@example.org",
        "jonas@example.org",
        "olena@example.org",
    ]
    assert batch.rows[0]["data"]["languages"] == [
        {"code": "ar-SY", "level": "native"},
        {"code": "de", "level": "B2"},
    ]
    assert batch.imported_at is None


def test_xlsx_cells_that_are_numbers_are_read_as_text(coordinator_client):
    rows = [
        ["name", "email", "phone", "max_distance_km"],
        ["Yonas Tekle", "y@example.org", 4956112, 25.0],
    ]
    response = upload(coordinator_client, xlsx_bytes(rows), "numbers.xlsx")
    preview_of(coordinator_client, response)
    batch = db.session.get(ImportBatch, batch_id(response))
    assert batch.rows[0]["data"]["phone"] == "4956112"
    assert batch.rows[0]["data"]["max_distance_km"] == 25
    assert batch.rows[0]["problems"] == []


# --- problems named in words ------------------------------------------------------------


def test_the_preview_names_every_problem_and_confirm_skips_those_rows(coordinator_client, users):
    UserFactory(email="taken@example.org", role=Role.VOLUNTEER)
    rows = [
        ["name", "email", "municipality", "languages"],
        ["Good Row", "good@example.org", "Ahnatal", "ti:native;tig:B1"],
        ["Nowhere", "nowhere@example.org", "Atlantis", ""],
        ["Bad Mail", "not-an-address", "", ""],
        ["Twice", "good@example.org", "", ""],
        ["Taken", "TAKEN@example.org", "", ""],
        ["Klingon", "tlh@example.org", "", "xx:native"],
        ["Level", "level@example.org", "", "de:fluent"],
        ["No Level", "nolevel@example.org", "", "fa-AF"],
    ]
    before = counts()
    response = upload(coordinator_client, csv_bytes(rows, sep=","))
    html = preview_of(coordinator_client, response)

    assert "Unknown municipality: Atlantis." in html
    assert "The e-mail address is not valid." in html
    assert "The same e-mail address is already in row 2." in html
    assert "Already has an account: this row will be skipped." in html
    assert "Unknown language code: xx." in html
    assert "Language de: “fluent” is not a level" in html
    assert "Language fa-AF: the level is missing" in html
    assert "1 ready to import" in html and "7 with problems" in html
    assert counts() == before

    problems = coordinator_client.get(f"{URL}/{batch_id(response)}?show=problems")
    assert "Good Row" not in page(problems) and "Atlantis" in page(problems)

    assert confirm(coordinator_client, response).status_code == 302
    after = counts()
    assert after["User"] == before["User"] + 1
    assert User.by_email("good@example.org") is not None
    assert User.by_email("nowhere@example.org") is None
    assert User.by_email("taken@example.org").display_name != "Taken"  # left as it was


# --- confirm: once, in one go -------------------------------------------------------------


def test_confirm_creates_accounts_profiles_and_invitations_once(coordinator_client, users):
    response = upload(coordinator_client, csv_bytes([HEADER, *ROWS]))
    before = counts()

    confirmed = confirm(coordinator_client, response)
    assert confirmed.status_code == 302
    after = counts()
    assert after["User"] == before["User"] + 3
    assert after["VolunteerProfile"] == before["VolunteerProfile"] + 3
    assert after["LanguageSkill"] == before["LanguageSkill"] + 7
    assert after["OutboxMessage"] == before["OutboxMessage"] + 3
    assert after["Consent"] == before["Consent"]  # consent is theirs to give

    amal = User.by_email("amal@example.org")
    assert amal.role is Role.VOLUNTEER and not amal.email_confirmed and amal.locale == "ar"
    assert amal.password_hash.startswith("$argon2")
    profile = db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == amal.id))
    assert profile.municipality.name == "Baunatal"
    assert profile.phone == "0561 123456" and profile.on_call is True
    assert {(s.code, s.level.value, s.level_rank) for s in profile.languages} == {
        ("ar-SY", "native", 7),
        ("de", "B2", 4),
    }
    assert User.by_email("jonas@example.org").locale == "de"
    imported = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "volunteer.imported")
    ).all()
    assert {entry.actor_id for entry in imported} == {users["coordinator"].id}

    html = page(coordinator_client.get(urlsplit(confirmed.headers["Location"]).path))
    assert "3 volunteers were invited" in html
    assert "Import 3 volunteers" not in html  # no second button

    again = confirm(coordinator_client, response)
    assert again.status_code == 302
    assert counts() == after
    followed = coordinator_client.get(urlsplit(again.headers["Location"]).path)
    assert "This list has already been imported." in page(followed)


def test_the_same_file_twice_creates_no_duplicates(admin_client):
    data = xlsx_bytes([HEADER, *ROWS])
    confirm(admin_client, upload(admin_client, data, "list.xlsx"))
    after_first = counts()

    second = upload(admin_client, data, "list.xlsx")
    html = preview_of(admin_client, second)
    assert html.count("Already has an account: this row will be skipped.") == 3
    assert "0 ready to import" in html
    assert "No row can be imported." in html
    confirm(admin_client, second)
    assert counts() == after_first


def test_a_previewed_row_whose_address_signs_up_meanwhile_is_skipped(coordinator_client):
    response = upload(coordinator_client, csv_bytes([HEADER, *ROWS]))
    UserFactory(email="olena@example.org")
    before = counts()
    confirm(coordinator_client, response)
    assert counts()["User"] == before["User"] + 2
    html = page(coordinator_client.get(f"{URL}/{batch_id(response)}"))
    assert "Skipped: an account with this address was created after the check." in html


def test_a_discarded_list_cannot_be_confirmed(coordinator_client):
    response = upload(coordinator_client, csv_bytes([HEADER, *ROWS]))
    before = counts()
    assert coordinator_client.post(f"{URL}/{batch_id(response)}/discard").status_code == 302
    assert confirm(coordinator_client, response).status_code == 404
    assert counts() == before
    assert db.session.get(ImportBatch, batch_id(response)) is None


# --- malformed and oversized files ------------------------------------------------------


def _broken_zip() -> bytes:
    return xlsx_bytes([HEADER, *ROWS])[:600]


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    return buffer.getvalue()


def _workbook_with_garbage_sheet() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER, *ROWS])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            content = source.read(name)
            if name.startswith("xl/worksheets/"):
                content = b"<worksheet><sheetData><row><c r='A1' t='s'><v>99"
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "The file is empty.", id="empty-upload"),
        pytest.param(b"\r\n  \r\n", "The file is empty.", id="blank"),
        pytest.param(_broken_zip(), "The Excel workbook is damaged", id="broken-zip"),
        pytest.param(_zip_without_workbook(), "This is a ZIP archive, not an Excel", id="docx"),
        pytest.param(
            _workbook_with_garbage_sheet(), "The Excel workbook is damaged", id="bad-sheet"
        ),
        pytest.param(bytes(range(256)) * 40, "neither a CSV file nor an Excel", id="binary"),
        pytest.param(b"%PDF-1.7\n\x00\x01\x02", "neither a CSV file nor an Excel", id="pdf"),
        pytest.param(b"\x81\x8d\x8f\x90\x9d", "neither a CSV file nor an Excel", id="undecodable"),
        pytest.param(
            csv_bytes([["vorname", "telefon"], ["Amal", "123"]]),
            "these columns are missing: name, email",
            id="no-name-email",
        ),
        pytest.param(
            csv_bytes([["name", "phone"], ["Amal", "1"]]), "column is missing: email", id="no-email"
        ),
        pytest.param(
            csv_bytes([["name", "email"]]), "a header row but no volunteers", id="header-only"
        ),
        pytest.param(
            csv_bytes([["name", "email"]] + [["A", f"a{i}@example.org"] for i in range(5001)]),
            "more than 5000 rows",
            id="too-many-rows",
        ),
    ],
)
def test_a_malformed_file_gets_a_clear_message_and_changes_nothing(
    coordinator_client, data, message
):
    before = counts(), db.session.scalar(select(func.count()).select_from(ImportBatch))
    response = upload(coordinator_client, data, "list.xlsx")
    assert response.status_code == 422
    html = page(response)
    assert message in html, html
    assert 'class="error-summary"' in html
    assert (counts(), db.session.scalar(select(func.count()).select_from(ImportBatch))) == before


def test_no_file_at_all_asks_for_one(coordinator_client):
    response = coordinator_client.post(URL, data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Please choose a file." in page(response)


def test_a_file_over_5_mb_is_refused_with_a_clear_message(coordinator_client):
    before = counts(), db.session.scalar(select(func.count()).select_from(ImportBatch))
    data = csv_bytes([["name", "email"]]) + b"x" * MAX_FILE_BYTES
    response = upload(coordinator_client, data)
    assert response.status_code == 413
    assert "The file is larger than 5 MB. Please split the list." in page(response)
    assert (counts(), db.session.scalar(select(func.count()).select_from(ImportBatch))) == before


def test_a_request_far_over_the_limit_is_refused_before_it_is_read(coordinator_client, client):
    data = b"x" * (8 * 1024 * 1024)
    response = upload(coordinator_client, data)
    assert response.status_code == 413
    assert "The file is larger than 5 MB. Please split the list." in page(response)
    # Other forms keep the small limit; a stranger gets the plain page.
    assert upload(client, data).status_code == 413
    assert "Please split the list" not in page(upload(client, data))


def test_a_file_of_exactly_5_mb_passes_the_size_check(coordinator_client):
    data = b"name;email;notes\r\n" + b"".join(
        f"Person {i};p{i}@example.org;".encode() + b"n" * 6000 + b"\r\n" for i in range(860)
    )
    data += b"Last;last@example.org;" + b"n" * (MAX_FILE_BYTES - len(data) - 22)
    assert len(data) == MAX_FILE_BYTES
    response = upload(coordinator_client, data)
    assert response.status_code == 302, page(response)[:2000]


def test_other_forms_keep_the_small_body_limit(client):
    response = client.post(
        "/auth/login", data={"email": "a@example.org", "password": "x" * 400_000}
    )
    assert response.status_code == 413


# --- invitation -------------------------------------------------------------------------


def _import(client, rows):
    response = upload(client, csv_bytes(rows))
    confirm(client, response)


def test_the_invitation_is_in_the_volunteers_language_with_a_link_from_the_base_url(
    app, coordinator_client, monkeypatch
):
    monkeypatch.setitem(app.config, "BASE_URL", "https://wirnet.example/wirnet")
    _import(coordinator_client, [HEADER, *ROWS])

    [arabic] = outbox(to="amal@example.org", template="volunteer_invitation")
    assert arabic.locale == "ar"
    with force_locale("ar"):
        greeting = gettext("Hello %(name)s,", name=isolate_text("Amal Haddad"))
    assert greeting.startswith("مرحب")  # the Arabic catalog's greeting …
    assert greeting in arabic.body_text  # … is the e-mail's
    link = LINK.search(arabic.body_text).group(0)
    assert link.startswith("https://wirnet.example/wirnet/invitation/")

    [german] = outbox(to="jonas@example.org", template="volunteer_invitation")
    assert german.locale == "de" and german.body_text.startswith("Hallo Jonas Müller,")
    [english] = outbox(to="olena@example.org", template="volunteer_invitation")
    assert english.subject == "Your invitation to WIRnet"
    assert "The link works once and for 14 days." in english.body_text


def _invitation_path(email: str) -> str:
    [message] = outbox(to=email, template="volunteer_invitation")
    return urlsplit(LINK.search(message.body_text).group(0)).path


def _accept(client, path, **overrides):
    data = {
        "display_name": "Olena Koval",
        "locale": "en",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "privacy_consent": "y",
    } | overrides
    return client.post(path, data=data)


def test_accepting_the_invitation_sets_the_password_consent_and_confirms(app, coordinator_client):
    _import(coordinator_client, [HEADER, *ROWS])
    path = _invitation_path("olena@example.org")
    visitor = app.test_client()

    shown = visitor.get(path)
    assert shown.status_code == 200
    assert 'value="Olena Kovalenko"' in page(shown)
    olena = User.by_email("olena@example.org")
    assert not olena.email_confirmed and olena.consents == []  # a GET changes nothing

    weak = _accept(visitor, path, password="short", password_confirm="short")
    assert weak.status_code == 422
    assert "Use at least 10 characters." in page(weak)
    assert 'value="Olena Koval"' in page(weak)  # what they typed is kept
    db.session.refresh(olena)
    assert not olena.email_confirmed

    no_consent = _accept(visitor, path, privacy_consent="")
    assert no_consent.status_code == 422
    assert "Please agree to the privacy notice" in page(no_consent)

    done = _accept(visitor, path)
    assert done.status_code == 302
    assert urlsplit(done.headers["Location"]).path == "/home"
    db.session.expire_all()
    olena = User.by_email("olena@example.org")
    assert olena.email_confirmed and olena.display_name == "Olena Koval"
    assert [(c.kind, c.notice_version) for c in olena.consents] == [
        ("privacy_notice", app.config["PRIVACY_NOTICE_VERSION"])
    ]
    home = visitor.get("/home")
    assert home.status_code == 200  # logged in
    assert "Welcome, Olena Koval. Your account is ready." in page(home)

    # The link is dead now, and the new password works.
    assert app.test_client().get(path).status_code == 400
    assert _accept(app.test_client(), path).status_code == 400
    login = app.test_client().post(
        "/auth/login", data={"email": "olena@example.org", "password": PASSWORD}
    )
    assert login.status_code == 302 and urlsplit(login.headers["Location"]).path == "/home"


def test_the_invitation_page_speaks_the_volunteers_language(app, coordinator_client):
    _import(coordinator_client, [HEADER, *ROWS])
    html = page(app.test_client().get(_invitation_path("amal@example.org")))
    assert 'lang="ar" dir="rtl"' in html


def test_a_forged_or_altered_invitation_link_is_refused(app, coordinator_client):
    _import(coordinator_client, [HEADER, *ROWS])
    path = _invitation_path("jonas@example.org")
    assert app.test_client().get(path[:-3] + "abc").status_code == 400
    assert app.test_client().get("/invitation/not-a-token").status_code == 400


def test_nobody_can_log_in_to_an_imported_account_before_the_invitation(app, coordinator_client):
    _import(coordinator_client, [HEADER, *ROWS])
    for guess in ("", "wirnet-demo", "amal@example.org", "None"):
        response = app.test_client().post(
            "/auth/login", data={"email": "amal@example.org", "password": guess}
        )
        assert response.status_code in (401, 422)


def test_only_coordinators_and_admins_may_import(client_as):
    data = csv_bytes([HEADER, *ROWS])
    response = upload(client_as("coordinator"), data)
    batch = f"{URL}/{batch_id(response)}"
    before = counts()
    for role in ("volunteer", "other_volunteer", "org_member"):
        client = client_as(role)
        assert upload(client, data).status_code == 403
        assert client.get(batch).status_code == 403  # nobody else sees the uploaded list
        assert client.post(batch + "/confirm").status_code == 403
        assert client.post(batch + "/discard").status_code == 403
    anonymous = client_as("anonymous")
    assert urlsplit(anonymous.get(batch).headers["Location"]).path == "/auth/login"
    assert counts() == before
    assert db.session.get(ImportBatch, batch_id(response)) is not None


def test_an_ordinary_csv_of_a_few_hundred_kilobytes_is_read(coordinator_client):
    """Werkzeug reads multipart bodies in 64 KiB chunks; the upload's form-memory limit must
    leave room for that, or every longer list would be refused."""
    rows = [["name", "email", "municipality", "languages"]] + [
        [f"Person {i}", f"p{i}@example.org", "Baunatal", "ar:native;de:B2"] for i in range(4000)
    ]
    data = csv_bytes(rows)
    assert len(data) > 200 * 1024
    html = preview_of(coordinator_client, upload(coordinator_client, data))
    assert "4000 ready to import" in html


def test_a_list_of_languages_not_in_quotes_is_named_as_the_problem(coordinator_client):
    data = b"name;email;languages\r\nAmal Haddad;amal@example.org;ar:native;de:B2\r\n"
    html = preview_of(coordinator_client, upload(coordinator_client, data))
    assert "This row has more values than there are columns." in html
    assert "0 ready to import" in html
