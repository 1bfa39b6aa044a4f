"""Loading territories from a KATO reference file: the service and the load_kato command."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kopir.audit.models import AuditEvent
from kopir.directory.models import CodeStatus, ReferenceDataSource, Territory, TerritoryLevel
from kopir.directory.reference import ReferenceFileError, read_territory_file
from kopir.directory.services import territories_load_file

KATO_FILE = Path(__file__).resolve().parents[1] / "data" / "kato-wko.json"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def shipped() -> dict[str, Any]:
    return json.loads(KATO_FILE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict[str, Any], name: str = "territories.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def load_errors(path: Path) -> list[str]:
    with pytest.raises(ReferenceFileError) as raised:
        territories_load_file(path=path)
    return raised.value.errors


def test_the_shipped_file_creates_the_region_oral_and_every_district() -> None:
    report = territories_load_file(path=KATO_FILE)

    assert report.created == 14
    assert (report.updated, report.unchanged) == (0, 0)
    region = Territory.objects.get(kato="270000000")
    assert region.level == TerritoryLevel.REGION
    assert region.name_kk == "Батыс Қазақстан облысы"
    assert region.name_ru == "Западно-Казахстанская область"
    oral = Territory.objects.get(kato="271010000")
    assert (oral.name_kk, oral.name_ru, oral.name_en) == (
        "Орал қаласы",
        "город Уральск",
        "Oral city",
    )
    assert oral.parent == region
    assert oral.code_status == CodeStatus.VERIFIED
    terekti = Territory.objects.get(kato="276200000")
    assert terekti.name_ru == "Теректинский район"
    assert terekti.code_status == CodeStatus.INFERRED
    assert Territory.objects.get(kato="275000000").name_kk == "Қаратөбе ауданы"
    assert Territory.objects.filter(parent=region, level=TerritoryLevel.DISTRICT).count() == 12


def test_the_source_of_the_codes_is_recorded_with_what_is_verified_and_what_inferred() -> None:
    territories_load_file(path=KATO_FILE)

    source = ReferenceDataSource.objects.get()
    assert source.version
    assert "docs/domain/identifiers.md §3" in source.notes
    assert "271010000" in source.notes
    assert "Inferred" in source.notes
    assert set(Territory.objects.values_list("source", flat=True)) == {source.pk}


def test_loading_the_same_file_again_changes_nothing_and_writes_no_audit_record() -> None:
    territories_load_file(path=KATO_FILE)
    audit_count = AuditEvent.objects.count()

    report = territories_load_file(path=KATO_FILE)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 14)
    assert AuditEvent.objects.count() == audit_count


def test_a_renamed_unit_is_updated_and_the_changed_field_audited(
    tmp_path: Path, shipped: dict[str, Any]
) -> None:
    territories_load_file(path=KATO_FILE)
    changed = copy.deepcopy(shipped)
    changed["territories"][1]["name_en"] = "Oral"

    report = territories_load_file(path=write(tmp_path, changed))

    assert (report.created, report.updated) == (0, 1)
    assert Territory.objects.get(kato="271010000").name_en == "Oral"
    event = AuditEvent.objects.order_by("pk").last()
    assert event is not None
    assert event.fields == ["name_en"]


def test_a_loading_audit_record_is_written_with_the_first_load() -> None:
    territories_load_file(path=KATO_FILE)

    event = AuditEvent.objects.get()
    assert event.target_type == "directory.referencedatasource"
    assert "14 created" in event.detail


def test_a_short_kato_code_is_reported_with_its_row_and_field(
    tmp_path: Path, shipped: dict[str, Any]
) -> None:
    shipped["territories"][2]["kato"] = "27320"

    errors = load_errors(write(tmp_path, shipped))

    assert errors == ["Row 3, field “kato”: A KATO code is exactly 9 digits; 5 given."]


def test_a_bad_file_writes_nothing(tmp_path: Path, shipped: dict[str, Any]) -> None:
    shipped["territories"][-1]["kato"] = "27A600000"

    load_errors(write(tmp_path, shipped))

    assert not Territory.objects.exists()
    assert not ReferenceDataSource.objects.exists()


def test_every_bad_row_is_reported_at_once(tmp_path: Path, shipped: dict[str, Any]) -> None:
    rows = shipped["territories"]
    rows[0]["level"] = "oblast"
    rows[1]["name_ru"] = " "
    rows[2]["kato"] = 273200000
    rows[3]["kato"] = rows[4]["kato"]
    rows[5]["colour"] = "green"

    errors = load_errors(write(tmp_path, shipped))

    assert any(e.startswith("Row 1, field “level”: “oblast” is not a level") for e in errors)
    assert "Row 2, field “name_ru”: It is required." in errors
    assert "Row 3, field “kato”: It must be text (in quotes)." in errors
    assert any(
        e.startswith("Row 5, field “kato”: The code 274000000 is already used in row 4")
        for e in errors
    )
    assert "Row 6, field “colour”: This field is not known." in errors


def test_a_parent_that_exists_nowhere_is_reported(tmp_path: Path, shipped: dict[str, Any]) -> None:
    shipped["territories"] = [shipped["territories"][1]]  # Oral alone, without its region.

    errors = load_errors(write(tmp_path, shipped))

    assert errors == ["Row 1, field “parent”: No territory with the code 270000000 exists."]


def test_a_parent_already_in_the_database_may_be_referred_to(
    tmp_path: Path, shipped: dict[str, Any]
) -> None:
    territories_load_file(path=KATO_FILE)
    village = {
        "kato": "276230100",
        "level": "settlement",
        "parent": "276200000",
        "name_kk": "Сынақ ауылы",
        "name_ru": "село Тестовое",
        "name_en": "Test village",
        "code_status": "inferred",
    }
    shipped["source"]["code"] = "kato-test-villages"
    shipped["territories"] = [village]

    report = territories_load_file(path=write(tmp_path, shipped))

    assert report.created == 1
    assert Territory.objects.filter(kato="276230100", parent__kato="276200000").exists()


def test_children_listed_before_their_parent_are_loaded(
    tmp_path: Path, shipped: dict[str, Any]
) -> None:
    shipped["territories"].reverse()

    report = territories_load_file(path=write(tmp_path, shipped))

    assert report.created == 14
    assert Territory.objects.filter(kato="276200000", parent__kato="270000000").exists()


def test_a_loop_of_parents_is_refused(tmp_path: Path, shipped: dict[str, Any]) -> None:
    shipped["territories"][0]["parent"] = "271010000"  # The region inside Oral, inside the region.

    errors = load_errors(write(tmp_path, shipped))

    assert "Row 1, field “parent”: The chain of parents comes back to this territory." in errors


def test_a_file_without_a_source_is_refused(tmp_path: Path, shipped: dict[str, Any]) -> None:
    del shipped["source"]

    errors = load_errors(write(tmp_path, shipped))

    assert any("source" in error for error in errors)


def test_a_file_that_is_not_json_is_refused_with_the_place_of_the_mistake(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "kopir-territories/1",\n "source": }', encoding="utf-8")

    errors = load_errors(path)

    assert errors[0].startswith("The file is not valid JSON (line 2")


def test_the_shipped_files_are_valid() -> None:
    for name in ("kato-wko.json", "kopir-territories.json"):
        parsed = read_territory_file(KATO_FILE.parent / name)
        assert parsed.rows


def test_the_command_reports_created_and_updated_counts() -> None:
    from io import StringIO

    first, second = StringIO(), StringIO()
    call_command("load_kato", str(KATO_FILE), stdout=first)
    call_command("load_kato", str(KATO_FILE), stdout=second)

    assert "14 created, 0 updated, 0 unchanged" in first.getvalue()
    assert "0 created, 0 updated, 14 unchanged" in second.getvalue()


def test_the_command_refuses_a_bad_file_naming_the_row_and_field(
    tmp_path: Path, shipped: dict[str, Any]
) -> None:
    shipped["territories"][1]["kato"] = "2710100000"

    with pytest.raises(CommandError) as raised:
        call_command("load_kato", str(write(tmp_path, shipped)))

    assert "Row 2, field “kato”" in str(raised.value)
    assert "10 given" in str(raised.value)
    assert not Territory.objects.exists()
