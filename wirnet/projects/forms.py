"""Forms of the project pages. Labels and messages are lazy (``_l``): the forms are built
at import time and shown in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from wirnet.forms import WirnetForm
from wirnet.projects.models import ParticipationState, ProjectState
from wirnet.projects.services import MAX_PLACES, TITLE_MAX
from wirnet.volunteers.forms import (
    TOPIC_LABELS,
    CheckboxListField,
    CompactSelect,
    DayField,
    WholeNumberField,
    choice_number,
)
from wirnet.volunteers.forms_coordinator import in_choices

#: One project state, as a word.
STATE_LABELS = {
    # Translators: a project that has not started yet.
    ProjectState.PLANNED: _l("Planned"),
    # Translators: a project that is taking place now.
    ProjectState.RUNNING: _l("Running"),
    ProjectState.FINISHED: _l("Finished"),
}

#: The button that moves a project to that state.
STATE_ACTIONS = {
    ProjectState.RUNNING: _l("Start the project"),
    ProjectState.FINISHED: _l("End the project"),
}

#: One application's state, as a word.
APPLICATION_LABELS = {
    # Translators: the state of a volunteer's application for a role in a project.
    ParticipationState.APPLIED: _l("Waiting for an answer"),
    ParticipationState.ACCEPTED: _l("Accepted"),
    ParticipationState.DECLINED: _l("Declined"),
    ParticipationState.WITHDRAWN: _l("Withdrawn"),
}

MESSAGE_MAX = 500


def _too_long(limit: int) -> Length:
    return Length(max=limit, message=_l("Use at most %(max)d characters.", max=limit))


class ProjectForm(WirnetForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Please enter a title.")), _too_long(TITLE_MAX)],
        description=_l("For example: Language café in Baunatal."),
    )
    municipality = SelectField(
        _l("Town or municipality"),
        coerce=choice_number,
        validate_choice=False,  # the service checks it, with a message of its own
        validators=[InputRequired(message=_l("Please choose a town or municipality."))],
    )
    partner = SelectField(
        _l("Partner organisation"),
        coerce=choice_number,
        validate_choice=False,  # the service checks it, with a message of its own
    )
    description = TextAreaField(
        _l("Description (optional)"),
        validators=[Optional(), _too_long(5000)],
        description=_l("What the project is about, where it takes place, whom it is for."),
        render_kw={"rows": 6},
    )
    starts_on = DayField(
        _l("Start"),
        validators=[InputRequired(message=_l("Please enter the date, for example 2025-03-14."))],
    )
    ends_on = DayField(
        _l("End (optional)"),
        validators=[Optional()],
        description=_l("Leave it empty if the project has no fixed end."),
    )


class RoleForm(WirnetForm):
    title = StringField(
        _l("What is needed"),
        validators=[
            DataRequired(message=_l("Please say what is needed.")),
            _too_long(TITLE_MAX),
        ],
        description=_l("For example: Arabic speakers for the language café."),
    )
    description = TextAreaField(
        _l("When and what (optional)"),
        validators=[Optional(), _too_long(1000)],
        description=_l("For example: Thursdays 16:00 to 18:00, in the town library."),
        render_kw={"rows": 3},
    )
    places = WholeNumberField(
        _l("Number of places"),
        validators=[
            InputRequired(message=_l("Please enter the number of places.")),
            NumberRange(
                min=1, max=MAX_PLACES, message=_l("Please enter a number from %(min)d to %(max)d.")
            ),
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_PLACES},
    )
    languages = SelectMultipleField(
        _l("Languages (optional)"),
        validate_choice=False,  # the view checks each against the list, with a clear message
        widget=CompactSelect(multiple=True),
        description=_l(
            "Varieties are listed too, for example Arabic (Syria) or Dari. To choose several "
            "on a computer, hold down the Ctrl key."
        ),
        render_kw={"size": 8},
    )
    topics = CheckboxListField(
        _l("Topics (optional)"),
        choices=[SelectChoice(t.value, label) for t, label in TOPIC_LABELS.items()],
        validate_choice=True,
    )


class ApplyForm(WirnetForm):
    message = TextAreaField(
        _l("A short message (optional)"),
        validators=[Optional(), _too_long(MESSAGE_MAX)],
        description=_l("For example, why you are interested or when you can come."),
        render_kw={"rows": 3},
    )


class StateForm(WirnetForm):
    """One button per allowed next state; the service refuses any other."""

    state = HiddenField()


class BrowseForm(WirnetForm):
    """The filters above the project list: a GET form (no CSRF token), so that a filtered
    list is a link. The choices are set per request."""

    class Meta:
        csrf = False

    municipality = SelectField(
        _l("Town or municipality"),
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed towns."))],
    )
    topic = SelectField(
        _l("Topic"),
        choices=[
            SelectChoice("", _l("Any topic")),
            *(SelectChoice(t.value, label) for t, label in TOPIC_LABELS.items()),
        ],
        default="",
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed topics."))],
    )
    language = SelectField(
        _l("Language"),
        validate_choice=False,
        validators=[in_choices(_l("Please choose one of the listed languages."))],
    )
    #: Shown to those who run projects only.
    finished = BooleanField(_l("Finished projects instead of open ones"))


class ActionForm(WirnetForm):
    """A button that changes something: only the CSRF token."""
