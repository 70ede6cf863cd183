"""Test data for what follows a booking: booked assignments (straight into any state, without
the services' e-mails) and the permission matrix's URLs for the volunteer's pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from tests.factories import UserFactory
from tests.integration.request_support import make_request
from tests.integration.volunteer_support import complete_profile
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.requests.models import (
    Assignment,
    AssignmentOrigin,
    AssignmentState,
    Request,
    RequestState,
)
from wirnet.roles import Role
from wirnet.volunteers.models import VolunteerProfile

#: The client reference of the matrix's booked request.
MATRIX_BOOKED_REF = "MX-B"


def profile_for(user, **values) -> VolunteerProfile:
    """``user``'s profile: the existing one, or a new complete (active) one."""
    found = db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))
    return found or complete_profile(user, **values)


def new_volunteer(name: str, *, locale: str = "en", **values) -> VolunteerProfile:
    """An active volunteer with a complete profile (``phone``, ``share_phone`` as given)."""
    user = UserFactory(role=Role.VOLUNTEER, display_name=name, locale=locale)
    phone = values.pop("phone", None)
    row = complete_profile(user, **values)
    if phone is not None:
        row.phone = phone
        db.session.flush()
    return row


def book(
    profile: VolunteerProfile,
    request: Request,
    *,
    state: AssignmentState = AssignmentState.ACCEPTED,
    **values,
) -> Assignment:
    """An assignment of ``profile`` for ``request`` in ``state``, with the request's times."""
    row = Assignment(
        request_id=request.id,
        profile_id=profile.id,
        state=state,
        origin=values.pop("origin", AssignmentOrigin.PROPOSAL),
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        nonce=values.pop("nonce", "0" * 32),
        **values,
    )
    db.session.add(row)
    db.session.flush()
    return row


def booked_request(
    organisation, profile: VolunteerProfile, *, starts_at: datetime, hours: int = 2, **values
):
    """A request of ``organisation`` with ``profile`` booked for it (ASSIGNED): (request,
    assignment)."""
    state = values.pop("assignment_state", AssignmentState.ACCEPTED)
    request = make_request(
        organisation,
        state=values.pop("state", RequestState.ASSIGNED),
        starts_at=starts_at,
        hours=hours,
        **values,
    )
    return request, book(profile, request, state=state)


# --- the permission matrix --------------------------------------------------------------------


def matrix_assignment(users, orgs) -> Assignment:
    """The ``users`` fixture's volunteer, booked for a request of org_member's organisation
    that began an hour ago (so that its outcome can be recorded); made once per test. The
    profile stays an applicant's: other rows of the matrix expect that volunteer to have
    nothing to pause."""
    found = db.session.scalar(
        select(Assignment)
        .join(Request, Request.id == Assignment.request_id)
        .where(Request.client_ref == MATRIX_BOOKED_REF)
    )
    if found is not None:
        return found
    user = users["volunteer"]
    profile = db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))
    if profile is None:
        profile = VolunteerProfile(user_id=user.id)
        db.session.add(profile)
        db.session.flush()
    starts = (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0)
    request = make_request(
        orgs["org_member"],
        state=RequestState.ASSIGNED,
        starts_at=starts,
        client_ref=MATRIX_BOOKED_REF,
    )
    return book(profile, request)


def assignment_url(action: str = ""):
    return lambda users, orgs: f"/volunteer/assignments/{matrix_assignment(users, orgs).id}{action}"


def outcome_url(users, orgs) -> str:
    return f"/assignments/{matrix_assignment(users, orgs).id}/outcome"


def feed_url(users, orgs) -> str:
    """The private calendar feed of the ``users`` fixture's volunteer (made once)."""
    profile = matrix_assignment(users, orgs).profile
    if profile.calendar_token is None:
        profile.calendar_token = "T" * 43
        db.session.flush()
    return f"/calendar/{profile.calendar_token}.ics"
