"""Snapshots of a dashboard: the figures a reader saw, kept as they were shown, so that the
council can cite them (an agenda item, a recommendation, a letter) and the minutes print them.

A snapshot is immutable: the figures are stored already published (`disclosure.py`: "<5",
rounded to 5) in Kazakh, Russian and English, with the filters, the day they were computed for
and the data version (the number of the audit log's latest record then). Nothing updates a
snapshot: `save()` refuses an existing one and the queryset refuses `update()`.

The module also holds the dashboards' precomputed store (`precomputed.py`). The dashboards' precomputed store (`precomputed.py`): small tables of counts per quarter,
organisation and whatever else a dashboard groups by, so that any period and filter the
dashboards offer is a sum over a few thousand rows instead of a scan of every case.

A quarter is the finest grain needed: the dashboards show whole quarters and years only
(`periods.py`). Each table holds true counts, never published ones: the small-cell rules
(`disclosure.py`) are applied after the sums, as on live data. Durations are kept as histograms
of whole days (days → how many cases), from which a percentile is exact; a histogram also has
rows without an organisation, the country's sums, so the unfiltered dashboard reads a few hundred
rows rather than every organisation's.

The tables are internal (no page shows a row of them), so their fields carry no labels.
The tables are rewritten as a whole by `precomputed.refresh` in one transaction; `StoreRefresh`
says when, and for which day the figures that depend on "today" (overdue, pending) were counted.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.oversight.periods import parse_period


class SnapshotIsImmutable(Exception):
    """A saved snapshot cannot change: save a new one instead."""


class Dashboard(models.TextChoices):
    MSE = "mse", _("In-absentia medical and social expertise")
    REHABILITATION = "rehabilitation", _("Rehabilitation measures")
    EMPLOYMENT = "employment", _("Employment")
    COUNCIL = "council", _("Public council")


class SnapshotQuerySet(models.QuerySet["Snapshot"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise SnapshotIsImmutable("a saved snapshot cannot change")


class Snapshot(models.Model):
    dashboard = models.CharField(_("dashboard"), max_length=20, choices=Dashboard.choices)
    # Kazakh in the unsuffixed field, Russian in `_ru`, as the council's texts.
    title = models.CharField(_("title"), max_length=300)
    title_ru = models.CharField(_("title in Russian"), max_length=300)
    # The filters as asked: the period's key ("2026-Q1", "2026"), territory and organisation.
    period = models.CharField(_("period"), max_length=7)
    territory = models.ForeignKey(
        "directory.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    computed_on = models.DateField(_("figures as of"))
    # The audit log's latest record when the figures were read: every change to a case writes
    # one in its transaction, so a later change has a higher number.
    data_version = models.PositiveBigIntegerField(_("data version"))
    # What the page showed, per language ("kk", "ru", "en"): figures, tables, chart, filters.
    content = models.JSONField(_("figures"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    saved_at = models.DateTimeField(_("saved"), default=timezone.now)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")
        ordering = ["-saved_at", "-pk"]
        indexes = [models.Index(fields=["-saved_at", "-id"], name="snapshot_newest_idx")]

    def __str__(self) -> str:
        return f"snapshot {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise SnapshotIsImmutable("a saved snapshot cannot change")
        super().save(*args, **kwargs)

    def shown(self, language: str) -> dict[str, Any]:
        """The figures, tables, chart and filters in `language` (Kazakh where it has none)."""
        content: dict[str, Any] = self.content
        return content.get(language[:2]) or content["kk"]

    def title_in(self, language: str) -> str:
        return self.title_ru if language[:2] == "ru" and self.title_ru else self.title

    @property
    def period_label(self) -> str:
        """The period in the reader's language ("2026, 4-тоқсан"), never its key ("2026-Q4")."""
        period = parse_period(self.period)
        return period.label if period is not None else self.period


