"""The account services: what they refuse, what they record."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kopir.accounts import services
from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.accounts.tests.helpers import update_values
from kopir.audit.models import AuditAction, AuditChannel, AuditEvent
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def create(**overrides: object) -> User:
    values: dict[str, object] = {
        "actor": None,
        "username": "nurlan.e",
        "first_name": "Нұрлан",
        "last_name": "Есенов",
        "email": "nurlan@example.test",
        "organisation": OrganisationFactory(),
        "roles": [Role.CLINICIAN],
        "password": "long-enough-passphrase-2026",
    }
    values.update(overrides)
    return services.user_create(**values)  # type: ignore[arg-type]


def test_user_create_saves_the_account_with_its_roles_and_a_hashed_password() -> None:
    user = create()
    user = User.objects.get(pk=user.pk)
    assert user.role_set == {Role.CLINICIAN}
    assert user.password != "long-enough-passphrase-2026"
    assert user.check_password("long-enough-passphrase-2026")
    assert "есенов" in user.search_text


def test_user_create_records_the_fields_it_set_and_no_values() -> None:
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    user = create(actor=admin, channel=AuditChannel.COMMAND)
    event = AuditEvent.objects.get(action=AuditAction.CREATE)
    assert event.actor == admin
    assert event.channel == AuditChannel.COMMAND
    assert event.target_id == str(user.pk)
    assert set(event.fields) >= {"username", "first_name", "organisation", "roles", "password"}
    assert "Нұрлан" not in str(event.fields) + event.detail


@pytest.mark.parametrize(
    ("field", "value"),
    [("username", "has space"), ("email", "not-an-address"), ("username", "")],
)
def test_user_create_refuses_invalid_values_and_saves_nothing(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as error:
        create(**{field: value})
    assert field in error.value.message_dict
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


def test_user_create_refuses_an_unknown_role() -> None:
    with pytest.raises(ValueError, match="not a valid Role"):
        create(roles=["overlord"])
    assert not User.objects.exists()


def test_user_update_with_nothing_changed_records_nothing() -> None:
    user = create()
    saved = services.user_update(
        actor=None, user=user, expected_version=user.version, **update_values(user)
    )
    assert saved.version == 1
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE).count() == 0


def test_user_update_keeps_the_search_text_in_step_with_the_names() -> None:
    user = create()
    services.user_update(
        actor=None,
        user=user,
        expected_version=user.version,
        **update_values(user, first_name="Ерлан"),
    )
    assert "ерлан" in User.objects.get(pk=user.pk).search_text


def test_an_administrator_cannot_deactivate_themselves() -> None:
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    with pytest.raises(ValidationError) as error:
        services.user_update(
            actor=admin,
            user=admin,
            expected_version=admin.version,
            **update_values(admin, is_active=False, preferred_language="kk"),
        )
    assert "is_active" in error.value.message_dict
    assert User.objects.get(pk=admin.pk).is_active


def test_regenerating_backup_codes_needs_an_authenticator() -> None:
    user = UserFactory()
    with pytest.raises(ValidationError):
        services.two_factor_backup_codes_regenerate(user=user, request=None)  # type: ignore[arg-type]


def test_user_update_keeps_the_status_and_language_it_is_not_given() -> None:
    user = create()
    services.user_update(
        actor=None, user=user, expected_version=1, **update_values(user, is_active=False)
    )
    values = update_values(user, first_name="Ерлан")
    del values["is_active"], values["preferred_language"]
    saved = services.user_update(actor=None, user=user, expected_version=2, **values)
    assert (saved.version, saved.first_name, saved.is_active) == (3, "Ерлан", False)
    assert saved.preferred_language == "kk"
