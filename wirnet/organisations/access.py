"""Who belongs to which organisation: the one place object-level checks ask."""

from __future__ import annotations

from sqlalchemy import select

from wirnet.extensions import db
from wirnet.organisations.models import Membership, Organisation, OrganisationStatus


def organisation_ids_of(user) -> set[int]:
    """The organisations ``user`` is a member of (any status)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        db.session.scalars(select(Membership.organisation_id).where(Membership.user_id == user.id))
    )


def membership(user, organisation_id: int) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation_id
        )
    )


def is_member(user, organisation_id: int | None) -> bool:
    return organisation_id is not None and membership(user, organisation_id) is not None


def is_org_admin(user, organisation_id: int | None) -> bool:
    found = membership(user, organisation_id) if organisation_id is not None else None
    return found is not None and found.is_admin


def approved_organisations_of(user) -> list[Organisation]:
    """The approved organisations ``user`` may post requests for."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user.id)
            .where(Organisation.status == OrganisationStatus.APPROVED)
            .order_by(Organisation.name)
        )
    )
