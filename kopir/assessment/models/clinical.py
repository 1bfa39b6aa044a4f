"""What a referral says about the person's health: further diagnoses, structured findings,
limitations of life activity and the attached documents (form 031/у equivalent)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.formats import get_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class SecondaryDiagnosis(models.Model):
    referral = models.ForeignKey(
        "assessment.Referral",
        verbose_name=_("referral"),
        on_delete=models.CASCADE,
        related_name="secondary_diagnoses",
    )
    code = models.ForeignKey(
        "assessment.Icd10Code",
        verbose_name=_("ICD-10 code"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("further diagnosis")
        verbose_name_plural = _("further diagnoses")
        ordering = ["referral", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "code"], name="one_secondary_code_per_referral"
            )
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.code_id}"


class FindingKind(models.TextChoices):
    VISUAL_ACUITY = "visual_acuity", _("Visual acuity with correction")
    VISUAL_FIELD = "visual_field", _("Visual field")
    HEARING_THRESHOLD = "hearing_threshold", _("Hearing threshold")
    LIMB_FUNCTION = "limb_function", _("Limb function")
    HBA1C = "hba1c", _("Glycated haemoglobin (HbA1c)")
    HISTOLOGY = "histology", _("Histology result")
    OTHER_TEST = "other_test", _("Other test")


class Side(models.TextChoices):
    RIGHT = "right", _("Right")
    LEFT = "left", _("Left")
    BOTH = "both", _("Both")


@dataclass(frozen=True)
class FindingSpec:
    """How a kind of finding is measured: a number within limits, or a written result."""

    numeric: bool
    unit: str
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    # Per eye / per ear: the rules may require a value for each side.
    sided: bool = False
    # Label of the side for this kind ("eye", "ear", "limb"), used in messages.
    side_noun: str | Promise = ""


FINDING_SPECS: dict[str, FindingSpec] = {
    # Decimal visual acuity, the scale used on Sivtsev charts: 0 (no light perception) to 2.0.
    FindingKind.VISUAL_ACUITY: FindingSpec(
        True, "", Decimal("0"), Decimal("2"), sided=True, side_noun=_("eye")
    ),
    # Degrees from the fixation point; a field narrowed to 10° or less is a criterion of blindness.
    FindingKind.VISUAL_FIELD: FindingSpec(
        True, "°", Decimal("0"), Decimal("180"), sided=True, side_noun=_("eye")
    ),
    # Average threshold of air conduction at speech frequencies, in decibels.
    FindingKind.HEARING_THRESHOLD: FindingSpec(
        True, "dB", Decimal("-10"), Decimal("130"), sided=True, side_noun=_("ear")
    ),
    FindingKind.LIMB_FUNCTION: FindingSpec(False, "", sided=True, side_noun=_("limb")),
    FindingKind.HBA1C: FindingSpec(True, "%", Decimal("3"), Decimal("20")),
    FindingKind.HISTOLOGY: FindingSpec(False, ""),
    FindingKind.OTHER_TEST: FindingSpec(False, ""),
}


# The order a referral's findings are read in, the form's: its kinds as declared, each eye or ear
# right before left (as a clinician writes them, OD before OS), then by date.
_KIND_ORDER = {kind: index for index, kind in enumerate(FindingKind.values)}
_SIDE_ORDER = {side: index for index, side in enumerate(Side.values)}


def in_reading_order(findings: Iterable[Finding]) -> list[Finding]:
    """`findings` as the referral's pages list them (by the codes, "left" came before "right")."""
    return sorted(
        findings,
        key=lambda finding: (
            _KIND_ORDER.get(finding.kind, len(_KIND_ORDER)),
            _SIDE_ORDER.get(finding.side, len(_SIDE_ORDER)),
            finding.measured_on,
            finding.pk or 0,
        ),
    )


