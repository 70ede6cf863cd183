"""Forms of the volunteer's own pages. Labels and messages are lazy (``_l``): the forms are
built at import time and shown in the reader's language."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget, Select, html_params

from wirnet.forms import WirnetForm
from wirnet.volunteers.models import (
    Gender,
    LanguageLevel,
    MediationMode,
    MediationSetting,
    Mobility,
    Topic,
)

#: Words for the stored values, shared by the forms and the pages that show them.
MOBILITY_LABELS = {
    Mobility.FOOT: _l("On foot"),
    Mobility.BICYCLE: _l("Bicycle"),
    Mobility.PUBLIC_TRANSPORT: _l("Bus and train"),
    Mobility.CAR: _l("Car"),
}
TOPIC_LABELS = {
    Topic.LANGUAGE_MEDIATION: _l("Language mediation (interpreting)"),
    Topic.HEALTH: _l("Health"),
    Topic.AUTHORITIES: _l("Going with people to authorities"),
    Topic.SCHOOL_CHILDCARE: _l("School and childcare"),
    Topic.WORK_JOBS: _l("Work and jobs"),
    Topic.LEISURE_SPORT: _l("Leisure and sport"),
    Topic.PROJECTS: _l("Projects in your town"),
}
GENDER_LABELS = {
    "": _l("No answer"),
    Gender.FEMALE: _l("Female"),
    Gender.MALE: _l("Male"),
    Gender.DIVERSE: _l("Diverse"),
}
LEVEL_LABELS = {
    LanguageLevel.NATIVE: _l("Native language"),
    LanguageLevel.C2: "C2",
    LanguageLevel.C1: "C1",
    LanguageLevel.B2: "B2",
    LanguageLevel.B1: "B1",
    LanguageLevel.A2: "A2",
    LanguageLevel.A1: "A1",
}
LEVEL_HINTS = {
    LanguageLevel.NATIVE: _l("Your first language, or one you grew up speaking."),
    LanguageLevel.C2: _l("You understand practically everything and say exactly what you mean."),
    LanguageLevel.C1: _l(
        "You speak fluently, also about difficult things such as health or official letters."
    ),
    LanguageLevel.B2: _l(
        "You can talk with native speakers without much effort and explain your view."
    ),
    LanguageLevel.B1: _l("You can handle everyday situations and talk about familiar topics."),
    LanguageLevel.A2: _l("You can talk about simple, familiar things in short sentences."),
    LanguageLevel.A1: _l("You know some words and very simple sentences."),
}
MODE_LABELS = {
    MediationMode.ON_SITE: _l("On site"),
    MediationMode.PHONE: _l("By phone"),
    MediationMode.VIDEO: _l("By video call"),
}
SETTING_LABELS = {
    MediationSetting.HEALTH: _l("Health (doctor, hospital)"),
    MediationSetting.AUTHORITIES: _l("Authorities"),
    MediationSetting.SCHOOL_CHILDCARE: _l("School and childcare"),
    MediationSetting.WORK: _l("Work"),
    MediationSetting.EVERYDAY: _l("Everyday life"),
}


def choice_number(value):
    """A choice's number; None when none was chosen, -1 (no choice) for anything else."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class _Parsed:
    """A field whose text must parse (a date, a time, a number): our own message if not."""

    invalid_message = _l("Please check this entry.")

    def process_formdata(self, valuelist):
        if not valuelist or not "".join(valuelist).strip():
            self.data = None  # empty: the field's required or optional rule decides
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(self.invalid_message) from None


class DayField(_Parsed, DateField):
    invalid_message = _l("Please enter a valid date, for example 2025-03-14.")


class ClockField(_Parsed, TimeField):
    invalid_message = _l("Please enter a valid time, for example 09:30.")


class WholeNumberField(_Parsed, IntegerField):
    invalid_message = _l("Please enter a whole number.")


class CompactSelect(Select):
    """A select of hundreds of options (every language): each option without its end tag,
    which HTML lets one omit, and a plain value without quotes, so that the page stays
    light on a phone (the Arabic list is some 7 KB smaller)."""

    PLAIN = re.compile(r"[A-Za-z0-9-]+")

    @classmethod
    def render_option(cls, choice, **kwargs):
        value = str(choice.value)
        if cls.PLAIN.fullmatch(value):
            params = Markup("value={}").format(value)
        else:
            params = Markup(html_params(value=value))  # noqa: S704 (html_params escapes)
        if choice.selected:
            params += Markup(" selected")
        return Markup("<option {}>{}").format(params, choice.label or value)


