"""The permission matrix: every route of the app, as every kind of user sees it.

A route that is not in ``MATRIX`` fails ``test_every_route_is_in_the_matrix``: adding a
route means deciding here who may use it.

Outcomes: a status code, ``LOGIN`` (redirected to the log-in page) or ``HOME`` (sent on
to the user's overview).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROLE_NAMES
from tests.integration.project_support import (
    fresh_application_url,
    fresh_project_url,
    fresh_role_url,
    project_role_url,
    project_url,
)
from tests.integration.request_support import fresh_request_url, request_url
from wirnet.requests.models import RequestState

LOGIN = "login"
HOME = "home"
USERS = ROLE_NAMES[1:]


def everyone(outcome):
    return dict.fromkeys(ROLE_NAMES, outcome)


def logged_in(outcome):
    """Anonymous visitors are sent to the log-in; every logged-in user gets ``outcome``."""
    return {"anonymous": LOGIN, **dict.fromkeys(USERS, outcome)}


def admin_only(outcome):
    """Administration: only an administrator gets ``outcome``; other users 403."""
    return {"anonymous": LOGIN, **dict.fromkeys(USERS, 403), "admin": outcome}


def account_of(role: str, action: str = ""):
    """The URL of an admin page about the ``users`` fixture's account of ``role``."""
    return lambda users: f"/admin/accounts/{users[role].id}{action}"


def url_of(url, users: dict, **fixtures) -> str:
    """A matrix URL is a path, or a callable (paths with an id) taking fixtures by parameter
    name: ``users``, and ``orgs`` (the organisations of org_member and other_org)."""
    if not callable(url):
        return url
    available = {"users": users, **fixtures}
    return url(**{name: available[name] for name in inspect.signature(url).parameters})


def anonymous_only(outcome):
    """Pages for visitors; a logged-in user is sent to the overview."""
    return {"anonymous": outcome, **dict.fromkeys(USERS, HOME)}


# (endpoint, method): (url, data for POST, outcome per role); see ``url_of`` for the url.
MATRIX: dict[tuple[str, str], tuple[str | Callable[[dict], str], dict | None, dict]] = {
    ("static", "GET"): ("/static/css/wirnet.css", None, everyone(200)),
    ("main.index", "GET"): ("/", None, everyone(200)),
    ("main.privacy", "GET"): ("/privacy", None, everyone(200)),
    ("main.contact", "GET"): ("/contact", None, everyone(200)),
    ("main.imprint", "GET"): ("/imprint", None, everyone(200)),
    ("main.healthz", "GET"): ("/healthz", None, everyone(200)),
    ("main.home", "GET"): ("/home", None, logged_in(200)),
    ("main.set_language", "POST"): (
        "/language",
        {"lang-locale": "en", "lang-next": "/privacy"},
        everyone(302),
    ),
    ("auth.signup", "GET"): ("/auth/signup", None, anonymous_only(200)),
    ("auth.signup", "POST"): ("/auth/signup", {}, anonymous_only(422)),
    ("auth.signup_sent", "GET"): ("/auth/signup/sent", None, everyone(200)),
    ("auth.confirm_email", "GET"): ("/auth/confirm/not-a-token", None, everyone(400)),
    ("auth.confirm_email", "POST"): ("/auth/confirm/not-a-token", {}, everyone(400)),
    ("auth.login", "GET"): ("/auth/login", None, anonymous_only(200)),
    ("auth.login", "POST"): ("/auth/login", {}, everyone(422)),
    ("auth.logout", "POST"): ("/auth/logout", {}, logged_in(302)),
    ("auth.forgot_password", "GET"): ("/auth/forgot", None, everyone(200)),
    ("auth.forgot_password", "POST"): ("/auth/forgot", {}, everyone(422)),
    ("auth.reset_password", "GET"): ("/auth/reset/not-a-token", None, everyone(400)),
    ("auth.reset_password", "POST"): ("/auth/reset/not-a-token", {}, everyone(400)),
    ("auth.account", "GET"): ("/auth/account", None, logged_in(200)),
    ("auth.update_profile", "POST"): (
        "/auth/account/profile",
        {"profile-display_name": "", "profile-locale": "de"},
        logged_in(422),
    ),
    ("auth.change_password", "POST"): ("/auth/account/password", {}, logged_in(422)),
    ("auth.change_email", "POST"): ("/auth/account/email", {}, logged_in(422)),
    ("auth.confirm_email_change", "GET"): ("/auth/email/not-a-token", None, everyone(400)),
    ("auth.confirm_email_change", "POST"): ("/auth/email/not-a-token", {}, everyone(400)),
    ("admin.accounts", "GET"): ("/admin/accounts", None, admin_only(200)),
    ("admin.account", "GET"): (account_of("other_volunteer"), None, admin_only(200)),
    ("admin.change_role", "POST"): (
        account_of("other_volunteer", "/role"),
        {"role": "coordinator"},
        admin_only(302),
    ),
    ("admin.deactivate", "POST"): (
        account_of("other_volunteer", "/deactivate"),
        {},
        admin_only(302),
    ),
    ("admin.reactivate", "POST"): (
        account_of("other_volunteer", "/reactivate"),
        {},
        admin_only(302),
    ),
    ("admin.resend_confirmation", "POST"): (
        account_of("other_volunteer", "/resend-confirmation"),
        {},
        admin_only(302),
    ),
}


