"""The volunteer's profile form: what it stores, what it refuses, and that a GET stores nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.helpers import page
from tests.integration.volunteer_support import municipality, profile
from wirnet.extensions import db
from wirnet.volunteers.models import Gender, Mobility, Topic, VolunteerProfile


def _form(place, **overrides):
    data = {
        "display_name": "Rana Haddad",
        "phone": "+49 (561) 123-45 / 6",
        "municipality": str(place.id),
        "mobility": "public_transport",
        "max_distance_km": "25",
        "topics": ["health", "language_mediation"],
        "gender": "female",
        "about": "I like <b>cooking</b>.",
        "in_directory": "y",
    }
    data.update(overrides)
    return data


def _profiles() -> int:
    return db.session.scalar(select(func.count(VolunteerProfile.id)))


def test_the_empty_form_creates_nothing_and_explains_gender(client_as):
    before = _profiles()
    html = page(client_as("volunteer").get("/volunteer/profile"))
    assert _profiles() == before
    assert "gynaecologist" in html
    for label in ("On foot", "Bicycle", "Bus and train", "Car"):
        assert label in html
    for topic in ("Health", "School and childcare", "Work and jobs", "Leisure and sport"):
        assert topic in html


def test_saving_the_profile(client_as, users):
    place = municipality("Hofgeismar")
    response = client_as("volunteer").post("/volunteer/profile", data=_form(place))
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.scalar(
        select(VolunteerProfile).where(VolunteerProfile.user_id == users["volunteer"].id)
    )
    assert users["volunteer"].display_name == "Rana Haddad"
    assert saved.phone == "+49 (561) 123-45 / 6"
    assert saved.municipality_id == place.id
    assert saved.mobility is Mobility.PUBLIC_TRANSPORT
    assert saved.max_distance_km == 25
    assert set(saved.topics) == {Topic.HEALTH, Topic.LANGUAGE_MEDIATION}
    assert saved.gender is Gender.FEMALE
    assert saved.about == "I like <b>cooking</b>."  # stored as typed
    assert saved.in_directory is True


def test_gender_no_answer_is_stored_as_nothing(client_as, users):
    place = municipality("Calden")
    client_as("volunteer").post("/volunteer/profile", data=_form(place, gender=""))
    db.session.expire_all()
    saved = db.session.scalar(
        select(VolunteerProfile).where(VolunteerProfile.user_id == users["volunteer"].id)
    )
    assert saved.gender is None


def test_the_text_about_oneself_is_shown_only_sanitized(client_as, users):
    profile(users["volunteer"], about='Hi <script>alert(1)</script><a href="javascript:x">x</a>')
    html = page(client_as("volunteer").get("/volunteer/profile"))
    shown = html.split('id="about-heading"')[1]
    assert "<script>" not in shown and "javascript:" not in shown


def test_a_bad_phone_number_is_refused_keeping_the_input(client_as, users):
    place = municipality("Vellmar")
    before = _profiles()
    response = client_as("volunteer").post(
        "/volunteer/profile", data=_form(place, phone="call me maybe", display_name="Rana H.")
    )
    assert response.status_code == 422
    html = page(response)
    assert "Please use only digits, spaces and the signs" in html
    assert 'value="call me maybe"' in html and 'value="Rana H."' in html
    db.session.expire_all()
    assert _profiles() == before
    assert users["volunteer"].display_name == "Rana Volunteer"


def test_distance_out_of_range_and_unknown_town_are_refused(client_as):
    place = municipality("Wolfhagen")
    client = client_as("volunteer")
    before = _profiles()
    response = client.post("/volunteer/profile", data=_form(place, max_distance_km="500"))
    assert response.status_code == 422
    assert "Please enter a number from 0 to 200." in page(response)
    response = client.post("/volunteer/profile", data=_form(place, municipality="999999"))
    assert response.status_code == 422
    assert "Please choose a municipality from the list." in page(response)
    response = client.post("/volunteer/profile", data=_form(place, phone="1" * 41))
    assert response.status_code == 422
    assert _profiles() == before


def test_towns_are_sorted_for_people_not_by_code_point(client_as):
    for name in ("Zierenberg", "Ahnatal", "Ölberg", "Naumburg"):
        municipality(name)
    html = page(client_as("volunteer").get("/volunteer/profile"))
    positions = [
        html.index(f">{name}<") for name in ("Ahnatal", "Naumburg", "Ölberg", "Zierenberg")
    ]
    assert positions == sorted(positions)
