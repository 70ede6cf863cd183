"""The rules of local projects: who may run them, their life cycle, their roles, and the
volunteers' applications.

* Coordinators (and administrators) run every project; the org admins of a project's
  partner organisation run that project. Other members of the partner may look, not act.
* The project life cycle is listed once, in ``TRANSITIONS``, and enforced in
  :func:`change_state`: planned → running → finished, and planned → finished for a project
  that never started. Nothing leads back.
* Only an active volunteer applies, to a role of an open (planned or running) project that
  still has a free place; one application per role and volunteer (a withdrawn one may be
  renewed). Accepting never goes beyond the role's places. The volunteer is told by
  e-mail, in their language, when they are accepted or declined.

Services flush and audit, never commit; the views commit. A refusal is a
:class:`ProjectError` with a translated message and the form field it belongs to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Text, cast, exists, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from wirnet import audit
from wirnet.auth.models import User
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.mail.outbox import queue_email
from wirnet.organisations.access import is_member, is_org_admin, organisation_ids_of
from wirnet.organisations.models import Membership, Organisation, OrganisationStatus
from wirnet.pagination import Page
from wirnet.projects.models import (
    Participation,
    ParticipationState,
    Project,
    ProjectRole,
    ProjectState,
)
from wirnet.regions import Municipality
from wirnet.roles import Role
from wirnet.security import is_coordinator
from wirnet.urls import external_url
from wirnet.volunteers.models import VolunteerProfile, VolunteerStatus
from wirnet.volunteers.profiles import profile_of

PS = ProjectState
A = ParticipationState

#: The project life cycle, listed once: from → the states it may move to.
TRANSITIONS: dict[ProjectState, tuple[ProjectState, ...]] = {
    PS.PLANNED: (PS.RUNNING, PS.FINISHED),
    PS.RUNNING: (PS.FINISHED,),
    PS.FINISHED: (),
}
#: Projects volunteers can browse and apply to.
OPEN = (PS.PLANNED, PS.RUNNING)
#: Applications that hold (or wait for) a place.
ACTIVE_APPLICATIONS = (A.APPLIED, A.ACCEPTED)

PER_PAGE = 20
TITLE_MAX = 160
MAX_PLACES = 100


class ProjectError(ValueError):
    """A rule refused the change: ``message`` (translated) belongs on form field ``field``."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- who may do what --------------------------------------------------------------------


def can_manage(user, project: Project) -> bool:
    """Coordinators run every project; a partner's org admins run the partner's projects."""
    return is_coordinator(user) or is_org_admin(user, project.partner_id)


def manage_denial(user, project: Project) -> int | None:
    """Why ``user`` may not run ``project``, as a status: 403 for a volunteer or a plain
    member of the partner, 404 for another organisation (its projects are not theirs to
    know about); None when they may."""
    if can_manage(user, project):
        return None
    if user.role is Role.ORG_MEMBER and not is_member(user, project.partner_id):
        return 404
    return 403


def can_view(user, project: Project) -> bool:
    """Open projects are for everyone logged in; a finished one for those who ran it, the
    partner's members and the volunteers who applied."""
    if project.state in OPEN or can_manage(user, project) or is_member(user, project.partner_id):
        return True
    profile = profile_of(user) if user.role is Role.VOLUNTEER else None
    return profile is not None and bool(
        db.session.scalar(
            select(
                exists().where(
                    Participation.profile_id == profile.id,
                    Participation.role_id == ProjectRole.id,
                    ProjectRole.project_id == project.id,
                )
            )
        )
    )


def partner_choices(user) -> list[Organisation]:
    """The organisations ``user`` may name as partner: every approved one for coordinators,
    the approved ones they are org admin of for org members."""
    stmt = select(Organisation).where(Organisation.status == OrganisationStatus.APPROVED)
    if not is_coordinator(user):
        stmt = stmt.join(Membership, Membership.organisation_id == Organisation.id).where(
            Membership.user_id == user.id, Membership.is_admin
        )
    return list(db.session.scalars(stmt.order_by(Organisation.name)))


def can_create(user) -> bool:
    return is_coordinator(user) or bool(partner_choices(user))


def municipalities() -> list[Municipality]:
    return list(db.session.scalars(select(Municipality).order_by(Municipality.name)))


# --- projects ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectData:
    title: str
    municipality_id: int | None
    partner_id: int | None
    description: str | None
    starts_on: date
    ends_on: date | None


