"""My account: who I am, my language, my second factor, my password."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override
from django_otp.plugins.otp_static.models import StaticDevice

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import PASSWORD, UserFactory
from kopir.accounts.tests.helpers import confirmed_authenticator, sign_in_verified
from kopir.audit.models import AuditAction, AuditEvent
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member() -> User:
    organisation = OrganisationFactory(name_en="Society of the Blind, test branch")
    return UserFactory(
        first_name="Бауыржан",
        last_name="Оспанов",
        organisation=organisation,
        roles=[Role.COUNCIL_MEMBER],
    )


def test_my_account_shows_my_name_organisation_roles_and_two_factor_state(
    client: Client, member: User
) -> None:
    device = StaticDevice.objects.create(user=member, name="Backup codes", confirmed=True)
    for code in ("1111111111", "2222222222", "3333333333"):
        device.token_set.create(token=code)
    confirmed_authenticator(member)
    sign_in_verified(client, member)
    with override("en"):
        text = client.get(reverse("accounts:profile")).content.decode()
    assert "Бауыржан Оспанов" in text
    assert "Society of the Blind, test branch" in text
    assert "Council member" in text
    assert "<dt>Backup codes left</dt>\n  <dd>3</dd>" in text
    assert '<span class="tag tag--ok">Set up</span>' in text
    assert "/en/accounts/two-factor/backup-codes/" in text


def test_my_account_offers_set_up_when_there_is_no_app(client: Client, demo_mode: None) -> None:
    user = UserFactory()
    client.force_login(user)
    text = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:two_factor_setup") in text
    assert reverse("accounts:backup_codes_regenerate") not in text


def test_my_account_shows_only_my_own_account(client: Client, member: User) -> None:
    other = UserFactory(first_name="Сәуле", last_name="Басқаева")
    sign_in_verified(client, member)
    text = client.get(reverse("accounts:profile")).content.decode()
    assert "Басқаева" not in text
    assert other.username not in text


def test_anonymous_visitors_are_sent_to_sign_in_from_my_account(client: Client) -> None:
    response = client.get(reverse("accounts:profile"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_changing_my_language_saves_it_and_shows_the_page_in_that_language(
    client: Client, member: User
) -> None:
    sign_in_verified(client, member)
    response = client.post(reverse("accounts:profile"), {"preferred_language": "en"})
    assert response["Location"] == "/en/accounts/profile/"
    member.refresh_from_db()
    assert member.preferred_language == "en"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, target_id=str(member.pk))
    assert event.fields == ["preferred_language"]


def test_a_language_that_is_not_offered_is_refused(client: Client, member: User) -> None:
    sign_in_verified(client, member)
    response = client.post(reverse("accounts:profile"), {"preferred_language": "de"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    member.refresh_from_db()
    assert member.preferred_language == "kk"


def test_the_language_list_marks_each_name_with_its_language(client: Client, member: User) -> None:
    sign_in_verified(client, member)
    text = client.get(reverse("accounts:profile")).content.decode()
    assert 'lang="ru"' in text
    assert '<option value="ru" lang="ru">Русский</option>' in text


def test_i_can_change_my_password_and_stay_signed_in(client: Client, member: User) -> None:
    sign_in_verified(client, member)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-2026",
            "new_password2": "a-new-long-passphrase-2026",
        },
    )
    assert response["Location"] == reverse("accounts:profile")
    member.refresh_from_db()
    assert member.check_password("a-new-long-passphrase-2026")
    assert client.get(reverse("accounts:profile")).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, target_id=str(member.pk))
    assert event.fields == ["password"]


def test_a_weak_new_password_is_refused(client: Client, member: User) -> None:
    sign_in_verified(client, member)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
