"""The ``flask`` commands an operator runs: create-user, demo-data, regions load, babel-check.

The commands use ``db.session``, which the ``db_session`` fixture binds to the test's
rolled-back transaction, so what they commit is visible here and gone after each test.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import func, select

from tests.conftest import TEST_DATABASE_URL
from tests.factories import UserFactory
from wirnet import create_app, i18n_check
from wirnet.auth.models import Consent, User
from wirnet.config import TestConfig
from wirnet.extensions import db
from wirnet.regions import Municipality
from wirnet.roles import Role

DEMO_LOGINS = {
    "admin@example.org": Role.ADMIN,
    "coordinator@example.org": Role.COORDINATOR,
    "volunteer@example.org": Role.VOLUNTEER,
    "org@example.org": Role.ORG_MEMBER,
}


def run(app, *args: str, input: str | None = None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def log_in(client, email: str, password: str):
    return client.post("/auth/login", data={"email": email, "password": password})


def redirect_path(response) -> str:
    return urlsplit(response.headers["Location"]).path


# --- create-user ---------------------------------------------------------------------


def test_create_user_with_password_on_stdin_makes_a_confirmed_account_that_can_log_in(app):
    result = run(
        app,
        "create-user",
        "--role",
        "coordinator",
        "--email",
        "Lea@Example.org",
        "--name",
        "Lea Schulz",
        "--password-stdin",
        input="a strong passphrase here\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created coordinator lea@example.org." in result.output

    user = User.by_email("lea@example.org")
    assert user is not None
    assert user.email == "lea@example.org"
    assert user.display_name == "Lea Schulz"
    assert user.role is Role.COORDINATOR
    assert user.email_confirmed

    response = log_in(app.test_client(), "LEA@example.org", "a strong passphrase here")
    assert response.status_code == 302
    assert redirect_path(response) == "/home"


CREATE_AMAL = ("create-user", "--role", "volunteer", "--email", "amal@example.org")


def test_create_user_asks_for_the_password_twice_on_the_terminal(app):
    result = run(
        app,
        *CREATE_AMAL,
        input="pass phrase one two\npass phrase one two\n",
    )
    assert result.exit_code == 0, result.output
    assert "pass phrase one two" not in result.output  # the input is hidden
    user = User.by_email("amal@example.org")
    assert user is not None
    assert user.display_name == "amal@example.org"  # no --name: the e-mail
    response = log_in(app.test_client(), "amal@example.org", "pass phrase one two")
    assert redirect_path(response) == "/home"


def test_create_user_refuses_a_confirmation_that_does_not_match(app):
    result = run(
        app,
        *CREATE_AMAL,
        input="pass phrase one two\npass phrase one three\n",
    )
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert User.by_email("amal@example.org") is None


def test_create_user_refuses_weak_passwords_and_taken_addresses(app):
    UserFactory(email="taken@example.org")
    before = count(User)
    cases = [
        ("new@example.org", "too short\n", "at least 10 characters"),
        ("new@example.org", "1234567890\n", "too common"),
        ("TAKEN@Example.org", "a strong passphrase here\n", "taken@example.org already exists"),
    ]
    for email, password, message in cases:
        result = run(
            app,
            "create-user",
            "--role",
            "admin",
            "--email",
            email,
            "--password-stdin",
            input=password,
        )
        assert result.exit_code != 0, (email, password)
        assert "Error:" in result.output
        assert message in result.output, result.output
    assert count(User) == before
    assert User.by_email("new@example.org") is None
    assert User.by_email("taken@example.org").role is Role.VOLUNTEER


# --- demo-data -----------------------------------------------------------------------


def test_demo_data_creates_the_documented_logins_and_the_region(app):
    result = run(app, "demo-data", "--seed", "1")
    assert result.exit_code == 0, result.output
    assert "Demo data ready" in result.output

    for email, role in DEMO_LOGINS.items():
        user = User.by_email(email)
        assert user is not None, email
        assert user.role is role
        assert user.email_confirmed
        assert [c.kind for c in user.consents] == ["privacy_notice"]
    assert count(Municipality) == 28
    # + coordinator2, org2, org3 (a member), org4 (a pending organisation), 12 volunteers
    assert count(User) == len(DEMO_LOGINS) + 4 + 12

    response = log_in(app.test_client(), "coordinator@example.org", "wirnet-demo")
    assert response.status_code == 302
    assert redirect_path(response) == "/home"


def test_demo_data_twice_changes_nothing(app):
    assert run(app, "demo-data", "--seed", "1").exit_code == 0
    counts = (count(User), count(Municipality), count(Consent))

    result = run(app, "demo-data", "--seed", "1")
    assert result.exit_code == 0, result.output
    assert "(0 new records)" in result.output
    assert (count(User), count(Municipality), count(Consent)) == counts


def _demo_volunteer_names() -> list[str]:
    stmt = select(User).where(User.email.like("volunteer0%")).order_by(User.email)
    return [user.display_name for user in db.session.scalars(stmt)]


def _remove_demo_volunteers() -> None:
    stmt = select(User).where(User.email.like("volunteer0%"))
    for user in db.session.scalars(stmt):
        db.session.delete(user)
    db.session.flush()


def test_demo_data_with_the_same_seed_gives_the_same_volunteers(app):
    assert run(app, "demo-data", "--seed", "1").exit_code == 0
    first = _demo_volunteer_names()
    assert len(first) == 12

    _remove_demo_volunteers()
    assert run(app, "demo-data", "--seed", "1").exit_code == 0
    assert _demo_volunteer_names() == first

    _remove_demo_volunteers()
    assert run(app, "demo-data", "--seed", "2").exit_code == 0
    assert _demo_volunteer_names() != first


# --- regions -------------------------------------------------------------------------


def test_regions_load_reads_the_landkreis_kassel(app):
    result = run(app, "regions", "load")
    assert result.exit_code == 0, result.output
    assert "28 municipalities added or updated." in result.output

    municipalities = list(db.session.scalars(select(Municipality)))
    assert len(municipalities) == 28
    names = {m.name for m in municipalities}
    assert {"Söhrewald", "Baunatal", "Bad Karlshafen"} <= names
    for m in municipalities:
        assert 51.15 <= m.lat <= 51.65, m.name
        assert 9.05 <= m.lon <= 9.75, m.name
        assert len(m.ags) == 8 and m.ags.startswith("06633"), m.name

    again = run(app, "regions", "load")
    assert "0 municipalities added or updated." in again.output
    assert count(Municipality) == 28


def test_regions_load_takes_another_centres_file_from_wirnet_region_file(
    app, database_url, tmp_path, monkeypatch
):
    region_file = tmp_path / "landkreis-fulda.csv"
    region_file.write_text(
        "ags,name,kind,lat,lon\n"
        "06631009,Fulda,Stadt,50.5528,9.6778\n"
        "06631014,Hünfeld,Stadt,50.6725,9.7681\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("WIRNET_REGION_FILE", str(region_file))
    monkeypatch.setenv("WIRNET_DATABASE_URL", TEST_DATABASE_URL or database_url)
    other = create_app(TestConfig)
    assert other.config["REGION_FILE"] == str(region_file)

    with other.app_context():
        result = run(other, "regions", "load")
        assert result.exit_code == 0, result.output
        assert "2 municipalities added or updated." in result.output
        loaded = {m.name: (m.kind, m.lat, m.lon) for m in db.session.scalars(select(Municipality))}
        db.engine.dispose()
    assert loaded == {
        "Fulda": ("Stadt", 50.5528, 9.6778),
        "Hünfeld": ("Stadt", 50.6725, 9.7681),
    }


# --- babel-check ---------------------------------------------------------------------

UNTRANSLATED = "A message nobody translated"


def test_babel_check_fails_with_a_pointer_to_make_babel(app, monkeypatch):
    real = i18n_check.extract_messages
    monkeypatch.setattr(i18n_check, "extract_messages", lambda: real() | {UNTRANSLATED})
    result = run(app, "babel-check")
    assert result.exit_code != 0
    assert "make babel" in result.output
    assert repr(UNTRANSLATED) in result.output


def test_catalog_check_reports_messages_missing_from_the_catalogs(monkeypatch):
    real = i18n_check.extract_messages
    monkeypatch.setattr(i18n_check, "extract_messages", lambda: real() | {UNTRANSLATED})
    problems = i18n_check.check_catalogs()
    for locale in ("de", "ar"):
        assert f"{locale}: missing (run `make babel`): {UNTRANSLATED!r}" in problems
    assert not any(p.startswith("en:") for p in problems)  # English is the source language


def test_catalog_check_reports_stale_entries(monkeypatch):
    monkeypatch.setattr(i18n_check, "extract_messages", set)
    problems = i18n_check.check_catalogs()
    for locale in ("de", "ar"):
        assert any(p.startswith(f"{locale}: stale, no longer in the code:") for p in problems)
    assert not any("missing (run `make babel`)" in p for p in problems)
