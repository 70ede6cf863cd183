"""The request life cycle: the allowed transitions, listed once and enforced in one function.

draft → open → assigned → confirmed → completed

- open: looking for volunteers; offers may be out, accepted volunteers hold places.
- assigned: every place is taken (``wirnet.matching.assignments`` moves it there, and back
  to open when a booked volunteer is withdrawn before the appointment).
- confirmed ("carried out"): the appointment took place and every booked volunteer's
  report (hours, or a no-show) is in.
- completed: the organisation confirmed it (with optional feedback), or a coordinator
  closed it.

cancelled (by the poster or a coordinator, with a reason) and expired (still open when its
time has passed) are the exits. Nothing goes back from confirmed: once carried out, no
volunteer is replaced.
"""

from __future__ import annotations

from wirnet import audit
from wirnet.extensions import db
from wirnet.requests.models import Request, RequestEvent, RequestState

S = RequestState

#: (from, to): who may make the change — "poster" (a member of the request's organisation,
#: or its creator for a walk-in), "coordinator" (coordinators and admins), "system".
TRANSITIONS: dict[tuple[RequestState, RequestState], frozenset[str]] = {
    (S.DRAFT, S.OPEN): frozenset({"poster", "coordinator"}),
    (S.OPEN, S.ASSIGNED): frozenset({"coordinator", "system"}),
    (S.ASSIGNED, S.OPEN): frozenset({"coordinator", "system"}),  # volunteer withdrawn
    # Carried out: every booked volunteer's outcome is recorded.
    (S.ASSIGNED, S.CONFIRMED): frozenset({"coordinator", "system"}),
    # The organisation confirms (a walk-in's: its creator), or a coordinator closes it.
    (S.CONFIRMED, S.COMPLETED): frozenset({"poster", "coordinator", "system"}),
    (S.DRAFT, S.CANCELLED): frozenset({"poster", "coordinator"}),
    (S.OPEN, S.CANCELLED): frozenset({"poster", "coordinator"}),
    (S.ASSIGNED, S.CANCELLED): frozenset({"poster", "coordinator"}),
    (S.CONFIRMED, S.CANCELLED): frozenset({"poster", "coordinator"}),
    (S.OPEN, S.EXPIRED): frozenset({"system", "coordinator"}),
}

#: States in which the request's details may still be edited.
EDITABLE = frozenset({S.DRAFT, S.OPEN, S.ASSIGNED, S.CONFIRMED})
#: States that end the life cycle.
FINAL = frozenset({S.COMPLETED, S.CANCELLED, S.EXPIRED})


class TransitionError(ValueError):
    """The change is not allowed from the request's state, or not for this actor."""

    def __init__(self, request: Request, new: RequestState) -> None:
        super().__init__(f"request {request.id}: {request.state} → {new} is not allowed")
        self.current = request.state
        self.new = new


def can_transition(request: Request, new: RequestState, as_: str) -> bool:
    return as_ in TRANSITIONS.get((request.state, RequestState(new)), frozenset())


def transition(
    request: Request, new: RequestState, actor, *, as_: str, note: str | None = None
) -> RequestEvent:
    """Move ``request`` to ``new``; kept in its history and the audit log.

    ``as_`` is the capacity the caller acts in ("poster", "coordinator", "system"); the view
    or service decides it from the actor's role and membership. A cancellation needs a
    reason.
    """
    new = RequestState(new)
    if not can_transition(request, new, as_):
        raise TransitionError(request, new)
    if new is S.CANCELLED and not (note or "").strip():
        raise ValueError("a cancellation needs a reason")
    old = request.state
    request.state = new
    if new is S.CANCELLED:
        request.cancel_reason = note
    event = RequestEvent(
        request=request,
        actor_id=getattr(actor, "id", None),
        from_state=old,
        to_state=new,
        kind="state",
        note=note,
    )
    db.session.add(event)
    audit.record("request.state_changed", actor=actor, obj=request, old=str(old), new=str(new))
    db.session.flush()
    return event


def record_creation(request: Request, actor) -> RequestEvent:
    """The first line of the history: created as a draft."""
    event = RequestEvent(
        request=request,
        actor_id=getattr(actor, "id", None),
        from_state=None,
        to_state=request.state,
        kind="state",
    )
    db.session.add(event)
    audit.record("request.created", actor=actor, obj=request)
    db.session.flush()
    return event


def record_edit(request: Request, actor, changed: dict[str, tuple]) -> RequestEvent | None:
    """An edit of the details, with the changed fields (old, new) kept in the history."""
    if request.state not in EDITABLE:
        raise TransitionError(request, request.state)
    if not changed:
        return None
    event = RequestEvent(
        request=request,
        actor_id=getattr(actor, "id", None),
        from_state=request.state,
        to_state=request.state,
        kind="edit",
        details={name: [str(old), str(new)] for name, (old, new) in changed.items()},
    )
    db.session.add(event)
    audit.record("request.edited", actor=actor, obj=request, fields=sorted(changed))
    db.session.flush()
    return event
