"""The request life cycle's table and the posting rules that need no database."""

from __future__ import annotations

import pytest

from wirnet.requests.lifecycle import EDITABLE, FINAL, TRANSITIONS, can_transition
from wirnet.requests.models import Request, RequestKind, RequestSetting, RequestState
from wirnet.requests.services import RequestError, check_client_ref, default_qualifications

S = RequestState


def at(state: RequestState) -> Request:
    return Request(state=state)


def test_the_happy_path_and_its_actors():
    assert can_transition(at(S.DRAFT), S.OPEN, "poster")
    assert can_transition(at(S.OPEN), S.ASSIGNED, "coordinator")
    assert can_transition(at(S.OPEN), S.ASSIGNED, "system")
    assert not can_transition(at(S.OPEN), S.ASSIGNED, "poster")
    # Carried out: the volunteers' reports are in (the system notices, or a coordinator).
    assert can_transition(at(S.ASSIGNED), S.CONFIRMED, "system")
    assert can_transition(at(S.ASSIGNED), S.CONFIRMED, "coordinator")
    assert not can_transition(at(S.ASSIGNED), S.CONFIRMED, "poster")
    # The organisation confirms, or a coordinator closes it.
    assert can_transition(at(S.CONFIRMED), S.COMPLETED, "poster")
    assert can_transition(at(S.CONFIRMED), S.COMPLETED, "coordinator")


def test_a_booked_volunteer_is_withdrawn_before_the_appointment_only():
    assert can_transition(at(S.ASSIGNED), S.OPEN, "coordinator")
    assert can_transition(at(S.ASSIGNED), S.OPEN, "system")
    assert not can_transition(at(S.ASSIGNED), S.OPEN, "poster")
    # Once carried out, nobody is replaced any more.
    for actor in ("poster", "coordinator", "system"):
        assert not can_transition(at(S.CONFIRMED), S.OPEN, actor)


def test_nothing_skips_a_step_to_completed():
    for state in (S.DRAFT, S.OPEN, S.ASSIGNED):
        for actor in ("poster", "coordinator", "system"):
            assert not can_transition(at(state), S.COMPLETED, actor)
    assert not can_transition(at(S.OPEN), S.CONFIRMED, "system")


@pytest.mark.parametrize("state", [S.DRAFT, S.OPEN, S.ASSIGNED, S.CONFIRMED])
def test_posters_and_coordinators_cancel_until_it_is_over(state):
    assert can_transition(at(state), S.CANCELLED, "poster")
    assert can_transition(at(state), S.CANCELLED, "coordinator")


@pytest.mark.parametrize("state", sorted(FINAL))
def test_nothing_leaves_a_final_state(state):
    assert not any(old == state for old, _new in TRANSITIONS)
    for new in S:
        for actor in ("poster", "coordinator", "system"):
            assert not can_transition(at(state), new, actor)
    assert state not in EDITABLE


def test_only_open_requests_expire_and_posters_cannot_expire_them():
    assert can_transition(at(S.OPEN), S.EXPIRED, "system")
    assert can_transition(at(S.OPEN), S.EXPIRED, "coordinator")
    assert not can_transition(at(S.OPEN), S.EXPIRED, "poster")
    assert not can_transition(at(S.DRAFT), S.EXPIRED, "coordinator")
    assert not can_transition(at(S.CANCELLED), S.COMPLETED, "coordinator")


def test_default_qualifications_by_kind_and_setting():
    assert default_qualifications(RequestKind.HEALTH_GUIDANCE, RequestSetting.AUTHORITY) == [
        "health_guide"
    ]
    assert default_qualifications(
        RequestKind.LANGUAGE_MEDIATION, RequestSetting.DOCTOR_HOSPITAL
    ) == ["language_mediation_health"]
    assert default_qualifications(RequestKind.LANGUAGE_MEDIATION, RequestSetting.AUTHORITY) == []
    assert default_qualifications(RequestKind.ACCOMPANIMENT, RequestSetting.DOCTOR_HOSPITAL) == []
    assert default_qualifications("health_guidance", None) == ["health_guide"]  # from a form


@pytest.mark.parametrize("value", ["M. K.", "MK", "2024-17", "A-12", "Familie K.", "م. ع."])
def test_initials_and_numbers_are_fine_as_client_reference(value):
    assert check_client_ref(value) == value


@pytest.mark.parametrize("value", ["Maria Müller", "محمد علي", "Yonas Tesfay Haile", "x" * 41, ""])
def test_names_and_overlong_references_are_refused(value):
    with pytest.raises(RequestError) as refused:
        check_client_ref(value)
    assert refused.value.field == "client_ref"
