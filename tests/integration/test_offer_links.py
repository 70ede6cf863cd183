"""The accept and decline links of an offer: an e-mail in the volunteer's language, a page
that changes nothing until its button is pressed, the booking with the address and the
contact, and a clear page (and nothing changed) for a forged, altered, older, used or
expired link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.helpers import LINK, outbox, page, text
from tests.integration.assignment_support import (
    fresh,
    offer_path,
    open_request,
    propose,
    state_of_everything,
    volunteer,
)
from tests.integration.request_support import in_days
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.log_redaction import redact
from wirnet.matching import assignments
from wirnet.requests.models import AssignmentState, RequestState

A = AssignmentState


@pytest.fixture
def offer(users, orgs):
    """One request of org_member's organisation offered to two volunteers (German and
    Arabic)."""
    item = open_request(orgs["org_member"], address="Hauptstraße 7, 34225 Baunatal")
    first = volunteer("Amina Yusuf", locale="de")
    second = volunteer("Bilal Haddad", locale="ar")
    made = propose(item, first, second, coordinator=users["coordinator"])
    db.session.commit()
    return item, made


def shows(response, message: str) -> bool:
    """Whether the page shows ``message`` in the page's own language (the volunteer's, or
    the visitor's for a link that names nobody)."""
    import html as html_module

    from flask_babel import force_locale, gettext

    body = html_module.unescape(text(response))
    language = re.search(r'<html lang="([^"]+)"', body).group(1)
    with force_locale(language):
        return gettext(message) in body


def _links(message) -> list[str]:
    return [link for link in LINK.findall(message.body_text) if "/offer/" in link]


def test_the_offer_mail_is_in_the_volunteers_language_with_two_links(offer):
    item, (first, second) = offer
    [german] = outbox(to=first.profile.user.email, template="offer")
    [arabic] = outbox(to=second.profile.user.email, template="offer")
    assert (german.locale, arabic.locale) == ("de", "ar")
    assert "Hallo Amina Yusuf" in german.body_text
    assert "مرحبًا" in arabic.body_text
    for message in (german, arabic):
        accept, decline = _links(message)
        assert accept.endswith("/accept") and decline.endswith("/decline")
        assert "Baunatal" in message.body_text  # the municipality ...
        assert "Hauptstraße" not in message.body_text  # ... never the address before accepting
        assert "Eritreische Gemeinde Kassel" in message.body_text
    # The date in Berlin's time and the reader's language: "Freitag, 11. Dezember 2026".
    assert item.starts_at.astimezone(assignments_berlin()).strftime("%Y") in german.body_text


def assignments_berlin():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Berlin")


def test_opening_a_link_changes_nothing_and_asks_for_one_click(client, offer):
    _item, (first, _second) = offer
    before = state_of_everything()
    response = client.get(offer_path(first))
    assert response.status_code == 200
    html = text(response)
    assert "Baunatal" in html and "Eritreische Gemeinde Kassel" in html
    assert "Hauptstraße" not in html
    assert html.count('type="submit" class="button"') == 1  # the one "Accept" button
    assert state_of_everything() == before
    # The decline page (GET) changes nothing either.
    assert client.get(offer_path(first, "decline")).status_code == 200
    assert state_of_everything() == before


def test_accepting_books_and_tells_everyone_concerned(client, users, offer):
    item, (first, second) = offer
    response = client.post(offer_path(first))
    assert response.status_code == 200
    html = text(response)
    assert shows(response, "You are booked")
    assert "Hauptstraße 7, 34225 Baunatal" in html  # the address, now
    assert "Semhar Org" in html  # the organisation's contact
    assert fresh(first).state is A.ACCEPTED
    assert fresh(first).starts_at == item.starts_at
    assert fresh(second).state is A.WITHDRAWN
    assert fresh(item).state is RequestState.ASSIGNED
    # The other volunteer is told, in Arabic, that someone else took it.
    [withdrawn] = outbox(to=second.profile.user.email, template="offer_withdrawn")
    assert withdrawn.locale == "ar"
    # The booked volunteer gets the address and the contact by e-mail.
    [booked] = outbox(to=first.profile.user.email, template="booked")
    assert "Hauptstraße 7" in booked.body_text and "Semhar Org" in booked.body_text
    # The poster's organisation: the name, never the volunteer's e-mail address, and no
    # phone number (this volunteer does not share it).
    [told] = outbox(to=users["org_member"].email, template="booked_poster")
    assert "Amina Yusuf" in told.body_text
    assert first.profile.user.email not in told.body_text + told.subject
    assert first.profile.phone not in told.body_text


