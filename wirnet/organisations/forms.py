"""Forms of the organisation pages. Labels and messages are lazy (``_l``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from wirnet.auth.forms import ResetAndClaimForm, SignupForm
from wirnet.forms import WirnetForm
from wirnet.organisations.models import OrganisationKind, OrganisationStatus
from wirnet.volunteers.forms import PHONE_PATTERN, choice_number
from wirnet.volunteers.forms_coordinator import in_choices

K = OrganisationKind
S = OrganisationStatus

KIND_LABELS = {
    K.MIGRANT_ORGANISATION: _l("Migrant organisation"),
    K.ASSOCIATION: _l("Other association"),
    K.PUBLIC_SERVICE: _l("Public service"),
    K.SCHOOL_CHILDCARE: _l("School or childcare"),
    K.EMPLOYER: _l("Employer"),
    K.OTHER: _l("Other"),
}

STATUS_LABELS = {
    # Translators: an organisation waiting for the centre's approval.
    S.PENDING: _l("Waiting for approval"),
    S.APPROVED: _l("Approved"),
    S.DECLINED: _l("Declined"),
    S.DEACTIVATED: _l("Deactivated"),
}

NAME_MAX = 160
DESCRIPTION_MAX = 5000
NOTE_MAX = 2000
SEARCH_MAX = 100


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value.value, label) for value, label in labels.items()]


def _too_long(limit: int) -> Length:
    return Length(max=limit, message=_l("Use at most %(max)d characters.", max=limit))


def _email(label, required_message=None, description=None) -> EmailField:
    first = DataRequired(message=required_message) if required_message else Optional()
    return EmailField(
        label,
        validators=[
            first,
            _too_long(254),
            Email(message=_l("Please enter a valid e-mail address, such as name@example.org.")),
        ],
        description=description,
        render_kw={"inputmode": "email"},
    )


class OrganisationForm(WirnetForm):
    """The organisation's details: registration, a coordinator's entry, editing."""

    name = StringField(
        _l("Name of the organisation"),
        validators=[
            DataRequired(message=_l("Please enter the name of the organisation.")),
            _too_long(NAME_MAX),
        ],
        render_kw={"autocomplete": "organization"},
    )
    kind = SelectField(
        _l("Kind of organisation"),
        choices=[SelectChoice("", _l("Please choose")), *_choices(KIND_LABELS)],
        validate_choice=False,
        validators=[
            InputRequired(message=_l("Please choose the kind of organisation.")),
            in_choices(_l("Please choose the kind of organisation.")),
        ],
    )
    municipality = SelectField(
        _l("Town or municipality"),
        coerce=choice_number,
        validate_choice=False,  # the service checks it against the region, with a message
        validators=[InputRequired(message=_l("Please choose the town or municipality."))],
        description=_l("Where the organisation is, or where it mostly works."),
    )
    description = TextAreaField(
        _l("About the organisation (optional)"),
        validators=[Optional(), _too_long(DESCRIPTION_MAX)],
        description=_l("What the organisation does and for whom, in a few sentences."),
        render_kw={"rows": 5},
    )
    contact_name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Please enter the name of the contact person.")),
            _too_long(120),
        ],
        description=_l("Whom the centre can ask about the organisation."),
        render_kw={"autocomplete": "name"},
    )
    contact_phone = TelField(
        _l("Phone (optional)"),
        validators=[
            Optional(),
            _too_long(40),
            Regexp(
                PHONE_PATTERN,
                message=_l(
                    "Please use only digits, spaces and the signs + / - ( ), "
                    "for example +49 561 123456."
                ),
            ),
        ],
        render_kw={"autocomplete": "tel", "dir": "ltr"},
    )
    contact_email = _email(_l("E-mail address (optional)"))


def _after(unbound):
    """A copy of a field of another form, ordered after this form's own fields (the error
    summary lists the fields in the order of the page)."""
    return unbound.field_class(*unbound.args, **unbound.kwargs)


class RegisterWithAccountForm(OrganisationForm):
    """A visitor registers an organisation and opens their account: the sign-up fields."""

    short_labels = SignupForm.short_labels
    display_name = _after(SignupForm.display_name)
    email = _after(SignupForm.email)
    password = _after(SignupForm.password)
    password_confirm = _after(SignupForm.password_confirm)
    locale = _after(SignupForm.locale)
    privacy_consent = _after(SignupForm.privacy_consent)


class DecisionForm(WirnetForm):
    note = TextAreaField(
        _l("Message to the organisation (optional)"),
        validators=[Optional(), _too_long(NOTE_MAX)],
        description=_l("It goes into the e-mail to the organisation's admins."),
        render_kw={"rows": 3},
    )


class DeclineForm(WirnetForm):
    note = TextAreaField(
        _l("Why the organisation is declined"),
        validators=[
            DataRequired(message=_l("Please say why, for the organisation's admins.")),
            _too_long(NOTE_MAX),
        ],
        description=_l("It goes into the e-mail to the organisation's admins."),
        render_kw={"rows": 3},
    )


def _invitation_locale() -> SelectField:
    """The language of an invitation e-mail to an address without an account (choices and
    the reader's language as the default are set per request); empty: the reader's."""
    return SelectField(
        _l("Language of the invitation e-mail"),
        choices=[],
        validate_choice=False,
        validators=[Optional(), in_choices(_l("Please choose one of the listed languages."))],
        description=_l(
            "If the address already has a WIRnet account, the e-mail is in that account's language."
        ),
    )


class InviteForm(WirnetForm):
    email = _email(
        _l("E-mail address of the new member"),
        required_message=_l("Please enter the e-mail address of the person you invite."),
    )
    locale = _invitation_locale()


class CreateForm(OrganisationForm):
    """A coordinator enters an organisation; optionally its first org admin is invited."""

    admin_email = _email(
        _l("Invite its first admin (optional)"),
        description=_l(
            "The e-mail address of the person who will manage the organisation in WIRnet."
        ),
    )
    admin_locale = _invitation_locale()


class JoinWithAccountForm(ResetAndClaimForm):
    """The invited person opens their account: name, language, password, consent."""


class ActionForm(WirnetForm):
    """Only the CSRF token: a button that changes something."""


class OrganisationSearchForm(WirnetForm):
    """The filters above the coordinators' list: a GET form, so a filtered list is a link."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name"),
        validators=[_too_long(SEARCH_MAX)],
        description=_l("A part of the name is enough."),
        render_kw={"type": "search", "autocomplete": "off"},
    )
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Any status")), *_choices(STATUS_LABELS)],
        validate_choice=False,
        validators=[Optional(), in_choices(_l("Please choose a status from the list."))],
    )
    kind = SelectField(
        _l("Kind of organisation"),
        choices=[SelectChoice("", _l("Any kind")), *_choices(KIND_LABELS)],
        validate_choice=False,
        validators=[Optional(), in_choices(_l("Please choose a kind from the list."))],
    )
    municipality = SelectField(
        _l("Town or municipality"),
        validate_choice=False,
        validators=[Optional(), in_choices(_l("Please choose a municipality from the list."))],
    )
