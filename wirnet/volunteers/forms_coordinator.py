"""Forms of the coordinators' volunteer pages. Labels and messages are lazy (``_l``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from wirnet.forms import WirnetForm
from wirnet.volunteers.coordination import Sort
from wirnet.volunteers.forms import LEVEL_LABELS, DayField
from wirnet.volunteers.models import VolunteerStatus

S = VolunteerStatus

#: One status, as a word in a table cell.
STATUS_LABELS = {
    # Translators: a volunteer who signed up and has not been taken on yet.
    S.APPLICANT: _l("Applicant"),
    # Translators: a volunteer the centre can send out.
    S.ACTIVE: _l("Active"),
    S.PAUSED: _l("Paused"),
    # Translators: a volunteer who no longer helps with the centre.
    S.LEFT: _l("Left"),
}

#: The button that moves a volunteer to that status.
STATUS_ACTIONS = {
    S.APPLICANT: _l("Take back as applicant"),
    S.ACTIVE: _l("Set active"),
    S.PAUSED: _l("Pause"),
    S.LEFT: _l("Mark as left"),
}

SORT_LABELS = {
    Sort.NAME: _l("Name"),
    Sort.MUNICIPALITY: _l("Town or municipality"),
    Sort.STATUS: _l("Status"),
    Sort.NEWEST: _l("Newest first"),
}

SEARCH_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 5000


def in_choices(message):
    """The value must be one of the field's choices (set per request); else ``message``."""

    def check(form, field) -> None:
        values = {
            str(choice.value if isinstance(choice, SelectChoice) else choice[0])
            for choice in field.choices
        }
        if str(field.data or "") not in values:
            raise ValidationError(message)

    return check


def _too_long(limit: int) -> Length:
    return Length(max=limit, message=_l("Use at most %(max)d characters.", max=limit))


class VolunteerSearchForm(WirnetForm):
    """The filters above the volunteer list: a GET form (no CSRF token), so that a filtered
    list is a link. Language, qualification, municipality and weekday choices are set per
    request (from the database and in the reader's language)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name"),
        validators=[_too_long(SEARCH_MAX_LENGTH)],
        description=_l("A part of the name is enough."),
        render_kw={"type": "search", "autocomplete": "off"},
    )
    language = SelectField(
        _l("Language"),
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed languages."))],
    )
    level = SelectField(
        _l("At least at level"),
        choices=[
            SelectChoice("", _l("Any level")),
            *(SelectChoice(level.value, label) for level, label in LEVEL_LABELS.items()),
        ],
        default="",
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed levels."))],
    )
    qualification = SelectField(
        _l("Holds the qualification"),
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed qualifications."))],
    )
    municipality = SelectField(
        _l("Town or municipality"),
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed towns."))],
    )
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("Any status")),
            *(SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()),
        ],
        default="",
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed statuses."))],
    )
    weekday = SelectField(
        _l("Available on"),
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed days."))],
    )
    waiting = BooleanField(_l("Only with qualifications waiting for verification"))
    sort = SelectField(
        _l("Sort by"),
        choices=[SelectChoice(s.value, label) for s, label in SORT_LABELS.items()],
        default=Sort.NAME.value,
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed orders."))],
    )


class StatusForm(WirnetForm):
    """A status button; a pause may carry an end date."""

    status = StringField(
        _l("New status"),
        validators=[
            InputRequired(message=_l("Please choose a status.")),
            in_choices(_l("Please choose one of the listed statuses.")),
        ],
    )
    until = DayField(
        _l("Paused until (optional)"),
        validators=[Optional()],
        description=_l("From this day on the volunteer is active again."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()]


class NoteForm(WirnetForm):
    text = TextAreaField(
        _l("New note"),
        validators=[
            DataRequired(message=_l("Please write the note.")),
            _too_long(NOTE_MAX_LENGTH),
        ],
        render_kw={"rows": 4},
    )


class EvidenceForm(WirnetForm):
    """That a certificate was seen: when, and the date on it. WIRnet keeps no copy."""

    seen_on = DayField(
        _l("Seen on"),
        validators=[InputRequired(message=_l("Please enter the day you saw the certificate."))],
    )
    dated = DayField(
        _l("Date on the certificate (optional)"),
        validators=[Optional()],
    )


class PoliceEvidenceForm(EvidenceForm):
    """The police clearance certificate: seen, its date, and whether it holds a relevant
    entry — nothing else (§ 72a (5) SGB VIII)."""

    relevant_entry = RadioField(
        _l("Does it hold a relevant entry?"),
        choices=[
            SelectChoice("no", _l("No relevant entry")),
            SelectChoice("yes", _l("Yes, it holds a relevant entry")),
        ],
        validators=[InputRequired(message=_l("Please say whether it holds a relevant entry."))],
        description=_l("Record nothing else from the certificate."),
    )


class VerifyForm(WirnetForm):
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Optional(), _too_long(NOTE_MAX_LENGTH)],
        render_kw={"rows": 2},
    )


class RejectForm(WirnetForm):
    note = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Please say why it is rejected.")),
            _too_long(NOTE_MAX_LENGTH),
        ],
        description=_l("For example: the certificate is for another course."),
        render_kw={"rows": 2},
    )


class ActionForm(WirnetForm):
    """A button that changes something: only the CSRF token."""
