"""Diagnosis groups for the dashboards: the chapters of ICD-10 (WHO, 2019 edition), each with the
range of codes it holds. Every chapter has its row on a dashboard, referrals or none, so a zero
reads "<5" like 1 to 4 (decision 11, rule 5)."""

from __future__ import annotations

from django.utils.translation import gettext

# The chapter as `Icd10Code.chapter` stores it (a Roman numeral) and its codes.
CHAPTERS: tuple[tuple[str, str], ...] = (
    ("I", "A00–B99"),
    ("II", "C00–D48"),
    ("III", "D50–D89"),
    ("IV", "E00–E90"),
    ("V", "F00–F99"),
    ("VI", "G00–G99"),
    ("VII", "H00–H59"),
    ("VIII", "H60–H95"),
    ("IX", "I00–I99"),
    ("X", "J00–J99"),
    ("XI", "K00–K93"),
    ("XII", "L00–L99"),
    ("XIII", "M00–M99"),
    ("XIV", "N00–N99"),
    ("XV", "O00–O99"),
    ("XVI", "P00–P96"),
    ("XVII", "Q00–Q99"),
    ("XVIII", "R00–R99"),
    ("XIX", "S00–T98"),
    ("XX", "V01–Y98"),
    ("XXI", "Z00–Z99"),
    ("XXII", "U00–U85"),
)
CODES = dict(CHAPTERS)


def chapter_label(chapter: str) -> str:
    """ "Chapter IX (I00–I99)"; a chapter outside the list by its numeral alone."""
    if not chapter:
        return gettext("Diagnosis group not recorded")
    if chapter in CODES:
        return gettext("Chapter %(number)s (%(codes)s)") % {
            "number": chapter,
            "codes": CODES[chapter],
        }
    return gettext("Chapter %(number)s") % {"number": chapter}
