"""The West Kazakhstan demo of the directory: complete, valid and idempotent."""

from __future__ import annotations

import pytest

from kopir.audit.models import AuditEvent
from kopir.core.identifiers import validate_bin
from kopir.directory import demo
from kopir.directory.models import (
    CodeStatus,
    Organisation,
    OrganisationKind,
    ReferenceDataSource,
    Territory,
)

pytestmark = pytest.mark.django_db

# The codes COMMON.md promises other apps' demos.
PROMISED_CODES = {
    "wko-mse-department",
    "wko-mse-division-oral",
    "wko-employment-office",
    "wko-health-office",
    "wko-education-office",
    "oral-akimat",
    "terekti-akimat",
    "karatobe-akimat",
    "oral-polyclinic-1",
    "oral-polyclinic-3",
    "oral-polyclinic-5",
    "terekti-district-hospital",
    "karatobe-district-hospital",
    "oral-career-centre",
    "wko-school-hearing-impaired",
    "kos-wko",
    "wko-public-council",
    "mazhilis",
}


def counts() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        Territory.objects.count(),
        ReferenceDataSource.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_demo_creates_exactly_the_promised_organisations() -> None:
    demo.load()

    assert set(Organisation.objects.values_list("code", flat=True)) == PROMISED_CODES


def test_loading_the_demo_twice_changes_nothing() -> None:
    demo.load()
    after_first = counts()
    versions = dict(Organisation.objects.values_list("code", "version"))

    summary = demo.load()

    assert counts() == after_first
    assert dict(Organisation.objects.values_list("code", "version")) == versions
    assert "organisations 0 created, 0 updated, 18 unchanged" in summary


def test_every_demo_bin_is_valid_and_unique() -> None:
    demo.load()

    bins = [b for b in Organisation.objects.values_list("bin", flat=True) if b is not None]
    for number in bins:
        validate_bin(number)
    assert len(bins) == len(set(bins)) >= 16


def test_every_demo_organisation_has_names_in_three_languages_and_short_names() -> None:
    demo.load()

    for organisation in Organisation.objects.all():
        for language in ("kk", "ru", "en"):
            assert getattr(organisation, f"name_{language}"), (organisation.code, language)
            assert getattr(organisation, f"short_name_{language}"), (organisation.code, language)


def test_the_demo_places_each_body_in_its_territory_and_hierarchy() -> None:
    demo.load()
    by_code = {o.code: o for o in Organisation.objects.select_related("territory", "parent")}

    assert by_code["wko-mse-division-oral"].parent == by_code["wko-mse-department"]
    assert by_code["wko-mse-division-oral"].kind == OrganisationKind.MSE_DIVISION
    assert by_code["wko-health-office"].territory.kato == "270000000"
    assert by_code["oral-akimat"].territory.kato == "271010000"
    assert by_code["terekti-akimat"].territory.kato == "276200000"
    assert by_code["karatobe-district-hospital"].territory.kato == "275000000"
    assert by_code["oral-polyclinic-1"].name_kk == "Орал қаласының № 1 қалалық емханасы"
    assert by_code["oral-polyclinic-1"].name_ru == "Городская поликлиника № 1 г. Уральск"
    assert by_code["kos-wko"].kind == OrganisationKind.NGO
    assert str(by_code["kos-wko"].bin)[5] == "1"  # a branch, by the BIN's sixth digit
    assert by_code["wko-public-council"].kind == OrganisationKind.PUBLIC_COUNCIL
    assert by_code["mazhilis"].kind == OrganisationKind.PARLIAMENT


def test_the_mazhilis_sits_in_kopirs_own_code_for_the_whole_country() -> None:
    demo.load()

    country = Organisation.objects.get(code="mazhilis").territory
    assert country.kato == "000000000"
    assert country.code_status == CodeStatus.LOCAL
    assert country.source.code == "kopir-territories"


def test_the_demo_records_where_its_territory_codes_come_from() -> None:
    demo.load()

    kato = ReferenceDataSource.objects.get(code="kato-wko-kopir")
    assert "inferred" in kato.notes.lower()
    assert Territory.objects.filter(source=kato).count() == 14


def test_the_demo_bins_are_fixed_so_other_demos_and_screenshots_can_rely_on_them() -> None:
    demo.load()

    assert Organisation.objects.get(code="wko-mse-department").bin == "230740901017"
    assert Organisation.objects.get(code="kos-wko").bin == "031141901150"
