"""What volunteers can be asked for, and how much notice they need.

* Volunteers are lay mediators, not sworn interpreters: a configurable list of settings
  (``OUT_OF_SCOPE_SETTINGS``: court, police interrogation, psychotherapy, consent to surgery)
  is outside their scope. The request form offers them so that the poster gets a plain
  answer and a pointer to professional interpreting, and nothing is saved.
* Requests need ``REQUEST_LEAD_WORKING_DAYS`` working days of notice (Monday to Friday
  without the public holidays of Hessen, from the ``holidays`` package). A request with less
  is accepted as urgent and flagged for a coordinator.

The working-day arithmetic is plain functions over dates: no Flask, no database.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays
from flask_babel import lazy_gettext as _l

#: Labels of the known out-of-scope settings (the config lists which apply).
OUT_OF_SCOPE_LABELS = {
    "court": _l("Court hearing"),
    "police_interrogation": _l("Police interrogation"),
    "psychotherapy": _l("Psychotherapy"),
    "surgery_consent": _l("Consent to surgery"),
}

#: The official database of court interpreters and translators of the German states.
PROFESSIONAL_INTERPRETING_URL = "https://www.justiz-dolmetscher.de/"

#: Prefix of the out-of-scope values in the setting list, so they never clash with a
#: ``RequestSetting`` value.
OUT_OF_SCOPE_PREFIX = "out:"


def out_of_scope_choices(keys) -> list[tuple[str, object]]:
    """``[(value, label)]`` for the setting list; an unknown key is shown as it is."""
    return [(OUT_OF_SCOPE_PREFIX + key, OUT_OF_SCOPE_LABELS.get(key, key)) for key in keys]


def out_of_scope_key(value: str | None, keys) -> str | None:
    """The out-of-scope key a setting value names, or None for an ordinary setting."""
    if value and value.startswith(OUT_OF_SCOPE_PREFIX):
        key = value[len(OUT_OF_SCOPE_PREFIX) :]
        if key in keys:
            return key
    return None


@cache
def _holidays(subdivision: str, year: int):
    return holidays.country_holidays("DE", subdiv=subdivision, years=year)


def is_working_day(day: date, subdivision: str = "HE") -> bool:
    """Monday to Friday and not a public holiday in ``subdivision`` (Hessen by default)."""
    return day.weekday() < 5 and day not in _holidays(subdivision, day.year)


def add_working_days(day: date, count: int, subdivision: str = "HE") -> date:
    """The ``count``-th working day after ``day`` (``day`` itself does not count)."""
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, subdivision):
            remaining -= 1
    return current


def earliest_regular_day(today: date, lead_days: int, subdivision: str = "HE") -> date:
    """The first day a request entered ``today`` can be for without being short notice:
    with 3 working days, a request entered on a Monday can be for Thursday."""
    return add_working_days(today, lead_days, subdivision)


def is_short_notice(today: date, day: date, lead_days: int, subdivision: str = "HE") -> bool:
    """Whether an appointment on ``day`` (or a deadline on ``day``) is shorter notice than
    ``lead_days`` working days from ``today``."""
    return day < earliest_regular_day(today, lead_days, subdivision)
