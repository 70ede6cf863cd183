"""The pure rules of qualifications: expiry, standing, grace period, evidence and decisions.

No database: the rules take plain values, and the services get stand-in objects (their
audit and flush are replaced by recorders).
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from wirnet.volunteers import qualifications as rules
from wirnet.volunteers.models import QualificationState
from wirnet.volunteers.qualifications import (
    COUNTS,
    QualificationError,
    Standing,
    add_months,
    compute_expiry,
    standing,
)

V = QualificationState.VERIFIED
C = QualificationState.CLAIMED
R = QualificationState.REJECTED


# --- compute_expiry -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("obtained", "months", "expires"),
    [
        # The day before the same day of the month, months later.
        (date(2024, 1, 15), 12, date(2025, 1, 14)),
        (date(2024, 3, 1), 1, date(2024, 3, 31)),
        (date(2024, 12, 31), 1, date(2025, 1, 30)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),  # 30 Feb missing: end of February
        # Month ends: the later month has no such day, so it counts to that month's end.
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # common year
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 8, 31), 1, date(2024, 9, 30)),
        (date(2024, 5, 31), 1, date(2024, 6, 30)),
        # Leap day: obtained on 29 Feb, counts to the end of February in common years...
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 60, date(2029, 2, 28)),
        # ...and to 28 Feb in the next leap year (the day before 29 Feb).
        (date(2024, 2, 29), 48, date(2028, 2, 28)),
        (date(2023, 3, 1), 12, date(2024, 2, 29)),  # the day before 1 March of a leap year
        (date(2023, 2, 28), 12, date(2024, 2, 27)),
        (date(2024, 2, 28), 12, date(2025, 2, 27)),
        # Whole years and the police clearance's five years.
        (date(2021, 6, 10), 60, date(2026, 6, 9)),
        (date(2024, 1, 1), 36, date(2026, 12, 31)),
    ],
)
def test_compute_expiry(obtained, months, expires):
    assert compute_expiry(obtained, months) == expires


def test_obtained_later_never_expires_earlier():
    """Obtained a day later, it counts at least as long: 29 Feb 2024 counts to 28 Feb 2025,
    not a day less than 28 Feb 2024 (the old rule gave 27 Feb to both)."""
    day = date(2023, 1, 1)
    previous = compute_expiry(day, 12)
    for offset in range(1, 3 * 366):
        day = date.fromordinal(date(2023, 1, 1).toordinal() + offset)
        current = compute_expiry(day, 12)
        assert current >= previous, day
        previous = current


def test_no_validity_never_expires():
    assert compute_expiry(date(2020, 5, 5), None) is None


def test_add_months_clamps_to_the_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 11, 30), 2) == date(2025, 1, 30)
    assert add_months(date(2024, 12, 15), 0) == date(2024, 12, 15)


# --- standing -----------------------------------------------------------------------

EXPIRES = date(2026, 6, 30)


def at(on, *, state=V, expires=EXPIRES, window=60, grace=0):
    return standing(state, expires, renewal_window_days=window, grace_days=grace, on=on)


def test_standing_of_a_verified_qualification_over_time():
    assert at(date(2026, 4, 30)) is Standing.HELD  # exactly 61 days before
    assert at(date(2026, 5, 1)) is Standing.HELD  # 60 days before: the window starts after
    assert at(date(2026, 5, 2)) is Standing.EXPIRING
    assert at(EXPIRES) is Standing.EXPIRING  # the last day still counts
    assert at(date(2026, 7, 1)) is Standing.EXPIRED


def test_grace_period_counts_but_is_flagged():
    assert at(date(2026, 7, 1), grace=30) is Standing.GRACE
    assert at(date(2026, 7, 30), grace=30) is Standing.GRACE  # expires_on + 30 days
    assert at(date(2026, 7, 31), grace=30) is Standing.EXPIRED
    assert Standing.GRACE in COUNTS


def test_no_expiry_is_held_for_ever():
    assert at(date(2099, 1, 1), expires=None) is Standing.HELD


def test_window_of_zero_days_goes_straight_from_held_to_expired():
    assert at(EXPIRES, window=0) is Standing.HELD
    assert at(date(2026, 7, 1), window=0) is Standing.EXPIRED


@pytest.mark.parametrize("on", [date(2020, 1, 1), EXPIRES, date(2030, 1, 1)])
def test_unverified_and_rejected_never_count(on):
    assert at(on, state=C) is Standing.UNVERIFIED
    assert at(on, state=R) is Standing.REJECTED
    assert at(on, state=C, expires=None) is Standing.UNVERIFIED
    assert at(on, state=R, expires=None, grace=999) is Standing.REJECTED
    assert Standing.UNVERIFIED not in COUNTS and Standing.REJECTED not in COUNTS


def test_state_given_as_its_stored_value():
    assert at(EXPIRES, state="verified") is Standing.EXPIRING
    assert at(EXPIRES, state="rejected") is Standing.REJECTED


def test_counts_exactly_held_expiring_and_grace():
    assert {Standing.HELD, Standing.EXPIRING, Standing.GRACE} == COUNTS
    assert Standing.EXPIRED not in COUNTS


# --- services with stand-in objects -------------------------------------------------


@pytest.fixture
def recorded(monkeypatch):
    """Replace audit and flush: the services' rules run without a database."""
    entries = []
    monkeypatch.setattr(rules.audit, "record", lambda action, **kw: entries.append(action))
    monkeypatch.setattr(rules, "db", SimpleNamespace(session=SimpleNamespace(flush=lambda: None)))
    return entries


