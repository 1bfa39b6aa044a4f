"""Working through a whole flow with the keyboard alone: reaching fields by Tab and filling them.

Every move here is a key press or typed text. The page is only read (values, focus) to decide how
many presses to make and to explain a failure. Fields are named by their form name; `within`
narrows the search to one form when a page has several.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, FileChooser, Page

from tests.browser.helpers import (
    SIGN_OUT_BUTTON,
    assert_focus_is_visible,
    focus_matches,
    focused,
    sign_in_by_keyboard,
    submit_by_enter,
    tab_to,
)

# A form's fields come one after another, so reaching the next one rarely takes many presses;
# a long form read from its top (the navigation first) takes more.
FIELD_PRESSES = 80


def field(name: str, within: str = "main") -> str:
    """The selector of a form control by its name, inside `within` (the main content)."""
    return f"{within} [name='{name}']"


def reach(page: Page, selector: str, max_presses: int = FIELD_PRESSES) -> None:
    """Tab to the element, unless the focus is already on it, and check its focus shows."""
    if not focus_matches(page, selector):
        tab_to(page, selector, max_presses)
    assert_focus_is_visible(page)


def start_at_top(page: Page) -> None:
    """Where a browser starts after loading a page, unless the page moves the focus itself."""
    page.focus("body")


def skip_to_main(page: Page) -> None:
    """The first Tab stop is the skip link; Enter on it puts focus on the main content.

    Once the skip link has been used, #main stays in the address through a form's post and its
    redirect (a Location without a fragment keeps the request's); the browser then starts the
    next Tab inside <main> already, so there is nothing to skip.
    """
    if urlsplit(page.url).fragment == "main":
        return
    page.keyboard.press("Tab")
    assert focus_matches(page, "a.skip-link"), f"first Tab stop: {focused(page)}"
    page.keyboard.press("Enter")
    assert focus_matches(page, "main#main"), f"after the skip link: {focused(page)}"


def press(page: Page, selector: str, max_presses: int = FIELD_PRESSES) -> None:
    """Tab to a link or button and press it with Enter, waiting for the page it leads to."""
    reach(page, selector, max_presses)
    submit_by_enter(page)


def type_into(page: Page, name: str, text: str, within: str = "main") -> None:
    """Tab to the field, replace whatever it holds, and type the text."""
    reach(page, field(name, within))
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def type_date(page: Page, name: str, day: dt.date, within: str = "main") -> None:
    """Tab to a date field and type the date: segment by segment in a browser date picker
    (Chromium's en-US order, month/day/year), or as text in a plain field."""
    reach(page, field(name, within))
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


def type_datetime(page: Page, name: str, moment: dt.datetime, within: str = "main") -> None:
    """Tab to an <input type=datetime-local> and fill it segment by segment, as Chromium's en-US
    format lays it out: mm/dd/yyyy, then (Tab past the year, which takes up to six digits)
    hh:mm AM/PM."""
    reach(page, field(name, within))
    page.keyboard.type(moment.strftime("%m%d%Y"))
    page.keyboard.press("Tab")
    page.keyboard.type(moment.strftime("%I%M") + moment.strftime("%p")[0])


SELECTED_TEXT_JS = "() => document.activeElement.selectedOptions[0]?.textContent.trim() ?? ''"


def choose(page: Page, name: str, option_text: str, within: str = "main") -> None:
    """Tab to a drop-down list and move through it with the arrow keys (a closed select changes
    value as they move) to the first option whose text contains `option_text`."""
    reach(page, field(name, within))
    page.keyboard.press("Home")
    seen: list[str] = []
    for _ in range(200):
        current = str(page.evaluate(SELECTED_TEXT_JS))
        if option_text in current:
            return
        if seen and current == seen[-1]:
            break  # the last option: ArrowDown moved no further
        seen.append(current)
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option containing {option_text!r} in {name!r}; options: {seen}")


CHECKED_VALUE_JS = """([within, name]) => {
  const checked = document.querySelector(`${within} input[name='${name}']:checked`);
  return checked ? checked.value : "";
}"""


def choose_radio(page: Page, name: str, value: str, within: str = "main") -> None:
    """Tab into a group of radio buttons (one Tab stop) and move with the arrow keys to the one
    with `value` (arrows check the button they reach; Space checks the first when none is)."""
    reach(page, f"{within} input[type='radio'][name='{name}']")
    if not page.evaluate(CHECKED_VALUE_JS, [within, name]):
        page.keyboard.press("Space")
    group_size = page.locator(f"{within} input[type='radio'][name='{name}']").count()
    for _ in range(group_size):
        if page.evaluate(CHECKED_VALUE_JS, [within, name]) == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the radio button {name}={value!r} was never reached by the arrow keys")


def radio_groups(page: Page, within: str) -> list[str]:
    """The names of the radio groups inside `within`, in page order (read, to know how many
    questions a form asks)."""
    names: list[str] = page.eval_on_selector_all(
        f"{within} input[type='radio']", "inputs => [...new Set(inputs.map(input => input.name))]"
    )
    return names


def tick(page: Page, selector: str) -> None:
    """Tab to a checkbox and tick it with Space."""
    reach(page, selector)
    if not page.evaluate("() => document.activeElement.checked"):
        page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked"), f"{focused(page)} is not ticked"


def _ignore_file_chooser(chooser: FileChooser) -> None:
    """A listener that does nothing: it is there to keep the dialog's interception on."""


def choose_file(page: Page, name: str, path: Path, within: str = "main") -> None:
    """Tab to a file field and open the system's file dialog with Space, then pick the file
    there (the one step a keyboard user takes outside the page).

    Playwright starts intercepting the dialog only when it starts waiting for it, which can lose
    the race with the key press (about one run in ten); a listener registered first keeps
    interception on throughout.
    """
    page.on("filechooser", _ignore_file_chooser)
    try:
        reach(page, field(name, within))
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Space")
        chooser.value.set_files(str(path))
    finally:
        page.remove_listener("filechooser", _ignore_file_chooser)


def sign_out_by_keyboard(page: Page) -> None:
    """From the top of the page, Tab round to the header's sign-out button and press it."""
    start_at_top(page)
    press(page, SIGN_OUT_BUTTON, max_presses=150)


def keyboard_session(browser: Browser, live_server: Any, username: str, password: str) -> Page:
    """A new browser window (its own cookies) with the user signed in by the keyboard: how a
    second person at another desk joins the flow."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(20_000)
    sign_in_by_keyboard(page, live_server, username, password)
    return page
