"""The organisation pages. Thin views: form → service → flash/redirect or render; one commit
per request.

URLs: /organisations/register (visitors and org members), /organisations/<id>… (its members,
coordinators and admins; anyone else's id answers 404), /organisations/invitation/<token>
(public, rate-limited), /coordinator/organisations… (coordinators and admins).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user
from wtforms.fields.choices import SelectChoice

from wirnet.auth import services as auth_services
from wirnet.auth.models import User
from wirnet.bidi import isolated
from wirnet.extensions import db
from wirnet.i18n import current_locale, remember_locale, select_locale, switcher_choices
from wirnet.organisations import bp, services
from wirnet.organisations.forms import (
    KIND_LABELS,
    STATUS_LABELS,
    ActionForm,
    CreateForm,
    DecisionForm,
    DeclineForm,
    InviteForm,
    JoinWithAccountForm,
    OrganisationForm,
    OrganisationSearchForm,
    RegisterWithAccountForm,
)
from wirnet.organisations.models import Membership, OrganisationInvitation, OrganisationStatus
from wirnet.organisations.services import OrganisationError
from wirnet.pagination import page_arg, page_numbers
from wirnet.ratelimit import rate_limited
from wirnet.roles import Role
from wirnet.security import (
    COORDINATING,
    coordinators_only,
    is_coordinator,
    renew_csrf_token,
    role_required,
    start_session,
)

#: Larger ids cannot exist (and would overflow the database's integer): answer 404.
MAX_ID = 2**31 - 1

S = OrganisationStatus
members_and_coordinators = role_required(Role.ORG_MEMBER, *COORDINATING)


def _me():
    return current_user._get_current_object()


def error_message(error: OrganisationError) -> str:
    return {
        "municipality": _("Please choose a municipality from the list."),
        "note_missing": _("Please say why, for the organisation's admins."),
        "last_admin": _(
            "The organisation needs at least one admin. Make another member an admin first."
        ),
        "closed": _("This organisation cannot take new members at the moment."),
        "already_member": _("This person is already a member."),
    }.get(error.code, _("This is not possible."))


def _municipality_choices(form) -> None:
    form.municipality.choices = [
        SelectChoice("", _("Please choose")),
        *(SelectChoice(m.id, m.name) for m in services.municipalities()),
    ]


def _data(form) -> services.OrganisationData:
    return services.OrganisationData(
        name=form.name.data,
        kind=form.kind.data,
        municipality_id=form.municipality.data if form.municipality.data != -1 else None,
        description=form.description.data,
        contact_name=form.contact_name.data,
        contact_phone=form.contact_phone.data,
        contact_email=form.contact_email.data,
    )


def _fill(form, organisation) -> None:
    """Show the organisation's stored details (a GET of the edit page)."""
    form.name.data = organisation.name
    form.kind.data = organisation.kind.value
    form.municipality.data = organisation.municipality_id
    form.description.data = organisation.description
    form.contact_name.data = organisation.contact_name
    form.contact_phone.data = organisation.contact_phone
    form.contact_email.data = organisation.contact_email


# --- registration ----------------------------------------------------------------------------


@bp.route("/organisations/register", methods=["GET", "POST"])
@rate_limited
def register():
    """Visitors register an organisation with a new account; org members register another.

    A volunteer's account cannot: an account has one role, and a volunteer who also works
    for an organisation keeps the two apart with a second account (requests posted for an
    organisation and requests the volunteer is sent to must never mix).
    """
    if current_user.is_authenticated:
        if is_coordinator(current_user):
            return redirect(url_for("organisations.coordinator_create"))
        if current_user.role is not Role.ORG_MEMBER:
            return render_template("organisations/register_volunteer.html"), 403
        return _register_as_member()
    form = RegisterWithAccountForm()
    form.locale.choices = switcher_choices()
    _municipality_choices(form)
    if request.method == "GET":
        form.locale.data = select_locale()
    if form.validate_on_submit():
        try:
            services.register_with_account(
                auth_services.SignupData(
                    display_name=form.display_name.data,
                    email=form.email.data,
                    password=form.password.data,
                    locale=form.locale.data,
                ),
                _data(form),
                notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
            )
        except OrganisationError as error:
            db.session.rollback()
            form.municipality.errors.append(error_message(error))
        else:
            db.session.commit()
            return remember_locale(redirect(url_for("organisations.registered")), form.locale.data)
    return render_template("organisations/register.html", form=form, with_account=True), (
        422 if form.errors else 200
    )


