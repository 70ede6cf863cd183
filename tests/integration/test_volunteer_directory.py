"""The volunteer directory: opted-in active volunteers' cards, never contact details."""

from __future__ import annotations

from tests.factories import UserFactory
from tests.helpers import page
from tests.integration.volunteer_support import (
    complete_profile,
    counted_statements,
    municipality,
    profile,
    skill,
)
from wirnet.extensions import db
from wirnet.roles import Role
from wirnet.volunteers.models import LanguageLevel, VolunteerStatus


def test_a_volunteer_not_in_the_directory_sees_why_and_how_to_join(client_as, users):
    complete_profile(UserFactory(display_name="Visible Person"))
    html = page(client_as("volunteer").get("/volunteers/directory"))
    assert "You see the directory once you show yourself in it too." in html
    assert "/volunteer/profile#in_directory" in html
    assert "Visible Person" not in html


def test_cards_show_name_town_languages_interests_and_never_contact_details(client_as, users):
    complete_profile(users["volunteer"])
    other = UserFactory(display_name="Yonas Tesfay", email="yonas@example.org")
    row = complete_profile(
        other, municipality=municipality("Hofgeismar"), topics=["health", "projects"]
    )
    skill(row, "ti", LanguageLevel.NATIVE)
    users["volunteer"].locale = "de"
    db.session.flush()
    html = page(client_as("volunteer").get("/volunteers/directory"))
    assert "Yonas Tesfay" in html and "Hofgeismar" in html
    assert "Tigrinya" in html and "Arabisch (Syrien)" in html
    assert "Health" in html or "Gesundheit" in html
    assert "yonas@example.org" not in html
    assert "+49 561 999 123" not in html and "999 123" not in html


def test_only_active_opted_in_volunteers_appear(client_as, users):
    complete_profile(users["volunteer"])
    complete_profile(UserFactory(display_name="Not Opted"), in_directory=False)
    complete_profile(UserFactory(display_name="On Break"), status=VolunteerStatus.PAUSED)
    complete_profile(UserFactory(display_name="Still Applicant"), status=VolunteerStatus.APPLICANT)
    complete_profile(UserFactory(display_name="Deactivated", active=False))
    html = page(client_as("volunteer").get("/volunteers/directory"))
    for name in ("Not Opted", "On Break", "Still Applicant", "Deactivated"):
        assert name not in html


def test_coordinators_see_it_without_a_profile_and_organisations_do_not(client_as):
    complete_profile(UserFactory(display_name="Visible Person"))
    assert "Visible Person" in page(client_as("coordinator").get("/volunteers/directory"))
    assert client_as("org_member").get("/volunteers/directory").status_code == 403


def test_pages(client_as, users):
    complete_profile(users["volunteer"])
    place = municipality("Kaufungen")
    for n in range(25):
        complete_profile(UserFactory(display_name=f"Person {n:02d}"), municipality=place)
    client = client_as("volunteer")
    first = page(client.get("/volunteers/directory"))
    second = page(client.get("/volunteers/directory?page=2"))
    assert first.count('class="panel card"') == 20
    assert second.count('class="panel card"') == 6
    assert 'aria-current="page">2<' in second
    assert client.get("/volunteers/directory?page=999").status_code == 200


def test_directory_query_count_does_not_grow(client_as, users):
    """Both sizes in one test, so that the comparison never depends on test order."""
    complete_profile(users["volunteer"])
    place = municipality("Niestetal")
    client = client_as("volunteer")
    counts = []
    for total in (5, 30):
        while len(_names()) < total:
            n = len(_names())
            row = complete_profile(UserFactory(display_name=f"Q{n:02d}"), municipality=place)
            skill(row, "uk", LanguageLevel.B2)
        client.get("/volunteers/directory")
        with counted_statements() as statements:
            assert client.get("/volunteers/directory").status_code == 200
        counts.append(len(statements))
    # The user, the count, the page of profiles (with towns), their languages.
    assert counts[0] == counts[1] and counts[0] <= 5, counts


def _names() -> list[str]:
    from sqlalchemy import select

    from wirnet.auth.models import User

    return list(
        db.session.scalars(
            select(User.display_name).where(
                User.role == Role.VOLUNTEER, User.display_name.like("Q%")
            )
        )
    )


def test_an_applicant_in_the_directory_sees_it_but_is_not_listed_yet(client_as, users):
    profile(users["volunteer"], in_directory=True)
    html = page(client_as("volunteer").get("/volunteers/directory"))
    assert "Nobody is in the directory yet." in html
