"""Concurrent edits of an account are detected, never silently overwritten.

Every service that changes an account raises its version; an administrator's save made from a
form read at an older version is refused with nothing written, and the form comes back with the
administrator's input, what the other person saved, and the new version.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from kopir.accounts import services
from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import PASSWORD, UserFactory
from kopir.accounts.tests.helpers import confirmed_authenticator, edit_data, update_values
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.errors import ConflictError
from kopir.core.tests.fixtures import conflict_panel
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "long-enough-passphrase-2026"


def stored(user: User) -> User:
    return User.objects.get(pk=user.pk)


# --- The services ------------------------------------------------------------------------------


def test_a_new_account_starts_at_version_one() -> None:
    user = services.user_create(
        actor=None,
        username="dana.s",
        first_name="Дана",
        last_name="Сынақова",
        email="",
        organisation=OrganisationFactory.create(),
        roles=[Role.CLINICIAN],
        password=NEW_PASSWORD,
    )
    assert stored(user).version == 1


def test_an_update_raises_the_version_by_one_and_keeps_the_callers_account_in_step() -> None:
    user = UserFactory(roles=[Role.CLINICIAN])
    saved = services.user_update(
        actor=None, user=user, expected_version=1, **update_values(user, last_name="Жаңаева")
    )
    assert saved is user
    assert AuditEvent.objects.get(action=AuditAction.UPDATE).fields == ["last_name"]
    assert (stored(user).last_name, stored(user).version) == ("Жаңаева", 2)
    assert (user.last_name, user.version) == ("Жаңаева", 2)


def test_a_change_of_roles_alone_raises_the_version() -> None:
    user = UserFactory(roles=[Role.CLINICIAN])
    services.user_update(
        actor=None,
        user=user,
        expected_version=1,
        **update_values(user, roles=[Role.CLINICIAN, Role.MSE_SPECIALIST]),
    )
    assert AuditEvent.objects.get(action=AuditAction.UPDATE).fields == ["roles"]
    assert stored(user).version == 2
    assert user.role_set == {Role.CLINICIAN, Role.MSE_SPECIALIST}


def test_an_update_that_changes_nothing_keeps_the_version() -> None:
    user = UserFactory(roles=[Role.CLINICIAN])
    saved = services.user_update(actor=None, user=user, expected_version=1, **update_values(user))
    assert saved.version == stored(user).version == 1
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_an_update_from_an_old_version_is_refused_and_writes_nothing() -> None:
    user = UserFactory(roles=[Role.CLINICIAN])
    # Another administrator saves first, from the same version 1.
    services.user_update(
        actor=None, user=stored(user), expected_version=1, **update_values(user, first_name="Ерлан")
    )
    with pytest.raises(ConflictError) as error:
        services.user_update(
            actor=None,
            user=user,
            expected_version=1,
            password=NEW_PASSWORD,
            **update_values(
                user,
                first_name="Арман",
                last_name="Жаңаева",
                roles=[Role.ADMINISTRATOR],
                is_active=False,
            ),
        )
    assert str(error.value) == str(services.CONFLICT)
    after = stored(user)
    assert (after.first_name, after.last_name, after.is_active) == ("Ерлан", "Сынақова", True)
    assert after.role_set == {Role.CLINICIAN}
    assert after.check_password(PASSWORD)
    assert after.version == 2
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE).count() == 1


def test_an_update_is_measured_against_the_stored_account_not_a_stale_instance() -> None:
    user = UserFactory(roles=[Role.CLINICIAN])
    stale = stored(user)
    services.user_update(
        actor=None, user=user, expected_version=1, **update_values(user, first_name="Ерлан")
    )
    # The caller read the new version elsewhere (the form), but hands in an instance read before.
    services.user_update(
        actor=None, user=stale, expected_version=2, **update_values(stale, last_name="Жаңаева")
    )
    # The instance's old first name is sent back unchanged, and so counts as a change back.
    latest = AuditEvent.objects.filter(action=AuditAction.UPDATE).latest("pk")
    assert latest.fields == ["first_name", "last_name"]
    assert stored(user).version == 3


def test_changing_ones_own_preferences_raises_the_version() -> None:
    user = UserFactory(preferred_language="kk")
    saved = services.user_update_preferences(user=user, preferred_language="ru")
    assert stored(user).version == saved.version == 2
    services.user_update_preferences(user=user, preferred_language="ru")  # no change
    assert stored(user).version == 2


def test_changing_ones_own_password_raises_the_version() -> None:
    user = UserFactory()
    services.user_change_password(user=user, password=NEW_PASSWORD)
    assert stored(user).version == user.version == 2


def test_resetting_two_factor_raises_the_version_only_when_something_was_removed() -> None:
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    user = UserFactory(roles=[Role.CLINICIAN])
    assert services.user_reset_two_factor(actor=admin, user=user) == 0
    assert stored(user).version == 1
    confirmed_authenticator(user)
    StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    assert services.user_reset_two_factor(actor=admin, user=user) == 2
    assert stored(user).version == 2


def test_a_password_changed_by_its_holder_refuses_an_administrators_older_form() -> None:
    user = UserFactory(roles=[Role.CLINICIAN])
    services.user_change_password(user=stored(user), password=NEW_PASSWORD)
    with pytest.raises(ConflictError):
        services.user_update(
            actor=None,
            user=user,
            expected_version=1,
            password="another-long-passphrase-2026",
            **update_values(user),
        )
    assert stored(user).check_password(NEW_PASSWORD)


# --- The edit page -----------------------------------------------------------------------------


def edit_url(account: User) -> str:
    return reverse("accounts:user_edit", kwargs={"pk": account.pk})


def other_administrator_saves(account: User, **overrides: Any) -> None:
    other = UserFactory(roles=[Role.ADMINISTRATOR])
    current = stored(account)
    services.user_update(
        actor=other,
        user=current,
        expected_version=current.version,
        **update_values(current, **overrides),
    )


def test_the_edit_page_carries_the_version_it_was_read_at(admin_client: Client) -> None:
    account = UserFactory(roles=[Role.CLINICIAN])
    services.user_change_password(user=account, password=NEW_PASSWORD)
    body = admin_client.get(edit_url(account)).content.decode()
    assert '<input type="hidden" name="version" value="2"' in body


@pytest.mark.usefixtures("english")
def test_a_save_from_an_old_form_is_refused_with_the_input_kept_and_the_other_save_shown(
    admin_client: Client, administrator: User
) -> None:
    polyclinic = OrganisationFactory.create(name_kk="Емхана", name_en="Polyclinic No 5")
    account = UserFactory(roles=[Role.CLINICIAN], preferred_language="kk")
    form = edit_data(account, last_name="Жаңаева")  # opened at version 1
    other_administrator_saves(
        account,
        first_name="Ерлан",
        organisation=polyclinic,
        roles=[Role.CLINICIAN, Role.MSE_SPECIALIST],
        preferred_language="ru",
        is_active=False,
    )

    response = admin_client.post(edit_url(account), form)

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone saved this record while you were editing it." in body
    assert "What the other person saved" in body
    panel = conflict_panel(body)
    assert "<dt>First name</dt><dd>Ерлан</dd>" in panel
    assert "<dt>Organisation</dt><dd>Polyclinic No 5</dd>" in panel
    assert "<dt>Roles</dt><dd>MSE specialist, Clinician</dd>" in panel
    assert '<dt>Preferred language</dt><dd lang="ru">Русский</dd>' in panel
    assert "<dt>Active</dt><dd>No</dd>" in panel
    # What nobody changed is not listed.
    assert "Username" not in panel
    assert "E-mail" not in panel
    # The administrator's input is kept, and the form now carries the version just read.
    assert 'value="Жаңаева"' in body
    assert 'name="version" value="2"' in body
    after = stored(account)
    assert (after.first_name, after.last_name, after.version) == ("Ерлан", "Сынақова", 2)
    assert not AuditEvent.objects.filter(
        action=AuditAction.UPDATE, actor=administrator, target_id=str(account.pk)
    ).exists()


def test_submitting_again_after_a_conflict_saves_the_reviewed_input(admin_client: Client) -> None:
    account = UserFactory(roles=[Role.CLINICIAN])
    form = edit_data(account, last_name="Жаңаева")
    other_administrator_saves(account, first_name="Ерлан")
    assert admin_client.post(edit_url(account), form).status_code == 409

    response = admin_client.post(edit_url(account), {**form, "version": 2})

    assert response.status_code == 302
    after = stored(account)
    # The administrator's form still held the old first name: submitting again replaces it.
    assert (after.first_name, after.last_name, after.version) == ("Айгүл", "Жаңаева", 3)


@pytest.mark.usefixtures("english")
def test_a_conflict_over_a_change_the_form_does_not_show_still_refuses_the_save(
    admin_client: Client,
) -> None:
    account = UserFactory(roles=[Role.CLINICIAN])
    # The administrator sets a password while the holder changes it themselves.
    form = edit_data(
        account, password1="another-long-passphrase-2026", password2="another-long-passphrase-2026"
    )
    services.user_change_password(user=stored(account), password=NEW_PASSWORD)

    response = admin_client.post(edit_url(account), form)

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone saved this record while you were editing it." in body
    # No value the form shows differs (passwords are never shown), so there is no panel.
    assert "What the other person saved" not in body
    assert 'name="version" value="2"' in body
    assert stored(account).check_password(NEW_PASSWORD)


@pytest.mark.usefixtures("english")
def test_the_panel_lists_every_saved_value_that_differs_from_the_input(
    admin_client: Client,
) -> None:
    account = UserFactory(roles=[Role.CLINICIAN], email="dana@example.test")
    form = edit_data(account, last_name="Жаңаева", email="")
    other_administrator_saves(account, first_name="Ерлан")
    body = admin_client.post(edit_url(account), form).content.decode()
    panel = conflict_panel(body)
    # Saved values are shown where the input differs, whoever changed them: the page cannot
    # know what the form held when it was opened.
    assert "<dt>First name</dt><dd>Ерлан</dd>" in panel
    assert "<dt>Last name</dt><dd>Сынақова</dd>" in panel
    assert "<dt>E-mail</dt><dd>dana@example.test</dd>" in panel
    assert "Username" not in panel


@pytest.mark.usefixtures("english")
def test_a_saved_empty_value_is_shown_as_empty(admin_client: Client) -> None:
    account = UserFactory(roles=[Role.CLINICIAN])
    form = edit_data(account, roles=[Role.CLINICIAN])
    other_administrator_saves(account, roles=[], email="")
    body = admin_client.post(edit_url(account), form).content.decode()
    panel = conflict_panel(body)
    assert "<dt>Roles</dt><dd>(empty)</dd>" in panel
    assert "<dt>E-mail</dt><dd>(empty)</dd>" in panel


def test_the_edit_page_of_an_inactive_account_keeps_its_roles(admin_client: Client) -> None:
    # An inactive account may do nothing (role_set is empty), but it keeps its assignments:
    # the form must show them, or saving it (to reactivate it) would take them away.
    account = UserFactory(roles=[Role.CLINICIAN], is_active=False)
    response = admin_client.get(edit_url(account))
    assert response.context["form"].initial["roles"] == [Role.CLINICIAN]
    form = edit_data(account, roles=[Role.CLINICIAN], is_active="on")
    assert admin_client.post(edit_url(account), form).status_code == 302
    assert stored(account).role_set == {Role.CLINICIAN}


def test_a_save_from_the_current_version_goes_through(admin_client: Client) -> None:
    account = UserFactory(roles=[Role.CLINICIAN])
    response = admin_client.post(edit_url(account), edit_data(account, last_name="Жаңаева"))
    assert response.status_code == 302
    assert (stored(account).last_name, stored(account).version) == ("Жаңаева", 2)


def test_a_form_without_its_version_saves_nothing(admin_client: Client) -> None:
    account = UserFactory(roles=[Role.CLINICIAN])
    data = edit_data(account, last_name="Жаңаева")
    del data["version"]
    response = admin_client.post(edit_url(account), data)
    assert response.status_code == 200
    assert "version" in response.context["form"].errors
    assert stored(account).last_name == "Сынақова"
