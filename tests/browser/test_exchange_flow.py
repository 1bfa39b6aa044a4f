"""An agency officer works a tracked message to its answer with the keyboard alone, in Kazakh,
every page axe-clean: open it from the list, acknowledge it, answer it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import PASSWORD
from kopir.directory.tests.factories import OrganisationFactory
from kopir.exchange.models import Message, MessageStatus
from kopir.exchange.services import message_send
from tests.browser.axe import assert_no_axe_violations
from tests.browser.demo import staff
from tests.browser.helpers import current_path, path_for, sign_in_by_keyboard, url_for
from tests.browser.keyboard import press, skip_to_main, start_at_top, tick, type_into

pytestmark = pytest.mark.browser


def test_an_officer_acknowledges_and_answers_a_message_by_keyboard(
    page: Page, live_server: Any
) -> None:
    officer = staff(Role.AGENCY_OFFICER)
    with transaction.atomic():
        message = message_send(
            actor=None,
            sender=OrganisationFactory.create(),
            recipient=officer.organisation,
            kind="irp.measure",
            subject="MSE-2026-000123: ымдау тілі маманы",
            summary="Жылына 60 сағат ұйымдастыруды сұраймыз.",
        )
    detail = path_for("exchange:message_detail", "kk", {"pk": message.pk})
    sign_in_by_keyboard(page, live_server, officer.username, PASSWORD)

    page.goto(url_for(live_server, "exchange:message_list", "kk"))
    assert_no_axe_violations(page, "messages [kk]")
    start_at_top(page)
    skip_to_main(page)
    press(page, f"main a[href='{detail}']")
    assert current_path(page) == detail
    assert_no_axe_violations(page, "message [kk]")

    press(page, "main form[action$='/acknowledge/'] button[type='submit']")
    # The message shows its new state, and its answer link.
    expect(page.locator("main")).to_contain_text("Алынғаны расталды")
    assert Message.objects.get(pk=message.pk).status == MessageStatus.ACKNOWLEDGED

    start_at_top(page)
    press(page, f"main a[href='{path_for('exchange:message_answer', 'kk', {'pk': message.pk})}']")
    assert_no_axe_violations(page, "answer [kk]")
    type_into(page, "answer", "Маман 1 наурыздан бастап бекітілді.")
    tick(page, "main form input[name='confirm']")
    press(page, "main form button[type='submit']")

    stored = Message.objects.get(pk=message.pk)
    assert (stored.status, stored.answer) == (
        MessageStatus.ANSWERED,
        "Маман 1 наурыздан бастап бекітілді.",
    )
    assert current_path(page) == detail
    expect(page.locator("main")).to_contain_text("Маман 1 наурыздан бастап бекітілді.")
    assert_no_axe_violations(page, "answered message [kk]")