def plain_number(value: Decimal) -> str:
    """A measured number as the reader writes it: no trailing zeros, and the decimal separator of
    the page's language (0.020 → "0,02" in Kazakh and Russian, "0.02" in English; 100.000 →
    "100"). The clinic's number fields take either separator back."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", str(get_format("DECIMAL_SEPARATOR")))


class Finding(models.Model):
    """One measured or described clinical finding, with the date it was obtained."""

    referral = models.ForeignKey(
        "assessment.Referral",
        verbose_name=_("referral"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    kind = models.CharField(_("finding"), max_length=30, choices=FindingKind.choices)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices, blank=True)
    # The test's name, for "other test" (e.g. "Spirometry, FEV1").
    name = models.CharField(_("test"), max_length=200, blank=True)
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=3, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    # The written result: a histology report's conclusion, how a limb functions, a test's result.
    text = models.TextField(_("result"), blank=True)
    measured_on = models.DateField(_("date of the test"))

    class Meta:
        verbose_name = _("clinical finding")
        verbose_name_plural = _("clinical findings")
        ordering = ["referral", "kind", "side", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.kind} {self.side}".strip()

    @property
    def display_value(self) -> str:
        if self.value is None:
            return self.text
        number = plain_number(self.value)
        # "5°" and "7.8%" are written without a space; "85 dB" with one.
        separator = "" if self.unit in ("°", "%") else " "
        return f"{number}{separator}{self.unit}" if self.unit else number


class LimitationCategory(models.TextChoices):
    """The categories of life activity assessed in MSE (the classification Kazakhstan and Russia
    share: self-care, moving, orientation, communication, behaviour, learning, work)."""

    SELF_CARE = "self_care", _("Self-care")
    MOBILITY = "mobility", _("Moving about independently")
    ORIENTATION = "orientation", _("Orientation")
    COMMUNICATION = "communication", _("Communication")
    BEHAVIOUR = "behaviour", _("Control of one's behaviour")
    LEARNING = "learning", _("Learning")
    WORK = "work", _("Work")


class LimitationDegree(models.IntegerChoices):
    FIRST = 1, _("1st degree")
    SECOND = 2, _("2nd degree")
    THIRD = 3, _("3rd degree")


class LifeLimitation(models.Model):
    referral = models.ForeignKey(
        "assessment.Referral",
        verbose_name=_("referral"),
        on_delete=models.CASCADE,
        related_name="limitations",
    )
    category = models.CharField(_("category"), max_length=20, choices=LimitationCategory.choices)
    degree = models.PositiveSmallIntegerField(_("degree"), choices=LimitationDegree.choices)

    class Meta:
        verbose_name = _("limitation of life activity")
        verbose_name_plural = _("limitations of life activity")
        ordering = ["referral", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "category"], name="one_limitation_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.category} {self.degree}"


class DocumentType(models.TextChoices):
    OPHTHALMOLOGIST_REPORT = "ophthalmologist_report", _("Ophthalmologist's report")
    AUDIOGRAM = "audiogram", _("Audiogram")
    ENT_REPORT = "ent_report", _("ENT specialist's report")
    SURGEON_REPORT = "surgeon_report", _("Surgeon's report")
    ONCOLOGIST_CONCLUSION = "oncologist_conclusion", _("Oncologist's conclusion")
    HISTOLOGY_REPORT = "histology_report", _("Histology report")
    PSYCHIATRIST_REPORT = "psychiatrist_report", _("Psychiatrist's report")
    PSYCHOLOGICAL_ASSESSMENT = "psychological_assessment", _("Psychological assessment")
    ENDOCRINOLOGIST_REPORT = "endocrinologist_report", _("Endocrinologist's report")
    LABORATORY_RESULT = "laboratory_result", _("Laboratory result")
    DISCHARGE_SUMMARY = "discharge_summary", _("Hospital discharge summary")
    COMMISSION_PROTOCOL = "commission_protocol", _("Medical advisory commission's protocol")
    OTHER = "other", _("Other document")


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is the checksum, not the uploaded name: names can carry a person's name.
    return f"assessment/attachments/{instance.referral_id}/{instance.sha256}"


class Attachment(models.Model):
    referral = models.ForeignKey(
        "assessment.Referral",
        verbose_name=_("referral"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    document_type = models.CharField(_("document"), max_length=30, choices=DocumentType.choices)
    issued_on = models.DateField(_("date of the document"))
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    # Anyone can later show that the file is the one that was uploaded.
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # In absentia the experts must not learn who the person is, and a scan usually names the
    # person on its first line: the file name can be neutralised, the contents cannot. So the
    # division head checks each document (or that the clinic blacked the identity out) and
    # releases it; until then the experts see that it exists, not what it says.
    released_to_experts_at = models.DateTimeField(
        _("released to the experts"), null=True, blank=True
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attached document")
        verbose_name_plural = _("attached documents")
        ordering = ["referral", "document_type", "-issued_on", "id"]
        constraints = [
            # The same file twice on one referral is a mistake, not a second document.
            models.UniqueConstraint(fields=["referral", "sha256"], name="one_copy_of_a_file")
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.document_type} {self.issued_on}"

    @property
    def is_released_to_experts(self) -> bool:
        return self.released_to_experts_at is not None