def _check_project(data: ProjectData, actor, current: Project | None = None) -> None:
    if len(data.title or "") > TITLE_MAX:
        raise ProjectError(_("Use at most %(max)d characters.", max=TITLE_MAX), "title")
    if data.municipality_id is None or db.session.get(Municipality, data.municipality_id) is None:
        raise ProjectError(_("Please choose a town or municipality from the list."), "municipality")
    allowed = {org.id for org in partner_choices(actor)}
    if current is not None and current.partner_id is not None:
        allowed.add(current.partner_id)  # an organisation deactivated since stays possible
    if data.partner_id is None:
        if not is_coordinator(actor):
            raise ProjectError(_("Please choose your organisation."), "partner")
    elif data.partner_id not in allowed:
        raise ProjectError(_("Please choose an organisation from the list."), "partner")
    if data.ends_on is not None and data.ends_on < data.starts_on:
        raise ProjectError(_("The end cannot be before the start."), "ends_on")


def create_project(data: ProjectData, actor) -> Project:
    _check_project(data, actor)
    project = Project(
        title=data.title,
        municipality_id=data.municipality_id,
        partner_id=data.partner_id,
        description=data.description or None,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        state=PS.PLANNED,
        created_by_id=actor.id,
    )
    db.session.add(project)
    db.session.flush()
    audit.record("project.created", actor=actor, obj=project, partner_id=data.partner_id)
    return project


def update_project(project: Project, data: ProjectData, actor) -> None:
    _check_project(data, actor, project)
    project.title = data.title
    project.municipality_id = data.municipality_id
    project.partner_id = data.partner_id
    project.description = data.description or None
    project.starts_on = data.starts_on
    project.ends_on = data.ends_on
    db.session.flush()
    audit.record("project.updated", actor=actor, obj=project)


def allowed_targets(project: Project) -> tuple[ProjectState, ...]:
    return TRANSITIONS[project.state]


def change_state(project: Project, new: ProjectState, actor) -> None:
    """Move ``project`` to ``new`` if the life cycle allows it (the one place that checks)."""
    if new not in TRANSITIONS[project.state]:
        raise ProjectError(_("This change of state is not possible."), "state")
    old = project.state
    project.state = new
    db.session.flush()
    audit.record("project.state_changed", actor=actor, obj=project, old=old.value, new=new.value)


# --- roles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleData:
    title: str
    description: str | None
    places: int
    languages: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)


def accepted_count(role: ProjectRole) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Participation)
        .where(Participation.role_id == role.id, Participation.state == A.ACCEPTED)
    )


def _check_role(data: RoleData) -> None:
    if len(data.title or "") > TITLE_MAX:
        raise ProjectError(_("Use at most %(max)d characters.", max=TITLE_MAX), "title")
    if not 1 <= (data.places or 0) <= MAX_PLACES:
        raise ProjectError(
            _("Please enter a number from %(min)d to %(max)d.", min=1, max=MAX_PLACES), "places"
        )


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def add_role(project: Project, data: RoleData, actor) -> ProjectRole:
    _check_role(data)
    role = ProjectRole(
        project=project,
        title=data.title,
        description=data.description or None,
        places=data.places,
        languages=_unique(data.languages),
        topics=_unique(data.topics),
    )
    db.session.add(role)
    db.session.flush()
    audit.record("project.role_added", actor=actor, obj=role, project_id=project.id)
    return role


def update_role(role: ProjectRole, data: RoleData, actor) -> None:
    _check_role(data)
    taken = accepted_count(role)
    if data.places < taken:
        raise ProjectError(
            _(
                "%(num)d people are already accepted for this role: "
                "the number of places cannot be smaller.",
                num=taken,
            ),
            "places",
        )
    role.title = data.title
    role.description = data.description or None
    role.places = data.places
    role.languages = _unique(data.languages)
    role.topics = _unique(data.topics)
    db.session.flush()
    audit.record("project.role_updated", actor=actor, obj=role, project_id=role.project_id)


def remove_role(role: ProjectRole, actor) -> None:
    """Remove a role nobody holds or waits for; otherwise say what to do first."""
    waiting = db.session.scalar(
        select(func.count())
        .select_from(Participation)
        .where(Participation.role_id == role.id, Participation.state.in_(ACTIVE_APPLICATIONS))
    )
    if waiting:
        raise ProjectError(
            _(
                "Volunteers have applied for this role or take part in it. "
                "Decline their applications first."
            )
        )
    audit.record("project.role_removed", actor=actor, obj=role, project_id=role.project_id)
    db.session.delete(role)
    db.session.flush()


# --- applications ------------------------------------------------------------------------


def not_active_reason(profile: VolunteerProfile | None) -> str | None:
    """Why this volunteer cannot apply yet, in words for them; None when they can."""
    if profile is None:
        return _(
            "Only active volunteers can apply. Please fill in your volunteer profile first; "
            "the centre activates you after a short introductory talk."
        )
    if profile.status is VolunteerStatus.APPLICANT:
        return _(
            "Only active volunteers can apply. The centre activates you after a short "
            "introductory talk."
        )
    if profile.status is VolunteerStatus.PAUSED:
        return _("You are taking a break. End your break on your overview page to apply.")
    if profile.status is VolunteerStatus.LEFT:
        return _(
            "You have left the volunteer team. If you would like to come back, please "
            "contact the centre."
        )
    return None


