"""The rules of account administration. Services flush and audit; the view commits."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select

from wirnet import audit
from wirnet.auth import services as auth_services
from wirnet.auth.models import User
from wirnet.extensions import db
from wirnet.pagination import Page
from wirnet.roles import Role

PER_PAGE = 25


class AccountState(enum.StrEnum):
    """Three states that do not overlap: a deactivated account counts as deactivated only."""

    UNCONFIRMED = "unconfirmed"
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


def state_of(user: User) -> AccountState:
    if not user.active:
        return AccountState.DEACTIVATED
    if not user.email_confirmed:
        return AccountState.UNCONFIRMED
    return AccountState.ACTIVE


_STATE_CONDITIONS = {
    AccountState.UNCONFIRMED: and_(User.active, User.email_confirmed_at.is_(None)),
    AccountState.ACTIVE: and_(User.active, User.email_confirmed_at.is_not(None)),
    AccountState.DEACTIVATED: ~User.active,
}


@dataclass(frozen=True)
class AccountFilter:
    query: str = ""
    role: Role | None = None
    state: AccountState | None = None


def _filtered(stmt: Select, filters: AccountFilter) -> Select:
    if filters.query:
        # autoescape: % and _ typed by the admin are searched for, not wildcards.
        stmt = stmt.where(
            or_(
                User.display_name.icontains(filters.query, autoescape=True),
                User.email.icontains(filters.query, autoescape=True),
            )
        )
    if filters.role is not None:
        stmt = stmt.where(User.role == filters.role)
    if filters.state is not None:
        stmt = stmt.where(_STATE_CONDITIONS[filters.state])
    return stmt


def list_accounts(filters: AccountFilter, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of accounts sorted by name, in two queries whatever the page size."""
    total = db.session.scalar(_filtered(select(func.count()).select_from(User), filters)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    stmt = (
        _filtered(select(User), filters)
        .order_by(func.lower(User.display_name), User.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(list(db.session.scalars(stmt)), total, page, per_page)


class Outcome(enum.Enum):
    DONE = "done"
    #: Nothing to do: the account is already in that state.
    UNCHANGED = "unchanged"
    #: Refused: the account is the last active administrator.
    LAST_ADMIN = "last_admin"
    #: Refused: a deactivated account gets no confirmation e-mail.
    DEACTIVATED = "deactivated"


def _is_last_active_admin(user: User) -> bool:
    """True when ``user`` is the only active administrator.

    The active administrators' rows are locked (PostgreSQL), so two administrators who
    demote each other at the same moment cannot both succeed.
    """
    if user.role != Role.ADMIN or not user.active:
        return False
    admins = db.session.scalars(
        select(User.id)
        .where(User.role == Role.ADMIN, User.active)
        .order_by(User.id)
        .with_for_update()
    ).all()
    return not [admin_id for admin_id in admins if admin_id != user.id]


def change_role(user: User, role: Role, actor: User) -> Outcome:
    old = user.role
    if old == role:
        return Outcome.UNCHANGED
    if old == Role.ADMIN and _is_last_active_admin(user):
        return Outcome.LAST_ADMIN
    user.role = role
    audit.record("admin.role_changed", actor=actor, obj=user, old=old.value, new=role.value)
    db.session.flush()
    return Outcome.DONE


def deactivate(user: User, actor: User) -> Outcome:
    """Deactivate the account; its sessions end at once (the session token is replaced)."""
    if not user.active:
        return Outcome.UNCHANGED
    if _is_last_active_admin(user):
        return Outcome.LAST_ADMIN
    auth_services.deactivate(user, actor=actor)
    return Outcome.DONE


def reactivate(user: User, actor: User) -> Outcome:
    if user.active:
        return Outcome.UNCHANGED
    user.active = True
    audit.record("user.reactivated", actor=actor, obj=user)
    db.session.flush()
    return Outcome.DONE


def resend_confirmation(user: User, actor: User) -> Outcome:
    if user.email_confirmed:
        return Outcome.UNCHANGED
    if not user.active:
        return Outcome.DEACTIVATED
    auth_services.resend_confirmation(user, actor=actor)
    return Outcome.DONE
