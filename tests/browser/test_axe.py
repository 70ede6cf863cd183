"""Accessibility of every main page of every role, in German and in Arabic, in a real
browser: axe-core finds no violation of impact "serious" or "critical" on a laptop (1280 px)
or a phone (360 px); and nothing scrolls sideways or is cut off at 200 % zoom or on the
phone.

axe-core comes from the npm registry (`make axe` installs tests/browser/axe/package-lock.json)
and is injected into each page by Playwright (an init script of the browser context, so it
is not sent again for every page); the pages themselves need no script. The data
is the demo's (``wirnet.demo.load_demo_data``), so that the pages have something to show:
main_pages.py names the pages and the accounts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.main_pages import ROLES, log_in, main_pages, seed, use_locale
from tests.browser.support import OUTSIDE, serving
from tests.conftest import make_app
from wirnet.extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.no_db_rollback]

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = "() => axe.run(document, {resultTypes: ['violations']})"
#: What must never be found (axe's impacts: minor, moderate, serious, critical).
BLOCKING = ("serious", "critical")
LAPTOP, ZOOMED, PHONE = 1280, 640, 360
#: Content wider than its box that nothing scrolls or clips on purpose: text running off
#: the screen, or, on a right-to-left page, cut off where no scroll bar reaches (which the
#: page's scrollWidth does not show).
SPILLS = """() => Array.from(document.querySelectorAll("body *")).filter((el) => {
  if (el.clientWidth === 0 || el.scrollWidth <= el.clientWidth + 1) return false;
  for (let box = el; box; box = box.parentElement)
    if (getComputedStyle(box).overflowX !== "visible") return false;
  return el.checkVisibility();
}).slice(0, 3).map((el) => `${el.tagName.toLowerCase()}.${el.className} `
                          + `(${el.scrollWidth} px in ${el.clientWidth} px)`)"""


@pytest.fixture(scope="module")
def demo(database_url) -> Iterator[tuple[str, object, dict]]:
    """``(base_url, app, pages)``: the demo centre on a live server, and each role's pages."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}): `make axe` installs it from npm")
    app = make_app(database_url, WTF_CSRF_ENABLED=True, SERVER_NAME=None)
    with app.app_context():
        db.create_all()
        seed()
        pages = main_pages()
    with serving(app) as base_url:
        yield base_url, app, pages


def _describe(violation: dict) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
    return (
        f"    {violation['id']} ({violation['impact']}): {violation['help']}\n"
        + "".join(f"      {target}\n" for target in targets[:6])
        + (f"      … and {len(targets) - 6} more\n" if len(targets) > 6 else "")
    )


@pytest.mark.parametrize("locale", ["de", "ar"])
@pytest.mark.parametrize("role", ROLES)
def test_the_main_pages_pass_axe_and_reflow(demo, browser, role, locale):
    """Each page is checked three times: on a laptop window (1280 px); that window zoomed to
    200 %, which makes it 640 CSS px wide at a device pixel ratio of 2 (WCAG 1.4.4, 1.4.10);
    and on a phone (360 px)."""
    base_url, app, pages = demo
    # axe-core comes in as a script of the page, which the pages' CSP would refuse.
    context = browser.new_context(
        viewport={"width": LAPTOP, "height": 900}, device_scale_factor=2, bypass_csp=True
    )
    context.add_init_script(path=AXE)
    page = context.new_page()
    log_in(page, base_url, role)
    with app.app_context():
        use_locale(context, base_url, role, locale)
    violations: dict[str, list[dict]] = {}
    too_wide: list[str] = []
    for main_page in pages[role]:
        response = page.goto(base_url + main_page.path)
        assert response.ok, (role, main_page.path, response.status)
        assert page.evaluate("document.documentElement.lang") == locale, main_page.path
        for width in (LAPTOP, ZOOMED, PHONE):
            page.set_viewport_size({"width": width, "height": 900 if width == LAPTOP else 700})
            if width != ZOOMED:
                found = [v for v in page.evaluate(RUN_AXE)["violations"] if v["impact"] in BLOCKING]
                if found:
                    violations[f"{main_page.path} at {width} px"] = found
            if width != LAPTOP:
                scroll_width, outside, spills = page.evaluate(
                    f"[document.documentElement.scrollWidth, ({OUTSIDE})(), ({SPILLS})()]"
                )
                if scroll_width > width or outside or spills:
                    too_wide.append(
                        f"  {main_page.path} at {width} px: the page is {scroll_width} px wide;"
                        f" sticking out: {outside}; cut off or running over: {spills}"
                    )
    context.close()
    assert not violations, f"axe-core, {role} in {locale}:\n" + "".join(
        f"  {where}:\n" + "".join(_describe(v) for v in found)
        for where, found in violations.items()
    )
    assert not too_wide, f"Too wide, {role} in {locale}:\n" + "\n".join(too_wide)


#: Forms sent back with their errors (the error summary, messages at the fields): the
#: role, the page, and the field emptied before sending (None: send the form as it is).
REFUSED_FORMS = [
    ("anonymous", "/auth/signup", None),
    ("volunteer", "/volunteer/profile", "#display_name"),
    ("org_member", "/requests/new", None),
    ("coordinator", "/coordinator/organisations/new", None),
]


@pytest.mark.parametrize("locale", ["de", "ar"])
def test_refused_forms_pass_axe_and_fit_a_phone(demo, browser, locale):
    base_url, app, _pages = demo
    violations: dict[str, list[dict]] = {}
    too_wide: list[str] = []
    for role, path, emptied in REFUSED_FORMS:
        context = browser.new_context(viewport={"width": LAPTOP, "height": 900}, bypass_csp=True)
        context.add_init_script(path=AXE)
        page = context.new_page()
        log_in(page, base_url, role)
        with app.app_context():
            use_locale(context, base_url, role, locale)
        page.goto(base_url + path)
        if emptied:
            page.locator(emptied).fill("")
        with page.expect_navigation() as sent:
            page.locator("main form:has(.button[type=submit]) .button[type=submit]").last.click()
        assert sent.value.status == 422, (path, sent.value.status)
        assert page.locator(".error-summary").is_visible(), path
        for width in (LAPTOP, PHONE):
            page.set_viewport_size({"width": width, "height": 900})
            found = [v for v in page.evaluate(RUN_AXE)["violations"] if v["impact"] in BLOCKING]
            if found:
                violations[f"{path} (refused) at {width} px"] = found
        scroll_width, outside, spills = page.evaluate(
            f"[document.documentElement.scrollWidth, ({OUTSIDE})(), ({SPILLS})()]"
        )
        if scroll_width > PHONE or outside or spills:
            too_wide.append(f"  {path}: {scroll_width} px; {outside}; {spills}")
        context.close()
    assert not violations, f"axe-core, refused forms in {locale}:\n" + "".join(
        f"  {where}:\n" + "".join(_describe(v) for v in found)
        for where, found in violations.items()
    )
    assert not too_wide, f"Too wide, refused forms in {locale}:\n" + "\n".join(too_wide)
