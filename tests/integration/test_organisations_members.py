"""Organisations (#7), members: invitations by e-mail (signed, single-use, expiring, for the
invited address only), joining with a new or an existing account, removing and leaving,
and the last org admin who always stays."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from tests.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.helpers import last_link, outbox, page, text
from tests.integration.organisation_support import audit_actions, org_member, organisation
from wirnet.auth.models import User
from wirnet.extensions import db
from wirnet.organisations import access
from wirnet.organisations.models import Membership, OrganisationInvitation, OrganisationStatus
from wirnet.roles import Role

EN = {"Accept-Language": "en"}
NEW_PASSWORD = "Kaffee am Fluss 2026"


def invite(client, org, email="Yonas.Kidane@Example.org"):
    return client.post(f"/organisations/{org.id}/invitations", data={"email": email}, headers=EN)


def new_account(**overrides) -> dict:
    data = {
        "display_name": "Yonas Kidane",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
        "locale": "en",
        "privacy_consent": "y",
    }
    data.update(overrides)
    return data


def members_of(org) -> dict[int, bool]:
    db.session.expire_all()
    return {
        m.user_id: m.is_admin
        for m in db.session.scalars(select(Membership).where(Membership.organisation_id == org.id))
    }


# --- inviting and joining ------------------------------------------------------------------


def test_invitation_end_to_end_with_a_new_account(client_as, app, users, orgs):
    org = orgs["org_member"]
    admin_client = client_as("org_member")
    response = invite(admin_client, org)
    assert response.status_code == 302
    [message] = outbox("yonas.kidane@example.org", "organisation_invitation")
    assert "Eritreische Gemeinde Kassel" in message.body_text
    assert users["org_member"].display_name in message.body_text
    # No account yet: the language the inviter chose; the page offers their own first.
    assert message.locale == users["org_member"].locale
    link = last_link("yonas.kidane@example.org", "organisation_invitation")
    assert link.startswith("/organisations/invitation/")
    assert "yonas.kidane@example.org" in text(admin_client.get(f"/organisations/{org.id}"))

    visitor = app.test_client()
    response = visitor.get(link, headers=EN)
    assert response.status_code == 200
    assert "Create your account for yonas.kidane@example.org" in text(response)
    # Bad input: a message, the input kept, nothing made.
    response = visitor.post(link, data=new_account(privacy_consent=None), headers=EN)
    assert response.status_code == 422
    assert "Please agree to the privacy notice" in page(response)
    assert "Yonas Kidane" in page(response)
    assert User.by_email("yonas.kidane@example.org") is None

    response = visitor.post(link, data=new_account(), headers=EN)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organisations/{org.id}")
    user = User.by_email("yonas.kidane@example.org")
    assert user.role is Role.ORG_MEMBER
    assert user.email_confirmed  # following the link proved the address
    assert user.consents
    assert members_of(org)[user.id] is False
    assert access.approved_organisations_of(user) == [org]
    assert "Eritreische Gemeinde Kassel" in text(visitor.get("/home", headers=EN))
    assert audit_actions() == ["organisation.member_invited", "organisation.invitation_accepted"]

    # The link works once.
    response = app.test_client().get(link, headers=EN)
    assert response.status_code == 400
    assert "This link no longer works" in page(response)


def test_an_existing_org_member_account_logs_in_and_joins(client, users, orgs):
    org = orgs["org_member"]
    joiner = org_member(email="amal@example.org")
    log_in(client, users["org_member"])
    invite(client, org, "  AMAL@example.org ")
    link = last_link("amal@example.org", "organisation_invitation")
    assert outbox("amal@example.org")[-1].locale == joiner.locale  # the account's language

    anonymous = client.application.test_client()
    response = anonymous.get(link, headers=EN)
    assert "Please log in; then you can join." in text(response)
    assert anonymous.post(link, data=new_account()).status_code == 403
    assert joiner.id not in members_of(org)

    response = anonymous.post(
        "/auth/login", data={"email": "amal@example.org", "password": PASSWORD, "next": link}
    )
    assert response.headers["Location"].endswith(link)
    assert "Join the organisation" in page(anonymous.get(link, headers=EN))
    response = anonymous.post(link)
    assert response.status_code == 302
    assert members_of(org)[joiner.id] is False
    assert anonymous.post(link).status_code == 400  # used


def test_the_invitation_is_only_for_the_invited_address(client_as, app, users, orgs):
    org = orgs["org_member"]
    invite(client_as("org_member"), org, "yonas@example.org")
    link = last_link("yonas@example.org", "organisation_invitation")
    stranger = client_as("other_org")
    response = stranger.get(link, headers=EN)
    assert "This invitation is for yonas@example.org" in text(response)
    assert stranger.post(link).status_code == 403
    assert users["other_org"].id not in members_of(org)
    invitation = db.session.scalar(select(OrganisationInvitation))
    assert invitation.accepted_at is None  # still usable by the right person


def test_a_volunteer_account_cannot_join(client_as, users, orgs):
    volunteer = users["volunteer"]
    invite(client_as("org_member"), orgs["org_member"], volunteer.email)
    link = last_link(volunteer.email, "organisation_invitation")
    client = client_as("volunteer")
    assert "not an organisation account" in text(client.get(link, headers=EN))
    assert client.post(link).status_code == 403
    assert volunteer.id not in members_of(orgs["org_member"])


def test_an_expired_or_tampered_link_is_refused(client_as, app, orgs, monkeypatch):
    invite(client_as("org_member"), orgs["org_member"], "late@example.org")
    link = last_link("late@example.org", "organisation_invitation")
    visitor = app.test_client()
    assert visitor.get(link[:-3] + "abc").status_code == 400
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 15 * 24 * 3600)
    assert visitor.post(link, data=new_account()).status_code == 400
    assert User.by_email("late@example.org") is None


def test_a_new_invitation_or_withdrawing_ends_the_old_link(client_as, app, orgs):
    org = orgs["org_member"]
    admin_client = client_as("org_member")
    invite(admin_client, org, "twice@example.org")
    first = last_link("twice@example.org", "organisation_invitation")
    invite(admin_client, org, "twice@example.org")
    second = last_link("twice@example.org", "organisation_invitation")
    visitor = app.test_client()
    assert visitor.get(first).status_code == 400
    assert visitor.get(second).status_code == 200
    invitation = db.session.scalars(
        select(OrganisationInvitation).order_by(OrganisationInvitation.id.desc())
    ).first()
    response = admin_client.post(f"/organisations/{org.id}/invitations/{invitation.id}/revoke")
    assert response.status_code == 302
    assert visitor.get(second).status_code == 400
    assert "organisation.invitation_revoked" in audit_actions()


def test_a_deactivated_organisation_takes_no_members(client_as, app, orgs):
    org = orgs["org_member"]
    invite(client_as("org_member"), org, "soon@example.org")
    link = last_link("soon@example.org", "organisation_invitation")
    org.status = OrganisationStatus.DEACTIVATED
    db.session.flush()
    assert app.test_client().get(link).status_code == 400
    response = invite(client_as("org_member"), org, "later@example.org")
    assert response.status_code == 422
    assert "cannot take new members" in page(response)
    assert not outbox("later@example.org")


def test_only_org_admins_and_coordinators_invite(client, app, orgs):
    admin, member = org_member(), org_member()
    org = organisation(admin, members=[member])
    log_in(client, member)
    assert invite(client, org, "x@example.org").status_code == 403
    assert invite(client, orgs["other_org"], "x@example.org").status_code == 404
    assert not outbox("x@example.org")
    coordinator = UserFactory(role=Role.COORDINATOR)
    log_in(client, coordinator)
    assert invite(client, org, "x@example.org").status_code == 302
    invitation = db.session.scalar(select(OrganisationInvitation))
    assert not invitation.as_admin  # the organisation has an admin already


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Please enter the e-mail address of the person you invite."),
        ("not an address", "Please enter a valid e-mail address"),
        ("a" * 250 + "@example.org", "Use at most 254 characters."),
    ],
)
def test_inviting_a_bad_address_is_refused(client_as, orgs, email, message):
    response = invite(client_as("org_member"), orgs["org_member"], email)
    assert response.status_code == 422
    assert message in page(response)
    assert db.session.scalar(select(OrganisationInvitation)) is None
    assert not outbox()


def _selected(html: str, name: str) -> str | None:
    """The value selected in the ``<select name=name>`` of a page."""
    select_ = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    option = re.search(r"<option([^>]*\bselected\b[^>]*)>", select_.group(1))
    return re.search(r'value="([^"]*)"', option.group(1)).group(1) if option else None


def test_the_inviter_chooses_the_language_of_an_invitation_to_a_new_address(client_as, users, orgs):
    org = orgs["org_member"]
    admin_client = client_as("org_member")
    users["org_member"].locale = "ar"
    db.session.commit()
    # The page offers the inviter's own language first, with every shipped language.
    html = page(admin_client.get(f"/organisations/{org.id}"))
    assert _selected(html, "locale") == "ar"
    assert 'value="uk"' in html and 'value="ti"' in html

    data = {"email": "hanna@example.org", "locale": "uk"}
    response = admin_client.post(f"/organisations/{org.id}/invitations", data=data)
    assert response.status_code == 302
    [message] = outbox("hanna@example.org", "organisation_invitation")
    assert message.locale == "uk"
    assert re.search("[а-яіїє]", message.subject + message.body_text)  # Ukrainian text
    assert "Eritreische Gemeinde Kassel" in message.body_text

    # An account's own language wins over the inviter's choice.
    org_member(email="amal@example.org", locale="tr")
    data = {"email": "amal@example.org", "locale": "uk"}
    admin_client.post(f"/organisations/{org.id}/invitations", data=data)
    assert outbox("amal@example.org", "organisation_invitation")[-1].locale == "tr"


def test_an_invitation_in_a_language_not_offered_is_refused(client_as, orgs):
    org = orgs["org_member"]
    data = {"email": "hanna@example.org", "locale": "xx"}
    response = client_as("org_member").post(f"/organisations/{org.id}/invitations", data=data)
    assert response.status_code == 422
    assert "Please choose one of the listed languages." in page(response)
    assert 'value="hanna@example.org"' in page(response)  # what was typed is kept
    assert db.session.scalar(select(OrganisationInvitation)) is None
    assert not outbox()


def test_inviting_a_member_again_is_refused(client_as, users, orgs):
    response = invite(client_as("org_member"), orgs["org_member"], users["org_member"].email)
    assert response.status_code == 422
    assert "already a member" in page(response)
    assert not outbox()


def test_the_first_admin_of_an_entered_organisation_joins_as_admin(coordinator_client, app):
    org = organisation(name="Familienzentrum Baunatal")
    invite(coordinator_client, org, "leitung@fz.example")
    link = last_link("leitung@fz.example", "organisation_invitation")
    visitor = app.test_client()
    visitor.post(link, data=new_account(display_name="Leitung FZ"))
    user = User.by_email("leitung@fz.example")
    assert members_of(org) == {user.id: True}
    page_text = text(visitor.get(f"/organisations/{org.id}", headers=EN))
    assert "Invite a colleague" in page_text


# --- removing and leaving ------------------------------------------------------------------


def test_removing_the_last_org_admin_is_refused(client_as, users, orgs):
    org = orgs["org_member"]
    me = org.memberships[0]
    client = client_as("org_member")
    response = client.post(
        f"/organisations/{org.id}/members/{me.id}/remove", follow_redirects=True, headers=EN
    )
    assert "The organisation needs at least one admin." in text(response)
    response = client.post(
        f"/organisations/{org.id}/members/{me.id}/admin",
        data={"make": "member"},
        follow_redirects=True,
        headers=EN,
    )
    assert "The organisation needs at least one admin." in text(response)
    coordinator = client_as("coordinator")
    coordinator.post(f"/organisations/{org.id}/members/{me.id}/remove")
    assert members_of(org) == {users["org_member"].id: True}
    assert audit_actions() == []


def test_an_org_admin_removes_a_member_and_a_member_leaves(client, users):
    admin, first, second = org_member(), org_member(), org_member()
    org = organisation(admin, members=[first, second])
    by_user = {m.user_id: m for m in org.memberships}

    log_in(client, first)  # a plain member cannot remove others
    response = client.post(f"/organisations/{org.id}/members/{by_user[second.id].id}/remove")
    assert response.status_code == 403
    response = client.post(f"/organisations/{org.id}/members/{by_user[first.id].id}/remove")
    assert response.status_code == 302  # but can leave
    assert response.headers["Location"].endswith("/home")
    assert first.id not in members_of(org)

    log_in(client, admin)
    response = client.post(f"/organisations/{org.id}/members/{by_user[second.id].id}/remove")
    assert response.status_code == 302
    assert members_of(org) == {admin.id: True}
    assert audit_actions() == ["organisation.member_left", "organisation.member_removed"]


def test_handing_over_the_admin_role_then_leaving(client, users):
    admin, colleague = org_member(), org_member()
    org = organisation(admin, members=[colleague])
    by_user = {m.user_id: m for m in org.memberships}
    log_in(client, admin)
    client.post(
        f"/organisations/{org.id}/members/{by_user[colleague.id].id}/admin", data={"make": "admin"}
    )
    assert members_of(org) == {admin.id: True, colleague.id: True}
    response = client.post(f"/organisations/{org.id}/members/{by_user[admin.id].id}/remove")
    assert response.status_code == 302
    assert members_of(org) == {colleague.id: True}
    assert audit_actions() == ["organisation.admin_granted", "organisation.member_left"]


def test_another_organisation_cannot_touch_the_members(client_as, users, orgs):
    org = orgs["org_member"]
    me = org.memberships[0]
    client = client_as("other_org")
    for action, data in (("remove", {}), ("admin", {"make": "member"})):
        response = client.post(f"/organisations/{org.id}/members/{me.id}/{action}", data=data)
        assert response.status_code == 404
    # Their own organisation's URL with this organisation's membership id: 404 too.
    mine = orgs["other_org"]
    response = client.post(f"/organisations/{mine.id}/members/{me.id}/remove")
    assert response.status_code == 404
    assert members_of(org) == {users["org_member"].id: True}


# --- rate limits ---------------------------------------------------------------------------


@pytest.fixture
def limited_client(database_url):
    from uuid import uuid4

    from tests.conftest import make_app

    app = make_app(
        database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_KEY_PREFIX=f"t-{uuid4().hex}",
    )
    yield app.test_client()
    with app.app_context():
        db.engine.dispose()


def test_the_invitation_link_is_rate_limited(limited_client):
    for _ in range(5):  # LIMIT_PER_ACCOUNT_AND_ADDRESS: the form names no account
        assert limited_client.post("/organisations/invitation/guess").status_code == 400
    assert limited_client.post("/organisations/invitation/guess").status_code == 429


def test_sending_invitations_is_rate_limited_per_user(limited_client, users, orgs):
    log_in(limited_client, users["org_member"])
    for number in range(5):
        assert (
            invite(limited_client, orgs["org_member"], f"p{number}@example.org").status_code == 302
        )
    assert invite(limited_client, orgs["org_member"], "p5@example.org").status_code == 429
    assert not outbox("p5@example.org")
