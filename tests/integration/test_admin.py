"""Account administration: the list, its search and filters, role changes, deactivation,
reactivation, confirmation links, the last administrator, the audit trail."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from tests.conftest import log_in, make_app
from tests.factories import PASSWORD, UserFactory
from tests.helpers import outbox, page, text
from tests.integration.test_accessibility import PageStructure
from wirnet.audit import AuditEntry
from wirnet.auth.models import User
from wirnet.extensions import db
from wirnet.roles import Role

ROW_NAME = re.compile(r'<th scope="row">\s*<a href="/admin/accounts/\d+"><bdi>([^<]*)</bdi>')


def listed(response) -> list[str]:
    """The names in the accounts table, in the order shown."""
    return ROW_NAME.findall(page(response))


def audit_entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def reloaded(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


# --- The list ---------------------------------------------------------------------------


def test_the_list_is_sorted_by_name_and_paginated_without_javascript(admin_client, users):
    for number in range(30):
        UserFactory(display_name=f"Zz Person {number:02d}")
    UserFactory(display_name="aaron lowercase")  # sorted regardless of case

    first = admin_client.get("/admin/accounts")
    assert first.status_code == 200
    names = listed(first)
    assert len(names) == 25
    assert names[0] == "aaron lowercase"
    assert names == sorted(names, key=str.lower)
    html = page(first)
    assert "37 accounts found" in html  # 6 fixture accounts + 31
    assert 'href="/admin/accounts?page=2"' in html
    assert 'aria-current="page">1</a>' in html
    assert "<script" not in html

    second = admin_client.get("/admin/accounts?page=2")
    rest = listed(second)
    assert len(rest) == 12
    assert not set(rest) & set(names)
    assert rest[-1] == "Zz Person 29"
    assert 'rel="prev"' in page(second)

    # A page beyond the end shows the last one; nonsense shows the first. Never a 500.
    assert listed(admin_client.get("/admin/accounts?page=999999999999999999999")) == rest
    assert listed(admin_client.get("/admin/accounts?page=abc")) == names
    assert listed(admin_client.get("/admin/accounts?page=-3")) == names


def test_search_finds_names_and_addresses_case_insensitively(admin_client, users):
    UserFactory(display_name="Amal Haddad", email="amal.h@example.org")
    UserFactory(display_name="Bilal Nouri", email="bn@haddad-familie.example")
    UserFactory(display_name="Carla Weber", email="carla@example.org")

    assert sorted(listed(admin_client.get("/admin/accounts?q=HADDAD"))) == [
        "Amal Haddad",
        "Bilal Nouri",
    ]
    assert listed(admin_client.get("/admin/accounts?q=CARLA@EXAMPLE")) == ["Carla Weber"]
    response = admin_client.get("/admin/accounts?q=nobody-like-this")
    assert listed(response) == []
    assert "No account matches your search." in page(response)
    # The search box keeps what was typed, and page links keep the search.
    assert 'value="HADDAD"' in page(admin_client.get("/admin/accounts?q=HADDAD"))


def test_search_treats_like_wildcards_as_plain_characters(admin_client, users):
    UserFactory(display_name="Ali_Berg")
    UserFactory(display_name="AliXBerg")
    UserFactory(display_name="100% Hilfe")
    UserFactory(display_name="1000 Hilfe")

    assert listed(admin_client.get("/admin/accounts", query_string={"q": "i_b"})) == ["Ali_Berg"]
    assert listed(admin_client.get("/admin/accounts", query_string={"q": "0%"})) == ["100% Hilfe"]
    assert listed(admin_client.get("/admin/accounts", query_string={"q": "%"})) == ["100% Hilfe"]


def test_filters_by_role_and_by_state(admin_client, users):
    UserFactory(display_name="Una Unconfirmed", email_confirmed_at=None)
    UserFactory(display_name="Dora Deactivated", active=False)
    UserFactory(display_name="Cora Coordinator", role=Role.COORDINATOR, active=False)

    def names(**query):
        return sorted(listed(admin_client.get("/admin/accounts", query_string=query)))

    assert names(role="coordinator") == ["Cora Coordinator", "Leyla Coord"]
    assert names(state="unconfirmed") == ["Una Unconfirmed"]
    assert names(state="deactivated") == ["Cora Coordinator", "Dora Deactivated"]
    assert "Una Unconfirmed" not in names(state="active")
    assert "Dora Deactivated" not in names(state="active")
    assert "Rana Volunteer" in names(state="active")
    assert names(role="coordinator", state="deactivated") == ["Cora Coordinator"]
    assert names(role="admin", q="sabine") == ["Sabine Admin"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"role": "superuser"}, "Please choose one of the listed roles."),
        ({"state": "banned"}, "Please choose one of the listed states."),
        ({"q": "x" * 101}, "Use at most 100 characters."),
    ],
)
def test_unknown_filters_get_a_clear_message_not_a_500(admin_client, users, query, message):
    response = admin_client.get("/admin/accounts", query_string=query)
    assert response.status_code == 422
    assert message in page(response)
    assert 'class="error-summary"' in page(response)
    assert len(listed(response)) == 6  # the bad filter is left out, not guessed at


def test_the_list_makes_the_same_number_of_queries_for_5_and_for_40_accounts(admin_client, users):
    def queries_for_list() -> tuple[int, int]:
        statements: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = admin_client.get("/admin/accounts?state=active")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200
        return len(statements), len(listed(response))

    users["volunteer"].active = False  # 5 active accounts: the other fixture accounts
    db.session.flush()
    few, shown_few = queries_for_list()
    UserFactory.create_batch(35)  # 40 active accounts
    many, shown_many = queries_for_list()
    assert (shown_few, shown_many) == (5, 25)
    assert "40 accounts found" in page(admin_client.get("/admin/accounts?state=active"))
    assert few == many


# --- Role changes -----------------------------------------------------------------------


def test_an_admin_changes_a_role_and_the_audit_log_says_who_and_what(admin_client, users):
    volunteer = users["volunteer"]
    response = admin_client.post(
        f"/admin/accounts/{volunteer.id}/role", data={"role": "coordinator"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "The role of Rana Volunteer is now: Coordinator." in text(response)
    assert reloaded(volunteer).role is Role.COORDINATOR
    [entry] = audit_entries("admin.role_changed")
    assert entry.actor_id == users["admin"].id
    assert entry.object_id == volunteer.id
    assert entry.details == {"old": "volunteer", "new": "coordinator"}
    # The new coordinator now opens coordination pages; the list is still admin-only.
    assert "Coordinator" in page(admin_client.get(f"/admin/accounts/{volunteer.id}"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "superuser"}, "Please choose one of the listed roles."),
        ({"role": ""}, "Please choose a role."),
        ({}, "Please choose a role."),
        ({"role": ["admin", "x"]}, None),
    ],
)
def test_bad_role_input_changes_nothing(admin_client, users, data, message):
    volunteer = users["volunteer"]
    response = admin_client.post(f"/admin/accounts/{volunteer.id}/role", data=data)
    if message is None:  # a repeated field: the first value counts, which is a real role
        assert response.status_code == 302
        assert reloaded(volunteer).role is Role.ADMIN
        return
    assert response.status_code == 422
    assert message in page(response)
    assert 'class="error-summary"' in page(response)
    assert reloaded(volunteer).role is Role.VOLUNTEER
    assert audit_entries("admin.role_changed") == []


def test_setting_the_same_role_again_changes_and_audits_nothing(admin_client, users):
    volunteer = users["volunteer"]
    response = admin_client.post(
        f"/admin/accounts/{volunteer.id}/role", data={"role": "volunteer"}, follow_redirects=True
    )
    assert "Rana Volunteer already has this role." in text(response)
    assert audit_entries("admin.role_changed") == []


@pytest.mark.parametrize("role", ["volunteer", "org_member", "coordinator"])
def test_no_one_but_an_admin_can_change_a_role_not_even_their_own(client_as, users, role):
    client = client_as(role)
    me = users[role]
    response = client.post(f"/admin/accounts/{me.id}/role", data={"role": "admin"})
    assert response.status_code == 403
    assert reloaded(me).role is Role(role)
    for action in ("deactivate", "reactivate", "resend-confirmation"):
        target = users["other_volunteer"]
        assert client.post(f"/admin/accounts/{target.id}/{action}").status_code == 403
    assert reloaded(users["other_volunteer"]).active
    assert audit_entries("admin.role_changed") == audit_entries("user.deactivated") == []


def test_unknown_accounts_are_404_even_with_absurd_ids(admin_client, users):
    assert admin_client.get("/admin/accounts/999999").status_code == 404
    assert admin_client.get("/admin/accounts/99999999999999999999999").status_code == 404
    response = admin_client.post("/admin/accounts/99999999999999999999999/role", data={})
    assert response.status_code == 404


# --- The last administrator -------------------------------------------------------------


def test_the_last_active_admin_cannot_demote_or_deactivate_themselves(admin_client, users):
    admin = users["admin"]
    token = admin.session_token
    # A deactivated second administrator does not count.
    UserFactory(role=Role.ADMIN, active=False)

    response = admin_client.post(f"/admin/accounts/{admin.id}/role", data={"role": "volunteer"})
    assert response.status_code == 409
    assert "Sabine Admin is the only active administrator." in text(response)
    assert "Nothing was changed." in page(response)
    assert reloaded(admin).role is Role.ADMIN

    response = admin_client.post(f"/admin/accounts/{admin.id}/deactivate")
    assert response.status_code == 409
    assert "Sabine Admin is the only active administrator." in text(response)
    admin = reloaded(admin)
    assert admin.active and admin.session_token == token
    assert admin_client.get("/admin/accounts").status_code == 200  # still in
    assert audit_entries("admin.role_changed") == audit_entries("user.deactivated") == []


def test_with_a_second_active_admin_either_can_be_demoted_but_not_both(app, users):
    first, second = users["admin"], UserFactory(role=Role.ADMIN, display_name="Zora Admin")
    first_client, second_client = app.test_client(), app.test_client()
    log_in(first_client, first)
    log_in(second_client, second)

    response = first_client.post(f"/admin/accounts/{second.id}/role", data={"role": "volunteer"})
    assert response.status_code == 302
    assert reloaded(second).role is Role.VOLUNTEER
    # The demoted admin is out at once; the remaining one is now the last.
    assert second_client.get("/admin/accounts").status_code == 403
    response = first_client.post(f"/admin/accounts/{first.id}/role", data={"role": "volunteer"})
    assert response.status_code == 409
    assert reloaded(first).role is Role.ADMIN


def test_an_admin_who_is_not_the_last_can_step_down(admin_client, users):
    UserFactory(role=Role.ADMIN)
    admin = users["admin"]
    response = admin_client.post(f"/admin/accounts/{admin.id}/role", data={"role": "coordinator"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/home")
    assert reloaded(admin).role is Role.COORDINATOR
    assert admin_client.get("/admin/accounts").status_code == 403


# --- Deactivation and reactivation ------------------------------------------------------


def test_deactivation_ends_the_sessions_and_reactivation_lets_the_owner_back_in(
    app, admin_client, users
):
    volunteer = users["volunteer"]
    volunteer_client = app.test_client()
    log_in(volunteer_client, volunteer)
    assert volunteer_client.get("/home").status_code == 200

    response = admin_client.post(
        f"/admin/accounts/{volunteer.id}/deactivate", follow_redirects=True
    )
    assert "The account of Rana Volunteer is deactivated." in text(response)
    assert "Reactivate account" in page(response)
    assert not reloaded(volunteer).active
    assert volunteer_client.get("/home").status_code == 302  # the session died
    login = {"email": volunteer.email, "password": PASSWORD}
    assert app.test_client().post("/auth/login", data=login).status_code == 401

    response = admin_client.post(
        f"/admin/accounts/{volunteer.id}/reactivate", follow_redirects=True
    )
    assert "The account of Rana Volunteer is active again." in text(response)
    assert reloaded(volunteer).active
    assert app.test_client().post("/auth/login", data=login).status_code == 302

    [off] = audit_entries("user.deactivated")
    [on] = audit_entries("user.reactivated")
    for entry in (off, on):
        assert (entry.actor_id, entry.object_id) == (users["admin"].id, volunteer.id)


def test_deactivating_twice_or_reactivating_an_active_account_changes_nothing(admin_client, users):
    volunteer = users["volunteer"]
    response = admin_client.post(
        f"/admin/accounts/{volunteer.id}/reactivate", follow_redirects=True
    )
    assert "The account of Rana Volunteer was already active." in text(response)
    assert audit_entries("user.reactivated") == []
    admin_client.post(f"/admin/accounts/{volunteer.id}/deactivate")
    token = reloaded(volunteer).session_token
    response = admin_client.post(
        f"/admin/accounts/{volunteer.id}/deactivate", follow_redirects=True
    )
    assert "was already deactivated" in text(response)
    assert reloaded(volunteer).session_token == token
    assert len(audit_entries("user.deactivated")) == 1


# --- Confirmation links -----------------------------------------------------------------


def test_an_admin_resends_the_confirmation_link_of_an_unconfirmed_account(app, admin_client, users):
    person = UserFactory(display_name="Una Unconfirmed", email_confirmed_at=None)
    detail = page(admin_client.get(f"/admin/accounts/{person.id}"))
    assert "Send a new confirmation link" in detail

    response = admin_client.post(
        f"/admin/accounts/{person.id}/resend-confirmation", follow_redirects=True
    )
    assert f"A new confirmation link was sent to {person.email}." in text(response)
    [message] = outbox(person.email, "confirm_email")
    [entry] = audit_entries("user.confirmation_resent")
    assert (entry.actor_id, entry.object_id) == (users["admin"].id, person.id)

    # The link works: the owner confirms with it.
    path = re.search(r"https?://[^/\s]+(/auth/confirm/\S+)", message.body_text).group(1)
    assert app.test_client().post(path).status_code == 302
    assert reloaded(person).email_confirmed


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "is already confirmed."),
        ({"email_confirmed_at": None, "active": False}, "This account is deactivated."),
    ],
)
def test_no_confirmation_link_for_confirmed_or_deactivated_accounts(
    admin_client, users, kwargs, message
):
    person = UserFactory(**kwargs)
    assert "Send a new confirmation link" not in page(
        admin_client.get(f"/admin/accounts/{person.id}")
    )
    response = admin_client.post(
        f"/admin/accounts/{person.id}/resend-confirmation", follow_redirects=True
    )
    assert message in page(response)
    assert outbox(person.email) == []
    assert audit_entries("user.confirmation_resent") == []


# --- CSRF, navigation, accessibility ----------------------------------------------------


def test_admin_actions_need_the_csrf_token(database_url, users):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    log_in(client, users["admin"])
    volunteer = users["volunteer"]
    for action, data in [("role", {"role": "admin"}), ("deactivate", {})]:
        response = client.post(f"/admin/accounts/{volunteer.id}/{action}", data=data)
        assert response.status_code == 400
    volunteer = reloaded(volunteer)
    assert volunteer.role is Role.VOLUNTEER and volunteer.active

    html = page(client.get(f"/admin/accounts/{volunteer.id}"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(f"/admin/accounts/{volunteer.id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 302
    assert not reloaded(volunteer).active


def test_the_admin_home_and_navigation_link_to_the_accounts(client_as, users):
    home = page(client_as("admin").get("/home"))
    assert home.count('href="/admin/accounts"') == 2  # navigation and overview
    for role in ("volunteer", "org_member", "coordinator"):
        assert 'href="/admin/accounts"' not in page(client_as(role).get("/home"))


def _check_structure(html: str, where: str) -> PageStructure:
    structure = PageStructure()
    structure.feed(html)
    for field in structure.fields:
        assert field.get("id") in structure.label_for, (where, field)
    duplicates = {i for i in structure.ids if structure.ids.count(i) > 1}
    assert not duplicates, (where, duplicates)
    tags = [tag for tag, _ in structure.tags]
    assert tags.count("h1") == 1, where
    return structure


def test_the_admin_pages_are_labelled_and_structured(admin_client, users):
    UserFactory.create_batch(30)
    person = UserFactory(email_confirmed_at=None)
    for url in [
        "/admin/accounts",
        "/admin/accounts?role=superuser&q=x",
        "/admin/accounts?q=nobody-like-this",
        f"/admin/accounts/{person.id}",
    ]:
        _check_structure(page(admin_client.get(url)), url)
    listing = _check_structure(page(admin_client.get("/admin/accounts")), "list")
    tags = [tag for tag, _ in listing.tags]
    assert "caption" in tags
    assert ("nav", {"class": "pagination", "aria-label": "Pages of the list"}) in listing.tags
    # The table scrolls inside its own focusable region on a narrow screen.
    assert 'class="table-wrap" role="region" aria-labelledby="accounts-caption"' in page(
        admin_client.get("/admin/accounts")
    )
    refused = admin_client.post(f"/admin/accounts/{person.id}/role", data={"role": "x"})
    _check_structure(page(refused), "refused role form")


@pytest.mark.parametrize("text", ["a\x00b", "\x1b[31m", "ä" * 100, "'; DROP TABLE users; --"])
def test_odd_search_text_never_answers_500(admin_client, users, text):
    response = admin_client.get("/admin/accounts", query_string={"q": text})
    assert response.status_code in (200, 422)
