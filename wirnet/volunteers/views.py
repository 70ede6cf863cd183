"""The volunteer's own pages: profile, languages, qualifications, availability, conflicts of
interest, taking a break, and the volunteer directory.

Thin: form → service → flash/redirect or render; one commit per request. A rule a service
refuses comes back as :class:`VolunteerError` and is shown on its field (status 422,
nothing changed: the view rolls back).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_interval, get_day_names
from babel.lists import format_list
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from wirnet.extensions import db
from wirnet.i18n import current_locale
from wirnet.pagination import page_numbers
from wirnet.roles import Role
from wirnet.security import role_required
from wirnet.volunteers import bp, catalogue, services
from wirnet.volunteers import qualifications as rules
from wirnet.volunteers.forms import (
    LEVEL_HINTS,
    LEVEL_LABELS,
    MODE_LABELS,
    SETTING_LABELS,
    TOPIC_LABELS,
    AbsenceForm,
    ActionForm,
    ConflictForm,
    LanguageEditForm,
    LanguageForm,
    OnCallForm,
    PauseForm,
    ProfileForm,
    QualificationForm,
    SlotForm,
)
from wirnet.volunteers.languages import display_name, is_known, language_choices, sort_key
from wirnet.volunteers.models import Gender, LevelSource, Mobility, VolunteerStatus
from wirnet.volunteers.profiles import profile_of
from wirnet.volunteers.services import VolunteerError

#: Larger ids cannot exist (and would overflow the database's integer): answer 404.
MAX_ID = 2**31 - 1

volunteer_only = role_required(Role.VOLUNTEER)


def listing(items, locale: str) -> str:
    """ "A, B und C", "A وB وC": a list as the reader's language writes it."""
    items = [str(item) for item in items]
    return format_list(items, locale=locale) if items else ""


def _today() -> date:
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def _me():
    return current_user._get_current_object()


def _show_error(form, error: VolunteerError) -> None:
    """Put a service's refusal on its field (or on the form's first field) and undo all."""
    db.session.rollback()
    target = getattr(form, error.field, None)
    if target is None:
        target = next(iter(f for f in form if f.type != "CSRFTokenField"))
    target.errors = [*list(target.errors or ()), str(error.message)]


def _own_or_404(found):
    if found is None:
        abort(404)
    return found


def _checked_id(value: int) -> int:
    if value > MAX_ID:
        abort(404)
    return value


# --- home page: the checklist, taking a break -----------------------------------------------


def home_context(pause_form: PauseForm | None = None) -> dict:
    """What ``main/home_volunteer.html`` needs (also used by ``main.home``)."""
    onboarding = services.onboarding(_me())
    locale = current_locale()
    return {
        "onboarding": onboarding,
        "evidence_names": listing(
            (catalogue.type_name(k, locale) for k in onboarding.evidence_pending), locale
        ),
        "pause_form": pause_form or PauseForm(formdata=None),
        "action_form": ActionForm(formdata=None),
        "Step": services.Step,
        "VolunteerStatus": VolunteerStatus,
    }


@bp.post("/volunteer/pause")
@volunteer_only
def pause():
    form = PauseForm()
    if form.validate_on_submit():
        try:
            services.pause(_me(), until=form.until.data, today=_today())
        except VolunteerError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("You are taking a break. Welcome back whenever you are ready."), "success")
            return redirect(url_for("main.home"))
    context = home_context(form)
    if not context["onboarding"].can_pause and form.until.errors:  # no form to show it at
        flash(" ".join(str(message) for message in form.until.errors), "error")
    return render_template("main/home_volunteer.html", **context), 422


@bp.post("/volunteer/resume")
@volunteer_only
def resume():
    form = ActionForm()
    if form.validate_on_submit():
        try:
            services.resume(_me())
        except VolunteerError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for("main.home"))
        db.session.commit()
        flash(_("Welcome back! You will receive requests again."), "success")
    return redirect(url_for("main.home"))


# --- profile ------------------------------------------------------------------------------


def _municipality_choices() -> list[tuple]:
    rows = sorted(services.municipalities(), key=lambda m: sort_key(m.name))
    return [
        SelectChoice("", _("Choose your town or municipality")),
        *(SelectChoice(m.id, m.name) for m in rows),
    ]


