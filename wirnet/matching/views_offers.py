"""Offers and bookings: the accept and decline links of an offer (public: the signed token
is the key), the volunteer's answers when logged in, their offer to take an open request,
and the coordinators' actions from the match page (propose, assign, withdraw, confirm).

Thin: form → service (``wirnet.matching.assignments``) → flash/redirect or a page; one
commit per request. Every action that can book someone runs as a serialised writer
(``wirnet.matching.locks.serialised``). A refusal (:class:`AssignmentError`) rolls back,
so nothing changes, and says why: the coordinators' actions flash it and go back to the
match page, the link pages show it.

An offer link's GET only shows what it is about and one button; only the POST changes
anything (mail scanners and link previews follow GET links). A forged or altered link
answers 404, an expired or already used one 410, each with a page that says so.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.forms import WirnetForm
from wirnet.i18n import LANGUAGE_COOKIE, current_locale, supported_locales
from wirnet.matching import assignments, bp, locks
from wirnet.matching.assignments import AssignmentError
from wirnet.ratelimit import rate_limited
from wirnet.requests.models import Assignment, AssignmentState, Request, RequestState
from wirnet.requests.views import labels as request_labels
from wirnet.roles import Role
from wirnet.security import coordinators_only, current_account, role_required
from wirnet.volunteers.models import VolunteerProfile
from wirnet.volunteers.profiles import profile_of

MAX_ID = assignments.MAX_ID

volunteer_only = role_required(Role.VOLUNTEER)


class ActionForm(WirnetForm):
    """A button that changes something: only the CSRF token."""


class ProposeForm(WirnetForm):
    """The match page's offer: the chosen candidates, and whether to ask the next best
    automatically when nobody accepts in time."""

    profile_ids = SelectMultipleField(
        _l("Volunteers to ask"),
        coerce=int,
        validate_choice=False,  # any candidate of the page; the service checks each one
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    auto_waves = BooleanField(_l("If nobody accepts in time, ask the next best automatically"))


class AssignForm(WirnetForm):
    profile_id = IntegerField(
        _l("Volunteer"), validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)]
    )


class WithdrawForm(WirnetForm):
    reason = TextAreaField(
        _l("Reason (for the records, optional)"),
        validators=[Optional(), Length(max=assignments.MAX_REASON)],
        render_kw={"rows": 2},
    )


def _match_page(request_id: int):
    return redirect(url_for("matching.match", request_id=request_id))


def _refused(error: AssignmentError, request_id: int):
    db.session.rollback()
    flash(str(error.message), "error")
    return _match_page(request_id)


def _request_or_404(request_id: int) -> Request:
    found = db.session.get(Request, request_id) if request_id <= MAX_ID else None
    if found is None:
        abort(404)
    return found


def _assignment_or_404(assignment_id: int) -> Assignment:
    found = db.session.get(Assignment, assignment_id) if assignment_id <= MAX_ID else None
    if found is None:
        abort(404)
    return found


def _form_problem(form) -> str:
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return _("Please check your entries.")


# --- the coordinators' actions -----------------------------------------------------------


@bp.post("/coordinator/requests/<int:request_id>/propose")
@rate_limited(key="staff")  # each offer sends an e-mail
@coordinators_only
def propose(request_id: int):
    item = _request_or_404(request_id)
    form = ProposeForm()
    if not form.validate_on_submit():
        flash(_form_problem(form), "error")
        return _match_page(item.id)
    ids = [i for i in dict.fromkeys(form.profile_ids.data or []) if 1 <= i <= MAX_ID]
    profiles = (
        list(db.session.scalars(select(VolunteerProfile).where(VolunteerProfile.id.in_(ids))))
        if ids
        else []
    )
    if len(profiles) != len(ids):
        flash(_("Please choose volunteers from the list."), "error")
        return _match_page(item.id)
    try:
        with locks.serialised():
            now = utcnow()
            made = assignments.propose(item, profiles, current_account(), now=now)
            assignments.set_waves(item, bool(form.auto_waves.data), now=now)
            db.session.commit()
    except AssignmentError as error:
        return _refused(error, request_id)
    flash(
        ngettext(
            "The offer has gone out to %(num)d volunteer. The first to accept gets it.",
            "The offer has gone out to %(num)d volunteers. The first to accept gets it.",
            len(made),
        ),
        "success",
    )
    return _match_page(request_id)


@bp.post("/coordinator/requests/<int:request_id>/assign")
@rate_limited(key="staff")  # the volunteer and the poster are told by e-mail
@coordinators_only
def assign(request_id: int):
    item = _request_or_404(request_id)
    form = AssignForm()
    if not form.validate_on_submit():
        flash(_("Please choose a volunteer from the list."), "error")
        return _match_page(item.id)
    profile = db.session.get(VolunteerProfile, form.profile_id.data)
    if profile is None:
        flash(_("Please choose a volunteer from the list."), "error")
        return _match_page(item.id)
    try:
        with locks.serialised():
            booked = assignments.assign_directly(item, profile, current_account(), now=utcnow())
            name = booked.profile.user.display_name
            db.session.commit()
    except AssignmentError as error:
        return _refused(error, request_id)
    flash(
        _("%(name)s is booked. The volunteer and the organisation are told.", name=name), "success"
    )
    return _match_page(request_id)


@bp.post("/coordinator/assignments/<int:assignment_id>/withdraw")
@rate_limited(key="staff")
@coordinators_only
def withdraw(assignment_id: int):
    found = _assignment_or_404(assignment_id)
    request_id = found.request_id
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_form_problem(form), "error")
        return _match_page(request_id)
    try:
        with locks.serialised():
            found = db.session.get(Assignment, assignment_id)
            was = found.state
            assignments.withdraw(found, current_account(), now=utcnow(), reason=form.reason.data)
            db.session.commit()
    except AssignmentError as error:
        return _refused(error, request_id)
    if was is AssignmentState.ACCEPTED:
        flash(_("The booking is withdrawn and the place is free again."), "success")
    else:
        flash(_("The offer is withdrawn."), "success")
    return _match_page(request_id)


@bp.post("/coordinator/assignments/<int:assignment_id>/confirm")
@rate_limited(key="staff")
@coordinators_only
def confirm_offer(assignment_id: int):
    found = _assignment_or_404(assignment_id)
    request_id = found.request_id
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with locks.serialised():
            found = db.session.get(Assignment, assignment_id)
            assignments.confirm_offer(found, current_account(), now=utcnow())
            name = found.profile.user.display_name
            db.session.commit()
    except AssignmentError as error:
        return _refused(error, request_id)
    flash(
        _("%(name)s is booked. The volunteer and the organisation are told.", name=name), "success"
    )
    return _match_page(request_id)


# --- the volunteer, logged in ------------------------------------------------------------------


def _back_to_assignment(assignment_id: int):
    return redirect(url_for("matching.my_assignment", assignment_id=assignment_id))


@bp.post("/volunteer/assignments/<int:assignment_id>/<any(accept,decline):answer>")
@rate_limited(key="user")
@volunteer_only
def answer(assignment_id: int, answer: str):
    found = db.session.get(Assignment, assignment_id) if assignment_id <= MAX_ID else None
    if found is None or found.profile.user_id != current_user.id:
        abort(404)  # another volunteer's, whatever its id
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with locks.serialised():
            found = db.session.get(Assignment, assignment_id)
            if answer == "accept":
                assignments.accept(found, current_account(), now=utcnow())
            else:
                assignments.decline(found, current_account(), now=utcnow())
            db.session.commit()
    except AssignmentError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back_to_assignment(assignment_id)
    if answer == "accept":
        flash(_("Thank you! You are booked. The address and the contact are below."), "success")
    else:
        flash(_("Thank you for letting us know. The offer is declined."), "success")
    return _back_to_assignment(assignment_id)


@bp.post("/volunteer/requests/<int:request_id>/offer")
@rate_limited(key="user")  # the coordinators are told by e-mail
@volunteer_only
def volunteer_offer(request_id: int):
    item = db.session.get(Request, request_id) if request_id <= MAX_ID else None
    if item is None or item.state is not RequestState.OPEN:
        abort(404)  # volunteers see open requests only
    if not ActionForm().validate_on_submit():
        abort(400)
    back = redirect(url_for("matching.open_requests"))
    profile = profile_of(current_account())
    if profile is None:
        flash(_("Please fill in your volunteer profile first."), "error")
        return back
    try:
        with locks.serialised():
            item = db.session.get(Request, request_id)
            profile = db.session.get(VolunteerProfile, profile.id)
            assignments.volunteer_offer(item, profile, current_account(), now=utcnow())
            db.session.commit()
    except AssignmentError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return back
    flash(_("Thank you! The centre has your offer and will confirm it (or not) soon."), "success")
    return back


# --- the offer links (public) ------------------------------------------------------------------

#: What went wrong with a link → the page's status.
PROBLEM_STATUS = {"invalid": 404, "used": 410, "expired": 410, "refused": 409}


def _link_locale(assignment: Assignment | None) -> str:
    """The volunteer's own language: a logged-in visitor's preference, else the language
    chosen with the switcher, else the one the offer's volunteer set, else the browser's."""
    if current_user.is_authenticated or assignment is None:
        return current_locale()
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in supported_locales():
        return chosen
    user = assignment.profile.user
    if user is not None and user.locale in supported_locales():
        return user.locale
    return current_locale()


def _contact(item: Request) -> dict:
    """Whom the booked volunteer contacts: the organisation's contact, or the centre."""
    if item.organisation is not None:
        org = item.organisation
        return {"name": org.contact_name, "phone": org.contact_phone, "email": org.contact_email}
    centre = current_app.extensions["wirnet.centre"]
    return {"name": current_app.config["CENTRE_NAME"], "phone": centre.phone, "email": centre.email}


