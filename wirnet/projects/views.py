"""Local projects: browsing and applying (volunteers), creating and running them
(coordinators and the partner organisation's org admins), accepting or declining.

Thin: form → service → flash/redirect or render; one commit per request. A refusal of the
service (:class:`ProjectError`) is shown on its field or at the place it concerns, with
status 422 and nothing changed (the view rolls back). Another organisation's project
answers 404 to the actions that run it (see ``services.manage_denial``).
"""

from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from wirnet.bidi import isolated
from wirnet.extensions import db
from wirnet.i18n import current_locale
from wirnet.pagination import page_arg, page_numbers
from wirnet.projects import bp, services
from wirnet.projects.forms import (
    APPLICATION_LABELS,
    STATE_ACTIONS,
    STATE_LABELS,
    ActionForm,
    ApplyForm,
    BrowseForm,
    ProjectForm,
    RoleForm,
    StateForm,
)
from wirnet.projects.models import ParticipationState, Project, ProjectState
from wirnet.projects.services import ProjectError
from wirnet.ratelimit import rate_limited
from wirnet.roles import Role
from wirnet.security import COORDINATING, role_required
from wirnet.volunteers.coordination import is_tag
from wirnet.volunteers.forms import TOPIC_LABELS
from wirnet.volunteers.languages import (
    canonical,
    display_name,
    filter_choices,
    is_known,
    language_choices,
    sort_key,
)
from wirnet.volunteers.models import Topic
from wirnet.volunteers.profiles import profile_of
from wirnet.volunteers.views import listing

#: Larger ids cannot exist (and would overflow the database's integer): answer 404.
MAX_ID = 2**31 - 1

logged_in = role_required(Role.VOLUNTEER, Role.ORG_MEMBER, *COORDINATING)
runners = role_required(Role.ORG_MEMBER, *COORDINATING)
volunteer_only = role_required(Role.VOLUNTEER)


def _me():
    return current_user._get_current_object()


def _project_or_404(project_id: int) -> Project:
    project = services.get_project(project_id) if project_id <= MAX_ID else None
    if project is None or not services.can_view(_me(), project):
        abort(404)
    return project


def _managed_or_abort(project_id: int) -> Project:
    """The project, if the user runs it; 404 for another organisation's, 403 otherwise."""
    project = services.get_project(project_id) if project_id <= MAX_ID else None
    if project is None:
        abort(404)
    denial = services.manage_denial(_me(), project)
    if denial:
        abort(denial)
    return project


def _languages_text(tags, locale: str) -> str:
    return listing((display_name(tag, locale) for tag in tags), locale)


TOPIC_VALUES = frozenset(t.value for t in Topic)


def _topics_text(topics, locale: str) -> str:
    return listing((TOPIC_LABELS[Topic(t)] for t in topics if t in TOPIC_VALUES), locale)


def _show_error(form, error: ProjectError) -> None:
    """Put a service's refusal on its field (or the form's first field) and undo all."""
    db.session.rollback()
    target = getattr(form, error.field or "", None)
    if target is None:
        target = next(iter(f for f in form if f.type != "CSRFTokenField"))
    target.errors = [*list(target.errors or ()), str(error.message)]


# --- browsing ------------------------------------------------------------------------------


def _browse_form(locale: str) -> BrowseForm:
    form = BrowseForm(formdata=request.args)
    tags = services.requested_languages()
    wanted = canonical(request.args.get("language", ""))
    if wanted and is_tag(wanted) and wanted not in tags:
        tags.append(wanted)  # a real tag no project asks for yet: an empty list, not an error
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
    form.validate()
    return form


