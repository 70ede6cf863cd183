"""Arabic pages and mails keep left-to-right values (addresses, names) in their order:
``0176@web.de`` must not turn into ``web.de@0176``."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string
from flask_babel import force_locale, gettext

from tests.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.helpers import last_link, outbox, page
from wirnet.bidi import FSI, PDI, isolated
from wirnet.extensions import db
from wirnet.i18n_check import check_catalogs
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


# --- left-to-right fragments inside right-to-left translations --------------------------
#
# "M. K." showed as ".M. K", "2024-17" as "17-2024" and "(.ics file)" as "(ics. file)":
# the catalogs wrap such fragments in LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE.

LRI = "\u2066"
RIGHT_TO_LEFT = ("ar", "fa", "ps")


def ltr(fragment: str) -> str:
    return f"{LRI}{fragment}{PDI}"


def test_the_client_reference_hint_keeps_its_examples_in_order_in_persian(client_as, users, orgs):
    users["org_member"].locale = "fa"
    db.session.flush()
    html = page(client_as("org_member").get("/requests/new"))
    assert '<html lang="fa" dir="rtl">' in html
    assert f"مثلاً {ltr('M. K.')} یا {ltr('2024-17')}." in html


def test_the_calendar_button_keeps_ics_in_order_in_persian(client_as, users, orgs):
    from tests.integration.followup_support import booked_request, profile_for
    from tests.integration.request_support import in_days

    users["volunteer"].locale = "fa"
    db.session.flush()
    _item, row = booked_request(
        orgs["org_member"], profile_for(users["volunteer"]), starts_at=in_days(10)
    )
    html = page(client_as("volunteer").get(f"/volunteer/assignments/{row.id}"))
    assert f"افزودن به تقویم من (فایل {ltr('.ics')})" in html


@pytest.mark.parametrize("locale", RIGHT_TO_LEFT)
def test_right_to_left_catalogs_isolate_codes_dates_and_file_types(app, locale):
    with app.test_request_context(), force_locale(locale):
        hint = gettext(
            "Initials or your own number, for example M. K. or 2024-17. "
            "Do not enter the client's name."
        )
        assert ltr("M. K.") in hint and ltr("2024-17") in hint
        assert ltr(".ics") in gettext("Add to my calendar (.ics file)")
        assert ltr("2025-03-14") in gettext("Please enter the date, for example 2025-03-14.")
        assert ltr("name@example.org") in gettext(
            "Please enter a valid e-mail address, such as name@example.org."
        )
        # A placeholder for what someone typed into an import file: either direction.
        assert f"{FSI}%(value)s{PDI}" in gettext("Unknown language code: %(value)s.")
        assert f"{FSI}ar-SY{PDI}" in gettext("Unknown language code: %(value)s.", value="ar-SY")


def test_every_right_to_left_catalog_passes_the_bidi_check():
    problems = [p for p in check_catalogs(RIGHT_TO_LEFT) if "left-to-right" in p or "isolate" in p]
    assert not problems, "\n".join(problems)


def bidi_problems_of(locale: str, msgid: str, msgstr: str) -> list[str]:
    from babel.messages.catalog import Message

    from wirnet.i18n_check import bidi_problems

    return bidi_problems(Message(msgid, msgstr), locale)


def test_the_bidi_check_reports_unisolated_left_to_right_fragments():
    from wirnet.i18n_check import unisolated_fragments

    assert unisolated_fragments("مثلاً M. K. یا 2024-17.") == ["M.", "2024-17"]
    assert unisolated_fragments("فایل .ics") == [".ics"]
    assert unisolated_fragments("(USt-IdNr.)") == ["USt-IdNr"]
    assert unisolated_fragments("مانند name@example.org.") == ["name@example.org"]
    assert unisolated_fragments("مثلاً +49 561 123456.") == ["+4"]
    [problem] = bidi_problems_of("fa", "e.g. M. K.", "مثلاً M. K.")
    assert "'M.'" in problem and "U+2066" in problem
    assert bidi_problems_of("ar", "2024-17", "مثل 2024-17")
    assert bidi_problems_of("ps", "(.ics file)", "(.ics فایل)")


def test_the_bidi_check_accepts_isolates_placeholders_numbers_and_sentence_ends():
    fine = {
        "مثلاً ⁦M. K.⁩ یا ⁦2024-17⁩.",  # isolated (LRI)
        "کد: ⁨%(ref)s⁩",  # an isolated placeholder (FSI)
        "زبان %(value)s: سطح",  # a placeholder: what it stands for is checked by hand
        "مثلاً 1.5.",  # a decimal number keeps its order
        "ساعت 09:30 تا 16:00",  # so do times
        "foot، bicycle یا car.",  # the full stop of the Persian sentence
        "سطح‌ها: native، C2، C1، B2.",
        "(Führungszeugnis)",
        "WIRnet: مأموریت‌های من",
    }
    for msgstr in fine:
        assert not bidi_problems_of("fa", "x", msgstr), msgstr
    # Left-to-right catalogs are left alone.
    assert not bidi_problems_of("de", "e.g. M. K.", "z. B. M. K. oder 2024-17")


def test_the_bidi_check_reports_isolates_that_do_not_pair_up():
    assert bidi_problems_of("ar", "x", "مثل ⁦M. K.")
    assert bidi_problems_of("ar", "x", "مثل M⁩")
    assert not bidi_problems_of("ar", "x", "مثل ⁦⁨M. K.⁩⁩")
