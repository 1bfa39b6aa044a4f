"""Dossiers: the secretary opens one per problem, puts the council's records about it in, takes
them out, and merges dossiers found to be about the same problem (the recurring-problem radar's
"merge a group into one dossier" calls `dossier_merge`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, Required, TypedDict, Unpack

from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record, create_audited
from kopir.core.errors import DomainError
from kopir.core.versioning import update_if_current
from kopir.council import access
from kopir.council.models import (
    AgendaItem,
    Council,
    Dossier,
    DossierRecord,
    DossierRecordKind,
    Letter,
    MonitoringVisit,
    Petition,
    Recommendation,
)

SECRETARY_ONLY = gettext_lazy("Only the council's secretary keeps its dossiers.")
"""What anyone but the secretary is told (`access.ensure_secretary`)."""


# Each kind of record a dossier takes, and the path from it to its council.
RECORD_MODELS: Final[dict[str, tuple[type[Model], str]]] = {
    DossierRecordKind.PETITION: (Petition, "council"),
    DossierRecordKind.AGENDA_ITEM: (AgendaItem, "meeting__council"),
    DossierRecordKind.RECOMMENDATION: (Recommendation, "council"),
    DossierRecordKind.VISIT: (MonitoringVisit, "council"),
    DossierRecordKind.LETTER: (Letter, "council"),
}


def _require_open(dossier: Dossier) -> None:
    if dossier.merged_into_id is not None:
        raise DomainError(
            _("This dossier was merged into another one: change that dossier instead.")
        )


class DossierTexts(TypedDict, total=False):
    """A dossier's texts: Kazakh in the unsuffixed fields, Russian in `_ru`."""

    title: Required[str]
    title_ru: str
    description: str
    description_ru: str


def _texts(texts: DossierTexts) -> dict[str, str]:
    values = {
        name: str(texts.get(name, "")).strip()
        for name in ("title", "title_ru", "description", "description_ru")
    }
    if not values["title"]:
        raise DomainError(_("Enter the dossier's title in Kazakh."))
    return values


def _audit_records(actor: Any, dossier: Dossier, detail: str, request: HttpRequest | None) -> None:
    """What changed in the records a dossier holds, in the audit log (ids, never texts)."""
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=dossier,
        fields=["records"],
        detail=detail,
        request=request,
    )


def dossier_open(
    *,
    actor: Any,
    council: Council,
    petition: Petition | None = None,
    request: HttpRequest | None = None,
    **given: Unpack[DossierTexts],
) -> Dossier:
    """Open a dossier on a problem, with the petition that raised it if there is one."""
    access.ensure_secretary(actor, council, SECRETARY_ONLY)
    texts = _texts(given)
    with transaction.atomic():
        dossier = create_audited(
            Dossier(council=council, opened_by=actor, **texts),
            texts.keys(),
            actor=actor,
            request=request,
        )
        if petition is not None:
            dossier_add_record(
                actor=actor,
                dossier=dossier,
                kind=DossierRecordKind.PETITION,
                record_id=petition.pk,
                request=request,
            )
    return dossier


def dossier_update(
    *,
    actor: Any,
    dossier: Dossier,
    expected_version: int,
    request: HttpRequest | None = None,
    **given: Unpack[DossierTexts],
) -> Dossier:
    """Change the dossier's title and description, unless someone else changed them first."""
    access.ensure_secretary(actor, dossier.council, SECRETARY_ONLY)
    texts = _texts(given)
    changed = [name for name, value in texts.items() if getattr(dossier, name) != value]
    with transaction.atomic():
        update_if_current(
            dossier,
            expected_version,
            _(
                "Someone else changed this dossier after you opened it. Nothing was saved; "
                "your input is kept below."
            ),
            **texts,
        )
        audit_record(
            actor=actor, action=AuditAction.UPDATE, target=dossier, fields=changed, request=request
        )
    return dossier


def dossier_add_record(
    *,
    actor: Any,
    dossier: Dossier,
    kind: str,
    record_id: int,
    request: HttpRequest | None = None,
) -> DossierRecord:
    """Put one of the council's records in the dossier. A record of another council, or one the
    dossier already holds, is refused with the reason."""
    access.ensure_secretary(actor, dossier.council, SECRETARY_ONLY)
    _require_open(dossier)
    if kind not in RECORD_MODELS:
        raise DomainError(_("Choose what kind of record to add."))
    model, council_path = RECORD_MODELS[kind]
    record = (
        model._default_manager.filter(pk=record_id, **{council_path: dossier.council_id})
        .only("pk")
        .first()
    )
    if record is None:
        raise DomainError(_("The council has no such record: it may have been removed."))
    link = DossierRecord(dossier=dossier, kind=kind, added_by=actor, **{kind: record})
    try:
        with transaction.atomic():
            link.save()
            _audit_records(actor, dossier, f"added {kind} {record_id}", request)
    except IntegrityError as error:
        raise DomainError(_("The dossier already holds this record.")) from error
    return link


