"""Completeness rules as data: for a group of diagnoses (ICD-10 ranges) and an age band, which
findings, documents and fields a referral must carry, and how old they may be.

Rules come in versioned sets. A set is drafted, activated from a date, and retired; the rules of a
set that has been activated never change, so a return made under version 3 can always be
explained by version 3. An administrator changes the rules by copying the set in force into a new
draft, editing it, and activating it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kopir.assessment.models.clinical import FINDING_SPECS, DocumentType, FindingKind
from kopir.assessment.models.referral import Route
from kopir.core.text import reader_language


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class CompletenessRuleSet(models.Model):
    number = models.PositiveIntegerField(_("version number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT
    )
    # The set applies to checks made on or after this date (until a later active set starts).
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    legal_source = models.CharField(
        _("legal basis"),
        max_length=500,
        help_text=_("The act the rules implement, e.g. Order No. 260 of 29.06.2023."),
    )
    notes = models.TextField(_("notes"), blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    # Optimistic concurrency: two administrators editing the same draft never overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("completeness rule set")
        verbose_name_plural = _("completeness rule sets")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"rule set {self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == RuleSetStatus.DRAFT


class Requirement(models.TextChoices):
    FINDING = "finding", _("A clinical finding")
    DOCUMENT = "document", _("An attached document")
    FIELD = "field", _("A part of the form")


class RequiredField(models.TextChoices):
    """Parts of the referral form a rule may require to be filled in."""

    COMMISSION_PROTOCOL_NUMBER = "commission_protocol_number", _("Commission protocol number")
    COMMISSION_DATE = "commission_date", _("Commission date")
    COMMISSION_CONCLUSION = "commission_conclusion", _("Commission's conclusion")
    TREATMENT_HISTORY = "treatment_history", _("Treatment history")
    REHABILITATION_HISTORY = "rehabilitation_history", _("Rehabilitation history")
    LIMITATIONS = "limitations", _("Limitations of life activity")


class CompletenessRule(models.Model):
    rule_set = models.ForeignKey(
        CompletenessRuleSet,
        verbose_name=_("rule set"),
        on_delete=models.CASCADE,
        related_name="rules",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    # ICD-10 codes and ranges, comma-separated: "H54", "H90-H91", "Z89, T05", "C00-D09".
    # Blank: the rule applies to every referral.
    diagnoses = models.CharField(
        _("ICD-10 codes and ranges"),
        max_length=200,
        blank=True,
        help_text=_(
            "Comma-separated codes or ranges, e.g. H54 or C00-D09, Z89. A code covers its "
            "subdivisions. Leave empty for a rule that applies to every referral."
        ),
    )
    include_secondary = models.BooleanField(
        _("also when it is a further diagnosis"),
        default=False,
        help_text=_("Otherwise the rule looks at the main diagnosis only."),
    )
    route = models.CharField(
        _("route"),
        max_length=20,
        choices=Route.choices,
        blank=True,
        help_text=_("Leave empty for both routes."),
    )
    min_age_years = models.PositiveSmallIntegerField(_("from age (years)"), null=True, blank=True)
    # Exclusive: "under 18" is max_age_years 18.
    max_age_years = models.PositiveSmallIntegerField(_("under age (years)"), null=True, blank=True)
    requirement = models.CharField(
        _("what is required"), max_length=10, choices=Requirement.choices
    )
    finding_kind = models.CharField(
        _("finding"), max_length=30, choices=FindingKind.choices, blank=True
    )
    per_side = models.BooleanField(
        _("for each side"),
        default=False,
        help_text=_("For each eye, ear or limb: right and left."),
    )
    document_type = models.CharField(
        _("document"), max_length=30, choices=DocumentType.choices, blank=True
    )
    field_name = models.CharField(
        _("part of the form"), max_length=30, choices=RequiredField.choices, blank=True
    )
    max_age_days = models.PositiveIntegerField(
        _("at most this many days old"),
        null=True,
        blank=True,
        help_text=_("Counted back from the day of the check. Leave empty for no limit."),
    )
    legal_source = models.CharField(_("legal basis"), max_length=500)
    label_kk = models.CharField(_("wording in Kazakh"), max_length=200, blank=True)
    label_ru = models.CharField(_("wording in Russian"), max_length=200, blank=True)
    label_en = models.CharField(_("wording in English"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("completeness rule")
        verbose_name_plural = _("completeness rules")
        ordering = ["rule_set", "position", "id"]

    def __str__(self) -> str:
        return f"rule {self.pk} of set {self.rule_set_id}"

    @property
    def target(self) -> str:
        """The code of what is required: a finding kind, a document type or a field name."""
        targets: dict[str, str] = {
            Requirement.FINDING: self.finding_kind,
            Requirement.DOCUMENT: self.document_type,
            Requirement.FIELD: self.field_name,
        }
        return targets.get(self.requirement, "")

    @property
    def custom_label(self) -> str:
        language = reader_language()
        return str(getattr(self, f"label_{language}", "") or "")

    def clean(self) -> None:
        errors: dict[str, list[object]] = {}
        needed: dict[str, str] = {
            Requirement.FINDING: "finding_kind",
            Requirement.DOCUMENT: "document_type",
            Requirement.FIELD: "field_name",
        }
        wanted = needed.get(self.requirement)
        if wanted is not None and not getattr(self, wanted):
            errors.setdefault(wanted, []).append(_("Choose what the rule requires."))
        for name in needed.values():
            if name != wanted and getattr(self, name):
                errors.setdefault(name, []).append(
                    _("Leave this empty: the rule requires something else.")
                )
        if self.per_side and (
            self.requirement != Requirement.FINDING
            or not FINDING_SPECS.get(self.finding_kind, FINDING_SPECS[FindingKind.OTHER_TEST]).sided
        ):
            errors.setdefault("per_side", []).append(
                _("Only an eye, ear or limb finding can be required for each side.")
            )
        if self.max_age_days is not None and self.requirement == Requirement.FIELD:
            errors.setdefault("max_age_days", []).append(
                _("A part of the form has no date: leave the age limit empty.")
            )
        if (
            self.min_age_years is not None
            and self.max_age_years is not None
            and self.min_age_years >= self.max_age_years
        ):
            errors.setdefault("max_age_years", []).append(
                _("The upper age must be greater than the lower age.")
            )
        if errors:
            raise ValidationError(errors)