@bp.route("/volunteer/profile", methods=["GET", "POST"])
@volunteer_only
def profile():
    user = _me()
    if request.method == "POST":
        form = ProfileForm()
    else:
        current = profile_of(user)
        form = ProfileForm(
            formdata=None,
            data={
                "display_name": user.display_name,
                "phone": current.phone if current else "",
                "municipality": current.municipality_id if current else None,
                "mobility": current.mobility.value if current and current.mobility else None,
                "max_distance_km": current.max_distance_km if current else None,
                "topics": list(current.topics or []) if current else [],
                "gender": current.gender.value if current and current.gender else "",
                "about": current.about if current else "",
                "in_directory": current.in_directory if current else False,
                "share_phone": current.share_phone if current else False,
            },
        )
    form.municipality.choices = _municipality_choices()
    if form.validate_on_submit():
        try:
            services.update_profile(
                user,
                services.ProfileData(
                    display_name=form.display_name.data,
                    phone=form.phone.data or None,
                    municipality_id=form.municipality.data,
                    mobility=Mobility(form.mobility.data),
                    max_distance_km=form.max_distance_km.data,
                    topics=form.topics.data or [],
                    gender=Gender(form.gender.data) if form.gender.data else None,
                    about=form.about.data or None,
                    in_directory=form.in_directory.data,
                    share_phone=form.share_phone.data,
                ),
            )
        except VolunteerError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("volunteers.profile"))
    saved = profile_of(user)
    return render_template(
        "volunteers/profile.html", form=form, about=saved.about if saved else None
    ), (422 if form.errors else 200)


# --- languages ----------------------------------------------------------------------------


def _language_data(form) -> services.LanguageData:
    return services.LanguageData(
        level=form.level.data,
        mediates=form.mediates.data,
        modes=form.modes.data or [],
        settings=form.settings.data or [],
    )


def _render_languages(form: LanguageForm, status: int = 200):
    profile = profile_of(_me())
    locale = current_locale()
    skills = sorted(
        profile.languages if profile else [],
        key=lambda s: (-s.level_rank, sort_key(display_name(s.code, locale))),
    )
    return render_template(
        "volunteers/languages.html",
        form=form,
        skills=skills,
        language_name=lambda code: display_name(code, locale),
        action_form=ActionForm(formdata=None),
        **_language_labels(),
    ), status


def _language_labels() -> dict:
    locale = current_locale()
    return {
        "listing": lambda items, labels: listing((labels.get(i, i) for i in items), locale),
        "level_labels": LEVEL_LABELS,
        "level_hints": LEVEL_HINTS,
        "mode_labels": MODE_LABELS,
        "setting_labels": SETTING_LABELS,
        "source_labels": {
            LevelSource.SELF_DECLARED: _("as you stated it"),
            LevelSource.TESTED: _("tested by the centre"),
            LevelSource.CERTIFICATE: _("certificate seen by the centre"),
        },
    }


@bp.route("/volunteer/languages", methods=["GET", "POST"])
@volunteer_only
def languages():
    locale = current_locale()
    form = LanguageForm() if request.method == "POST" else LanguageForm(formdata=None)
    form.code.choices = [
        SelectChoice("", _("Choose a language")),
        *(SelectChoice(tag, name) for tag, name in language_choices(locale)),
    ]
    if form.validate_on_submit():
        if not is_known(form.code.data, locale):
            form.code.errors.append(_("Please choose a language from the list."))
        else:
            try:
                skill = services.add_language(_me(), form.code.data, _language_data(form))
            except VolunteerError as error:
                _show_error(form, error)
            else:
                db.session.commit()
                flash(
                    _("%(language)s is added.", language=display_name(skill.code, locale)),
                    "success",
                )
                return redirect(url_for("volunteers.languages"))
    return _render_languages(form, 422 if form.errors else 200)


@bp.route("/volunteer/languages/<int:skill_id>", methods=["GET", "POST"])
@volunteer_only
def edit_language(skill_id: int):
    skill = _own_or_404(services.language_of(_me(), _checked_id(skill_id)))
    if request.method == "POST":
        form = LanguageEditForm()
    else:
        form = LanguageEditForm(
            formdata=None,
            data={
                "level": skill.level.value,
                "mediates": skill.mediates,
                "modes": list(skill.modes or []),
                "settings": list(skill.settings or []),
            },
        )
    if form.validate_on_submit():
        services.update_language(_me(), skill, _language_data(form))
        db.session.commit()
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("volunteers.languages"))
    return render_template(
        "volunteers/language_edit.html",
        form=form,
        skill=skill,
        checked_by_centre=skill.level_source is not LevelSource.SELF_DECLARED,
        name=display_name(skill.code, current_locale()),
        **_language_labels(),
    ), (422 if form.errors else 200)


@bp.post("/volunteer/languages/<int:skill_id>/remove")
@volunteer_only
def remove_language(skill_id: int):
    skill = _own_or_404(services.language_of(_me(), _checked_id(skill_id)))
    if not ActionForm().validate_on_submit():
        abort(400)
    name = display_name(skill.code, current_locale())
    services.remove_language(_me(), skill)
    db.session.commit()
    flash(_("%(language)s is removed.", language=name), "success")
    return redirect(url_for("volunteers.languages"))