def dossier_remove_record(
    *, actor: Any, record: DossierRecord, request: HttpRequest | None = None
) -> None:
    """Take a record the secretary added out of the dossier (the record itself stays)."""
    dossier = record.dossier
    access.ensure_secretary(actor, dossier.council, SECRETARY_ONLY)
    with transaction.atomic():
        removed, _count = DossierRecord.objects.filter(pk=record.pk).delete()
        if not removed:
            raise DomainError(_("This record was already taken out of the dossier."))
        _audit_records(actor, dossier, f"removed {record.kind} {record.target_id}", request)


def dossier_merge(
    *,
    actor: Any,
    target: Dossier,
    sources: Iterable[Dossier],
    request: HttpRequest | None = None,
) -> int:
    """Move every record of `sources` into `target`; each source is then marked merged into
    it, empty, its page leading to the target. A record both hold stays once. Returns how many
    records moved. All in one transaction: a refused source changes nothing."""
    access.ensure_secretary(actor, target.council, SECRETARY_ONLY)
    _require_open(target)
    merged = [source for source in sources if source.pk != target.pk]
    for source in merged:
        if source.council_id != target.council_id:
            raise DomainError(_("Only dossiers of the same council can be merged."))
        _require_open(source)
    moved = 0
    with transaction.atomic():
        # The rows locked in a fixed order, so two merges at once wait rather than deadlock.
        pks = sorted([target.pk, *(source.pk for source in merged)])
        list(Dossier.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
        held = {
            (kind, target_id)
            for kind, target_id in (
                (record.kind, record.target_id) for record in target.records.all()
            )
        }
        for record in DossierRecord.objects.filter(
            dossier__in=[source.pk for source in merged]
        ).order_by("added_at", "pk"):
            key = (record.kind, record.target_id)
            if key in held:
                record.delete()
                continue
            held.add(key)
            DossierRecord.objects.filter(pk=record.pk).update(dossier=target)
            moved += 1
        for source in merged:
            Dossier.objects.filter(pk=source.pk).update(merged_into=target)
            source.merged_into = target
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                target=source,
                fields=["merged_into"],
                detail=f"merged into dossier {target.pk}",
                request=request,
            )
        _audit_records(
            actor, target, f"merged {len(merged)} dossiers, {moved} records moved", request
        )
    return moved


def dossier_gather(
    *,
    actor: Any,
    council: Council,
    records: Iterable[tuple[str, int]],
    request: HttpRequest | None = None,
    **given: Unpack[DossierTexts],
) -> Dossier:
    """Gather records that concern one problem (a group of the recurring-problem radar) into one
    dossier: the oldest dossier already holding one of them, every other dossier holding one
    merged into it (`dossier_merge`); or, when none holds any, a new dossier with `given`'s
    texts. Then each record it does not hold yet is added. One transaction."""
    access.ensure_secretary(actor, council, SECRETARY_ONLY)
    wanted = list(dict.fromkeys(records))
    if not wanted:
        raise DomainError(_("Choose the records to gather."))
    with transaction.atomic():
        holding = dossiers_holding(council, wanted)
        if holding:
            target = holding[0]
            dossier_merge(actor=actor, target=target, sources=holding[1:], request=request)
        else:
            target = dossier_open(actor=actor, council=council, request=request, **given)
        held = {(record.kind, record.target_id) for record in target.records.all()}
        for kind, record_id in wanted:
            if (kind, record_id) not in held:
                dossier_add_record(
                    actor=actor, dossier=target, kind=kind, record_id=record_id, request=request
                )
    return target


def dossiers_holding(council: Council, records: Iterable[tuple[str, int]]) -> list[Dossier]:
    """The council's dossiers (not merged away) that hold any of `records`, oldest first."""
    condition = Q(pk__in=[])
    for kind, record_id in records:
        if kind not in RECORD_MODELS:
            raise DomainError(_("Choose what kind of record to add."))
        condition |= Q(kind=kind, **{f"{kind}_id": record_id})
    holders = DossierRecord.objects.filter(condition).values("dossier_id")
    return list(
        Dossier.objects.filter(council=council, merged_into__isnull=True, pk__in=holders).order_by(
            "pk"
        )
    )
