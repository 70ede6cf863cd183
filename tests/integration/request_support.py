"""Test data for the request pages: requests in any state, their organisations and places."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from tests.integration.volunteer_support import municipality
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.regions import Municipality
from wirnet.requests import lifecycle
from wirnet.requests.models import (
    Request,
    RequestKind,
    RequestMode,
    RequestSetting,
    RequestState,
)

MATRIX_REF = "MX-1"


def place(name: str = "Baunatal") -> Municipality:
    found = db.session.scalar(select(Municipality).where(Municipality.name == name))
    return found or municipality(name)


def in_days(days: int, hour: int = 10) -> datetime:
    """A UTC time ``days`` from now at ``hour`` o'clock UTC."""
    day = (utcnow() + timedelta(days=days)).date()
    return datetime.combine(day, time(hour), tzinfo=UTC)


def make_request(
    organisation=None,
    *,
    state: RequestState = RequestState.OPEN,
    kind: RequestKind = RequestKind.LANGUAGE_MEDIATION,
    starts_at: datetime | None = None,
    hours: int = 2,
    creator=None,
    **values,
) -> Request:
    """A request of ``organisation`` (None: a walk-in), straight into ``state``, with the
    first line of its history."""
    starts = starts_at if starts_at is not None else in_days(14)
    flexible = "deadline" in values
    row = Request(
        organisation_id=organisation.id if organisation is not None else None,
        created_by_id=creator.id if creator is not None else None,
        kind=kind,
        language_code=values.pop("language_code", "ar-SY"),
        mode=values.pop("mode", RequestMode.ON_SITE),
        setting=values.pop("setting", RequestSetting.AUTHORITY),
        starts_at=None if flexible else starts,
        ends_at=None if flexible else starts + timedelta(hours=hours),
        municipality_id=values.pop("municipality_id", None) or place().id,
        address=values.pop("address", "Rathausplatz 1, 34225 Baunatal"),
        client_ref=values.pop("client_ref", "A. B."),
        client_consent_at=utcnow(),
        state=state,
        **values,
    )
    db.session.add(row)
    db.session.flush()
    lifecycle.record_creation(row, creator)
    return row


# --- the permission matrix --------------------------------------------------------------


def matrix_request(orgs) -> Request:
    """An open health-guidance request of org_member's organisation, for the matrix's GET
    pages (each view of it is audited as ``request.viewed``); made once per test."""
    found = db.session.scalar(select(Request).where(Request.client_ref == MATRIX_REF))
    return found or make_request(
        orgs["org_member"], kind=RequestKind.HEALTH_GUIDANCE, client_ref=MATRIX_REF
    )


def request_url(action: str = ""):
    return lambda orgs: f"/requests/{matrix_request(orgs).id}{action}"


def fresh_request_url(action: str, state: RequestState):
    """A new request of org_member's organisation in ``state`` per call, for actions."""
    return lambda orgs: f"/requests/{make_request(orgs['org_member'], state=state).id}{action}"
