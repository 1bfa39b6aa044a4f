"""The dashboards' precomputed store (`precomputed.py`): small tables of counts per month of the
period, organisation and whatever else a dashboard groups by, so that any period and filter the
dashboards offer is a sum over a few thousand rows instead of a scan of every case.

A month is the finest grain needed: the dashboards show whole quarters and years only
(`periods.py`). Each table holds true counts, never published ones: the small-cell rules
(`disclosure.py`) are applied after the sums, as on live data. Durations are kept as histograms
of whole days (days → how many cases), from which a percentile is exact.

The tables are rewritten as a whole by `precomputed.refresh` in one transaction; `StoreRefresh`
says when, and for which day the figures that depend on "today" (overdue, pending) were counted.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StoreRefresh(models.Model):
    """One row per store ("mse", "rehabilitation"): when it was last computed. Its row lock
    keeps two refreshes of one store from running at once."""

    store = models.CharField(_("store"), max_length=40, primary_key=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    # The local date "overdue" and "pending" were counted for.
    as_of = models.DateField(_("as of"), null=True, blank=True)
    took_ms = models.PositiveIntegerField(_("took (ms)"), default=0)

    def __str__(self) -> str:
        return f"{self.store} @ {self.computed_at}"


class MseMonth(models.Model):
    """In-absentia referrals first sent in a local month by one clinic."""

    month = models.DateField(_("month"))  # its first day
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    sent = models.PositiveIntegerField(_("sent"))
    returned = models.PositiveIntegerField(_("returned at least once"))
    returns = models.PositiveIntegerField(_("returns"))
    overdue = models.PositiveIntegerField(_("overdue"))

    class Meta:
        indexes = [models.Index(fields=["month", "organisation"], name="oversight_msemonth_month")]


class MseDecisionDays(models.Model):
    """Of those referrals, the decided ones by working days from first sending to decision."""

    month = models.DateField(_("month"))
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    days = models.IntegerField(_("working days"), null=True)
    referrals = models.PositiveIntegerField(_("referrals"))

    class Meta:
        indexes = [models.Index(fields=["month", "days"], name="oversight_msedays_month")]


class MeasureMonth(models.Model):
    """Measures due in a local month, by executing organisation, measure type and outcome
    (`selectors/rehabilitation.py`'s outcomes, "failed:<reason>" included)."""

    month = models.DateField(_("month"))
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    measure_type_code = models.CharField(_("measure type"), max_length=60)
    outcome = models.CharField(_("outcome"), max_length=80)
    measures = models.PositiveIntegerField(_("measures"))
    disputed = models.PositiveIntegerField(_("disputed"))

    class Meta:
        indexes = [
            models.Index(fields=["month", "organisation"], name="oversight_measuremonth_month")
        ]


class RedirectMonth(models.Model):
    """Redirects away from an organisation in a local month, by measure type."""

    month = models.DateField(_("month"))
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    measure_type_code = models.CharField(_("measure type"), max_length=60)
    handoffs = models.PositiveIntegerField(_("redirects"))

    class Meta:
        indexes = [
            models.Index(fields=["month", "organisation"], name="oversight_redirectmonth_month")
        ]


class DeliveryDays(models.Model):
    """Delivered measures due in a local month, by calendar days from assignment to delivery."""

    month = models.DateField(_("month"))
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    days = models.IntegerField(_("days"), null=True)
    measures = models.PositiveIntegerField(_("measures"))

    class Meta:
        indexes = [models.Index(fields=["month", "days"], name="oversight_deliverydays_month")]


class WorkingDayNumber(models.Model):
    """Each local date of the refreshed span with the working days from the span's first day up
    to it: the working days between two dates is the difference of their numbers."""

    day = models.DateField(_("day"), primary_key=True)
    number = models.IntegerField(_("working days so far"))
