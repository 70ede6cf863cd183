"""Lead time in working days (Monday to Friday without the public holidays of Hessen) and the
out-of-scope settings: plain functions, no app, no database."""

from __future__ import annotations

from datetime import date

import pytest

from wirnet.requests.scope import (
    OUT_OF_SCOPE_PREFIX,
    add_working_days,
    earliest_regular_day,
    is_short_notice,
    is_working_day,
    out_of_scope_choices,
    out_of_scope_key,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 2), True),  # Monday
        (date(2026, 3, 6), True),  # Friday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 6, 4), False),  # Corpus Christi: a holiday in Hessen
        (date(2026, 12, 24), True),  # Christmas Eve is a working day
        (date(2026, 12, 25), False),  # Christmas Day
        (date(2026, 12, 28), True),
        (date(2027, 11, 1), True),  # All Saints' Day: not a holiday in Hessen ...
    ],
)
def test_working_days_in_hessen(day, working):
    assert is_working_day(day) is working


def test_the_holidays_are_those_of_the_configured_state():
    assert is_working_day(date(2027, 11, 1), "BY") is False  # ... but in Bavaria


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 3, 2), 3, date(2026, 3, 5)),  # Monday → Thursday
        (date(2026, 3, 5), 3, date(2026, 3, 10)),  # Thursday → over the weekend to Tuesday
        (date(2026, 3, 7), 3, date(2026, 3, 11)),  # entered on a Saturday
        (date(2026, 4, 2), 3, date(2026, 4, 9)),  # over Good Friday and Easter Monday
        (date(2026, 12, 23), 3, date(2026, 12, 29)),  # over Christmas
        (date(2026, 12, 30), 2, date(2027, 1, 4)),  # over New Year into the next year
        (date(2026, 3, 2), 0, date(2026, 3, 2)),
    ],
)
def test_adding_working_days(start, count, expected):
    assert add_working_days(start, count) == expected


def test_short_notice_is_less_than_the_lead_time():
    monday = date(2026, 3, 2)
    assert earliest_regular_day(monday, 3) == date(2026, 3, 5)
    assert is_short_notice(monday, date(2026, 3, 4), 3) is True
    assert is_short_notice(monday, date(2026, 3, 5), 3) is False
    # Easter: entered on Maundy Thursday, the Wednesday after Easter is still too soon.
    assert is_short_notice(date(2026, 4, 2), date(2026, 4, 8), 3) is True
    assert is_short_notice(date(2026, 4, 2), date(2026, 4, 9), 3) is False
    # No lead time configured: only the past would be short, and that is refused anyway.
    assert is_short_notice(monday, monday, 0) is False


def test_out_of_scope_values_name_only_configured_keys():
    keys = ("court", "psychotherapy")
    choices = out_of_scope_choices(keys)
    assert [value for value, _label in choices] == ["out:court", "out:psychotherapy"]
    assert out_of_scope_key("out:court", keys) == "court"
    assert out_of_scope_key("out:police_interrogation", keys) is None
    assert out_of_scope_key("authority", keys) is None
    assert out_of_scope_key("", keys) is None
    assert OUT_OF_SCOPE_PREFIX == "out:"
    # A key without a known label is shown as it is.
    assert out_of_scope_choices(("tribunal",)) == [("out:tribunal", "tribunal")]
