"""Test data for the assignment workflow: volunteers ready to book, offers and their links,
and the permission matrix's URLs for the matching actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.factories import UserFactory
from tests.integration.request_support import in_days, make_request
from tests.integration.volunteer_support import complete_profile
from wirnet.audit import AuditEntry
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.matching import assignments
from wirnet.requests.models import (
    Assignment,
    AssignmentOrigin,
    AssignmentState,
    Request,
    RequestState,
)
from wirnet.roles import Role
from wirnet.volunteers.models import VolunteerProfile, VolunteerStatus


def volunteer(name: str | None = None, *, locale: str = "en", **values) -> VolunteerProfile:
    """An active volunteer who can be booked (their account in ``locale``)."""
    phone = values.pop("phone", None)
    user = UserFactory(
        role=Role.VOLUNTEER, locale=locale, **({"display_name": name} if name else {})
    )
    row = complete_profile(user, **values)
    if phone is not None:
        row.phone = phone
        db.session.flush()
    return row


def at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    """A UTC time ``day_offset`` days from today at ``hour:minute`` UTC."""
    return in_days(day_offset, hour) + timedelta(minutes=minute)


def open_request(organisation=None, **values) -> Request:
    return make_request(organisation, state=RequestState.OPEN, **values)


def propose(request: Request, *profiles: VolunteerProfile, coordinator=None) -> list[Assignment]:
    """Offers through the service, as the match page makes them (e-mails included)."""
    return assignments.propose(request, list(profiles), coordinator, now=utcnow())


def offer_path(assignment: Assignment, answer: str = "accept") -> str:
    return f"/offer/{assignments.offer_token(assignment)}/{answer}"


def fresh(row):
    """``row`` as it is in the database now."""
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def state_of_everything() -> tuple:
    """Every assignment's and request's state, and the number of audit entries and
    e-mails: to show that a refused action changed nothing."""
    from wirnet.mail.models import OutboxMessage

    db.session.expire_all()
    rows = db.session.execute(
        select(
            Assignment.id,
            Assignment.state,
            Assignment.nonce,
            Assignment.answered_at,
            Assignment.hours,
            Assignment.km,
            Assignment.note,
        ).order_by(Assignment.id)
    ).all()
    requests = db.session.execute(
        select(Request.id, Request.state, Request.feedback).order_by(Request.id)
    ).all()
    count = db.session.scalar(select(func.count()).select_from(AuditEntry))
    mails = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    return rows, requests, count, mails


# --- the permission matrix --------------------------------------------------------------------


def fresh_match_url(action: str):
    """A coordinator's action on a new open request of org_member's organisation."""
    return lambda orgs: f"/coordinator/requests/{open_request(orgs['org_member']).id}/{action}"


def fresh_assignment_url(action: str, state: AssignmentState):
    """A coordinator's action on a new assignment (``state``) of an active volunteer for a
    new open request."""

    def url(orgs) -> str:
        request = open_request(orgs["org_member"], starts_at=in_days(30))
        row = Assignment(
            request_id=request.id,
            profile_id=volunteer().id,
            state=state,
            origin=AssignmentOrigin.VOLUNTEER
            if state is AssignmentState.VOLUNTEERED
            else AssignmentOrigin.PROPOSAL,
            nonce="0" * 32,
            starts_at=request.starts_at,
            ends_at=request.ends_at,
        )
        db.session.add(row)
        db.session.flush()
        return f"/coordinator/assignments/{row.id}/{action}"

    return url


def fresh_offer_request_url(orgs) -> str:
    """A volunteer's offer to take a new open request."""
    return f"/volunteer/requests/{open_request(orgs['org_member']).id}/offer"


def make_active(user) -> VolunteerProfile:
    """Give the ``users`` fixture's volunteer an active, complete profile."""
    found = db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))
    if found is not None:
        found.status = VolunteerStatus.ACTIVE
        db.session.flush()
        return found
    return complete_profile(user)


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
