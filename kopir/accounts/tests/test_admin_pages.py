"""Account administration: administrators only; search, create, edit, reset two-factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import PASSWORD, UserFactory
from kopir.accounts.tests.helpers import confirmed_authenticator, sign_in_verified
from kopir.audit.models import AuditAction, AuditEvent
from kopir.directory.models import Organisation
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def make_organisation() -> Organisation:
    organisation: Organisation = OrganisationFactory.create()
    return organisation


PAGES: list[tuple[str, Callable[[User], dict[str, int]]]] = [
    ("accounts:user_list", lambda _user: {}),
    ("accounts:user_create", lambda _user: {}),
    ("accounts:user_edit", lambda user: {"pk": user.pk}),
]


def new_account_data(organisation_pk: int | None, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "username": "aigerim.k",
        "first_name": "Әйгерім",
        "last_name": "Қасымова",
        "email": "aigerim@example.test",
        "organisation": organisation_pk,
        "roles": [Role.CLINICIAN],
        "preferred_language": "ru",
        "is_active": "on",
        "password1": "long-enough-passphrase-2026",
        "password2": "long-enough-passphrase-2026",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(("url_name", "kwargs"), PAGES)
def test_an_administrator_may_open_the_account_pages(
    admin_client: Client, clinician: User, url_name: str, kwargs: Callable[[User], dict]
) -> None:
    response = admin_client.get(reverse(url_name, kwargs=kwargs(clinician)))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


@pytest.mark.parametrize(("url_name", "kwargs"), PAGES)
def test_staff_of_another_organisation_are_refused_the_account_pages(
    clinician_client: Client, administrator: User, url_name: str, kwargs: Callable
) -> None:
    response = clinician_client.get(reverse(url_name, kwargs=kwargs(administrator)))
    assert response.status_code == 403


@pytest.mark.parametrize(("url_name", "kwargs"), PAGES)
def test_anonymous_visitors_are_sent_to_sign_in_from_the_account_pages(
    client: Client, clinician: User, url_name: str, kwargs: Callable
) -> None:
    response = client.get(reverse(url_name, kwargs=kwargs(clinician)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_administrator_who_has_not_passed_the_second_factor_is_sent_to_it(
    client: Client, administrator: User
) -> None:
    confirmed_authenticator(administrator)
    client.post(
        reverse("accounts:login"), {"username": administrator.username, "password": PASSWORD}
    )
    response = client.get(reverse("accounts:user_list"))
    assert response["Location"].startswith(reverse("accounts:verify"))


def test_the_list_finds_accounts_by_name_whatever_the_case(admin_client: Client) -> None:
    UserFactory(username="bolat", first_name="Болат", last_name="Жақсылықов")
    UserFactory(username="saule", first_name="Сәуле", last_name="Омарова")
    response = admin_client.get(reverse("accounts:user_list"), {"q": "жақсылықов"})
    usernames = [user.username for user in response.context["page_obj"]]
    assert usernames == ["bolat"]


def test_the_list_finds_accounts_by_username(admin_client: Client) -> None:
    UserFactory(username="bolat.zh")
    UserFactory(username="saule.o")
    response = admin_client.get(reverse("accounts:user_list"), {"q": "BOLAT"})
    assert [user.username for user in response.context["page_obj"]] == ["bolat.zh"]


def test_the_list_filters_by_organisation_and_role(admin_client: Client) -> None:
    polyclinic = make_organisation()
    UserFactory(username="in-both", organisation=polyclinic, roles=[Role.CLINICIAN])
    UserFactory(username="other-role", organisation=polyclinic, roles=[Role.AGENCY_OFFICER])
    UserFactory(username="other-place", roles=[Role.CLINICIAN])
    response = admin_client.get(
        reverse("accounts:user_list"),
        {"organisation": str(polyclinic.pk), "role": Role.CLINICIAN.value},
    )
    assert [user.username for user in response.context["page_obj"]] == ["in-both"]


@pytest.mark.usefixtures("english")
def test_the_list_shows_twenty_five_accounts_a_page(admin_client: Client) -> None:
    UserFactory.create_batch(30)
    response = admin_client.get(reverse("accounts:user_list"))
    page = response.context["page_obj"]
    assert len(page.object_list) == 25
    assert page.paginator.count == 31  # and the administrator
    assert "Page 1 of 2" in response.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_costs_the_same_few_queries_however_many_rows(
    admin_client: Client, django_assert_max_num_queries: Callable, rows: int
) -> None:
    organisation = make_organisation()
    for _row in range(rows):
        UserFactory(organisation=organisation, roles=[Role.CLINICIAN, Role.MSE_SPECIALIST])
    # 16 = the page's own dozen, and the audit record of the search with its savepoint and the
    # read of the audit chain's head.
    with django_assert_max_num_queries(17):  # the header's unread notifications count included
        response = admin_client.get(reverse("accounts:user_list"), {"q": "user"})
    assert response.status_code == 200


@pytest.mark.usefixtures("english")
def test_an_htmx_search_gets_only_the_results(admin_client: Client) -> None:
    response = admin_client.get(reverse("accounts:user_list"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<table>" in body
    assert "<h1" not in body
    # The count goes to the status line outside the table, which screen readers announce.
    assert 'id="user-results-status"' in body
    assert "1 account found" in body


def test_an_administrator_creates_an_account(admin_client: Client, administrator: User) -> None:
    organisation = make_organisation()
    response = admin_client.post(reverse("accounts:user_create"), new_account_data(organisation.pk))
    created = User.objects.get(username="aigerim.k")
    assert response["Location"] == reverse("accounts:user_edit", kwargs={"pk": created.pk})
    assert created.organisation == organisation
    assert created.role_set == {Role.CLINICIAN}
    assert created.preferred_language == "ru"
    assert created.check_password("long-enough-passphrase-2026")
    event = AuditEvent.objects.get(action=AuditAction.CREATE, target_id=str(created.pk))
    assert event.actor == administrator
    assert "roles" in event.fields
    assert "password" in event.fields
    assert "Әйгерім" not in f"{event.detail} {event.fields}"


@pytest.mark.usefixtures("english")
def test_a_weak_initial_password_is_refused(admin_client: Client) -> None:
    organisation = make_organisation()
    response = admin_client.post(
        reverse("accounts:user_create"),
        new_account_data(organisation.pk, password1="12345678", password2="12345678"),
    )
    assert response.status_code == 200
    assert "Initial password:" in response.content.decode()
    assert not User.objects.filter(username="aigerim.k").exists()


@pytest.mark.usefixtures("english")
def test_mismatched_passwords_are_refused(admin_client: Client) -> None:
    organisation = make_organisation()
    response = admin_client.post(
        reverse("accounts:user_create"),
        new_account_data(organisation.pk, password2="long-enough-passphrase-2027"),
    )
    assert "The two passwords do not match." in response.content.decode()
    assert not User.objects.filter(username="aigerim.k").exists()


@pytest.mark.usefixtures("english")
def test_a_username_taken_in_another_case_is_refused(admin_client: Client) -> None:
    UserFactory(username="aigerim.k")
    organisation = make_organisation()
    response = admin_client.post(
        reverse("accounts:user_create"), new_account_data(organisation.pk, username="Aigerim.K")
    )
    assert "Username: An account with this username already exists." in response.content.decode()
    assert User.objects.filter(username__iexact="aigerim.k").count() == 1


def test_an_administrator_edits_an_account_and_the_changed_fields_are_recorded(
    admin_client: Client,
) -> None:
    account = UserFactory(roles=[Role.CLINICIAN])
    data = new_account_data(
        account.organisation_id,
        username=account.username,
        first_name=account.first_name,
        last_name="Жаңаева",
        email=account.email,
        preferred_language="kk",
        roles=[Role.CLINICIAN, Role.MSE_SPECIALIST],
        password1="",
        password2="",
        version=account.version,
    )
    admin_client.post(reverse("accounts:user_edit", kwargs={"pk": account.pk}), data)
    account.refresh_from_db()
    assert account.last_name == "Жаңаева"
    assert account.check_password(PASSWORD)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, target_id=str(account.pk))
    assert event.fields == ["last_name", "roles"]


@pytest.mark.usefixtures("english")
def test_an_administrator_cannot_take_away_their_own_administrator_role(
    admin_client: Client, administrator: User
) -> None:
    data = new_account_data(
        administrator.organisation_id,
        username=administrator.username,
        first_name=administrator.first_name,
        last_name=administrator.last_name,
        email=administrator.email,
        roles=[Role.CLINICIAN],
        password1="",
        password2="",
        version=administrator.version,
    )
    response = admin_client.post(
        reverse("accounts:user_edit", kwargs={"pk": administrator.pk}), data
    )
    assert "You cannot remove your own administrator role." in response.content.decode()
    assert User.objects.get(pk=administrator.pk).has_role(Role.ADMINISTRATOR)


def test_editing_an_account_that_does_not_exist_is_not_found(admin_client: Client) -> None:
    assert admin_client.get(reverse("accounts:user_edit", kwargs={"pk": 999999})).status_code == 404


@pytest.fixture
def with_authenticator(db: None) -> User:
    """A clinician's account with an authenticator app set up."""
    account = UserFactory(roles=[Role.CLINICIAN])
    confirmed_authenticator(account)
    return account


