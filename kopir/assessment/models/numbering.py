"""Referral numbers: one counter per year, so numbers read "MSE-2026-000123" and never repeat."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralCounter(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("referral number counter")
        verbose_name_plural = _("referral number counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"
