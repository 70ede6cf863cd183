"""Test data for the organisation pages: organisations with members, the form of a valid one."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import UserFactory
from tests.integration.volunteer_support import municipality
from wirnet.audit import AuditEntry
from wirnet.extensions import db
from wirnet.organisations.models import (
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from wirnet.roles import Role


def organisation(
    *admins,
    members=(),
    name: str = "Tigrinya Community Hofgeismar",
    status: OrganisationStatus = OrganisationStatus.APPROVED,
    kind: OrganisationKind = OrganisationKind.MIGRANT_ORGANISATION,
    place=None,
) -> Organisation:
    """An organisation with ``admins`` (org admins) and ``members`` (plain members)."""
    org = Organisation(
        name=name,
        kind=kind,
        status=status,
        contact_name="Semhar Tesfay",
        municipality_id=(place or municipality("Hofgeismar")).id,
    )
    for user in admins:
        org.memberships.append(Membership(user_id=user.id, is_admin=True))
    for user in members:
        org.memberships.append(Membership(user_id=user.id, is_admin=False))
    db.session.add(org)
    db.session.flush()
    return org


def org_member(**values):
    return UserFactory(role=Role.ORG_MEMBER, **values)


def form_data(place, **overrides) -> dict:
    """The details of a valid organisation, as the form posts them."""
    data = {
        "name": "Eritreischer Verein Baunatal",
        "kind": "migrant_organisation",
        "municipality": str(place.id),
        "description": "<p>Wir helfen <strong>neu angekommenen</strong> Familien.</p>",
        "contact_name": "Semhar Tesfay",
        "contact_phone": "+49 561 123456",
        "contact_email": "kontakt@verein.example",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def organisation_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Organisation))


def audit_actions(prefix: str = "organisation.") -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.startswith(prefix))
            .order_by(AuditEntry.id)
        )
    )
