"""The public page, the home pages, and the weight of every main page of every role."""

from __future__ import annotations

import re

import pytest

from tests.browser.main_pages import (
    ACCOUNTS,
    ROLES,
    main_pages,
    seed,
    set_account_locale,
)
from tests.conftest import BoundSession, log_in
from wirnet.auth.models import User
from wirnet.extensions import db
from wirnet.i18n import LANGUAGE_COOKIE
from wirnet.roles import Role


def test_public_page_explains_the_centre_and_how_to_volunteer(client):
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "How to volunteer" in page
    assert 'href="/auth/signup"' in page


def test_each_role_has_a_home_page_saying_what_to_do_next(client_as):
    expected = {
        "volunteer": "What happens next",
        "org_member": "What you can do here",
        "coordinator": "Your tasks",
        "admin": "Administration",
    }
    for role, heading in expected.items():
        response = client_as(role).get("/home", headers={"Accept-Language": "en"})
        assert response.status_code == 200, role
        assert heading in response.get_data(as_text=True), role


def test_coordinator_home_counts_accounts_by_role(client_as, users):
    page = (
        client_as("coordinator")
        .get("/home", headers={"Accept-Language": "en"})
        .get_data(as_text=True)
    )
    assert "Volunteers" in page
    assert users["coordinator"].role is Role.COORDINATOR


# --- the weight of the main pages ---------------------------------------------------------

#: A page's HTML plus the stylesheet (as served: minified) on a slow phone connection (#9).
WEIGHT_LIMIT = 50 * 1024
#: German (the default); Arabic (right to left); Russian and Ukrainian, whose pages are the
#: heaviest (two bytes a letter, long words: every page near the limit is heaviest in
#: Russian, then Ukrainian, then Arabic). These four take some 7 s; all ten took 17 s.
WEIGHED_LOCALES = ("de", "ar", "ru", "uk")
#: How many main pages each role has at least: main_pages.py may list more, never fewer.
AT_LEAST = {"anonymous": 13, "volunteer": 16, "org_member": 9, "coordinator": 21, "admin": 4}
#: The pages (GET routes) that are no main page of any role, and why.
NOT_MAIN_PAGES = {
    "static": "files; the stylesheet is weighed with every page",
    "main.healthz": "the server's health check, not a page",
    "matching.calendar_feed": "a calendar file (.ics), not a page",
    "matching.assignment_ics": "a calendar file (.ics), not a page",
    "auth.confirm_email": "an e-mail's one-time link: a sentence and a button",
    "auth.confirm_email_change": "an e-mail's one-time link: a sentence and a button",
    "volunteers.accept_invitation": "an e-mail's one-time link for an imported volunteer",
    "organisations.accept_invitation": "an e-mail's one-time link to join an organisation",
}


@pytest.fixture(scope="module")
def weighed(app) -> tuple[dict, dict]:
    """``(pages, found)``: main_pages.py's pages of each role on the demo data, and for each
    ``(role, page name, locale)`` what the page answered: ``(status, bytes, <html lang>)``.

    Everything is fetched once for the module, in a transaction rolled back at the end (as
    the per-test one of conftest.py), so that the demo data is loaded only once.
    """
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": BoundSession,
            }
        )
        try:
            seed()
            pages = main_pages()
            found = {}
            for locale in WEIGHED_LOCALES:
                for role in ROLES:
                    set_account_locale(role, locale)
                    client = app.test_client()
                    client.set_cookie(LANGUAGE_COOKIE, locale)
                    if ACCOUNTS[role] is not None:
                        log_in(client, User.by_email(ACCOUNTS[role]))
                    for page in pages[role]:
                        response = client.get(page.path)
                        lang = re.search(rb'<html lang="([^"]*)"', response.data)
                        found[role, page.name, locale] = (
                            response.status_code,
                            len(response.data),
                            lang.group(1).decode() if lang else None,
                        )
                        response.close()
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()
    return pages, found


@pytest.fixture(scope="module")
def css_size(app) -> int:
    response = app.test_client().get("/static/css/wirnet.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    size = len(response.data)
    response.close()
    return size


@pytest.mark.parametrize("locale", WEIGHED_LOCALES)
def test_every_main_page_is_light_enough_for_a_slow_phone_connection(weighed, css_size, locale):
    """Each role's main pages (main_pages.py, what the accessibility checks visit): the HTML
    plus the stylesheet stays under 50 KB, in the page's own language."""
    pages, found = weighed
    wrong, heavy = [], []
    for role in ROLES:
        for page in pages[role]:
            status, size, lang = found[role, page.name, locale]
            if status != 200 or lang != locale:
                wrong.append(f"  {role} {page.path}: {status}, <html lang={lang!r}>")
            elif size + css_size >= WEIGHT_LIMIT:
                heavy.append(f"  {role} {page.path}: {size} + {css_size} = {size + css_size}")
    assert not wrong, "Not the page in its language (is main_pages.py right?):\n" + "\n".join(wrong)
    assert not heavy, f"Over {WEIGHT_LIMIT} bytes with the stylesheet:\n" + "\n".join(heavy)


def test_the_weighed_pages_are_every_main_page_of_every_role(app, weighed):
    """The list cannot shrink unnoticed: every role keeps at least its pages, and every page
    of the app (a GET route) is a main page of some role or said here not to be one."""
    pages, found = weighed
    counts = {role: len(pages[role]) for role in ROLES}
    assert set(ROLES) == set(AT_LEAST) and all(counts[r] >= AT_LEAST[r] for r in ROLES), counts
    assert len(found) == sum(counts.values()) * len(WEIGHED_LOCALES)
    urls = app.url_map.bind(app.config.get("SERVER_NAME") or "localhost")
    covered = {urls.match(page.path, method="GET")[0] for role in ROLES for page in pages[role]}
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert not covered & set(NOT_MAIN_PAGES), "a main page after all: drop it from NOT_MAIN_PAGES"
    assert set(NOT_MAIN_PAGES) <= routes, set(NOT_MAIN_PAGES) - routes
    missing = sorted(routes - covered - set(NOT_MAIN_PAGES))
    assert not missing, (
        "Pages no role's list has: add them to tests/browser/main_pages.py (the accessibility"
        f" checks and this weight test visit them), or to NOT_MAIN_PAGES with why: {missing}"
    )


def test_the_stylesheet_is_served_minified_with_every_rule_kept(client_as):
    """Comments and indentation are for people; the phone gets the rules alone."""
    from pathlib import Path

    from wirnet.stylesheet import minify

    source = (Path(__file__).parents[2] / "wirnet/static/css/wirnet.css").read_text()
    response = client_as("anonymous").get("/static/css/wirnet.css")
    served = response.data.decode()
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert "/*" not in served and len(served) < len(source) * 0.9
    assert served == minify(source)
    # Every rule is still there: as many blocks as the source has outside its comments.
    uncommented = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    assert served.count("{") == uncommented.count("{") > 50
    assert served.count(";") + served.count("}") >= uncommented.count(";")
    # No space after a declaration's colon, but quoted text stays as written.
    assert "color: " not in served and "color:" in served
    assert 'attr(data-label) ": "' in served
    again = client_as("anonymous").get(
        "/static/css/wirnet.css", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    response.close()
    again.close()
