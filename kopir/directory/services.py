"""Writes to the directory: territories from reference files, organisations by administrators.

Every function here is the only way its records change; each runs in one transaction and writes its
audit record inside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audited, save_audited
from kopir.core.errors import ConflictError
from kopir.core.versioning import assign_changes, update_if_current
from kopir.directory.models import Organisation, ReferenceDataSource, Territory
from kopir.directory.reference import (
    ReferenceFileError,
    SourceInfo,
    TerritoryFile,
    TerritoryRow,
    read_territory_file,
)

# --- Territories ---------------------------------------------------------------------------------

TERRITORY_FIELDS = ("level", "name_kk", "name_ru", "name_en", "code_status")


@dataclass
class TerritoryLoadReport:
    source: ReferenceDataSource
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_fields: set[str] = field(default_factory=set)

    def __str__(self) -> str:
        return (
            f"{self.source.code} {self.source.version}: {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )


def _source_sync(info: SourceInfo) -> tuple[ReferenceDataSource, bool, list[str]]:
    values = {
        "title": info.title,
        "version": info.version,
        "published": info.published,
        "notes": info.notes,
    }
    source = ReferenceDataSource.objects.filter(code=info.code).first()
    if source is None:
        source = ReferenceDataSource(code=info.code, **values)
        source.full_clean()
        source.save()
        return source, True, sorted(values)
    changed = assign_changes(source, values)
    if changed:
        source.full_clean()
        source.save(update_fields=changed)
    return source, False, changed


def _parents_first(rows: list[TerritoryRow]) -> list[TerritoryRow]:
    """Order rows so a parent in the file is written before its children (the file may not be)."""
    by_code = {row.kato: row for row in rows}
    ordered: list[TerritoryRow] = []
    placed: set[str] = set()

    def place(row: TerritoryRow) -> None:
        # The file was checked for cycles, so this recursion ends; depth is the KATO depth (< 6).
        if row.kato in placed:
            return
        if row.parent in by_code:
            place(by_code[row.parent])
        placed.add(row.kato)
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered


def territories_load(
    *,
    territory_file: TerritoryFile,
    actor: Any = None,
    channel: AuditChannel | str = AuditChannel.COMMAND,
    request: HttpRequest | None = None,
) -> TerritoryLoadReport:
    """Create or update the territories of a checked file, and record its source. Idempotent.

    A row is written only when something in it differs, so loading the same file twice changes
    nothing and writes no audit record. All rows are written, or none. Territories missing from
    the file are left alone: organisations and persons refer to them, and a unit that KATO retires
    still has to be shown for the records made while it existed.
    """
    rows = _parents_first(territory_file.rows)
    codes_in_file = {row.kato for row in rows}
    outside_parents = {row.parent for row in rows if row.parent and row.parent not in codes_in_file}
    with transaction.atomic():
        existing = {
            territory.kato: territory
            for territory in Territory.objects.filter(kato__in=codes_in_file | outside_parents)
        }
        missing = [
            _("Row %(row)s, field “parent”: No territory with the code %(code)s exists.")
            % {"row": row.number, "code": row.parent}
            for row in rows
            if row.parent in outside_parents and row.parent not in existing
        ]
        if missing:
            raise ReferenceFileError([str(message) for message in missing])

        source, source_created, source_changes = _source_sync(territory_file.source)
        report = TerritoryLoadReport(source=source)
        for row in rows:
            parent = existing[row.parent] if row.parent else None
            desired: dict[str, Any] = {name: getattr(row, name) for name in TERRITORY_FIELDS}
            desired["parent_id"] = parent.pk if parent else None
            desired["source_id"] = source.pk
            territory = existing.get(row.kato)
            if territory is None:
                territory = Territory(kato=row.kato, **desired)
                # Codes were checked for duplicates in the file and looked up above.
                territory.full_clean(validate_unique=False, exclude=["parent", "source"])
                territory.save()
                existing[row.kato] = territory
                report.created += 1
                continue
            changed = assign_changes(territory, desired)
            if not changed:
                report.unchanged += 1
                continue
            territory.full_clean(validate_unique=False, exclude=["parent", "source"])
            territory.save(update_fields=changed)
            report.updated += 1
            report.changed_fields.update(name.removesuffix("_id") for name in changed)

        if report.created or report.updated or source_created or source_changes:
            audited(
                source,
                AuditAction.CREATE if source_created else AuditAction.UPDATE,
                sorted(report.changed_fields | set(source_changes)),
                actor=actor,
                request=request,
                channel=channel,
                detail=f"territories: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged",
            )
    return report


def territories_load_file(
    *,
    path: Path,
    actor: Any = None,
    channel: AuditChannel | str = AuditChannel.COMMAND,
) -> TerritoryLoadReport:
    """Read, check and load a territory file (see kopir.directory.reference for its format)."""
    return territories_load(territory_file=read_territory_file(path), actor=actor, channel=channel)


# --- Organisations -------------------------------------------------------------------------------

ORGANISATION_CONFLICT = _(
    "Someone else saved this organisation after you opened it, so your changes were not saved."
)

ORGANISATION_FIELDS = (
    "code",
    *Organisation.NAME_FIELDS,
    "kind",
    "bin",
    "territory",
    "parent",
    "address",
    "email",
    "phone",
    "contact_name",
    "contact_position",
    "notice_language",
    "is_active",
)


class OrganisationData(TypedDict, total=False):
    """An organisation's fields that its services write (`ORGANISATION_FIELDS`)."""

    code: str
    name_kk: str
    name_ru: str
    name_en: str
    short_name_kk: str
    short_name_ru: str
    short_name_en: str
    kind: str
    bin: str
    territory: Territory
    parent: Organisation | None
    address: str
    email: str
    phone: str
    contact_name: str
    contact_position: str
    notice_language: str
    is_active: bool


