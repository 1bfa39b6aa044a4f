"""The administrators' count of locked-out accounts, and the account list's filter it opens."""

from __future__ import annotations

import pytest
from django.test import Client

from kopir.accounts import home
from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.accounts.tests.helpers import failed_sign_ins

pytestmark = pytest.mark.django_db


def test_only_accounts_locked_out_now_are_counted_and_listed(settings):
    settings.KOPIR_REQUIRE_2FA = False
    limit = settings.AXES_FAILURE_LIMIT
    cooloff_minutes = int(float(settings.AXES_COOLOFF_TIME) * 60)
    locked, tried, expired = (UserFactory(roles=[Role.CLINICIAN]) for _ in range(3))
    failed_sign_ins(locked.username, limit)
    failed_sign_ins(tried.username, limit - 1)
    failed_sign_ins(expired.username, limit, minutes_ago=cooloff_minutes + 5)
    failed_sign_ins("no-such-account", limit)
    admin = UserFactory(roles=[Role.ADMINISTRATOR])

    assert home.locked_accounts_count(admin) == 1
    client = Client()
    client.force_login(admin)
    response = client.get(home.locked_accounts_url(admin))
    assert response.status_code == 200
    assert [user.username for user in response.context["page_obj"]] == [locked.username]