def volunteer_only(outcome):
    """The volunteer's own pages: volunteers get ``outcome``; other users 403."""
    return {
        "anonymous": LOGIN,
        **dict.fromkeys(USERS, 403),
        "volunteer": outcome,
        "other_volunteer": outcome,
    }


# The volunteer's own pages (#6). An id that is nobody's answers 404 to a volunteer: a
# volunteer only ever reaches their own rows (test_volunteer_*.py checks another's too).
NOBODY = 2_000_000_000
MATRIX.update(
    {
        ("volunteers.profile", "GET"): ("/volunteer/profile", None, volunteer_only(200)),
        ("volunteers.profile", "POST"): ("/volunteer/profile", {}, volunteer_only(422)),
        ("volunteers.languages", "GET"): ("/volunteer/languages", None, volunteer_only(200)),
        ("volunteers.languages", "POST"): ("/volunteer/languages", {}, volunteer_only(422)),
        ("volunteers.edit_language", "GET"): (
            f"/volunteer/languages/{NOBODY}",
            None,
            volunteer_only(404),
        ),
        ("volunteers.edit_language", "POST"): (
            f"/volunteer/languages/{NOBODY}",
            {},
            volunteer_only(404),
        ),
        ("volunteers.remove_language", "POST"): (
            f"/volunteer/languages/{NOBODY}/remove",
            {},
            volunteer_only(404),
        ),
        ("volunteers.qualifications", "GET"): (
            "/volunteer/qualifications",
            None,
            volunteer_only(200),
        ),
        ("volunteers.qualifications", "POST"): (
            "/volunteer/qualifications",
            {},
            volunteer_only(422),
        ),
        ("volunteers.availability", "GET"): (
            "/volunteer/availability",
            None,
            volunteer_only(200),
        ),
        ("volunteers.add_slot", "POST"): (
            "/volunteer/availability/slots",
            {},
            volunteer_only(422),
        ),
        ("volunteers.remove_slot", "POST"): (
            f"/volunteer/availability/slots/{NOBODY}/remove",
            {},
            volunteer_only(404),
        ),
        ("volunteers.add_absence", "POST"): (
            "/volunteer/availability/absences",
            {},
            volunteer_only(422),
        ),
        ("volunteers.remove_absence", "POST"): (
            f"/volunteer/availability/absences/{NOBODY}/remove",
            {},
            volunteer_only(404),
        ),
        ("volunteers.set_on_call", "POST"): (
            "/volunteer/availability/on-call",
            {},
            volunteer_only(302),
        ),
        ("volunteers.conflicts", "GET"): ("/volunteer/conflicts", None, volunteer_only(200)),
        ("volunteers.conflicts", "POST"): ("/volunteer/conflicts", {}, volunteer_only(422)),
        ("volunteers.remove_conflict", "POST"): (
            f"/volunteer/conflicts/{NOBODY}/remove",
            {},
            volunteer_only(404),
        ),
        # No profile yet, so nothing to pause: the form says so (422).
        ("volunteers.pause", "POST"): ("/volunteer/pause", {}, volunteer_only(422)),
        ("volunteers.resume", "POST"): ("/volunteer/resume", {}, volunteer_only(HOME)),
        # Volunteers not in the directory themselves see an explanation (200), not the cards.
        ("volunteers.directory", "GET"): (
            "/volunteers/directory",
            None,
            {
                "anonymous": LOGIN,
                **dict.fromkeys(USERS, 200),
                "org_member": 403,
                "other_org": 403,
            },
        ),
    }
)


