"""The MSE referral (form 031/у equivalent) and its timeline."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The division queue's sort key for a step with no deadline: after every dated one.
NO_DEADLINE = dt.date(9999, 12, 31)


class ReferralPurpose(models.TextChoices):
    PRIMARY = "primary", _("Primary examination")
    RE_EXAMINATION = "re_examination", _("Re-examination")
    CHANGE_GROUP = "change_group", _("Change of group")
    CHANGE_CAUSE = "change_cause", _("Change of cause")


class Route(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    IN_ABSENTIA = "in_absentia", _("In absentia")


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("referral", "Draft")
    SENT = "sent", _("Sent to MSE")
    RETURNED = "returned", _("Returned for completion")
    ACCEPTED = "accepted", _("Accepted")
    ASSIGNED = "assigned", _("With the experts")
    DECIDED = "decided", _("Decided")
    NOTIFIED = "notified", _("Person notified")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class IntakeChannel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("JSON API")
    FHIR = "fhir", _("FHIR bundle")
    BULK = "bulk", _("Bulk file")


class Referral(models.Model):
    number = models.CharField(_("referral number"), max_length=30, unique=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    medical_organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("referring medical organisation"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    mse_division = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("MSE division"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ReferralPurpose.choices)
    route = models.CharField(_("route"), max_length=20, choices=Route.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    primary_diagnosis = models.ForeignKey(
        "assessment.Icd10Code",
        verbose_name=_("main diagnosis (ICD-10)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The medical advisory commission's (ВКК / ДКК) conclusion that justifies the referral.
    commission_protocol_number = models.CharField(
        _("commission protocol number"), max_length=50, blank=True
    )
    commission_date = models.DateField(_("commission date"), null=True, blank=True)
    commission_conclusion = models.TextField(_("commission's conclusion"), blank=True)
    treatment_history = models.TextField(_("treatment history"), blank=True)
    rehabilitation_history = models.TextField(_("rehabilitation history"), blank=True)
    channel = models.CharField(
        _("received through"),
        max_length=10,
        choices=IntakeChannel.choices,
        default=IntakeChannel.WEB,
    )
    # The sender's own identifier (a medical information system's id, a bulk file's row key):
    # the same external id from the same clinic is the same referral, so retries create nothing.
    external_id = models.CharField(_("sender's identifier"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    first_sent_at = models.DateTimeField(_("first sent"), null=True, blank=True)
    returns_count = models.PositiveIntegerField(_("times returned"), default=0)
    # The deadline of the step the referral is in now (working days; see workflow.DEADLINES).
    step_started_on = models.DateField(_("step started"), null=True, blank=True)
    step_due_on = models.DateField(_("step due"), null=True, blank=True)
    # The division queue's order, stored so an index can serve it: the step's deadline, or
    # NO_DEADLINE when it has none. The database computes it; nothing writes it.
    queue_due_on = models.GeneratedField(
        expression=Coalesce("step_due_on", models.Value(NO_DEADLINE)),
        output_field=models.DateField(),
        db_persist=True,
    )
    # The clinic's work list's first key, stored for its index: returned (the clinic must act)
    # 0, draft 1, any other status 2. The database computes it; nothing writes it.
    clinic_rank = models.GeneratedField(
        expression=models.Case(
            models.When(status="returned", then=models.Value(0)),
            models.When(status="draft", then=models.Value(1)),
            default=models.Value(2),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("MSE referral")
        verbose_name_plural = _("MSE referrals")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["medical_organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="one_referral_per_external_id",
            )
        ]
        indexes = [
            # The division queue: one status's rows in page order (queue_due_on, id).
            models.Index(
                fields=["mse_division", "status", "queue_due_on", "id"],
                name="referral_queue_due_idx",
            ),
            # The clinic's work list in page order (clinic_rank, queue_due_on, id desc), and the
            # same for one status (its rank is constant).
            models.Index(
                fields=["medical_organisation", "clinic_rank", "queue_due_on", "-id"],
                name="referral_clinic_list_idx",
            ),
            models.Index(
                fields=["medical_organisation", "status", "queue_due_on", "-id"],
                name="referral_clinic_status_idx",
            ),
            # The queue's clinic filter: has this clinic sent the division anything? One probe.
            models.Index(
                fields=["medical_organisation", "mse_division"],
                condition=models.Q(first_sent_at__isnull=False),
                name="referral_clinic_division_idx",
            ),
            models.Index(
                fields=["medical_organisation", "status", "-id"], name="referral_clinic_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"referral {self.number}"


class ReferralEvent(models.Model):
    """One step of the referral's timeline: who moved it from which status to which, and why."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who acted, as shown on the timeline ("Polyclinic No. 1", "MSE division", "API: MIS-…").
    actor_label = models.CharField(_("acted as"), max_length=200, blank=True)
    from_status = models.CharField(
        pgettext_lazy("status", "from"), max_length=20, choices=ReferralStatus.choices, blank=True
    )
    to_status = models.CharField(
        pgettext_lazy("status", "to"), max_length=20, choices=ReferralStatus.choices
    )
    note = models.TextField(_("note"), blank=True)
    # For a return: the precise list of what is missing, as rule identifiers and their labels.
    missing = models.JSONField(_("missing items"), default=list, blank=True)
    step_due_on = models.DateField(_("next step due"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        ordering = ["referral", "at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status}→{self.to_status}"
