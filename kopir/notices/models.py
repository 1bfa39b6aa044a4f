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

from kopir.directory.validators import validate_phone


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
    # A context of its own: a measure "not delivered" (not executed) reads differently.
    FAILED = "failed", pgettext_lazy("notice", "Not delivered")


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

    @property
    def language_names(self) -> str:
        """The notice's languages by name, in the reader's language (the column showed "ru")."""
        from kopir.notices.topics import language_names

        return language_names(self.language)


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


class StaffNotification(models.Model):
    """One line of a staff member's in-app notifications ("a new petition arrived").

    The text is not stored rendered: the kind (registered in `notices/kinds.py` by the app the
    event belongs to) holds the sentence in every language and `params` its values, so each
    reader sees it in the language of the page. The link is a URL name and its arguments, for
    the same reason (the language prefix is the reader's).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="staff_notifications",
    )
    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(_("values"), default=dict, blank=True)
    url_name = models.CharField(_("page"), max_length=100, blank=True)
    url_args = models.JSONField(_("page arguments"), default=list, blank=True)
    # The record the notification is about, as in the audit log ("council.petition", "42").
    related_type = models.CharField(_("about record type"), max_length=60, blank=True)
    related_id = models.CharField(_("about record"), max_length=64, blank=True)
    # Set for notifications a periodic job sends once ("due:council.recommendation:7:2026-05-04"):
    # a second run finds it and sends nothing again.
    once_key = models.CharField(_("sent once as"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The list, newest first, and the unread count in the header of every page.
            models.Index(fields=["user", "-created_at", "-id"], name="staff_notif_list_idx"),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="staff_notif_unread_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "once_key"],
                condition=~models.Q(once_key=""),
                name="staff_notif_once_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"notification #{self.pk} ({self.kind})"

    def text(self) -> str:
        """The sentence in the active language (a template calls it under each language)."""
        from kopir.notices.kinds import staff_kind

        kind = staff_kind(self.kind)
        return kind.text(self.params) if kind is not None else self.kind

    def label(self) -> str:
        from kopir.notices.kinds import staff_kind

        kind = staff_kind(self.kind)
        return str(kind.label) if kind is not None else self.kind

    def link(self) -> str:
        """The page the notification is about, under the active language's prefix."""
        from django.urls import NoReverseMatch, reverse

        if not self.url_name:
            return ""
        try:
            return reverse(self.url_name, args=self.url_args)
        except NoReverseMatch:
            return ""


class StaffNotificationPreference(models.Model):
    """Which kinds of notification a staff member also receives by e-mail and by SMS.

    A kind missing from `email`/`sms` follows its registered default, so a kind added later
    reaches people who saved their choices before it existed. Staff accounts hold no phone
    number, so the number for SMS is given here, by the person, for this purpose only.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.JSONField(_("by e-mail"), default=dict, blank=True)
    sms = models.JSONField(_("by SMS"), default=dict, blank=True)
    sms_phone = models.CharField(
        _("phone for SMS"), max_length=30, blank=True, validators=[validate_phone]
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"notification preference of user {self.user_id}"