def _register_as_member():
    form = OrganisationForm()
    _municipality_choices(form)
    if request.method == "GET":
        form.contact_name.data = current_user.display_name
        form.contact_email.data = current_user.email
    if form.validate_on_submit():
        try:
            organisation = services.register(_data(form), _me())
        except OrganisationError as error:
            db.session.rollback()
            form.municipality.errors.append(error_message(error))
        else:
            db.session.commit()
            flash(
                isolated(
                    _(
                        "%(name)s is registered. The centre will check it and write to you "
                        "by e-mail."
                    ),
                    name=organisation.name,
                ),
                "success",
            )
            return redirect(url_for("organisations.detail", org_id=organisation.id))
    return render_template("organisations/register.html", form=form, with_account=False), (
        422 if form.errors else 200
    )


@bp.get("/organisations/registered")
def registered():
    return render_template("organisations/registered.html")


# --- one organisation ------------------------------------------------------------------------


def _organisation_or_404(org_id: int):
    organisation = services.visible_organisation(_me(), org_id) if org_id <= MAX_ID else None
    if organisation is None:
        abort(404)
    return organisation


def _managed_or_403(org_id: int):
    organisation = _organisation_or_404(org_id)
    if not services.can_manage_members(_me(), organisation):
        abort(403)
    return organisation


def _invitation_languages(field) -> None:
    """The shipped languages for an invitation e-mail, the reader's own chosen unless
    another was sent."""
    field.choices = switcher_choices()
    if not field.data:
        field.data = current_locale()


def _render_detail(organisation, status: int = 200, **forms):
    me = _me()
    coordinator = is_coordinator(current_user)
    manage = services.can_manage_members(me, organisation)
    forms.setdefault("invite_form", InviteForm(formdata=None))
    _invitation_languages(forms["invite_form"].locale)
    forms.setdefault("approve_form", DecisionForm(formdata=None, prefix="approve"))
    forms.setdefault("decline_form", DeclineForm(formdata=None, prefix="decline"))
    return render_template(
        "organisations/detail.html",
        organisation=organisation,
        me=me,
        coordinator=coordinator,
        manage=manage,
        can_edit=coordinator or services.is_org_admin(me, organisation),
        members=sorted(
            organisation.memberships,
            key=lambda m: (not m.is_admin, m.user.display_name.casefold()),
        ),
        admin_count=sum(1 for m in organisation.memberships if m.is_admin),
        invitations=services.open_invitations(organisation) if manage else [],
        open_for_members=organisation.status in services.OPEN_FOR_MEMBERS,
        actions=services.allowed_actions(organisation) if coordinator else [],
        Action=services.Action,
        action_form=ActionForm(formdata=None),
        status_labels=STATUS_LABELS,
        kind_labels=KIND_LABELS,
        invitation_days=max(1, current_app.config["INVITATION_TOKEN_MAX_AGE"].days),
        Status=OrganisationStatus,
        **forms,
    ), status


@bp.get("/organisations/<int:org_id>")
@members_and_coordinators
def detail(org_id: int):
    return _render_detail(_organisation_or_404(org_id))


