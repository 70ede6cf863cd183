"""Journey 1 with the keyboard alone, in German and in Arabic: a person signs up, confirms
the e-mail from the outbox, gives consent and fills in the profile with Tab, Shift+Tab,
Enter, Space, the arrow keys and typing; no mouse. Wherever the focus goes it is visible:
the focused element shows an outline or a shadow that it does not show unfocused, and it
is on the screen.

Debian's chromium, driven by Playwright, against a live server as in test_signup_journey.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Error, Page, expect

from tests.browser.support import Catalog, latest_mail, mail_link

pytestmark = [pytest.mark.browser, pytest.mark.no_db_rollback]

#: What the focused element looks like: its outline and shadow (the indicator), where it
#: is, and enough to name it in a message.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el), r = el.getBoundingClientRect();
  const outline = s.outlineStyle === "none" || parseFloat(s.outlineWidth) === 0
    ? "" : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`;
  return {
    name: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
          + (el.getAttribute("href") ? `[href=${el.getAttribute("href")}]` : "")
          + " " + (el.innerText || el.value || "").trim().slice(0, 30),
    indicator: [outline, s.boxShadow === "none" ? "" : s.boxShadow].join(" | "),
    on_screen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
               && r.top < window.innerHeight && r.left < window.innerWidth,
  };
}"""
#: The same element's look once the focus has left it.
LOOK = """(el) => { const s = getComputedStyle(el);
  const outline = s.outlineStyle === "none" || parseFloat(s.outlineWidth) === 0
    ? "" : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`;
  return [outline, s.boxShadow === "none" ? "" : s.boxShadow].join(" | "); }"""

PEOPLE = {
    "de": ("Senait Tesfaye", "senait.keyboard@example.org", "Kaffeezeremonie am Sonntag 7"),
    "ar": ("Yonas Haile", "yonas.keyboard@example.org", "Kaffeezeremonie am Montag 9"),
}


class KeyboardUser:
    """Moves through a page with the keyboard only, and checks the focus at every step."""

    def __init__(self, page: Page):
        self.page = page
        self.keyboard = page.keyboard
        self.steps = 0
        self.previous = None  # (handle, name, indicator) of the element focused before

    def _check_focus(self) -> dict:
        page = self.page
        focused = page.evaluate(FOCUSED)
        assert focused is not None, f"the focus is lost (on the page body) at {page.url}"
        assert focused["indicator"] != " | ", f"no visible focus on {focused['name']} ({page.url})"
        assert focused["on_screen"], f"the focused {focused['name']} is off the screen"
        if self.previous is not None:  # the indicator is the focus's, not the element's own
            handle, name, indicator = self.previous
            try:
                unfocused = handle.evaluate(LOOK)
            except Error:  # that page is gone
                unfocused = None
            assert unfocused != indicator, f"{name}: looks the same with and without the focus"
        active = page.evaluate_handle("document.activeElement")
        self.previous = (active, focused["name"], focused["indicator"])
        self.steps += 1
        return focused

    def tab(self, backwards: bool = False) -> dict:
        self.keyboard.press("Shift+Tab" if backwards else "Tab")
        return self._check_focus()

    def tab_to(self, selector: str, *, backwards: bool = False, limit: int = 60) -> None:
        """Press Tab (or Shift+Tab) until the element matching ``selector`` has the focus."""
        passed = []
        for _ in range(limit):
            passed.append(self.tab(backwards)["name"])
            if self.page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}; passed: {passed}")

    def type(self, text: str) -> None:
        self.keyboard.type(text)

    def press(self, key: str, *, navigates: bool = False) -> None:
        if navigates:
            with self.page.expect_navigation():
                self.keyboard.press(key)
            self.previous = None
        else:
            self.keyboard.press(key)

    def choose(self, *, label: str | None = None, value: str | None = None) -> None:
        """In the focused <select>: the arrow keys, until the option is chosen."""
        page = self.page
        chosen = (
            "() => { const el = document.activeElement, o = el.selectedOptions[0];"
            f" return o ? {'o.text.trim()' if label else 'o.value'} : ''; }}"
        )
        wanted = label if label is not None else value
        count = page.evaluate("document.activeElement.options.length")
        for key in ("ArrowDown", "ArrowUp"):
            for _ in range(count):
                if page.evaluate(chosen) == wanted:
                    return
                self.keyboard.press(key)
        assert page.evaluate(chosen) == wanted, wanted

    def check(self, selector: str) -> None:
        """Tick the checkbox (or radio) ``selector`` with the space bar."""
        self.tab_to(selector)
        self.keyboard.press("Space")
        expect(self.page.locator(selector)).to_be_checked()