def coordinators_only(outcome):
    """The coordinators' pages: coordinators and administrators get ``outcome``; others 403."""
    return {
        "anonymous": LOGIN,
        **dict.fromkeys(USERS, 403),
        "coordinator": outcome,
        "admin": outcome,
    }


def volunteer_page(action: str = ""):
    """The coordinators' page about the ``users`` fixture's volunteer."""
    return lambda users: f"/coordinator/volunteers/{users['volunteer'].id}{action}"


def volunteer_qualification(action: str):
    """A qualification of the fixture's volunteer (claimed, evidence required, none seen),
    made on first use, for the coordinators' actions on it."""

    def url(users) -> str:
        from datetime import date

        from sqlalchemy import select

        from wirnet.extensions import db
        from wirnet.volunteers.models import Qualification, QualificationType
        from wirnet.volunteers.profiles import ensure_profile

        kind = db.session.scalar(select(QualificationType).where(QualificationType.key == "matrix"))
        if kind is None:
            kind = QualificationType(key="matrix", category="general", evidence_required=True)
            db.session.add(kind)
        profile = ensure_profile(users["volunteer"])
        found = db.session.scalar(
            select(Qualification).where(Qualification.profile_id == profile.id)
        )
        if found is None:
            found = Qualification(profile=profile, type=kind, obtained_on=date(2025, 1, 1))
            db.session.add(found)
        db.session.flush()
        return f"/coordinator/volunteers/{users['volunteer'].id}/qualifications/{found.id}/{action}"

    return url


# The coordinators' volunteer pages (#6). Empty forms are refused (422) and change nothing;
# a volunteer never reaches them, so never another volunteer's profile or intake notes.
MATRIX.update(
    {
        ("volunteers.coordinator_volunteers", "GET"): (
            "/coordinator/volunteers",
            None,
            coordinators_only(200),
        ),
        ("volunteers.coordinator_volunteer", "GET"): (
            volunteer_page(),
            None,
            coordinators_only(200),
        ),
        ("volunteers.coordinator_change_status", "POST"): (
            volunteer_page("/status"),
            {},
            coordinators_only(422),
        ),
        ("volunteers.coordinator_add_note", "POST"): (
            volunteer_page("/notes"),
            {},
            coordinators_only(422),
        ),
        ("volunteers.coordinator_evidence", "POST"): (
            volunteer_qualification("evidence"),
            {},
            coordinators_only(422),
        ),
        ("volunteers.coordinator_verify", "POST"): (
            volunteer_qualification("verify"),
            {},
            coordinators_only(422),
        ),
        ("volunteers.coordinator_reject", "POST"): (
            volunteer_qualification("reject"),
            {},
            coordinators_only(422),
        ),
        ("volunteers.coordinator_intake_done", "POST"): (
            volunteer_page("/intake"),
            {},
            coordinators_only(302),
        ),
        ("volunteers.coordinator_expiring", "GET"): (
            "/coordinator/qualifications/expiring",
            None,
            coordinators_only(200),
        ),
    }
)


def import_batch(action: str):
    """A previewed (empty) import list, made on first use, for the actions on it."""

    def url(users) -> str:
        from wirnet.extensions import db
        from wirnet.volunteers.models import ImportBatch

        batch = ImportBatch(created_by_id=users["coordinator"].id, filename="list.csv", rows=[])
        db.session.add(batch)
        db.session.flush()
        return f"/coordinator/volunteers/import/{batch.id}/{action}"

    return url


