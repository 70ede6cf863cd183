"""Forms of the administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from wirnet.admin.services import AccountState
from wirnet.forms import WirnetForm
from wirnet.roles import Role

#: One role, as a word in a sentence or a table cell.
ROLE_LABELS = {
    Role.VOLUNTEER: _l("Volunteer"),
    Role.ORG_MEMBER: _l("Organisation member"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.ADMIN: _l("Administrator"),
}

STATE_LABELS = {
    # Translators: an account whose e-mail address is not confirmed yet.
    AccountState.UNCONFIRMED: _l("Unconfirmed"),
    # Translators: an account that can be used (confirmed and not deactivated).
    AccountState.ACTIVE: _l("Active"),
    AccountState.DEACTIVATED: _l("Deactivated"),
}

SEARCH_MAX_LENGTH = 100


def _one_of(values: set[str], message):
    def check(form, field) -> None:
        if field.data not in values:
            raise ValidationError(message)

    return check


class AccountSearchForm(WirnetForm):
    """The filters above the accounts list: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name or e-mail address"),
        validators=[
            Length(
                max=SEARCH_MAX_LENGTH,
                message=_l("Use at most %(max)d characters.", max=SEARCH_MAX_LENGTH),
            )
        ],
        description=_l("A part of the name or address is enough."),
        render_kw={"type": "search", "autocomplete": "off"},
    )
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("", _l("All roles")),
            *(SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()),
        ],
        default="",
        validate_choice=False,
        validators=[_one_of({"", *Role}, _l("Please choose one of the listed roles."))],
    )
    state = SelectField(
        # Translators: the state of an account (unconfirmed, active, deactivated), as in
        # "Status"; not a country or a German Land.
        _l("State"),
        choices=[
            SelectChoice("", _l("All states")),
            *(SelectChoice(s.value, label) for s, label in STATE_LABELS.items()),
        ],
        default="",
        validate_choice=False,
        validators=[_one_of({"", *AccountState}, _l("Please choose one of the listed states."))],
    )


class RoleForm(WirnetForm):
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()],
        validate_choice=False,
        validators=[
            DataRequired(message=_l("Please choose a role.")),
            _one_of(set(Role), _l("Please choose one of the listed roles.")),
        ],
    )


class ActionForm(WirnetForm):
    """A button that changes something: only the CSRF token."""