@bp.route("/organisations/<int:org_id>/edit", methods=["GET", "POST"])
@members_and_coordinators
def edit(org_id: int):
    organisation = _organisation_or_404(org_id)
    me = _me()
    if not (is_coordinator(current_user) or services.is_org_admin(me, organisation)):
        abort(403)
    form = OrganisationForm()
    _municipality_choices(form)
    if request.method == "GET":
        _fill(form, organisation)
    if form.validate_on_submit():
        try:
            changed = services.update(organisation, _data(form), me)
        except OrganisationError as error:
            db.session.rollback()
            form.municipality.errors.append(error_message(error))
        else:
            db.session.commit()
            flash(
                _("The changes are saved.") if changed else _("Nothing was changed."),
                "success" if changed else "info",
            )
            return redirect(url_for("organisations.detail", org_id=organisation.id))
    return render_template("organisations/edit.html", form=form, organisation=organisation), (
        422 if form.errors else 200
    )


# --- members and invitations -----------------------------------------------------------------


@bp.post("/organisations/<int:org_id>/invitations")
@rate_limited(key="user")
@members_and_coordinators
def invite(org_id: int):
    organisation = _managed_or_403(org_id)
    form = InviteForm()
    _invitation_languages(form.locale)
    if form.validate_on_submit():
        me = _me()
        as_admin = is_coordinator(current_user) and not any(
            m.is_admin for m in organisation.memberships
        )
        try:
            services.invite(
                organisation, form.email.data, me, as_admin=as_admin, locale=form.locale.data
            )
        except OrganisationError as error:
            db.session.rollback()
            form.email.errors.append(error_message(error))
        else:
            db.session.commit()
            flash(
                isolated(_("We have sent an invitation to %(email)s."), email=form.email.data),
                "success",
            )
            return redirect(url_for("organisations.detail", org_id=org_id) + "#members")
    return _render_detail(organisation, 422, invite_form=form)


def _invitation_or_404(organisation, invitation_id: int) -> OrganisationInvitation:
    invitation = (
        db.session.get(OrganisationInvitation, invitation_id) if invitation_id <= MAX_ID else None
    )
    if invitation is None or invitation.organisation_id != organisation.id:
        abort(404)
    return invitation


