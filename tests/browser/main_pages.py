"""The main pages of each role, on the demo data (``wirnet.demo.load_demo_data``): what the
accessibility checks (test_axe.py) visit and what `make screenshots` photographs.

``seed()`` loads the demo data and what a few pages need beyond it (a password-reset link,
an import list waiting for its preview); ``main_pages()`` then names each role's pages with
the ids of that data (an offer waiting for the volunteer's answer, an appointment of theirs
whose outcome can be recorded …). Every demo account has the password ``wirnet-demo``.

The page-weight test (tests/integration/test_pages.py) weighs these same pages, and checks
that every page of the app is here or said not to be a main page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import Page
from sqlalchemy import select, update

from wirnet.auth import services as auth_services
from wirnet.auth.models import User
from wirnet.db_types import utcnow
from wirnet.demo import DEMO_PASSWORD, DEMO_VOLUNTEER, load_demo_data
from wirnet.extensions import db
from wirnet.i18n import LANGUAGE_COOKIE
from wirnet.mail.models import OutboxMessage
from wirnet.matching import assignments, candidates, followup
from wirnet.organisations.models import Membership
from wirnet.projects.models import Project, ProjectRole
from wirnet.requests.models import Assignment, AssignmentState, Request, RequestState
from wirnet.volunteers import importer
from wirnet.volunteers.models import LanguageSkill, VolunteerProfile

#: Who looks at the pages: the demo account of each role (None: nobody logged in).
ACCOUNTS: dict[str, str | None] = {
    "anonymous": None,
    "volunteer": DEMO_VOLUNTEER,  # active, with a full profile
    "org_member": "org@example.org",  # the admin of an approved organisation
    "coordinator": "coordinator@example.org",
    "admin": "admin@example.org",
}
ROLES = tuple(ACCOUNTS)
PASSWORD = DEMO_PASSWORD
#: The account whose reset link the anonymous visitor opens (not one of ACCOUNTS: using
#: the link would not change their password anyway, but keep them apart).
RESET_ACCOUNT = "coordinator2@example.org"

#: A short import list with one row that can be imported and one with problems.
IMPORT_LIST = (
    b"name;email;municipality;languages\n"
    b"Hana Tesfay;hana.tesfay@example.org;Baunatal;ti:native;de:B1\n"
    b";not-an-address;Atlantis;xx:Z9\n"
)


@dataclass(frozen=True)
class MainPage:
    name: str  # a short name, for messages and file names
    path: str


def seed() -> None:
    """The demo data, a reset link in the outbox and an import list; in an app context."""
    load_demo_data()
    db.session.commit()
    auth_services.request_password_reset(RESET_ACCOUNT)
    coordinator = User.by_email(ACCOUNTS["coordinator"])
    importer.create_batch(importer.parse(IMPORT_LIST), "ehrenamtliche.csv", coordinator)
    db.session.commit()


def _reset_path() -> str:
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == RESET_ACCOUNT)
        .where(OutboxMessage.template == "reset_password")
        .order_by(OutboxMessage.id.desc())
    ).first()
    [link] = re.findall(r"https?://\S+", message.body_text)
    return urlsplit(link).path


def _offer_token(profile_id: int) -> str:
    """The link of an offer the volunteer has not answered yet (the e-mail's accept and
    decline links are this, followed by /accept or /decline)."""
    now = utcnow()
    for offer in db.session.scalars(
        select(Assignment)
        .where(Assignment.profile_id == profile_id, Assignment.state == AssignmentState.PROPOSED)
        .order_by(Assignment.id)
    ):
        token = assignments.offer_token(offer)
        if assignments.offer_from_token(token, now=now)[1] is None:
            return token
    raise LookupError("the demo volunteer has no offer waiting for an answer")


def _reportable(user: User, profile_id: int) -> int:
    """An appointment of the volunteer that has begun and whose outcome can be recorded."""
    now = utcnow()
    for booked in db.session.scalars(
        select(Assignment).where(Assignment.profile_id == profile_id).order_by(Assignment.id)
    ):
        if followup.outcome_problem(user, booked, now=now) is None:
            return booked.id
    raise LookupError("the demo volunteer has no appointment to report on")


def _to_match() -> int:
    """The open request whose match page shows the most kinds of things: a volunteer who
    fits and one who nearly does (their cards), else one who fits, else none."""
    now = utcnow()
    best, shown = None, -1
    for item in db.session.scalars(
        select(Request).where(Request.state == RequestState.OPEN).order_by(Request.id)
    ):
        ranking = candidates.rank_request(item, now=now)
        kinds = bool(ranking.candidates) + bool(ranking.near_misses)
        if kinds > shown:
            best, shown = item.id, kinds
        if kinds == 2:
            break
    return _found(best, "open request")


def _found(value, what: str):
    """A page whose data is missing would silently drop out of the checks: say so."""
    if value is None:
        raise LookupError(f"the demo data has no {what}")
    return value


def main_pages() -> dict[str, list[MainPage]]:
    """Each role's main pages, with the ids of the demo data; in an app context."""
    volunteer = User.by_email(ACCOUNTS["volunteer"])
    member = User.by_email(ACCOUNTS["org_member"])
    profile_id = db.session.scalar(
        select(VolunteerProfile.id).where(VolunteerProfile.user_id == volunteer.id)
    )
    skill_id = db.session.scalar(
        select(LanguageSkill.id).where(LanguageSkill.profile_id == profile_id).limit(1)
    )
    org_id = db.session.scalar(
        select(Membership.organisation_id).where(Membership.user_id == member.id).limit(1)
    )
    request_id = db.session.scalar(
        select(Request.id).where(Request.organisation_id == org_id).order_by(Request.id).limit(1)
    )
    assignment_id = _found(
        db.session.scalar(
            select(Assignment.id)
            .where(Assignment.profile_id == profile_id)
            .order_by(Assignment.id)
            .limit(1)
        ),
        "assignment of the volunteer",
    )
    project_id = db.session.scalar(select(Project.id).order_by(Project.id).limit(1))
    role_id = _found(
        db.session.scalar(
            select(ProjectRole.id)
            .where(ProjectRole.project_id == project_id)
            .order_by(ProjectRole.id)
            .limit(1)
        ),
        "project with a role",
    )
    offer = f"/offer/{_offer_token(profile_id)}"
    outcome = f"/assignments/{_reportable(volunteer, profile_id)}/outcome"
    batch_id = db.session.scalar(select(importer.ImportBatch.id).order_by(importer.ImportBatch.id))
    org, req = f"/organisations/{org_id}", f"/requests/{request_id}"
    project = f"/projects/{project_id}"
    pages = {
        "anonymous": [
            ("index", "/"),
            ("signup", "/auth/signup"),
            ("login", "/auth/login"),
            ("forgot", "/auth/forgot"),
            ("signup-sent", "/auth/signup/sent"),
            ("reset", _reset_path()),
            ("org-register", "/organisations/register"),
            ("org-registered", "/organisations/registered"),
            # The links of an offer e-mail, opened on a phone without logging in.
            ("offer-accept", offer + "/accept"),
            ("offer-decline", offer + "/decline"),
            ("contact", "/contact"),
            ("imprint", "/imprint"),
            ("privacy", "/privacy"),
        ],
        "volunteer": [
            ("home", "/home"),
            ("account", "/auth/account"),
            ("profile", "/volunteer/profile"),
            ("languages", "/volunteer/languages"),
            ("language-edit", f"/volunteer/languages/{skill_id}"),
            ("qualifications", "/volunteer/qualifications"),
            ("availability", "/volunteer/availability"),
            ("conflicts", "/volunteer/conflicts"),
            ("directory", "/volunteers/directory"),
            ("assignments", "/volunteer/assignments"),
            ("open-requests", "/volunteer/requests"),
            ("assignment", f"/volunteer/assignments/{assignment_id}"),
            ("outcome", outcome),
            ("projects", "/projects"),
            ("project", project),
            ("projects-mine", "/projects/mine"),
        ],
        "org_member": [
            ("home", "/home"),
            ("account", "/auth/account"),
            ("organisation", org),
            ("organisation-edit", org + "/edit"),
            ("requests", "/requests"),
            ("request-new", "/requests/new"),
            ("request", req),
            ("request-edit", req + "/edit"),
            ("projects", "/projects"),
        ],
        "coordinator": [
            ("home", "/home"),
            ("volunteers", "/coordinator/volunteers"),
            ("volunteer", f"/coordinator/volunteers/{volunteer.id}"),
            ("expiring", "/coordinator/qualifications/expiring"),
            ("import", "/coordinator/volunteers/import"),
            ("import-preview", f"/coordinator/volunteers/import/{batch_id}"),
            ("organisations", "/coordinator/organisations"),
            ("organisation-new", "/coordinator/organisations/new"),
            ("organisation", org),
            ("board", "/coordinator/requests"),
            ("request-new", "/requests/new"),
            ("request", req),
            ("request-edit", req + "/edit"),
            ("match", f"/coordinator/requests/{_to_match()}/match"),
            ("outcome", outcome),
            ("projects", "/projects"),
            ("project", project),
            ("project-new", "/projects/new"),
            ("project-edit", project + "/edit"),
            ("role-new", project + "/roles/new"),
            ("role-edit", f"{project}/roles/{role_id}/edit"),
        ],
        "admin": [
            ("home", "/home"),
            ("account", "/auth/account"),
            ("accounts", "/admin/accounts"),
            ("account-admin", f"/admin/accounts/{volunteer.id}"),
        ],
    }
    return {role: [MainPage(*page) for page in listed] for role, listed in pages.items()}


def log_in(page: Page, base_url: str, role: str) -> None:
    """Log in as the role's demo account (nothing for the anonymous visitor)."""
    email = ACCOUNTS[role]
    if email is None:
        return
    page.goto(base_url + "/auth/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert urlsplit(page.url).path == "/home", page.url


def set_account_locale(role: str, locale: str) -> None:
    """The role's account reads ``locale`` (nothing for the anonymous visitor); in an app
    context."""
    email = ACCOUNTS[role]
    if email is not None:
        db.session.execute(update(User).where(User.email == email).values(locale=locale))
        db.session.commit()


def use_locale(context, base_url: str, role: str, locale: str) -> None:
    """Show the pages in ``locale``: the account's language for a logged-in role (it wins
    over the browser's), the language switcher's cookie for the anonymous visitor; in an
    app context."""
    context.add_cookies([{"name": LANGUAGE_COOKIE, "value": locale, "url": base_url}])
    set_account_locale(role, locale)
