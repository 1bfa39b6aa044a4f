"""A measure delivered or not reads the same way everywhere in Russian and Kazakh: the statuses,
the dashboard's columns and definitions, the reports and the answers ("исполнено / не исполнено",
"орындалды / орындалмады"); a notice that did not reach its addressee stays "не доставлено"."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from kopir.notices.models import NoticeStatus
from kopir.rehabilitation.models import MeasureStatus

# Every text that says a measure was or was not delivered (the oversight dashboard, the
# statuses, the organisation's reports, the person's answers).
MEASURE_TEXTS = (
    "Delivered on time",
    "Delivered on or before the due date of the organisation that held the measure.",
    "Delivered late",
    "Delivered after the due date.",
    "Not delivered",
    "Closed as not delivered, with a coded reason (the table by reason below).",
    "Delivered measures whose result the person disputed on the citizen status page.",
    "Median days to delivery",
    "Measures not delivered by coded reason, %(period)s",
    "Not delivered, by reason",
    "A measure was reported delivered.",
    "A measure was reported not delivered, with a coded reason.",
    "Date of delivery",
    "Delivered",
    "delivered on",
    "reason not delivered",
    "The organisation reports it delivered",
    "The organisation reports it could not be delivered",
    "Only a measure reported delivered can be confirmed.",
    "Only a measure reported delivered or not delivered can be disputed.",
    "Delivered on %(date)s.",
    "Not delivered: %(reason)s. %(text)s",
    "Why was the measure not delivered?",
    "Reason not delivered",
    "Report not delivered",
    "The measure is reported delivered.",
    "Delivered on",
)


@pytest.mark.parametrize(
    ("language", "word", "other"),
    [("ru", r"исполн", r"предоставл|доставл"), ("kk", r"орында", r"ұсын|жеткіз")],
)
def test_a_measure_delivered_or_not_reads_one_way(language: str, word: str, other: str) -> None:
    with translation.override(language):
        texts = {msgid: gettext(msgid) for msgid in MEASURE_TEXTS}
        mixed = {m: t for m, t in texts.items() if not re.search(word, t, re.I)}
        assert mixed == {}
        assert {m: t for m, t in texts.items() if re.search(other, t, re.I)} == {}


def test_the_status_labels_of_a_measure_and_of_a_notice() -> None:
    with translation.override("ru"):
        assert str(MeasureStatus.DELIVERED.label) == "Исполнено"
        assert str(MeasureStatus.NOT_DELIVERED.label) == "Не исполнено"
        assert str(NoticeStatus.FAILED.label) == "Не доставлено"
    with translation.override("kk"):
        assert str(MeasureStatus.DELIVERED.label) == "Орындалды"
        assert str(MeasureStatus.NOT_DELIVERED.label) == "Орындалмады"
        assert str(NoticeStatus.FAILED.label) == "Жеткізілмеді"
