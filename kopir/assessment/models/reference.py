"""ICD-10 codes as versioned reference data."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from kopir.core.text import reader_language


class Icd10Code(models.Model):
    """A WHO ICD-10 code. English titles come from the WHO list; Kazakh and Russian titles are
    Kopir's own, for the codes the demo and the completeness rules use (blank elsewhere)."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    title_en = models.CharField(_("title in English"), max_length=500)
    title_kk = models.CharField(_("title in Kazakh"), max_length=500, blank=True)
    title_ru = models.CharField(_("title in Russian"), max_length=500, blank=True)
    chapter = models.CharField(_("chapter"), max_length=10, blank=True)
    # Only leaf codes (no subdivisions) may be used as a diagnosis.
    is_leaf = models.BooleanField(_("usable as a diagnosis"), default=True)
    source = models.ForeignKey(
        "directory.ReferenceDataSource", verbose_name=_("source"), on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("ICD-10 code")
        verbose_name_plural = _("ICD-10 codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        language = reader_language()
        return str(getattr(self, f"title_{language}", "") or self.title_en)


# The ICD-10 chapters (WHO ICD-10 2019): each one's code range and title, so a list offering a
# chapter names it ("VII, H00–H59: Diseases of the eye and adnexa") rather than a bare numeral.
# The Kazakh and Russian titles are in the catalogues, Kopir's working translation like the codes'
# (data/README.md).
ICD10_CHAPTERS: dict[str, tuple[str, Any]] = {
    "I": ("A00–B99", _("Certain infectious and parasitic diseases")),
    "II": ("C00–D48", _("Neoplasms")),
    "III": (
        "D50–D89",
        _(
            "Diseases of the blood and blood-forming organs and certain disorders involving "
            "the immune mechanism"
        ),
    ),
    "IV": ("E00–E90", _("Endocrine, nutritional and metabolic diseases")),
    "V": ("F00–F99", _("Mental and behavioural disorders")),
    "VI": ("G00–G99", _("Diseases of the nervous system")),
    "VII": ("H00–H59", _("Diseases of the eye and adnexa")),
    "VIII": ("H60–H95", _("Diseases of the ear and mastoid process")),
    "IX": ("I00–I99", _("Diseases of the circulatory system")),
    "X": ("J00–J99", _("Diseases of the respiratory system")),
    "XI": ("K00–K93", _("Diseases of the digestive system")),
    "XII": ("L00–L99", _("Diseases of the skin and subcutaneous tissue")),
    "XIII": ("M00–M99", _("Diseases of the musculoskeletal system and connective tissue")),
    "XIV": ("N00–N99", _("Diseases of the genitourinary system")),
    "XV": ("O00–O99", _("Pregnancy, childbirth and the puerperium")),
    "XVI": ("P00–P96", _("Certain conditions originating in the perinatal period")),
    "XVII": (
        "Q00–Q99",
        _("Congenital malformations, deformations and chromosomal abnormalities"),
    ),
    "XVIII": (
        "R00–R99",
        _(
            "Symptoms, signs and abnormal clinical and laboratory findings, not elsewhere "
            "classified"
        ),
    ),
    "XIX": ("S00–T98", _("Injury, poisoning and certain other consequences of external causes")),
    "XX": ("V01–Y98", _("External causes of morbidity and mortality")),
    "XXI": ("Z00–Z99", _("Factors influencing health status and contact with health services")),
    "XXII": ("U00–U99", _("Codes for special purposes")),
}