def _problem_page(problem: str, assignment: Assignment | None, message: str | None = None):
    return render_template(
        "matching/offer_problem.html",
        problem=problem,
        assignment=assignment,
        message=message,
        A=AssignmentState,
        **request_labels(),
    ), PROBLEM_STATUS[problem]


def _acting_volunteer(assignment: Assignment):
    """The actor for the services: the volunteer when it is them who is logged in, else
    None (the link itself is the authority)."""
    if current_user.is_authenticated and current_user.id == assignment.profile.user_id:
        return current_account()
    return None


@bp.route("/offer/<token>/<any(accept,decline):answer>", methods=["GET", "POST"])
@rate_limited
def offer_answer(token: str, answer: str):
    found, problem = assignments.offer_from_token(token, now=utcnow())
    with force_locale(_link_locale(found)):
        if problem is not None:
            return _problem_page(problem, found)
        form = ActionForm()
        if request.method == "GET":
            return render_template(
                "matching/offer_confirm.html",
                assignment=found,
                item=found.request,
                answer=answer,
                form=form,
                token=token,
                **request_labels(),
            )
        if not form.validate_on_submit():
            abort(400)
        assignment_id = found.id
        actor = _acting_volunteer(found)
        try:
            with locks.serialised():
                # Read again inside the serialised transaction: another click may have won.
                found, problem = assignments.offer_from_token(token, now=utcnow())
                if problem is not None:
                    db.session.rollback()
                    return _problem_page(problem, found)
                if answer == "accept":
                    assignments.accept(found, actor, now=utcnow())
                else:
                    assignments.decline(found, actor, now=utcnow())
                db.session.commit()
        except AssignmentError as error:
            db.session.rollback()
            return _problem_page(
                "refused", db.session.get(Assignment, assignment_id), str(error.message)
            )
        found = db.session.get(Assignment, assignment_id)
        return render_template(
            "matching/offer_result.html",
            assignment=found,
            item=found.request,
            answer=answer,
            contact=_contact(found.request) if answer == "accept" else None,
            **request_labels(),
        )
