"""Finding a user's volunteer profile; it is created on the first change, never on a GET."""

from __future__ import annotations

from sqlalchemy import select

from wirnet import audit
from wirnet.extensions import db
from wirnet.volunteers.models import VolunteerProfile


def profile_of(user) -> VolunteerProfile | None:
    return db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))


def ensure_profile(user) -> VolunteerProfile:
    """The user's profile, created (as an applicant) if it does not exist yet."""
    profile = profile_of(user)
    if profile is None:
        profile = VolunteerProfile(user_id=user.id)
        db.session.add(profile)
        db.session.flush()
        audit.record("volunteer.profile_created", actor=user, obj=profile)
    return profile
