"""A locked-out account as its administrator sees it: the list, the account page, unlocking it,
and a new password that lifts the lock, as the lockout page promises."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import PASSWORD, UserFactory
from kopir.accounts.tests.helpers import edit_data, failed_sign_ins
from kopir.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-passphrase-2026"
ADDRESS = "203.0.113.57"


def _lock(username: str, settings) -> None:
    failed_sign_ins(username, settings.AXES_FAILURE_LIMIT, minutes_ago=2, address=ADDRESS)


def _locked_out_by_wrong_passwords(client: Client, account: User, settings) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("accounts:login"), {"username": account.username, "password": "wrong"}
        )
    assert response.status_code == 429


def test_the_list_shows_a_locked_account_as_locked(
    admin_client: Client, settings, english: None
) -> None:
    locked = UserFactory(roles=[Role.CLINICIAN], username="locked.one")
    UserFactory(roles=[Role.CLINICIAN], username="free.one")
    _lock(locked.username, settings)
    page = admin_client.get(reverse("accounts:user_list")).content.decode()
    locked_row = page[page.index("locked.one") :].split("</tr>")[0]
    free_row = page[page.index("free.one") :].split("</tr>")[0]
    assert "Sign-in locked" in locked_row
    assert "Sign-in locked" not in free_row


def test_the_account_page_shows_the_lock_and_its_network_not_the_address(
    admin_client: Client, settings, english: None
) -> None:
    account = UserFactory(roles=[Role.CLINICIAN])
    _lock(account.username, settings)
    page = admin_client.get(reverse("accounts:user_edit", args=[account.pk])).content.decode()
    assert "Sign-in locked" in page
    assert "203.0.113.0/24" in page
    assert ADDRESS not in page
    assert reverse("accounts:user_unlock", args=[account.pk]) in page


def test_an_account_not_locked_offers_no_unlocking(admin_client: Client, english: None) -> None:
    account = UserFactory(roles=[Role.CLINICIAN])
    page = admin_client.get(reverse("accounts:user_edit", args=[account.pk])).content.decode()
    assert "Sign-in locked" not in page
    assert reverse("accounts:user_unlock", args=[account.pk]) not in page


def test_unlocking_asks_first_then_lets_the_person_sign_in_and_is_audited(
    admin_client: Client, administrator: User, settings, english: None
) -> None:
    account = UserFactory(roles=[Role.CLINICIAN])
    person = Client()
    _locked_out_by_wrong_passwords(person, account, settings)
    url = reverse("accounts:user_unlock", args=[account.pk])

    confirmation = admin_client.get(url)
    assert confirmation.status_code == 200
    assert "Unlock sign-in" in confirmation.content.decode()
    assert AccessAttempt.objects.filter(username=account.username).exists()

    account.refresh_from_db()
    response = admin_client.post(url, {"version": account.version})
    assert response["Location"] == reverse("accounts:user_edit", args=[account.pk])
    assert not AccessAttempt.objects.filter(username=account.username).exists()
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, target_id=str(account.pk))
    assert event.actor_id == administrator.pk
    assert event.detail == "unlocked"
    signed_in = person.post(
        reverse("accounts:login"), {"username": account.username, "password": PASSWORD}
    )
    assert signed_in.status_code == 302


def test_unlocking_from_a_stale_page_is_refused(admin_client: Client, settings) -> None:
    account = UserFactory(roles=[Role.CLINICIAN])
    _lock(account.username, settings)
    url = reverse("accounts:user_unlock", args=[account.pk])
    response = admin_client.post(url, {"version": account.version + 1})
    assert response.status_code == 409
    assert AccessAttempt.objects.filter(username=account.username).exists()


def test_only_administrators_unlock(clinician_client: Client, settings) -> None:
    account = UserFactory(roles=[Role.CLINICIAN])
    _lock(account.username, settings)
    url = reverse("accounts:user_unlock", args=[account.pk])
    assert clinician_client.get(url).status_code == 403
    assert clinician_client.post(url, {"version": account.version}).status_code == 403
    assert AccessAttempt.objects.filter(username=account.username).exists()


def test_a_new_password_from_the_administrator_lifts_the_lock(
    admin_client: Client, settings
) -> None:
    account = UserFactory(roles=[Role.CLINICIAN])
    person = Client()
    _locked_out_by_wrong_passwords(person, account, settings)
    data = edit_data(account, password1=NEW_PASSWORD, password2=NEW_PASSWORD)
    admin_client.post(reverse("accounts:user_edit", args=[account.pk]), data)
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, target_id=str(account.pk)).latest(
        "pk"
    )
    assert "lockout" in event.fields
    signed_in = person.post(
        reverse("accounts:login"), {"username": account.username, "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