def _locked_role(role: ProjectRole) -> ProjectRole:
    """The role again, locked until the commit (PostgreSQL), so that two people taking the
    last place at once cannot both get it."""
    return db.session.scalar(
        select(ProjectRole)
        .where(ProjectRole.id == role.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def apply(role: ProjectRole, user, message: str | None) -> Participation:
    profile = profile_of(user)
    reason = not_active_reason(profile)
    if reason:
        raise ProjectError(reason)
    if role.project.state not in OPEN:
        raise ProjectError(_("This project has finished; it takes no more applications."))
    role = _locked_role(role)
    found = db.session.scalar(
        select(Participation).where(
            Participation.role_id == role.id, Participation.profile_id == profile.id
        )
    )
    if found is not None and found.state in ACTIVE_APPLICATIONS:
        raise ProjectError(_("You have already applied for this role."))
    if found is not None and found.state is A.DECLINED:
        raise ProjectError(_("Your application for this role was declined."))
    if accepted_count(role) >= role.places:
        raise ProjectError(_("All places of this role are taken."))
    if found is None:
        found = Participation(role_id=role.id, profile_id=profile.id)
        db.session.add(found)
    found.state = A.APPLIED
    found.message = message or None
    found.decided_by_id = None
    found.decided_at = None
    db.session.flush()
    audit.record("participation.applied", actor=user, obj=found, role_id=role.id)
    return found


def withdraw(participation: Participation, user) -> None:
    if participation.state not in ACTIVE_APPLICATIONS:
        raise ProjectError(_("This application is no longer open."))
    participation.state = A.WITHDRAWN
    db.session.flush()
    audit.record("participation.withdrawn", actor=user, obj=participation)


def _tell_volunteer(participation: Participation, template: str) -> None:
    volunteer = participation.profile.user
    role = participation.role
    queue_email(
        template,
        to=volunteer.email,
        locale=volunteer.locale,
        user=volunteer,
        project=role.project,
        role=role,
        link=external_url("projects.project", project_id=role.project_id),
        projects_link=external_url("projects.browse"),
    )


def accept(participation: Participation, actor) -> None:
    if participation.state is A.ACCEPTED:
        raise ProjectError(_("This application is already accepted."))
    if participation.state is A.WITHDRAWN:
        raise ProjectError(_("The volunteer has withdrawn this application."))
    role = _locked_role(participation.role)
    if accepted_count(role) >= role.places:
        raise ProjectError(
            _(
                "All places of this role are taken. Add a place to the role, or decline "
                "someone first."
            )
        )
    participation.state = A.ACCEPTED
    participation.decided_by_id = actor.id
    participation.decided_at = utcnow()
    db.session.flush()
    audit.record("participation.accepted", actor=actor, obj=participation)
    _tell_volunteer(participation, "project_application_accepted")


def decline(participation: Participation, actor) -> None:
    if participation.state is A.DECLINED:
        raise ProjectError(_("This application is already declined."))
    if participation.state is A.WITHDRAWN:
        raise ProjectError(_("The volunteer has withdrawn this application."))
    participation.state = A.DECLINED
    participation.decided_by_id = actor.id
    participation.decided_at = utcnow()
    db.session.flush()
    audit.record("participation.declined", actor=actor, obj=participation)
    _tell_volunteer(participation, "project_application_declined")


# --- reading ------------------------------------------------------------------------------


def get_project(project_id: int) -> Project | None:
    return db.session.scalar(
        select(Project)
        .where(Project.id == project_id)
        .options(
            selectinload(Project.municipality),
            selectinload(Project.partner),
            selectinload(Project.roles)
            .selectinload(ProjectRole.participations)
            .selectinload(Participation.profile),
        )
    )


def get_role(project: Project, role_id: int) -> ProjectRole | None:
    return next((role for role in project.roles if role.id == role_id), None)


def get_participation(project: Project, participation_id: int) -> Participation | None:
    for role in project.roles:
        for participation in role.participations:
            if participation.id == participation_id:
                return participation
    return None


def taken_places(project: Project) -> dict[int, int]:
    """Accepted volunteers per role id (from the loaded participations, no query)."""
    return {
        role.id: sum(1 for p in role.participations if p.state is A.ACCEPTED)
        for role in project.roles
    }


@dataclass(frozen=True)
class ProjectFilter:
    municipality_id: int | None = None
    #: A Topic value; projects with a role in that topic.
    topic: str | None = None
    #: A BCP 47 tag: ``ar`` finds roles asking for ``ar`` or any variety (``ar-SY``).
    language: str | None = None
    #: Finished projects instead of open ones (for those who ran them), limited to these
    #: partner organisations when not None.
    finished: bool = False
    partner_ids: frozenset[int] | None = None


@dataclass(frozen=True)
class ProjectPage(Page):
    #: Accepted volunteers per role id, for the roles of ``items``.
    taken: dict[int, int] = field(default_factory=dict)


def _listed(value: str):
    """A JSON list column (as text) holding exactly ``value``: ``["ar-SY", "fa-AF"]``."""
    return f'"{value}"'


def _role_condition(filters: ProjectFilter):
    """Projects with one role that asks for the language and the topic (both, if both)."""
    conditions = [ProjectRole.project_id == Project.id]
    # The tags and topics are validated before they get here (letters, digits, "-", "_");
    # the lists are JSON text, the same on SQLite and PostgreSQL.
    if filters.language:
        languages = cast(ProjectRole.languages, Text)
        conditions.append(
            or_(
                languages.contains(_listed(filters.language), autoescape=True),
                languages.contains('"' + filters.language + "-", autoescape=True),
            )
        )
    if filters.topic:
        conditions.append(
            cast(ProjectRole.topics, Text).contains(_listed(filters.topic), autoescape=True)
        )
    return exists().where(*conditions)


def finished_filter(user) -> ProjectFilter:
    """Finished projects: every one for coordinators, their organisations' for org members."""
    if is_coordinator(user):
        return ProjectFilter(finished=True)
    return ProjectFilter(finished=True, partner_ids=frozenset(organisation_ids_of(user)))


def _browse_filtered(stmt, filters: ProjectFilter):
    if filters.finished:
        stmt = stmt.where(Project.state == PS.FINISHED)
        if filters.partner_ids is not None:
            stmt = stmt.where(Project.partner_id.in_(filters.partner_ids or {-1}))
    else:
        stmt = stmt.where(Project.state.in_(OPEN))
    if filters.municipality_id is not None:
        stmt = stmt.where(Project.municipality_id == filters.municipality_id)
    if filters.language or filters.topic:
        stmt = stmt.where(_role_condition(filters))
    return stmt


def browse(filters: ProjectFilter, *, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of open projects in four queries, whatever the page size: the count, the
    projects (town and partner joined), their roles, and the places taken."""
    total = (
        db.session.scalar(
            _browse_filtered(select(func.count(Project.id)).select_from(Project), filters)
        )
        or 0
    )
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    stmt = (
        _browse_filtered(select(Project), filters)
        .outerjoin(Municipality, Municipality.id == Project.municipality_id)
        .outerjoin(Organisation, Organisation.id == Project.partner_id)
        .options(
            contains_eager(Project.municipality),
            contains_eager(Project.partner),
            selectinload(Project.roles),
        )
        .order_by(Project.starts_on, Project.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    projects = list(db.session.scalars(stmt))
    taken: dict[int, int] = {}
    if projects:
        rows = db.session.execute(
            select(Participation.role_id, func.count())
            .join(ProjectRole, ProjectRole.id == Participation.role_id)
            .where(
                ProjectRole.project_id.in_([p.id for p in projects]),
                Participation.state == A.ACCEPTED,
            )
            .group_by(Participation.role_id)
        )
        taken = dict(rows.all())
    return ProjectPage(projects, total, page, per_page, taken)


def requested_languages() -> list[str]:
    """Every tag an open project's role asks for, with the language of each variety."""
    tags: set[str] = set()
    for languages in db.session.scalars(
        select(ProjectRole.languages).join(Project).where(Project.state.in_(OPEN))
    ):
        tags.update(languages or [])
    return sorted(tags | {tag.split("-")[0] for tag in tags})


def applications_of(user, *, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """The volunteer's own applications, newest first: two queries."""
    profile = profile_of(user)
    if profile is None:
        return Page([], 0, 1, per_page)
    where = Participation.profile_id == profile.id
    total = db.session.scalar(select(func.count()).select_from(Participation).where(where)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    stmt = (
        select(Participation)
        .join(ProjectRole, ProjectRole.id == Participation.role_id)
        .join(Project, Project.id == ProjectRole.project_id)
        .where(where)
        .options(contains_eager(Participation.role).contains_eager(ProjectRole.project))
        .order_by(Participation.created_at.desc(), Participation.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(list(db.session.scalars(stmt)), total, page, per_page)


def accepted_volunteers(project: Project) -> list[tuple[ProjectRole, list[User]]]:
    """Who takes part, by role (from the loaded participations)."""
    return [
        (role, [p.profile.user for p in role.participations if p.state is A.ACCEPTED])
        for role in project.roles
    ]