class SnapshotAttachment(models.Model):
    """A snapshot cited by one of the council's records: an agenda item, a recommendation or a
    letter (exactly one of them)."""

    snapshot = models.ForeignKey(
        Snapshot,
        verbose_name=_("dashboard snapshot"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    agenda_item = models.ForeignKey(
        "council.AgendaItem",
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    recommendation = models.ForeignKey(
        "council.Recommendation",
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    letter = models.ForeignKey(
        "council.Letter",
        verbose_name=_("letter"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attached by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    attached_at = models.DateTimeField(_("attached"), default=timezone.now)

    class Meta:
        verbose_name = _("cited snapshot")
        verbose_name_plural = _("cited snapshots")
        ordering = ["attached_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        agenda_item__isnull=False,
                        recommendation__isnull=True,
                        letter__isnull=True,
                    )
                    | models.Q(
                        agenda_item__isnull=True,
                        recommendation__isnull=False,
                        letter__isnull=True,
                    )
                    | models.Q(
                        agenda_item__isnull=True,
                        recommendation__isnull=True,
                        letter__isnull=False,
                    )
                ),
                name="snapshot_cited_by_one_record",
            ),
            models.UniqueConstraint(
                fields=["snapshot", "agenda_item"],
                condition=models.Q(agenda_item__isnull=False),
                name="snapshot_once_per_agenda_item",
            ),
            models.UniqueConstraint(
                fields=["snapshot", "recommendation"],
                condition=models.Q(recommendation__isnull=False),
                name="snapshot_once_per_recommendation",
            ),
            models.UniqueConstraint(
                fields=["snapshot", "letter"],
                condition=models.Q(letter__isnull=False),
                name="snapshot_once_per_letter",
            ),
        ]

    def __str__(self) -> str:
        return f"snapshot {self.snapshot_id} cited"

    @property
    def target(self) -> Any:
        """The record that cites the snapshot."""
        return self.agenda_item or self.recommendation or self.letter


# --- The dashboards' precomputed store ---------------------------------------------------------


class StoreRefresh(models.Model):
    """One row per store ("mse", "rehabilitation"): when it was last computed. Its row lock
    keeps two refreshes of one store from running at once."""

    store = models.CharField(max_length=40, primary_key=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    # The local date "overdue" and "pending" were counted for.
    as_of = models.DateField(null=True, blank=True)
    took_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("dashboard store refresh")
        verbose_name_plural = _("dashboard store refreshes")

    def __str__(self) -> str:
        return f"{self.store} @ {self.computed_at}"


class QuarterCell(models.Model):
    """A row of a store: a quarter of the local calendar (its first day) and an organisation
    (none: the whole country, in the histograms), then counts."""

    quarter = models.DateField()
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+", null=True
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.quarter} #{self.organisation_id or '*'}"


class MseQuarter(QuarterCell):
    """In-absentia referrals first sent in a quarter by one clinic."""

    # The ICD-10 chapter of the primary diagnosis: the dashboard's diagnosis groups.
    chapter = models.CharField(max_length=10, blank=True)
    sent = models.PositiveIntegerField()
    returned = models.PositiveIntegerField()
    returns = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("MSE figures of a quarter")
        verbose_name_plural = _("MSE figures of quarters")
        indexes = [models.Index(fields=["quarter", "organisation"], name="oversight_mseq")]


class MseDecisionDays(QuarterCell):
    """Of those referrals, the decided ones by working days from first sending to decision."""

    days = models.IntegerField(null=True)
    referrals = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("MSE days to a decision")
        verbose_name_plural = _("MSE days to decisions")
        indexes = [models.Index(fields=["organisation", "quarter"], name="oversight_msedays_q")]


class MeasureQuarter(QuarterCell):
    """Measures due in a quarter, by executing organisation, measure type and outcome
    (`selectors/rehabilitation.py`'s outcomes, "failed:<reason>" included)."""

    measure_type_code = models.CharField(max_length=60)
    outcome = models.CharField(max_length=80)
    measures = models.PositiveIntegerField()
    disputed = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("rehabilitation measures of a quarter")
        verbose_name_plural = _("rehabilitation measures of quarters")
        indexes = [models.Index(fields=["quarter", "organisation"], name="oversight_measureq")]


class RedirectQuarter(QuarterCell):
    """Redirects away from an organisation in a quarter, by measure type."""

    measure_type_code = models.CharField(max_length=60)
    handoffs = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("measures redirected in a quarter")
        verbose_name_plural = _("measures redirected in quarters")
        indexes = [models.Index(fields=["quarter", "organisation"], name="oversight_redirectq")]


class PeriodRow(models.Model):
    """A row of a store ready for a period a page offers (`periods.py`: a quarter or a whole
    year) and an organisation: its figures already published, so a page only adds rows up."""

    first_day = models.DateField()
    whole_year = models.BooleanField()
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        length = "year" if self.whole_year else "quarter"
        return f"{length} from {self.first_day} #{self.organisation_id}"


class MeasurePeriod(PeriodRow):
    """The rehabilitation dashboard's cells of a period, summed by (organisation, measure type):
    each column is the sum of the *published* (organisation, type, outcome) cells in it — every
    cell of the period's true count published on its own (`disclosure.py`), failures of each
    reason, disputes of the on-time and of the late cell apart — and `*_left_out` how many of
    them show "<5". Any sum of these rows is the sum of the same published cells the live page
    adds up (decision 11), so a page reads a few thousand rows and publishes nothing."""

    measure_type_code = models.CharField(max_length=60)
    on_time = models.PositiveIntegerField()
    on_time_left_out = models.PositiveIntegerField()
    late = models.PositiveIntegerField()
    late_left_out = models.PositiveIntegerField()
    failed = models.PositiveIntegerField()
    failed_left_out = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField()
    overdue_left_out = models.PositiveIntegerField()
    pending = models.PositiveIntegerField()
    pending_left_out = models.PositiveIntegerField()
    disputed = models.PositiveIntegerField()
    disputed_left_out = models.PositiveIntegerField()
    redirected = models.PositiveIntegerField()
    redirected_left_out = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("rehabilitation measures of a period")
        verbose_name_plural = _("rehabilitation measures of periods")
        indexes = [
            models.Index(
                fields=["first_day", "whole_year", "organisation"], name="oversight_measurep"
            )
        ]


class FailedPeriod(PeriodRow):
    """Measures not delivered in a period by organisation and coded reason: the sum of the
    published (organisation, type, "failed:<reason>") cells, as `MeasurePeriod.failed`."""

    reason = models.CharField(max_length=60)
    failed = models.PositiveIntegerField()
    failed_left_out = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("measures not delivered in a period")
        verbose_name_plural = _("measures not delivered in periods")
        indexes = [
            models.Index(
                fields=["first_day", "whole_year", "organisation"], name="oversight_failedp"
            )
        ]


class DeliveryDays(QuarterCell):
    """Delivered measures due in a quarter, by calendar days from assignment to delivery."""

    days = models.IntegerField(null=True)
    measures = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("days to the delivery of measures")
        verbose_name_plural = _("days to the delivery of measures, by quarter")
        indexes = [
            models.Index(fields=["organisation", "quarter"], name="oversight_deliverydays_q")
        ]


class WorkingDayNumber(models.Model):
    """Each local date of the refreshed span with the working days from the span's first day up
    to it: the working days between two dates is the difference of their numbers."""

    day = models.DateField(primary_key=True)
    number = models.IntegerField()

    class Meta:
        verbose_name = _("working day number")
        verbose_name_plural = _("working day numbers")

    def __str__(self) -> str:
        return f"{self.day}: {self.number}"
