"""Per region: whether in-absentia cases go to experts of another division of the region.

Russia's depersonalised in-absentia MSE has distributed cases extraterritorially since 2024
(docs/domain/comparisons.md): an expert who reviews a case from elsewhere is less likely to know
the person. Kazakhstan's rules do not require it, so it is a choice each region's MSE department
makes, kept as data an administrator changes, off unless a row says otherwise.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExtraterritorialDistribution(models.Model):
    department = models.OneToOneField(
        "directory.Organisation",
        verbose_name=_("MSE department of the region"),
        on_delete=models.CASCADE,
        related_name="extraterritorial_distribution",
        limit_choices_to={"kind": "mse_department"},
    )
    enabled = models.BooleanField(
        _("in-absentia cases go to experts of another division"), default=False
    )
    # The order or decision of the department that turned it on or off.
    basis = models.CharField(_("basis"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("extraterritorial distribution")
        verbose_name_plural = _("extraterritorial distribution")

    def __str__(self) -> str:
        return f"{self.department_id}: {'on' if self.enabled else 'off'}"