# The volunteer import (#6): coordinators and admins only; the invitation link is public
# (a made-up token answers 400, the "link no longer works" page).
MATRIX.update(
    {
        ("volunteers.import_upload", "GET"): (
            "/coordinator/volunteers/import",
            None,
            coordinators_only(200),
        ),
        ("volunteers.import_upload", "POST"): (
            "/coordinator/volunteers/import",
            {},
            coordinators_only(422),
        ),
        ("volunteers.import_preview", "GET"): (
            f"/coordinator/volunteers/import/{NOBODY}",
            None,
            coordinators_only(404),
        ),
        ("volunteers.import_confirm", "POST"): (
            import_batch("confirm"),
            {},
            coordinators_only(302),
        ),
        ("volunteers.import_discard", "POST"): (
            import_batch("discard"),
            {},
            coordinators_only(302),
        ),
        ("volunteers.accept_invitation", "GET"): ("/invitation/not-a-token", None, everyone(400)),
        ("volunteers.accept_invitation", "POST"): ("/invitation/not-a-token", {}, everyone(400)),
    }
)


def runs_projects(outcome):
    """Running a project of org_member's organisation: coordinators, administrators and the
    partner's org admin get ``outcome``; volunteers 403; another organisation 404 (its
    projects are none of theirs)."""
    return {
        "anonymous": LOGIN,
        "volunteer": 403,
        "other_volunteer": 403,
        "org_member": outcome,
        "other_org": 404,
        "coordinator": outcome,
        "admin": outcome,
    }


# Local projects (#7): everyone logged in browses open projects and reads their pages;
# volunteers apply (the fixture's volunteers have no active profile yet: an explanation,
# 422) and withdraw only their own application; coordinators and the partner's org admins
# run a project and decide on applications.
MATRIX.update(
    {
        ("projects.browse", "GET"): ("/projects", None, logged_in(200)),
        ("projects.mine", "GET"): ("/projects/mine", None, volunteer_only(200)),
        ("projects.project", "GET"): (project_url(), None, logged_in(200)),
        ("projects.new_project", "GET"): (
            "/projects/new",
            None,
            {**runs_projects(200), "other_org": 200},  # admin of an organisation of its own
        ),
        ("projects.new_project", "POST"): (
            "/projects/new",
            {},
            {**runs_projects(422), "other_org": 422},
        ),
        ("projects.edit_project", "GET"): (project_url("/edit"), None, runs_projects(200)),
        ("projects.edit_project", "POST"): (project_url("/edit"), {}, runs_projects(422)),
        ("projects.change_state", "POST"): (
            fresh_project_url("/state"),
            {"state": "running"},
            runs_projects(302),
        ),
        ("projects.add_role", "GET"): (project_url("/roles/new"), None, runs_projects(200)),
        ("projects.add_role", "POST"): (project_url("/roles/new"), {}, runs_projects(422)),
        ("projects.edit_role", "GET"): (project_role_url("/edit"), None, runs_projects(200)),
        ("projects.edit_role", "POST"): (project_role_url("/edit"), {}, runs_projects(422)),
        ("projects.remove_role", "POST"): (fresh_role_url("/remove"), {}, runs_projects(302)),
        ("projects.apply", "POST"): (project_role_url("/apply"), {}, volunteer_only(422)),
        ("projects.withdraw", "POST"): (
            fresh_application_url("volunteer", "withdraw"),
            {},
            {**volunteer_only(302), "other_volunteer": 404},  # not theirs
        ),
        ("projects.accept", "POST"): (
            fresh_application_url("other_volunteer", "accept"),
            {},
            runs_projects(302),
        ),
        ("projects.decline", "POST"): (
            fresh_application_url("other_volunteer", "decline"),
            {},
            runs_projects(302),
        ),
    }
)


def org_page(action: str = "", role: str = "org_member"):
    """A page of the organisation of ``orgs[role]`` (the ``orgs`` fixture)."""
    return lambda orgs: f"/organisations/{orgs[role].id}{action}"


def coordinator_org(action: str):
    """A coordinator's action on other_org's (approved) organisation."""
    return lambda orgs: f"/coordinator/organisations/{orgs['other_org'].id}/{action}"