@bp.get("/projects")
@logged_in
def browse():
    locale = current_locale()
    form = _browse_form(locale)

    def ok(f):
        return f.data and not f.errors

    me = _me()
    runs_projects = me.role is not Role.VOLUNTEER
    finished = runs_projects and bool(form.finished.data)
    chosen = replace(
        services.finished_filter(me) if finished else services.ProjectFilter(),
        municipality_id=int(form.municipality.data) if ok(form.municipality) else None,
        topic=form.topic.data if ok(form.topic) else None,
        language=form.language.data if ok(form.language) else None,
    )
    params = {
        name: str(getattr(form, name).data)
        for name in ("municipality", "topic", "language")
        if ok(getattr(form, name))
    }
    if finished:
        params["finished"] = "y"
    result = services.browse(chosen, page=page_arg())

    def page_url(number: int) -> str:
        return url_for("projects.browse", **params, page=number)

    return render_template(
        "projects/list.html",
        form=form,
        result=result,
        filtered=bool(params),
        page_url=page_url,
        page_numbers=page_numbers(result.page, result.pages),
        state_labels=STATE_LABELS,
        languages_text=lambda tags: _languages_text(tags, locale),
        can_create=services.can_create(me),
        is_volunteer=not runs_projects,
        finished=finished,
    ), (422 if form.errors else 200)


@bp.get("/projects/mine")
@volunteer_only
def mine():
    result = services.applications_of(_me(), page=page_arg())
    return render_template(
        "projects/mine.html",
        result=result,
        page_url=lambda number: url_for("projects.mine", page=number),
        page_numbers=page_numbers(result.page, result.pages),
        application_labels=APPLICATION_LABELS,
        state_labels=STATE_LABELS,
    )


# --- one project ---------------------------------------------------------------------------


def _render_project(
    project: Project,
    status: int = 200,
    *,
    apply_form: ApplyForm | None = None,
    role_errors: dict[int, str] | None = None,
    error: str | None = None,
):
    me = _me()
    locale = current_locale()
    manager = services.can_manage(me, project)
    profile = profile_of(me) if me.role is Role.VOLUNTEER else None
    mine = {}
    if profile is not None:
        for role in project.roles:
            for participation in role.participations:
                if participation.profile_id == profile.id:
                    mine[role.id] = participation
    apply_forms = {}
    for role in project.roles:
        if apply_form is not None and apply_form._prefix == f"apply-{role.id}-":
            apply_forms[role.id] = apply_form
        else:
            apply_forms[role.id] = ApplyForm(formdata=None, prefix=f"apply-{role.id}")
    return render_template(
        "projects/project.html",
        project=project,
        manager=manager,
        coordinator=services.is_coordinator(me),
        is_volunteer=me.role is Role.VOLUNTEER,
        cannot_apply=services.not_active_reason(profile) if me.role is Role.VOLUNTEER else None,
        mine=mine,
        taken=services.taken_places(project),
        participants=services.accepted_volunteers(project),
        apply_forms=apply_forms,
        role_errors=role_errors or {},
        error=error,
        targets=services.allowed_targets(project) if manager else (),
        state_labels=STATE_LABELS,
        state_actions=STATE_ACTIONS,
        application_labels=APPLICATION_LABELS,
        Applied=ParticipationState,
        open_states=services.OPEN,
        languages_text=lambda tags: _languages_text(tags, locale),
        topics_text=lambda topics: _topics_text(topics, locale),
    ), status


@bp.get("/projects/<int:project_id>")
@logged_in
def project(project_id: int):
    return _render_project(_project_or_404(project_id))


def _municipality_choices() -> list:
    rows = sorted(services.municipalities(), key=lambda m: sort_key(m.name))
    return [
        SelectChoice("", _("Choose a town or municipality")),
        *(SelectChoice(m.id, m.name) for m in rows),
    ]


def _partner_choices(current: Project | None) -> list:
    me = _me()
    rows = services.partner_choices(me)
    if current is not None and current.partner is not None and current.partner not in rows:
        rows.append(current.partner)
    choices = [SelectChoice(org.id, org.name) for org in rows]
    if services.is_coordinator(me):
        choices.insert(0, SelectChoice("", _("No partner organisation")))
    return choices


def _project_data(form: ProjectForm) -> services.ProjectData:
    return services.ProjectData(
        title=form.title.data,
        municipality_id=form.municipality.data,
        partner_id=form.partner.data,
        description=form.description.data or None,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
    )