# --- qualifications -----------------------------------------------------------------------


def _standing_words(qualification, today: date) -> tuple[str, str]:
    """(css class, words) for a qualification's standing, with the dates that matter."""
    standing = rules.standing_of(qualification, today)
    expires = qualification.expires_on
    S = rules.Standing
    if standing is S.UNVERIFIED:
        return "pending", _("Waiting for the centre to check it")
    if standing is S.REJECTED:
        return "rejected", _("Not accepted")
    if standing is S.HELD and expires is None:
        return "held", _("Confirmed, does not expire")
    if standing is S.HELD:
        return "held", _("Confirmed, valid until %(date)s", date=_date(expires))
    if standing is S.EXPIRING:
        return "expiring", _("Expires soon, on %(date)s: please renew it", date=_date(expires))
    if standing is S.GRACE:
        return "grace", _(
            "Expired on %(date)s; it still counts for a short time. Please renew it.",
            date=_date(expires),
        )
    return "expired", _("Expired on %(date)s", date=_date(expires))


def _date(value: date) -> str:
    from flask_babel import format_date

    return format_date(value, "long")


def _render_qualifications(form: QualificationForm, status: int = 200):
    profile = profile_of(_me())
    locale, today = current_locale(), _today()
    mine = list(profile.qualifications) if profile else []
    mine.sort(key=lambda q: (q.type.position, q.obtained_on), reverse=False)
    return render_template(
        "volunteers/qualifications.html",
        form=form,
        qualifications=[(q, *_standing_words(q, today)) for q in mine],
        type_name=lambda kind: catalogue.type_name(kind, locale),
    ), status


@bp.route("/volunteer/qualifications", methods=["GET", "POST"])
@volunteer_only
def qualifications():
    locale = current_locale()
    form = QualificationForm() if request.method == "POST" else QualificationForm(formdata=None)
    form.type_id.choices = [
        SelectChoice("", _("Choose a qualification")),
        *(SelectChoice(k.id, catalogue.type_name(k, locale)) for k in catalogue.active_types()),
    ]
    if form.validate_on_submit():
        kind = services.qualification_type(form.type_id.data)
        if kind is None:
            form.type_id.errors.append(_("Please choose a qualification from the list."))
        else:
            try:
                services.claim_qualification(_me(), kind, form.obtained_on.data, today=_today())
            except VolunteerError as error:
                _show_error(form, error)
            else:
                db.session.commit()
                flash(
                    _(
                        "%(name)s is added. The centre will check it.",
                        name=catalogue.type_name(kind, locale),
                    ),
                    "success",
                )
                return redirect(url_for("volunteers.qualifications"))
    return _render_qualifications(form, 422 if form.errors else 200)


# --- availability -------------------------------------------------------------------------


def _weekday_names(locale: str) -> list[str]:
    names = get_day_names("wide", locale=locale)
    return [names[day] for day in range(7)]


def time_range(start, end, locale: str) -> str:
    """ "09:00–12:30 Uhr", "9:00 ص – 12:30 م": the locale's own interval, 12 or 24 hours."""
    hours = "H" if "H" in Locale.parse(locale).time_formats["short"].pattern else "h"
    return format_interval(start, end, f"{hours}m", locale=locale)


def date_range(start: date, end: date, locale: str) -> str:
    """ "7.–17. Dez. 2026", "7–17 ديسمبر 2026"; one day is just that day."""
    return format_interval(start, end, "yMMMd", locale=locale)


def _weekday_choices(days: list[str]) -> list[SelectChoice]:
    return [SelectChoice(number, name) for number, name in enumerate(days)]


def _render_availability(slot_form=None, absence_form=None, on_call_form=None, status=200):
    locale = current_locale()
    profile = profile_of(_me())
    days = _weekday_names(locale)
    slot_form = slot_form or SlotForm(formdata=None)
    slot_form.weekday.choices = _weekday_choices(days)
    if on_call_form is None:
        on_call_form = OnCallForm(
            formdata=None, data={"on_call": bool(profile and profile.on_call)}
        )
    week = [(day, days[day], []) for day in range(7)]
    for slot in profile.slots if profile else []:
        week[slot.weekday][2].append(slot)
    today = _today()
    absences = [a for a in (profile.absences if profile else []) if a.ends_on >= today]
    return render_template(
        "volunteers/availability.html",
        week=week,
        absences=absences,
        slot_form=slot_form,
        absence_form=absence_form or AbsenceForm(formdata=None),
        on_call_form=on_call_form,
        action_form=ActionForm(formdata=None),
        time_range=lambda slot: time_range(slot.starts_at, slot.ends_at, locale),
        date_range=lambda absence: date_range(absence.starts_on, absence.ends_on, locale),
    ), status


