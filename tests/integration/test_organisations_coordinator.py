"""Organisations (#7), the coordinators' side: the list, approve and decline with a message
in each admin's language, enter an organisation directly, edit, deactivate, reactivate."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from tests.helpers import outbox, page, text
from tests.integration.organisation_support import (
    audit_actions,
    form_data,
    org_member,
    organisation,
    organisation_count,
)
from tests.integration.volunteer_support import municipality
from wirnet.extensions import db
from wirnet.organisations import access
from wirnet.organisations.models import (
    Organisation,
    OrganisationInvitation,
    OrganisationKind,
    OrganisationStatus,
)

EN = {"Accept-Language": "en"}
S = OrganisationStatus


def _reload(org) -> Organisation:
    db.session.expire_all()
    return db.session.get(Organisation, org.id)


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_pending_organisations_first(coordinator_client):
    organisation(name="Aachen Approved")
    organisation(name="Zeta Pending", status=S.PENDING)
    organisation(name="Beta Declined", status=S.DECLINED)
    body = page(coordinator_client.get("/coordinator/organisations", headers=EN))
    assert body.index("Zeta Pending") < body.index("Aachen Approved") < body.index("Beta Declined")


def test_the_list_filters_by_status_kind_municipality_and_name(coordinator_client):
    calden = municipality("Calden")
    organisation(name="Moschee Calden", place=calden, status=S.PENDING)
    organisation(name="Grundschule Calden", place=calden, kind=OrganisationKind.SCHOOL_CHILDCARE)
    organisation(name="Jobcenter Wolfhagen", kind=OrganisationKind.PUBLIC_SERVICE)

    def names(**query) -> set[str]:
        body = page(coordinator_client.get("/coordinator/organisations", query_string=query))
        return {
            n for n in ("Moschee Calden", "Grundschule Calden", "Jobcenter Wolfhagen") if n in body
        }

    assert names() == {"Moschee Calden", "Grundschule Calden", "Jobcenter Wolfhagen"}
    assert names(status="pending") == {"Moschee Calden"}
    assert names(kind="school_childcare") == {"Grundschule Calden"}
    assert names(municipality=str(calden.id)) == {"Moschee Calden", "Grundschule Calden"}
    assert names(q="jobcenter") == {"Jobcenter Wolfhagen"}
    assert names(q="%") == set()  # a wildcard typed into the search is a character


def test_a_wrong_filter_is_explained_not_an_error(coordinator_client):
    organisation(name="Moschee Calden")
    response = coordinator_client.get(
        "/coordinator/organisations", query_string={"kind": "church", "q": "x" * 101}, headers=EN
    )
    assert response.status_code == 422
    assert "Please choose a kind from the list." in page(response)
    assert "Moschee Calden" in page(response)  # the list without the wrong filter


def _count_queries(client, url) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_list_is_paginated_with_a_constant_number_of_queries(coordinator_client):
    place = municipality("Helsa")
    for number in range(3):
        organisation(org_member(), name=f"Verein {number:02d}", place=place)
    few = _count_queries(coordinator_client, "/coordinator/organisations")
    for number in range(3, 30):
        organisation(org_member(), org_member(), name=f"Verein {number:02d}", place=place)
    many = _count_queries(coordinator_client, "/coordinator/organisations")
    assert few == many, (few, many)
    assert few > 2
    first = page(coordinator_client.get("/coordinator/organisations", headers=EN))
    second = page(coordinator_client.get("/coordinator/organisations?page=2", headers=EN))
    assert "Verein 00" in first and "Verein 29" not in first
    assert "Verein 29" in second and "Verein 00" not in second
    assert "?page=2" in first
    assert coordinator_client.get("/coordinator/organisations?page=99999999999").status_code == 200


# --- approve and decline -------------------------------------------------------------------


def test_approving_tells_every_admin_in_their_language(coordinator_client, users):
    german, arabic = org_member(locale="de"), org_member(locale="ar")
    plain = org_member(locale="en")
    org = organisation(german, arabic, members=[plain], status=S.PENDING)
    assert access.approved_organisations_of(german) == []

    response = coordinator_client.post(
        f"/coordinator/organisations/{org.id}/approve",
        data={"approve-note": "Willkommen im Netzwerk!"},
        headers=EN,
    )
    assert response.status_code == 302
    org = _reload(org)
    assert org.status is S.APPROVED
    assert org.decided_by_id == users["coordinator"].id
    assert org.decided_at is not None
    assert access.approved_organisations_of(german) == [org]
    [to_german] = outbox(german.email, "organisation_approved")
    [to_arabic] = outbox(arabic.email, "organisation_approved")
    assert not outbox(plain.email)  # the admins are told
    assert (to_german.locale, to_arabic.locale) == ("de", "ar")
    assert to_german.body_text.startswith(f"Hallo {german.display_name},")
    assert to_arabic.body_text.startswith("مرحبًا")
    assert "Willkommen im Netzwerk!" in to_german.body_text
    assert f"/organisations/{org.id}" in to_german.body_text
    assert audit_actions() == ["organisation.approved"]


def test_declining_needs_a_note_and_sends_it(coordinator_client):
    admin = org_member(locale="de")
    org = organisation(admin, status=S.PENDING)
    response = coordinator_client.post(
        f"/coordinator/organisations/{org.id}/decline", data={"decline-note": " "}, headers=EN
    )
    assert response.status_code == 422
    assert "Please say why" in page(response)
    assert _reload(org).status is S.PENDING
    assert not outbox()
    assert audit_actions() == []

    response = coordinator_client.post(
        f"/coordinator/organisations/{org.id}/decline",
        data={"decline-note": "Bitte melden Sie sich telefonisch bei uns."},
    )
    assert response.status_code == 302
    org = _reload(org)
    assert org.status is S.DECLINED
    assert org.decision_note == "Bitte melden Sie sich telefonisch bei uns."
    [message] = outbox(admin.email, "organisation_declined")
    assert message.locale == "de"
    assert message.body_text.startswith("Hallo")
    assert "Bitte melden Sie sich telefonisch bei uns." in message.body_text
    assert audit_actions() == ["organisation.declined"]


def test_the_member_reads_the_decision_on_their_pages(client_as, users, orgs):
    org = orgs["org_member"]
    org.status = S.DECLINED
    org.decision_note = "Kein Verein im Landkreis."
    db.session.flush()
    client = client_as("org_member")
    home = text(client.get("/home", headers=EN))
    assert "Declined" in home and "has not approved this organisation" in home
    detail = text(client.get(f"/organisations/{org.id}", headers=EN))
    assert "Kein Verein im Landkreis." in detail
    assert "Invite a colleague" not in detail  # a declined organisation takes no members


def test_an_illegal_change_is_refused_with_a_message_and_changes_nothing(coordinator_client, orgs):
    org = orgs["other_org"]  # approved
    response = coordinator_client.post(
        f"/coordinator/organisations/{org.id}/approve", follow_redirects=True, headers=EN
    )
    assert "This is not possible while the organisation is “Approved”." in text(response)
    response = coordinator_client.post(
        f"/coordinator/organisations/{org.id}/decline", data={"decline-note": "No."}
    )
    assert _reload(org).status is S.APPROVED
    assert not outbox()
    assert audit_actions() == []


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.PENDING, "reactivate"),
        (S.PENDING, "deactivate"),
        (S.DEACTIVATED, "approve"),
        (S.DECLINED, "decline"),
        (S.DECLINED, "deactivate"),
    ],
)
def test_each_action_works_only_from_its_statuses(coordinator_client, status, action):
    org = organisation(org_member(), status=status)
    response = coordinator_client.post(
        f"/coordinator/organisations/{org.id}/{action}",
        data={"decline-note": "Because."},
        follow_redirects=True,
        headers=EN,
    )
    assert "This is not possible while the organisation is" in text(response)
    assert _reload(org).status is status
    assert not outbox()
    assert audit_actions() == []


def test_deactivate_and_reactivate(coordinator_client, users, orgs):
    org = orgs["other_org"]
    member = users["other_org"]
    response = coordinator_client.post(f"/coordinator/organisations/{org.id}/deactivate")
    assert response.status_code == 302
    assert _reload(org).status is S.DEACTIVATED
    assert access.approved_organisations_of(member) == []
    response = coordinator_client.post(f"/coordinator/organisations/{org.id}/reactivate")
    assert _reload(org).status is S.APPROVED
    assert access.approved_organisations_of(member) == [_reload(org)]
    assert audit_actions() == ["organisation.deactivated", "organisation.reactivated"]


def test_org_members_cannot_decide(client_as, orgs):
    org = orgs["org_member"]
    org.status = S.PENDING
    db.session.flush()
    response = client_as("org_member").post(f"/coordinator/organisations/{org.id}/approve")
    assert response.status_code == 403
    assert _reload(org).status is S.PENDING


# --- enter, edit ---------------------------------------------------------------------------


def test_a_coordinator_enters_an_approved_organisation_and_invites_its_admin(
    coordinator_client, users
):
    place = municipality("Lohfelden")
    response = coordinator_client.post(
        "/coordinator/organisations/new",
        data={
            **form_data(place, name="Ukrainische Frauengruppe"),
            "admin_email": "Olena@UA.example",
            "admin_locale": "uk",
        },
        headers=EN,
    )
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation))
    assert response.headers["Location"].endswith(f"/organisations/{org.id}")
    assert org.status is S.APPROVED
    assert org.created_by_id == users["coordinator"].id
    assert org.memberships == []
    [invitation] = db.session.scalars(select(OrganisationInvitation)).all()
    assert invitation.email == "olena@ua.example"
    assert invitation.as_admin
    [message] = outbox("olena@ua.example", "organisation_invitation")
    assert message.locale == "uk"  # the language the coordinator chose for her
    assert audit_actions() == ["organisation.created", "organisation.member_invited"]


def test_entering_without_an_admin_and_with_bad_input(coordinator_client):
    place = municipality("Lohfelden")
    response = coordinator_client.post(
        "/coordinator/organisations/new",
        data={**form_data(place), "admin_email": "not an address", "admin_locale": "xx"},
        headers=EN,
    )
    assert response.status_code == 422
    assert "Please enter a valid e-mail address" in page(response)
    assert "Please choose one of the listed languages." in page(response)
    assert "Eritreischer Verein Baunatal" in page(response)
    assert organisation_count() == 0
    response = coordinator_client.post("/coordinator/organisations/new", data=form_data(place))
    assert response.status_code == 302
    assert organisation_count() == 1
    assert not outbox()


def test_a_coordinator_edits_any_organisation(coordinator_client, orgs):
    org = orgs["org_member"]
    place = municipality("Nieste")
    response = coordinator_client.post(
        f"/organisations/{org.id}/edit", data=form_data(place, name="Eritreische Gemeinde Nieste")
    )
    assert response.status_code == 302
    assert _reload(org).name == "Eritreische Gemeinde Nieste"
    assert audit_actions() == ["organisation.edited"]


def test_the_coordinators_overview_counts_pending_organisations(coordinator_client):
    organisation(status=S.PENDING)
    organisation(name="B", status=S.PENDING)
    organisation(name="C")
    assert "2 organisations waiting for approval" in page(
        coordinator_client.get("/home", headers=EN)
    )
