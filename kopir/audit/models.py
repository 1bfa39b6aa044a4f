"""The audit log: who read or changed which record, when, and from where. Append-only.

Records are written by services inside the same transaction as the change they describe, so a
change without its record (or a record of a change that rolled back) cannot exist. Nothing in
Kopir updates or deletes a record: the model refuses it, and database triggers (see the
migration) refuse it for raw SQL too. Each record is also a link in a hash chain (`chain.py`), so
a record forged, changed or deleted by someone who owns the database is detected by
`manage.py audit_verify`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from django.conf import settings
from django.db import models, router, transaction
from django.db.models import F
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.audit import chain
from kopir.core.bulk import append_rows


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit record."""


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    SEARCH = "search", _("Searched")
    EXPORT = "export", _("Exported")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Signed out")
    TWO_FACTOR = "two_factor", _("Two-factor change")


class AuditChannel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    COMMAND = "command", _("Command")
    TASK = "task", _("Background task")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("audit records cannot be changed")

    def delete(self) -> NoReturn:
        raise AuditLogIsAppendOnly("audit records cannot be deleted")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        # A bulk insert would skip save(), and with it the chain: `append_chained` is the one
        # bulk path.
        raise AuditLogIsAppendOnly("audit records are appended through append_chained")

    def append_chained(self, records: Sequence[ChainedT]) -> Sequence[ChainedT]:
        """Append unsaved `records`, in order, as consecutive links of the chain.

        A record is an `AuditEvent` or a plain `AuditRow` (a bulk step's, no model instance
        each). Under the chain's lock (held until the caller's transaction ends, as for one
        record) the head is read once, each record's `prev_hash` and `row_hash` are computed in
        Python, and the rows go in that order as plain values (`core.bulk.append_rows`: on
        PostgreSQL their ids drawn from the sequence in ascending order, then one COPY;
        elsewhere multi-row INSERTs); each record is given its id. Nobody else can draw an audit
        id while the lock is held, so id order is chain order and `audit_verify` walks them as
        it walks records saved one at a time.
        """
        if not records:
            return records
        if any(record.pk is not None for record in records):
            raise AuditLogIsAppendOnly("audit records cannot be changed")
        using = self.db
        with transaction.atomic(using=using, savepoint=False):
            previous = chain.lock_head_and_read(using)
            rows = []
            for record in records:
                record.prev_hash = previous
                record.row_hash = previous = chain.content_hash(record)
                rows.append([getattr(record, column) for column in ROW_COLUMNS])
            ids = append_rows(AuditEvent, ROW_COLUMNS, rows, using=using)
            for record, pk in zip(records, ids, strict=True):
                record.pk = pk
                if isinstance(record, AuditEvent):
                    record._state.adding = False
                    record._state.db = using
            return records


# What an audit record's row holds besides its id (each written by `append_chained`).
ROW_COLUMNS = (*chain.HASHED_COLUMNS, "row_hash")


@dataclass(slots=True)
class AuditRow:
    """An audit record not yet written, as plain values: what `audit_record_many` holds for
    `append_chained` instead of an `AuditEvent` instance per record (the same columns, hashed
    the same way). `pk` is set once it is written."""

    at: dt.datetime
    actor_id: int | None
    actor_username: str
    organisation_id: int | None
    action: str
    target_type: str
    target_id: str
    channel: str
    source: str
    fields: list[str]
    detail: str
    prev_hash: str = ""
    row_hash: str = ""
    pk: int | None = None


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A snapshot, so the record still says who it was if the account is later renamed.
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    target_type = models.CharField(_("record type"), max_length=60, blank=True)
    target_id = models.CharField(_("record"), max_length=64, blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=AuditChannel.choices, default=AuditChannel.WEB
    )
    source = models.CharField(_("from where"), max_length=100, blank=True)
    # Names of the fields a change touched. Values are not copied here: the audit log must not
    # become a second store of personal data.
    fields = models.JSONField(_("fields"), default=list, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    # The hash chain (see chain.py): the previous record's hash, and this record's own, written
    # in the same INSERT.
    prev_hash = models.CharField(_("previous record's hash"), max_length=64, blank=True)
    row_hash = models.CharField(_("hash"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"], name="audit_target_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
            # The search by username, any case, newest first (selectors.audit_event_search).
            models.Index(
                Upper("actor_username"), F("at").desc(), F("id").desc(), name="audit_username_idx"
            ),
            # The search by action, newest first: a rare action is found without a walk of the log.
            models.Index(fields=["action", "-at", "-id"], name="audit_action_idx"),
            # The search by record type alone, newest first (audit_target_idx has the record's id
            # second, so it cannot give one type's records in time order).
            models.Index(fields=["target_type", "-at", "-id"], name="audit_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.target_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogIsAppendOnly("audit records cannot be changed")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # Reading the head and inserting the link must be one transaction (the caller's, when
        # there is one) so no other writer can link to the same head in between.
        # No savepoint: inside the caller's transaction a failure here fails that transaction,
        # as any failed INSERT would, and writing a record costs one query more, not three.
        with transaction.atomic(using=using, savepoint=False):
            self.prev_hash = chain.lock_head_and_read(using)
            self.row_hash = chain.content_hash(self)
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("audit records cannot be deleted")


ChainedT = TypeVar("ChainedT", AuditEvent, AuditRow, AuditEvent | AuditRow)
