"""The organisation rules: registration, the coordinators' decisions, members and invitations.

Life cycle of an organisation (the actions are listed once, in ``ACTIONS``)::

    approve:    pending, declined → approved  (the org admins are told by e-mail)
    decline:    pending → declined            (with a note; the org admins are told)
    deactivate: approved → deactivated
    reactivate: deactivated → approved

Only an approved organisation posts requests (``access.approved_organisations_of``).

Members: whoever registers an organisation becomes its first org admin. Org admins invite
further members by e-mail (a signed, expiring link that works once, for the invited address
only) and remove members; a member can leave. An organisation always keeps one org admin
while it has members: the last one can neither leave nor be removed nor lose the role.

Services flush and ``audit.record``; the views commit. None of them reads ``flask.request``.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from wirnet import audit
from wirnet.auth import passwords, tokens
from wirnet.auth import services as auth_services
from wirnet.auth.models import User, normalize_email
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.mail.outbox import queue_email
from wirnet.organisations.models import (
    Membership,
    Organisation,
    OrganisationInvitation,
    OrganisationKind,
    OrganisationStatus,
)
from wirnet.pagination import Page
from wirnet.regions import Municipality
from wirnet.roles import Role
from wirnet.security import is_coordinator
from wirnet.urls import external_url

S = OrganisationStatus


class Action(enum.StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"


#: What a coordinator (or admin) can do: from which statuses, to which one. The audit
#: action is ``organisation.<action>d``.
ACTIONS: dict[Action, tuple[frozenset[OrganisationStatus], OrganisationStatus]] = {
    Action.APPROVE: (frozenset({S.PENDING, S.DECLINED}), S.APPROVED),
    Action.DECLINE: (frozenset({S.PENDING}), S.DECLINED),
    Action.DEACTIVATE: (frozenset({S.APPROVED}), S.DEACTIVATED),
    Action.REACTIVATE: (frozenset({S.DEACTIVATED}), S.APPROVED),
}

#: Invitations can be sent and accepted while the organisation is one of these.
OPEN_FOR_MEMBERS = frozenset({S.PENDING, S.APPROVED})

INVITATION_PURPOSE = "organisation-invitation"
PER_PAGE = 25


class OrganisationError(ValueError):
    """A rule refused the change. ``code`` names the rule, for the view's translated message:
    ``municipality``, ``not_allowed``, ``note_missing``, ``last_admin``, ``closed``,
    ``already_member``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# --- registration and editing --------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationData:
    name: str
    kind: OrganisationKind
    municipality_id: int | None
    description: str | None
    contact_name: str
    contact_phone: str | None
    contact_email: str | None

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": OrganisationKind(self.kind),
            "municipality_id": self.municipality_id,
            "description": self.description or None,
            "contact_name": self.contact_name,
            "contact_phone": self.contact_phone or None,
            "contact_email": normalize_email(self.contact_email) if self.contact_email else None,
        }


def _check(data: OrganisationData) -> None:
    if data.municipality_id is None or db.session.get(Municipality, data.municipality_id) is None:
        raise OrganisationError("municipality")


def municipalities() -> list[Municipality]:
    return list(db.session.scalars(select(Municipality).order_by(Municipality.name)))


def register(data: OrganisationData, user: User) -> Organisation:
    """``user`` (an org member) registers an organisation: pending, with them as org admin."""
    if user.role is not Role.ORG_MEMBER:
        raise OrganisationError("not_allowed")
    _check(data)
    organisation = Organisation(**data.values(), status=S.PENDING, created_by_id=user.id)
    organisation.memberships.append(Membership(user_id=user.id, is_admin=True))
    db.session.add(organisation)
    db.session.flush()
    audit.record("organisation.registered", actor=user, obj=organisation)
    return organisation


def register_with_account(
    account: auth_services.SignupData, data: OrganisationData, notice_version: str
) -> Organisation | None:
    """A visitor registers an organisation and opens their account in one go.

    The account is an unconfirmed org member's (it confirms its address as every account
    does). A taken address gets the same answer; its owner is told by e-mail, and nothing
    is registered (None). The caller must answer the same either way.
    """
    _check(data)  # before anything is sent or made
    user = auth_services.sign_up(
        account,
        notice_version,
        role=Role.ORG_MEMBER,
        existing_template="organisation_signup_existing",
        register_link=external_url("organisations.register"),
    )
    if user is None:
        return None
    return register(data, user)


