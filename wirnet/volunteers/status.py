"""The volunteer status life cycle: the allowed transitions, listed once and enforced here.

applicant → active (the centre has held the intake talk and verified what is needed)
active ⇄ paused (a coordinator or the volunteer; optionally until a date)
applicant, active, paused → left; left → applicant (someone comes back: a new intake)

An applicant becomes active only once the intake talk is recorded (``intake_done_at``):
the talk is where the centre meets the person, so no button can skip it. Someone who
comes back (left → applicant) has a new intake talk, so the old one is cleared then.
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
    """The change is not allowed from the current status, or not for this actor.

    ``reason`` is a short stable code for the view's translated message: ``"not_allowed"``,
    ``"not_own"``, ``"intake_missing"``, ``"until_not_pause"``, ``"until_past"``.
    """

    def __init__(self, message: str, reason: str = "not_allowed") -> None:
        super().__init__(message)
        self.reason = reason


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
    try:
        new = VolunteerStatus(new)
    except ValueError:
        raise TransitionError(f"{new!r} is not a status") from None
    current = VolunteerStatus(profile.status or S.APPLICANT)
    roles = TRANSITIONS.get((current, new))
    if roles is None or actor.role not in roles:
        raise TransitionError(f"{current} → {new} is not allowed for {actor.role}")
    if actor.role == Role.VOLUNTEER and profile.user_id != actor.id:
        raise TransitionError("a volunteer can only change their own status", "not_own")
    if until is not None:
        if new is not S.PAUSED:
            raise TransitionError("only a pause has an end date", "until_not_pause")
        if until <= (today or date.today()):
            raise TransitionError("the pause must end in the future", "until_past")
    if current is S.APPLICANT and new is S.ACTIVE and profile.intake_done_at is None:
        raise TransitionError("the intake talk has not been held", "intake_missing")
    old = current
    profile.status = new
    profile.paused_until = until if new is S.PAUSED else None
    if old is S.LEFT and new is S.APPLICANT:
        profile.intake_done_at = None
        profile.intake_by_id = None
    audit.record(
        "volunteer.status_changed",
        actor=actor,
        obj=profile,
        old=str(old),
        new=str(new),
        until=until.isoformat() if until else None,
    )
    db.session.flush()


def end_finished_pauses(*, today: date) -> int:
    """Bring back the volunteers whose pause ran until a day before ``today``.

    The volunteer named the last day of their break; from the next day on the centre may
    ask them again. Run daily by ``flask reminders send``. Returns how many came back.
    """
    from sqlalchemy import select

    assert (S.PAUSED, S.ACTIVE) in TRANSITIONS  # the life cycle allows coming back
    profiles = db.session.scalars(
        select(VolunteerProfile)
        .where(VolunteerProfile.status == S.PAUSED)
        .where(VolunteerProfile.paused_until.is_not(None))
        .where(VolunteerProfile.paused_until < today)
    ).all()
    for profile in profiles:
        until = profile.paused_until
        profile.status = S.ACTIVE
        profile.paused_until = None
        audit.record(
            "volunteer.pause_ended",
            obj=profile,
            old=str(S.PAUSED),
            new=str(S.ACTIVE),
            until=until.isoformat() if until else None,
        )
    db.session.flush()
    return len(profiles)