# How far up a chain of parents the cycle check walks before it gives up: far deeper than any
# real hierarchy (ministry → committee → department → division), and it stops a corrupt loop.
MAX_HIERARCHY_DEPTH = 50


def _check_fields(data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(ORGANISATION_FIELDS)
    if unknown:
        # A programming error, not a user's: say which names were wrong.
        raise TypeError(f"not organisation fields: {', '.join(sorted(unknown))}")


def _check_parent(organisation: Organisation) -> None:
    """Refuse a parent that is the organisation itself or one of its own units (a cycle)."""
    parent_id = organisation.parent_id
    if parent_id is None or organisation.pk is None:
        return
    if parent_id == organisation.pk:
        raise ValidationError(
            {
                "parent": ValidationError(
                    _("An organisation cannot be its own parent."), code="parent_self"
                )
            }
        )
    current: int = parent_id
    for _step in range(MAX_HIERARCHY_DEPTH):
        above = Organisation.objects.filter(pk=current).values_list("parent_id", flat=True).first()
        if above is None:
            return
        if above == organisation.pk:
            raise ValidationError(
                {
                    "parent": ValidationError(
                        _(
                            "This organisation is above the chosen parent in the hierarchy: "
                            "choosing it would make a loop."
                        ),
                        code="parent_cycle",
                    )
                }
            )
        current = above
    raise ValidationError(
        {
            "parent": ValidationError(
                _("The chain of parent organisations is too deep or loops."), code="parent_depth"
            )
        }
    )


def organisation_changes(organisation: Organisation, data: Mapping[str, Any]) -> list[str]:
    """The names of the fields whose value in `data` differs from the organisation's."""
    _check_fields(data)
    changed = []
    for name, value in data.items():
        if name in ("territory", "parent"):
            current_id = getattr(organisation, f"{name}_id")
            new_id = value.pk if isinstance(value, Organisation | Territory) else value
            if current_id != new_id:
                changed.append(name)
        elif getattr(organisation, name) != value:
            changed.append(name)
    return changed


def organisation_create(
    *,
    actor: Any,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
    **data: Unpack[OrganisationData],
) -> Organisation:
    _check_fields(data)
    with transaction.atomic():
        organisation = Organisation(**data)
        organisation.search_text = organisation.compute_search_text()
        save_audited(
            organisation,
            AuditAction.CREATE,
            [name for name, value in data.items() if value not in (None, "")],
            actor=actor,
            request=request,
            channel=channel,
        )
    return organisation


def organisation_update(
    *,
    actor: Any,
    organisation: Organisation,
    expected_version: int,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
    **data: Unpack[OrganisationData],
) -> Organisation:
    """Apply `data` if nobody saved the organisation since it was read at `expected_version`.

    Returns the organisation as saved, read afresh (`organisation` itself is left as it was);
    its version is still `expected_version` when nothing in `data` differed (nothing was
    written). Raises ConflictError, writing nothing, when the version moved.
    """
    _check_fields(data)
    with transaction.atomic():
        # The row lock (PostgreSQL) or the IMMEDIATE write lock (SQLite) keeps the version from
        # moving between this read and the update below.
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.version != expected_version:
            raise ConflictError(ORGANISATION_CONFLICT)
        changed = organisation_changes(organisation, data)
        if not changed:
            return organisation
        for name in changed:
            setattr(organisation, name, data[name])  # type: ignore[literal-required]
        organisation.search_text = organisation.compute_search_text()
        organisation.full_clean()
        _check_parent(organisation)
        attnames = [Organisation._meta.get_field(name).attname for name in changed]  # type: ignore[union-attr]
        values = {attname: getattr(organisation, attname) for attname in attnames}
        update_if_current(
            organisation,
            expected_version,
            ORGANISATION_CONFLICT,
            **values,
            **organisation.compute_sort_names(changed),
            search_text=organisation.search_text,
        )
        audited(
            organisation, AuditAction.UPDATE, changed, actor=actor, request=request, channel=channel
        )
    return organisation


def organisation_sync(
    *,
    code: str,
    data: Mapping[str, Any],
    actor: Any = None,
    channel: AuditChannel | str = AuditChannel.COMMAND,
) -> tuple[Organisation, str]:
    """Make the organisation with `code` match `data` (reference data, the demo).

    Returns the organisation and what happened: "created", "updated" or "unchanged".
    """
    existing = Organisation.objects.filter(code=code).first()
    if existing is None:
        created = organisation_create(actor=actor, channel=channel, code=code, **data)
        return created, "created"
    organisation = organisation_update(
        actor=actor,
        organisation=existing,
        expected_version=existing.version,
        channel=channel,
        **data,
    )
    return organisation, "updated" if organisation.version != existing.version else "unchanged"
