"""The only writers of snapshots and of their citations: save one, cite it in a council record,
remove the citation while the record is not final. Each in one transaction with its audit record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kopir.audit.models import AuditAction, AuditEvent
from kopir.audit.services import audit_record, save_audited
from kopir.core.errors import AccessDenied, DomainError
from kopir.directory.models import Organisation, Territory
from kopir.oversight import access
from kopir.oversight.models import Snapshot, SnapshotAttachment
from kopir.oversight.snapshots.content import KINDS, content_of, scope_of
from kopir.oversight.snapshots.records import is_final, sent_on, target_field

# Every language a page can be read in: the minutes print kk and ru, the pages also en.
SNAPSHOT_LANGUAGES = ("kk", "ru", "en")


class FiguresChanged(DomainError):
    """The figures changed between the page the person confirmed and the save."""


def data_version() -> int:
    """The number of the audit log's latest record: every change to a case writes one."""
    latest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return latest or 0


def digest(shown: dict[str, Any]) -> str:
    """A fingerprint of the figures as one language shows them, to tell whether they changed."""
    keep = {k: shown[k] for k in ("figures", "tables", "chart")}
    text = json.dumps(keep, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _consistent_read() -> None:
    """On PostgreSQL, read every language's figures from one snapshot of the data (the first
    statement of the transaction; the default, read committed, would let a commit between two
    statements change the figures from one language to the next). SQLite's transaction already
    reads one state of the database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def snapshot_save(
    *,
    actor: Any,
    dashboard: str,
    period: str,
    territory: Territory | None,
    organisation: Organisation | None,
    title: str,
    title_ru: str,
    seen_digest: str,
    seen_language: str,
    today: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Snapshot:
    """Save the dashboard as the person saw it. The figures are computed again here, in every
    language; if those in the language the person read differ from what the confirmation page
    showed (`seen_digest`), nothing is saved and `FiguresChanged` says to look again."""
    if not access.can_save_snapshots(actor):
        raise AccessDenied(_("Only the council's secretary and members save snapshots."))
    kind = KINDS[dashboard]
    today = today or timezone.localdate()
    scope = scope_of(period, territory, organisation)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            _consistent_read()
        version = data_version()
        content: dict[str, Any] = {}
        for language in SNAPSHOT_LANGUAGES:
            with translation.override(language):
                content[language] = content_of(kind, scope, today=today)
        if digest(content[seen_language[:2]]) != seen_digest:
            raise FiguresChanged(
                _(
                    "The figures changed after you opened this page. Check them below and "
                    "confirm again."
                )
            )
        snapshot = Snapshot(
            dashboard=kind.key,
            title=title.strip(),
            title_ru=title_ru.strip(),
            period=scope.period.key,
            territory=territory,
            organisation=organisation,
            computed_on=today,
            data_version=version,
            content=content,
            saved_by=actor,
        )
        save_audited(snapshot, AuditAction.CREATE, actor=actor, request=request)
    return snapshot


def _refuse_unless_open(actor: Any, record: Any) -> None:
    if not access.may_cite_in(actor, record):
        raise AccessDenied(_("Only the council's secretary cites figures in its records."))
    if is_final(record):
        raise DomainError(
            _(
                "This record is final: the figures it cites can no longer change. Cite the "
                "snapshot in a new record instead."
            )
        )


def _refuse_unless_saved_by_sending(snapshot: Snapshot, record: Any) -> None:
    """A letter or a recommendation sent on a day cites only figures saved by that day: figures
    saved later are not what it said (nor what an annual report may list as its basis)."""
    sent = sent_on(record)
    saved = timezone.localdate(snapshot.saved_at)
    if sent is not None and saved > sent:
        raise DomainError(
            _(
                "These figures were saved on %(saved)s, after this record was sent on "
                "%(sent)s: it cannot cite figures it did not have. Cite them in a new record "
                "instead."
            )
            % {
                "saved": date_format(saved, "SHORT_DATE_FORMAT"),
                "sent": date_format(sent, "SHORT_DATE_FORMAT"),
            }
        )


def _audit_citation(
    actor: Any,
    action: str,
    attachment: SnapshotAttachment,
    record: Any,
    request: HttpRequest | None,
) -> None:
    """A citation's audit record names the record it is in, alike when made and when removed."""
    audit_record(
        actor=actor,
        action=action,
        target=attachment,
        request=request,
        detail=f"{target_field(record)} {record.pk}",
    )


def snapshot_attach(
    *, actor: Any, snapshot: Snapshot, record: Any, request: HttpRequest | None = None
) -> SnapshotAttachment:
    """Cite `snapshot` in `record` (an agenda item, a recommendation or a letter)."""
    _refuse_unless_open(actor, record)
    _refuse_unless_saved_by_sending(snapshot, record)
    attachment = SnapshotAttachment(snapshot=snapshot, attached_by=actor)
    setattr(attachment, target_field(record), record)
    already = _("This snapshot is already cited here.")
    if SnapshotAttachment.objects.filter(
        snapshot=snapshot, **{target_field(record): record}
    ).exists():
        raise DomainError(already)
    try:
        with transaction.atomic():
            attachment.full_clean(validate_constraints=False)
            attachment.save()
            _audit_citation(actor, AuditAction.CREATE, attachment, record, request)
    except IntegrityError as error:
        # Two clicks at once: the constraint decides.
        raise DomainError(already) from error
    return attachment


def snapshot_detach(
    *, actor: Any, attachment: SnapshotAttachment, request: HttpRequest | None = None
) -> None:
    """Remove a citation from a record that is not final yet (the snapshot itself stays)."""
    record = attachment.target
    _refuse_unless_open(actor, record)
    with transaction.atomic():
        _audit_citation(actor, AuditAction.DELETE, attachment, record, request)
        attachment.delete()