def org_admin_membership(action: str):
    """org_member's own membership (the only org admin of the organisation)."""

    def url(orgs) -> str:
        org = orgs["org_member"]
        return f"/organisations/{org.id}/members/{org.memberships[0].id}/{action}"

    return url


def org_invitation(orgs) -> str:
    """An open invitation of org_member's organisation, made on first use."""
    from wirnet.extensions import db
    from wirnet.organisations.models import OrganisationInvitation

    org = orgs["org_member"]
    invitation = OrganisationInvitation(organisation_id=org.id, email="invited@example.org")
    db.session.add(invitation)
    db.session.flush()
    return f"/organisations/{org.id}/invitations/{invitation.id}/revoke"


def org_members(outcome, other_org=404):
    """An organisation's own pages: its members and coordinators get ``outcome``; a member of
    another organisation guessing the id gets 404; volunteers 403."""
    return {
        "anonymous": LOGIN,
        **dict.fromkeys(USERS, 403),
        "org_member": outcome,
        "other_org": other_org,
        "coordinator": outcome,
        "admin": outcome,
    }


# Organisations (#7): registration is public (a volunteer's account is refused with an
# explanation, coordinators are sent to their own form); an organisation's pages belong to
# its members and the coordinators. org_member is the only org admin of their organisation,
# so removing them or taking back their role is refused (back to the page, 302).
MATRIX.update(
    {
        ("organisations.register", "GET"): (
            "/organisations/register",
            None,
            {
                "anonymous": 200,
                "volunteer": 403,
                "other_volunteer": 403,
                "org_member": 200,
                "other_org": 200,
                "coordinator": 302,
                "admin": 302,
            },
        ),
        ("organisations.register", "POST"): (
            "/organisations/register",
            {},
            {
                "anonymous": 422,
                "volunteer": 403,
                "other_volunteer": 403,
                "org_member": 422,
                "other_org": 422,
                "coordinator": 302,
                "admin": 302,
            },
        ),
        ("organisations.registered", "GET"): ("/organisations/registered", None, everyone(200)),
        ("organisations.detail", "GET"): (org_page(), None, org_members(200)),
        ("organisations.edit", "GET"): (org_page("/edit"), None, org_members(200)),
        ("organisations.edit", "POST"): (org_page("/edit"), {}, org_members(422)),
        ("organisations.invite", "POST"): (org_page("/invitations"), {}, org_members(422)),
        ("organisations.revoke_invitation", "POST"): (org_invitation, {}, org_members(302)),
        ("organisations.remove_member", "POST"): (
            org_admin_membership("remove"),
            {},
            org_members(302),
        ),
        ("organisations.set_admin", "POST"): (
            org_admin_membership("admin"),
            {"make": "member"},
            org_members(302),
        ),
        ("organisations.accept_invitation", "GET"): (
            "/organisations/invitation/not-a-token",
            None,
            everyone(400),
        ),
        ("organisations.accept_invitation", "POST"): (
            "/organisations/invitation/not-a-token",
            {},
            everyone(400),
        ),
        ("organisations.coordinator_list", "GET"): (
            "/coordinator/organisations",
            None,
            coordinators_only(200),
        ),
        ("organisations.coordinator_create", "GET"): (
            "/coordinator/organisations/new",
            None,
            coordinators_only(200),
        ),
        ("organisations.coordinator_create", "POST"): (
            "/coordinator/organisations/new",
            {},
            coordinators_only(422),
        ),
        # other_org's organisation is approved: approving it again is refused (302, a
        # message), declining needs a note (422), deactivating works (302).
        ("organisations.approve", "POST"): (coordinator_org("approve"), {}, coordinators_only(302)),
        ("organisations.decline", "POST"): (coordinator_org("decline"), {}, coordinators_only(422)),
        ("organisations.deactivate", "POST"): (
            coordinator_org("deactivate"),
            {},
            coordinators_only(302),
        ),
        ("organisations.reactivate", "POST"): (
            coordinator_org("reactivate"),
            {},
            coordinators_only(302),
        ),
    }
)


