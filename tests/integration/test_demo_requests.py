"""``flask demo-data --requests N``: organisations, requests in every state with a history
that follows the life cycle, volunteers booked for them, and projects with roles and
applications; reproducible, idempotent, written in bulk, and the pages show them."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, event, func, select

from tests.conftest import log_in
from tests.helpers import page, text
from wirnet.auth.models import User
from wirnet.demo_activity import REF_PREFIX
from wirnet.extensions import db
from wirnet.organisations.models import Membership, Organisation, OrganisationStatus
from wirnet.projects.models import Participation, ParticipationState, Project, ProjectState
from wirnet.requests import lifecycle
from wirnet.requests.models import (
    Assignment,
    AssignmentOrigin,
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
A = AssignmentState
BERLIN = ZoneInfo("Europe/Berlin")
#: Assignments that hold the volunteer's time.
BOOKED = (A.ACCEPTED, A.COMPLETED, A.NO_SHOW)
OUTCOMES = (A.COMPLETED, A.NO_SHOW)


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
            select(
                User.email,
                Assignment.state,
                Assignment.origin,
                Assignment.starts_at,
                Assignment.ends_at,
                Assignment.wave,
                Assignment.nonce.is_not(None),  # the nonce itself is a fresh secret
                Assignment.hours,
                Assignment.km,
                Assignment.note,
                Assignment.outcome_at,
                Assignment.created_at,
                Assignment.answered_at,
            )
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
                request.feedback,
                request.feedback_at,
                _email(request.feedback_by_id),
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


def start_of_today() -> datetime:
    return datetime.combine(date.today(), time(0), tzinfo=BERLIN).astimezone(UTC)


def began(request: Request) -> datetime:
    """When the appointment began (a flexible window: its first morning)."""
    if request.starts_at is not None:
        return request.starts_at
    return datetime.combine(request.window_from, time(0), tzinfo=BERLIN)


def ended(request: Request) -> datetime:
    """When the appointment was over (a flexible window: when its deadline had passed)."""
    if request.ends_at is not None:
        return request.ends_at
    return datetime.combine(request.deadline + timedelta(days=1), time(0), tzinfo=BERLIN)


def assignments_of(request: Request) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment).where(Assignment.request_id == request.id).order_by(Assignment.id)
        )
    )


def overlapping_bookings() -> list[tuple[int, int]]:
    """Pairs of one volunteer's bookings (accepted or carried out) whose times overlap
    (half-open, as the PostgreSQL constraint)."""
    rows = db.session.execute(
        select(Assignment.id, Assignment.profile_id, Assignment.starts_at, Assignment.ends_at)
        .where(Assignment.state.in_(BOOKED), Assignment.starts_at.is_not(None))
        .order_by(Assignment.profile_id, Assignment.starts_at)
    ).all()
    found, latest = [], {}
    for row in rows:
        before = latest.get(row.profile_id)
        if before is not None and row.starts_at < before.ends_at:
            found.append((before.id, row.id))
        if before is None or row.ends_at > before.ends_at:
            latest[row.profile_id] = row
    return found


def demo_volunteer() -> VolunteerProfile:
    user = User.by_email("volunteer@example.org")
    return db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))


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
    # The new ones keep clear of the bookings made the first time.
    assert overlapping_bookings() == []
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
    done = {r.starts_at.date() for r in fixed if r.state in (S.COMPLETED, S.CONFIRMED)}
    coming = {r.starts_at.date() for r in fixed if r.state in (S.OPEN, S.ASSIGNED)}
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


def check_assignments(requests: list[Request]) -> Counter:
    """Each state's assignments as the life cycle means it; returns what was seen."""
    now = datetime.now(UTC)
    today = start_of_today()
    rana = demo_volunteer()
    seen: Counter = Counter()
    for request in requests:
        ref, rows = request.client_ref, assignments_of(request)
        accepted = [a for a in rows if a.state is A.ACCEPTED]
        reported = [a for a in rows if a.state in OUTCOMES]
        history = {e.to_state: e for e in request.events if e.kind == "state"}
        for a in rows:
            seen[(request.state, a.state)] += 1
            seen[a.origin] += 1
            # The request's time, copied for the rule against double bookings.
            assert (a.starts_at, a.ends_at) == (request.starts_at, request.ends_at), ref
            assert a.wave == 1
            assert a.profile.status is VolunteerStatus.ACTIVE
            # Offers carry the nonce of their links; an offer accepted or declined was
            # answered, then.
            assert (a.nonce is not None) is (a.origin is AssignmentOrigin.PROPOSAL), ref
            if a.nonce is not None:
                assert re.fullmatch(r"[0-9a-f]{32}", a.nonce)
            if a.state is A.PROPOSED or a.origin is not AssignmentOrigin.PROPOSAL:
                assert a.answered_at is None, ref
            elif a.state in (A.DECLINED, *BOOKED):
                assert a.answered_at is not None, ref
            if a.state not in OUTCOMES:
                assert a.outcome_at is a.hours is a.km is a.note is None, ref
        if request.state in (S.CONFIRMED, S.COMPLETED):
            # Carried out: over, and every booked volunteer's report in after it began.
            assert ended(request) <= now, ref
            assert not accepted and len(reported) == request.volunteers_needed, ref
            for a in reported:
                assert a.outcome_by_id is not None
                assert began(request) <= a.outcome_at <= now, ref
                if request.starts_at is not None:
                    assert a.outcome_at >= request.ends_at, ref
                if a.state is A.COMPLETED:
                    assert 0.5 <= a.hours <= 4 and (a.hours * 4).is_integer(), (ref, a.hours)
                    assert a.km is not None and a.km >= 0 and a.note, ref
                else:
                    assert a.hours is None and a.km is None, ref
            assert history[S.CONFIRMED].at == max(a.outcome_at for a in reported), ref
        if request.state is S.CONFIRMED:
            assert request.feedback_at is None and request.feedback is None, ref
        elif request.state is S.COMPLETED:
            # Confirmed by the organisation (perhaps with feedback) or closed by a coordinator.
            closed = history[S.COMPLETED]
            assert request.feedback_at == closed.at, ref
            assert request.feedback_by_id == closed.actor_id is not None, ref
            assert closed.at >= history[S.CONFIRMED].at, ref
            seen["feedback"] += request.feedback is not None
        elif request.state is S.ASSIGNED:
            # Every place taken, nothing reported yet; the appointment still ahead, except
            # the demo volunteer's whose hours are still to be recorded.
            assert len(accepted) == request.volunteers_needed and not reported, ref
            if ended(request) <= today:
                assert rana.id in {a.profile_id for a in accepted}, ref
                seen["to record"] += 1
        elif request.state is S.OPEN:
            assert ended(request) > now, ref
            assert len(accepted) < request.volunteers_needed and not reported, ref
            seen["partly booked"] += bool(accepted)
        else:
            assert not accepted and not reported, ref
    return seen


