"""Conflicts of interest: people or organisations a volunteer must not be sent to."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.helpers import page
from tests.integration.volunteer_support import profile
from wirnet.audit import AuditEntry
from wirnet.extensions import db
from wirnet.volunteers.models import ConflictOfInterest


def _descriptions(user) -> list[str]:
    db.session.expire_all()
    return [
        c.description
        for c in db.session.scalars(select(ConflictOfInterest).order_by(ConflictOfInterest.id))
        if c.profile.user_id == user.id
    ]


def test_the_page_says_what_it_is_for(client_as):
    html = page(client_as("volunteer").get("/volunteer/conflicts"))
    assert "should not be sent to" in html and "your own employer" in html


def test_adding_listing_and_removing(client_as, users):
    client = client_as("volunteer")
    for text in ("my employer Klinikum X", "family Haddad"):
        assert client.post("/volunteer/conflicts", data={"description": text}).status_code == 302
    assert _descriptions(users["volunteer"]) == ["my employer Klinikum X", "family Haddad"]
    html = page(client.get("/volunteer/conflicts"))
    assert "family Haddad" in html
    first = db.session.scalar(select(ConflictOfInterest).order_by(ConflictOfInterest.id))
    assert client.post(f"/volunteer/conflicts/{first.id}/remove").status_code == 302
    assert _descriptions(users["volunteer"]) == ["family Haddad"]
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"volunteer.conflict_added", "volunteer.conflict_removed"} <= actions


def test_empty_or_too_long_is_refused(client_as):
    client = client_as("volunteer")
    response = client.post("/volunteer/conflicts", data={"description": "   "})
    assert response.status_code == 422
    assert "Please say who you must not be sent to." in page(response)
    response = client.post("/volunteer/conflicts", data={"description": "x" * 201})
    assert response.status_code == 422
    assert 'value="' + "x" * 201 + '"' in page(response)
    assert db.session.scalar(select(func.count(ConflictOfInterest.id))) == 0


def test_another_volunteers_entries_are_neither_shown_nor_removable(client_as, users):
    theirs = ConflictOfInterest(
        profile_id=profile(users["other_volunteer"]).id, description="my neighbour Semhar"
    )
    db.session.add(theirs)
    db.session.flush()
    client = client_as("volunteer")
    assert "my neighbour Semhar" not in page(client.get("/volunteer/conflicts"))
    assert client.post(f"/volunteer/conflicts/{theirs.id}/remove").status_code == 404
    assert _descriptions(users["other_volunteer"]) == ["my neighbour Semhar"]
