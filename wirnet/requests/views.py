"""Request pages: posting (organisation members for their organisation, coordinators for a
walk-in or phone caller too), a request's page with its history and actions, editing, the
organisation's list and the coordinator board.

Thin: form → service → flash/redirect or render; one commit per request. A refused rule
comes back as :class:`RequestError` and is shown on its field (422, the view rolls back, so
nothing changes); an action the life cycle refuses answers 409 with a plain message.
Another organisation's request answers 404, whatever its id.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_time, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.i18n import current_locale
from wirnet.matching import assignments, followup, locks
from wirnet.matching.forms_volunteer import ASSIGNMENT_STATE_LABELS
from wirnet.pagination import page_arg, page_numbers
from wirnet.requests import bp, lifecycle, scope, services
from wirnet.requests.forms import (
    GENDER_PREFERENCE_LABELS,
    KIND_LABELS,
    MODE_LABELS,
    OTHER_LANGUAGES,
    SETTING_LABELS,
    STATE_LABELS,
    TIMING_FLEXIBLE,
    URGENCY_LABELS,
    ActionForm,
    BoardForm,
    CancelForm,
    ConfirmForm,
    RequestEditForm,
    RequestForm,
    StateFilterForm,
)
from wirnet.requests.models import (
    GenderPreference,
    RequestKind,
    RequestMode,
    RequestSetting,
    RequestState,
    Urgency,
)
from wirnet.requests.services import NotAllowed, RequestData, RequestError, ShortNotice
from wirnet.roles import Role
from wirnet.security import COORDINATING, coordinators_only, role_required
from wirnet.volunteers import catalogue
from wirnet.volunteers.languages import (
    canonical,
    display_name,
    filter_choices,
    is_known,
    language_choices,
    sort_key,
)

#: Larger ids cannot exist (and would overflow the database's integer): answer 404.
MAX_ID = 2**31 - 1

posters = role_required(Role.ORG_MEMBER, *COORDINATING)

S = RequestState


def _me():
    return current_user._get_current_object()


def _request_or_404(request_id: int):
    found = services.request_for(_me(), request_id) if request_id <= MAX_ID else None
    if found is None:
        abort(404)
    return found


def _out_of_scope_keys() -> tuple[str, ...]:
    return tuple(current_app.config["OUT_OF_SCOPE_SETTINGS"])


def stamp(value) -> str:
    """A moment for the reader, without seconds: "27.11.2026, 10:40"."""
    return _(
        "%(date)s, %(time)s", date=format_date(value, "medium"), time=format_time(value, "short")
    )


def when(item) -> str:
    """A request's time for the reader: "14.03.2026, 09:00–11:00" or a flexible window."""
    if item.starts_at is not None:
        return _(
            "%(date)s, %(start)s–%(end)s",
            date=format_date(item.starts_at, "medium"),
            start=format_time(item.starts_at, "short"),
            end=format_time(item.ends_at, "short") if item.ends_at else "",
        )
    if item.deadline is not None:
        return _(
            "%(first)s to %(last)s (flexible)",
            first=format_date(item.window_from or item.deadline, "medium"),
            last=format_date(item.deadline, "medium"),
        )
    return "–"


def labels() -> dict:
    locale = current_locale()
    return {
        "kind_labels": KIND_LABELS,
        "mode_labels": MODE_LABELS,
        "setting_labels": SETTING_LABELS,
        "state_labels": STATE_LABELS,
        "urgency_labels": URGENCY_LABELS,
        "gender_labels": GENDER_PREFERENCE_LABELS,
        "language_name": lambda tag: display_name(tag, locale),
        "when": when,
        "stamp": stamp,
    }


# --- the form ---------------------------------------------------------------------------------


