"""Employment (docs/domain/rehabilitation.md §5): the placement that carries out a job-placement
measure, and the register of employers' quota jobs for persons with disabilities.

The quota's share of headcount per size of employer is data (`QuotaBand`), seeded with the bands
of the 2016 rules and changed by an administrator when an akimat sets other figures; the register
row keeps the percent it was computed with, so a later band does not rewrite a past year.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kopir.core.identifiers import validate_bin
from kopir.rehabilitation.models.catalogue import TranslatedTextMixin

MIN_QUOTA_HEADCOUNT = 50


class QuotaRounding(models.TextChoices):
    DOWN = "down", _("Round down to a whole job")
    HALF_UP = "half_up", _("Round to the nearest whole job (half up)")


class QuotaBand(TranslatedTextMixin, models.Model):
    """The quota's share of headcount for employers of one size (docs/domain/rehabilitation.md §5).

    Employers below the smallest band's `min_headcount` (50) have no quota.
    """

    min_headcount = models.PositiveIntegerField(_("from headcount"), unique=True)
    max_headcount = models.PositiveIntegerField(
        _("up to headcount"), null=True, blank=True, help_text=_("Empty: no upper limit.")
    )
    percent = models.DecimalField(
        _("quota, % of headcount"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    rounding = models.CharField(
        _("rounding"), max_length=8, choices=QuotaRounding.choices, default=QuotaRounding.DOWN
    )
    legal_source = models.CharField(_("legal basis"), max_length=500)
    legal_source_kk = models.CharField(_("legal basis in Kazakh"), max_length=500, blank=True)
    legal_source_ru = models.CharField(_("legal basis in Russian"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("quota band")
        verbose_name_plural = _("quota bands")
        ordering = ["min_headcount"]

    def __str__(self) -> str:
        return f"{self.min_headcount}–{self.max_headcount or '∞'}: {self.percent} %"

    @property
    def legal_source_text(self) -> str:
        return self.translated("legal_source")

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        # The Social Code's frame (docs/domain/rehabilitation.md §5): 2 to 4 %, from 50 employees.
        if self.percent is not None and not Decimal("2") <= self.percent <= Decimal("4"):
            errors["percent"] = _("The Social Code sets a quota of 2 to 4 % of headcount.")
        if self.min_headcount is not None and self.min_headcount < MIN_QUOTA_HEADCOUNT:
            errors["min_headcount"] = _(
                "The quota applies to employers with at least 50 employees."
            )
        if (
            self.max_headcount is not None
            and self.min_headcount is not None
            and self.max_headcount < self.min_headcount
        ):
            errors["max_headcount"] = _("The upper limit cannot be below the lower one.")
        if errors:
            raise ValidationError(errors)

    def covers(self, headcount: int) -> bool:
        return headcount >= self.min_headcount and (
            self.max_headcount is None or headcount <= self.max_headcount
        )


def quota_jobs(*, base: int, percent: Decimal, rounding: str) -> int:
    """Quota jobs for `base` jobs (headcount without the heavy, harmful and dangerous ones)."""
    exact = Decimal(base) * Decimal(percent) / Decimal(100)
    if rounding == QuotaRounding.HALF_UP:
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return math.floor(exact)


class EmployerQuota(models.Model):
    """One employer's quota for persons with disabilities in one year, in one district."""

    employer_bin = models.CharField(_("employer's BIN"), max_length=12, validators=[validate_bin])
    employer_name = models.CharField(_("employer"), max_length=300)
    territory = models.ForeignKey(
        "directory.Territory",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2016), MaxValueValidator(2100)]
    )
    headcount = models.PositiveIntegerField(_("headcount"))
    excluded_jobs = models.PositiveIntegerField(
        _("heavy, harmful and dangerous jobs"),
        default=0,
        help_text=_("Not counted in the quota's base."),
    )
    quota_percent = models.DecimalField(_("quota, %"), max_digits=4, decimal_places=2)
    quota_jobs = models.PositiveIntegerField(_("quota jobs"))
    filled = models.PositiveIntegerField(_("filled by persons with disabilities"), default=0)
    vacancies_reported = models.PositiveIntegerField(_("vacancies reported"), default=0)
    # The register belongs to the career centre or employment office that keeps it.
    kept_by = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("kept by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("employer quota")
        verbose_name_plural = _("employer quotas")
        ordering = ["territory", "employer_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer_bin", "territory", "year"], name="one_quota_per_employer_year"
            )
        ]
        indexes = [models.Index(fields=["territory", "year"], name="quota_district_year_idx")]

    def __str__(self) -> str:
        return f"{self.employer_name} {self.year}"

    @property
    def unfilled(self) -> int:
        return max(0, self.quota_jobs - self.filled)

    def clean(self) -> None:
        super().clean()
        known = self.headcount is not None and self.excluded_jobs is not None
        if known and self.excluded_jobs > self.headcount:
            raise ValidationError(
                {
                    "excluded_jobs": _(
                        "Heavy, harmful and dangerous jobs cannot be more than the headcount."
                    )
                }
            )


class Placement(models.Model):
    """The job a person took: the evidence of a job-placement measure (one per measure)."""

    measure = models.OneToOneField(
        "rehabilitation.Measure",
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="placement",
    )
    employer_bin = models.CharField(_("employer's BIN"), max_length=12, validators=[validate_bin])
    employer_name = models.CharField(_("employer"), max_length=300)
    position = models.CharField(_("position"), max_length=200)
    start_date = models.DateField(_("start date"))
    on_quota_job = models.BooleanField(_("on a quota job"), default=False)
    # The register row the quota job counts against (set when on a quota job).
    quota = models.ForeignKey(
        EmployerQuota,
        verbose_name=_("employer quota"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("job placement")
        verbose_name_plural = _("job placements")

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.employer_bin}"

    def clean(self) -> None:
        super().clean()
        if self.on_quota_job and self.quota_id is None:
            raise ValidationError(
                {
                    "employer_bin": _(
                        "This employer has no quota in the register for the year the job starts: "
                        "record the employer's quota first, or untick “on a quota job”."
                    )
                }
            )
        if self.start_date is not None and self.start_date > dt.date(2100, 1, 1):
            raise ValidationError({"start_date": _("Enter a real start date.")})
