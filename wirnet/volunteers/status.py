"""The volunteer status life cycle: the allowed transitions, listed once and enforced here.

applicant → active (the centre has held the intake talk and verified what is needed)
active ⇄ paused (a coordinator or the volunteer; optionally until a date)
applicant, active, paused → left; left → applicant (someone comes back: a new intake)
"""

from __future__ import annotations

from datetime import date

from wirnet import audit
from wirnet.extensions import db
from wirnet.roles import Role
from wirnet.volunteers.models import VolunteerProfile, VolunteerStatus

S = VolunteerStatus

#: (from, to) → the roles allowed to make that change.
TRANSITIONS: dict[tuple[VolunteerStatus, VolunteerStatus], frozenset[Role]] = {
    (S.APPLICANT, S.ACTIVE): frozenset({Role.COORDINATOR, Role.ADMIN}),
    (S.ACTIVE, S.PAUSED): frozenset({Role.COORDINATOR, Role.ADMIN, Role.VOLUNTEER}),
    (S.PAUSED, S.ACTIVE): frozenset({Role.COORDINATOR, Role.ADMIN, Role.VOLUNTEER}),
    (S.APPLICANT, S.LEFT): frozenset({Role.COORDINATOR, Role.ADMIN}),
    (S.ACTIVE, S.LEFT): frozenset({Role.COORDINATOR, Role.ADMIN}),
    (S.PAUSED, S.LEFT): frozenset({Role.COORDINATOR, Role.ADMIN}),
    (S.LEFT, S.APPLICANT): frozenset({Role.COORDINATOR, Role.ADMIN}),
}


class TransitionError(ValueError):
    """The change is not allowed from the current status, or not for this actor."""


def allowed_targets(current: VolunteerStatus, role: Role) -> list[VolunteerStatus]:
    return [to for (frm, to), roles in TRANSITIONS.items() if frm == current and role in roles]


def change_status(
    profile: VolunteerProfile,
    new: VolunteerStatus,
    actor,
    *,
    until: date | None = None,
    today: date | None = None,
) -> None:
    """Move ``profile`` to ``new`` if the life cycle allows it for ``actor``; audit it.

    A volunteer may only change their own status. ``until`` goes with a pause only and
    must lie in the future.
    """
    new = VolunteerStatus(new)
    roles = TRANSITIONS.get((profile.status, new))
    if roles is None or actor.role not in roles:
        raise TransitionError(f"{profile.status} → {new} is not allowed for {actor.role}")
    if actor.role is Role.VOLUNTEER and profile.user_id != actor.id:
        raise TransitionError("a volunteer can only change their own status")
    if until is not None:
        if new is not S.PAUSED:
            raise TransitionError("only a pause has an end date")
        if until <= (today or date.today()):
            raise TransitionError("the pause must end in the future")
    old = profile.status
    profile.status = new
    profile.paused_until = until if new is S.PAUSED else None
    audit.record(
        "volunteer.status_changed",
        actor=actor,
        obj=profile,
        old=str(old),
        new=str(new),
        until=until.isoformat() if until else None,
    )
    db.session.flush()
