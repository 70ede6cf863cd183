"""The volunteer status life cycle: every allowed and every refused change, for every role.

No database: stand-in profiles and actors; audit and flush are replaced by recorders.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime
from types import SimpleNamespace

import pytest

from wirnet.roles import Role
from wirnet.volunteers import status as life_cycle
from wirnet.volunteers.models import VolunteerStatus as S
from wirnet.volunteers.status import TRANSITIONS, TransitionError, allowed_targets, change_status

TODAY = date(2026, 3, 10)
INTAKE = datetime(2026, 3, 1, 10, 0)

#: Every allowed change and who may make it, written out once more on purpose: a change to
#: TRANSITIONS must be a change to this table too.
EXPECTED = {
    (S.APPLICANT, S.ACTIVE): {Role.COORDINATOR, Role.ADMIN},
    (S.ACTIVE, S.PAUSED): {Role.COORDINATOR, Role.ADMIN, Role.VOLUNTEER},
    (S.PAUSED, S.ACTIVE): {Role.COORDINATOR, Role.ADMIN, Role.VOLUNTEER},
    (S.APPLICANT, S.LEFT): {Role.COORDINATOR, Role.ADMIN},
    (S.ACTIVE, S.LEFT): {Role.COORDINATOR, Role.ADMIN},
    (S.PAUSED, S.LEFT): {Role.COORDINATOR, Role.ADMIN},
    (S.LEFT, S.APPLICANT): {Role.COORDINATOR, Role.ADMIN},
}

ALL_CHANGES = [(a, b) for a, b in itertools.product(S, S)]


@pytest.fixture
def recorded(monkeypatch):
    entries = []
    monkeypatch.setattr(
        life_cycle.audit, "record", lambda action, **kw: entries.append((action, kw))
    )
    monkeypatch.setattr(
        life_cycle, "db", SimpleNamespace(session=SimpleNamespace(flush=lambda: None))
    )
    return entries


def profile(status, *, user_id=1, intake=INTAKE, paused_until=None):
    return SimpleNamespace(
        status=status,
        user_id=user_id,
        paused_until=paused_until,
        intake_done_at=intake,
        intake_by_id=99 if intake else None,
    )


def actor(role, user_id=50):
    return SimpleNamespace(role=role, id=user_id)


def test_the_table_is_the_expected_one():
    assert {key: set(roles) for key, roles in TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize(("old", "new"), ALL_CHANGES)
@pytest.mark.parametrize("role", list(Role))
def test_every_change_for_every_role(recorded, old, new, role):
    """Allowed exactly when the table says so; refused ones change nothing."""
    # A volunteer acts on their own profile here; "not own" is tested below.
    p = profile(old, user_id=50)
    allowed = role in EXPECTED.get((old, new), set())
    if allowed:
        change_status(p, new, actor(role), today=TODAY)
        assert p.status is new
        assert recorded == [
            (
                "volunteer.status_changed",
                {"actor": actor(role), "obj": p, "old": old, "new": new, "until": None},
            )
        ]
    else:
        with pytest.raises(TransitionError) as error:
            change_status(p, new, actor(role), today=TODAY)
        assert error.value.reason == "not_allowed"
        assert p.status is old and not recorded


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("role", list(Role))
def test_allowed_targets_match_the_table(current, role):
    expected = [new for (old, new), roles in EXPECTED.items() if old == current and role in roles]
    assert sorted(allowed_targets(current, role)) == sorted(expected)


def test_organisation_members_can_change_nothing():
    assert all(not allowed_targets(current, Role.ORG_MEMBER) for current in S)


@pytest.mark.parametrize(("old", "new"), [(S.ACTIVE, S.PAUSED), (S.PAUSED, S.ACTIVE)])
def test_a_volunteer_changes_only_their_own_status(recorded, old, new):
    p = profile(old, user_id=1)
    with pytest.raises(TransitionError) as error:
        change_status(p, new, actor(Role.VOLUNTEER, user_id=2), today=TODAY)
    assert error.value.reason == "not_own"
    assert p.status is old and not recorded
    change_status(p, new, actor(Role.VOLUNTEER, user_id=1), today=TODAY)
    assert p.status is new


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN])
def test_pause_until_a_future_date(recorded, role):
    p = profile(S.ACTIVE, user_id=50)
    change_status(p, S.PAUSED, actor(role), until=date(2026, 3, 11), today=TODAY)
    assert p.status is S.PAUSED and p.paused_until == date(2026, 3, 11)
    assert recorded[0][1]["until"] == "2026-03-11"


@pytest.mark.parametrize("until", [TODAY, date(2026, 3, 9), date(2000, 1, 1)])
def test_pause_until_today_or_the_past_is_refused(recorded, until):
    p = profile(S.ACTIVE)
    with pytest.raises(TransitionError) as error:
        change_status(p, S.PAUSED, actor(Role.COORDINATOR), until=until, today=TODAY)
    assert error.value.reason == "until_past"
    assert p.status is S.ACTIVE and p.paused_until is None and not recorded


@pytest.mark.parametrize(
    ("old", "new"),
    [(S.PAUSED, S.ACTIVE), (S.ACTIVE, S.LEFT), (S.LEFT, S.APPLICANT), (S.APPLICANT, S.ACTIVE)],
)
def test_only_a_pause_has_an_end_date(recorded, old, new):
    p = profile(old)
    with pytest.raises(TransitionError) as error:
        change_status(p, new, actor(Role.COORDINATOR), until=date(2026, 4, 1), today=TODAY)
    assert error.value.reason == "until_not_pause"
    assert p.status is old and not recorded


def test_ending_a_pause_clears_its_end_date(recorded):
    p = profile(S.PAUSED, paused_until=date(2026, 4, 1))
    change_status(p, S.ACTIVE, actor(Role.COORDINATOR), today=TODAY)
    assert p.paused_until is None


def test_leaving_during_a_pause_clears_its_end_date(recorded):
    p = profile(S.PAUSED, paused_until=date(2026, 4, 1))
    change_status(p, S.LEFT, actor(Role.COORDINATOR), today=TODAY)
    assert p.paused_until is None


def test_an_applicant_becomes_active_only_after_the_intake_talk(recorded):
    p = profile(S.APPLICANT, intake=None)
    with pytest.raises(TransitionError) as error:
        change_status(p, S.ACTIVE, actor(Role.COORDINATOR), today=TODAY)
    assert error.value.reason == "intake_missing"
    assert p.status is S.APPLICANT and not recorded
    p.intake_done_at = INTAKE
    change_status(p, S.ACTIVE, actor(Role.COORDINATOR), today=TODAY)
    assert p.status is S.ACTIVE


def test_coming_back_means_a_new_intake_talk(recorded):
    p = profile(S.LEFT)
    change_status(p, S.APPLICANT, actor(Role.ADMIN), today=TODAY)
    assert p.status is S.APPLICANT and p.intake_done_at is None and p.intake_by_id is None
    with pytest.raises(TransitionError):
        change_status(p, S.ACTIVE, actor(Role.ADMIN), today=TODAY)


@pytest.mark.parametrize("value", ["", "retired", "ACTIVE", None])
def test_an_unknown_status_is_refused(recorded, value):
    p = profile(S.ACTIVE)
    with pytest.raises(TransitionError):
        change_status(p, value, actor(Role.COORDINATOR), today=TODAY)
    assert p.status is S.ACTIVE and not recorded


def test_the_status_as_its_stored_value(recorded):
    p = profile(S.ACTIVE)
    change_status(p, "paused", actor(Role.COORDINATOR), today=TODAY)
    assert p.status is S.PAUSED
