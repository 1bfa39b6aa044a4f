"""The administrators' count of locked-out accounts, and the account list's filter it opens."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from kopir.accounts import home
from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _attempts(username: str, failures: int, minutes_ago: int = 1) -> None:
    attempt = AccessAttempt.objects.create(
        username=username,
        ip_address="192.0.2.1",
        user_agent="test",
        http_accept="*/*",
        path_info="/kk/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=failures,
    )
    # attempt_time is set on creation; move it back.
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )


def test_only_accounts_locked_out_now_are_counted_and_listed(settings):
    settings.KOPIR_REQUIRE_2FA = False
    limit = settings.AXES_FAILURE_LIMIT
    cooloff_minutes = int(float(settings.AXES_COOLOFF_TIME) * 60)
    locked, tried, expired = (UserFactory(roles=[Role.CLINICIAN]) for _ in range(3))
    _attempts(locked.username, limit)
    _attempts(tried.username, limit - 1)
    _attempts(expired.username, limit, minutes_ago=cooloff_minutes + 5)
    _attempts("no-such-account", limit)
    admin = UserFactory(roles=[Role.ADMINISTRATOR])

    assert home.locked_accounts_count(admin) == 1
    client = Client()
    client.force_login(admin)
    response = client.get(home.locked_accounts_url(admin))
    assert response.status_code == 200
    assert [user.username for user in response.context["page_obj"]] == [locked.username]
