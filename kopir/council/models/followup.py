"""What the council's decisions lead to: recommendations tracked to execution, monitoring
visits, and outgoing letters (e.g. to the Mazhilis) with their replies."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RecommendationRuleSet(models.Model):
    """The deadlines a recommendation follows, by the legal route the council works under.

    Statutory public control (Law No. 30-VIII, Art. 13): the final document goes to the body within
    7 working days after the control ends, and the body answers each recommendation with reasons
    within 10 working days of receipt. A party council's recommendations carry no statutory
    deadline: the council sets its own (calendar or working days), recorded here as a default.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_kk = models.CharField(_("name in Kazakh"), max_length=255)
    name_ru = models.CharField(_("name in Russian"), max_length=255)
    name_en = models.CharField(_("name in English"), max_length=255)
    legal_source = models.CharField(_("legal source"), max_length=500, blank=True)
    send_within_working_days = models.PositiveIntegerField(
        _("send within (working days after the meeting)"), null=True, blank=True
    )
    answer_within_working_days = models.PositiveIntegerField(
        _("answer within (working days after receipt)"), null=True, blank=True
    )
    answer_within_calendar_days = models.PositiveIntegerField(
        _("answer within (calendar days after sending)"), null=True, blank=True
    )
    remind_days_before = models.PositiveIntegerField(_("remind (days before due)"), default=3)
    is_statutory = models.BooleanField(_("deadline set by law"), default=False)

    class Meta:
        verbose_name = _("deadline rule set")
        verbose_name_plural = _("deadline rule sets")

    def __str__(self) -> str:
        return self.code


class RecommendationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    EXECUTED = "executed", _("Executed")
    PARTLY_EXECUTED = "partly_executed", _("Partly executed")
    REJECTED = "rejected", _("Rejected with reasons")


