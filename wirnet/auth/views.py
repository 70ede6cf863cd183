"""Thin views: form → service → flash/redirect or render; one commit per request."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from wirnet.auth import bp, services
from wirnet.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    ResetAndClaimForm,
    ResetPasswordForm,
    SignupForm,
)
from wirnet.bidi import isolated
from wirnet.extensions import db
from wirnet.i18n import remember_locale, select_locale, switcher_choices
from wirnet.ratelimit import count_attempt, rate_limited
from wirnet.security import renew_csrf_token, safe_next, start_session


@bp.route("/signup", methods=["GET", "POST"])
@rate_limited
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignupForm()
    form.locale.choices = switcher_choices()
    if request.method == "GET":
        form.locale.data = select_locale()
    if form.validate_on_submit():
        services.sign_up(
            services.SignupData(
                display_name=form.display_name.data,
                email=form.email.data,
                password=form.password.data,
                locale=form.locale.data,
            ),
            notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
        )
        db.session.commit()
        return remember_locale(redirect(url_for("auth.signup_sent")), form.locale.data)
    return render_template("auth/signup.html", form=form), 200 if not form.errors else 422


@bp.get("/signup/sent")
def signup_sent():
    return render_template("auth/signup_sent.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    # The link only opens a page; the button posts. Mail scanners that follow links
    # therefore confirm nothing, and no GET changes data.
    form = ConfirmForm()
    if not services.check_confirm_token(token):
        return render_template("auth/link_invalid.html"), 400
    if form.validate_on_submit():
        result = services.confirm_email(token)
        db.session.commit()
        if result is services.ConfirmResult.INVALID:
            return render_template("auth/link_invalid.html"), 400
        if result is services.ConfirmResult.CONFIRMED and current_user.is_authenticated:
            flash(_("Thank you, your e-mail address is confirmed."), "success")
        elif result is services.ConfirmResult.CONFIRMED:
            flash(_("Thank you, your e-mail address is confirmed. You can log in now."), "success")
        else:
            flash(_("Your e-mail address was already confirmed."), "info")
        return redirect(url_for("main.home" if current_user.is_authenticated else "auth.login"))
    return render_template("auth/confirm_email.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@rate_limited(count="attempts")  # only failures count: strangers cannot lock the owner out
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data, url_for("main.home")))
    if form.validate_on_submit():
        outcome, user = services.authenticate(form.email.data, form.password.data)
        if outcome is services.LoginOutcome.OK:
            services.record_login(user)
            db.session.commit()
            login_user(user, remember=form.remember.data)
            start_session(remember=form.remember.data)
            renew_csrf_token()
            # The pages from now on follow the account's language, so the greeting does too.
            with force_locale(user.locale):
                flash(isolated(_("Welcome, %(name)s."), name=user.display_name), "success")
            target = redirect(safe_next(form.next.data, url_for("main.home")))
            return remember_locale(target, user.locale)
        db.session.commit()  # a rehash or a new confirmation mail
        count_attempt()
        if outcome is services.LoginOutcome.UNCONFIRMED:
            flash(
                _(
                    "Please confirm your e-mail address first. We have sent you a new "
                    "confirmation link."
                ),
                "warning",
            )
        else:
            flash(_("The e-mail address or password is not correct."), "error")
        form.password.data = ""
        return render_template("auth/login.html", form=form), 401
    status = 200 if not form.errors else 422
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    services.log_out(current_user._get_current_object())
    db.session.commit()
    logout_user()
    renew_csrf_token()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/forgot", methods=["GET", "POST"])
@rate_limited
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            isolated(
                _(
                    "If an account exists for %(email)s, we have sent it a link to choose a "
                    "new password. Please check your inbox."
                ),
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    status = 200 if not form.errors else 422
    return render_template("auth/forgot_password.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        return render_template("auth/link_invalid.html"), 400
    # An account never confirmed may have been opened by someone else with this address:
    # the owner gives their own name, language and consent (nothing of the stranger's shown).
    claim = not user.email_confirmed
    form = ResetAndClaimForm() if claim else ResetPasswordForm()
    if claim:
        form.locale.choices = switcher_choices()
        if request.method == "GET":
            form.locale.data = select_locale()
    if form.validate_on_submit():
        owner = None
        if claim:
            owner = services.OwnerDetails(
                display_name=form.display_name.data,
                locale=form.locale.data,
                notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
            )
        services.reset_password(user, form.password.data, owner)
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
            renew_csrf_token()
        flash(_("Your new password is set. Please log in with it."), "success")
        response = redirect(url_for("auth.login"))
        return remember_locale(response, owner.locale) if owner else response
    status = 200 if not form.errors else 422
    return render_template("auth/reset_password.html", form=form, claim=claim), status


def _account_forms():
    profile = ProfileForm(prefix="profile", obj=current_user)
    profile.locale.choices = switcher_choices()
    return {
        "profile_form": profile,
        "password_form": ChangePasswordForm(prefix="password"),
        "email_form": ChangeEmailForm(prefix="email"),
    }


@bp.get("/account")
@login_required
def account():
    return render_template("auth/account.html", **_account_forms())


@bp.post("/account/profile")
@login_required
def update_profile():
    forms = _account_forms()
    form = forms["profile_form"]
    if form.validate_on_submit():
        services.update_profile(current_user, form.display_name.data, form.locale.data)
        db.session.commit()
        with force_locale(form.locale.data):
            flash(_("Your settings are saved."), "success")
        return remember_locale(redirect(url_for("auth.account")), form.locale.data)
    return render_template("auth/account.html", **forms), 422


@bp.post("/account/password")
@rate_limited(key="user", count="attempts")
@login_required
def change_password():
    forms = _account_forms()
    form = forms["password_form"]
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if services.change_password(user, form.current_password.data, form.password.data):
            db.session.commit()
            # The token was rotated: other devices are logged out, this one stays in.
            login_user(user)
            start_session(remember=False)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
        count_attempt()
        form.current_password.errors.append(_("The current password is not correct."))
    return render_template("auth/account.html", **forms), 422


@bp.post("/account/email")
@rate_limited(key="user", count="attempts")
@login_required
def change_email():
    forms = _account_forms()
    form = forms["email_form"]
    if form.validate_on_submit():
        count_attempt()  # a wrong password, or an e-mail sent
        if services.request_email_change(
            current_user, form.current_password.data, form.new_email.data
        ):
            db.session.commit()
            flash(
                isolated(
                    _(
                        "We have sent a confirmation link to %(email)s. Your address changes "
                        "when you follow it."
                    ),
                    email=form.new_email.data,
                ),
                "info",
            )
            return redirect(url_for("auth.account"))
        form.current_password.errors.append(_("The current password is not correct."))
    return render_template("auth/account.html", **forms), 422


@bp.route("/email/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    found = services.user_for_email_change_token(token)
    if found is None:
        return render_template("auth/link_invalid.html"), 400
    user, new_email = found
    form = ConfirmForm()
    if form.validate_on_submit():
        if not services.confirm_email_change(user, new_email):
            flash(_("This address is already used by another account."), "error")
            return redirect(url_for("main.index"))
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        flash(
            isolated(_("Your e-mail address is now %(email)s. Please log in."), email=new_email),
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/confirm_email_change.html", form=form, new_email=new_email)
