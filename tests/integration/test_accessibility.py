"""Structural accessibility checks on every page: labels, landmarks, language, skip link."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest


class PageStructure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict] = []
        self.label_for: set[str] = set()
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "label" and "for" in attributes:
            self.label_for.add(attributes["for"])
        if tag in ("input", "select", "textarea") and attributes.get("type") not in (
            "hidden",
            "submit",
        ):
            self.fields.append(attributes)


PAGES = {
    "anonymous": [
        "/",
        "/privacy",
        "/contact",
        "/imprint",
        "/auth/login",
        "/auth/signup",
        "/auth/forgot",
        "/nowhere",
    ],
    "volunteer": ["/home", "/auth/account"],
    "org_member": ["/home"],
    "coordinator": ["/home"],
    "admin": ["/home"],
}


@pytest.mark.parametrize("role", list(PAGES))
def test_every_field_has_a_visible_label_and_every_page_its_landmarks(client_as, role):
    client = client_as(role)
    for path in PAGES[role]:
        html = client.get(path).get_data(as_text=True)
        structure = PageStructure()
        structure.feed(html)
        for field in structure.fields:
            assert field.get("id") in structure.label_for, (path, field)
        duplicates = {i for i in structure.ids if structure.ids.count(i) > 1}
        assert not duplicates, (path, duplicates)
        tags = [tag for tag, _ in structure.tags]
        assert "main" in tags and "nav" in tags and "header" in tags and "footer" in tags
        assert tags.count("h1") == 1, path
        html_tag = dict(structure.tags)["html"]
        assert html_tag.get("lang") and html_tag.get("dir") in ("ltr", "rtl")
        first_link = next(attrs for tag, attrs in structure.tags if tag == "a")
        assert first_link.get("href") == "#main", "the skip link comes first"


def test_errors_are_announced_and_linked_to_their_fields(client):
    response = client.post("/auth/login", data={"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert 'class="error-summary" role="alert"' in html
    assert 'href="#email"' in html
    assert 'id="email-error"' in html
    assert 'aria-describedby="email-error"' in html
