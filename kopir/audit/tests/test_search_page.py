from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.KOPIR_REQUIRE_2FA = False


@pytest.fixture
def administrator():
    return UserFactory(username="admin", roles=[Role.ADMINISTRATOR])


def test_an_administrator_finds_records_by_username_and_action(client, administrator):
    clinician = UserFactory(username="clinician", roles=[Role.CLINICIAN])
    audit_record(actor=clinician, action=AuditAction.VIEW, target=clinician)
    audit_record(actor=clinician, action=AuditAction.UPDATE, target=clinician, fields=["email"])
    audit_record(actor=administrator, action=AuditAction.VIEW, target=administrator)
    client.force_login(administrator)

    response = client.get(reverse("audit:search"), {"username": "clinician", "action": "update"})

    assert response.status_code == 200
    events = list(response.context["page_obj"])
    assert [(e.actor_username, e.action) for e in events] == [("clinician", "update")]
    assert "email" in response.text


def test_a_reversed_date_range_is_refused_with_an_error_on_the_end_date(client, administrator):
    client.force_login(administrator)
    today = timezone.localdate()

    response = client.get(
        reverse("audit:search"),
        {"date_from": today.isoformat(), "date_to": (today - dt.timedelta(days=1)).isoformat()},
    )

    assert response.status_code == 200
    assert "date_to" in response.context["form"].errors
    assert list(response.context["page_obj"]) == []


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.COUNCIL_MEMBER, Role.MSE_SPECIALIST])
def test_staff_who_are_not_administrators_are_refused(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("audit:search")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("audit:search"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_page_costs_the_same_queries_for_few_and_many_records(
    client, administrator, django_assert_max_num_queries
):
    client.force_login(administrator)
    for _ in range(3):
        audit_record(actor=administrator, action=AuditAction.VIEW, target=administrator)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("audit:search"))
    for _ in range(40):
        audit_record(actor=administrator, action=AuditAction.VIEW, target=administrator)
    with django_assert_max_num_queries(12) as many:
        client.get(reverse("audit:search"))
    assert len(many.captured_queries) == len(few.captured_queries)