def test_the_other_offers_link_now_says_it_was_taken(client, offer):
    _item, (first, second) = offer
    client.post(offer_path(first))
    before = state_of_everything()
    for method in (client.get, client.post):
        response = method(offer_path(second))
        assert response.status_code == 410
        assert shows(response, "This offer has been withdrawn")
        assert shows(
            response,
            "Someone else has taken this appointment, or the centre has found another way. "
            "Thank you all the same!",
        )
    assert state_of_everything() == before


def test_the_poster_sees_the_phone_number_only_if_the_volunteer_shares_it(client, users, orgs):
    item = open_request(orgs["org_member"])
    sharing = volunteer("Chiara Phone", share_phone=True, phone="+49 151 2345678")
    [row] = propose(item, sharing, coordinator=users["coordinator"])
    db.session.commit()
    client.post(offer_path(row))
    [told] = outbox(to=users["org_member"].email, template="booked_poster")
    assert "+49 151 2345678" in told.body_text
    assert sharing.user.email not in told.body_text


def test_a_used_link_is_refused_and_changes_nothing(client, offer):
    _item, (first, _second) = offer
    assert client.post(offer_path(first)).status_code == 200
    before = state_of_everything()
    again = client.post(offer_path(first))
    assert again.status_code == 410
    assert shows(again, "You have already accepted")
    assert "Hauptstraße" not in text(again)  # the link does not show the address again
    assert client.get(offer_path(first, "decline")).status_code == 410
    assert client.post(offer_path(first, "decline")).status_code == 410
    assert state_of_everything() == before


def test_declining(client, offer):
    item, (first, second) = offer
    page_ = client.get(offer_path(first, "decline"))
    assert shows(page_, "Decline this appointment?")
    response = client.post(offer_path(first, "decline"))
    assert response.status_code == 200
    assert shows(response, "Offer declined")
    assert fresh(first).state is A.DECLINED
    assert fresh(first).answered_at is not None
    assert fresh(second).state is A.PROPOSED  # the others may still accept
    assert fresh(item).state is RequestState.OPEN
    before = state_of_everything()
    again = client.post(offer_path(first))
    assert again.status_code == 410 and shows(again, "You have already declined")
    assert state_of_everything() == before


@pytest.mark.parametrize(
    "change",
    [
        lambda token: token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),  # signature
        lambda token: "x" + token[1:],  # payload
        lambda token: token.split(".")[0],  # cut
        lambda token: "not-a-token",
    ],
    ids=["signature", "payload", "cut", "made-up"],
)
def test_a_forged_or_altered_link_is_refused_and_changes_nothing(client, offer, change):
    _item, (first, _second) = offer
    token = assignments.offer_token(first)
    before = state_of_everything()
    for method in (client.get, client.post):
        response = method(f"/offer/{change(token)}/accept")
        assert response.status_code == 404
        assert shows(response, "This link does not work")
    assert state_of_everything() == before


def test_a_token_for_another_purpose_is_refused(client, offer):
    from wirnet.auth import tokens

    _item, (first, _second) = offer
    other = tokens.make_token(tokens.RESET_PASSWORD, {"a": first.id, "n": first.nonce})
    assert client.post(f"/offer/{other}/accept").status_code == 404
    assert fresh(first).state is A.PROPOSED


def test_the_link_of_an_older_offer_dies_when_it_is_offered_again(client, users, offer):
    item, (first, _second) = offer
    old = offer_path(first)
    [again] = propose(item, first.profile, coordinator=users["coordinator"])
    db.session.commit()
    assert again.id == first.id  # the same row, with a new nonce
    before = state_of_everything()
    assert client.post(old).status_code == 404
    assert state_of_everything() == before
    assert client.post(offer_path(again)).status_code == 200
    assert fresh(first).state is A.ACCEPTED


def test_an_expired_link_is_refused_and_changes_nothing(client, offer):
    item, (first, _second) = offer
    item = fresh(item)
    item.starts_at = utcnow() - timedelta(minutes=5)
    item.ends_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    before = state_of_everything()
    for method in (client.get, client.post):
        response = method(offer_path(first))
        assert response.status_code == 410
        assert shows(response, "This offer has expired")
    assert state_of_everything() == before


