"""The home page's "minutes waiting for your signature": the secretary's and the chair's, each
until they have signed, none once locked; the count is the rows of the meeting list it opens."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kopir.accounts.models import User
from kopir.core.tests.fixtures import rows_listed, signed_in
from kopir.council import models as m
from kopir.council.selectors import home
from kopir.council.services.minutes import minutes_assemble
from kopir.council.tests.fixtures_followup import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _signed(minutes: m.Minutes, **signatures: User) -> None:
    # Signatures set directly: what is counted is under test here, not how one signs.
    now = timezone.now()
    changes: dict[str, object] = {}
    for role, user in signatures.items():
        changes.update({f"approved_by_{role}": user, f"{role}_signed_at": now})
    m.Minutes.objects.filter(pk=minutes.pk).update(**changes)


def test_assembled_minutes_wait_for_the_secretary_and_the_chair_until_each_signs(
    held_meeting: m.Meeting, secretary: User, chair: User, member: User
) -> None:
    assert home.minutes_to_sign_count(secretary) == 0  # nothing assembled yet
    minutes = minutes_assemble(actor=secretary, meeting=held_meeting)

    for signer in (secretary, chair):
        assert home.signs_minutes(signer)
        assert home.minutes_to_sign_count(signer) == 1
        url = home.minutes_to_sign_url(signer)
        assert url.endswith(f"/{held_meeting.council.slug}/meetings/?minutes=to_sign")
        assert rows_listed(signer, url) == 1
        # Each row leads to the minutes, where the signing is, not only to the meeting.
        page = signed_in(Client(), signer).get(url).content.decode()
        minutes_url = reverse(
            "council:minutes_detail",
            kwargs={"slug": held_meeting.council.slug, "number": held_meeting.number},
        )
        assert f'href="{minutes_url}"' in page
    assert not home.signs_minutes(member)  # a member who is not the chair signs nothing

    _signed(minutes, chair=chair)
    assert home.minutes_to_sign_count(chair) == 0
    assert rows_listed(chair, home.minutes_to_sign_url(chair)) == 0
    assert home.minutes_to_sign_count(secretary) == 1

    _signed(minutes, secretary=secretary)
    m.Minutes.objects.filter(pk=minutes.pk).update(locked_at=timezone.now())
    assert home.minutes_to_sign_count(secretary) == 0


def test_the_meeting_list_without_the_filter_still_lists_every_meeting(
    held_meeting: m.Meeting, secretary: User
) -> None:
    minutes_assemble(actor=secretary, meeting=held_meeting)
    _signed(held_meeting.minutes, secretary=secretary)
    url = home.minutes_to_sign_url(secretary)
    assert rows_listed(secretary, url) == 0
    assert rows_listed(secretary, url.split("?")[0]) == held_meeting.council.meetings.count()


def test_the_filtered_list_with_nothing_to_sign_says_so_not_that_there_are_no_meetings(
    held_meeting: m.Meeting, secretary: User
) -> None:
    url = home.minutes_to_sign_url(secretary)
    client = signed_in(Client(), secretary)

    filtered = client.get("/en" + url[3:]).content.decode()
    unfiltered = client.get("/en" + url.split("?")[0][3:]).content.decode()

    assert "No minutes wait for your signature." in filtered
    assert "No meetings yet" not in filtered
    assert "No minutes wait for your signature." not in unfiltered
