"""After a booking: the volunteer's assignments (offers, upcoming, past), one assignment
with the address and whom to contact, its ``.ics``, the private calendar feed, and the
form for the hours, kilometres and a note (or a no-show).

Thin: form → service → flash/redirect or render; one commit per request. Another
volunteer's assignment answers 404, whatever its id; an organisation member 403.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.i18n import current_locale
from wirnet.matching import assignments, bp, calendar, followup, locks
from wirnet.matching.forms_volunteer import (
    ASSIGNMENT_STATE_LABELS,
    NO_SHOW,
    TOOK_PLACE,
    CalendarForm,
    OutcomeForm,
)
from wirnet.pagination import page_arg, page_numbers
from wirnet.ratelimit import rate_limited
from wirnet.requests import services as request_services
from wirnet.requests.forms import ActionForm
from wirnet.requests.models import AssignmentState, RequestState
from wirnet.requests.views import labels as request_labels
from wirnet.roles import Role
from wirnet.security import COORDINATING, current_account, role_required
from wirnet.urls import external_url

volunteer_only = role_required(Role.VOLUNTEER)
#: The outcome: the volunteer (their own) or a coordinator.
reporters = role_required(Role.VOLUNTEER, *COORDINATING)


def _labels() -> dict:
    return {
        **request_labels(),
        "assignment_labels": ASSIGNMENT_STATE_LABELS,
        "A": AssignmentState,
        "RS": RequestState,
    }


def _own_or_404(assignment_id: int):
    found = followup.assignment_of(current_account(), assignment_id)
    if found is None:
        abort(404)
    return found


def _ics(body: bytes, filename: str | None = None) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = calendar.MEDIA_TYPE
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the list -------------------------------------------------------------------------------


def _render_list(calendar_form: CalendarForm | None = None, status: int = 200):
    now = utcnow()
    found = followup.overview(current_account(), now=now, page=page_arg())
    token = found.profile.calendar_token if found.profile is not None else None

    def page_url(number: int) -> str:
        return url_for("matching.my_assignments", page=number) + "#past-heading"

    return render_template(
        "matching/assignments.html",
        overview=found,
        feed_url=external_url("matching.calendar_feed", token=token) if token else None,
        calendar_form=calendar_form or CalendarForm(formdata=None),
        action_form=ActionForm(formdata=None),
        page_url=page_url,
        page_numbers=page_numbers(found.past.page, found.past.pages),
        can_record=lambda a: followup.outcome_problem(current_account(), a, now=now) is None,
        **_labels(),
    ), status


@bp.get("/volunteer/assignments")
@volunteer_only
def my_assignments():
    return _render_list()


@bp.post("/volunteer/calendar")
@volunteer_only
def calendar_settings():
    form = CalendarForm()
    if not form.validate_on_submit():
        return _render_list(calendar_form=form, status=422)
    if form.action.data == "create":
        followup.create_calendar_token(current_account())
        db.session.commit()
        flash(
            _(
                "Your calendar address is ready. Add it to your calendar app; "
                "an earlier address no longer works."
            ),
            "success",
        )
    else:
        revoked = followup.revoke_calendar_token(current_account())
        db.session.commit()
        if revoked:
            flash(_("The calendar address is switched off. It no longer works."), "success")
    return redirect(url_for("matching.my_assignments") + "#calendar-heading")


# --- one assignment -------------------------------------------------------------------------


@bp.get("/volunteer/assignments/<int:assignment_id>")
@volunteer_only
def my_assignment(assignment_id: int):
    assignment = _own_or_404(assignment_id)
    user, now = current_account(), utcnow()
    item = assignment.request
    show_address = request_services.can_see_address(user, item)
    booked = assignment.state in followup.BOOKED and item.state is not RequestState.CANCELLED
    if booked and request_services.record_view(item, user):
        db.session.commit()  # the audit entry of the view (health guidance), nothing else
    return render_template(
        "matching/assignment.html",
        assignment=assignment,
        item=item,
        booked=booked,
        show_address=show_address,
        contact=followup.contact_of(item) if booked else None,
        downloadable=followup.may_download(assignment),
        can_record=followup.outcome_problem(user, assignment, now=now) is None,
        offer_open=(
            assignment.state is AssignmentState.PROPOSED
            and item.state is RequestState.OPEN
            and not followup.has_started(assignment, now)
        ),
        action_form=ActionForm(formdata=None),
        **_labels(),
    )


@bp.get("/volunteer/assignments/<int:assignment_id>.ics")
@volunteer_only
def assignment_ics(assignment_id: int):
    assignment = _own_or_404(assignment_id)
    if not followup.may_download(assignment):
        abort(404)
    user = current_account()
    if request_services.record_view(assignment.request, user):
        db.session.commit()  # the file holds the address of a health appointment
    body = calendar.calendar([assignment], locale=user.locale or current_locale(), now=utcnow())
    return _ics(body, filename=f"wirnet-assignment-{assignment.id}.ics")


# --- the private feed -----------------------------------------------------------------------


@bp.get("/calendar/<token>.ics")
@rate_limited(key="feed")
def calendar_feed(token: str):
    """Public: the secret in the URL is the key. Changes nothing (calendar apps poll it)."""
    found = followup.feed(token, now=utcnow())
    if found is None:
        abort(404)
    profile, rows = found
    locale = profile.user.locale or current_locale()
    body = calendar.calendar(rows, locale=locale, now=utcnow(), name=calendar.feed_name(locale))
    return _ics(body)


# --- the outcome ----------------------------------------------------------------------------


def _reportable_or_404(assignment_id: int):
    """A coordinator reaches every assignment; a volunteer only their own (else 404)."""
    user = current_account()
    if request_services.is_coordinator(user):
        found = followup.assignment_by_id(assignment_id)
    else:
        found = followup.assignment_of(user, assignment_id)
    if found is None:
        abort(404)
    return found


def _outcome_data(assignment) -> dict:
    if assignment.state is AssignmentState.NO_SHOW:
        return {"took_place": NO_SHOW, "note": assignment.note or ""}
    hours = followup.reported_hours(assignment)
    return {
        "took_place": TOOK_PLACE if assignment.state is AssignmentState.COMPLETED else None,
        "hours": Decimal(str(hours)) if hours is not None else None,
        "km": Decimal(str(assignment.km)) if assignment.km is not None else None,
        "note": assignment.note or "",
    }


@bp.route("/assignments/<int:assignment_id>/outcome", methods=["GET", "POST"])
@reporters
def outcome(assignment_id: int):
    assignment = _reportable_or_404(assignment_id)
    user, now = current_account(), utcnow()
    coordinator = request_services.is_coordinator(user)
    problem = followup.outcome_problem(user, assignment, now=now)
    if problem is not None:
        return render_template(
            "matching/outcome.html",
            assignment=assignment,
            item=assignment.request,
            form=None,
            problem=problem,
            coordinator=coordinator,
            **_labels(),
        ), 409
    if request.method == "POST":
        form = OutcomeForm()
    else:
        form = OutcomeForm(formdata=None, data=_outcome_data(assignment))
    if form.validate_on_submit():
        no_show = form.took_place.data == NO_SHOW
        hours = None if no_show else float(form.hours.data)
        km = None if no_show or form.km.data is None else float(form.km.data)
        try:
            # The last report of a request moves it on (carried out): two volunteers
            # reporting at once must not both miss that, so this writer is serialised.
            with locks.serialised():
                assignments.record_outcome(
                    assignment,
                    user,
                    now=now,
                    hours=hours,
                    km=km,
                    note=form.note.data or None,
                    no_show=no_show,
                )
        except assignments.AssignmentError as error:
            db.session.rollback()
            target = getattr(form, error.field or "", None) or form.took_place
            target.errors = [*list(target.errors or ()), str(error.message)]
        else:
            db.session.commit()
            flash(
                _("Thank you: the appointment is recorded as not having taken place.")
                if no_show
                else _("Thank you: the hours are recorded."),
                "success",
            )
            if coordinator:
                return redirect(url_for("requests.show_request", request_id=assignment.request_id))
            return redirect(url_for("matching.my_assignment", assignment_id=assignment.id))
    return render_template(
        "matching/outcome.html",
        assignment=assignment,
        item=assignment.request,
        form=form,
        problem=None,
        coordinator=coordinator,
        **_labels(),
    ), (422 if form.errors else 200)
