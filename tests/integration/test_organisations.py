"""Organisations (#7): registration by visitors and org members, the pending state on the
member's overview, and what a member of another organisation can (not) see."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.helpers import last_link, outbox, page, text
from tests.integration.organisation_support import (
    audit_actions,
    form_data,
    org_member,
    organisation,
    organisation_count,
)
from tests.integration.volunteer_support import municipality
from wirnet.auth.models import ConsentKind, User
from wirnet.extensions import db
from wirnet.i18n import LANGUAGE_COOKIE
from wirnet.organisations import access
from wirnet.organisations.models import Membership, Organisation, OrganisationStatus
from wirnet.roles import Role

EN = {"Accept-Language": "en"}
NEW_PASSWORD = "Kaffee am Fluss 2026"


def account_data(**overrides) -> dict:
    data = {
        "display_name": "Semhar Tesfay",
        "email": "Semhar@Verein.example",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
        "locale": "en",
        "privacy_consent": "y",
    }
    data.update(overrides)
    return data


def user_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(User))


# --- a visitor registers -------------------------------------------------------------------


def test_a_visitor_registers_an_organisation_with_a_new_account(client, app):
    place = municipality("Baunatal")
    response = client.get("/organisations/register", headers=EN)
    assert response.status_code == 200
    assert "Baunatal" in page(response)  # municipalities from the region data

    response = client.post(
        "/organisations/register", data={**form_data(place), **account_data()}, headers=EN
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/organisations/registered")

    user = User.by_email("semhar@verein.example")
    assert user.role is Role.ORG_MEMBER
    assert not user.email_confirmed
    [consent] = user.consents
    assert consent.kind == ConsentKind.PRIVACY_NOTICE
    [org] = db.session.scalars(select(Organisation)).all()
    assert org.status is OrganisationStatus.PENDING
    assert org.name == "Eritreischer Verein Baunatal"
    assert org.municipality_id == place.id
    assert org.contact_email == "kontakt@verein.example"
    assert [(m.user_id, m.is_admin) for m in org.memberships] == [(user.id, True)]
    assert access.approved_organisations_of(user) == []  # pending: no requests yet
    assert audit_actions() == ["organisation.registered"]
    assert outbox("semhar@verein.example", "confirm_email")

    # The account confirms its address as usual before it can log in.
    client.delete_cookie(LANGUAGE_COOKIE)
    response = client.post(
        "/auth/login",
        data={"email": "semhar@verein.example", "password": NEW_PASSWORD},
        headers=EN,
    )
    assert response.status_code == 401
    client.post(last_link("semhar@verein.example", "confirm_email"))
    response = client.post(
        "/auth/login",
        data={"email": "semhar@verein.example", "password": NEW_PASSWORD},
        headers=EN,
    )
    assert response.headers["Location"].endswith("/home")

    # The overview says it is pending and what happens next.
    home = text(client.get("/home", headers=EN))
    assert "Eritreischer Verein Baunatal" in home
    assert "Waiting for approval" in home
    assert "The centre is checking the registration" in home


def test_the_description_is_sanitized_on_display(client, users):
    member = users["org_member"]
    org = organisation(member)
    org.description = '<p>Hallo <script>alert(1)</script><a href="javascript:x()">x</a></p>'
    db.session.flush()
    from tests.conftest import log_in

    log_in(client, member)
    body = page(client.get(f"/organisations/{org.id}", headers=EN))
    assert "<script>" not in body
    assert "javascript:" not in body
    assert "<p>Hallo" in body


def test_a_taken_address_gets_the_same_answer_and_its_owner_an_email(client, users):
    place = municipality("Baunatal")
    owner = users["org_member"]
    first = client.post(
        "/organisations/register",
        data={**form_data(place), **account_data(email="new@verein.example")},
        headers=EN,
    )
    before = organisation_count()
    second = client.post(
        "/organisations/register",
        data={**form_data(place, name="Other"), **account_data(email=owner.email.upper())},
        headers=EN,
    )
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert organisation_count() == before  # nothing registered for somebody else's account
    [message] = outbox(owner.email)
    assert message.template == "organisation_signup_existing"
    assert "/organisations/register" in message.body_text
    assert not outbox(owner.email, "confirm_email")


@pytest.mark.parametrize(
    ("overrides", "message", "kept"),
    [
        ({"name": ""}, "Please enter the name of the organisation.", "Semhar Tesfay"),
        ({"kind": "mosque"}, "Please choose the kind of organisation.", "Eritreischer Verein"),
        ({"kind": None}, "Please choose the kind of organisation.", "Eritreischer Verein"),
        (
            {"municipality": "999999999"},
            "Please choose a municipality from the list.",
            "Eritreischer Verein",
        ),
        ({"municipality": "Kassel"}, "Please choose a municipality from the list.", "Semhar"),
        ({"description": "x" * 5001}, "Use at most 5000 characters.", "Eritreischer Verein"),
        ({"name": "n" * 161}, "Use at most 160 characters.", "Semhar Tesfay"),
        ({"contact_name": ""}, "Please enter the name of the contact person.", "Eritreischer"),
        ({"contact_phone": "call me"}, "Please use only digits", "Eritreischer Verein"),
        ({"contact_email": "not-an-address"}, "Please enter a valid e-mail", "Eritreischer"),
        ({"privacy_consent": None}, "Please agree to the privacy notice", "Eritreischer"),
        ({"password_confirm": "other"}, "The two passwords do not match.", "Eritreischer"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_keeps_the_input(client, overrides, message, kept):
    place = municipality("Baunatal")
    data = {**form_data(place), **account_data()}
    data.update(overrides)
    data = {key: value for key, value in data.items() if value is not None}
    users_before = user_count()
    response = client.post("/organisations/register", data=data, headers=EN)
    assert response.status_code == 422
    body = text(response)
    assert message in body
    assert kept in body
    assert organisation_count() == 0
    assert user_count() == users_before
    assert not outbox()


def test_the_message_for_bad_input_is_translated(client):
    place = municipality("Baunatal")
    data = {**form_data(place, name="n" * 161), **account_data(locale="de")}
    client.set_cookie(LANGUAGE_COOKIE, "de")
    response = client.post("/organisations/register", data=data)
    assert response.status_code == 422
    assert "Verwenden Sie höchstens 160 Zeichen." in page(response)
    assert 'lang="de"' in page(response)


# --- a logged-in member registers another, a volunteer cannot --------------------------------


def test_an_org_member_registers_a_further_organisation(client_as, users, orgs):
    client = client_as("org_member")
    place = municipality("Vellmar")
    form = page(client.get("/organisations/register", headers=EN))
    assert 'name="password"' not in form  # no account fields: they have one
    assert users["org_member"].display_name in form  # the contact person is filled in
    response = client.post(
        "/organisations/register", data=form_data(place, name="Elterncafé Vellmar"), headers=EN
    )
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Elterncafé Vellmar"))
    assert response.headers["Location"].endswith(f"/organisations/{org.id}")
    assert org.status is OrganisationStatus.PENDING
    assert access.is_org_admin(users["org_member"], org.id)
    home = text(client.get("/home", headers=EN))
    assert "Elterncafé Vellmar" in home and "Eritreische Gemeinde Kassel" in home
    assert "Register another organisation" in home


def test_a_volunteer_account_cannot_register_an_organisation(client_as):
    client = client_as("volunteer")
    place = municipality("Baunatal")
    response = client.get("/organisations/register", headers=EN)
    assert response.status_code == 403
    assert "An organisation needs an account of its own" in page(response)
    response = client.post("/organisations/register", data=form_data(place), headers=EN)
    assert response.status_code == 403
    assert organisation_count() == 0


def test_coordinators_are_sent_to_their_own_form(client_as):
    response = client_as("coordinator").get("/organisations/register")
    assert response.headers["Location"].endswith("/coordinator/organisations/new")


# --- the member's pages --------------------------------------------------------------------


def test_members_see_only_their_own_organisations(client_as, users, orgs):
    client = client_as("other_org")
    mine, theirs = orgs["other_org"], orgs["org_member"]
    assert client.get(f"/organisations/{mine.id}").status_code == 200
    for path in ("", "/edit"):
        response = client.get(f"/organisations/{theirs.id}{path}")
        assert response.status_code == 404
        assert "Eritreische Gemeinde Kassel" not in page(response)
    response = client.post(
        f"/organisations/{theirs.id}/edit", data=form_data(municipality("Calden"), name="Mine now")
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Organisation, theirs.id).name == "Eritreische Gemeinde Kassel"
    home = text(client.get("/home", headers=EN))
    assert "Familienzentrum Vellmar" in home
    assert "Eritreische Gemeinde Kassel" not in home


def test_an_org_admin_edits_the_details_and_a_plain_member_cannot(client, users):
    admin, member = org_member(), org_member()
    org = organisation(admin, members=[member])
    place = municipality("Kaufungen")
    from tests.conftest import log_in

    log_in(client, member)
    assert client.get(f"/organisations/{org.id}/edit").status_code == 403
    response = client.post(f"/organisations/{org.id}/edit", data=form_data(place, name="X"))
    assert response.status_code == 403

    log_in(client, admin)
    response = client.get(f"/organisations/{org.id}/edit", headers=EN)
    assert "Tigrinya Community Hofgeismar" in page(response)  # the stored details
    response = client.post(
        f"/organisations/{org.id}/edit",
        data=form_data(place, name="Tigrinya Community Kaufungen"),
        headers=EN,
    )
    assert response.status_code == 302
    db.session.expire_all()
    org = db.session.get(Organisation, org.id)
    assert org.name == "Tigrinya Community Kaufungen"
    assert org.municipality_id == place.id
    assert org.status is OrganisationStatus.APPROVED  # editing keeps the approval
    assert audit_actions() == ["organisation.edited"]

    response = client.post(
        f"/organisations/{org.id}/edit", data=form_data(place, kind="church"), headers=EN
    )
    assert response.status_code == 422
    assert "Please choose the kind of organisation." in page(response)
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).kind.value == "migrant_organisation"


def test_a_member_without_an_organisation_is_told_how_to_get_one(client_as, users):
    home = text(client_as("org_member").get("/home", headers=EN))
    assert "You are not a member of an organisation yet" in home
    assert "/organisations/register" in home


def test_an_org_admin_alone_is_asked_to_invite_colleagues(client_as, users, orgs):
    home = text(client_as("org_member").get("/home", headers=EN))
    assert "Invite colleagues" in home
    colleague = org_member()
    orgs["org_member"].memberships.append(Membership(user_id=colleague.id))
    db.session.flush()
    home = text(client_as("org_member").get("/home", headers=EN))
    assert "Invite colleagues" not in home