def create(data: OrganisationData, actor: User) -> Organisation:
    """A coordinator enters an organisation directly: it is approved at once."""
    if not is_coordinator(actor):
        raise OrganisationError("not_allowed")
    _check(data)
    now = utcnow()
    organisation = Organisation(
        **data.values(),
        status=S.APPROVED,
        created_by_id=actor.id,
        decided_by_id=actor.id,
        decided_at=now,
    )
    db.session.add(organisation)
    db.session.flush()
    audit.record("organisation.created", actor=actor, obj=organisation)
    return organisation


def update(organisation: Organisation, data: OrganisationData, actor: User) -> list[str]:
    """Save the details (org admins of their own, coordinators of any); the changed fields."""
    if not (is_coordinator(actor) or is_org_admin(actor, organisation)):
        raise OrganisationError("not_allowed")
    _check(data)
    changed = []
    for name, value in data.values().items():
        if getattr(organisation, name) != value:
            setattr(organisation, name, value)
            changed.append(name)
    if changed:
        # The field names only: contact details are personal data and stay out of the trail.
        audit.record("organisation.edited", actor=actor, obj=organisation, fields=changed)
    db.session.flush()
    return changed


# --- the coordinators' decisions -----------------------------------------------------------


def allowed_actions(organisation: Organisation) -> list[Action]:
    return [action for action, (sources, _to) in ACTIONS.items() if organisation.status in sources]


def _org_admins(organisation: Organisation) -> list[User]:
    return [m.user for m in organisation.memberships if m.is_admin and m.user.active]


def decide(
    organisation: Organisation, action: Action, actor: User, note: str | None = None
) -> None:
    """Take a coordinator's ``action`` on the organisation (coordinators and admins only).

    Approving and declining tell every org admin by e-mail, in their language; declining
    needs a note, which the e-mail quotes.
    """
    action = Action(action)
    sources, new = ACTIONS[action]
    if organisation.status not in sources or not is_coordinator(actor):
        raise OrganisationError("not_allowed")
    note = (note or "").strip() or None
    if action is Action.DECLINE and not note:
        raise OrganisationError("note_missing")
    previous = organisation.status
    organisation.status = new
    if action in (Action.APPROVE, Action.DECLINE):
        organisation.decision_note = note
        organisation.decided_by_id = actor.id
        organisation.decided_at = utcnow()
        template = "organisation_approved" if new is S.APPROVED else "organisation_declined"
        for admin in _org_admins(organisation):
            queue_email(
                template,
                to=admin.email,
                locale=admin.locale,
                user=admin,
                organisation=organisation,
                note=note,
                link=external_url("organisations.detail", org_id=organisation.id),
                home_link=external_url("main.home"),
            )
    audit.record(f"organisation.{action}d", actor=actor, obj=organisation, previous=str(previous))
    db.session.flush()


# --- the coordinators' list ----------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationFilter:
    query: str = ""
    status: OrganisationStatus | None = None
    kind: OrganisationKind | None = None
    municipality_id: int | None = None


@dataclass(frozen=True)
class OrganisationRow:
    organisation: Organisation
    members: int


def list_organisations(filters: OrganisationFilter, page: int = 1) -> Page:
    """The pending ones first, then by name; two queries whatever the page size."""
    conditions = []
    if filters.query:
        conditions.append(Organisation.name.icontains(filters.query, autoescape=True))
    if filters.status is not None:
        conditions.append(Organisation.status == filters.status)
    if filters.kind is not None:
        conditions.append(Organisation.kind == filters.kind)
    if filters.municipality_id is not None:
        conditions.append(Organisation.municipality_id == filters.municipality_id)
    total = db.session.scalar(select(func.count()).select_from(Organisation).where(*conditions))
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    members = (
        select(func.count())
        .select_from(Membership)
        .where(Membership.organisation_id == Organisation.id)
        .correlate(Organisation)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Organisation, members)
        .options(joinedload(Organisation.municipality))
        .where(*conditions)
        .order_by(
            case((Organisation.status == S.PENDING, 0), else_=1),
            func.lower(Organisation.name),
            Organisation.id,
        )
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    items = [OrganisationRow(organisation, count) for organisation, count in rows]
    return Page(items=items, total=total, page=page, per_page=PER_PAGE)


def pending_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.status == S.PENDING)
    )


