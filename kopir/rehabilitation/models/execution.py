"""Executing the measures of an approved programme.

Each line of an approved version becomes a `Measure`: a task of one executing organisation for one
person, with a due date on the working-day calendar. Its state changes only through the one
transition engine (`core/transitions.py`). Redirecting it to another organisation is a `Handoff`
(SGB IX §14 style: the new owner's deadline starts at the handoff). `at_risk`, `overdue` and
`escalation_tier` are stored and indexed, set by the periodic sweep, so work lists filter on
columns instead of computing per row.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    ACCEPTED = "accepted", _("Accepted")
    SCHEDULED = "scheduled", _("Scheduled")
    DELIVERED = "delivered", _("Delivered")
    NOT_DELIVERED = "not_delivered", _("Not delivered")
    # The programme's new version no longer contains the measure, or its term ended.
    CANCELLED = "cancelled", _("Cancelled")


OPEN_MEASURE_STATUSES = (MeasureStatus.ASSIGNED, MeasureStatus.ACCEPTED, MeasureStatus.SCHEDULED)


class NotDeliveredReason(models.TextChoices):
    REFUSED = "refused", _("The person refused")
    UNREACHABLE = "unreachable", _("The person could not be reached")
    NOT_AVAILABLE = "not_available", _("Not available (no supplier, no funds, tender failed)")
    NOT_COMPETENT = "not_competent", _("Not our competence")
    OTHER = "other", _("Other reason")


class Measure(models.Model):
    programme = models.ForeignKey(
        "rehabilitation.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="measures",
    )
    # The line of the approved version the measure carries out; a later version that keeps the
    # line unchanged keeps the measure (it is not re-created).
    line = models.ForeignKey(
        "rehabilitation.ProgrammeLine",
        verbose_name=_("programme measure"),
        on_delete=models.PROTECT,
        related_name="measures",
    )
    measure_type = models.ForeignKey(
        "rehabilitation.MeasureType",
        verbose_name=_("measure"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Denormalised from the programme: the work lists and access checks read them per row.
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    territory = models.ForeignKey(
        "directory.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("executing organisation"),
        on_delete=models.PROTECT,
        related_name="rehabilitation_measures",
    )
    # The officer of the executing organisation who took it on ("mine").
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=14, choices=MeasureStatus.choices, default=MeasureStatus.ASSIGNED
    )
    assigned_at = models.DateTimeField(_("assigned"))
    due_on = models.DateField(_("due"))
    at_risk = models.BooleanField(_("at risk"), default=False)
    overdue = models.BooleanField(_("overdue"), default=False)
    # 0: not escalated; 1: the officer's head; 2: the head of the organisation; 3: the region.
    escalation_tier = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    scheduled_on = models.DateField(_("scheduled for"), null=True, blank=True)
    # Evidence of delivery (what the catalogue's `evidence_required` asks for).
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    evidence_document = models.FileField(
        _("supporting document"), upload_to="rehabilitation/evidence/%Y/%m/", blank=True
    )
    item_details = models.CharField(_("item details"), max_length=300, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    supplier = models.CharField(_("supplier"), max_length=300, blank=True)
    not_delivered_reason = models.CharField(
        _("reason not delivered"), max_length=14, choices=NotDeliveredReason.choices, blank=True
    )
    not_delivered_text = models.TextField(_("explanation"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The person (or representative) disputed a reported delivery: the measure reopens.
    dispute_count = models.PositiveSmallIntegerField(_("disputes"), default=0)
    last_disputed_at = models.DateTimeField(_("last disputed"), null=True, blank=True)
    # The person (or representative) confirmed on the status page that it was delivered.
    confirmed_at = models.DateTimeField(_("confirmed by the person"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("rehabilitation measure")
        verbose_name_plural = _("rehabilitation measures")
        indexes = [
            # The agency work list: my organisation's measures by due date (keyset on due, id).
            models.Index(
                fields=["organisation", "status", "due_on", "id"], name="measure_work_idx"
            ),
            models.Index(
                fields=["organisation", "overdue", "due_on", "id"], name="measure_overdue_idx"
            ),
            # The work list's filter choices: which measures and territories the organisation
            # holds, one index probe per catalogue entry or territory (without them, a walk over
            # all of a busy organisation's measures: 250-800 ms at 1 M measures).
            models.Index(fields=["organisation", "measure_type"], name="measure_org_type_idx"),
            models.Index(fields=["organisation", "territory"], name="measure_org_territory_idx"),
            # The sweep: open measures by due date.
            models.Index(fields=["status", "due_on"], name="measure_sweep_idx"),
            models.Index(fields=["person", "programme"], name="measure_person_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["line"], name="one_measure_per_line"),
        ]

    def __str__(self) -> str:
        return f"measure #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MEASURE_STATUSES


class Handoff(models.Model):
    """A measure passed to an organisation: the first routing (no `from_organisation`) or a
    redirect by an organisation that is not responsible, with its reason."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="handoffs"
    )
    from_organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_organisation = models.ForeignKey(
        "directory.Organisation", verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    # The routing rule that chose the organisation (null for a redirect chosen by hand).
    routing_rule = models.ForeignKey(
        "rehabilitation.RoutingRule",
        verbose_name=_("routing rule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    due_on = models.DateField(_("new owner's due date"))
    # The tracked message of the handoff (sent → delivered → acknowledged → answered): the new
    # owner acknowledges it by accepting the measure and answers it with the result.
    message = models.OneToOneField(
        "exchange.Message",
        verbose_name=_("tracked message"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("handoff")
        verbose_name_plural = _("handoffs")
        ordering = ["measure", "at", "id"]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.from_organisation_id} → {self.to_organisation_id}"


class MeasureNote(models.TextChoices):
    """A note Kopir itself writes on a measure's timeline, kept as a code (with its values in
    `MeasureEvent.note_values`) so each reader sees it in their own language; a person's note
    (a reason, a dispute) is kept as typed, in `note`."""

    ROUTED = "routed", _("Routed by rule to the executing organisation.")
    VERSION_CHANGED = (
        "version_changed",
        _("Programme version %(sequence)s changed the quantity or details."),
    )
    VERSION_DROPPED = (
        "version_dropped",
        _("Programme version %(sequence)s no longer contains the measure."),
    )
    ENDED_ON_APPEAL = (
        "ended_on_appeal",
        _(
            "The MSE decision was changed on appeal and no longer establishes disability: the "
            "rehabilitation programme has ended."
        ),
    )
    ENDED = (
        "ended",
        _(
            "The re-examination no longer establishes disability: the rehabilitation programme has "
            "ended."
        ),
    )


def note_text(code: str, values: Mapping[str, object] | None, typed: str = "") -> str:
    """A timeline note in the active language: Kopir's own by its code, or as it was typed."""
    if code in MeasureNote.values:
        return str(MeasureNote(code).label) % (values or {})
    return typed


class MeasureEvent(models.Model):
    """The measure's timeline: one row per transition (written by the engine)."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=14, blank=True)
    to_status = models.CharField(_("to"), max_length=14)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    # Kopir's own note, by code: rendered in the reader's language (`text`).
    note_code = models.CharField(
        _("note code"), max_length=20, choices=MeasureNote.choices, blank=True
    )
    note_values = models.JSONField(_("note values"), default=dict, blank=True)

    class Meta:
        verbose_name = _("measure event")
        verbose_name_plural = _("measure events")
        ordering = ["measure", "at", "id"]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.from_status} → {self.to_status}"

    @property
    def text(self) -> str:
        """The note in the reader's language."""
        return note_text(self.note_code, self.note_values, self.note)
