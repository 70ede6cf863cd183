"""The centre's own pages (contact, imprint, privacy notice) and the pages' finish:
meta descriptions, the error summary, labels, one greeting."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale, gettext

from tests.conftest import make_app
from tests.factories import PASSWORD, UserFactory
from tests.helpers import page
from wirnet.centre import CentreFileError, load_centre
from wirnet.config import Config, ConfigError

EN = {"Accept-Language": "en"}
DE = {"Accept-Language": "de"}
PUBLIC_PAGES = ["/", "/contact", "/imprint", "/privacy", "/auth/login", "/auth/signup"]


class Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.footer_links: list[str] = []
        self._in_footer = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and "name" in attributes:
            self.meta[attributes["name"]] = attributes.get("content", "")
        if tag == "footer":
            self._in_footer = True
        if tag == "a" and self._in_footer:
            self.footer_links.append(attributes.get("href", ""))

    def handle_endtag(self, tag):
        if tag == "footer":
            self._in_footer = False


def parse(html: str) -> Meta:
    parser = Meta()
    parser.feed(html)
    return parser


CENTRE_FILE = """
example = false
[contact]
street = "Wilhelmsstraße 2"
postcode = "34117"
city = "Kassel"
phone = "+49 (561) 1003-1234"
email = "kontakt@wir-kassel.example"
opening_hours = [{ days = ["fri"], opens = "08:30", closes = "13:00" }]
[provider]
name = "Landkreis Beispiel"
legal_form = "Körperschaft des öffentlichen Rechts"
represented_by = "Dr. Jana Beispiel, Landrätin"
street = "Kreishausplatz 1"
postcode = "34000"
city = "Beispielstadt"
email = "post@landkreis.example"
[content]
name = "Omar Haddad"
role = "Leitung"
[data_protection]
name = "Datenschutz Landkreis Beispiel"
email = "dsb@landkreis.example"
[retention]
inactive_account_months = 18
closed_request_months = 6
audit_log_months = 3
"""


@pytest.fixture
def centre_file(tmp_path):
    path = tmp_path / "centre.toml"
    path.write_text(CENTRE_FILE, encoding="utf-8")
    return path


@pytest.fixture
def own_centre_client(database_url, centre_file):
    return make_app(database_url, CENTRE_FILE=str(centre_file)).test_client()


# --- contact and imprint --------------------------------------------------------------


def test_contact_page_shows_how_to_reach_the_centre(client):
    html = page(client.get("/contact", headers=EN))
    address = re.search(r"<address>(.*?)</address>", html, re.S).group(1)
    assert "Musterstraße 1" in address and "34117 Kassel" in address
    assert 'href="tel:+495610000000"' in address
    assert 'href="mailto:wir-zentrum@example.org"' in address
    # Opening hours, with the days and times of the reader's language.
    assert "Monday, Tuesday, and Thursday" in html and "09:00" in html
    german = page(client.get("/contact", headers=DE))
    assert "Montag, Dienstag und Donnerstag" in german


def test_the_demo_values_are_marked_as_examples_and_a_real_file_is_not(client, own_centre_client):
    for path in ("/contact", "/imprint", "/privacy"):
        assert 'class="example-notice"' in page(client.get(path, headers=EN)), path
        own = page(own_centre_client.get(path, headers=EN))
        assert 'class="example-notice"' not in own, path


def test_imprint_names_provider_representative_and_who_answers_for_the_content(
    own_centre_client,
):
    html = page(own_centre_client.get("/imprint", headers=EN))
    for expected in (
        "Landkreis Beispiel",
        "Körperschaft des öffentlichen Rechts",
        "Dr. Jana Beispiel, Landrätin",
        "Kreishausplatz 1",
        "34000 Beispielstadt",
        'href="mailto:post@landkreis.example"',
        "Responsible for the content",
        "Omar Haddad",
    ):
        assert expected in html, expected
    assert "<address>" in html
    # The demo's example values are gone with the centre's own file.
    assert "Musterkreis" not in html


def test_contact_page_phone_link_dials_digits_only(own_centre_client):
    html = page(own_centre_client.get("/contact", headers=EN))
    assert 'href="tel:+4956110031234"' in html
    assert "Friday" in html and "08:30" in html


def test_the_centre_file_can_be_named_in_the_environment(monkeypatch, centre_file):
    monkeypatch.setenv("WIRNET_CENTRE_FILE", str(centre_file))
    assert Config.from_env()["CENTRE_FILE"] == str(centre_file)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda text: text.replace('represented_by = "Dr. Jana Beispiel, Landrätin"\n', ""),
            "represented_by is missing",
        ),
        (
            lambda text: text.replace('"kontakt@wir-kassel.example"', '"kontakt"'),
            "not an e-mail address",
        ),
        (
            lambda text: text.replace("audit_log_months = 3", 'audit_log_months = "3"'),
            "audit_log_months",
        ),
        (
            lambda text: text.replace('closes = "13:00"', 'closes = "07:00"'),
            "closes must come after opens",
        ),
    ],
)
def test_a_wrong_centre_file_stops_the_start_and_says_what_is_wrong(
    tmp_path, database_url, change, message
):
    path = tmp_path / "centre.toml"
    path.write_text(change(CENTRE_FILE), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        make_app(database_url, CENTRE_FILE=str(path))
    with pytest.raises(CentreFileError, match=str(path.name)):
        load_centre(path)
    with pytest.raises(CentreFileError, match="does not exist"):
        load_centre(tmp_path / "missing.toml")


@pytest.mark.parametrize("role", ["anonymous", "volunteer", "coordinator"])
def test_every_page_footer_links_contact_imprint_and_privacy(client_as, role):
    client = client_as(role)
    for path in ["/", "/privacy", "/auth/login", "/nowhere", "/home", "/auth/account"]:
        response = client.get(path, headers=EN, follow_redirects=True)
        links = parse(page(response)).footer_links
        assert {"/contact", "/imprint", "/privacy"} <= set(links), (role, path, links)


def test_organisation_panel_links_to_the_contact_page(client):
    html = page(client.get("/", headers=EN))
    panel = re.search(r"<h2>For organisations</h2>(.*?)</section>", html, re.S).group(1)
    assert 'href="/contact"' in panel
    assert "Please contact the centre" not in panel


# --- privacy notice -------------------------------------------------------------------


def test_privacy_notice_names_controller_officer_and_how_long_data_is_kept(
    own_centre_client,
):
    html = page(own_centre_client.get("/privacy", headers=EN))
    controller = html.split("Data protection officer")[0]
    assert "Landkreis Beispiel" in controller and "Kreishausplatz 1" in controller
    assert "Dr. Jana Beispiel, Landrätin" in controller
    assert "Datenschutz Landkreis Beispiel" in html
    assert 'href="mailto:dsb@landkreis.example"' in html
    # The retention periods are the centre's, from its file.
    assert "for 18 months is deleted" in html
    assert "deleted after 3 months" in html
    assert "6 months after they are closed" in html


def test_privacy_notice_version_is_a_date_in_the_readers_language(client, app):
    assert app.config["PRIVACY_NOTICE_VERSION"] == "2026-11-27"
    assert "November 27, 2026" in page(client.get("/privacy", headers=EN))
    assert "27. November 2026" in page(client.get("/privacy", headers=DE))
    assert "2026-11" not in page(client.get("/privacy", headers=DE))


# --- meta descriptions ----------------------------------------------------------------


@pytest.mark.parametrize("locale", ["de", "en", "ar"])
def test_public_pages_describe_themselves_in_the_page_language(client, app, locale):
    descriptions = {}
    for path in PUBLIC_PAGES:
        html = page(client.get(path, headers={"Accept-Language": locale}))
        descriptions[path] = parse(html).meta.get("description", "")
        assert descriptions[path].strip(), path
        assert "<" not in descriptions[path] and "%(" not in descriptions[path], path
    assert len(set(descriptions.values())) == len(PUBLIC_PAGES), descriptions
    with app.test_request_context(), force_locale(locale):
        expected = gettext(
            "What data WIRnet stores and why, who sees it, how long it is kept, and your rights."
        )
    assert descriptions["/privacy"] == expected


# --- forms: error summary, labels -----------------------------------------------------


def test_error_summary_names_the_consent_field_briefly_and_takes_the_focus(client):
    html = page(client.post("/auth/signup", data={"display_name": "Amal"}, headers=EN))
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert summary, html
    assert "autofocus" in summary.group(0).split(">")[0]
    consent = re.search(r'<a href="#privacy_consent">(.*?)</a>', summary.group(1), re.S)
    assert consent.group(1).startswith("Privacy notice: ")
    assert ".:" not in summary.group(1)
    assert "I have read" not in summary.group(1)
    # Other fields keep their own label.
    assert '<a href="#email">E-mail address: ' in summary.group(1)


def test_the_new_password_on_the_account_page_is_called_new_password(client_as, client):
    html = page(client_as("volunteer").get("/auth/account", headers=EN))
    assert re.search(r'<label for="password-password">New password</label>', html)
    assert '<label for="password-current_password">Current password</label>' in html
    signup = page(client.get("/auth/signup", headers=EN))
    assert '<label for="password">Password</label>' in signup


# --- one greeting ------------------------------------------------------------------


def test_a_log_in_greets_once(client):
    user = UserFactory(display_name="Hana Greeting", email="hana@example.org")
    response = client.post(
        "/auth/login",
        data={"email": user.email, "password": PASSWORD},
        headers=EN,
        follow_redirects=True,
    )
    html = page(response)
    assert "Welcome," in html and "Hana Greeting" in html  # the message greets ...
    h1 = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert "Hana Greeting" not in h1 and "Hello" not in h1  # ... the heading does not
    assert h1 == "My overview"