# --- who may see what ----------------------------------------------------------------------


def visible_organisation(user: User, organisation_id: int) -> Organisation | None:
    """The organisation if ``user`` may see it (coordinators: any; org members: their own);
    None otherwise, so another organisation's id looks like one that does not exist."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        return None
    if is_coordinator(user) or membership_of(user, organisation) is not None:
        return organisation
    return None


def membership_of(user: User, organisation: Organisation) -> Membership | None:
    return next((m for m in organisation.memberships if m.user_id == user.id), None)


def is_org_admin(user: User, organisation: Organisation) -> bool:
    found = membership_of(user, organisation)
    return found is not None and found.is_admin


def can_manage_members(user: User, organisation: Organisation) -> bool:
    return is_coordinator(user) or is_org_admin(user, organisation)


def organisations_of(user: User) -> list[tuple[Organisation, Membership]]:
    """``user``'s organisations (any status) with their membership, by name."""
    rows = db.session.execute(
        select(Organisation, Membership)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id)
        .order_by(func.lower(Organisation.name), Organisation.id)
    ).all()
    return [(organisation, member) for organisation, member in rows]


def open_invitations(organisation: Organisation) -> list[OrganisationInvitation]:
    return list(
        db.session.scalars(
            select(OrganisationInvitation)
            .where(
                OrganisationInvitation.organisation_id == organisation.id,
                OrganisationInvitation.accepted_at.is_(None),
                OrganisationInvitation.revoked_at.is_(None),
                OrganisationInvitation.created_at
                > utcnow() - current_app.config["INVITATION_TOKEN_MAX_AGE"],
            )
            .order_by(OrganisationInvitation.created_at)
        )
    )


# --- members -------------------------------------------------------------------------------


def _admin_count(organisation: Organisation) -> int:
    return sum(1 for m in organisation.memberships if m.is_admin)


def remove_member(organisation: Organisation, member: Membership, actor: User) -> None:
    """An org admin (or a coordinator) removes a member; a member removes themselves
    (leaves). The last org admin stays: another member must be made org admin first."""
    leaving = member.user_id == actor.id
    if member.organisation_id != organisation.id or not (
        leaving or can_manage_members(actor, organisation)
    ):
        raise OrganisationError("not_allowed")
    if member.is_admin and _admin_count(organisation) <= 1:
        raise OrganisationError("last_admin")
    organisation.memberships.remove(member)
    db.session.delete(member)
    audit.record(
        "organisation.member_left" if leaving else "organisation.member_removed",
        actor=actor,
        obj=organisation,
        user_id=member.user_id,
    )
    db.session.flush()


def set_admin(organisation: Organisation, member: Membership, is_admin: bool, actor: User) -> None:
    """Make a member org admin, or take the role back (never from the last org admin)."""
    if member.organisation_id != organisation.id or not can_manage_members(actor, organisation):
        raise OrganisationError("not_allowed")
    if member.is_admin == is_admin:
        return
    if not is_admin and _admin_count(organisation) <= 1:
        raise OrganisationError("last_admin")
    member.is_admin = is_admin
    audit.record(
        "organisation.admin_granted" if is_admin else "organisation.admin_revoked",
        actor=actor,
        obj=organisation,
        user_id=member.user_id,
    )
    db.session.flush()


# --- invitations ---------------------------------------------------------------------------


def _invitation_fingerprint(invitation: OrganisationInvitation) -> str:
    return tokens.fingerprint(str(invitation.id), invitation.email)


def invitation_link(invitation: OrganisationInvitation) -> str:
    token = tokens.make_token(
        INVITATION_PURPOSE, {"iid": invitation.id, "fp": _invitation_fingerprint(invitation)}
    )
    return external_url("organisations.accept_invitation", token=token)


