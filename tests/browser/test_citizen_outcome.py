"""The citizen status page once decided, in a real browser: the outcome and how to appeal,
axe-clean in kk, ru and en, reached through the code like any visitor (a demo case)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db.models import Q
from playwright.sync_api import Page, expect

from kopir.assessment.models import Referral, ReferralStatus
from kopir.notices.models import Notice
from tests.browser.axe import axe_problems
from tests.browser.demo import Demo
from tests.browser.helpers import LANGUAGES, tab_to, url_for

pytestmark = pytest.mark.browser
CODE_IN_TEXT = re.compile(r"(?<![-\d])\d{6}(?!\d)")


def _decided_demo_case() -> Referral:
    referral = (
        Referral.objects.filter(
            status__in=(ReferralStatus.DECIDED, ReferralStatus.NOTIFIED),
            decisions__superseded_at__isnull=True,
        )
        .exclude(Q(person__phone="") & Q(person__email=""))
        .select_related("person")
        .order_by("pk")
        .first()
    )
    assert referral is not None, "the demo has no decided case a person can look up"
    return referral


def _submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form.form button[type='submit']").first.click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_reads_the_decision_and_how_to_appeal_and_the_page_passes_axe(
    page: Page, live_server: Any, demo: Demo, settings: Any, language: str
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    referral = _decided_demo_case()
    page.goto(url_for(live_server, "assessment:citizen_status", language))
    page.locator("input[name='number']").fill(referral.number)
    page.locator("input[name='iin']").fill(referral.person.iin)
    _submit(page)
    code = CODE_IN_TEXT.findall(Notice.objects.latest("id").body)[0]
    page.locator("input[name='code']").fill(code)
    _submit(page)

    section = page.locator("section[aria-labelledby='outcome-title']")
    expect(section).to_be_visible()
    expect(section.locator("h3")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text(referral.person.last_name)
    problems = axe_problems(page, f"citizen status with the outcome [{language}]")
    assert not problems, "\n".join(problems)
    # The division's contact links are reachable by keyboard.
    if section.locator("a").count():
        page.focus("body")
        tab_to(page, "section[aria-labelledby='outcome-title'] a", max_presses=60)