class Recommendation(models.Model):
    council = models.ForeignKey(
        "council.Council",
        verbose_name=_("council"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    number = models.CharField(_("number"), max_length=30)
    decision = models.ForeignKey(
        "council.Decision",
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    visit = models.ForeignKey(
        "council.MonitoringVisit",
        verbose_name=_("monitoring visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    finding = models.OneToOneField(
        "council.VisitFinding",
        verbose_name=_("visit finding"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendation",
    )
    addressee = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("addressed to"),
        on_delete=models.PROTECT,
        related_name="council_recommendations",
    )
    text = models.TextField(_("recommendation"))
    # The Kazakh text is `text`; the Russian one goes into the Russian minutes.
    text_ru = models.TextField(_("recommendation in Russian"), blank=True)
    rule_set = models.ForeignKey(
        RecommendationRuleSet, verbose_name=_("deadline rules"), on_delete=models.PROTECT
    )
    # Optional: the oversight figure that motivated the recommendation (filled by the oversight app).
    motivating_figure = models.CharField(_("motivating figure"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.DRAFT,
    )
    send_due_on = models.DateField(_("to be sent by"), null=True, blank=True)
    sent_on = models.DateField(_("sent"), null=True, blank=True)
    acknowledged_on = models.DateField(_("acknowledged"), null=True, blank=True)
    answer_due_on = models.DateField(_("answer due"), null=True, blank=True)
    # The day the answer the clock waits for arrived (of any kind): the statutory clock stops here,
    # so reminders and escalation look only at recommendations still without one. An answer the
    # council does not accept clears it and gives a new answer_due_on from the rejection
    # (services/recommendations.py::_restart_answer_clock).
    answered_on = models.DateField(_("first answer received"), null=True, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    reminded_on = models.DateField(_("reminder sent"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["council", "-sent_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["council", "number"], name="one_recommendation_number")
        ]
        indexes = [
            models.Index(fields=["addressee", "status"], name="recommendation_inbox_idx"),
            models.Index(fields=["status", "answer_due_on"], name="recommendation_due_idx"),
        ]

    def __str__(self) -> str:
        return f"recommendation {self.number}"


class ResponseVerdict(models.TextChoices):
    PENDING = "pending", _("Awaiting the council's review")
    ACCEPTED = "accepted", _("Accepted by the council")
    NOT_ACCEPTED = "not_accepted", _("Not accepted by the council")


class RecommendationResponse(models.Model):
    """An answer or progress report from the addressee, with evidence, reviewed by the council."""

    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    author = models.ForeignKey(
        "accounts.User", verbose_name=_("answered by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    text = models.TextField(_("answer"))
    # What the addressee says it achieved; only the council's acceptance makes it the status.
    reported_status = models.CharField(
        _("reported status"), max_length=20, choices=RecommendationStatus.choices
    )
    evidence = models.FileField(_("evidence"), upload_to="council/evidence/%Y/", blank=True)
    evidence_sha256 = models.CharField(_("evidence checksum"), max_length=64, blank=True)
    verdict = models.CharField(
        _("council's verdict"),
        max_length=20,
        choices=ResponseVerdict.choices,
        default=ResponseVerdict.PENDING,
    )
    verdict_note = models.TextField(_("council's note"), blank=True)
    verdict_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verdict_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer to a recommendation")
        verbose_name_plural = _("answers to recommendations")
        ordering = ["recommendation", "-submitted_at"]

    def __str__(self) -> str:
        return f"response {self.pk} to {self.recommendation_id}"


class RecommendationEventKind(models.TextChoices):
    CREATED = "created", _("Drafted")
    EDITED = "edited", _("Draft changed")
    SENT = "sent", _("Sent to the addressee")
    ACKNOWLEDGED = "acknowledged", _("Receipt acknowledged")
    ANSWERED = "answered", _("Answer received")
    ACCEPTED = "accepted", _("Answer accepted by the council")
    NOT_ACCEPTED = "not_accepted", _("Answer not accepted by the council")
    STATUS = "status", _("Status changed")
    REMINDED = "reminded", _("Reminder sent")
    ESCALATED = "escalated", _("Escalated: answer overdue")


class RecommendationEvent(models.Model):
    """One entry of a recommendation's timeline. Written by the services, never changed."""

    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    kind = models.CharField(_("event"), max_length=20, choices=RecommendationEventKind.choices)
    # Empty for the deadline task, which acts for nobody.
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(
        pgettext_lazy("status", "from"),
        max_length=20,
        choices=RecommendationStatus.choices,
        blank=True,
    )
    to_status = models.CharField(
        pgettext_lazy("status", "to"),
        max_length=20,
        choices=RecommendationStatus.choices,
        blank=True,
    )
    response = models.ForeignKey(
        RecommendationResponse,
        verbose_name=_("answer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("recommendation event")
        verbose_name_plural = _("recommendation events")
        ordering = ["recommendation", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.recommendation_id}: {self.kind}"


class MonitoringVisit(models.Model):
    council = models.ForeignKey(
        "council.Council",
        verbose_name=_("council"),
        on_delete=models.CASCADE,
        related_name="visits",
    )
    site = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("place visited"),
        on_delete=models.PROTECT,
        related_name="council_visits",
    )
    visited_on = models.DateField(_("date"))
    participants = models.ManyToManyField(
        "council.Member", verbose_name=_("participants"), blank=True, related_name="+"
    )
    plan_item = models.ForeignKey(
        "council.WorkPlanItem",
        verbose_name=_("work plan item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
    )
    # The Kazakh text; `purpose_ru` the Russian, shown in the reader's language (bilingual.py).
    purpose = models.CharField(_("purpose"), max_length=500)
    purpose_ru = models.CharField(_("purpose in Russian"), max_length=500, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("monitoring visit")
        verbose_name_plural = _("monitoring visits")
        ordering = ["council", "-visited_on"]

    def __str__(self) -> str:
        return f"visit {self.pk}"


class ChecklistAnswer(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NOT_CHECKED = "not_checked", _("Not checked")


class VisitChecklistItem(models.Model):
    visit = models.ForeignKey(
        MonitoringVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="checklist"
    )
    order = models.PositiveIntegerField(_("order"))
    question = models.CharField(_("question"), max_length=500)
    is_accessibility = models.BooleanField(_("accessibility check"), default=False)
    answer = models.CharField(
        _("answer"),
        max_length=20,
        choices=ChecklistAnswer.choices,
        default=ChecklistAnswer.NOT_CHECKED,
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["visit", "order"]

    def __str__(self) -> str:
        return f"{self.visit_id}.{self.order}"


class VisitFinding(models.Model):
    """One thing the visit found. Each can become a recommendation, which keeps the link."""

    visit = models.ForeignKey(
        MonitoringVisit,
        verbose_name=_("visit"),
        on_delete=models.CASCADE,
        related_name="finding_list",
    )
    order = models.PositiveIntegerField(_("order"))
    text = models.TextField(_("finding"))

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["visit", "order"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "order"], name="one_finding_position")
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}.{self.order}"


class VisitDocument(models.Model):
    visit = models.ForeignKey(
        MonitoringVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=255)
    # A short description of a photo, so a blind member knows what it shows.
    description = models.CharField(_("description"), max_length=500)
    file = models.FileField(_("file"), upload_to="council/visits/%Y/")
    sha256 = models.CharField(_("checksum"), max_length=64, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("visit document")
        verbose_name_plural = _("visit documents")

    def __str__(self) -> str:
        return self.title


class Letter(models.Model):
    """An outgoing letter in the council's register (e.g. recommendations to the Mazhilis)."""

    council = models.ForeignKey(
        "council.Council",
        verbose_name=_("council"),
        on_delete=models.CASCADE,
        related_name="letters",
    )
    number = models.CharField(_("outgoing number"), max_length=30)
    sent_on = models.DateField(_("date"))
    addressee = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("addressed to"),
        on_delete=models.PROTECT,
        related_name="council_letters",
    )
    # Kazakh in the unsuffixed fields, Russian in `_ru`, as for the minutes' texts.
    subject = models.CharField(_("subject"), max_length=500)
    subject_ru = models.CharField(_("subject in Russian"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_ru = models.TextField(_("summary in Russian"), blank=True)
    recommendations = models.ManyToManyField(
        Recommendation, verbose_name=_("recommendations"), blank=True, related_name="letters"
    )
    file = models.FileField(_("file"), upload_to="council/letters/%Y/", blank=True)
    reply_due_on = models.DateField(_("reply expected by"), null=True, blank=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["council", "-sent_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["council", "number"], name="one_letter_number")
        ]

    def __str__(self) -> str:
        return f"letter {self.number}"


class LetterReply(models.Model):
    letter = models.ForeignKey(
        Letter, verbose_name=_("letter"), on_delete=models.CASCADE, related_name="replies"
    )
    received_on = models.DateField(_("received"))
    from_whom = models.CharField(pgettext_lazy("letter sender", "from"), max_length=255)
    summary = models.TextField(_("summary"))
    file = models.FileField(_("file"), upload_to="council/letters/%Y/", blank=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["letter", "received_on"]

    def __str__(self) -> str:
        return f"reply {self.pk} to letter {self.letter_id}"
