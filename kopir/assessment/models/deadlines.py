"""How long each step of a referral may take, in working days. Configurable: Order No. 260 does
not state these periods in the excerpts we have (docs/domain/mse.md §4), so the defaults are assumptions
recorded with their source, and an administrator changes them here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kopir.assessment.models.referral import ReferralStatus


class SourcedPeriod(models.Model):
    """A period Kopir counts with, kept as data with the source it comes from, so that an
    administrator can change it and the pages can say whether it is verified."""

    legal_source = models.CharField(_("source"), max_length=500)
    # True while the period is Kopir's assumption rather than a verified legal deadline.
    is_assumption = models.BooleanField(_("assumed, not verified"), default=True)

    class Meta:
        abstract = True


class StepPeriod(SourcedPeriod):
    """How long one step of a workflow may take, in working days; a subclass names the steps
    (its `status` field, one row per step)."""

    status: models.CharField[str, str]
    working_days = models.PositiveIntegerField(_("working days"))

    class Meta:
        abstract = True
        ordering = ["status"]

    def __str__(self) -> str:
        return f"{self.status}: {self.working_days}"


class StepDeadline(StepPeriod):
    status = models.CharField(_("step"), max_length=20, choices=ReferralStatus.choices, unique=True)

    class Meta(StepPeriod.Meta):
        verbose_name = _("step deadline")
        verbose_name_plural = _("step deadlines")


class AppealFilingPeriod(SourcedPeriod):
    """How long a person has to appeal against a decision, counted in calendar days from the day
    they were told of it; shown on the citizen status page. The MSE appeal deadlines were not
    found (docs/domain/mse.md §6 [U]), so Kopir fixes none: until an administrator records the
    period here with its legal source, the page tells the person to ask the MSE division and not
    to wait."""

    calendar_days = models.PositiveIntegerField(_("calendar days"))

    class Meta:
        verbose_name = _("appeal filing period")
        verbose_name_plural = _("appeal filing periods")

    def __str__(self) -> str:
        return f"appeal within {self.calendar_days} days"
