"""The IRP of a person: a programme per MSE case, and a version per approval.

An approved version is immutable (the services refuse to change it, and so does `save()`): a
decision changed on appeal or a re-examination drafts a new version, which records what changed
against the version before it. At most one draft and one approved (current) version exist per
programme at a time.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kopir.core.errors import DomainError
from kopir.rehabilitation.models.catalogue import quantity_text

APPROVED_IS_FINAL = _(
    "An approved programme version never changes: a new decision makes a new draft version."
)


class Programme(models.Model):
    """A person's IRP, following the MSE case (referral) whose decision established disability."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    referral = models.OneToOneField(
        "assessment.Referral",
        verbose_name=_("MSE case"),
        on_delete=models.PROTECT,
        related_name="programme",
    )
    # The MSE division that issues and maintains the programme.
    division = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("MSE division"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.CharField(_("number"), max_length=30, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("rehabilitation programme")
        verbose_name_plural = _("rehabilitation programmes")
        indexes = [models.Index(fields=["division", "-created_at"], name="programme_division_idx")]

    def __str__(self) -> str:
        return self.number


class ProgrammeVersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")
    # A later decision (changed on appeal, or a re-examination) no longer establishes disability:
    # the programme ends, with no version after it, and its open measures are closed.
    ENDED = "ended", _("Ended")


class ProgrammeVersion(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="versions"
    )
    sequence = models.PositiveSmallIntegerField(_("version"))
    # The decision this version follows: its term follows the decision's.
    decision = models.ForeignKey(
        "assessment.Decision",
        verbose_name=_("MSE decision"),
        on_delete=models.PROTECT,
        related_name="programme_versions",
    )
    catalogue = models.ForeignKey(
        "rehabilitation.MeasureCatalogue",
        verbose_name=_("catalogue"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProgrammeVersionStatus.choices,
        default=ProgrammeVersionStatus.DRAFT,
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # What changed against the version before: [{"code": ..., "change": "added" | "removed" |
    # "changed", "before": ..., "after": ...}], written when the version is approved.
    changes = models.JSONField(_("changes"), default=list, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # The decision that no longer establishes disability and so ended the programme.
    ended_by_decision = models.ForeignKey(
        "assessment.Decision",
        verbose_name=_("ended by the MSE decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        ordering = ["programme", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "sequence"], name="one_programme_version_per_sequence"
            ),
            models.UniqueConstraint(
                fields=["programme"],
                condition=models.Q(status="draft"),
                name="one_draft_programme_version",
            ),
            models.UniqueConstraint(
                fields=["programme"],
                condition=models.Q(status="approved"),
                name="one_approved_programme_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} v{self.sequence}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The services approve and supersede with one conditional UPDATE; a save() of a version
        # stored as approved or superseded would rewrite what the person was given.
        if self.pk is not None:
            stored = type(self)._default_manager.filter(pk=self.pk).values_list("status", flat=True)
            if stored.first() not in (None, ProgrammeVersionStatus.DRAFT):
                raise DomainError(APPROVED_IS_FINAL)
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status == ProgrammeVersionStatus.DRAFT


class ProgrammeLine(models.Model):
    """One measure in one version of a programme."""

    programme_version = models.ForeignKey(
        ProgrammeVersion,
        verbose_name=_("programme version"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    measure_type = models.ForeignKey(
        "rehabilitation.MeasureType",
        verbose_name=_("measure"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    quantity = models.DecimalField(
        _("quantity"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    # What the executing organisation needs to get it right (a wheelchair's seat width, the
    # hearing aid's side): docs/domain/rehabilitation.md §4 lists aids that did not fit.
    details = models.TextField(_("details for the executing organisation"), blank=True)
    # The Russian half (the Russian IRP shows it; empty: marked as not entered there).
    details_ru = models.TextField(
        _("details for the executing organisation in Russian"), blank=True
    )
    # The rule that suggested the line, if any (kept to explain it; null once edited by hand).
    suggested_by = models.ForeignKey(
        "rehabilitation.SuggestionRule",
        verbose_name=_("suggested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("programme measure")
        verbose_name_plural = _("programme measures")
        ordering = ["programme_version", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_version", "measure_type"], name="one_line_per_measure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_version_id}: {self.measure_type_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._require_draft()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._require_draft()
        return super().delete(*args, **kwargs)

    def _require_draft(self) -> None:
        status = ProgrammeVersion.objects.filter(pk=self.programme_version_id).values_list(
            "status", flat=True
        )
        if status.first() not in (None, ProgrammeVersionStatus.DRAFT):
            raise DomainError(APPROVED_IS_FINAL)

    @property
    def quantity_text(self) -> str:
        """The quantity with its unit in the active language, or "" without a quantity."""
        if self.quantity is None:
            return ""
        return quantity_text(self.quantity, self.measure_type.unit)
