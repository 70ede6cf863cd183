"""``flask demo-data --requests N``: organisations, requests in every state with a history
that follows the life cycle, volunteers booked for them, and projects with roles and
applications; reproducible, idempotent, written in bulk, and the pages show them."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, event, func, select

from tests.conftest import log_in
from tests.helpers import page
from wirnet.auth.models import User
from wirnet.demo_activity import REF_PREFIX
from wirnet.extensions import db
from wirnet.organisations.models import Membership, Organisation, OrganisationStatus
from wirnet.projects.models import Participation, ParticipationState, Project, ProjectState
from wirnet.requests import lifecycle
from wirnet.requests.models import (
    Assignment,
    AssignmentState,
    Request,
    RequestEvent,
    RequestKind,
    RequestSeries,
    RequestState,
    Urgency,
)
from wirnet.requests.services import overdue
from wirnet.roles import Role
from wirnet.volunteers import languages
from wirnet.volunteers.models import VolunteerProfile, VolunteerStatus

S = RequestState


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=["demo-data", *args])
    assert result.exit_code == 0, result.output
    return result


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def demo_requests() -> list[Request]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Request)
            .where(Request.client_ref.like(f"{REF_PREFIX}%"))
            .order_by(Request.client_ref, Request.starts_at)
        )
    )


def _email(user_id: int | None) -> str | None:
    return db.session.get(User, user_id).email if user_id else None


def snapshot() -> list[tuple]:
    """Everything about the demo requests that the seed decides, ids left out."""
    rows = []
    for request in demo_requests():
        events = db.session.scalars(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.id)
        ).all()
        assignments = db.session.execute(
            select(User.email, Assignment.state, Assignment.hours)
            .join(VolunteerProfile, VolunteerProfile.id == Assignment.profile_id)
            .join(User, User.id == VolunteerProfile.user_id)
            .where(Assignment.request_id == request.id)
            .order_by(User.email)
        ).all()
        rows.append(
            (
                request.client_ref,
                request.organisation.name if request.organisation else None,
                _email(request.created_by_id),
                request.kind,
                request.language_code,
                request.other_language_code,
                request.mode,
                request.setting,
                request.starts_at,
                request.ends_at,
                request.window_from,
                request.deadline,
                request.municipality.name,
                request.address,
                request.gender_preference,
                tuple(request.required_qualifications),
                request.volunteers_needed,
                request.urgency,
                request.short_notice,
                request.notes,
                request.state,
                request.cancel_reason,
                request.created_at,
                request.series_id is not None,
                tuple(
                    (e.at, _email(e.actor_id), e.from_state, e.to_state, e.kind, e.note)
                    for e in events
                ),
                tuple(tuple(a) for a in assignments),
            )
        )
    return rows


def remove_demo_requests() -> None:
    ids = select(Request.id).where(Request.client_ref.like(f"{REF_PREFIX}%"))
    series = select(Request.series_id).where(Request.client_ref.like(f"{REF_PREFIX}%"))
    series_ids = [i for i in db.session.scalars(series) if i]
    db.session.execute(delete(RequestEvent).where(RequestEvent.request_id.in_(ids)))
    db.session.execute(delete(Assignment).where(Assignment.request_id.in_(ids)))
    db.session.execute(delete(Request).where(Request.client_ref.like(f"{REF_PREFIX}%")))
    db.session.execute(delete(RequestSeries).where(RequestSeries.id.in_(series_ids)))
    db.session.flush()


def test_the_same_seed_gives_the_same_requests_and_another_seed_others(app):
    run(app, "--volunteers", "15", "--requests", "30", "--seed", "5")
    first = snapshot()
    assert len(first) == 30 + 6  # and the weekly series of six

    remove_demo_requests()
    run(app, "--volunteers", "15", "--requests", "30", "--seed", "5")
    assert snapshot() == first

    remove_demo_requests()
    run(app, "--volunteers", "15", "--requests", "30", "--seed", "6")
    assert snapshot() != first


def test_running_twice_adds_nothing_and_more_requests_add_only_the_new_ones(app):
    run(app, "--volunteers", "10", "--requests", "30", "--seed", "3")
    before = row_counts()
    assert before["organisations"] >= 8 and before["projects"] >= 6
    first = snapshot()

    result = run(app, "--volunteers", "10", "--requests", "30", "--seed", "3")
    assert "(0 new records)" in result.output
    assert row_counts() == before
    assert snapshot() == first

    result = run(app, "--volunteers", "10", "--requests", "50", "--seed", "3")
    after = row_counts()
    assert after["requests"] == before["requests"] + 20
    unchanged = ("organisations", "memberships", "projects", "project_roles", "participations")
    assert {name: after[name] for name in unchanged} == {name: before[name] for name in unchanged}
    assert snapshot()[:30] == first[:30]  # D-0001 … D-0030 as they were


@pytest.fixture
def loaded(app):
    run(app, "--volunteers", "40", "--requests", "60", "--seed", "2026")
    return demo_requests()


def test_requests_cover_every_state_kind_and_language_variety(loaded):
    assert {r.state for r in loaded} == set(RequestState)
    assert {r.kind for r in loaded} == set(RequestKind)
    codes = {r.language_code for r in loaded}
    assert {"ti", "fa-AF", "ar-SY", "uk"} <= codes, codes
    assert all(languages.is_known(code, "en") for code in codes), codes
    assert all(code == languages.canonical(code) for code in codes)
    assert "kmr" not in codes  # Kurmanji is stored as CLDR's "ku"

    fixed = [r for r in loaded if r.starts_at]
    flexible = [r for r in loaded if r.window_from]
    assert fixed and flexible
    assert all(r.deadline >= r.window_from and r.starts_at is None for r in flexible)
    assert all(r.ends_at > r.starts_at for r in fixed)
    # Spread over the past four months and the next six weeks, not bunched on one day.
    done = {r.starts_at.date() for r in fixed if r.state is S.COMPLETED}
    coming = {r.starts_at.date() for r in fixed if r.state in (S.OPEN, S.ASSIGNED, S.CONFIRMED)}
    assert len(done) >= 8 and len(coming) >= 8, (sorted(done), sorted(coming))
    # Short notice: open, urgent, starting soon, entered hours before.
    short = [r for r in loaded if r.short_notice]
    assert short and all(r.urgency is Urgency.URGENT for r in short)
    assert any(r.state is S.OPEN for r in short)
    # Walk-ins: no organisation, entered by a coordinator.
    walk_ins = [r for r in loaded if r.organisation_id is None]
    assert walk_ins
    assert all(db.session.get(User, r.created_by_id).role is Role.COORDINATOR for r in walk_ins)
    # Only approved organisations post.
    assert all(
        r.organisation.status is OrganisationStatus.APPROVED for r in loaded if r.organisation
    )
    # The series: six weekly dates, one client reference, the same volunteer.
    series = [r for r in loaded if r.series_id]
    assert len(series) == 6 and len({r.client_ref for r in series}) == 1
    days = sorted(r.starts_at for r in series)
    assert all((b - a).days == 7 for a, b in itertools.pairwise(days))
    booked = db.session.scalars(
        select(Assignment.profile_id).where(
            Assignment.request_id.in_([r.id for r in series]),
            Assignment.state.in_([AssignmentState.ACCEPTED, AssignmentState.COMPLETED]),
        )
    ).all()
    assert len(set(booked)) == 1
    assert all(r.client_consent_at and r.client_consent_by_id for r in loaded)
    assert all(r.cancel_reason for r in loaded if r.state is S.CANCELLED)


def test_each_history_follows_the_life_cycle(loaded):
    now = datetime.now(UTC)
    for request in loaded:
        events = request.events
        assert events[0].from_state is None and events[0].to_state is S.DRAFT, request.client_ref
        assert events[0].actor_id == request.created_by_id
        state = S.DRAFT
        for previous, current in itertools.pairwise(events):
            assert current.at >= previous.at, request.client_ref
            if current.kind == "edit":
                assert current.from_state is current.to_state is state
                assert current.details
                continue
            assert current.from_state is state, request.client_ref
            assert (state, current.to_state) in lifecycle.TRANSITIONS, request.client_ref
            if current.to_state is S.CANCELLED:
                assert current.note == request.cancel_reason
            state = current.to_state
        assert state is request.state, request.client_ref
        assert events[-1].at <= now
        assert request.created_at == events[0].at
        if request.organisation:
            assert request.created_at > request.organisation.created_at
        published = next((e.at for e in events if e.to_state is S.OPEN), None)
        for assignment in db.session.scalars(
            select(Assignment).where(Assignment.request_id == request.id)
        ):
            assert published and published <= assignment.created_at <= now, request.client_ref
            if assignment.answered_at:
                assert assignment.created_at <= assignment.answered_at <= now
    # Nothing the expiry job would still pick up: open means not yet over.
    assert overdue(now) == []


def test_booked_requests_have_suitable_volunteers_and_hours(loaded):
    for request in loaded:
        rows = db.session.scalars(
            select(Assignment).where(Assignment.request_id == request.id)
        ).all()
        states = [a.state for a in rows]
        if request.state in (S.ASSIGNED, S.CONFIRMED):
            assert states.count(AssignmentState.ACCEPTED) == request.volunteers_needed
        elif request.state is S.COMPLETED:
            done = [a for a in rows if a.state is AssignmentState.COMPLETED]
            assert len(done) == request.volunteers_needed
            assert all(a.hours and 0 < a.hours <= 3 for a in done)
        else:
            assert (
                AssignmentState.ACCEPTED not in states and AssignmentState.COMPLETED not in states
            )
        for assignment in rows:
            profile = assignment.profile
            assert profile.status is VolunteerStatus.ACTIVE
            if assignment.state is not AssignmentState.DECLINED:
                assert (
                    assignment.answered_at is None
                    or assignment.answered_at >= assignment.created_at
                )
    # Most bookings went to someone who speaks the language (or its variety).
    booked = db.session.execute(
        select(Request.language_code, Assignment.profile_id).join(
            Assignment, Assignment.request_id == Request.id
        )
    ).all()
    speaking = sum(
        1
        for code, profile_id in booked
        if any(
            skill.code.split("-")[0] == code.split("-")[0]
            for skill in db.session.get(VolunteerProfile, profile_id).languages
        )
    )
    assert speaking >= 0.8 * len(booked), (speaking, len(booked))
    # The demo volunteer has bookings to show.
    rana = User.by_email("volunteer@example.org")
    profile = db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == rana.id))
    mine = db.session.scalars(
        select(Assignment.state).where(Assignment.profile_id == profile.id)
    ).all()
    assert AssignmentState.ACCEPTED in mine and AssignmentState.COMPLETED in mine


def test_organisations_and_the_demo_accounts_are_linked(loaded):
    organisations = db.session.scalars(select(Organisation)).all()
    statuses = [o.status for o in organisations]
    assert statuses.count(OrganisationStatus.APPROVED) >= 6
    assert statuses.count(OrganisationStatus.PENDING) == 1
    declined = [o for o in organisations if o.status is OrganisationStatus.DECLINED]
    assert len(declined) == 1 and declined[0].decision_note
    assert len({o.kind for o in organisations}) >= 5
    assert len({o.municipality_id for o in organisations}) >= 6

    def memberships(email):
        user = User.by_email(email)
        assert user.role is Role.ORG_MEMBER
        return {
            (m.organisation.name, m.organisation.status, m.is_admin)
            for m in db.session.scalars(select(Membership).where(Membership.user_id == user.id))
        }

    approved = OrganisationStatus.APPROVED
    assert memberships("org@example.org") == {
        ("Eritreische Gemeinde Kassel-Land e. V.", approved, True)
    }
    assert memberships("org2@example.org") == {
        ("Familienzentrum Regenbogen Vellmar", approved, True)
    }
    assert memberships("org3@example.org") == {
        ("Familienzentrum Regenbogen Vellmar", approved, False)
    }
    assert {status for _name, status, _admin in memberships("org4@example.org")} == {
        OrganisationStatus.PENDING
    }
    # Both demo organisations have requests, some needing their action.
    for name in ("Eritreische Gemeinde Kassel-Land e. V.", "Familienzentrum Regenbogen Vellmar"):
        states = {r.state for r in loaded if r.organisation and r.organisation.name == name}
        assert {S.DRAFT, S.OPEN} <= states, (name, states)


def test_projects_in_every_state_with_roles_and_applications(loaded):
    projects = db.session.scalars(select(Project)).all()
    assert {p.state for p in projects} == set(ProjectState)
    assert len({p.municipality_id for p in projects}) >= 6
    assert all(p.roles for p in projects)
    titles = {p.title: p for p in projects}
    cafe = titles["Sprachcafé Baunatal"]
    assert cafe.municipality.name == "Baunatal"
    assert {tag for role in cafe.roles for tag in role.languages} >= {"ar", "fa-AF"}
    assert titles["Hausaufgabenhilfe Vellmar"].municipality.name == "Vellmar"
    assert titles["Radfahrkurs für Frauen Hofgeismar"].municipality.name == "Hofgeismar"
    states = set(db.session.scalars(select(Participation.state)))
    assert {
        ParticipationState.APPLIED,
        ParticipationState.ACCEPTED,
        ParticipationState.DECLINED,
    } <= states
    for project in projects:
        for role in project.roles:
            accepted = [p for p in role.participations if p.state is ParticipationState.ACCEPTED]
            assert len(accepted) <= role.places
            assert all(p.decided_at and p.decided_by_id for p in accepted)
    rana = User.by_email("volunteer@example.org")
    assert any(
        p.profile.user_id == rana.id and p.state is ParticipationState.ACCEPTED
        for role in cafe.roles
        for p in role.participations
    )


def _statements(app, count: int) -> int:
    executed = []

    def listen(*_args):
        executed.append(1)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        run(app, "--volunteers", "20", "--requests", str(count), "--seed", "4")
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return len(executed)


def test_requests_are_written_in_bulk(app):
    """What makes 2,000 requests load in seconds: the statements do not grow with N."""
    run(app, "--volunteers", "20", "--requests", "0", "--seed", "4")
    remove_demo_requests()
    few = _statements(app, 10)
    remove_demo_requests()
    many = _statements(app, 300)  # and a second weekly series
    assert len(demo_requests()) == 300 + 12
    assert abs(many - few) <= 4, (few, many)


@pytest.mark.parametrize(
    ("email", "paths"),
    [
        (
            "coordinator@example.org",
            ["/home", "/coordinator/requests", "/coordinator/organisations"],
        ),
        ("org@example.org", ["/home", "/requests", "/projects"]),
        ("org2@example.org", ["/home", "/requests"]),
        ("org3@example.org", ["/home"]),
        ("org4@example.org", ["/home"]),
        ("volunteer@example.org", ["/home", "/projects", "/projects/mine"]),
    ],
)
def test_the_demo_pages_show_the_data(app, loaded, email, paths):
    client = app.test_client()
    user = User.by_email(email)
    log_in(client, user)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (email, path)
    if email == "coordinator@example.org":
        board = page(client.get("/coordinator/requests"))
        assert len(re.findall(r'href="/requests/\d+"', board)) == 25  # a full first page
        for request in loaded[:: max(1, len(loaded) // 12)]:
            assert client.get(f"/requests/{request.id}").status_code == 200
        for project in db.session.scalars(select(Project)):
            assert client.get(f"/projects/{project.id}").status_code == 200
    if email == "org@example.org":
        home = page(client.get("/home"))
        assert "Eritreische Gemeinde" in home
        first = next(r for r in loaded if r.client_ref == "D-0001")
        assert first.organisation.name.startswith("Eritreische Gemeinde")
        mine = page(client.get("/requests"))  # its short-notice request, among others
        assert f'href="/requests/{first.id}"' in mine