def test_each_state_has_the_assignments_it_means(loaded):
    seen = check_assignments(loaded)
    assert seen[(S.OPEN, A.PROPOSED)] and seen[(S.ASSIGNED, A.ACCEPTED)], seen
    assert seen[(S.CONFIRMED, A.COMPLETED)] and seen[(S.COMPLETED, A.COMPLETED)], seen
    assert seen["partly booked"] and seen["feedback"] and seen["to record"] == 1, seen
    # Mostly offers accepted, some booked directly.
    assert seen[AssignmentOrigin.PROPOSAL] > seen[AssignmentOrigin.DIRECT] > 0, seen
    assert overlapping_bookings() == []
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


def test_few_volunteers_for_many_requests_are_never_booked_twice_at_once(app):
    """Ten volunteers for 400 requests: their bookings would clash all the time if the
    generator did not keep each volunteer's times apart (PostgreSQL would refuse the load)."""
    run(app, "--volunteers", "10", "--requests", "400", "--seed", "8")
    requests = demo_requests()
    assert overlapping_bookings() == []
    seen = check_assignments(requests)
    assert seen[(S.COMPLETED, A.NO_SHOW)] + seen[(S.CONFIRMED, A.NO_SHOW)], seen
    assert seen[AssignmentOrigin.VOLUNTEER] and seen[(S.OPEN, A.VOLUNTEERED)], seen


def test_the_demo_volunteer_sees_the_whole_flow(app, loaded):
    """volunteer@example.org: an offer to answer, an appointment coming up, one behind her
    whose hours are still to be recorded, and some carried out."""
    now = datetime.now(UTC)
    rana = demo_volunteer()
    spoken = {skill.code.split("-")[0] for skill in rana.languages}
    rows = db.session.scalars(select(Assignment).where(Assignment.profile_id == rana.id)).all()
    offers = [
        a
        for a in rows
        if a.state is A.PROPOSED
        and a.request.state is S.OPEN
        and began(a.request) > now
        and a.request.language_code.split("-")[0] in spoken
    ]
    upcoming = [
        a
        for a in rows
        if a.state is A.ACCEPTED
        and a.request.state is S.ASSIGNED
        and began(a.request) > now
        and a.request.address
    ]
    to_record = [
        a
        for a in rows
        if a.state is A.ACCEPTED
        and a.request.state is S.ASSIGNED
        and now - timedelta(days=5) < ended(a.request) <= now
    ]
    done = [a for a in rows if a.state is A.COMPLETED]
    assert offers and upcoming and to_record and len(done) >= 2, rows

    client = app.test_client()
    log_in(client, rana.user)
    mine = page(client.get("/volunteer/assignments"))
    assert f"/volunteer/assignments/{offers[0].id}/accept" in mine
    assert f'href="/volunteer/assignments/{upcoming[0].id}"' in mine
    assert f"/assignments/{to_record[0].id}/outcome" in mine
    booked = text(client.get(f"/volunteer/assignments/{upcoming[0].id}"))
    assert upcoming[0].request.address in booked
    assert client.get(f"/assignments/{to_record[0].id}/outcome").status_code == 200


def test_the_demo_organisation_has_a_request_to_confirm(app, loaded):
    """org@example.org: a request carried out, waiting for the organisation's confirmation."""
    semhar = User.by_email("org@example.org")
    waiting = [
        r
        for r in loaded
        if r.state is S.CONFIRMED
        and r.organisation
        and r.organisation.name.startswith("Eritreische Gemeinde")
    ]
    assert waiting
    client = app.test_client()
    log_in(client, semhar)
    shown = page(client.get(f"/requests/{waiting[0].id}"))
    assert f'action="/requests/{waiting[0].id}/confirm"' in shown


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