@bp.get("/volunteer/availability")
@volunteer_only
def availability():
    return _render_availability()


@bp.post("/volunteer/availability/slots")
@volunteer_only
def add_slot():
    form = SlotForm()
    form.weekday.choices = _weekday_choices(_weekday_names(current_locale()))
    if form.validate_on_submit():
        try:
            _slot, merged = services.add_slot(
                _me(), form.weekday.data, form.starts_at.data, form.ends_at.data
            )
        except VolunteerError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            if merged:
                flash(_("The time is added and joined with the times it overlaps."), "success")
            else:
                flash(_("The time is added."), "success")
            return redirect(url_for("volunteers.availability"))
    return _render_availability(slot_form=form, status=422)


@bp.post("/volunteer/availability/slots/<int:slot_id>/remove")
@volunteer_only
def remove_slot(slot_id: int):
    slot = _own_or_404(services.slot_of(_me(), _checked_id(slot_id)))
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_slot(_me(), slot)
    db.session.commit()
    flash(_("The time is removed."), "success")
    return redirect(url_for("volunteers.availability"))


@bp.post("/volunteer/availability/absences")
@volunteer_only
def add_absence():
    form = AbsenceForm()
    if form.validate_on_submit():
        try:
            services.add_absence(_me(), form.starts_on.data, form.ends_on.data, today=_today())
        except VolunteerError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your absence is saved."), "success")
            return redirect(url_for("volunteers.availability"))
    return _render_availability(absence_form=form, status=422)


@bp.post("/volunteer/availability/absences/<int:absence_id>/remove")
@volunteer_only
def remove_absence(absence_id: int):
    absence = _own_or_404(services.absence_of(_me(), _checked_id(absence_id)))
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_absence(_me(), absence)
    db.session.commit()
    flash(_("The absence is removed."), "success")
    return redirect(url_for("volunteers.availability"))


@bp.post("/volunteer/availability/on-call")
@volunteer_only
def set_on_call():
    form = OnCallForm()
    if not form.validate_on_submit():
        return _render_availability(on_call_form=form, status=422)
    services.set_on_call(_me(), form.on_call.data)
    db.session.commit()
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("volunteers.availability"))


# --- conflicts of interest ----------------------------------------------------------------


def _render_conflicts(form: ConflictForm, status: int = 200):
    profile = profile_of(_me())
    return render_template(
        "volunteers/conflicts.html",
        form=form,
        conflicts=list(profile.conflicts) if profile else [],
        action_form=ActionForm(formdata=None),
    ), status


@bp.route("/volunteer/conflicts", methods=["GET", "POST"])
@volunteer_only
def conflicts():
    form = ConflictForm() if request.method == "POST" else ConflictForm(formdata=None)
    if form.validate_on_submit():
        services.add_conflict(_me(), form.description.data)
        db.session.commit()
        flash(_("Saved. The centre will not send you there."), "success")
        return redirect(url_for("volunteers.conflicts"))
    return _render_conflicts(form, 422 if form.errors else 200)


@bp.post("/volunteer/conflicts/<int:conflict_id>/remove")
@volunteer_only
def remove_conflict(conflict_id: int):
    conflict = _own_or_404(services.conflict_of(_me(), _checked_id(conflict_id)))
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_conflict(_me(), conflict)
    db.session.commit()
    flash(_("The entry is removed."), "success")
    return redirect(url_for("volunteers.conflicts"))


# --- directory ----------------------------------------------------------------------------


@bp.get("/volunteers/directory")
@role_required(Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)
def directory():
    user = _me()
    if not services.may_see_directory(user):
        return render_template("volunteers/directory_closed.html")
    result = services.directory(page=request.args.get("page", 1, type=int))
    locale = current_locale()
    return render_template(
        "volunteers/directory.html",
        result=result,
        page_numbers=page_numbers(result.page, result.pages),
        page_url=lambda number: url_for("volunteers.directory", page=number),
        languages_of=lambda profile: listing(
            (
                f"{display_name(skill.code, locale)} ({LEVEL_LABELS[skill.level]})"
                for skill in sorted(profile.languages, key=lambda s: -s.level_rank)
            ),
            locale,
        ),
        topics_of=lambda profile: listing(
            (TOPIC_LABELS.get(topic, topic) for topic in profile.topics or []), locale
        ),
    )