def posts_requests(outcome, other_org=404):
    """A request of org_member's organisation: its members, coordinators and administrators
    get ``outcome``; another organisation guessing its id 404; volunteers 403."""
    return {
        "anonymous": LOGIN,
        "volunteer": 403,
        "other_volunteer": 403,
        "org_member": outcome,
        "other_org": other_org,
        "coordinator": outcome,
        "admin": outcome,
    }


# Requests (#7): organisation members see and change only their organisations' requests
# (another organisation's id answers 404), coordinators all; volunteers none of these pages.
MATRIX.update(
    {
        ("requests.list_requests", "GET"): ("/requests", None, posts_requests(200, 200)),
        ("requests.new_request", "GET"): ("/requests/new", None, posts_requests(200, 200)),
        ("requests.new_request", "POST"): ("/requests/new", {}, posts_requests(422, 422)),
        ("requests.show_request", "GET"): (request_url(), None, posts_requests(200)),
        ("requests.edit_request", "GET"): (request_url("/edit"), None, posts_requests(200)),
        ("requests.edit_request", "POST"): (request_url("/edit"), {}, posts_requests(422)),
        ("requests.publish_request", "POST"): (
            fresh_request_url("/publish", RequestState.DRAFT),
            {},
            posts_requests(302),
        ),
        ("requests.cancel_request", "POST"): (
            fresh_request_url("/cancel", RequestState.OPEN),
            {"reason": "The appointment was moved."},
            posts_requests(302),
        ),
        ("requests.expire_request", "POST"): (
            fresh_request_url("/expire", RequestState.OPEN),
            {},
            coordinators_only(302),
        ),
        ("requests.complete_request", "POST"): (
            fresh_request_url("/complete", RequestState.CONFIRMED),
            {},
            coordinators_only(302),
        ),
        ("requests.board", "GET"): ("/coordinator/requests", None, coordinators_only(200)),
    }
)


# After a booking (#8, followup): the volunteer's own assignments (another volunteer's id
# answers 404), the private calendar feed (public: its secret token is the key), the
# outcome form (the volunteer's own or any for a coordinator; organisations 403) and the
# organisation's confirmation of a carried-out request.
def _followup_matrix():
    from tests.integration.followup_support import assignment_url, feed_url, outcome_url

    own = {
        "anonymous": LOGIN,
        **dict.fromkeys(USERS, 403),
        "volunteer": 200,
        "other_volunteer": 404,
    }

    def reporter(outcome):
        return {**own, "volunteer": outcome, "coordinator": outcome, "admin": outcome}

    return {
        ("matching.my_assignments", "GET"): ("/volunteer/assignments", None, volunteer_only(200)),
        ("matching.my_assignment", "GET"): (assignment_url(), None, own),
        ("matching.assignment_ics", "GET"): (assignment_url(".ics"), None, own),
        ("matching.calendar_settings", "POST"): ("/volunteer/calendar", {}, volunteer_only(422)),
        ("matching.calendar_feed", "GET"): (feed_url, None, everyone(200)),
        ("matching.outcome", "GET"): (outcome_url, None, reporter(200)),
        ("matching.outcome", "POST"): (outcome_url, {}, reporter(422)),
        ("requests.confirm_request", "POST"): (
            fresh_request_url("/confirm", RequestState.CONFIRMED),
            {},
            posts_requests(302),
        ),
    }


MATRIX.update(_followup_matrix())


# Offers and bookings (#8, assignments): the coordinators' actions from the match page go
# back to it (302, with a message, also when refused); the offer link is public (a made-up
# token answers 404, "this link does not work"); a volunteer answers only their own offers
# (nobody's id: 404) and offers to take an open request (the fixture's volunteers have no
# active profile yet: a message, 302).
def _assignments_matrix():
    from tests.integration.assignment_support import (
        fresh_assignment_url,
        fresh_match_url,
        fresh_offer_request_url,
    )
    from wirnet.requests.models import AssignmentState

    return {
        ("matching.propose", "POST"): (fresh_match_url("propose"), {}, coordinators_only(302)),
        ("matching.assign", "POST"): (fresh_match_url("assign"), {}, coordinators_only(302)),
        ("matching.withdraw", "POST"): (
            fresh_assignment_url("withdraw", AssignmentState.PROPOSED),
            {},
            coordinators_only(302),
        ),
        ("matching.confirm_offer", "POST"): (
            fresh_assignment_url("confirm", AssignmentState.VOLUNTEERED),
            {},
            coordinators_only(302),
        ),
        ("matching.offer_answer", "GET"): ("/offer/not-a-token/accept", None, everyone(404)),
        ("matching.offer_answer", "POST"): ("/offer/not-a-token/decline", {}, everyone(404)),
        ("matching.answer", "POST"): (
            f"/volunteer/assignments/{NOBODY}/accept",
            {},
            volunteer_only(404),
        ),
        ("matching.volunteer_offer", "POST"): (fresh_offer_request_url, {}, volunteer_only(302)),
    }


