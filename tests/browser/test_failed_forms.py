"""Failed forms are accessible too: the sign-in page, and one refused form per app.

Each failed form must show the error summary (focused, so a screen reader reads it first), mark
the field invalid, and pass axe in every language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import PASSWORD, UserFactory
from kopir.directory.tests.factories import next_bin
from kopir.people.tests.factories import next_iin
from tests.browser.axe import axe_problems
from tests.browser.demo import staff
from tests.browser.helpers import LANGUAGES, sign_in, url_for

pytestmark = pytest.mark.browser


def with_wrong_check_digit(number: str) -> str:
    # Only one check digit is right, so any other makes the number invalid.
    return number[:11] + str((int(number[11]) + 1) % 10)


def submit_main_form(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form.form button[type='submit']").first.click()


def error_problems(page: Page, where: str, field_id: str | None) -> list[str]:
    """What is wrong with how the page shows its errors, then what axe finds on it."""
    problems = []
    summary = page.locator("[data-error-summary]")
    if summary.count() != 1:
        problems.append(f"{where}: no error summary at the top of the failed form")
    elif not page.evaluate("() => document.activeElement.matches('[data-error-summary]')"):
        problems.append(f"{where}: the error summary does not receive focus")
    if field_id:
        if summary.locator(f"a[href='#{field_id}']").count() == 0:
            problems.append(f"{where}: the error summary does not link to #{field_id}")
        if page.locator(f"#{field_id}").get_attribute("aria-invalid") != "true":
            problems.append(f"{where}: #{field_id} is not marked aria-invalid")
    return problems + axe_problems(page, where)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_page_and_a_failed_sign_in_pass_axe(
    page: Page, live_server: Any, language: str
) -> None:
    UserFactory(username="somebody")
    page.goto(url_for(live_server, "accounts:login", language))
    problems = axe_problems(page, f"sign-in page [{language}]")

    page.locator("input[name='username']").fill("somebody")
    page.locator("input[name='password']").fill("not the password")
    submit_main_form(page)

    problems += error_problems(page, f"failed sign-in [{language}]", field_id=None)
    assert not problems, "\n".join(problems)


# Who fills the form, where, which field, a wrong number for it, and what the failure is called.
WRONG_CHECK_DIGITS = [
    pytest.param(
        Role.CLINICIAN,
        "people:create",
        "id_iin",
        lambda: with_wrong_check_digit(next_iin()),
        "person form with a bad IIN",
        id="person-iin",
    ),
    pytest.param(
        Role.ADMINISTRATOR,
        "directory:organisation_create",
        "id_bin",
        lambda: with_wrong_check_digit(next_bin()),
        "organisation form with a bad BIN",
        id="organisation-bin",
    ),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("role", "url_name", "field_id", "wrong_number", "what"), WRONG_CHECK_DIGITS
)
def test_a_number_with_a_wrong_check_digit_shows_accessible_errors(
    page: Page,
    live_server: Any,
    language: str,
    role: str,
    url_name: str,
    field_id: str,
    wrong_number: Callable[[], str],
    what: str,
) -> None:
    user = staff(role)
    sign_in(page, live_server, user.username, PASSWORD, language)
    page.goto(url_for(live_server, url_name, language))

    page.locator(f"#{field_id}").fill(wrong_number())
    submit_main_form(page)

    expect(page.locator(f"#{field_id}-error")).to_be_visible()
    problems = error_problems(page, f"{what} [{language}]", field_id)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_saving_an_account_someone_else_changed_shows_an_accessible_conflict(
    page: Page, live_server: Any, language: str
) -> None:
    administrator = staff(Role.ADMINISTRATOR)
    account = staff(Role.CLINICIAN, first_name="Дана")
    sign_in(page, live_server, administrator.username, PASSWORD, language)
    page.goto(url_for(live_server, "accounts:user_edit", language, {"pk": account.pk}))
    # Another administrator saves the same account meanwhile.
    account.first_name = "Данагүл"
    account.version += 1
    account.save(update_fields=["first_name", "version"])

    page.locator("#id_last_name").fill("Сейітова")
    submit_main_form(page)

    account.refresh_from_db()
    assert account.first_name == "Данагүл"  # the other save stands
    assert account.last_name != "Сейітова"  # the stale form saved nothing
    expect(page.locator("main")).to_contain_text("Данагүл")  # what the other person saved
    problems = error_problems(page, f"account edit conflict [{language}]", field_id=None)
    assert not problems, "\n".join(problems)
