"""Forms of the account pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from wirnet.auth import passwords
from wirnet.auth.models import normalize_email
from wirnet.forms import WirnetForm

PASSWORD_PROBLEMS = {
    passwords.Problem.TOO_SHORT: _l("Use at least %(min)d characters.", min=passwords.MIN_LENGTH),
    passwords.Problem.TOO_LONG: _l("Use at most %(max)d characters.", max=passwords.MAX_LENGTH),
    passwords.Problem.TOO_COMMON: _l(
        "This password is one of the most common ones and easy to guess. Choose another."
    ),
}


def _password_policy(form, field) -> None:
    problem = passwords.policy_problem(field.data or "")
    if problem is not None:
        raise ValidationError(PASSWORD_PROBLEMS[problem])


def _too_long(limit: int):
    return Length(max=limit, message=_l("Use at most %(max)d characters.", max=limit))


def _fits_when_normalised(form, field) -> None:
    """The stored form of an address (see ``normalize_email``) must fit its column too."""
    if len(normalize_email(field.data or "")) > 254:
        raise ValidationError(_l("Use at most %(max)d characters.", max=254))


def _email_field(label) -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired(message=_l("Please enter your e-mail address.")),
            _too_long(254),
            Email(message=_l("Please enter a valid e-mail address, such as name@example.org.")),
            _fits_when_normalised,
        ],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )


def _new_password_fields(label=None):
    password = PasswordField(
        label or _l("Password"),
        validators=[DataRequired(message=_l("Please choose a password.")), _password_policy],
        description=_l(
            "At least %(min)d characters. A sentence you can remember works well.",
            min=passwords.MIN_LENGTH,
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(message=_l("Please repeat the password.")),
            EqualTo("password", message=_l("The two passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class SignupForm(WirnetForm):
    #: Names for the error summary where the label is a whole sentence.
    short_labels = {"privacy_consent": _l("Privacy notice")}

    display_name = StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Please enter your name.")), _too_long(120)],
        description=_l("How the centre and other volunteers will address you."),
        render_kw={"autocomplete": "name"},
    )
    email = _email_field(_l("E-mail address"))
    password, password_confirm = _new_password_fields()
    locale = SelectField(_l("Preferred language"), choices=[])
    privacy_consent = BooleanField(
        _l("I have read the privacy notice and agree that my data is processed as described."),
        validators=[DataRequired(message=_l("Please agree to the privacy notice to sign up."))],
    )


class LoginForm(WirnetForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(message=_l("Please enter your e-mail address."))],
        render_kw={"autocomplete": "username", "inputmode": "email"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Please enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Stay logged in on this device for 30 days"))
    next = HiddenField()


class ForgotPasswordForm(WirnetForm):
    email = _email_field(_l("E-mail address"))


class ResetPasswordForm(WirnetForm):
    password, password_confirm = _new_password_fields(_l("New password"))


class ResetAndClaimForm(ResetPasswordForm):
    """The reset form of an account that was never confirmed.

    Anyone can sign up with someone else's address. The owner who follows a reset link
    proves the address is theirs, so they give their own name, language and consent here,
    instead of taking over what the stranger entered.
    """

    short_labels = SignupForm.short_labels
    display_name = SignupForm.display_name
    locale = SignupForm.locale
    privacy_consent = BooleanField(
        _l("I have read the privacy notice and agree that my data is processed as described."),
        validators=[
            DataRequired(message=_l("Please agree to the privacy notice to use your account."))
        ],
    )


class ConfirmForm(WirnetForm):
    """A form with only its CSRF token: the button behind a link from an e-mail."""


class ProfileForm(WirnetForm):
    display_name = StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Please enter your name.")), _too_long(120)],
        render_kw={"autocomplete": "name"},
    )
    locale = SelectField(_l("Preferred language"), choices=[])


class ChangePasswordForm(WirnetForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Please enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    password, password_confirm = _new_password_fields(_l("New password"))


class ChangeEmailForm(WirnetForm):
    new_email = _email_field(_l("New e-mail address"))
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Please enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
