"""Local projects (#7, journey 6): a language café in Baunatal needs Arabic and Dari
speakers; volunteers apply; the coordinator (or the partner organisation) accepts them."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import UserFactory
from tests.helpers import outbox, page, text
from tests.integration.project_support import application, place, project
from tests.integration.volunteer_support import complete_profile, counted_statements
from wirnet.extensions import db
from wirnet.organisations.models import Membership
from wirnet.projects.models import (
    Participation,
    ParticipationState,
    Project,
    ProjectRole,
    ProjectState,
)
from wirnet.volunteers.models import VolunteerStatus

A = ParticipationState


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def fresh(row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def project_form(**values) -> dict:
    form = {
        "title": "Sprachcafé Baunatal",
        "municipality": str(place().id),
        "partner": "",
        "description": "<p>Deutsch lernen bei Kaffee und Kuchen.</p>",
        "starts_on": "2025-04-03",
        "ends_on": "2025-12-18",
    }
    form.update(values)
    return form


def role_form(**values) -> dict:
    form = {
        "title": "Arabic speakers for the language café",
        "description": "Thursdays 16–18",
        "places": "2",
        "languages": ["ar-SY"],
        "topics": ["leisure_sport"],
    }
    form.update(values)
    return form


def titles_in(response) -> list[str]:
    return re.findall(
        r'<h3 class="card-title"><a href="/projects/\d+"><bdi>([^<]*)</bdi>', page(response)
    )


# --- creating and running a project -------------------------------------------------------


def test_a_coordinator_creates_a_project_and_adds_the_roles_it_needs(coordinator_client):
    response = coordinator_client.post("/projects/new", data=project_form())
    assert response.status_code == 302
    created = db.session.scalar(select(Project).where(Project.title == "Sprachcafé Baunatal"))
    assert created.state is ProjectState.PLANNED and created.partner_id is None
    assert response.headers["Location"].endswith(f"/projects/{created.id}/roles/new")

    for values in (
        role_form(),
        role_form(title="Dari speakers", places="1", languages=["prs"], topics=[]),
    ):
        response = coordinator_client.post(f"/projects/{created.id}/roles/new", data=values)
        assert response.status_code == 302, page(response)
    roles = fresh(created).roles
    # "prs" (ISO 639-3 for Dari) is stored as the list's tag.
    assert [(r.title, r.places, r.languages) for r in roles] == [
        ("Arabic speakers for the language café", 2, ["ar-SY"]),
        ("Dari speakers", 1, ["fa-AF"]),
    ]
    html = text(coordinator_client.get(f"/projects/{created.id}"))
    assert "2 of 2 places free" in html and "1 of 1 place free" in html
    assert "Arabic (Syria)" in html and "Dari" in html and "Thursdays 16–18" in html
    # The description is rich text, shown sanitized.
    assert "<p>Deutsch lernen bei Kaffee und Kuchen.</p>" in html


def test_the_description_is_sanitized(coordinator_client):
    data = project_form(description='<p onclick="x()">Hi</p><script>alert(1)</script>')
    coordinator_client.post("/projects/new", data=data)
    created = db.session.scalar(select(Project).where(Project.title == "Sprachcafé Baunatal"))
    html = page(coordinator_client.get(f"/projects/{created.id}"))
    assert "<script>alert(1)" not in html and "onclick" not in html


def test_an_org_admin_creates_projects_only_for_their_own_organisation(client_as, orgs):
    client = client_as("org_member")
    form_page = page(client.get("/projects/new"))
    assert "Eritreische Gemeinde Kassel" in form_page
    assert "Familienzentrum Vellmar" not in form_page  # another organisation's
    assert "No partner organisation" not in form_page  # only coordinators run projects alone

    other = client.post("/projects/new", data=project_form(partner=str(orgs["other_org"].id)))
    assert other.status_code == 422
    assert "Please choose an organisation from the list." in page(other)
    alone = client.post("/projects/new", data=project_form(partner=""))
    assert alone.status_code == 422
    assert count(Project) == 0

    own = client.post("/projects/new", data=project_form(partner=str(orgs["org_member"].id)))
    assert own.status_code == 302
    created = db.session.scalar(select(Project))
    assert created.partner_id == orgs["org_member"].id


def test_a_member_who_is_not_an_org_admin_cannot_create_projects(client_as, users, orgs):
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == users["org_member"].id)
    )
    membership.is_admin = False
    db.session.flush()
    assert client_as("org_member").get("/projects/new").status_code == 403


@pytest.mark.parametrize(
    ("values", "field_value", "message"),
    [
        (
            {"starts_on": "2025-06-01", "ends_on": "2025-05-31"},
            'value="2025-05-31"',
            "The end cannot be before the start.",
        ),
        ({"title": "S" * 161}, 'value="' + "S" * 161 + '"', "Use at most 160 characters."),
        ({"title": ""}, 'value="2025-04-03"', "Please enter a title."),
        ({"starts_on": "2025-13-45"}, 'value="2025-13-45"', "Please enter a valid date"),
        ({"municipality": "999999"}, 'value="2025-04-03"', "Please choose a town or municipality"),
    ],
)
def test_bad_project_input_is_refused_kept_and_changes_nothing(
    coordinator_client, values, field_value, message
):
    response = coordinator_client.post("/projects/new", data=project_form(**values))
    assert response.status_code == 422
    html = page(response)
    assert message in html
    assert field_value in html
    assert "Deutsch lernen bei Kaffee und Kuchen." in html  # the rest is kept too
    assert count(Project) == 0


def test_bad_project_input_is_translated(coordinator_client, users):
    users["coordinator"].locale = "de"
    db.session.flush()
    response = coordinator_client.post("/projects/new", data=project_form(title="S" * 161))
    assert response.status_code == 422
    assert "Verwenden Sie höchstens 160 Zeichen." in page(response)
    assert count(Project) == 0


def test_editing_a_project_keeps_the_end_after_the_start(coordinator_client):
    row = project(ends_on=date(2025, 12, 1))
    response = coordinator_client.post(
        f"/projects/{row.id}/edit",
        data=project_form(title="Neuer Titel", starts_on="2025-12-02", ends_on="2025-12-01"),
    )
    assert response.status_code == 422
    assert "The end cannot be before the start." in page(response)
    assert 'value="Neuer Titel"' in page(response)
    assert fresh(row).title == "Sprachcafé Baunatal"

    ok = coordinator_client.post(
        f"/projects/{row.id}/edit", data=project_form(title="Neuer Titel", ends_on="")
    )
    assert ok.status_code == 302
    assert (fresh(row).title, fresh(row).ends_on) == ("Neuer Titel", None)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"languages": ["ar-SY", "xx-ZZ"]}, "xx-ZZ is not a language on the list."),
        ({"places": "0"}, "Please enter a number from 1 to 100."),
        ({"places": "zwei"}, "Please enter a whole number."),
        ({"title": "T" * 161}, "Use at most 160 characters."),
        ({"topics": ["knitting"]}, "is not a valid choice"),
    ],
)
def test_bad_role_input_is_refused_kept_and_changes_nothing(coordinator_client, values, message):
    row = project(roles=[])
    response = coordinator_client.post(
        f"/projects/{row.id}/roles/new", data=role_form(description="Freitags", **values)
    )
    assert response.status_code == 422
    html = page(response)
    assert message in html
    assert "Freitags</textarea>" in html  # what was typed stays
    assert count(ProjectRole) == 0


def test_the_places_of_a_role_cannot_drop_below_those_accepted(coordinator_client, users):
    row = project(roles=[{"places": 3}])
    target = row.roles[0]
    for user in (UserFactory(), UserFactory()):
        application(target, user, A.ACCEPTED)
    response = coordinator_client.post(
        f"/projects/{row.id}/roles/{target.id}/edit", data=role_form(places="1")
    )
    assert response.status_code == 422
    assert "2 people are already accepted for this role" in page(response)
    assert fresh(target).places == 3
    assert (
        coordinator_client.post(
            f"/projects/{row.id}/roles/{target.id}/edit", data=role_form(places="2")
        ).status_code
        == 302
    )
    assert fresh(target).places == 2


def test_a_role_is_removed_only_when_nobody_applied(coordinator_client):
    row = project(roles=[{"title": "Empty"}, {"title": "Wanted"}])
    empty, wanted = row.roles
    application(wanted, UserFactory())
    refused = coordinator_client.post(f"/projects/{row.id}/roles/{wanted.id}/remove")
    assert refused.status_code == 422
    assert "Decline their applications first." in page(refused)
    assert count(ProjectRole) == 2
    assert coordinator_client.post(f"/projects/{row.id}/roles/{empty.id}/remove").status_code == 302
    assert [r.title for r in fresh(row).roles] == ["Wanted"]


def state_of(row) -> ProjectState:
    return fresh(row).state


def test_the_project_life_cycle(coordinator_client):
    row = project()
    url = f"/projects/{row.id}/state"
    html = page(coordinator_client.get(f"/projects/{row.id}"))
    assert "Start the project" in html and "End the project" in html

    assert coordinator_client.post(url, data={"state": "running"}).status_code == 302
    assert state_of(row) is ProjectState.RUNNING
    html = page(coordinator_client.get(f"/projects/{row.id}"))
    assert "Start the project" not in html

    back = coordinator_client.post(url, data={"state": "planned"})
    assert back.status_code == 422
    assert "This change of state is not possible." in page(back)
    assert state_of(row) is ProjectState.RUNNING

    assert coordinator_client.post(url, data={"state": "finished"}).status_code == 302
    assert state_of(row) is ProjectState.FINISHED
    for illegal in ("running", "planned", "finished", "archived", ""):
        response = coordinator_client.post(url, data={"state": illegal})
        assert response.status_code == 422, illegal
        assert "This change of state is not possible." in page(response)
        assert state_of(row) is ProjectState.FINISHED


def test_a_planned_project_can_end_without_having_run(coordinator_client):
    row = project()
    assert (
        coordinator_client.post(f"/projects/{row.id}/state", data={"state": "finished"})
    ).status_code == 302
    assert state_of(row) is ProjectState.FINISHED


def test_the_partner_s_org_admin_runs_the_project_and_other_organisations_cannot(
    client_as, users, orgs
):
    row = project(orgs["org_member"])
    partner = client_as("org_member")
    assert partner.post(f"/projects/{row.id}/state", data={"state": "running"}).status_code == 302
    edit = partner.post(
        f"/projects/{row.id}/edit",
        data=project_form(title="Sprachcafé", partner=str(orgs["org_member"].id)),
    )
    assert edit.status_code == 302

    other = client_as("other_org")
    assert other.get(f"/projects/{row.id}/edit").status_code == 404
    assert other.post(f"/projects/{row.id}/state", data={"state": "finished"}).status_code == 404
    assert other.post(f"/projects/{row.id}/roles/new", data=role_form()).status_code == 404
    # They may read the open project like everyone, but not its applications.
    html = page(other.get(f"/projects/{row.id}"))
    assert "Run this project" not in html and "Applications" not in html
    # A volunteer may browse and apply, never run a project.
    assert client_as("volunteer").get(f"/projects/{row.id}/edit").status_code == 403
    assert fresh(row).state is ProjectState.RUNNING and fresh(row).title == "Sprachcafé"


def test_a_plain_member_of_the_partner_may_look_but_not_run_it(client_as, users, orgs):
    row = project(orgs["org_member"])
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == users["org_member"].id)
    )
    membership.is_admin = False
    db.session.flush()
    client = client_as("org_member")
    assert client.get(f"/projects/{row.id}").status_code == 200
    assert client.get(f"/projects/{row.id}/edit").status_code == 403


# --- browsing -------------------------------------------------------------------------------


@pytest.fixture
def county(users):
    baunatal, vellmar = place("Baunatal"), place("Vellmar")
    return {
        "cafe": project(
            title="Sprachcafé Baunatal",
            town=baunatal,
            state=ProjectState.RUNNING,
            roles=[
                {"title": "Arabic", "languages": ["ar-SY"], "topics": ["leisure_sport"]},
                {"title": "Dari", "languages": ["fa-AF"], "topics": ["leisure_sport"]},
            ],
        ),
        "homework": project(
            title="Hausaufgabenhilfe Vellmar",
            town=vellmar,
            roles=[{"title": "Helpers", "languages": ["ar"], "topics": ["school_childcare"]}],
        ),
        "mapuche": project(
            title="Mapudungun",
            town=vellmar,
            roles=[{"title": "Speakers", "languages": ["arn"], "topics": []}],
        ),
        "farsi": project(
            title="Farsi Lesekreis",
            town=baunatal,
            roles=[{"title": "Readers", "languages": ["fa"], "topics": ["leisure_sport"]}],
        ),
        "finished": project(
            title="Finished Café", town=baunatal, state=ProjectState.FINISHED, roles=[{}]
        ),
    }


def listed(client, **params) -> list[str]:
    return titles_in(client.get("/projects", query_string=params))


def test_volunteers_browse_open_projects_only(volunteer_client, county):
    assert sorted(listed(volunteer_client)) == [
        "Farsi Lesekreis",
        "Hausaufgabenhilfe Vellmar",
        "Mapudungun",
        "Sprachcafé Baunatal",
    ]


def test_those_who_ran_projects_find_the_finished_ones(client_as, users, orgs, county):
    ours = project(orgs["org_member"], title="Our Finished", state=ProjectState.FINISHED)
    project(orgs["other_org"], title="Their Finished", state=ProjectState.FINISHED)
    coordinator = listed(client_as("coordinator"), finished="y")
    assert sorted(coordinator) == ["Finished Café", "Our Finished", "Their Finished"]
    assert listed(client_as("org_member"), finished="y") == [ours.title]
    assert "Finished projects instead of open ones" not in page(
        client_as("volunteer").get("/projects")
    )
    assert "Finished Café" not in listed(client_as("volunteer"), finished="y")


def test_filters_by_municipality_topic_and_language(volunteer_client, county):
    baunatal = county["cafe"].municipality_id
    assert sorted(listed(volunteer_client, municipality=baunatal)) == [
        "Farsi Lesekreis",
        "Sprachcafé Baunatal",
    ]
    assert listed(volunteer_client, topic="school_childcare") == ["Hausaufgabenhilfe Vellmar"]
    # "ar" finds roles asking for Arabic or a variety of it, never Mapudungun ("arn").
    assert sorted(listed(volunteer_client, language="ar")) == [
        "Hausaufgabenhilfe Vellmar",
        "Sprachcafé Baunatal",
    ]
    assert listed(volunteer_client, language="ar-SY") == ["Sprachcafé Baunatal"]
    assert listed(volunteer_client, language="AR_sy") == ["Sprachcafé Baunatal"]
    # Dari is a variety of Persian: "fa" finds both, "fa-AF" only Dari.
    assert sorted(listed(volunteer_client, language="fa")) == [
        "Farsi Lesekreis",
        "Sprachcafé Baunatal",
    ]
    assert listed(volunteer_client, language="fa-AF") == ["Sprachcafé Baunatal"]
    # Language and topic together: one role must ask for both.
    assert listed(volunteer_client, language="ar", topic="leisure_sport") == ["Sprachcafé Baunatal"]
    assert listed(volunteer_client, language="ar", municipality=baunatal) == ["Sprachcafé Baunatal"]


def test_the_language_choices_name_varieties_in_the_reader_s_language(volunteer_client, county):
    html = page(volunteer_client.get("/projects"))
    assert '<option value="ar">Arabic, all varieties</option>' in html
    assert '<option value="fa-AF">Dari</option>' in html


def test_a_filter_that_is_not_on_the_list_says_so(volunteer_client, county):
    response = volunteer_client.get("/projects", query_string={"topic": "knitting%"})
    assert response.status_code == 422
    assert "Please choose one of the listed topics." in page(response)
    assert len(titles_in(response)) == 4  # the rest of the list still works


def test_the_list_shows_free_places(volunteer_client, county):
    application(county["cafe"].roles[0], UserFactory(), A.ACCEPTED)
    application(county["cafe"].roles[0], UserFactory(), A.ACCEPTED)
    html = " ".join(text(volunteer_client.get("/projects")).split())
    assert '<span class="role-facts">Arabic (Syria) · all places taken</span>' in html
    assert '<span class="role-facts">Dari · 2 places free</span>' in html


def test_the_list_reads_a_constant_number_of_queries(volunteer_client, users):
    def fill(number: int) -> None:
        for index in range(number):
            row = project(title=f"Project {index:02}", roles=[{}, {"languages": ["fa-AF"]}])
            application(row.roles[0], UserFactory(), A.ACCEPTED)

    fill(5)
    with counted_statements() as few:
        assert volunteer_client.get("/projects").status_code == 200
    fill(25)
    with counted_statements() as many:
        response = volunteer_client.get("/projects")
    assert len(titles_in(response)) == 20  # one page
    assert len(many) == len(few), (len(few), len(many))
    with counted_statements() as filtered:
        volunteer_client.get("/projects", query_string={"language": "ar", "page": "2"})
    assert len(filtered) == len(few)


# --- applying -------------------------------------------------------------------------------


@pytest.fixture
def cafe(users):
    return project(title="Sprachcafé Baunatal", roles=[{"places": 2}])


def test_an_active_volunteer_applies_withdraws_and_applies_again(volunteer_client, users, cafe):
    complete_profile(users["volunteer"])
    target = cafe.roles[0]
    url = f"/projects/{cafe.id}/roles/{target.id}/apply"
    response = volunteer_client.post(url, data={f"apply-{target.id}-message": "Ich komme gern."})
    assert response.status_code == 302
    mine = db.session.scalar(select(Participation))
    assert (mine.state, mine.message) == (A.APPLIED, "Ich komme gern.")
    assert "Waiting for an answer" in page(volunteer_client.get(f"/projects/{cafe.id}"))
    listing = text(volunteer_client.get("/projects/mine"))
    assert "Sprachcafé Baunatal" in listing and "Waiting for an answer" in listing

    twice = volunteer_client.post(url, data={})
    assert twice.status_code == 422
    assert "You have already applied for this role." in page(twice)
    assert count(Participation) == 1

    withdrawn = volunteer_client.post(f"/projects/{cafe.id}/applications/{mine.id}/withdraw")
    assert withdrawn.status_code == 302
    assert fresh(mine).state is A.WITHDRAWN
    assert "Withdrawn" in page(volunteer_client.get("/projects/mine"))

    again = volunteer_client.post(url, data={f"apply-{target.id}-message": "Doch!"})
    assert again.status_code == 302
    assert (fresh(mine).state, fresh(mine).message) == (A.APPLIED, "Doch!")
    assert count(Participation) == 1


@pytest.mark.parametrize(
    ("status", "explanation"),
    [
        (None, "Please fill in your volunteer profile first"),
        (VolunteerStatus.APPLICANT, "The centre activates you after a short introductory talk."),
        (VolunteerStatus.PAUSED, "You are taking a break."),
        (VolunteerStatus.LEFT, "You have left the volunteer team."),
    ],
)
def test_a_volunteer_who_is_not_active_is_told_why_they_cannot_apply(
    volunteer_client, users, cafe, status, explanation
):
    if status is not None:
        complete_profile(users["volunteer"], status=status)
    target = cafe.roles[0]
    html = page(volunteer_client.get(f"/projects/{cafe.id}"))
    assert explanation in html
    assert "Apply for this role" not in html
    response = volunteer_client.post(f"/projects/{cafe.id}/roles/{target.id}/apply")
    assert response.status_code == 422
    assert explanation in page(response)
    assert count(Participation) == 0


def test_an_overlong_message_is_refused_and_kept(volunteer_client, users, cafe):
    complete_profile(users["volunteer"])
    target = cafe.roles[0]
    response = volunteer_client.post(
        f"/projects/{cafe.id}/roles/{target.id}/apply",
        data={f"apply-{target.id}-message": "M" * 501},
    )
    assert response.status_code == 422
    html = page(response)
    assert "Use at most 500 characters." in html
    assert "M" * 501 + "</textarea>" in html
    assert count(Participation) == 0


def test_no_application_to_a_full_role_or_a_finished_project(volunteer_client, users):
    complete_profile(users["volunteer"])
    full = project(roles=[{"places": 1}])
    application(full.roles[0], UserFactory(), A.ACCEPTED)
    response = volunteer_client.post(f"/projects/{full.id}/roles/{full.roles[0].id}/apply")
    assert response.status_code == 422
    assert "All places of this role are taken." in page(response)

    done = project(state=ProjectState.FINISHED)
    response = volunteer_client.post(f"/projects/{done.id}/roles/{done.roles[0].id}/apply")
    # A finished project is not shown to volunteers who never applied.
    assert response.status_code == 404
    assert count(Participation) == 1


def test_a_declined_volunteer_cannot_apply_again_for_the_same_role(volunteer_client, users, cafe):
    complete_profile(users["volunteer"])
    application(cafe.roles[0], users["volunteer"], A.DECLINED)
    response = volunteer_client.post(f"/projects/{cafe.id}/roles/{cafe.roles[0].id}/apply")
    assert response.status_code == 422
    assert "Your application for this role was declined." in page(response)


def test_a_volunteer_cannot_withdraw_someone_else_s_application(client_as, users, cafe):
    theirs = application(cafe.roles[0], users["volunteer"])
    response = client_as("other_volunteer").post(
        f"/projects/{cafe.id}/applications/{theirs.id}/withdraw"
    )
    assert response.status_code == 404
    assert fresh(theirs).state is A.APPLIED


# --- deciding ---------------------------------------------------------------------------------


def test_the_coordinator_accepts_and_the_volunteer_is_told_in_their_language(
    coordinator_client, users, cafe
):
    users["volunteer"].locale = "de"
    complete_profile(users["volunteer"])
    applied = application(cafe.roles[0], users["volunteer"], message="Ich spreche Syrisch.")
    html = page(coordinator_client.get(f"/projects/{cafe.id}"))
    assert "Ich spreche Syrisch." in html
    assert f'href="/coordinator/volunteers/{users["volunteer"].id}"' in html

    response = coordinator_client.post(f"/projects/{cafe.id}/applications/{applied.id}/accept")
    assert response.status_code == 302
    assert fresh(applied).state is A.ACCEPTED
    assert fresh(applied).decided_by_id == users["coordinator"].id
    [mail] = outbox(users["volunteer"].email, "project_application_accepted")
    assert mail.locale == "de"
    assert mail.body_text.startswith("Hallo Rana Volunteer,")
    assert "Sprachcafé Baunatal" in mail.subject
    assert f"/projects/{cafe.id}" in mail.body_text


def test_declining_tells_the_volunteer_too(client_as, users, orgs):
    row = project(orgs["org_member"])
    applied = application(row.roles[0], users["volunteer"])
    response = client_as("org_member").post(f"/projects/{row.id}/applications/{applied.id}/decline")
    assert response.status_code == 302
    assert fresh(applied).state is A.DECLINED
    [mail] = outbox(users["volunteer"].email, "project_application_declined")
    assert mail.locale == "en" and "/projects" in mail.body_text


def test_accepting_beyond_the_places_is_refused_and_changes_nothing(
    coordinator_client, users, cafe
):
    target = cafe.roles[0]
    for user in (UserFactory(), UserFactory()):
        application(target, user, A.ACCEPTED)
    waiting = application(target, users["volunteer"])
    response = coordinator_client.post(f"/projects/{cafe.id}/applications/{waiting.id}/accept")
    assert response.status_code == 422
    assert "All places of this role are taken." in page(response)
    assert fresh(waiting).state is A.APPLIED
    assert outbox(users["volunteer"].email) == []


def test_another_organisation_cannot_decide_on_applications(client_as, users, orgs):
    row = project(orgs["org_member"])
    applied = application(row.roles[0], users["volunteer"])
    other = client_as("other_org")
    for action in ("accept", "decline"):
        response = other.post(f"/projects/{row.id}/applications/{applied.id}/{action}")
        assert response.status_code == 404
    # An application of another project is not reachable through this one either.
    elsewhere = project(orgs["other_org"])
    response = other.post(f"/projects/{elsewhere.id}/applications/{applied.id}/accept")
    assert response.status_code == 404
    assert fresh(applied).state is A.APPLIED
    assert outbox(users["volunteer"].email) == []


def test_participants_are_listed_by_name_only(client_as, users, orgs, cafe):
    rana = users["volunteer"]
    complete_profile(rana)  # with a phone number
    application(cafe.roles[0], rana, A.ACCEPTED)
    application(cafe.roles[0], UserFactory(display_name="Still Waiting"))
    for role_name in ("other_volunteer", "other_org"):
        html = page(client_as(role_name).get(f"/projects/{cafe.id}"))
        assert "<bdi>Rana Volunteer</bdi>" in html
        assert rana.email not in html and "999 123" not in html
        assert "/coordinator/volunteers/" not in html
        assert "Still Waiting" not in html  # applications are for those who run it
    coordinator = page(client_as("coordinator").get(f"/projects/{cafe.id}"))
    assert rana.email not in coordinator
    assert f'<a href="/coordinator/volunteers/{rana.id}"><bdi>Rana Volunteer</bdi></a>' in (
        coordinator
    )


def test_homes_link_to_the_projects(client_as, users, orgs):
    for role_name in ("volunteer", "coordinator", "org_member"):
        assert 'href="/projects"' in page(client_as(role_name).get("/home")), role_name
    assert 'href="/projects/mine"' in page(client_as("volunteer").get("/home"))


def test_a_finished_project_is_shown_to_those_who_took_part_only(client_as, users):
    done = project(state=ProjectState.FINISHED)
    application(done.roles[0], users["volunteer"], A.ACCEPTED)
    assert client_as("volunteer").get(f"/projects/{done.id}").status_code == 200
    assert client_as("other_volunteer").get(f"/projects/{done.id}").status_code == 404
    assert client_as("coordinator").get(f"/projects/{done.id}").status_code == 200
    assert "Finished" in page(client_as("volunteer").get("/projects/mine"))


def test_only_volunteer_accounts_apply(client_as, users, cafe):
    """Only volunteer accounts apply; the button is not there for others, the route is 403."""
    assert "Apply for this role" not in page(client_as("org_member").get(f"/projects/{cafe.id}"))
    response = client_as("coordinator").post(f"/projects/{cafe.id}/roles/{cafe.roles[0].id}/apply")
    assert response.status_code == 403  # the coordinator decides, never applies


def test_the_project_page_works_with_csrf_on(database_url, users, orgs):
    """Several small forms on one page: each carries the token, no two share an id."""
    from tests.conftest import log_in, make_app
    from tests.integration.test_accessibility import PageStructure

    row = project(orgs["org_member"], roles=[{"title": "A"}, {"title": "B"}])
    applied = application(row.roles[0], users["volunteer"])
    application(row.roles[1], users["other_volunteer"])
    client = make_app(database_url, WTF_CSRF_ENABLED=True).test_client()
    log_in(client, users["coordinator"])
    html = page(client.get(f"/projects/{row.id}"))
    structure = PageStructure()
    structure.feed(html)
    assert len(structure.ids) == len(set(structure.ids))
    for field in structure.fields:
        assert field.get("id") in structure.label_for, field
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    url = f"/projects/{row.id}/applications/{applied.id}/accept"
    assert client.post(url).status_code == 400  # without the token
    assert fresh(applied).state is A.APPLIED
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    assert fresh(applied).state is A.ACCEPTED


@pytest.mark.parametrize("locale", ["de", "ar"])
def test_the_project_pages_stay_light(client_as, users, locale):
    """HTML plus CSS under 50 KB, also the role form with every language and a full list."""
    for user in users.values():
        user.locale = locale
    complete_profile(users["volunteer"])
    rows = [
        project(title=f"Projekt {index}", roles=[{}, {"languages": ["fa-AF", "ps", "ti"]}])
        for index in range(25)
    ]
    for row in rows[:10]:
        application(row.roles[0], users["volunteer"])
    db.session.flush()
    css = client_as("anonymous").get("/static/css/wirnet.css")
    css_size = len(css.data)
    css.close()
    first = rows[0]
    for role_name, paths in {
        "volunteer": ["/projects", f"/projects/{first.id}", "/projects/mine"],
        "coordinator": [
            "/projects",
            f"/projects/{first.id}",
            "/projects/new",
            f"/projects/{first.id}/edit",
            f"/projects/{first.id}/roles/new",
            f"/projects/{first.id}/roles/{first.roles[1].id}/edit",
        ],
    }.items():
        client = client_as(role_name)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert len(response.data) + css_size < 50 * 1024, (path, len(response.data))
