"""The council's work plan: items by period, approved by a vote, each linked to what was done."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


class PlannedForm(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    OFFSITE_MEETING = "offsite", _("Offsite meeting")
    ONLINE_MEETING = "online", _("Online meeting")
    MONITORING_VISIT = "visit", _("Monitoring visit")
    HEARING = "hearing", _("Public hearing")


class WorkPlanItemStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    MOVED = "moved", _("Moved")
    CANCELLED = "cancelled", _("Cancelled")


class WorkPlan(models.Model):
    council = models.ForeignKey(
        "council.Council", verbose_name=_("council"), on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveIntegerField(_("year"))
    # The Kazakh text; `title_ru` the Russian, shown in the reader's language (bilingual.py).
    title = models.CharField(_("title"), max_length=255)
    title_ru = models.CharField(_("title in Russian"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    approved_by_vote = models.OneToOneField(
        "council.Vote",
        verbose_name=_("approved by vote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_plan",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["council", "-year"]
        constraints = [
            # A council works to one approved plan per year; later changes move or cancel items.
            models.UniqueConstraint(
                fields=["council", "year"],
                condition=models.Q(status="approved"),
                name="one_approved_plan_per_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.council_id} plan {self.year}"


class WorkPlanItem(models.Model):
    plan = models.ForeignKey(
        WorkPlan, verbose_name=_("work plan"), on_delete=models.CASCADE, related_name="items"
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    # The Kazakh text; `topic_ru` the Russian, shown in the reader's language (bilingual.py).
    topic = models.CharField(_("topic"), max_length=500)
    topic_ru = models.CharField(_("topic in Russian"), max_length=500, blank=True)
    planned_form = models.CharField(_("form"), max_length=20, choices=PlannedForm.choices)
    responsible = models.ManyToManyField(
        "council.Member", verbose_name=_("responsible members"), blank=True, related_name="+"
    )
    bodies_to_invite = models.ManyToManyField(
        "directory.Organisation", verbose_name=_("bodies to invite"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=WorkPlanItemStatus.choices,
        default=WorkPlanItemStatus.PENDING,
    )
    # The Kazakh text; `moved_note_ru` the Russian, shown in the reader's language (bilingual.py).
    moved_note = models.CharField(_("moved to / reason"), max_length=255, blank=True)
    moved_note_ru = models.CharField(_("moved to / reason in Russian"), max_length=255, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("work plan item")
        verbose_name_plural = _("work plan items")
        ordering = ["plan", "quarter", "month", "order"]

    def __str__(self) -> str:
        return f"Q{self.quarter}: {self.topic[:40]}"