MATRIX.update(_assignments_matrix())


# Matching (#8, candidates): the coordinators' match page of a request (ranked candidates
# and near misses), and a volunteer's open requests that match them (the fixture's
# volunteers have no profile yet: the page explains why it lists nothing, 200).
def _match_matrix():
    from tests.integration.request_support import matrix_request

    return {
        ("matching.match", "GET"): (
            lambda orgs: f"/coordinator/requests/{matrix_request(orgs).id}/match",
            None,
            coordinators_only(200),
        ),
        ("matching.open_requests", "GET"): ("/volunteer/requests", None, volunteer_only(200)),
    }


MATRIX.update(_match_matrix())


def app_routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_in_the_matrix(app):
    missing = sorted(app_routes(app) - set(MATRIX))
    assert not missing, f"routes without a permission entry: {missing}"


def test_the_matrix_names_no_route_that_does_not_exist(app):
    assert not sorted(set(MATRIX) - app_routes(app))


def test_every_entry_covers_every_role():
    for key, (_url, _data, outcomes) in MATRIX.items():
        assert set(outcomes) == set(ROLE_NAMES), key


def _outcome(response) -> int | str:
    if response.status_code == 302:
        path = urlsplit(response.headers["Location"]).path
        if path == "/auth/login":
            return LOGIN
        if path == "/home":
            return HOME
    return response.status_code


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_permission_matrix(client_as, users, orgs, role):
    client = client_as(role)
    failures = []
    for (endpoint, method), (url, data, outcomes) in MATRIX.items():
        url = url_of(url, users, orgs=orgs)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data=data)
        got = _outcome(response)
        response.close()  # static files are streamed from an open file
        if got != outcomes[role]:
            failures.append(f"{method} {url} ({endpoint}): expected {outcomes[role]}, got {got}")
        if endpoint == "auth.logout" and role != "anonymous":
            client = client_as(role)  # that request ended the session
    assert not failures, "\n".join(failures)


def _row_counts() -> dict[str, int]:
    from sqlalchemy import func, select

    from wirnet.extensions import db

    db.session.expire_all()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_no_get_request_changes_data(client_as, users, orgs):
    """Only POST changes anything: following links, prefetching or crawling is harmless."""
    from sqlalchemy import func, select

    from wirnet.auth.models import User
    from wirnet.extensions import db

    def snapshot():
        counts = _row_counts()
        # Reading intake notes is itself recorded (#6: "every read ... in the audit log"),
        # so a GET may add audit entries whose action ends in "_viewed", and nothing else.
        from wirnet.audit import AuditEntry

        counts["audit_entries"] = db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(~AuditEntry.action.endswith("_viewed", autoescape=True))
            # Every view of a health-guidance request is recorded too (#7): "request.viewed".
            .where(AuditEntry.action != "request.viewed")
        )
        accounts = db.session.execute(
            select(User.id, User.session_token, User.locale, User.last_login_at, User.active)
        ).all()
        return counts, sorted(accounts)

    # The URLs first: a page about a record may make that record (once) to have one.
    urls = [
        url_of(url, users, orgs=orgs)
        for (_endpoint, method), (url, _data, _outcomes) in MATRIX.items()
        if method == "GET"
    ]
    before = snapshot()
    for role in ROLE_NAMES:
        client = client_as(role)
        for url in urls:
            client.get(url).close()
    assert snapshot() == before
