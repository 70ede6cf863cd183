"""Test data for the project pages: projects, roles and applications."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.integration.volunteer_support import municipality
from wirnet.extensions import db
from wirnet.projects.models import (
    Participation,
    ParticipationState,
    Project,
    ProjectRole,
    ProjectState,
)
from wirnet.regions import Municipality
from wirnet.volunteers.profiles import ensure_profile

MATRIX_TITLE = "Matrix project"


def place(name: str = "Baunatal") -> Municipality:
    found = db.session.scalar(select(Municipality).where(Municipality.name == name))
    return found or municipality(name)


def project(
    partner=None,
    *,
    title: str = "Sprachcafé Baunatal",
    state: ProjectState = ProjectState.PLANNED,
    town: Municipality | None = None,
    starts_on: date = date(2025, 3, 1),
    ends_on: date | None = None,
    roles: list[dict] | None = None,
) -> Project:
    """A project; ``roles`` like ``[{"title": …, "places": 2, "languages": ["ar-SY"]}]``."""
    row = Project(
        title=title,
        municipality_id=(town or place()).id,
        partner_id=partner.id if partner is not None else None,
        starts_on=starts_on,
        ends_on=ends_on,
        state=state,
    )
    db.session.add(row)
    db.session.flush()
    for values in roles if roles is not None else [{}]:
        role(row, **values)
    db.session.refresh(row)
    return row


def role(
    target: Project,
    *,
    title: str = "Arabic speakers for the language café",
    places: int = 2,
    languages: list[str] | None = None,
    topics: list[str] | None = None,
    description: str | None = "Thursdays 16–18",
) -> ProjectRole:
    row = ProjectRole(
        project_id=target.id,
        title=title,
        places=places,
        languages=list(languages if languages is not None else ["ar-SY"]),
        topics=list(topics if topics is not None else ["leisure_sport"]),
        description=description,
    )
    db.session.add(row)
    db.session.flush()
    return row


def application(
    target: ProjectRole,
    user,
    state: ParticipationState = ParticipationState.APPLIED,
    message: str | None = None,
) -> Participation:
    profile = ensure_profile(user)
    row = Participation(role_id=target.id, profile_id=profile.id, state=state, message=message)
    db.session.add(row)
    db.session.flush()
    return row


# --- the permission matrix --------------------------------------------------------------


def matrix_project(orgs) -> Project:
    """The open project of org_member's organisation that the matrix's GET pages show; made
    once per test (and before the "no GET changes data" snapshot)."""
    found = db.session.scalar(select(Project).where(Project.title == MATRIX_TITLE))
    return found or project(orgs["org_member"], title=MATRIX_TITLE)


def project_url(action: str = ""):
    return lambda orgs: f"/projects/{matrix_project(orgs).id}{action}"


def project_role_url(action: str = ""):
    def url(orgs) -> str:
        found = matrix_project(orgs)
        return f"/projects/{found.id}/roles/{found.roles[0].id}{action}"

    return url


def fresh_project_url(action: str = ""):
    """A new project of org_member's organisation per call, for actions that change it."""
    return lambda orgs: f"/projects/{project(orgs['org_member']).id}{action}"


def fresh_role_url(action: str):
    def url(orgs) -> str:
        found = project(orgs["org_member"], title="Matrix role")
        return f"/projects/{found.id}/roles/{found.roles[0].id}{action}"

    return url


def fresh_application_url(applicant: str, action: str):
    """A new application of ``users[applicant]`` in org_member's organisation's project."""

    def url(users, orgs) -> str:
        found = project(orgs["org_member"], title="Matrix applications")
        row = application(found.roles[0], users[applicant])
        return f"/projects/{found.id}/applications/{row.id}/{action}"

    return url