def kind(**overrides):
    values = {
        "evidence_required": True,
        "police_clearance": False,
        "renewal_window_days": 60,
        "grace_days": 0,
        "validity_months": 24,
    }
    return SimpleNamespace(**(values | overrides))


def qualification(**overrides):
    values = {
        "type": kind(),
        "state": C,
        "evidence_seen_on": None,
        "evidence_dated": None,
        "evidence_seen_by_id": None,
        "relevant_entry": None,
        "note": None,
        "decided_by_id": None,
        "decided_at": None,
    }
    return SimpleNamespace(**(values | overrides))


COORDINATOR = SimpleNamespace(id=7)
TODAY = date(2026, 3, 10)


def test_evidence_in_the_future_is_refused_and_changes_nothing(recorded):
    q = qualification()
    for seen, dated in [(date(2026, 3, 11), None), (TODAY, date(2026, 3, 11))]:
        with pytest.raises(QualificationError) as error:
            rules.record_evidence(q, COORDINATOR, seen_on=seen, dated=dated, today=TODAY)
        assert error.value.reason == "future_date"
    assert q.evidence_seen_on is None and q.evidence_seen_by_id is None and not recorded


def test_evidence_dated_after_it_was_seen_is_refused(recorded):
    q = qualification()
    with pytest.raises(QualificationError) as error:
        rules.record_evidence(
            q, COORDINATOR, seen_on=date(2026, 3, 1), dated=date(2026, 3, 5), today=TODAY
        )
    assert error.value.reason == "dated_after_seen"
    assert q.evidence_seen_on is None


def test_police_clearance_needs_the_relevant_entry_answer_before_anything_changes(recorded):
    q = qualification(type=kind(police_clearance=True))
    with pytest.raises(QualificationError) as error:
        rules.record_evidence(q, COORDINATOR, seen_on=TODAY, dated=TODAY, today=TODAY)
    assert error.value.reason == "relevant_entry_missing"
    assert q.evidence_seen_on is None and q.evidence_seen_by_id is None and not recorded


def test_evidence_records_only_seen_dated_who_and_the_entry_flag(recorded):
    q = qualification(type=kind(police_clearance=True))
    rules.record_evidence(
        q, COORDINATOR, seen_on=TODAY, dated=date(2026, 2, 1), relevant_entry=False, today=TODAY
    )
    assert (q.evidence_seen_on, q.evidence_dated, q.evidence_seen_by_id, q.relevant_entry) == (
        TODAY,
        date(2026, 2, 1),
        7,
        False,
    )
    assert recorded == ["qualification.evidence_seen"]


def test_relevant_entry_is_ignored_for_other_types(recorded):
    q = qualification()
    rules.record_evidence(
        q, COORDINATOR, seen_on=TODAY, dated=None, relevant_entry=True, today=TODAY
    )
    assert q.relevant_entry is None


def test_verify_without_required_evidence_is_refused(recorded):
    q = qualification()
    with pytest.raises(QualificationError) as error:
        rules.verify(q, COORDINATOR)
    assert error.value.reason == "evidence_missing"
    assert q.state is C and not recorded


def test_verify_without_evidence_when_none_is_required(recorded, monkeypatch):
    monkeypatch.setattr(rules, "utcnow", lambda: "now")
    q = qualification(type=kind(evidence_required=False))
    rules.verify(q, COORDINATOR, note="Seen at the course")
    assert (q.state, q.note, q.decided_by_id, q.decided_at) == (V, "Seen at the course", 7, "now")
    assert recorded == ["qualification.verified"]


def test_police_clearance_with_a_relevant_entry_is_never_verified(recorded):
    q = qualification(type=kind(police_clearance=True), evidence_seen_on=TODAY, relevant_entry=True)
    with pytest.raises(QualificationError) as error:
        rules.verify(q, COORDINATOR)
    assert error.value.reason == "relevant_entry"
    assert q.state is C


def test_police_clearance_without_the_entry_answer_is_not_verified(recorded):
    q = qualification(
        type=kind(police_clearance=True, evidence_required=False), evidence_seen_on=TODAY
    )
    with pytest.raises(QualificationError):
        rules.verify(q, COORDINATOR)
    assert q.state is C


@pytest.mark.parametrize("note", ["", "   ", None])
def test_rejection_needs_a_note(recorded, note):
    q = qualification()
    with pytest.raises(QualificationError) as error:
        rules.reject(q, COORDINATOR, note=note)
    assert error.value.reason == "note_missing"
    assert q.state is C and not recorded


def test_rejection_with_a_note(recorded):
    q = qualification()
    rules.reject(q, COORDINATOR, note="The certificate is for someone else.")
    assert q.state is R and q.note == "The certificate is for someone else."