def _prepare(form, *, locale: str, user, current=None) -> None:
    """Fill the choices that depend on the reader and the database."""
    if getattr(form, "organisation", None) is not None:
        organisations = services.organisations_for(user)
        choices = [SelectChoice(str(o.id), o.name) for o in organisations]
        if services.is_coordinator(user):
            choices.insert(0, SelectChoice("", _("Walk-in or phone caller (no organisation)")))
        form.organisation.choices = choices
    form.language_code.choices = [
        SelectChoice("", _("Choose a language")),
        *(SelectChoice(tag, name) for tag, name in language_choices(locale)),
    ]
    others = list(OTHER_LANGUAGES)
    if current is not None and current.other_language_code not in others:
        others.append(current.other_language_code)
    form.other_language_code.choices = [
        SelectChoice(tag, display_name(tag, locale)) for tag in others
    ]
    professional = _("Only with a professional interpreter")
    form.setting.choices = [
        SelectChoice("", _("Choose where")),
        *(SelectChoice(s.value, label) for s, label in SETTING_LABELS.items()),
        *(
            SelectChoice(value, label, optgroup=professional)
            for value, label in scope.out_of_scope_choices(_out_of_scope_keys())
        ),
    ]
    form.municipality.choices = [
        SelectChoice("", _("Choose the town or municipality")),
        *(
            SelectChoice(m.id, m.name)
            for m in sorted(services.municipalities(), key=lambda m: sort_key(m.name))
        ),
    ]
    kinds = services.qualification_types()
    keys = list(kinds)
    for key in [
        *(current.required_qualifications if current is not None else []),
        services.HEALTH_GUIDE,
        services.HEALTH_MEDIATION,
    ]:
        if key not in keys:
            keys.append(key)
    missing = [k for k in keys if k not in kinds]
    kinds.update(services.qualification_types(missing))
    form.required_qualifications.choices = [
        SelectChoice(key, catalogue.type_name(kinds[key], locale) if key in kinds else key)
        for key in keys
    ]


def _data(form) -> RequestData:
    flexible = form.timing.data == TIMING_FLEXIBLE
    return RequestData(
        kind=RequestKind(form.kind.data),
        language_code=form.language_code.data or "",
        other_language_code=form.other_language_code.data or "",
        mode=RequestMode(form.mode.data),
        setting=RequestSetting(form.setting.data),
        municipality_id=form.municipality.data if (form.municipality.data or 0) > 0 else None,
        client_ref=form.client_ref.data or "",
        day=None if flexible else form.day.data,
        starts=None if flexible else form.starts.data,
        ends=None if flexible else form.ends.data,
        flexible=flexible,
        window_from=form.window_from.data if flexible else None,
        deadline=form.deadline.data if flexible else None,
        address=form.address.data or None,
        gender_preference=(
            GenderPreference(form.gender_preference.data) if form.gender_preference.data else None
        ),
        required_qualifications=list(form.required_qualifications.data or []),
        volunteers_needed=form.volunteers_needed.data or 0,
        urgency=Urgency(form.urgency.data),
        notes=form.notes.data or None,
        short_notice_confirmed=bool(form.short_notice_confirmed.data),
    )


def _show_error(form, error: RequestError) -> None:
    """Put a service's refusal on its field (or the form's first field) and undo all."""
    db.session.rollback()
    target = getattr(form, error.field, None)
    if target is None:
        target = next(iter(f for f in form if f.type != "CSRFTokenField"))
    target.errors = [*list(target.errors or ()), str(error.message)]


def _preselect_defaults(form) -> None:
    """Tick the qualifications the chosen kind and setting require (shown again after an
    error, so that the poster sees what the request will ask for)."""
    chosen = list(form.required_qualifications.data or [])
    for key in services.default_qualifications(form.kind.data, form.setting.data):
        if key not in chosen:
            chosen.append(key)
    form.required_qualifications.data = chosen


def _render_form(
    form,
    *,
    editing=None,
    status: int = 200,
    out_of_scope: str | None = None,
    warn_short: bool = False,
):
    now = utcnow()
    days = current_app.config["REQUEST_LEAD_WORKING_DAYS"]
    form.timing.description = ngettext(
        "Volunteers need %(num)d working day of notice. "
        "A request for a date before %(date)s is marked urgent.",
        "Volunteers need %(num)d working days of notice. "
        "A request for a date before %(date)s is marked urgent.",
        days,
        date=format_date(services.earliest_regular_day(now), "long"),
    )
    return render_template(
        "requests/form.html",
        form=form,
        editing=editing,
        out_of_scope=out_of_scope,
        out_of_scope_label=scope.OUT_OF_SCOPE_LABELS.get(out_of_scope or "", out_of_scope),
        interpreting_url=scope.PROFESSIONAL_INTERPRETING_URL,
        warn_short=warn_short or bool(form.short_notice_confirmed.data),
        **labels(),
    ), status


def _language_checks(form, locale: str) -> None:
    """Unknown language codes get a message of their own (the list is long)."""
    if form.language_code.data and not is_known(form.language_code.data, locale):
        form.language_code.errors = [
            *form.language_code.errors,
            _("Please choose a language from the list."),
        ]
    other = canonical(form.other_language_code.data or "")
    allowed = {str(c.value) for c in form.other_language_code.choices}
    if form.other_language_code.data and other not in allowed:
        form.other_language_code.errors = [
            *form.other_language_code.errors,
            _("Please choose a language from the list."),
        ]


