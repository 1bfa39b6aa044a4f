"""The organisation services, called directly as commands, imports and other apps do."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.errors import ConflictError
from kopir.directory.models import Organisation, OrganisationKind, Territory
from kopir.directory.services import (
    organisation_create,
    organisation_sync,
    organisation_update,
)
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def new_data(territory: Territory, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "test-career-centre",
        "name_kk": "Сынақ карьера орталығы",
        "name_ru": "Тестовый карьерный центр",
        "name_en": "Test Career Centre",
        "kind": OrganisationKind.CAREER_CENTRE,
        "territory": territory,
    }
    data.update(overrides)
    return data


def test_creating_checks_every_field_before_saving(region: Territory) -> None:
    with pytest.raises(ValidationError) as raised:
        organisation_create(actor=None, **new_data(region, bin="123", code="Not A Slug"))

    assert {"bin", "code"} <= set(raised.value.message_dict)
    assert not Organisation.objects.exists()


def test_creating_keeps_a_case_folded_search_text(region: Territory) -> None:
    organisation = organisation_create(actor=None, **new_data(region))

    assert "тестовый карьерный центр" in organisation.search_text
    assert "test-career-centre" in organisation.search_text


def test_an_unknown_field_is_a_programming_error(region: Territory) -> None:
    with pytest.raises(TypeError, match="colour"):
        organisation_create(actor=None, **new_data(region, colour="green"))


def test_an_update_on_an_old_version_raises_a_conflict_and_writes_nothing(
    organisation: Organisation,
) -> None:
    organisation_update(
        actor=None, organisation=organisation, expected_version=1, phone="+7 7112 00 00 01"
    )
    audit_count = AuditEvent.objects.count()

    with pytest.raises(ConflictError):
        organisation_update(
            actor=None, organisation=organisation, expected_version=1, phone="+7 7112 00 00 02"
        )

    organisation.refresh_from_db()
    assert (organisation.phone, organisation.version) == ("+7 7112 00 00 01", 2)
    assert AuditEvent.objects.count() == audit_count


def test_an_update_refreshes_the_search_text(organisation: Organisation) -> None:
    saved = organisation_update(
        actor=None,
        organisation=organisation,
        expected_version=1,
        name_ru="Новое Название",
    )

    assert AuditEvent.objects.get(action=AuditAction.UPDATE).fields == ["name_ru"]
    organisation.refresh_from_db()
    assert "новое название" in organisation.search_text
    assert saved.version == organisation.version == 2


@pytest.mark.parametrize(
    ("levels_below", "reason"),
    [pytest.param(0, "own parent", id="itself"), pytest.param(2, "loop", id="a unit of its unit")],
)
def test_an_organisation_cannot_be_moved_below_itself(
    organisation: Organisation, levels_below: int, reason: str
) -> None:
    parent = organisation
    for _level in range(levels_below):
        parent = OrganisationFactory.create(parent=parent, territory=organisation.territory)

    with pytest.raises(ValidationError) as raised:
        organisation_update(
            actor=None, organisation=organisation, expected_version=1, parent=parent
        )

    assert reason in raised.value.message_dict["parent"][0]


def test_moving_a_unit_under_a_sibling_is_allowed(organisation: Organisation) -> None:
    first = OrganisationFactory.create(parent=organisation, territory=organisation.territory)
    second = OrganisationFactory.create(parent=organisation, territory=organisation.territory)

    saved = organisation_update(actor=None, organisation=second, expected_version=1, parent=first)

    assert AuditEvent.objects.get(action=AuditAction.UPDATE).fields == ["parent"]
    assert saved.parent == first


def test_syncing_creates_then_leaves_alone_then_updates(region: Territory) -> None:
    data = new_data(region)
    code = data.pop("code")

    _first, created = organisation_sync(code=code, data=data)
    _second, unchanged = organisation_sync(code=code, data=data)
    third, updated = organisation_sync(code=code, data={**data, "name_en": "Renamed"})

    assert (created, unchanged, updated) == ("created", "unchanged", "updated")
    assert third.name_en == "Renamed"
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE]