@bp.route("/projects/new", methods=["GET", "POST"])
@runners
def new_project():
    if not services.can_create(_me()):
        abort(403)
    form = ProjectForm() if request.method == "POST" else ProjectForm(formdata=None)
    form.municipality.choices = _municipality_choices()
    form.partner.choices = _partner_choices(None)
    if form.validate_on_submit():
        try:
            created = services.create_project(_project_data(form), _me())
        except ProjectError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The project is created. Now add the roles it needs."), "success")
            return redirect(url_for("projects.add_role", project_id=created.id))
    return render_template("projects/edit.html", form=form, project=None), (
        422 if form.errors else 200
    )


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@runners
def edit_project(project_id: int):
    found = _managed_or_abort(project_id)
    if request.method == "POST":
        form = ProjectForm()
    else:
        form = ProjectForm(
            formdata=None,
            data={
                "title": found.title,
                "municipality": found.municipality_id,
                "partner": found.partner_id,
                "description": found.description,
                "starts_on": found.starts_on,
                "ends_on": found.ends_on,
            },
        )
    form.municipality.choices = _municipality_choices()
    form.partner.choices = _partner_choices(found)
    if form.validate_on_submit():
        try:
            services.update_project(found, _project_data(form), _me())
        except ProjectError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("projects.project", project_id=found.id))
    return render_template("projects/edit.html", form=form, project=found), (
        422 if form.errors else 200
    )


@bp.post("/projects/<int:project_id>/state")
@runners
def change_state(project_id: int):
    found = _managed_or_abort(project_id)
    form = StateForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        new = ProjectState(form.state.data or "")
    except ValueError:
        new = None
    try:
        if new is None:
            raise ProjectError(_("This change of state is not possible."), "state")
        services.change_state(found, new, _me())
    except ProjectError as error:
        db.session.rollback()
        return _render_project(services.get_project(project_id), 422, error=error.message)
    db.session.commit()
    flash(_("The project is now: %(state)s.", state=STATE_LABELS[new]), "success")
    return redirect(url_for("projects.project", project_id=found.id))


# --- roles ---------------------------------------------------------------------------------


def _role_form(data: dict | None = None) -> RoleForm:
    form = RoleForm() if request.method == "POST" else RoleForm(formdata=None, data=data)
    form.languages.choices = language_choices(current_locale())
    return form


def _role_data(form: RoleForm) -> services.RoleData | None:
    """The role as typed; None (and a message on the field) for a language not on the list."""
    locale = current_locale()
    tags = []
    for value in form.languages.data or []:
        if not is_known(value, locale):
            message = _(
                "%(code)s is not a language on the list. Please choose from the list.",
                code=value,
            )
            form.languages.errors = [*list(form.languages.errors or ()), message]
            continue
        tags.append(canonical(value))
    if form.languages.errors:
        return None
    return services.RoleData(
        title=form.title.data,
        description=form.description.data or None,
        places=form.places.data,
        languages=tags,
        topics=list(form.topics.data or []),
    )


def _role_or_404(project: Project, role_id: int):
    role = services.get_role(project, role_id) if role_id <= MAX_ID else None
    if role is None:
        abort(404)
    return role


@bp.route("/projects/<int:project_id>/roles/new", methods=["GET", "POST"])
@runners
def add_role(project_id: int):
    found = _managed_or_abort(project_id)
    form = _role_form({"places": 1})
    if form.validate_on_submit() and (data := _role_data(form)) is not None:
        try:
            services.add_role(found, data, _me())
        except ProjectError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(isolated(_("The role %(title)s is added."), title=data.title), "success")
            return redirect(url_for("projects.project", project_id=found.id))
    return render_template("projects/role.html", form=form, project=found, role=None), (
        422 if form.errors else 200
    )


