"""Forms after a booking: the outcome (hours, kilometres, a note, or a no-show) and the
private calendar feed. Labels and messages are lazy (``_l``)."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, Optional, ValidationError

from wirnet.forms import CONTROL_CHARACTERS, WirnetForm
from wirnet.requests.models import AssignmentState

A = AssignmentState

#: The assignment's state in words, for the volunteer's pages and the request page.
ASSIGNMENT_STATE_LABELS = {
    # Translators: a coordinator offered the volunteer a request; no answer yet.
    A.PROPOSED: _l("Offered, no answer yet"),
    # Translators: the volunteer offered to take a request; a coordinator has to confirm.
    A.VOLUNTEERED: _l("Waiting for a coordinator"),
    A.ACCEPTED: _l("Booked"),
    A.DECLINED: _l("Declined"),
    A.WITHDRAWN: _l("Withdrawn"),
    # Translators: the appointment took place and the hours are recorded.
    A.COMPLETED: _l("Carried out"),
    A.NO_SHOW: _l("Did not take place"),
}

TOOK_PLACE = "yes"
NO_SHOW = "no_show"

#: Hours with up to two decimals, "1.5" or (as German writes it) "1,5".
NUMBER = re.compile(r"(\d{1,4})(?:[.,](\d{1,2}))?")
MAX_HOURS = Decimal(24)
MAX_KM = Decimal(1000)


class NumberField(StringField):
    """A decimal number typed as text: "1.5" and "1,5" both mean one and a half. What was
    typed is shown again after an error."""

    invalid_message = _l("Please enter a number, for example 1.5.")

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "") or ""
        text = text.strip()
        if not text:
            self.data = None
            return
        if not NUMBER.fullmatch(text):
            self.data = None
            raise ValueError(self.invalid_message)
        self.data = Decimal(text.replace(",", "."))

    def _value(self) -> str:
        if self.raw_data:  # as typed, without control characters (NUL breaks HTML)
            return CONTROL_CHARACTERS.sub("", str(self.raw_data[0]))[:40]
        if self.data is None:
            return ""
        return format(self.data.normalize(), "f") if isinstance(self.data, Decimal) else ""


class OutcomeForm(WirnetForm):
    took_place = RadioField(
        _l("Did the appointment take place?"),
        choices=[
            SelectChoice(TOOK_PLACE, _l("Yes, it took place")),
            SelectChoice(NO_SHOW, _l("No: it did not take place, or the client did not come")),
        ],
        validators=[InputRequired(message=_l("Please say whether the appointment took place."))],
    )
    hours = NumberField(
        _l("Hours"),
        description=_l("The time you spent, with the way there and back, for example 1.5."),
        render_kw={"inputmode": "decimal", "autocomplete": "off", "dir": "ltr"},
    )
    km = NumberField(
        _l("Kilometres travelled (optional)"),
        description=_l("There and back, for example 12."),
        render_kw={"inputmode": "decimal", "autocomplete": "off", "dir": "ltr"},
    )
    note = TextAreaField(
        _l("Short note (optional)"),
        validators=[
            Optional(),
            Length(max=1000, message=_l("Use at most %(max)d characters.", max=1000)),
        ],
        description=_l("What the centre should know. No names or health details."),
        render_kw={"rows": 3},
    )

    def validate_hours(self, field) -> None:
        if self.took_place.data != TOOK_PLACE:
            return
        if field.data is None:
            if not field.errors:
                raise ValidationError(_l("Please enter the hours, for example 1.5."))
            return
        if not Decimal(0) < field.data <= MAX_HOURS:
            raise ValidationError(
                _l("Please enter more than %(min)d and at most %(max)d hours.", min=0, max=24)
            )

    def validate_km(self, field) -> None:
        if self.took_place.data == TOOK_PLACE and field.data is not None and field.data > MAX_KM:
            raise ValidationError(
                _l("Please enter a number from %(min)d to %(max)d.", min=0, max=1000)
            )


class CalendarForm(WirnetForm):
    """The buttons of the feed: make a (new) secret address, or switch the feed off."""

    action = StringField(
        _l("Calendar feed"),
        validators=[
            InputRequired(message=_l("Please choose what to do with the calendar feed.")),
            AnyOf(
                ("create", "revoke"),
                message=_l("Please choose what to do with the calendar feed."),
            ),
        ],
    )