@bp.post("/organisations/<int:org_id>/invitations/<int:invitation_id>/revoke")
@members_and_coordinators
def revoke_invitation(org_id: int, invitation_id: int):
    organisation = _managed_or_403(org_id)
    invitation = _invitation_or_404(organisation, invitation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.revoke_invitation(organisation, invitation, _me())
    db.session.commit()
    flash(
        isolated(_("The invitation to %(email)s no longer works."), email=invitation.email),
        "info",
    )
    return redirect(url_for("organisations.detail", org_id=org_id) + "#members")


def _member_or_404(organisation, member_id: int) -> Membership:
    member = next((m for m in organisation.memberships if m.id == member_id), None)
    if member is None:
        abort(404)
    return member


@bp.post("/organisations/<int:org_id>/members/<int:member_id>/remove")
@members_and_coordinators
def remove_member(org_id: int, member_id: int):
    organisation = _organisation_or_404(org_id)
    member = _member_or_404(organisation, member_id)
    me = _me()
    leaving = member.user_id == me.id
    if not (leaving or services.can_manage_members(me, organisation)):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = member.user.display_name
    try:
        services.remove_member(organisation, member, me)
    except OrganisationError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return redirect(url_for("organisations.detail", org_id=org_id) + "#members")
    db.session.commit()
    if leaving:
        flash(isolated(_("You have left %(name)s."), name=organisation.name), "info")
        return redirect(url_for("main.home"))
    flash(isolated(_("%(name)s is no longer a member."), name=name), "info")
    return redirect(url_for("organisations.detail", org_id=org_id) + "#members")


@bp.post("/organisations/<int:org_id>/members/<int:member_id>/admin")
@members_and_coordinators
def set_admin(org_id: int, member_id: int):
    organisation = _managed_or_403(org_id)
    member = _member_or_404(organisation, member_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    make_admin = request.form.get("make") == "admin"
    try:
        services.set_admin(organisation, member, make_admin, _me())
    except OrganisationError as error:
        db.session.rollback()
        flash(error_message(error), "error")
    else:
        db.session.commit()
        name = member.user.display_name
        flash(
            isolated(
                _("%(name)s is now an admin of the organisation.")
                if make_admin
                else _("%(name)s is no longer an admin of the organisation."),
                name=name,
            ),
            "success",
        )
    return redirect(url_for("organisations.detail", org_id=org_id) + "#members")


# --- the invitation link ---------------------------------------------------------------------


def _join_and_go(invitation, user):
    organisation = invitation.organisation
    services.accept_invitation(invitation, user)
    db.session.commit()
    flash(isolated(_("Welcome to %(name)s."), name=organisation.name), "success")
    return redirect(url_for("organisations.detail", org_id=organisation.id))


@bp.route("/organisations/invitation/<token>", methods=["GET", "POST"])
@rate_limited
def accept_invitation(token: str):
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render_template("auth/link_invalid.html"), 400
    organisation = invitation.organisation
    context = {
        "invitation": invitation,
        "organisation": organisation,
        "Problem": services.JoinProblem,
        "problem": None,
    }
    if current_user.is_authenticated:
        problem = services.join_problem(invitation, _me())
        form = ActionForm()
        if problem is None and form.validate_on_submit():
            return _join_and_go(invitation, _me())
        status = 200 if request.method == "GET" else (403 if problem else 400)
        context["problem"] = problem
        return render_template("organisations/invitation.html", form=form, **context), status
    if User.by_email(invitation.email) is not None:
        # The address has an account: its owner logs in, then comes back here.
        status = 200 if request.method == "GET" else 403
        return render_template(
            "organisations/invitation.html", log_in_first=True, **context
        ), status
    form = JoinWithAccountForm()
    form.locale.choices = switcher_choices()
    if request.method == "GET":
        form.locale.data = select_locale()
    if form.validate_on_submit():
        user = services.accept_with_new_account(
            invitation,
            services.NewMember(
                display_name=form.display_name.data,
                locale=form.locale.data,
                password=form.password.data,
                notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
            ),
        )
        auth_services.record_login(user)
        db.session.commit()
        login_user(user)
        start_session(remember=False)
        renew_csrf_token()
        with force_locale(user.locale):
            flash(
                isolated(
                    _("Welcome, %(name)s. You are now a member of %(organisation)s."),
                    name=user.display_name,
                    organisation=organisation.name,
                ),
                "success",
            )
        response = redirect(url_for("organisations.detail", org_id=organisation.id))
        return remember_locale(response, user.locale)
    return render_template("organisations/invitation.html", form=form, **context), (
        422 if form.errors else 200
    )


# --- the coordinators' pages -----------------------------------------------------------------


@bp.get("/coordinator/organisations")
@coordinators_only
def coordinator_list():
    form = OrganisationSearchForm(formdata=request.args)
    form.municipality.choices = [
        SelectChoice("", _("Anywhere")),
        *(SelectChoice(str(m.id), m.name) for m in services.municipalities()),
    ]
    form.validate()

    def ok(field):
        return bool(field.data) and not field.errors

    filters = services.OrganisationFilter(
        query=form.q.data if ok(form.q) else "",
        status=OrganisationStatus(form.status.data) if ok(form.status) else None,
        kind=services.OrganisationKind(form.kind.data) if ok(form.kind) else None,
        municipality_id=int(form.municipality.data) if ok(form.municipality) else None,
    )
    params = {
        name: str(getattr(form, name).data)
        for name in ("q", "status", "kind", "municipality")
        if ok(getattr(form, name))
    }
    result = services.list_organisations(filters, page=page_arg())

    def page_url(number: int) -> str:
        return url_for("organisations.coordinator_list", **params, page=number)

    return render_template(
        "organisations/coordinator_list.html",
        form=form,
        result=result,
        filtered=bool(params),
        page_url=page_url,
        page_numbers=page_numbers(result.page, result.pages),
        status_labels=STATUS_LABELS,
        kind_labels=KIND_LABELS,
    ), (422 if form.errors else 200)


@bp.route("/coordinator/organisations/new", methods=["GET", "POST"])
@rate_limited(key="staff")
@coordinators_only
def coordinator_create():
    form = CreateForm()
    _municipality_choices(form)
    _invitation_languages(form.admin_locale)
    if form.validate_on_submit():
        me = _me()
        try:
            organisation = services.create(_data(form), me)
            if form.admin_email.data:
                services.invite(
                    organisation,
                    form.admin_email.data,
                    me,
                    as_admin=True,
                    locale=form.admin_locale.data,
                )
        except OrganisationError as error:
            db.session.rollback()
            form.municipality.errors.append(error_message(error))
        else:
            db.session.commit()
            flash(
                isolated(_("%(name)s is entered and approved."), name=organisation.name), "success"
            )
            if form.admin_email.data:
                flash(
                    isolated(
                        _("We have sent an invitation to %(email)s."), email=form.admin_email.data
                    ),
                    "success",
                )
            return redirect(url_for("organisations.detail", org_id=organisation.id))
    return render_template("organisations/create.html", form=form), (422 if form.errors else 200)


def _decide(org_id: int, action: services.Action, form, message: str):
    organisation = _organisation_or_404(org_id)
    if not form.validate_on_submit():
        if isinstance(form, ActionForm):
            abort(400)
        name = "decline_form" if isinstance(form, DeclineForm) else "approve_form"
        return _render_detail(organisation, 422, **{name: form})
    note = form.note.data if hasattr(form, "note") else None
    try:
        services.decide(organisation, action, _me(), note=note)
    except OrganisationError as error:
        db.session.rollback()
        if error.code == "not_allowed":
            flash(
                _(
                    "This is not possible while the organisation is “%(status)s”.",
                    status=STATUS_LABELS[organisation.status],
                ),
                "error",
            )
            return redirect(url_for("organisations.detail", org_id=org_id))
        form.note.errors.append(error_message(error))
        return _render_detail(organisation, 422, decline_form=form)
    db.session.commit()
    flash(isolated(message, name=organisation.name), "success")
    return redirect(url_for("organisations.detail", org_id=org_id))


@bp.post("/coordinator/organisations/<int:org_id>/approve")
@coordinators_only
def approve(org_id: int):
    return _decide(
        org_id,
        services.Action.APPROVE,
        DecisionForm(prefix="approve"),
        _("%(name)s is approved. Its admins have been told by e-mail."),
    )


@bp.post("/coordinator/organisations/<int:org_id>/decline")
@coordinators_only
def decline(org_id: int):
    return _decide(
        org_id,
        services.Action.DECLINE,
        DeclineForm(prefix="decline"),
        _("%(name)s is declined. Its admins have been told by e-mail."),
    )


@bp.post("/coordinator/organisations/<int:org_id>/deactivate")
@coordinators_only
def deactivate(org_id: int):
    return _decide(
        org_id,
        services.Action.DEACTIVATE,
        ActionForm(),
        _("%(name)s is deactivated: it can no longer post requests."),
    )


@bp.post("/coordinator/organisations/<int:org_id>/reactivate")
@coordinators_only
def reactivate(org_id: int):
    return _decide(org_id, services.Action.REACTIVATE, ActionForm(), _("%(name)s is active again."))


# --- the overviews ---------------------------------------------------------------------------


def home_context() -> dict:
    """For an org member's overview: their organisations with what needs their action."""
    me = _me()
    rows = []
    for organisation, member in services.organisations_of(me):
        rows.append(
            {
                "organisation": organisation,
                "is_admin": member.is_admin,
                "alone": len(organisation.memberships) == 1,
            }
        )
    return {"my_organisations": rows, "organisation_status_labels": STATUS_LABELS}


def coordinator_home_context() -> dict:
    return {"pending_organisations": services.pending_count()}
