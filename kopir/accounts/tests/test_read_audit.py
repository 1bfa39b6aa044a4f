"""Reading staff accounts is audited: the account page (a VIEW) and the list (a SEARCH).

Only what is shown is recorded, and only to administrators: a refused request records nothing.
The records say who read which account, never the names or the words searched for.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse

from kopir.accounts import selectors
from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.accounts.tests.helpers import edit_data
from kopir.audit.models import AuditAction, AuditEvent
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def edit_url(account: User) -> str:
    return reverse("accounts:user_edit", kwargs={"pk": account.pk})


def reads() -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action__in=[AuditAction.VIEW, AuditAction.SEARCH]).order_by("id")
    )


# --- The account page --------------------------------------------------------------------------


def test_opening_an_account_records_who_viewed_which_account(
    admin_client: Client, administrator: User
) -> None:
    account = UserFactory(roles=[Role.CLINICIAN], first_name="Дана", last_name="Сынақова")
    assert admin_client.get(edit_url(account)).status_code == 200
    [event] = reads()
    assert event.action == AuditAction.VIEW
    assert event.actor == administrator
    assert event.actor_username == administrator.username
    assert (event.target_type, event.target_id) == ("accounts.user", str(account.pk))
    assert event.fields == []
    assert "Дана" not in event.detail
    assert account.email not in event.detail


def test_each_opening_is_recorded(admin_client: Client) -> None:
    account = UserFactory()
    admin_client.get(edit_url(account))
    admin_client.get(edit_url(account))
    assert [event.action for event in reads()] == [AuditAction.VIEW, AuditAction.VIEW]


def test_a_refused_request_for_an_account_records_nothing(
    clinician_client: Client, administrator: User
) -> None:
    assert clinician_client.get(edit_url(administrator)).status_code == 403
    assert reads() == []


def test_an_anonymous_request_for_an_account_records_nothing(client: Client) -> None:
    account = UserFactory()
    assert client.get(edit_url(account)).status_code == 302
    assert reads() == []


def test_an_account_that_does_not_exist_records_nothing(admin_client: Client) -> None:
    response = admin_client.get(reverse("accounts:user_edit", kwargs={"pk": 999999}))
    assert response.status_code == 404
    assert reads() == []


def test_saving_an_account_is_recorded_as_a_change_not_as_a_read(admin_client: Client) -> None:
    account = UserFactory(roles=[Role.CLINICIAN])
    data = edit_data(account, last_name="Жаңаева")
    assert admin_client.post(edit_url(account), data).status_code == 302
    assert reads() == []
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE).count() == 1


def test_the_selector_refuses_a_viewer_who_is_not_an_administrator() -> None:
    clinician = UserFactory(roles=[Role.CLINICIAN])
    account = UserFactory()
    with pytest.raises(PermissionDenied):
        selectors.user_for_view(clinician, account.pk)
    with pytest.raises(Http404):
        selectors.user_for_view(UserFactory(roles=[Role.ADMINISTRATOR]), 999999)
    assert reads() == []


# --- The list of accounts ----------------------------------------------------------------------


def test_opening_the_list_records_a_search_of_accounts(
    admin_client: Client, administrator: User
) -> None:
    assert admin_client.get(reverse("accounts:user_list")).status_code == 200
    [event] = reads()
    assert event.action == AuditAction.SEARCH
    assert event.actor == administrator
    assert (event.target_type, event.target_id) == ("accounts.user", "")
    assert event.detail == "all"


def test_a_search_is_recorded_by_kind_never_with_the_words_searched_for(
    admin_client: Client,
) -> None:
    organisation = OrganisationFactory.create()
    UserFactory(username="bolat", first_name="Болат", last_name="Жақсылықов")
    admin_client.get(reverse("accounts:user_list"), {"q": "Жақсылықов"})
    admin_client.get(
        reverse("accounts:user_list"),
        {"q": "bolat", "organisation": str(organisation.pk), "role": Role.CLINICIAN.value},
    )
    admin_client.get(reverse("accounts:user_list"), HTTP_HX_REQUEST="true")
    events = reads()
    assert [event.detail for event in events] == [
        "by_name",
        "by_name, by_organisation, by_role",
        "all",
    ]
    for event in events:
        assert "Жақсылықов" not in event.detail
        assert "bolat" not in event.detail
        assert event.fields == []


def test_a_refused_request_for_the_list_records_nothing(clinician_client: Client) -> None:
    assert clinician_client.get(reverse("accounts:user_list")).status_code == 403
    assert reads() == []


def test_a_search_with_invalid_filters_shows_nobody_and_records_nothing(
    admin_client: Client,
) -> None:
    response = admin_client.get(reverse("accounts:user_list"), {"organisation": "999999"})
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == []
    assert reads() == []


def test_the_saved_values_shown_after_a_conflict_are_a_recorded_read(
    admin_client: Client, administrator: User
) -> None:
    from kopir.accounts import services

    account = UserFactory(roles=[Role.CLINICIAN])
    data = edit_data(account, last_name="Жаңаева")
    services.user_change_password(user=account, password="long-enough-passphrase-2026")
    assert admin_client.post(edit_url(account), data).status_code == 409
    [event] = reads()
    assert (event.action, event.actor, event.target_id) == (
        AuditAction.VIEW,
        administrator,
        str(account.pk),
    )
    assert event.detail == "conflict"
