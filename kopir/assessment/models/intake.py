"""How referrals arrive other than by the web form, and how a citizen asks about one.

- ExternalSystem: a medical information system that sends referrals through the API, on behalf of
  one clinic, with a bearer token of its own (stored only as a hash).
- IdempotencyRecord: the first answer to each Idempotency-Key, so a retried request gets the same
  answer and creates nothing twice.
- BulkUpload: a CSV file of referrals and its per-row report.
- StatusAccessCode and StatusRequest: the citizen status page's one-time codes and the request log
  its rate limits count.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExternalSystem(models.Model):
    name = models.SlugField(_("system"), max_length=100, unique=True)
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("sends for"),
        on_delete=models.PROTECT,
        related_name="external_systems",
    )
    # The technical account the system acts as: services, the timeline and the audit log all
    # need a user, and this one can never sign in (it has no usable password).
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as"),
        on_delete=models.PROTECT,
        related_name="external_system",
    )
    # The token's first characters, shown so staff can tell tokens apart without the secret.
    token_prefix = models.CharField(_("token begins with"), max_length=16)
    # SHA-256 of the whole token. The token is random and long, so a plain hash is enough; a
    # slow password hash would only slow every API call down.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    token_issued_at = models.DateTimeField(_("token issued"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("external system")
        verbose_name_plural = _("external systems")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IdempotencyRecord(models.Model):
    system = models.ForeignKey(
        ExternalSystem,
        verbose_name=_("system"),
        on_delete=models.CASCADE,
        related_name="idempotency_records",
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    endpoint = models.CharField(_("endpoint"), max_length=100)
    # SHA-256 of the endpoint and the request body in canonical form (sorted keys).
    request_hash = models.CharField(max_length=64)
    # Empty while the first request with this key is still being processed.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    referral = models.ForeignKey(
        "assessment.Referral",
        verbose_name=_("referral"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["system", "key"], name="one_record_per_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.system_id}: {self.key}"


class BulkUploadStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be processed")
    PROCESSING = "processing", _("Being processed")
    DONE = "done", _("Processed")
    FAILED = "failed", _("Could not be read")


def bulk_upload_path(instance: BulkUpload, filename: str) -> str:
    # The checksum, not the uploaded name: file names can carry a person's name.
    return f"assessment/bulk/{instance.organisation_id}/{instance.file_sha256}.csv"


class BulkUpload(models.Model):
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("clinic"),
        on_delete=models.PROTECT,
        related_name="bulk_uploads",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    # Kept only until the rows are processed, then deleted: the report is what stays.
    file = models.FileField(_("file"), upload_to=bulk_upload_path, max_length=255, blank=True)
    file_sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    send = models.BooleanField(_("send complete referrals to MSE"), default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=BulkUploadStatus.choices,
        default=BulkUploadStatus.PENDING,
    )
    rows_processed = models.PositiveIntegerField(_("rows processed"), default=0)
    rows_created = models.PositiveIntegerField(_("referrals created"), default=0)
    rows_existing = models.PositiveIntegerField(_("already received"), default=0)
    rows_invalid = models.PositiveIntegerField(_("rows with errors"), default=0)
    rows_sent = models.PositiveIntegerField(_("referrals sent"), default=0)
    # Problems found, one entry per field: {"row": 7, "external_id": "…", "field": "iin",
    # "reason": "…"}. Warnings (a referral created but not sent) carry "warning": true.
    report = models.JSONField(_("report"), default=list, blank=True)
    # True when more problems were found than the report keeps (see services/bulk.py).
    report_truncated = models.BooleanField(default=False)
    # A long file's parts, received by several workers at once (services/bulk.py): each
    # {"first": …, "end": …} by the rows' positions in the file, and once a part is done its
    # status, counts and report until the last part puts them together. Never the rows' content.
    parts = models.JSONField(default=list, blank=True)
    # The file's rows whose identifier an earlier row holds: {"row": first row}, for the parts.
    duplicates = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk upload")
        verbose_name_plural = _("bulk uploads")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="bulk_org_idx")]

    def __str__(self) -> str:
        return f"bulk upload #{self.pk}"


class StatusAccessCode(models.Model):
    """A one-time code that lets whoever received it see one referral's status, once."""

    referral = models.ForeignKey(
        "assessment.Referral",
        verbose_name=_("referral"),
        on_delete=models.CASCADE,
        related_name="status_codes",
    )
    # An HMAC of the code keyed with the site's secret: six digits are too few for a plain hash
    # to protect them if the database leaked.
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("status access code")
        verbose_name_plural = _("status access codes")
        indexes = [models.Index(fields=["referral", "-created_at"], name="status_code_idx")]

    def __str__(self) -> str:
        return f"status code #{self.pk}"


class StatusRequestKind(models.TextChoices):
    CODE_REQUEST = "code_request", _("Code requested")
    CODE_CHECK = "code_check", _("Code entered")


class StatusRequest(models.Model):
    """One request on the citizen status page, kept only as long as the rate limits look back."""

    # An HMAC of the client's address: the limit needs to recognise an address, not to know it.
    client_key = models.CharField(max_length=64)
    referral = models.ForeignKey(
        "assessment.Referral",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=20, choices=StatusRequestKind.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status page request")
        verbose_name_plural = _("status page requests")
        indexes = [
            models.Index(fields=["client_key", "kind", "at"], name="status_request_client_idx"),
            models.Index(fields=["referral", "kind", "at"], name="status_request_referral_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at}"