@bp.route("/requests/new", methods=["GET", "POST"])
@posters
def new_request():
    user, locale = _me(), current_locale()
    if not services.is_coordinator(user) and not services.organisations_for(user):
        return render_template("requests/no_organisation.html")
    if request.method == "POST":
        form = RequestForm()
    else:
        kind = request.args.get("kind", "")
        form = RequestForm(
            formdata=None,
            data={
                "kind": kind if kind in {k.value for k in RequestKind} else None,
                "required_qualifications": services.default_qualifications(kind, None),
            },
        )
    _prepare(form, locale=locale, user=user)
    if request.method != "POST":
        return _render_form(form)
    out_of_scope = scope.out_of_scope_key(form.setting.data, _out_of_scope_keys())
    if out_of_scope is not None:
        # Not a request for volunteers: nothing is saved, the page says where to turn.
        return _render_form(form, status=422, out_of_scope=out_of_scope)
    valid = form.validate_on_submit()
    _language_checks(form, locale)
    if not form.client_consent.data:
        form.client_consent.errors = [
            *form.client_consent.errors,
            _("Please confirm that the client agreed to their data being passed on."),
        ]
    warn_short = False
    if valid and not form.errors:
        organisation = None
        if form.organisation.data:
            organisation = next(
                (
                    o
                    for o in services.organisations_for(user)
                    if str(o.id) == form.organisation.data
                ),
                None,
            )
        publish = request.form.get("action") == "publish"
        try:
            if form.repeat.data:
                created = services.create_series(
                    _data(form),
                    user,
                    organisation=organisation,
                    now=utcnow(),
                    consent=True,
                    every_days=int(form.repeat.data),
                    count=form.count.data or 0,
                    publish=publish,
                )
            else:
                created = [
                    services.create_request(
                        _data(form),
                        user,
                        organisation=organisation,
                        now=utcnow(),
                        consent=True,
                        publish=publish,
                    )
                ]
        except RequestError as error:
            warn_short = isinstance(error, ShortNotice)
            _show_error(form, error)
        else:
            db.session.commit()
            first = created[0]
            if len(created) > 1:
                flash(
                    _("%(num)d requests are saved, one for each date.", num=len(created)),
                    "success",
                )
            elif publish:
                flash(_("The request is published. The centre looks for a volunteer."), "success")
            else:
                flash(_("The request is saved as a draft."), "success")
            if first.short_notice:
                flash(_("Short notice: a coordinator will look at it first."), "info")
            return redirect(url_for("requests.show_request", request_id=first.id))
    _preselect_defaults(form)
    return _render_form(form, status=422, warn_short=warn_short)


# --- one request ------------------------------------------------------------------------------


def _actions(item, user) -> list[tuple[str, object, str]]:
    """The buttons of the allowed transitions: (endpoint, label, style)."""
    part = services.capacity(user, item)
    buttons = []
    # Completing a carried-out request goes through the confirmation form (with feedback).
    for new, endpoint, label, style in (
        (S.OPEN, "requests.publish_request", _("Publish"), "button"),
        (S.EXPIRED, "requests.expire_request", _("Mark as expired"), "button secondary"),
    ):
        if part and lifecycle.can_transition(item, new, part):
            buttons.append((endpoint, label, style))
    return buttons


def _volunteers(item, part: str | None) -> list:
    """The volunteers the page shows: every assignment for a coordinator; for the
    organisation those booked (or who carried it out), never their e-mail address."""
    if part == "coordinator":
        return followup.all_for(item)
    return followup.booked_for(item)


