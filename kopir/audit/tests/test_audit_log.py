from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import RequestFactory

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.audit.models import AuditAction, AuditEvent, AuditLogIsAppendOnly
from kopir.audit.services import audit_record
from kopir.core.tests.fixtures import rolled_back
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_record_says_who_from_which_organisation_did_what_to_which_record_and_from_where():
    user = UserFactory(roles=[Role.CLINICIAN])
    organisation = OrganisationFactory.create()
    request = RequestFactory().get("/kk/people/1/", REMOTE_ADDR="10.1.2.3")

    event = audit_record(actor=user, action=AuditAction.VIEW, target=organisation, request=request)

    event.refresh_from_db()
    assert event.actor == user
    assert event.actor_username == user.username
    assert event.organisation_id == user.organisation_id
    assert event.action == AuditAction.VIEW
    assert event.target_type == "directory.organisation"
    assert event.target_id == str(organisation.pk)
    assert event.source == "10.1.2.3"
    assert event.at is not None


def test_an_anonymous_actor_is_recorded_without_an_account():
    event = audit_record(actor=None, action=AuditAction.LOGIN_FAILED, target_type="accounts.user")
    assert event.actor is None
    assert event.actor_username == ""


def test_a_record_written_inside_a_transaction_that_rolls_back_disappears_with_it():
    user = UserFactory()

    rolled_back(
        lambda: audit_record(actor=user, action=AuditAction.UPDATE, target=user, fields=["email"])
    )

    assert not AuditEvent.objects.filter(target_id=str(user.pk)).exists()


def test_the_orm_refuses_to_change_or_delete_a_record():
    event = audit_record(actor=None, action=AuditAction.SEARCH)

    event.detail = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(detail="tampered")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET detail = 'tampered'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_raw_sql_that_changes_or_deletes_records(statement: str):
    audit_record(actor=None, action=AuditAction.SEARCH)

    with (
        pytest.raises((DatabaseError, IntegrityError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)

    assert AuditEvent.objects.filter(detail="tampered").count() == 0
    assert AuditEvent.objects.count() == 1


def test_changed_fields_are_stored_by_name_only_and_sorted():
    user = UserFactory()
    event = audit_record(
        actor=user, action=AuditAction.UPDATE, target=user, fields={"last_name", "email"}
    )
    assert event.fields == ["email", "last_name"]


def test_lockouts_and_the_audit_log_record_the_clients_address_behind_a_proxy(settings):
    from axes.helpers import get_client_ip_address

    from kopir.audit.services import request_source

    settings.KOPIR_TRUSTED_PROXIES = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7"
    )

    assert get_client_ip_address(request) == "198.51.100.7"
    assert request_source(request) == "198.51.100.7"
