"""What the browser tests share: addresses, signing in and keyboard moves (the list of pages they
visit is `tests/routes.py::named_routes`, which the permission matrix walks too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from playwright.sync_api import APIResponse, Page
from playwright.sync_api import Error as PlaywrightError

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def path_for(name: str, language: str, kwargs: dict[str, Any] | None = None) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def url_for(
    live_server: Any, name: str, language: str, kwargs: dict[str, Any] | None = None
) -> str:
    return f"{live_server.url}{path_for(name, language, kwargs)}"


def current_path(page: Page) -> str:
    return urlsplit(page.url).path


def sign_in(
    page: Page, live_server: Any, username: str, password: str, language: str = "kk"
) -> None:
    """Sign in through the real login form, as a person would (with a mouse: this is not the
    keyboard test)."""
    login_path = path_for("accounts:login", language)
    page.goto(f"{live_server.url}{login_path}")
    form = page.locator("main form").filter(has=page.locator("input[name='password']"))
    form.locator("input[name='username']").fill(username)
    form.locator("input[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("button[type='submit']").first.click()
    if current_path(page) == login_path:
        problems = page.locator(".error-summary").all_inner_texts()
        raise AssertionError(f"signing in as {username!r} failed: {problems or page.title()}")


# --- Keyboard ------------------------------------------------------------------------------------

FOCUS_DESCRIPTION_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body";
  const name = el.getAttribute("name");
  const text = (el.innerText || el.value || "").trim().slice(0, 40);
  return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${name ? "[name=" + name + "]" : ""} "${text}"`;
}"""


def focused(page: Page) -> str:
    """A short description of the focused element, for assertion messages."""
    return str(page.evaluate(FOCUS_DESCRIPTION_JS))


def focus_matches(page: Page, selector: str) -> bool:
    return bool(
        page.evaluate(
            "(selector) => !!document.activeElement && document.activeElement !== document.body"
            " && document.activeElement.matches(selector)",
            selector,
        )
    )


def tab_to(page: Page, selector: str, max_presses: int = 40) -> int:
    """Press Tab until the focused element matches `selector`; return how many presses it took."""
    visited = []
    for presses in range(1, max_presses + 1):
        page.keyboard.press("Tab")
        if focus_matches(page, selector):
            return presses
        visited.append(focused(page))
    raise AssertionError(
        f"{selector!r} never received focus after {max_presses} Tab presses; focus went to:\n  "
        + "\n  ".join(visited)
    )


FOCUS_INDICATOR_JS = """() => {
  const style = getComputedStyle(document.activeElement);
  return {
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
      && style.outlineColor !== "rgba(0, 0, 0, 0)" && style.outlineColor !== "transparent",
    boxShadow: style.boxShadow !== "none",
    detail: `outline: ${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}; box-shadow: ${style.boxShadow}`,
  };
}"""


def assert_focus_is_visible(page: Page) -> None:
    """The focused element shows a focus indicator: an outline or a box shadow (WCAG 2.4.7)."""
    indicator = page.evaluate(FOCUS_INDICATOR_JS)
    assert indicator["outline"] or indicator["boxShadow"], (
        f"no visible focus indicator on {focused(page)}: {indicator['detail']}"
    )


def submit_by_enter(page: Page) -> None:
    """Press Enter on the focused element and wait for the page it leads to: a text field's
    Enter sends its form, a link's follows it, a button's presses it."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def follow_by_keyboard(page: Page, selector: str, max_presses: int = 80) -> None:
    """From the top of the page, Tab to the link `selector` names and follow it with Enter."""
    page.focus("body")
    tab_to(page, selector, max_presses=max_presses)
    assert_focus_is_visible(page)
    target = page.evaluate("() => document.activeElement.href")
    submit_by_enter(page)
    assert page.url == target


# --- The pages of the project ----------------------------------------------------------------------


def needs_arguments(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return True
    return False


SIGN_OUT_BUTTON = "header form[action$='/logout/'] button"


def sign_in_by_keyboard(page: Page, live_server: Any, username: str, password: str) -> None:
    """Sign in with Tab, typing and Enter only, starting from the top of the sign-in page."""
    page.goto(url_for(live_server, "accounts:login", "kk"))
    page.focus("body")
    tab_to(page, "input[name='username']")
    assert_focus_is_visible(page)
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert focus_matches(page, "input[name='password']"), (
        f"Tab after the username should reach the password, not {focused(page)}"
    )
    assert_focus_is_visible(page)
    page.keyboard.type(password)
    submit_by_enter(page)


@dataclass(frozen=True)
class Visit:
    status: int
    path: str  # where the browser ended up, after any redirect
    is_html: bool


@dataclass(frozen=True)
class Fetched(Visit):
    response: APIResponse


def fetch(page: Page, url: str) -> Fetched:
    """Ask for an address with the page's cookies, following redirects, without rendering it.

    What `visit` would report (status, where the redirects end, whether it is HTML) at a fraction
    of Chromium's cost, for a walk that renders (and axe-checks) only some of the pages it asks.
    """
    response = page.request.get(url)
    content_type = response.headers.get("content-type", "")
    return Fetched(
        response.status,
        urlsplit(response.url).path,
        content_type.startswith("text/html"),
        response=response,
    )


def show_fetched(page: Page, url: str, fetched: Fetched) -> Visit:
    """Open in the browser a page `fetch` has just asked for, from the answer it got rather than
    by asking the server again (the server's render is most of a page's cost on the walk). A
    redirected answer is asked again: the browser must end at the address the server sent it to.
    """
    if fetched.response.url != url or not fetched.is_html:
        return visit(page, url)
    page.route(url, lambda route: route.fulfill(response=fetched.response), times=1)
    return visit(page, url)


def visit(page: Page, url: str) -> Visit:
    """Open an address like a person would; a file download (PDF, DOCX) is fetched instead."""
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" not in str(error):
            raise
        # The browser saves a download rather than showing it; ask with the page's own cookies.
        fetched = page.request.get(url, max_redirects=0)
        return Visit(fetched.status, urlsplit(url).path, is_html=False)
    assert response is not None, f"no response for {url}"
    content_type = response.headers.get("content-type", "")
    return Visit(response.status, current_path(page), content_type.startswith("text/html"))
