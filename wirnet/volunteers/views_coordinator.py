"""The coordinators' pages: the volunteer list, a volunteer's page with its actions, and
the qualifications that expire soon. Thin views: form → service → flash/redirect or render;
one commit per request."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_time, get_day_names
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from wirnet.bidi import isolated
from wirnet.extensions import db
from wirnet.i18n import current_locale
from wirnet.pagination import page_arg, page_numbers
from wirnet.security import coordinators_only
from wirnet.volunteers import bp, catalogue, coordination
from wirnet.volunteers import qualifications as rules
from wirnet.volunteers.coordination import Sort, VolunteerFilter
from wirnet.volunteers.forms import (
    GENDER_LABELS,
    LEVEL_LABELS,
    MOBILITY_LABELS,
    MODE_LABELS,
    SETTING_LABELS,
    TOPIC_LABELS,
)
from wirnet.volunteers.forms_coordinator import (
    STATUS_ACTIONS,
    STATUS_LABELS,
    ActionForm,
    EvidenceForm,
    NoteForm,
    PoliceEvidenceForm,
    RejectForm,
    StatusForm,
    VerifyForm,
    VolunteerSearchForm,
)
from wirnet.volunteers.languages import canonical, display_name, sort_key
from wirnet.volunteers.models import LanguageLevel, LevelSource, VolunteerStatus
from wirnet.volunteers.status import TransitionError, allowed_targets, change_status

#: Larger ids cannot exist (and would overflow the database's integer): answer 404.
MAX_ID = 2**31 - 1


def _today() -> date:
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def _me():
    return current_user._get_current_object()


def _weekday_names(locale: str) -> list[str]:
    names = get_day_names("wide", locale=locale)
    return [names[day] for day in range(7)]


def source_words():
    return {
        LevelSource.SELF_DECLARED: _("Self-declared"),
        LevelSource.TESTED: _("Tested"),
        LevelSource.CERTIFICATE: _("Certificate seen"),
    }


# --- the volunteer list -----------------------------------------------------------------------


def _search_form(locale: str):
    """The filter form, its choices filled for this request: (form, qualification types)."""
    form = VolunteerSearchForm(formdata=request.args)
    tags = coordination.spoken_languages()
    wanted = canonical(request.args.get("language", ""))
    if wanted and coordination.is_tag(wanted) and wanted not in tags:
        tags.append(wanted)  # a valid tag nobody speaks yet: an empty list, not an error
    languages: list[tuple[str, str]] = []
    for tag in tags:
        name = display_name(tag, locale)
        if "-" not in tag and any(t.startswith(tag + "-") for t in tags):
            name = _("%(language)s, all varieties", language=name)
        languages.append((tag, name))
    languages.sort(key=lambda item: (sort_key(item[1]), item[0]))
    form.language.choices = [
        SelectChoice("", _("Any language")),
        *(SelectChoice(tag, name) for tag, name in languages),
    ]
    if wanted in dict(languages):
        form.language.data = wanted
    kinds = coordination.qualification_types()
    form.qualification.choices = [
        SelectChoice("", _("Any or none")),
        *(SelectChoice(kind.key, catalogue.type_name(kind, locale)) for kind in kinds),
    ]
    form.municipality.choices = [
        SelectChoice("", _("Anywhere")),
        *(SelectChoice(str(m.id), m.name) for m in coordination.municipalities()),
    ]
    form.weekday.choices = [
        SelectChoice("", _("Any day")),
        *(SelectChoice(str(day), name) for day, name in enumerate(_weekday_names(locale))),
    ]
    form.validate()
    return form, {kind.key: kind for kind in kinds}


def _filters(form, kinds) -> tuple[VolunteerFilter, dict[str, str]]:
    """The filters that validated (a wrong one is left out, its message shown), and the
    query parameters that repeat them in the page links."""

    def ok(field):
        return field.data and not field.errors

    chosen = VolunteerFilter(
        query=form.q.data if ok(form.q) else "",
        language=form.language.data if ok(form.language) else None,
        min_level=LanguageLevel(form.level.data) if ok(form.level) else None,
        qualification=kinds.get(form.qualification.data) if ok(form.qualification) else None,
        municipality_id=int(form.municipality.data) if ok(form.municipality) else None,
        status=VolunteerStatus(form.status.data) if ok(form.status) else None,
        weekday=int(form.weekday.data) if ok(form.weekday) else None,
        waiting=bool(ok(form.waiting)),
        sort=Sort(form.sort.data) if ok(form.sort) else Sort.NAME,
    )
    params = {
        name: str(getattr(form, name).data)
        for name in ("q", "language", "level", "qualification", "municipality", "status", "weekday")
        if ok(getattr(form, name))
    }
    if chosen.waiting:
        params["waiting"] = "y"
    if chosen.sort is not Sort.NAME:
        params["sort"] = chosen.sort.value
    return chosen, params


@bp.get("/coordinator/volunteers")
@coordinators_only
def coordinator_volunteers():
    locale, today = current_locale(), _today()
    form, kinds = _search_form(locale)
    chosen, params = _filters(form, kinds)
    result = coordination.list_volunteers(chosen, today=today, page=page_arg())

    def page_url(number: int) -> str:
        return url_for("volunteers.coordinator_volunteers", **params, page=number)

    return render_template(
        "volunteers/coordinator/list.html",
        form=form,
        result=result,
        filtered=bool({k: v for k, v in params.items() if k != "sort"}),
        page_url=page_url,
        page_numbers=page_numbers(result.page, result.pages),
        status_labels=STATUS_LABELS,
        level_labels=LEVEL_LABELS,
        language_name=lambda tag: display_name(tag, locale),
        type_name=lambda kind: catalogue.type_name(kind, locale),
        held=lambda q: rules.counts_as_held(q, today),
    ), (422 if form.errors else 200)


# --- one volunteer ----------------------------------------------------------------------------


def _volunteer_or_404(user_id: int):
    user = coordination.volunteer_account(user_id) if user_id <= MAX_ID else None
    if user is None:
        abort(404)
    return user


def _qualification_or_404(user, qualification_id: int):
    found = (
        coordination.qualification_of(user, qualification_id)
        if qualification_id <= MAX_ID
        else None
    )
    if found is None:
        abort(404)
    return found


def _evidence_form(qualification, formdata=None):
    cls = PoliceEvidenceForm if qualification.type.police_clearance else EvidenceForm
    prefix = f"evidence-{qualification.id}"
    if formdata is None:
        return cls(formdata=None, prefix=prefix)
    return cls(prefix=prefix)


def _render_volunteer(user, *, status: int = 200, forms: dict | None = None):
    """The volunteer's page; ``forms`` replaces the blank forms by ones with errors, keyed
    like ``status_form``, ``note_form`` or ``("evidence", qualification_id)``."""
    forms = forms or {}
    locale, today = current_locale(), _today()
    profile = coordination.full_profile(user)
    me = _me()
    if profile is not None:
        coordination.notes_viewed(profile, me)
    db.session.commit()  # the audit entry of the notes read (and nothing else)
    current = profile.status if profile else VolunteerStatus.APPLICANT
    targets = allowed_targets(current, me.role)
    days = _weekday_names(locale)
    week = [(day, days[day], []) for day in range(7)]
    for slot in profile.slots if profile else []:
        week[slot.weekday][2].append(slot)
    qualifications = list(profile.qualifications) if profile else []
    qualifications.sort(key=lambda q: (q.type.position, q.obtained_on))
    q_forms = {}
    for q in qualifications:
        q_forms[q.id] = {
            "evidence": forms.get(("evidence", q.id)) or _evidence_form(q),
            "verify": forms.get(("verify", q.id))
            or VerifyForm(formdata=None, prefix=f"verify-{q.id}"),
            "reject": forms.get(("reject", q.id))
            or RejectForm(formdata=None, prefix=f"reject-{q.id}"),
        }
    people = coordination.users_by_id(
        [
            profile.intake_by_id if profile else None,
            *(q.evidence_seen_by_id for q in qualifications),
            *(q.decided_by_id for q in qualifications),
        ]
    )
    absences = [a for a in (profile.absences if profile else []) if a.ends_on >= today]
    languages = sorted(profile.languages, key=lambda s: -s.level_rank) if profile else []
    return render_template(
        "volunteers/coordinator/volunteer.html",
        user=user,
        profile=profile,
        current_status=current,
        targets=targets,
        status_form=forms.get("status_form") or StatusForm(formdata=None),
        note_form=forms.get("note_form") or NoteForm(formdata=None),
        action_form=ActionForm(formdata=None),
        qualifications=qualifications,
        q_forms=q_forms,
        standings=coordination.standings(profile, today),
        people=people,
        week=week,
        absences=absences,
        languages=languages,
        status_labels=STATUS_LABELS,
        status_actions=STATUS_ACTIONS,
        level_labels=LEVEL_LABELS,
        source_labels=source_words(),
        mode_labels=MODE_LABELS,
        setting_labels=SETTING_LABELS,
        mobility_labels=MOBILITY_LABELS,
        topic_labels=TOPIC_LABELS,
        gender_labels=GENDER_LABELS,
        Standing=rules.Standing,
        VolunteerStatus=VolunteerStatus,
        language_name=lambda tag: display_name(tag, locale),
        type_name=lambda kind: catalogue.type_name(kind, locale),
        time=lambda value: format_time(value, "short", locale=locale),
        long_date=lambda value: format_date(value, "long"),
        today=today,
    ), status


@bp.get("/coordinator/volunteers/<int:user_id>")
@coordinators_only
def coordinator_volunteer(user_id: int):
    return _render_volunteer(_volunteer_or_404(user_id))


def _back(user, anchor: str = ""):
    return redirect(url_for("volunteers.coordinator_volunteer", user_id=user.id) + anchor)


def _refused(user, key, form):
    """Undo anything the refused change touched, then show the page with ``form`` (and its
    messages) in place of the blank one that ``key`` names."""
    db.session.rollback()
    return _render_volunteer(user, status=422, forms={key: form})


TRANSITION_MESSAGES = {
    "intake_missing": lambda: _(
        "Record the intake talk first: a volunteer becomes active only after it."
    ),
    "until_past": lambda: _("The pause must end after today."),
    "until_not_pause": lambda: _("Only a pause can have an end date."),
}


@bp.post("/coordinator/volunteers/<int:user_id>/status")
@coordinators_only
def coordinator_change_status(user_id: int):
    user = _volunteer_or_404(user_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return _refused(user, "status_form", form)
    new = VolunteerStatus(form.status.data)
    profile = coordination.ensure_profile(user)
    try:
        change_status(profile, new, _me(), until=form.until.data, today=_today())
    except TransitionError as error:
        message = TRANSITION_MESSAGES.get(error.reason)
        target = form.until if error.reason in ("until_past", "until_not_pause") else form.status
        target.errors = [
            message()
            if message
            else _(
                "A volunteer cannot go from “%(old)s” to “%(new)s”.",
                old=STATUS_LABELS[profile.status],
                new=STATUS_LABELS[new],
            )
        ]
        return _refused(user, "status_form", form)
    db.session.commit()
    flash(
        isolated(
            _("%(name)s is now: %(status)s."), name=user.display_name, status=STATUS_LABELS[new]
        ),
        "success",
    )
    return _back(user, "#status-heading")


@bp.post("/coordinator/volunteers/<int:user_id>/intake")
@coordinators_only
def coordinator_intake_done(user_id: int):
    user = _volunteer_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if coordination.record_intake(user, _me()):
        db.session.commit()
        flash(_("The intake talk is recorded."), "success")
    else:
        flash(_("The intake talk was already recorded."), "info")
    return _back(user, "#status-heading")


@bp.post("/coordinator/volunteers/<int:user_id>/notes")
@coordinators_only
def coordinator_add_note(user_id: int):
    user = _volunteer_or_404(user_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _refused(user, "note_form", form)
    coordination.add_intake_note(user, form.text.data, _me())
    db.session.commit()
    flash(_("The note is saved."), "success")
    return _back(user, "#notes-heading")


QUALIFICATION_MESSAGES = {
    "future_date": lambda: _("The date cannot be in the future."),
    "dated_after_seen": lambda: _("The certificate cannot be dated after the day you saw it."),
    "relevant_entry_missing": lambda: _("Please say whether it holds a relevant entry."),
    "evidence_missing": lambda: _(
        "Record the evidence first: the centre must have seen the certificate before it "
        "is verified."
    ),
    "relevant_entry": lambda: _(
        "A police clearance certificate with a relevant entry cannot be verified."
    ),
    "note_missing": lambda: _("Please say why it is rejected."),
}


def _qualification_refused(user, form, field, key, qualification, error):
    message = QUALIFICATION_MESSAGES.get(error.reason, lambda: _("Please check this entry."))
    field.errors = [*list(field.errors or ()), message()]
    return _refused(user, key, form)


@bp.post("/coordinator/volunteers/<int:user_id>/qualifications/<int:qualification_id>/evidence")
@coordinators_only
def coordinator_evidence(user_id: int, qualification_id: int):
    user = _volunteer_or_404(user_id)
    qualification = _qualification_or_404(user, qualification_id)
    form = _evidence_form(qualification, formdata=True)
    key = ("evidence", qualification.id)
    if not form.validate_on_submit():
        return _refused(user, key, form)
    relevant = None
    if qualification.type.police_clearance:
        relevant = form.relevant_entry.data == "yes"
    try:
        rules.record_evidence(
            qualification,
            _me(),
            seen_on=form.seen_on.data,
            dated=form.dated.data,
            relevant_entry=relevant,
            today=_today(),
        )
    except rules.QualificationError as error:
        field = form.dated if error.reason == "dated_after_seen" else form.seen_on
        if error.reason == "future_date" and form.seen_on.data <= _today():
            field = form.dated
        return _qualification_refused(user, form, field, key, qualification, error)
    db.session.commit()
    flash(_("The evidence is recorded."), "success")
    return _back(user, f"#qualification-{qualification.id}")


@bp.post("/coordinator/volunteers/<int:user_id>/qualifications/<int:qualification_id>/verify")
@coordinators_only
def coordinator_verify(user_id: int, qualification_id: int):
    user = _volunteer_or_404(user_id)
    qualification = _qualification_or_404(user, qualification_id)
    form = VerifyForm(prefix=f"verify-{qualification.id}")
    key = ("verify", qualification.id)
    if not form.validate_on_submit():
        return _refused(user, key, form)
    try:
        rules.verify(qualification, _me(), note=form.note.data or None)
    except rules.QualificationError as error:
        return _qualification_refused(user, form, form.note, key, qualification, error)
    db.session.commit()
    flash(_("The qualification is verified."), "success")
    return _back(user, f"#qualification-{qualification.id}")


@bp.post("/coordinator/volunteers/<int:user_id>/qualifications/<int:qualification_id>/reject")
@coordinators_only
def coordinator_reject(user_id: int, qualification_id: int):
    user = _volunteer_or_404(user_id)
    qualification = _qualification_or_404(user, qualification_id)
    form = RejectForm(prefix=f"reject-{qualification.id}")
    key = ("reject", qualification.id)
    if not form.validate_on_submit():
        return _refused(user, key, form)
    try:
        rules.reject(qualification, _me(), note=form.note.data)
    except rules.QualificationError as error:
        return _qualification_refused(user, form, form.note, key, qualification, error)
    db.session.commit()
    flash(_("The qualification is rejected."), "success")
    return _back(user, f"#qualification-{qualification.id}")


# --- expiring qualifications ------------------------------------------------------------------


@bp.get("/coordinator/qualifications/expiring")
@coordinators_only
def coordinator_expiring():
    locale, today = current_locale(), _today()
    result = coordination.expiring(today=today, page=page_arg())

    def page_url(number: int) -> str:
        return url_for("volunteers.coordinator_expiring", page=number)

    return render_template(
        "volunteers/coordinator/expiring.html",
        result=result,
        days=coordination.EXPIRING_DAYS,
        page_url=page_url,
        page_numbers=page_numbers(result.page, result.pages),
        type_name=lambda kind: catalogue.type_name(kind, locale),
        status_labels=STATUS_LABELS,
        today=today,
    )


# --- the coordinator's overview ---------------------------------------------------------------


def home_counts() -> coordination.Counts:
    """The numbers on ``main/home_coordinator.html`` (one query)."""
    return coordination.counts(today=_today())
