"""Thin views: form → service → flash/redirect or render; one commit per request."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wirnet.admin import bp, services
from wirnet.admin.forms import ROLE_LABELS, STATE_LABELS, AccountSearchForm, ActionForm, RoleForm
from wirnet.admin.services import AccountFilter, AccountState, Outcome
from wirnet.auth.models import User
from wirnet.bidi import isolated
from wirnet.extensions import db
from wirnet.pagination import page_numbers
from wirnet.ratelimit import rate_limited
from wirnet.roles import Role
from wirnet.security import role_required

#: Larger ids cannot exist (and would overflow the database's integer): answer 404.
MAX_ID = 2**31 - 1


@bp.get("/accounts")
@role_required(Role.ADMIN)
def accounts():
    form = AccountSearchForm(formdata=request.args)
    form.validate()
    # A filter that does not validate is left out (its message is shown), never guessed at.
    query = "" if form.q.errors else (form.q.data or "")
    role = Role(form.role.data) if form.role.data and not form.role.errors else None
    state = AccountState(form.state.data) if form.state.data and not form.state.errors else None
    result = services.list_accounts(
        AccountFilter(query=query, role=role, state=state),
        page=request.args.get("page", 1, type=int),
    )
    params = {
        key: value for key, value in (("q", query), ("role", role), ("state", state)) if value
    }

    def page_url(number: int) -> str:
        return url_for("admin.accounts", **params, page=number)

    return render_template(
        "admin/accounts.html",
        form=form,
        result=result,
        filtered=bool(params),
        page_url=page_url,
        page_numbers=page_numbers(result.page, result.pages),
        role_labels=ROLE_LABELS,
        state_labels=STATE_LABELS,
        state_of=services.state_of,
    ), (422 if form.errors else 200)


def _account_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id) if user_id <= MAX_ID else None
    if user is None:
        abort(404)
    return user


def _render_account(user: User, role_form: RoleForm | None = None, status: int = 200):
    if role_form is None:
        role_form = RoleForm(formdata=None, role=user.role.value)
    return render_template(
        "admin/account.html",
        user=user,
        state=services.state_of(user),
        role_form=role_form,
        role_labels=ROLE_LABELS,
        state_labels=STATE_LABELS,
    ), status


def _actor() -> User:
    return current_user._get_current_object()


def _back_to(user: User):
    return redirect(url_for("admin.account", user_id=user.id))


def _refuse_last_admin(user: User, role_form: RoleForm | None = None):
    flash(
        isolated(
            _(
                "%(name)s is the only active administrator. Make another account an "
                "administrator first. Nothing was changed."
            ),
            name=user.display_name,
        ),
        "error",
    )
    return _render_account(user, role_form=role_form, status=409)


def _checked_action(user_id: int) -> User:
    """The account an action button names, after the button's CSRF token was checked."""
    user = _account_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return user


@bp.get("/accounts/<int:user_id>")
@role_required(Role.ADMIN)
def account(user_id: int):
    return _render_account(_account_or_404(user_id))


@bp.post("/accounts/<int:user_id>/role")
@role_required(Role.ADMIN)
def change_role(user_id: int):
    user = _account_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _render_account(user, role_form=form, status=422)
    new_role = Role(form.role.data)
    outcome = services.change_role(user, new_role, actor=_actor())
    if outcome is Outcome.LAST_ADMIN:
        return _refuse_last_admin(user, role_form=form)
    db.session.commit()
    if outcome is Outcome.UNCHANGED:
        flash(isolated(_("%(name)s already has this role."), name=user.display_name), "info")
        return _back_to(user)
    flash(
        isolated(
            _("The role of %(name)s is now: %(role)s."),
            name=user.display_name,
            role=ROLE_LABELS[new_role],
        ),
        "success",
    )
    if user.id == current_user.id and new_role != Role.ADMIN:
        return redirect(url_for("main.home"))  # this page is no longer theirs to see
    return _back_to(user)


@bp.post("/accounts/<int:user_id>/deactivate")
@role_required(Role.ADMIN)
def deactivate(user_id: int):
    user = _checked_action(user_id)
    outcome = services.deactivate(user, actor=_actor())
    if outcome is Outcome.LAST_ADMIN:
        return _refuse_last_admin(user)
    db.session.commit()
    if outcome is Outcome.UNCHANGED:
        flash(
            isolated(_("The account of %(name)s was already deactivated."), name=user.display_name),
            "info",
        )
    else:
        flash(
            isolated(
                _(
                    "The account of %(name)s is deactivated. It cannot log in, and its open "
                    "sessions have ended."
                ),
                name=user.display_name,
            ),
            "success",
        )
    return _back_to(user)


@bp.post("/accounts/<int:user_id>/reactivate")
@role_required(Role.ADMIN)
def reactivate(user_id: int):
    user = _checked_action(user_id)
    outcome = services.reactivate(user, actor=_actor())
    db.session.commit()
    if outcome is Outcome.UNCHANGED:
        flash(
            isolated(_("The account of %(name)s was already active."), name=user.display_name),
            "info",
        )
    else:
        flash(
            isolated(_("The account of %(name)s is active again."), name=user.display_name),
            "success",
        )
    return _back_to(user)


@bp.post("/accounts/<int:user_id>/resend-confirmation")
@rate_limited(key="staff")
@role_required(Role.ADMIN)
def resend_confirmation(user_id: int):
    user = _checked_action(user_id)
    outcome = services.resend_confirmation(user, actor=_actor())
    db.session.commit()
    if outcome is Outcome.DONE:
        flash(
            isolated(_("A new confirmation link was sent to %(email)s."), email=user.email),
            "success",
        )
    elif outcome is Outcome.DEACTIVATED:
        flash(
            _("This account is deactivated. Reactivate it before sending a confirmation link."),
            "error",
        )
    else:
        flash(isolated(_("%(email)s is already confirmed."), email=user.email), "info")
    return _back_to(user)