def _reset_url(account: User) -> str:
    return reverse("accounts:user_reset_two_factor", kwargs={"pk": account.pk})


def _reset(client: Client, account: User) -> Any:
    account.refresh_from_db()
    return client.post(_reset_url(account), {"version": account.version})


def test_an_administrator_resets_an_accounts_two_factor(
    admin_client: Client, with_authenticator: User
) -> None:
    account = with_authenticator
    StaticDevice.objects.create(user=account, name="Backup codes", confirmed=True)
    response = _reset(admin_client, account)
    assert response["Location"] == reverse("accounts:user_edit", kwargs={"pk": account.pk})
    assert not TOTPDevice.objects.filter(user=account).exists()
    assert not StaticDevice.objects.filter(user=account).exists()
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR, target_id=str(account.pk))
    assert event.detail == "reset by administrator"


def test_after_a_reset_the_account_must_set_up_two_factor_again(
    admin_client: Client, client: Client
) -> None:
    account = UserFactory(roles=[Role.CLINICIAN])
    other_browser = Client()
    sign_in_verified(other_browser, account)
    _reset(admin_client, account)
    response = other_browser.get(reverse("core:home"))
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_the_account_page_leads_to_a_confirmation_that_says_what_a_reset_removes(
    admin_client: Client, english: None, with_authenticator: User
) -> None:
    account = with_authenticator
    url = _reset_url(account)
    account_page = admin_client.get(reverse("accounts:user_edit", kwargs={"pk": account.pk}))
    assert f'href="{url}"' in account_page.content.decode()
    confirmation = admin_client.get(url)
    page = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "This cannot be undone" in page
    assert "authenticator app set up for this account stops working" in page
    assert f'action="{url}"' in page
    # Opening the confirmation removes nothing.
    assert TOTPDevice.objects.filter(user=account).exists()


def test_a_reset_from_a_confirmation_read_before_a_change_is_refused(
    admin_client: Client, with_authenticator: User
) -> None:
    account = with_authenticator
    url = _reset_url(account)
    response = admin_client.post(url, {"version": account.version + 1})
    assert response.status_code == 409
    assert TOTPDevice.objects.filter(user=account).exists()


def test_staff_who_are_not_administrators_cannot_reset_two_factor(
    clinician_client: Client, with_authenticator: User
) -> None:
    account = with_authenticator
    url = _reset_url(account)
    assert clinician_client.get(url).status_code == 403
    assert clinician_client.post(url, {"version": account.version}).status_code == 403
    assert TOTPDevice.objects.filter(user=account).exists()


def test_anonymous_visitors_cannot_reset_two_factor(
    client: Client, with_authenticator: User
) -> None:
    account = with_authenticator
    url = _reset_url(account)
    assert client.post(url)["Location"].startswith(reverse("accounts:login"))
    assert TOTPDevice.objects.filter(user=account).exists()
