"""The dashboards' precomputed store (`precomputed.py`): small tables of counts per quarter,
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

from django.db import models


class StoreRefresh(models.Model):
    """One row per store ("mse", "rehabilitation"): when it was last computed. Its row lock
    keeps two refreshes of one store from running at once."""

    store = models.CharField(max_length=40, primary_key=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    # The local date "overdue" and "pending" were counted for.
    as_of = models.DateField(null=True, blank=True)
    took_ms = models.PositiveIntegerField(default=0)

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

    sent = models.PositiveIntegerField()
    returned = models.PositiveIntegerField()
    returns = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["quarter", "organisation"], name="oversight_mseq")]


class MseDecisionDays(QuarterCell):
    """Of those referrals, the decided ones by working days from first sending to decision."""

    days = models.IntegerField(null=True)
    referrals = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["organisation", "quarter"], name="oversight_msedays_q")]


class MeasureQuarter(QuarterCell):
    """Measures due in a quarter, by executing organisation, measure type and outcome
    (`selectors/rehabilitation.py`'s outcomes, "failed:<reason>" included)."""

    measure_type_code = models.CharField(max_length=60)
    outcome = models.CharField(max_length=80)
    measures = models.PositiveIntegerField()
    disputed = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["quarter", "organisation"], name="oversight_measureq")]


class RedirectQuarter(QuarterCell):
    """Redirects away from an organisation in a quarter, by measure type."""

    measure_type_code = models.CharField(max_length=60)
    handoffs = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["quarter", "organisation"], name="oversight_redirectq")]


class DeliveryDays(QuarterCell):
    """Delivered measures due in a quarter, by calendar days from assignment to delivery."""

    days = models.IntegerField(null=True)
    measures = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "quarter"], name="oversight_deliverydays_q")
        ]


class WorkingDayNumber(models.Model):
    """Each local date of the refreshed span with the working days from the span's first day up
    to it: the working days between two dates is the difference of their numbers."""

    day = models.DateField(primary_key=True)
    number = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.day}: {self.number}"
