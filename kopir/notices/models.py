"""Notices sent to people and organisations (e-mail, SMS), kept as an outbox.

Every notice is a row before it is anything else: the service that decides to tell someone writes
the row in its own transaction, and the background worker delivers it afterwards. A notice that
cannot be delivered stays visible with its attempts and last error, so a message that was never
sent is a row someone can see rather than a line in a log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RecipientKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")
    STAFF = "staff", _("Staff member")


class NoticeChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class NoticeFormat(models.TextChoices):
    # Plain text with whole words, one idea per paragraph and dates written out: what a screen
    # reader reads best, and the default for everyone.
    PLAIN = "plain", _("Plain text (suits screen readers)")
    EASY_READ = "easy_read", _("Easy read")
    LARGE_PRINT = "large_print", _("Large print")
    BRAILLE_READY = "braille_ready", _("Braille-ready text")


class NoticeStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", pgettext_lazy("notice", "Sent")
    FAILED = "failed", _("Not delivered")


class Notice(models.Model):
    recipient_kind = models.CharField(_("recipient"), max_length=20, choices=RecipientKind.choices)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    # The organisation whose case the notice belongs to (the referring clinic, say). It decides
    # who besides administrators may see the notice in the demo's outbox.
    concerns_organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("case of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=NoticeChannel.choices, blank=True
    )
    # Blank when the recipient has no e-mail address or phone number: the notice is then recorded
    # as not delivered, so the gap is visible.
    address = models.CharField(_("address"), max_length=254, blank=True)
    # One language code, or several joined by "+" for organisations (both state languages).
    language = models.CharField(_("language"), max_length=10)
    format = models.CharField(
        _("format"), max_length=20, choices=NoticeFormat.choices, default=NoticeFormat.PLAIN
    )
    # The kind of notice ("assessment.citizen.access_code"), for filtering and counting.
    topic = models.CharField(_("topic"), max_length=100)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    # The text carries a secret (a one-time code): outside the demo nobody reads it on the outbox.
    sensitive = models.BooleanField(_("contains a secret"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The kind of error only (an exception's class): provider messages can quote the address.
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_via = models.CharField(_("delivered through"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The record the notice is about, as in the audit log ("assessment.referral", "42").
    related_type = models.CharField(_("about record type"), max_length=60, blank=True)
    related_id = models.CharField(_("about record"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notice_due_idx"),
            models.Index(fields=["related_type", "related_id"], name="notice_related_idx"),
        ]

    def __str__(self) -> str:
        # No address and no text: str() ends up in logs.
        return f"notice #{self.pk} ({self.topic}, {self.status})"


class NoticeAttachment(models.Model):
    """A file sent with an e-mail notice (a meeting's .ics invitation, say), stored with it so a
    retry sends the same bytes. SMS carries no attachment: it is simply not sent there."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(_("file name"), max_length=120)
    # A MIME type with its parameters, as the Content-Type header says it
    # ("text/calendar; method=REQUEST").
    mime_type = models.CharField(_("type"), max_length=120)
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"attachment {self.filename} of notice #{self.notice_id}"
