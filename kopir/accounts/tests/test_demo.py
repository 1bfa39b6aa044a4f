"""The demo accounts: one per role, idempotent, signing in with the shared password."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kopir.accounts import demo
from kopir.accounts.models import Role, RoleAssignment, User
from kopir.audit.models import AuditEvent
from kopir.directory.models import Organisation
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_organisations() -> None:
    # kopir.directory.demo creates these; the test makes only the ones the accounts need.
    for code in sorted({account.organisation_code for account in demo.DEMO_ACCOUNTS}):
        if not Organisation.objects.filter(code=code).exists():
            OrganisationFactory(code=code)


def snapshot() -> tuple[list[tuple], list[tuple], int]:
    users = list(User.objects.order_by("pk").values_list())
    roles = list(RoleAssignment.objects.order_by("pk").values_list("user_id", "role"))
    return users, roles, AuditEvent.objects.count()


def test_there_is_one_demo_account_for_every_role() -> None:
    assert {account.role for account in demo.DEMO_ACCOUNTS} == set(Role)
    assert len({account.username for account in demo.DEMO_ACCOUNTS}) == len(demo.DEMO_ACCOUNTS)


def test_loading_creates_the_demo_accounts(demo_organisations: None) -> None:
    summary = demo.load()
    assert f"{len(demo.DEMO_ACCOUNTS)} created" in summary
    for account in demo.DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.role_set == {account.role}
        organisation = User.objects.values_list("organisation__code", flat=True).get(pk=user.pk)
        assert organisation == account.organisation_code
        assert user.check_password(demo.DEMO_PASSWORD)


def test_loading_twice_changes_nothing(demo_organisations: None) -> None:
    demo.load()
    before = snapshot()
    summary = demo.load()
    assert snapshot() == before
    assert "0 created, 0 updated" in summary


def test_loading_again_puts_a_changed_demo_account_back(demo_organisations: None) -> None:
    demo.load()
    user = User.objects.get(username="clinician")
    user.set_password("something-else-entirely")
    user.save()
    RoleAssignment.objects.filter(user=user).delete()
    assert "1 updated" in demo.load()
    user = User.objects.get(username="clinician")
    assert user.check_password(demo.DEMO_PASSWORD)
    assert user.role_set == {Role.CLINICIAN}


def test_loading_without_the_directory_demo_says_what_is_missing() -> None:
    with pytest.raises(LookupError, match="wko-public-council"):
        demo.load()


def test_a_demo_account_signs_in_with_the_demo_password(
    client: Client, demo_organisations: None, demo_mode: None
) -> None:
    demo.load()
    response = client.post(
        reverse("accounts:login"), {"username": "admin", "password": demo.DEMO_PASSWORD}
    )
    assert response["Location"] == "/kk/"
    assert client.get(reverse("accounts:user_list")).status_code == 200


def test_every_login_the_demo_uses_is_printed_and_listed() -> None:
    # The three-expert step of the MSE demo needs mse-expert-2 and -3, and appeals mse-appeals:
    # a visitor must find them where the other logins are (issue 11).
    printed = "\n".join(demo.describe())
    listed = {account.username for account in demo.DEMO_ACCOUNTS}
    for username in ("mse", "mse-expert-2", "mse-expert-3", "mse-appeals", "chair"):
        assert username in listed
        assert f"  {username} " in printed


def test_the_printed_logins_line_up_however_long_a_username_is() -> None:
    rows = demo.describe()[1:]
    starts = {
        row.index(account.description)
        for row, account in zip(rows, demo.DEMO_ACCOUNTS, strict=True)
    }
    assert len(starts) == 1, rows


def test_loading_again_removes_an_authenticator_a_visitor_set_up(
    demo_organisations: None,
) -> None:
    """Set up before the set-up page refused it, it asked every later visitor for its code."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kopir.accounts.tests.helpers import confirmed_authenticator

    demo.load()
    user = User.objects.get(username="clinician")
    confirmed_authenticator(user)
    StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    assert "1 updated" in demo.load()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert "0 updated" in demo.load()