def test_a_link_for_a_cancelled_request_is_refused(client, offer):
    item, (first, _second) = offer
    item = fresh(item)
    item.state = RequestState.CANCELLED
    db.session.commit()
    before = state_of_everything()
    assert client.post(offer_path(first)).status_code == 410
    assert state_of_everything() == before


def test_a_flexible_window_works_until_its_deadline(client, users, orgs):
    today = utcnow().date()
    item = open_request(orgs["org_member"], window_from=today, deadline=today + timedelta(days=5))
    person = volunteer()
    [row] = propose(item, person, coordinator=users["coordinator"])
    db.session.commit()
    assert client.get(offer_path(row)).status_code == 200
    item.deadline = today - timedelta(days=1)
    item.window_from = today - timedelta(days=3)
    db.session.commit()
    assert client.get(offer_path(row)).status_code == 410


def test_an_offer_the_coordinator_withdrew_says_so(client, users, offer):
    _item, (first, _second) = offer
    assignments.withdraw(fresh(first), users["coordinator"], now=utcnow())
    db.session.commit()
    response = client.post(offer_path(first))
    assert response.status_code == 410 and shows(response, "This offer has been withdrawn")
    assert fresh(first).state is A.WITHDRAWN


def test_accepting_when_busy_elsewhere_is_refused_with_a_clear_page(client, users, orgs):
    person = volunteer("Dawit Busy")
    starts = in_days(12, 9)
    one = open_request(orgs["org_member"], starts_at=starts, hours=2)
    other = open_request(orgs["org_member"], starts_at=starts + timedelta(hours=1), hours=2)
    [first] = propose(one, person, coordinator=users["coordinator"])
    [second] = propose(other, person, coordinator=users["coordinator"])
    db.session.commit()
    assert client.post(offer_path(first)).status_code == 200
    before = state_of_everything()
    response = client.post(offer_path(second))
    assert response.status_code == 409
    assert "Dawit Busy is already booked at that time" in text(response)
    assert "Nothing has been changed." in text(response)
    assert state_of_everything() == before


# --- the page's language ---------------------------------------------------------------------


def test_the_pages_speak_the_volunteers_language_without_a_log_in(client, offer):
    _item, (first, second) = offer
    german = page(client.get(offer_path(first)))
    assert '<html lang="de" dir="ltr">' in german
    arabic = page(client.get(offer_path(second)))
    assert '<html lang="ar" dir="rtl">' in arabic


def test_the_language_the_visitor_chose_wins(client, offer):
    from wirnet.i18n import LANGUAGE_COOKIE

    _item, (first, _second) = offer
    client.set_cookie(LANGUAGE_COOKIE, "en")
    assert '<html lang="en" dir="ltr">' in page(client.get(offer_path(first)))


def test_the_volunteer_logged_in_answers_from_their_page(client_as, users, orgs):
    from tests.integration.assignment_support import make_active

    item = open_request(orgs["org_member"])
    mine = make_active(users["volunteer"])
    theirs = volunteer()
    rows = propose(item, mine, theirs, coordinator=users["coordinator"])
    db.session.commit()
    own = next(r for r in rows if r.profile_id == mine.id)
    other = next(r for r in rows if r.profile_id == theirs.id)
    client = client_as("volunteer")
    # Another volunteer's offer: 404, whatever its id; nothing changes.
    before = state_of_everything()
    assert client.post(f"/volunteer/assignments/{other.id}/accept").status_code == 404
    assert state_of_everything() == before
    response = client.post(f"/volunteer/assignments/{own.id}/accept")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/volunteer/assignments/{own.id}")
    assert fresh(own).state is A.ACCEPTED and fresh(other).state is A.WITHDRAWN
    # Too late now: a clear message, nothing changes.
    before = state_of_everything()
    response = client.post(f"/volunteer/assignments/{own.id}/decline", follow_redirects=True)
    assert "You have already accepted this appointment." in text(response)
    assert state_of_everything() == before


def test_the_token_is_kept_out_of_the_logs(offer):
    _item, (first, _second) = offer
    path = offer_path(first)
    assert redact(f'"POST {path} HTTP/1.1" 200') == '"POST /offer/[redacted]/accept HTTP/1.1" 200'