def invite(
    organisation: Organisation,
    email: str,
    actor: User,
    *,
    as_admin: bool = False,
    locale: str | None = None,
) -> OrganisationInvitation:
    """Send ``email`` a link to join; an earlier open invitation to it stops working. The
    e-mail is in the language of the account that has the address, else in ``locale`` (the
    inviter chooses it), else in the centre's default.

    Refused when the organisation is declined or deactivated, or the address is already a
    member's.
    """
    if not can_manage_members(actor, organisation):
        raise OrganisationError("not_allowed")
    if organisation.status not in OPEN_FOR_MEMBERS:
        raise OrganisationError("closed")
    email = normalize_email(email)
    if any(m.user.email == email for m in organisation.memberships):
        raise OrganisationError("already_member")
    now = utcnow()
    for earlier in db.session.scalars(
        select(OrganisationInvitation).where(
            OrganisationInvitation.organisation_id == organisation.id,
            OrganisationInvitation.email == email,
            OrganisationInvitation.accepted_at.is_(None),
            OrganisationInvitation.revoked_at.is_(None),
        )
    ):
        earlier.revoked_at = now
    invitation = OrganisationInvitation(
        organisation_id=organisation.id, email=email, as_admin=as_admin, invited_by_id=actor.id
    )
    db.session.add(invitation)
    db.session.flush()
    # An account says which language its person reads; for an address without one, the
    # inviter, who knows the person, chooses.
    invitee = User.by_email(email)
    if invitee is not None:
        locale = invitee.locale
    elif locale not in current_app.config["WIRNET_LOCALES"]:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    max_age = current_app.config["INVITATION_TOKEN_MAX_AGE"]
    queue_email(
        "organisation_invitation",
        to=email,
        locale=locale,
        user=invitee,
        inviter=actor,
        organisation=organisation,
        link=invitation_link(invitation),
        days=max(1, max_age.days),
    )
    audit.record("organisation.member_invited", actor=actor, obj=organisation)
    return invitation


def revoke_invitation(
    organisation: Organisation, invitation: OrganisationInvitation, actor: User
) -> None:
    if invitation.organisation_id != organisation.id or not can_manage_members(actor, organisation):
        raise OrganisationError("not_allowed")
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        audit.record("organisation.invitation_revoked", actor=actor, obj=organisation)
    db.session.flush()


def invitation_for_token(token: str) -> OrganisationInvitation | None:
    """The open invitation a link names; None for a forged, expired, used or revoked link,
    or when the organisation no longer takes members."""
    payload = tokens.read_token(
        INVITATION_PURPOSE, token, current_app.config["INVITATION_TOKEN_MAX_AGE"]
    )
    if payload is None or not isinstance(payload.get("iid"), int):
        return None
    invitation = db.session.get(OrganisationInvitation, payload["iid"])
    if (
        invitation is None
        or payload.get("fp") != _invitation_fingerprint(invitation)
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.organisation.status not in OPEN_FOR_MEMBERS
    ):
        return None
    return invitation


class JoinProblem(enum.Enum):
    """Why an account cannot accept an invitation (the page explains it)."""

    OTHER_ADDRESS = "other_address"  # logged in with another address than the invited one
    NOT_ORG_MEMBER = "not_org_member"  # a volunteer's, coordinator's or admin's account


def join_problem(invitation: OrganisationInvitation, user: User) -> JoinProblem | None:
    if normalize_email(user.email) != invitation.email:
        return JoinProblem.OTHER_ADDRESS
    if user.role is not Role.ORG_MEMBER:
        return JoinProblem.NOT_ORG_MEMBER
    return None


def accept_invitation(invitation: OrganisationInvitation, user: User) -> Membership:
    """``user`` (with the invited address) joins; the link stops working."""
    if join_problem(invitation, user) is not None:
        raise OrganisationError("not_allowed")
    organisation = invitation.organisation
    invitation.accepted_at = utcnow()
    member = membership_of(user, organisation)
    if member is None:
        member = Membership(user_id=user.id, is_admin=invitation.as_admin)
        organisation.memberships.append(member)
    elif invitation.as_admin:
        member.is_admin = True
    db.session.flush()
    audit.record(
        "organisation.invitation_accepted",
        actor=user,
        obj=organisation,
        as_admin=member.is_admin,
    )
    return member


@dataclass(frozen=True)
class NewMember:
    display_name: str
    locale: str
    password: str
    notice_version: str


def accept_with_new_account(invitation: OrganisationInvitation, details: NewMember) -> User:
    """Open an org member's account for the invited address and join. Following the link
    proves the address, so the account is confirmed at once."""
    user = User(
        email=invitation.email,
        password_hash=passwords.hash_password(details.password),
        display_name=details.display_name,
        locale=details.locale,
        role=Role.ORG_MEMBER,
        email_confirmed_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    auth_services.give_consent(user, details.notice_version)
    audit.record("user.signed_up", actor=user, obj=user, role=str(Role.ORG_MEMBER))
    accept_invitation(invitation, user)
    return user