@pytest.mark.parametrize("locale", ["de", "ar"])
def test_journey_1_with_the_keyboard_alone(live_server, browser, locale):
    base_url, app = live_server
    t = Catalog(locale)
    name, email, password = PEOPLE[locale]
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    user = KeyboardUser(page)

    # The home page; the first Tab shows the skip link.
    page.goto(base_url + "/")
    user.tab()
    expect(page.locator(".skip-link")).to_be_focused()
    if locale != "de":  # the language switcher, by keyboard
        user.tab_to("#lang-locale")
        user.choose(value=locale)
        user.tab_to("form.language-switcher button")
        user.press("Enter", navigates=True)
        expect(page.locator("html")).to_have_attribute("lang", locale)
    user.tab_to("nav.main-nav a[href='/auth/signup']")
    user.press("Enter", navigates=True)
    expect(page).to_have_url(re.compile(r"/auth/signup$"))

    # Sign up. The skip link leads past the header: the next Tab is in the form.
    user.tab()
    expect(page.locator(".skip-link")).to_be_focused()
    user.press("Enter")
    expect(page.locator("main")).to_be_focused()
    user.tab()
    expect(page.locator("#display_name")).to_be_focused()
    # The fields in order, the consent with the space bar, Enter to send.
    user.type(name)
    user.tab_to("#email")
    user.type(email)
    user.tab_to("#password")
    user.type(password)
    user.tab_to("#password_confirm")
    user.type(password)
    user.tab_to("#locale")
    expect(page.locator("#locale")).to_have_value(locale)  # the language of the page
    user.check("#privacy_consent")
    # Back up to the name with Shift+Tab to check it, then on to the button.
    user.tab_to("#display_name", backwards=True)
    expect(page.locator("#display_name")).to_have_value(name)
    user.tab_to("main form button[type=submit]")
    user.press("Enter", navigates=True)
    # (a redirect keeps the skip link's #main: the browser carries the fragment over)
    expect(page).to_have_url(re.compile(r"/auth/signup/sent(#main)?$"))

    # The e-mail, read in the mail program; its link opens the confirmation page.
    page.goto(mail_link(latest_mail(app, email, "confirm_email"), base_url))
    user.previous = None
    user.tab_to("main form button[type=submit]")
    user.press("Space", navigates=True)  # a button answers the space bar too
    expect(page).to_have_url(re.compile(r"/auth/login"))

    # Log in: Enter in the password field sends the form.
    user.tab_to("#email")
    user.type(email)
    user.tab_to("#password")
    user.type(password)
    user.press("Enter", navigates=True)
    expect(page).to_have_url(re.compile(r"/home$"))

    # The checklist leads to the profile; fill it in.
    user.tab_to("main a[href='/volunteer/profile']")
    user.press("Enter", navigates=True)
    expect(page.locator("h1")).to_have_text(t("My volunteer profile"))
    user.tab_to("#municipality")
    user.choose(label="Hofgeismar")
    user.tab_to("input[name=mobility]")  # a group of radios is one Tab stop
    for _ in range(4):  # the arrow keys move through the group, choosing as they go
        if page.locator("input[name=mobility][value=public_transport]").is_checked():
            break
        user.press("ArrowDown")
    expect(page.locator("input[name=mobility][value=public_transport]")).to_be_checked()
    user.tab_to("#max_distance_km")
    user.type("25")
    user.check("input[name=topics][value=language_mediation]")
    user.check("input[name=topics][value=health]")
    user.tab_to("#about")
    user.type("Ich übersetze gern beim Arzt.")
    user.tab_to("main form button[type=submit]")
    user.press("Enter", navigates=True)
    expect(page.locator(".flash-success")).to_have_text(t("Your profile is saved."))
    expect(page.locator("#municipality option:checked")).to_have_text("Hofgeismar")
    expect(page.locator("input[name=topics][value=health]")).to_be_checked()
    assert user.steps > 30
    context.close()
