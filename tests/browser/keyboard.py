"""Working through a whole flow with the keyboard alone: reaching fields by Tab and filling them.

Every move here is a key press or typed text. The page is only read (values, focus) to decide how
many presses to make and to explain a failure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import Browser, Page

from tests.browser.helpers import (
    assert_focus_is_visible,
    focus_matches,
    focused,
    sign_in_by_keyboard,
    tab_to,
)

# A form's fields come one after another, so reaching the next one rarely takes many presses;
# a long form read from its top (the navigation first) takes more.
FIELD_PRESSES = 80


def field(name: str) -> str:
    """The selector of a form control by its name, within the page's main content."""
    return f"main [name='{name}']"


def reach(page: Page, selector: str, max_presses: int = FIELD_PRESSES) -> None:
    """Tab to the element, unless the focus is already on it."""
    if not focus_matches(page, selector):
        tab_to(page, selector, max_presses)


def type_into(page: Page, name: str, text: str) -> None:
    """Tab to the field, replace whatever it holds, and type the text."""
    reach(page, field(name))
    assert_focus_is_visible(page)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def type_date(page: Page, name: str, day: dt.date) -> None:
    """Tab to a date field and type the date: segment by segment in a browser date picker
    (Chromium's en-US order, month/day/year), or as text in a plain field."""
    reach(page, field(name))
    assert_focus_is_visible(page)
    kind = page.evaluate("() => document.activeElement.type")
    if kind == "date":
        page.keyboard.type(f"{day:%m%d%Y}")
    else:
        page.keyboard.press("Control+A")
        page.keyboard.type(f"{day:%d.%m.%Y}")
    value = page.evaluate("() => document.activeElement.value")
    assert value in {day.isoformat(), f"{day:%d.%m.%Y}"}, (
        f"typing {day} into {name!r} gave {value!r}"
    )


SELECTED_TEXT_JS = "() => document.activeElement.selectedOptions[0]?.textContent.trim() ?? ''"


def choose(page: Page, name: str, option_text: str) -> None:
    """Tab to a drop-down list and move through it with the arrow keys to the option whose text
    contains `option_text`."""
    tab_to(page, field(name), FIELD_PRESSES)
    assert_focus_is_visible(page)
    page.keyboard.press("Home")
    seen = []
    for _ in range(60):
        current = str(page.evaluate(SELECTED_TEXT_JS))
        if option_text in current:
            return
        seen.append(current)
        page.keyboard.press("ArrowDown")
        if seen and str(page.evaluate(SELECTED_TEXT_JS)) == seen[-1]:
            break  # the last option: ArrowDown moves no further
    raise AssertionError(f"no option containing {option_text!r} in {name!r}; options: {seen}")


CHECKED_VALUE_JS = """(name) => {
  const checked = document.querySelector(`main input[name='${name}']:checked`);
  return checked ? checked.value : "";
}"""


def choose_radio(page: Page, name: str, value: str) -> None:
    """Tab into a group of radio buttons and move with the arrow keys to the one with `value`
    (arrows check the button they reach; Space checks the first one when none is checked)."""
    tab_to(page, field(name), FIELD_PRESSES)
    assert_focus_is_visible(page)
    if not page.evaluate(CHECKED_VALUE_JS, name):
        page.keyboard.press("Space")
    for _ in range(10):
        if page.evaluate(CHECKED_VALUE_JS, name) == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the radio button {name}={value!r} was never reached by the arrow keys")


def tick(page: Page, selector: str) -> None:
    """Tab to a checkbox and tick it with Space."""
    tab_to(page, selector, FIELD_PRESSES)
    assert_focus_is_visible(page)
    if not page.evaluate("() => document.activeElement.checked"):
        page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked"), f"{focused(page)} is not ticked"


def press(page: Page, selector: str, max_presses: int = FIELD_PRESSES) -> None:
    """Tab to a link or button and press Enter, waiting for the page it leads to."""
    tab_to(page, selector, max_presses)
    assert_focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def submit_from_field(page: Page) -> None:
    """Press Enter in the focused text field: the form is sent with its first button."""
    assert focus_matches(page, "input"), (
        f"Enter submits a form only from an input, not {focused(page)}"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")


def start_at_top(page: Page) -> None:
    """Where a browser starts after loading a page, unless the page moves the focus itself."""
    page.focus("body")


def keyboard_session(browser: Browser, live_server: Any, username: str, password: str) -> Page:
    """A new browser window (its own cookies) with the user signed in by the keyboard: how a
    second person at another desk joins the flow."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(20_000)
    sign_in_by_keyboard(page, live_server, username, password)
    return page