def _render_request(
    item,
    *,
    status: int = 200,
    cancel_form=None,
    confirm_form=None,
    problem: str | None = None,
):
    user, locale = _me(), current_locale()
    if services.record_view(item, user):
        db.session.commit()  # the audit entry of the view (and nothing else)
    part = services.capacity(user, item)
    events = list(item.events)
    people = services.users_by_id(
        [
            *(e.actor_id for e in events),
            item.created_by_id,
            item.client_consent_by_id,
            item.feedback_by_id,
        ]
    )
    kinds = services.qualification_types(item.required_qualifications or [])
    return render_template(
        "requests/show.html",
        item=item,
        events=events,
        people=people,
        show_address=services.can_see_address(user, item),
        can_edit=part is not None and item.state in lifecycle.EDITABLE,
        can_cancel=part is not None and lifecycle.can_transition(item, S.CANCELLED, part),
        actions=_actions(item, user),
        cancel_form=cancel_form or CancelForm(formdata=None),
        action_form=ActionForm(formdata=None),
        qualification_names=[
            catalogue.type_name(kinds[key], locale) if key in kinds else key
            for key in item.required_qualifications or []
        ],
        series=services.series_requests(item),
        soon=services.starts_soon(item, utcnow()),
        problem=problem,
        volunteers=_volunteers(item, part),
        assignment_labels=ASSIGNMENT_STATE_LABELS,
        can_confirm=part is not None and lifecycle.can_transition(item, S.COMPLETED, part),
        confirm_form=confirm_form or ConfirmForm(formdata=None),
        can_match=part == "coordinator" and item.state in (S.OPEN, S.ASSIGNED),
        **labels(),
    ), status


@bp.get("/requests/<int:request_id>")
@posters
def show_request(request_id: int):
    return _render_request(_request_or_404(request_id))


def _edit_data(item) -> dict:
    local = {}
    if item.starts_at is not None:
        tz = services._tz()
        local = {
            "day": item.starts_at.astimezone(tz).date(),
            "starts": item.starts_at.astimezone(tz).time().replace(second=0, microsecond=0),
            "ends": item.ends_at.astimezone(tz).time().replace(second=0, microsecond=0),
        }
    return {
        "kind": item.kind.value,
        "language_code": item.language_code,
        "other_language_code": item.other_language_code,
        "mode": item.mode.value,
        "setting": item.setting.value,
        "timing": "fixed" if item.starts_at is not None else TIMING_FLEXIBLE,
        "window_from": item.window_from,
        "deadline": item.deadline,
        "municipality": item.municipality_id,
        "address": item.address or "",
        "client_ref": item.client_ref,
        "gender_preference": item.gender_preference.value if item.gender_preference else "",
        "required_qualifications": list(item.required_qualifications or []),
        "volunteers_needed": item.volunteers_needed,
        "urgency": item.urgency.value,
        "notes": item.notes or "",
        **local,
    }


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
@posters
def edit_request(request_id: int):
    item = _request_or_404(request_id)
    user, locale = _me(), current_locale()
    if item.state not in lifecycle.EDITABLE:
        return _render_request(
            item, status=409, problem=_("This request is closed and can no longer be changed.")
        )
    if request.method == "POST":
        form = RequestEditForm()
    else:
        form = RequestEditForm(formdata=None, data=_edit_data(item))
    _prepare(form, locale=locale, user=user, current=item)
    if request.method != "POST":
        if services.record_view(item, user):
            db.session.commit()
        return _render_form(form, editing=item)
    out_of_scope = scope.out_of_scope_key(form.setting.data, _out_of_scope_keys())
    if out_of_scope is not None:
        return _render_form(form, editing=item, status=422, out_of_scope=out_of_scope)
    valid = form.validate_on_submit()
    _language_checks(form, locale)
    warn_short = False
    if valid and not form.errors:
        try:
            changed = services.update_request(item, _data(form), user, now=utcnow())
        except NotAllowed as error:
            db.session.rollback()
            return _render_request(item, status=409, problem=str(error.message))
        except RequestError as error:
            warn_short = isinstance(error, ShortNotice)
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your changes are saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("requests.show_request", request_id=item.id))
    _preselect_defaults(form)
    return _render_form(form, editing=item, status=422, warn_short=warn_short)


def _change(request_id: int, new: RequestState, message: str, note: str | None = None):
    item = _request_or_404(request_id)
    try:
        services.change_state(item, new, _me(), note=note)
    except NotAllowed as error:
        db.session.rollback()
        return _render_request(item, status=409, problem=str(error.message))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("requests.show_request", request_id=item.id))


