"""The MSE division's review of a referral: the experts' conclusions, the decision, the appeal.

Vocabulary follows docs/domain/mse.md §5 (Order No. 260 of 29.06.2023): adults get group I, II or III;
children under 7 the category "child with disability"; children aged 7 to 18 a group I, II or
III. Terms and causes are enumerations; what the Rules leave open ([U]/[I] in the notes) is noted
where it is used (services/outcome_rules.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kopir.assessment.models.deadlines import StepPeriod
from kopir.assessment.models.referral import Referral


class Outcome(models.TextChoices):
    ESTABLISHED = "established", _("Disability established")
    NOT_ESTABLISHED = "not_established", _("Disability not established")


class Category(models.TextChoices):
    ADULT_G1 = "ADULT_G1", _("Group I")
    ADULT_G2 = "ADULT_G2", _("Group II")
    ADULT_G3 = "ADULT_G3", _("Group III")
    CHILD_LT7 = "CHILD_LT7", _("Child with disability (under 7)")
    CHILD_7_18_G1 = "CHILD_7_18_G1", _("Child with disability, group I (7 to 18)")
    CHILD_7_18_G2 = "CHILD_7_18_G2", _("Child with disability, group II (7 to 18)")
    CHILD_7_18_G3 = "CHILD_7_18_G3", _("Child with disability, group III (7 to 18)")


class Cause(models.TextChoices):
    GENERAL_DISEASE = "general_disease", _("General disease")
    WORK_INJURY = "work_injury", _("Work injury")
    OCCUPATIONAL_DISEASE = "occupational_disease", _("Occupational disease")
    SINCE_CHILDHOOD = "since_childhood", _("Disability since childhood")
    CHILD_UNDER_7 = "child_under_7", _("Disability of a child under 7")
    CHILD_7_18 = "child_7_18", _("Disability of a child aged 7 to 18")
    MILITARY = "military", _("Military or service-related injury or illness")
    RADIATION = "radiation", _("Radiation or ecological disaster")


class Term(models.TextChoices):
    SIX_MONTHS = "6m", _("6 months")
    ONE_YEAR = "1y", _("1 year")
    TWO_YEARS = "2y", _("2 years")
    FIVE_YEARS = "5y", _("5 years")
    UNTIL_7 = "until_7", _("Until the age of 7")
    UNTIL_18 = "until_18", _("Until the age of 18")
    INDEFINITE = "indefinite", _("Indefinitely (no re-examination)")


class OutcomeFields(models.Model):
    """What an expert concludes and what the decision records: the same fields in both."""

    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    category_code = models.CharField(
        _("group or category"), max_length=20, choices=Category.choices, blank=True
    )
    cause = models.CharField(_("cause"), max_length=30, choices=Cause.choices, blank=True)
    term = models.CharField(_("term"), max_length=12, choices=Term.choices, blank=True)
    # Loss of general working capacity (ЖЕА) for participants of compulsory social insurance;
    # loss of professional working capacity (КЕА) only for a work injury or occupational disease.
    general_loss_percent = models.PositiveSmallIntegerField(
        _("loss of general working capacity, %"), null=True, blank=True
    )
    professional_loss_percent = models.PositiveSmallIntegerField(
        _("loss of professional working capacity, %"), null=True, blank=True
    )
    reasons = models.TextField(_("reasons"), blank=True)

    class Meta:
        abstract = True


class ExpertAssignment(OutcomeFields):
    """One expert's independent work on one referral, and their conclusion."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="assignments"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="expert_assignments",
    )
    # Shown to other specialists instead of the expert's name ("Expert 2").
    position = models.PositiveSmallIntegerField(_("expert number"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("conclusion submitted"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        ordering = ["referral", "position"]
        indexes = [
            # The expert's work list: the conclusions to write (submitted_at is null, first in
            # descending order) and then the submitted ones, the latest first.
            models.Index(
                fields=["expert", "-submitted_at", "-id"], name="assignment_expert_work_idx"
            ),
        ]
        constraints = [
            # The same expert never reviews the same referral twice.
            models.UniqueConstraint(
                fields=["referral", "expert"], name="one_assignment_per_expert"
            ),
            models.UniqueConstraint(
                fields=["referral", "position"], name="one_expert_per_position"
            ),
        ]

    def __str__(self) -> str:
        return f"referral {self.referral_id}, expert {self.position}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class DecisionBasis(models.TextChoices):
    CONCLUSIONS = "conclusions", _("The experts' conclusions")
    APPEAL = "appeal", _("Changed on appeal")


class Decision(OutcomeFields):
    """The MSE decision on a referral. A decision changed on appeal is a new row (`sequence` + 1);
    the earlier one stays, marked superseded, so the history is never rewritten."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.PROTECT, related_name="decisions"
    )
    sequence = models.PositiveSmallIntegerField(_("decision version"), default=1)
    basis = models.CharField(
        _("basis"), max_length=20, choices=DecisionBasis.choices, default=DecisionBasis.CONCLUSIONS
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reexamination_on = models.DateField(_("re-examination date"), null=True, blank=True)
    # The conclusions that disagreed with the decision, copied when it was made (expert numbers
    # and their conclusion, no names): kept and shown with the decision.
    dissent = models.JSONField(_("dissenting conclusions"), default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by_organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("decided by (organisation)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)
    appeal = models.ForeignKey(
        "assessment.Appeal",
        verbose_name=_("appeal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        verbose_name = _("MSE decision")
        verbose_name_plural = _("MSE decisions")
        ordering = ["referral", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "sequence"], name="one_decision_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"decision {self.sequence} on referral {self.referral_id}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class AppealStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    UNDER_REVIEW = "under_review", _("Under review by the higher body")
    UPHELD = "upheld", _("Decision upheld")
    CHANGED = "changed", _("Decision changed")


# An appeal not yet resolved: the higher body still owes its review.
OPEN_APPEAL_STATUSES = (AppealStatus.FILED, AppealStatus.UNDER_REVIEW)


class AppealFiledBy(models.TextChoices):
    PERSON = "person", _("The person")
    REPRESENTATIVE = "representative", _("The legal representative")


class Appeal(models.Model):
    """A complaint against an MSE decision, reviewed by the higher MSE body (the department)."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.PROTECT, related_name="appeals"
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision appealed"),
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    filed_on = models.DateField(_("filed on"))
    # Who filed it, as a kind: a representative's name is personal data and stays in the registry.
    filed_by = models.CharField(_("filed by"), max_length=20, choices=AppealFiledBy.choices)
    grounds = models.TextField(_("grounds"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    higher_body = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        related_name="appeals_to_review",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.FILED
    )
    step_started_on = models.DateField(_("step started"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    review_started_at = models.DateTimeField(_("review started"), null=True, blank=True)
    review_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("review started by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome_reasons = models.TextField(_("reasons for the outcome"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["higher_body", "status", "due_on"], name="appeal_queue_idx")
        ]

    def __str__(self) -> str:
        return f"appeal {self.pk} on referral {self.referral_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPEAL_STATUSES


class AppealDeadline(StepPeriod):
    """How long each appeal step may take, in working days; configurable like StepDeadline."""

    status = models.CharField(_("step"), max_length=20, choices=AppealStatus.choices, unique=True)

    class Meta(StepPeriod.Meta):
        verbose_name = _("appeal step deadline")
        verbose_name_plural = _("appeal step deadlines")
