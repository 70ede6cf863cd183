"""Every page of the volunteer's own: labelled fields, one h1, light enough for a phone, in
each shipped language, with and without data."""

from __future__ import annotations

import pytest

from tests.helpers import page
from tests.integration.test_accessibility import PageStructure
from tests.integration.volunteer_support import catalogue, complete_profile
from wirnet.config import SHIPPED_LOCALES
from wirnet.extensions import db

PAGES = (
    "/home",
    "/volunteer/profile",
    "/volunteer/languages",
    "/volunteer/qualifications",
    "/volunteer/availability",
    "/volunteer/conflicts",
    "/volunteers/directory",
)


@pytest.fixture
def css_size(client_as) -> int:
    response = client_as("anonymous").get("/static/css/wirnet.css")
    size = len(response.data)
    response.close()
    return size


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
@pytest.mark.parametrize("filled", [False, True])
def test_pages_are_accessible_and_light(client_as, users, css_size, locale, filled):
    if filled:
        catalogue()
        complete_profile(users["volunteer"], topics=["health"], about="<p>Hallo</p>")
    users["volunteer"].locale = locale
    db.session.flush()
    client = client_as("volunteer")
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        html = page(response)
        structure = PageStructure()
        structure.feed(html)
        for field in structure.fields:
            assert field.get("id") in structure.label_for, (path, field)
        duplicates = {i for i in structure.ids if structure.ids.count(i) > 1}
        assert not duplicates, (path, duplicates)
        assert [tag for tag, _ in structure.tags].count("h1") == 1, path
        assert len(response.data) + css_size < 50_000, (path, len(response.data), css_size)
