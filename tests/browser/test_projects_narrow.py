"""The project pages on a phone (360 px), in German and in Arabic, in a real browser with
JavaScript off: nothing scrolls sideways, the apply form opens without script, and a
volunteer can apply from the phone.

Debian's chromium, driven by Playwright, against a live server with CSRF on (committed
data, cleaned up after), as in test_narrow_pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.support import assert_fits, serving
from tests.conftest import make_app
from tests.factories import PASSWORD, password_hash
from wirnet.auth.models import User
from wirnet.db_types import utcnow
from wirnet.extensions import db
from wirnet.organisations.models import (
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from wirnet.projects.models import Participation, Project, ProjectRole, ProjectState
from wirnet.regions import Municipality
from wirnet.roles import Role
from wirnet.volunteers.models import Mobility, VolunteerProfile, VolunteerStatus

pytestmark = [pytest.mark.browser, pytest.mark.no_db_rollback]

LONG_TITLE = "Sprachcafé und Hausaufgabenunterstützungsnachmittag für Neuankömmlinge in Baunatal"


def _account(email: str, name: str, role: Role) -> User:
    user = User(
        email=email,
        display_name=name,
        password_hash=password_hash(),
        role=role,
        locale="de",
        active=True,
        email_confirmed_at=utcnow(),
    )
    db.session.add(user)
    return user


@pytest.fixture(scope="module")
def live_server(database_url) -> Iterator[tuple[str, dict]]:
    app = make_app(database_url, WTF_CSRF_ENABLED=True, SERVER_NAME=None)
    with app.app_context():
        db.create_all()
        town = Municipality(ags="06633003", name="Baunatal", kind="Stadt", lat=51.25, lon=9.41)
        _account("leyla.projects@example.org", "Leyla Demir", Role.COORDINATOR)
        volunteer = _account("amal.projects@example.org", "أمل الحلبي", Role.VOLUNTEER)
        admin = _account("semhar.projects@example.org", "Semhar Tesfay", Role.ORG_MEMBER)
        db.session.add(town)
        db.session.flush()
        org = Organisation(
            name="Eritreische Gemeinde Kassel und Umgebung e. V.",
            kind=OrganisationKind.MIGRANT_ORGANISATION,
            contact_name="Semhar Tesfay",
            status=OrganisationStatus.APPROVED,
        )
        org.memberships.append(Membership(user_id=admin.id, is_admin=True))
        db.session.add(org)
        db.session.add(
            VolunteerProfile(
                user_id=volunteer.id,
                status=VolunteerStatus.ACTIVE,
                municipality_id=town.id,
                mobility=Mobility.PUBLIC_TRANSPORT,
            )
        )
        db.session.flush()
        cafe = Project(
            title=LONG_TITLE,
            municipality_id=town.id,
            partner_id=org.id,
            description="<p>Jeden <strong>Donnerstag</strong> in der Stadtbibliothek.</p>",
            starts_on=date(2025, 4, 3),
            ends_on=date(2025, 12, 18),
            state=ProjectState.RUNNING,
        )
        db.session.add(cafe)
        db.session.flush()
        for title, languages in (
            ("Arabischsprachige Begleiterinnen für das Sprachcafé", ["ar-SY", "ar-IQ"]),
            ("Dari-Sprechende", ["fa-AF"]),
        ):
            db.session.add(
                ProjectRole(
                    project_id=cafe.id,
                    title=title,
                    description="Donnerstags 16–18 Uhr",
                    places=2,
                    languages=languages,
                    topics=["leisure_sport", "school_childcare"],
                )
            )
        db.session.commit()
        ids = {"project": cafe.id}
    with serving(app) as base_url:
        yield base_url, ids


def _log_in(page, base: str, email: str) -> None:
    page.goto(base + "/auth/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/home")


def _set_locale(email: str, locale: str) -> None:
    """The account's language (it wins over the browser's)."""
    user = db.session.scalar(select(User).where(User.email == email))
    user.locale = locale
    db.session.commit()


@pytest.mark.parametrize("locale", ["de", "ar"])
def test_the_project_pages_fit_a_phone(live_server, browser, database_url, locale):
    base, ids = live_server
    app = make_app(database_url)
    with app.app_context():
        for email in ("leyla.projects@example.org", "amal.projects@example.org"):
            _set_locale(email, locale)
    project_path = f"/projects/{ids['project']}"
    pages = {
        "leyla.projects@example.org": [
            "/projects",
            project_path,
            "/projects/new",
            project_path + "/edit",
            project_path + "/roles/new",
        ],
        "amal.projects@example.org": ["/home", "/projects", project_path, "/projects/mine"],
    }
    for email, paths in pages.items():
        context = browser.new_context(
            locale=locale, viewport={"width": 360, "height": 740}, java_script_enabled=False
        )
        page = context.new_page()
        _log_in(page, base, email)
        for path in paths:
            page.goto(base + path)
            expect(page.locator("html")).to_have_attribute("lang", locale)
            assert_fits(page, f"{email} {path}")
        if email.startswith("amal"):
            # The volunteer applies from the phone; the form opens without script.
            page.goto(base + project_path)
            page.locator("details.apply summary").first.click()
            page.locator("details.apply textarea").first.fill("Ich kann donnerstags.")
            assert_fits(page, "apply form open")
            page.locator("details.apply button[type=submit]").first.click()
            expect(page.locator(".flash-success")).to_be_visible()
            assert_fits(page, "applied")
        context.close()
    with app.app_context():
        applied = db.session.scalar(select(Participation))
        assert applied is not None and applied.message == "Ich kann donnerstags."
        db.session.delete(applied)
        db.session.commit()
        db.engine.dispose()
