from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from kopir.core.forms import DatePickerInput


def render(template: str, **context: object) -> str:
    return Template("{% load l10n %}" + template).render(Context(context))


def test_kazakh_dates_read_day_first_with_dots():
    with translation.override("kk"):
        assert formats.date_format(dt.date(2026, 3, 22)) == "22.03.2026"
        assert formats.date_format(dt.date(2026, 3, 22), "SHORT_DATE_FORMAT") == "22.03.2026"


def test_kazakh_numbers_group_thousands_with_a_space_and_use_a_decimal_comma():
    with translation.override("kk"):
        assert formats.number_format(Decimal("1234567.89"), 2, force_grouping=True) == (
            "1\xa0234\xa0567,89"
        )


def test_kazakh_forms_accept_the_dotted_date_and_the_iso_date():
    with translation.override("kk"):
        accepted = formats.get_format("DATE_INPUT_FORMATS")
        assert "%d.%m.%Y" in accepted
        assert "%Y-%m-%d" in accepted


def test_russian_and_english_keep_django_formats():
    with translation.override("ru"):
        assert formats.date_format(dt.date(2026, 3, 22), "SHORT_DATE_FORMAT") == "22.03.2026"
    with translation.override("en"):
        assert formats.date_format(dt.date(2026, 3, 22), "SHORT_DATE_FORMAT") == "03/22/2026"


def test_templates_render_dates_in_the_active_language():
    with translation.override("kk"):
        assert render("{{ d|date:'SHORT_DATE_FORMAT' }}", d=dt.date(2026, 1, 5)) == "05.01.2026"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_date_picker_holds_its_date_as_iso_whatever_the_language(language):
    # <input type="date"> reads only ISO dates; a dotted one would show the field empty.
    with translation.override(language):
        html = DatePickerInput().render("filed_on", dt.date(2026, 3, 22))
    assert html == '<input type="date" name="filed_on" value="2026-03-22">'


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "До 1 ноября 2028 г. Дальше"),
        ("kk", "До 01.11.2028. Дальше"),
        ("en", "До Nov. 1, 2028. Дальше"),
    ],
)
def test_a_date_before_a_full_stop_ends_with_one_stop_in_every_language(language, expected):
    with translation.override(language):
        text = render("До {{ day|date_before_stop }}. Дальше", day=dt.date(2028, 11, 1))
    assert text == expected


def test_a_moment_before_a_full_stop_is_read_in_local_time_and_nothing_is_empty():
    # 20:00 UTC on 31 October is 1 November in Oral (UTC+5), as the date filter reads it.
    moment = dt.datetime(2028, 10, 31, 20, 0, tzinfo=dt.UTC)
    with translation.override("ru"):
        assert render("{{ at|date_before_stop }}.", at=moment) == "1 ноября 2028 г."
        assert render("[{{ nothing|date_before_stop }}]", nothing=None) == "[]"
