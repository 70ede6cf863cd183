"""Arabic pages and mails keep left-to-right values (addresses, names) in their order:
``0176@web.de`` must not turn into ``web.de@0176``."""

from __future__ import annotations

import re

from flask import render_template_string
from flask_babel import force_locale

from tests.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.helpers import last_link, outbox, page
from wirnet.bidi import FSI, PDI, isolated
from wirnet.mail.outbox import render_message

AR = {"Accept-Language": "ar"}
ADDRESS = "0176@web.de"


def email_inputs(html: str) -> list[str]:
    return re.findall(r"<input [^>]*type=\"email\"[^>]*>", html)


def test_email_inputs_run_left_to_right_on_arabic_pages(client):
    for path in ("/auth/signup", "/auth/login", "/auth/forgot"):
        html = page(client.get(path, headers=AR))
        assert 'dir="rtl"' in html.split(">")[1]  # the page itself is right to left
        inputs = email_inputs(html)
        assert inputs, path
        assert all('dir="ltr"' in tag for tag in inputs), (path, inputs)
    user = UserFactory(locale="ar")
    log_in(client, user)
    inputs = email_inputs(page(client.get("/auth/account")))
    assert inputs and all('dir="ltr"' in tag for tag in inputs), inputs


def test_language_options_carry_their_own_language(client):
    html = page(client.get("/auth/signup", headers={"Accept-Language": "de"}))
    switcher = re.search(r'<select[^>]*id="lang-locale".*?</select>', html, re.S).group(0)
    options = {
        value: attrs for attrs, value in re.findall(r'<option ([^>]*)value="(\w+)"', switcher)
    }
    assert 'lang="ar"' in options["ar"] and 'dir="rtl"' in options["ar"]
    assert 'lang="de"' in options["de"] and 'dir="ltr"' in options["de"]
    assert 'lang="en"' in options["en"]
    # The sign-up form's own language list too.
    signup = re.search(r'<select[^>]*id="locale".*?</select>', html, re.S).group(0)
    assert re.search(r'<option [^>]*lang="ar"[^>]*>العربية</option>', signup)


def test_an_address_on_a_page_is_isolated(client):
    user = UserFactory(locale="ar", email=ADDRESS)
    log_in(client, user)
    assert f"<bdi>{ADDRESS}</bdi>" in page(client.get("/auth/account"))


def test_a_message_quoting_an_address_isolates_it(client):
    response = client.post(
        "/auth/forgot", data={"email": ADDRESS}, headers=AR, follow_redirects=True
    )
    flash = re.search(r'<p class="flash[^>]*>(.*?)</p>', page(response), re.S).group(1)
    assert f"<bdi>{ADDRESS}</bdi>" in flash


def test_email_change_messages_isolate_the_new_address(client):
    user = UserFactory(locale="ar")
    log_in(client, user)
    response = client.post(
        "/auth/account/email",
        data={"email-new_email": ADDRESS, "email-current_password": PASSWORD},
        follow_redirects=True,
    )
    assert f"<bdi>{ADDRESS}</bdi>" in page(response)
    link = last_link(ADDRESS, "confirm_email_change")
    assert f"<bdi>{ADDRESS}</bdi>" in page(client.get(link))


def test_isolated_values_are_escaped(app):
    with app.test_request_context():
        message = isolated("Hello %(name)s & welcome", name="<script>alert(1)</script>")
        assert str(message) == (
            "Hello <bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi> &amp; welcome"
        )
        rendered = render_template_string("{{ name|isolate }}", name="<b>Rana</b>")
        assert rendered == "<bdi>&lt;b&gt;Rana&lt;/b&gt;</bdi>"


def test_a_mail_to_an_arabic_reader_isolates_the_address_and_the_name(client):
    user = UserFactory(locale="ar", display_name="Rana Haddad")
    old_email = user.email
    log_in(client, user)
    client.post(
        "/auth/account/email",
        data={"email-new_email": ADDRESS, "email-current_password": PASSWORD},
    )
    client.post(last_link(ADDRESS, "confirm_email_change"))
    [message] = outbox(old_email, "email_changed")
    assert message.locale == "ar"
    assert f"{FSI}{ADDRESS}{PDI}" in message.body_text
    assert f"{FSI}Rana Haddad{PDI}" in message.body_text


def test_left_to_right_mails_isolate_only_right_to_left_values(app):
    with app.test_request_context():
        german = UserFactory.build(locale="de", display_name="Jonas Weber")
        _, body = render_message("password_changed", "de", user=german)
        assert FSI not in body and "Jonas Weber" in body
        arabic_name = UserFactory.build(locale="de", display_name="رنا حداد")
        _, body = render_message("password_changed", "de", user=arabic_name)
        assert f"{FSI}رنا حداد{PDI}" in body
        with force_locale("ar"):
            _, body = render_message("password_changed", "ar", user=german)
        assert f"{FSI}Jonas Weber{PDI}" in body
