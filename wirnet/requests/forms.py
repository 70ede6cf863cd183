"""Forms of the request pages. Labels and messages are lazy (``_l``); choices that depend on
the reader (languages, organisations, municipalities, qualifications) are set in the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from wirnet.forms import WirnetForm
from wirnet.requests.models import (
    GenderPreference,
    RequestKind,
    RequestMode,
    RequestSetting,
    RequestState,
    Urgency,
)
from wirnet.volunteers.forms import (
    CheckboxListField,
    ClockField,
    CompactSelect,
    DayField,
    WholeNumberField,
    choice_number,
)
from wirnet.volunteers.forms_coordinator import in_choices

KIND_LABELS = {
    RequestKind.LANGUAGE_MEDIATION: _l("Language mediation"),
    # Translators: support by a trained health guide (Gesundheitslotse/-lotsin).
    RequestKind.HEALTH_GUIDANCE: _l("Health guidance"),
    RequestKind.ACCOMPANIMENT: _l("Accompaniment"),
    RequestKind.OTHER: _l("Other"),
}
MODE_LABELS = {
    RequestMode.ON_SITE: _l("On site"),
    RequestMode.PHONE: _l("By phone"),
    RequestMode.VIDEO: _l("By video call"),
}
SETTING_LABELS = {
    RequestSetting.DOCTOR_HOSPITAL: _l("Doctor or hospital"),
    RequestSetting.AUTHORITY: _l("Authority"),
    RequestSetting.SCHOOL_CHILDCARE: _l("School or childcare"),
    RequestSetting.JOB_CENTRE: _l("Job centre or employment agency"),
    RequestSetting.COUNSELLING: _l("Counselling service"),
    RequestSetting.OTHER: _l("Other"),
}
STATE_LABELS = {
    RequestState.DRAFT: _l("Draft"),
    # Translators: a request waiting for a volunteer.
    RequestState.OPEN: _l("Open"),
    # Translators: a volunteer has been found for the request.
    RequestState.ASSIGNED: _l("Volunteer found"),
    # Translators: the appointment took place and the volunteers' reports are in.
    RequestState.CONFIRMED: _l("Carried out"),
    RequestState.COMPLETED: _l("Completed"),
    RequestState.CANCELLED: _l("Cancelled"),
    # Translators: a request nobody took before its time had passed.
    RequestState.EXPIRED: _l("Expired"),
}
URGENCY_LABELS = {
    Urgency.NORMAL: _l("Normal"),
    Urgency.URGENT: _l("Urgent"),
}
GENDER_PREFERENCE_LABELS = {
    "": _l("No preference"),
    GenderPreference.FEMALE: _l("A woman"),
    GenderPreference.MALE: _l("A man"),
}
#: The other language of the conversation: German, or a language the institution uses
#: instead. Names come from CLDR; the language needed has the full list.
OTHER_LANGUAGES = ("de", "en", "fr")

TIMING_FIXED = "fixed"
TIMING_FLEXIBLE = "flexible"


def _too_long(limit: int) -> Length:
    return Length(max=limit, message=_l("Use at most %(max)d characters.", max=limit))


class RequestForm(WirnetForm):
    """A new request; the edit form below leaves out what cannot change afterwards."""

    short_labels = {
        "client_consent": _l("Client's consent"),
        "short_notice_confirmed": _l("Short notice"),
    }

    organisation = SelectField(
        _l("For"),
        validate_choice=False,
        validators=[in_choices(_l("Please choose your organisation."))],
    )
    kind = RadioField(
        _l("What is needed"),
        choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
        validators=[InputRequired(message=_l("Please choose what is needed."))],
    )
    language_code = SelectField(
        _l("Language needed"),
        validators=[InputRequired(message=_l("Please choose a language."))],
        validate_choice=False,  # checked against the list in the view, with a clear message
        widget=CompactSelect(),
        description=_l("Varieties are listed too, for example Arabic (Syria) or Dari."),
    )
    other_language_code = SelectField(
        _l("Other language of the conversation"),
        default="de",
        validate_choice=False,
        validators=[InputRequired(message=_l("Please choose a language."))],
    )
    mode = RadioField(
        _l("How"),
        choices=[SelectChoice(m.value, label) for m, label in MODE_LABELS.items()],
        validators=[InputRequired(message=_l("Please choose how the help takes place."))],
    )
    setting = SelectField(
        _l("Where"),
        validate_choice=False,
        validators=[InputRequired(message=_l("Please choose where the appointment takes place."))],
        description=_l("Some appointments need a professional interpreter: they are listed last."),
    )
    timing = RadioField(
        _l("When"),
        choices=[
            SelectChoice(TIMING_FIXED, _l("On a fixed date")),
            SelectChoice(TIMING_FLEXIBLE, _l("Any time before a deadline")),
        ],
        default=TIMING_FIXED,
        validators=[InputRequired(message=_l("Please choose when."))],
    )
    day = DayField(_l("Date"), validators=[Optional()])
    starts = ClockField(_l("From"), validators=[Optional()])
    ends = ClockField(_l("Until"), validators=[Optional()])
    window_from = DayField(_l("First possible day"), validators=[Optional()])
    deadline = DayField(_l("Last possible day"), validators=[Optional()])
    repeat = SelectField(
        _l("Repeats"),
        choices=[
            SelectChoice("", _l("Only once")),
            SelectChoice("7", _l("Every week")),
            SelectChoice("14", _l("Every two weeks")),
        ],
        default="",
        validate_choice=False,
        validators=[in_choices(_l("Please choose how often it repeats."))],
        description=_l("Each date becomes a request of its own, which you can change alone."),
    )
    count = WholeNumberField(
        _l("Number of dates"),
        validators=[
            Optional(),
            NumberRange(
                min=2, max=12, message=_l("Please enter a number from %(min)d to %(max)d.")
            ),
        ],
        render_kw={"inputmode": "numeric", "min": 2, "max": 12},
    )
    municipality = SelectField(
        _l("Town or municipality"),
        coerce=choice_number,
        validate_choice=False,  # the service checks it, with a message of its own
        validators=[InputRequired(message=_l("Please choose the town or municipality."))],
    )
    address = TextAreaField(
        _l("Address"),
        validators=[Optional(), _too_long(300)],
        description=_l(
            "Needed on site. Only the centre's coordinators, your organisation and the "
            "volunteer who comes see it."
        ),
        render_kw={"rows": 2, "autocomplete": "off"},
    )
    client_ref = StringField(
        _l("Client reference"),
        validators=[
            InputRequired(message=_l("Please enter initials or a number.")),
            _too_long(40),
        ],
        description=_l(
            "Initials or your own number, for example M. K. or 2024-17. "
            "Do not enter the client's name."
        ),
        render_kw={"autocomplete": "off", "maxlength": 40},
    )
    gender_preference = RadioField(
        _l("Volunteer's gender (optional)"),
        choices=[
            SelectChoice(g.value if g else "", label)
            for g, label in GENDER_PREFERENCE_LABELS.items()
        ],
        default="",
        validators=[Optional()],
        description=_l("Only if it matters, for example at a gynaecologist."),
    )
    required_qualifications = CheckboxListField(
        _l("Qualifications required"),
        validate_choice=True,
        description=_l(
            "Health guidance always needs a verified health guide; language mediation at a "
            "doctor or hospital always needs the health mediation course. These are added "
            "for you."
        ),
    )
    volunteers_needed = WholeNumberField(
        _l("Volunteers needed"),
        default=1,
        validators=[
            InputRequired(
                message=_l("Please enter a number from %(min)d to %(max)d.", min=1, max=10)
            ),
            NumberRange(
                min=1, max=10, message=_l("Please enter a number from %(min)d to %(max)d.")
            ),
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": 10},
    )
    urgency = RadioField(
        _l("Urgency"),
        choices=[SelectChoice(u.value, label) for u, label in URGENCY_LABELS.items()],
        default=Urgency.NORMAL.value,
        validators=[InputRequired(message=_l("Please choose the urgency."))],
    )
    notes = TextAreaField(
        _l("Notes (optional)"),
        validators=[Optional(), _too_long(4000)],
        description=_l("What the volunteer should know. No names or health details."),
        render_kw={"rows": 4},
    )
    short_notice_confirmed = BooleanField(_l("Post it anyway, as urgent"))
    client_consent = BooleanField(
        _l("The client agreed that their details are passed on to the centre and a volunteer.")
    )

    def validate_setting(self, field) -> None:
        """The value must be one of the (grouped) choices set in the view."""
        values = {str(value) for value, _label, _selected, _kw in field.iter_choices()}
        if str(field.data or "") not in values:
            raise ValidationError(_l("Please choose where the appointment takes place."))


class RequestEditForm(RequestForm):
    organisation = None  # fixed once posted
    repeat = None  # each date of a series is changed alone
    count = None
    client_consent = None  # recorded when it was posted


class CancelForm(WirnetForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            InputRequired(message=_l("Please give a reason for the cancellation.")),
            _too_long(500),
        ],
        render_kw={"rows": 2},
    )


class ActionForm(WirnetForm):
    """A button that changes something: only the CSRF token."""


class BoardForm(WirnetForm):
    """The filters above the coordinator board: a GET form (no CSRF token), so that a
    filtered board is a link. Choices that come from the database are set per request."""

    class Meta:
        csrf = False

    state = SelectField(
        _l("State"),
        choices=[
            SelectChoice("", _l("Any state")),
            *(SelectChoice(s.value, label) for s, label in STATE_LABELS.items()),
        ],
        default="",
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed states."))],
    )
    kind = SelectField(
        _l("What is needed"),
        choices=[
            SelectChoice("", _l("Anything")),
            *(SelectChoice(k.value, label) for k, label in KIND_LABELS.items()),
        ],
        default="",
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed kinds."))],
    )
    language = SelectField(
        _l("Language"),
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed languages."))],
    )
    municipality = SelectField(
        _l("Town or municipality"),
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed places."))],
    )
    organisation = SelectField(
        _l("Organisation"),
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed organisations."))],
    )
    date_from = DayField(_l("From"), validators=[Optional()])
    date_to = DayField(_l("Until"), validators=[Optional()])
    urgent = BooleanField(_l("Only urgent and short-notice requests"))


class StateFilterForm(WirnetForm):
    """The state filter above an organisation's own list (GET)."""

    class Meta:
        csrf = False

    state = SelectField(
        _l("State"),
        choices=[
            SelectChoice("", _l("Any state")),
            *(SelectChoice(s.value, label) for s, label in STATE_LABELS.items()),
        ],
        default="",
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed states."))],
    )


class ConfirmForm(WirnetForm):
    """The organisation (or a coordinator) confirms that a carried-out request is done."""

    feedback = TextAreaField(
        _l("Feedback (optional)"),
        validators=[Optional(), _too_long(2000)],
        description=_l(
            "How did it go? Only the centre reads it. No names or health details, please."
        ),
        render_kw={"rows": 3},
    )