class CheckboxListField(SelectMultipleField):
    """Several checkboxes, each with its own label; the template renders them one by one."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _too_long(limit: int) -> Length:
    return Length(max=limit, message=_l("Use at most %(max)d characters.", max=limit))


#: Digits, spaces, +, /, - and brackets: "+49 561 123-45", "(0561) 12 34 / 5".
PHONE_PATTERN = r"^[0-9 +/()\-]*$"


class ProfileForm(WirnetForm):
    display_name = StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Please enter your name.")), _too_long(120)],
        description=_l("How the centre and other volunteers will address you."),
        render_kw={"autocomplete": "name"},
    )
    phone = TelField(
        _l("Phone number (optional)"),
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
        description=_l(
            "The centre's coordinators see it; organisations only if you allow it below."
        ),
        render_kw={"autocomplete": "tel", "dir": "ltr"},
    )
    share_phone = BooleanField(
        _l("Organisations I am booked for may see my phone number"),
        description=_l(
            "Only for the appointments you are booked for, so that they can reach you if "
            "something changes. They never see your e-mail address."
        ),
    )
    municipality = SelectField(
        _l("Where you live"),
        coerce=choice_number,
        validate_choice=False,  # the service checks it, with a message of its own
        validators=[InputRequired(message=_l("Please choose your town or municipality."))],
        description=_l("Your town or municipality in the county."),
    )
    mobility = RadioField(
        _l("How you usually get around"),
        choices=[SelectChoice(m.value, label) for m, label in MOBILITY_LABELS.items()],
        validators=[InputRequired(message=_l("Please say how you get around."))],
    )
    max_distance_km = WholeNumberField(
        _l("How far you will travel (km)"),
        validators=[
            Optional(),
            NumberRange(
                min=0, max=200, message=_l("Please enter a number from %(min)d to %(max)d.")
            ),
        ],
        description=_l("From where you live, 0 to 200 kilometres."),
        render_kw={"inputmode": "numeric", "min": 0, "max": 200},
    )
    topics = CheckboxListField(
        _l("What you would like to help with"),
        choices=[SelectChoice(t.value, label) for t, label in TOPIC_LABELS.items()],
        validate_choice=True,
    )
    gender = RadioField(
        _l("Gender (optional)"),
        choices=[SelectChoice(g.value if g else "", label) for g, label in GENDER_LABELS.items()],
        default="",
        validators=[Optional()],
        description=_l(
            "We use this only when a request asks for a woman or a man, for example for an "
            "appointment at a gynaecologist. You do not have to answer."
        ),
    )
    about = TextAreaField(
        _l("About you (optional)"),
        validators=[Optional(), _too_long(2000)],
        description=_l("A few sentences: what you do, what you enjoy, why you volunteer."),
        render_kw={"rows": 5},
    )
    in_directory = BooleanField(
        _l("Show me in the volunteer directory"),
        description=_l(
            "Other volunteers in the directory see your name, town, languages and interests, "
            "never your e-mail address or phone number."
        ),
    )


class LanguageForm(WirnetForm):
    code = SelectField(
        _l("Language"),
        validators=[InputRequired(message=_l("Please choose a language."))],
        validate_choice=False,  # checked against the list in the view, with a clear message
        widget=CompactSelect(),
        description=_l("Varieties are listed too, for example Arabic (Syria) or Dari."),
    )
    level = RadioField(
        _l("How well you speak it"),
        choices=[SelectChoice(level.value, label) for level, label in LEVEL_LABELS.items()],
        validators=[InputRequired(message=_l("Please choose your level."))],
    )
    mediates = BooleanField(
        _l("I can interpret in this language"),
        description=_l("Language mediation: you help two people understand each other."),
    )
    modes = CheckboxListField(
        _l("How you can interpret"),
        choices=[SelectChoice(m.value, label) for m, label in MODE_LABELS.items()],
        validate_choice=True,
    )
    settings = CheckboxListField(
        _l("Where you feel able to interpret"),
        choices=[SelectChoice(s.value, label) for s, label in SETTING_LABELS.items()],
        validate_choice=True,
    )


class LanguageEditForm(LanguageForm):
    code = None  # the language itself is fixed; remove it and add another instead


class QualificationForm(WirnetForm):
    type_id = SelectField(
        _l("Qualification"),
        coerce=choice_number,
        validate_choice=False,  # the view checks it, with a message of its own
        validators=[InputRequired(message=_l("Please choose a qualification."))],
    )
    obtained_on = DayField(
        _l("Date obtained"),
        validators=[InputRequired(message=_l("Please enter the date, for example 2025-03-14."))],
        description=_l("The date on the certificate."),
    )


class SlotForm(WirnetForm):
    weekday = SelectField(
        _l("Day"),
        coerce=choice_number,
        validate_choice=False,  # the service checks it, with a message of its own
        validators=[InputRequired(message=_l("Please choose a day of the week."))],
    )
    starts_at = ClockField(
        _l("From"),
        validators=[InputRequired(message=_l("Please enter a time, for example 09:00."))],
    )
    ends_at = ClockField(
        _l("Until"),
        validators=[InputRequired(message=_l("Please enter a time, for example 12:00."))],
    )


class AbsenceForm(WirnetForm):
    starts_on = DayField(
        _l("First day"),
        validators=[InputRequired(message=_l("Please enter the date, for example 2025-03-14."))],
    )
    ends_on = DayField(
        _l("Last day"),
        validators=[InputRequired(message=_l("Please enter the date, for example 2025-03-14."))],
    )


class OnCallForm(WirnetForm):
    on_call = BooleanField(
        _l("I can help at short notice"),
        description=_l(
            "The centre may also ask you outside the times above, for example the same day."
        ),
    )


class ConflictForm(WirnetForm):
    description = StringField(
        _l("Person or organisation"),
        validators=[
            DataRequired(message=_l("Please say who you must not be sent to.")),
            _too_long(200),
        ],
        description=_l("For example: my employer Klinikum X, the Haddad family, my neighbours."),
    )


class PauseForm(WirnetForm):
    until = DayField(
        _l("Until (optional)"),
        validators=[Optional()],
        description=_l("Leave it empty if you do not know yet; you can come back at any time."),
    )


class ActionForm(WirnetForm):
    """A button that changes something: only the CSRF token."""