@bp.route("/projects/<int:project_id>/roles/<int:role_id>/edit", methods=["GET", "POST"])
@runners
def edit_role(project_id: int, role_id: int):
    found = _managed_or_abort(project_id)
    role = _role_or_404(found, role_id)
    form = _role_form(
        {
            "title": role.title,
            "description": role.description,
            "places": role.places,
            "languages": list(role.languages or []),
            "topics": list(role.topics or []),
        }
    )
    if form.validate_on_submit() and (data := _role_data(form)) is not None:
        try:
            services.update_role(role, data, _me())
        except ProjectError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("projects.project", project_id=found.id))
    return render_template("projects/role.html", form=form, project=found, role=role), (
        422 if form.errors else 200
    )


@bp.post("/projects/<int:project_id>/roles/<int:role_id>/remove")
@runners
def remove_role(project_id: int, role_id: int):
    found = _managed_or_abort(project_id)
    role = _role_or_404(found, role_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    title = role.title
    try:
        services.remove_role(role, _me())
    except ProjectError as error:
        db.session.rollback()
        return _render_project(services.get_project(project_id), 422, error=error.message)
    db.session.commit()
    flash(isolated(_("The role %(title)s is removed."), title=title), "success")
    return redirect(url_for("projects.project", project_id=found.id))


# --- applications --------------------------------------------------------------------------


@bp.post("/projects/<int:project_id>/roles/<int:role_id>/apply")
@volunteer_only
def apply(project_id: int, role_id: int):
    found = _project_or_404(project_id)
    role = _role_or_404(found, role_id)
    form = ApplyForm(prefix=f"apply-{role.id}")
    if form.validate_on_submit():
        try:
            services.apply(role, _me(), form.message.data)
        except ProjectError as error:
            db.session.rollback()
            return _render_project(
                services.get_project(project_id),
                422,
                apply_form=form,
                role_errors={role_id: error.message},
            )
        db.session.commit()
        flash(
            isolated(
                _("You have applied for %(title)s. You will hear from us by e-mail."),
                title=role.title,
            ),
            "success",
        )
        return redirect(url_for("projects.project", project_id=found.id))
    return _render_project(found, 422, apply_form=form)


def _participation_or_404(project: Project, participation_id: int):
    found = (
        services.get_participation(project, participation_id)
        if participation_id <= MAX_ID
        else None
    )
    if found is None:
        abort(404)
    return found


@bp.post("/projects/<int:project_id>/applications/<int:participation_id>/withdraw")
@volunteer_only
def withdraw(project_id: int, participation_id: int):
    found = _project_or_404(project_id)
    participation = _participation_or_404(found, participation_id)
    profile = profile_of(_me())
    if profile is None or participation.profile_id != profile.id:
        abort(404)  # somebody else's application
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw(participation, _me())
    except ProjectError as error:
        db.session.rollback()
        return _render_project(services.get_project(project_id), 422, error=error.message)
    db.session.commit()
    flash(_("Your application is withdrawn."), "success")
    return redirect(url_for("projects.project", project_id=found.id))


def _decide(project_id: int, participation_id: int, decision, done_message: str):
    found = _managed_or_abort(project_id)
    participation = _participation_or_404(found, participation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = participation.profile.user.display_name
    try:
        decision(participation, _me())
    except ProjectError as error:
        db.session.rollback()
        return _render_project(services.get_project(project_id), 422, error=error.message)
    db.session.commit()
    flash(isolated(done_message, name=name), "success")
    return redirect(url_for("projects.project", project_id=found.id))


@bp.post("/projects/<int:project_id>/applications/<int:participation_id>/accept")
@runners
@rate_limited(key="staff")  # each decision sends the volunteer an e-mail
def accept(project_id: int, participation_id: int):
    return _decide(
        project_id,
        participation_id,
        services.accept,
        _("%(name)s is accepted and will be told by e-mail."),
    )


@bp.post("/projects/<int:project_id>/applications/<int:participation_id>/decline")
@runners
@rate_limited(key="staff")  # each decision sends the volunteer an e-mail
def decline(project_id: int, participation_id: int):
    return _decide(
        project_id,
        participation_id,
        services.decline,
        _("%(name)s is declined and will be told by e-mail."),
    )