@bp.post("/requests/<int:request_id>/publish")
@posters
def publish_request(request_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    return _change(
        request_id, S.OPEN, _("The request is published. The centre looks for a volunteer.")
    )


@bp.post("/requests/<int:request_id>/cancel")
@posters
def cancel_request(request_id: int):
    item = _request_or_404(request_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return _render_request(item, status=422, cancel_form=form)
    return _change(request_id, S.CANCELLED, _("The request is cancelled."), note=form.reason.data)


@bp.post("/requests/<int:request_id>/expire")
@coordinators_only
def expire_request(request_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    return _change(request_id, S.EXPIRED, _("The request is marked as expired."))


@bp.post("/requests/<int:request_id>/complete")
@coordinators_only
def complete_request(request_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    return _change(request_id, S.COMPLETED, _("The request is marked as completed."))


@bp.post("/requests/<int:request_id>/confirm")
@posters
def confirm_request(request_id: int):
    """The organisation (a walk-in's creator, or a coordinator) confirms a carried-out
    request, with optional feedback: it is completed."""
    item = _request_or_404(request_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _render_request(item, status=422, confirm_form=form)
    feedback = (form.feedback.data or "").strip() or None
    try:
        with locks.serialised():
            assignments.confirm_completion(item, _me(), now=utcnow(), feedback=feedback)
    except assignments.AssignmentError as error:
        db.session.rollback()
        return _render_request(item, status=409, problem=str(error.message))
    db.session.commit()
    flash(_("Thank you. The request is completed."), "success")
    return redirect(url_for("requests.show_request", request_id=item.id))


# --- lists ------------------------------------------------------------------------------------


@bp.get("/requests")
@posters
def list_requests():
    user = _me()
    form = StateFilterForm(formdata=request.args)
    form.validate()
    state = RequestState(form.state.data) if form.state.data and not form.state.errors else None
    result = services.organisation_requests(user, state=state, page=page_arg())
    params = {"state": state.value} if state else {}

    def page_url(number: int) -> str:
        return url_for("requests.list_requests", **params, page=number)

    return render_template(
        "requests/list.html",
        form=form,
        result=result,
        page_url=page_url,
        page_numbers=page_numbers(result.page, result.pages),
        **labels(),
    ), (422 if form.errors else 200)


def _board_form(locale: str) -> BoardForm:
    form = BoardForm(formdata=request.args)
    tags = services.board_languages()
    wanted = canonical(request.args.get("language", ""))
    languages = filter_choices(tags, locale)
    form.language.choices = [
        SelectChoice("", _("Any language")),
        *(SelectChoice(tag, name) for tag, name in languages),
    ]
    if wanted in dict(languages):
        form.language.data = wanted
    form.municipality.choices = [
        SelectChoice("", _("Anywhere")),
        *(SelectChoice(str(m.id), m.name) for m in services.municipalities()),
    ]
    form.organisation.choices = [
        SelectChoice("", _("Any organisation")),
        SelectChoice("0", _("No organisation (walk-in or phone)")),
        *(SelectChoice(str(o.id), o.name) for o in services.all_organisations()),
    ]
    form.validate()
    if form.date_from.data and form.date_to.data and form.date_to.data < form.date_from.data:
        form.date_to.errors = [*form.date_to.errors, _("The end must not be before the start.")]
    return form


@bp.get("/coordinator/requests")
@coordinators_only
def board():
    locale = current_locale()
    form = _board_form(locale)

    def ok(f):
        return f.data and not f.errors

    filters = services.BoardFilter(
        state=RequestState(form.state.data) if ok(form.state) else None,
        kind=RequestKind(form.kind.data) if ok(form.kind) else None,
        language=form.language.data if ok(form.language) else None,
        municipality_id=int(form.municipality.data) if ok(form.municipality) else None,
        organisation_id=(
            int(form.organisation.data)
            if form.organisation.data and not form.organisation.errors
            else None
        ),
        date_from=form.date_from.data if ok(form.date_from) else None,
        date_to=form.date_to.data if ok(form.date_to) else None,
        urgent=bool(ok(form.urgent)),
    )
    params = {
        name: str(getattr(form, name).data)
        for name in ("state", "kind", "language", "municipality", "organisation")
        if getattr(form, name).data and not getattr(form, name).errors
    }
    for name in ("date_from", "date_to"):
        if ok(getattr(form, name)):
            params[name] = getattr(form, name).data.isoformat()
    if filters.urgent:
        params["urgent"] = "y"
    result = services.board(filters, page=page_arg())
    now: datetime = utcnow()

    def page_url(number: int) -> str:
        return url_for("requests.board", **params, page=number)

    return render_template(
        "requests/board.html",
        form=form,
        result=result,
        filtered=bool(params),
        page_url=page_url,
        page_numbers=page_numbers(result.page, result.pages),
        soon=lambda item: services.starts_soon(item, now),
        **labels(),
    ), (422 if form.errors else 200)


# --- the organisation member's home page ------------------------------------------------------


def home_context() -> dict:
    """What the requests panel of ``main/home_org_member.html`` needs."""
    return {"request_overview": services.organisation_overview(_me(), utcnow()), **labels()}
