"""ICD-10 codes as versioned reference data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


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
        language = (get_language() or "kk")[:2]
        return str(getattr(self, f"title_{language}", "") or self.title_en)
