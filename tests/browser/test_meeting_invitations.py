"""Meeting invitations in a real browser: the secretary's confirmation before sending, and the
invitee's reply page reached by the personal link, each axe-clean in kk, ru and en and worked by
keyboard alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import PASSWORD, UserFactory
from kopir.council import models as m
from kopir.council.services.invitations import invitation_token, meeting_invite
from kopir.council.tests.factories import (
    AgendaItemFactory,
    CompositionFactory,
    CouncilFactory,
    MeetingFactory,
    MemberFactory,
)
from tests.browser.axe import axe_problems
from tests.browser.helpers import (
    LANGUAGES,
    assert_focus_is_visible,
    sign_in_by_keyboard,
    submit_by_enter,
    tab_to,
    url_for,
)
from tests.browser.keyboard import press

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Invited:
    secretary: User
    meeting: m.Meeting


@pytest.fixture
def invited() -> Invited:
    """A council's next meeting with one agenda item; one member has an account to write to."""
    council = CouncilFactory.create(slug="invite-council")
    composition = CompositionFactory.create(council=council)
    member = UserFactory.create(roles=[Role.COUNCIL_MEMBER], preferred_language="ru")
    MemberFactory.create(composition=composition, full_name="Мүше Әсел Ұланқызы", account=member)
    MemberFactory.create(composition=composition, full_name="Мүше Бауыржан Оспанов")
    secretary = UserFactory.create(
        organisation=council.organisation, roles=[Role.COUNCIL_SECRETARY]
    )
    meeting = MeetingFactory.create(
        council=council,
        number=3,
        starts_at=timezone.now() + dt.timedelta(days=7),
        place="Орал қ., Достық даңғылы, 1",
    )
    AgendaItemFactory.create(meeting=meeting, order=1, title="Жылдың қорытындысы")
    return Invited(secretary, meeting)


def _confirm_and_send_by_keyboard(page: Page) -> None:
    page.focus("body")
    tab_to(page, "input#confirm-invite", max_presses=80)
    assert_focus_is_visible(page)
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert_focus_is_visible(page)
    submit_by_enter(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_secretary_confirms_the_invitations_by_keyboard(
    page: Page, live_server: Any, invited: Invited, language: str
) -> None:
    meeting = invited.meeting
    sign_in_by_keyboard(page, live_server, invited.secretary.username, PASSWORD)
    arguments = {"slug": meeting.council.slug, "pk": meeting.pk}
    page.goto(url_for(live_server, "council:meeting_invitations", language, arguments))

    expect(page.locator("main table")).to_contain_text("Мүше Бауыржан Оспанов")
    problems = axe_problems(page, f"invitations to confirm [{language}]")
    _confirm_and_send_by_keyboard(page)

    expect(page.locator("main")).to_contain_text("Мүше Әсел Ұланқызы")
    assert m.MeetingInvitation.objects.filter(meeting=meeting).count() == 1
    problems += axe_problems(page, f"the meeting page with its invitations [{language}]")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_invitee_asks_for_an_interpreter_by_keyboard_without_signing_in(
    page: Page, live_server: Any, invited: Invited, language: str
) -> None:
    meeting = invited.meeting
    meeting_invite(actor=invited.secretary, meeting=meeting, expected_version=meeting.version)
    invitation = m.MeetingInvitation.objects.get(meeting=meeting)
    token = invitation_token(invitation)
    page.goto(url_for(live_server, "council:invitation_reply", language, {"token": token}))

    problems = axe_problems(page, f"the invitee's reply page [{language}]")
    page.focus("body")
    tab_to(page, "input[name='needs'][value='sign_language']", max_presses=60)
    assert_focus_is_visible(page)
    page.keyboard.press("Space")
    press(page, "main form button[type='submit']", max_presses=20)

    request = m.AccommodationRequest.objects.get(invitation=invitation)
    assert request.need == m.AccommodationNeed.SIGN_LANGUAGE
    with translation.override(language):
        asked = str(m.AccommodationNeed.SIGN_LANGUAGE.label)
    expect(page.locator("main ul").first).to_contain_text(asked)
    problems += axe_problems(page, f"the reply page after asking [{language}]")
    assert not problems, "\n".join(problems)
