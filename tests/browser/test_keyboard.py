"""Signing in, skipping to the content and finding a person, with the keyboard alone.

No mouse clicks: Tab, typing and Enter. The only programmatic focus is on the document body at
the start, which is where a browser starts after loading a page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import PASSWORD
from tests.browser.axe import axe_problems
from tests.browser.demo import person_seen_by, staff
from tests.browser.helpers import (
    SIGN_OUT_BUTTON,
    assert_focus_is_visible,
    current_path,
    focus_matches,
    focused,
    path_for,
    sign_in_by_keyboard,
    submit_by_enter,
    tab_to,
    url_for,
)
from tests.browser.keyboard import press, type_into

pytestmark = pytest.mark.browser

# No htmx request in flight and no swap still settling.
HTMX_AT_REST = (
    "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
)

# The second-factor field, whatever the form calls it: autocomplete="one-time-code" is the
# standard hint, the names are django-otp's and the common alternatives.
OTP_FIELD = (
    "input[autocomplete='one-time-code'], input[name='otp_token'], input[name='token'],"
    " input[name='code']"
)


def test_a_clinician_signs_in_with_the_keyboard_alone(page: Page, live_server: Any) -> None:
    clinician = staff(Role.CLINICIAN)

    sign_in_by_keyboard(page, live_server, clinician.username, PASSWORD)

    assert current_path(page) == path_for("core:home", "kk")
    expect(page.locator(SIGN_OUT_BUTTON)).to_be_visible()


def test_a_clinician_signs_in_with_a_password_and_an_authenticator_code_by_keyboard(
    page: Page, live_server: Any, settings: Any
) -> None:
    settings.KOPIR_REQUIRE_2FA = True
    clinician = staff(Role.CLINICIAN)
    device = TOTPDevice.objects.create(user=clinician, name="Authenticator", confirmed=True)

    sign_in_by_keyboard(page, live_server, clinician.username, PASSWORD)
    assert current_path(page) != path_for("core:home", "kk"), "the second factor was not asked for"
    page.focus("body")
    tab_to(page, OTP_FIELD)
    assert_focus_is_visible(page)
    token = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits).token()
    page.keyboard.type(f"{token:0{device.digits}d}")
    submit_by_enter(page)

    assert current_path(page) == path_for("core:home", "kk"), page.locator("main").inner_text()
    expect(page.locator(SIGN_OUT_BUTTON)).to_be_visible()


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(
    page: Page, live_server: Any, signed_in: bool
) -> None:
    if signed_in:
        clinician = staff(Role.CLINICIAN)
        sign_in_by_keyboard(page, live_server, clinician.username, PASSWORD)
    else:
        page.goto(url_for(live_server, "accounts:login", "kk"))
    page.focus("body")

    page.keyboard.press("Tab")
    assert focus_matches(page, "a.skip-link[href='#main']"), f"first Tab stop: {focused(page)}"
    assert_focus_is_visible(page)
    box = page.locator("a.skip-link").bounding_box()
    assert box is not None
    assert box["y"] >= 0, "the focused skip link is off screen"
    page.keyboard.press("Enter")

    assert focus_matches(page, "main#main"), f"after the skip link, focus is on {focused(page)}"
    page.keyboard.press("Tab")
    assert focus_matches(page, "main *"), f"the next Tab left the main content: {focused(page)}"


def test_a_clinician_finds_a_person_by_name_and_opens_their_page_with_the_keyboard(
    page: Page, live_server: Any
) -> None:
    clinician = staff(Role.CLINICIAN)
    # Two namesakes, so the search gives a list to move through rather than a single match.
    sought = person_seen_by(clinician, last_name="Жұмабекова", first_name="Дина")
    person_seen_by(clinician, last_name="Жұмабекова", first_name="Гүлназ")
    person_path = path_for("people:detail", "kk", {"pk": sought.pk})
    sign_in_by_keyboard(page, live_server, clinician.username, PASSWORD)

    page.goto(url_for(live_server, "people:search", "kk"))
    page.focus("body")
    tab_to(page, "main input[type='search'], main input[name='q']")
    assert_focus_is_visible(page)
    page.keyboard.type("Жұмабекова")
    page.keyboard.press("Enter")
    # The results arrive by a new page, or in place through htmx: either way the link appears.
    page.locator(f"main a[href='{person_path}']").wait_for()
    # The search is sent on submit only (no search-as-you-type): once htmx has swapped the
    # results in and settled, nothing replaces them, and the focus with them, before Tab.
    page.wait_for_function(HTMX_AT_REST)
    press(page, f"main a[href='{person_path}']", max_presses=40)

    assert current_path(page) == person_path
    expect(page.locator("h1")).to_contain_text("Жұмабекова Дина")


def test_a_clinician_moves_to_the_next_persons_of_a_long_search_with_the_keyboard(
    page: Page, live_server: Any
) -> None:
    """The next page of a search is a button of the search form (the query stays out of the
    address) that carries the last row's place; Enter on it shows the persons after it."""
    clinician = staff(Role.CLINICIAN)
    for _ in range(25):
        person_seen_by(clinician, last_name="Тестібаева", first_name="Айгүл")
    # By the folded name, then id: she sorts after the 25 Айгүлs, so she opens the second page.
    last = person_seen_by(clinician, last_name="Тестібаева", first_name="Ясмин")
    last_path = path_for("people:detail", "kk", {"pk": last.pk})
    sign_in_by_keyboard(page, live_server, clinician.username, PASSWORD)

    page.goto(url_for(live_server, "people:search", "kk"))
    page.focus("body")
    tab_to(page, "main input[type='search'], main input[name='q']")
    page.keyboard.type("Тестібаева")
    page.keyboard.press("Enter")
    page.get_by_text("26 адам табылды.").wait_for()
    expect(page.locator(f"main a[href='{last_path}']")).to_have_count(0)
    page.wait_for_function(HTMX_AT_REST)
    tab_to(page, "main button[name='after']", max_presses=60)
    assert_focus_is_visible(page)
    page.keyboard.press("Enter")

    page.locator(f"main a[href='{last_path}']").wait_for()
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect(page.get_by_role("button", name="Тізімнің басына оралу")).to_be_visible()
    assert "Тестібаева" not in page.url
    assert not axe_problems(page, "person search, the next persons")


def test_adding_a_row_for_another_test_takes_the_keyboard_to_the_new_row(
    page: Page, live_server: Any
) -> None:
    """The button sends the form back one row longer; the page then starts the keyboard in the
    new row's first field, so Enter on the button does not leave its user at the top of a page
    that looks the same, not knowing a row appeared."""
    clinician = staff(Role.CLINICIAN)
    sign_in_by_keyboard(page, live_server, clinician.username, PASSWORD)
    page.goto(url_for(live_server, "assessment:clinic_create", "kk"))
    page.focus("body")
    rows = page.locator("main input[name^='test_'][name$='_name']").count()
    type_into(page, "test_1_name", "Электроретинография")

    press(page, "main button[name='add_test_row']", max_presses=120)

    new_row = f"main input[name='test_{rows + 1}_name']"
    expect(page.locator("main input[name^='test_'][name$='_name']")).to_have_count(rows + 1)
    assert focus_matches(page, new_row), f"after adding a row, focus is on {focused(page)}"
    assert_focus_is_visible(page)
    expect(page.locator("main input[name='test_1_name']")).to_have_value("Электроретинография")
    page.keyboard.type("Аудиометрия")
    expect(page.locator(new_row)).to_have_value("Аудиометрия")
