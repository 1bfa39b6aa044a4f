"""Versioned reference data: a set of rules kept as numbered versions (assessment's completeness
rules, rehabilitation's measure catalogue). A new version is a draft copied from the one before;
a draft is edited as a whole under one optimistic `version` (`core/versioning.py`), then
activated (the sets it replaces are retired in the same transaction) or retired. An activated
set never changes, so a record made under it is always explained by it.

The model has `number`, `status` ("draft", "active", "retired"), `based_on`, `created_by`,
`effective_from`, `activated_at`, `retired_at`, `version` and an `is_editable` property. Each app
keeps its own checks and what a set holds; this is the shape they share. Core imports no app, so
the app passes its audit writer (`audit_record`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.core.actors import signed_in_user
from kopir.core.errors import ConflictError, DomainError
from kopir.core.selectors import next_order
from kopir.core.versioning import assign_changes, update_if_current

DRAFT, ACTIVE, RETIRED = "draft", "active", "retired"


@dataclass(frozen=True)
class VersionedSets:
    """The versions of one kind of rule set, and the writes every kind shares."""

    model: type[models.Model]
    label: str  # names the set in its items' audit records: "catalogue=3"
    conflict: Any  # the message of a lost edit race
    not_editable: Any  # the message for a change to a set that is no longer a draft
    audit: Callable[..., object]  # the audit log's writer, `audit_record`

    def _audited(
        self, target: Any, *, actor: Any, request: Any, detail: str = "", **options: Any
    ) -> None:
        """The audit record of a change; `options`: the action (a change by default), fields."""
        self.audit(
            actor=actor,
            action=options.get("action", "update"),
            target=target,
            request=request,
            fields=list(options.get("fields", ["status"])),
            detail=detail,
        )

    def require_draft(self, record: Any) -> None:
        if not record.is_editable:
            raise DomainError(self.not_editable)

    def bump(self, record: Any, expected_version: int | None, **values: Any) -> None:
        """Save `values` and the next version if `expected_version` is still stored (a change
        to the set or to one of its items); a stale or missing version is a conflict."""
        if expected_version is None:
            raise ConflictError(self.conflict)
        update_if_current(record, expected_version, self.conflict, **values)

    def create_draft(
        self,
        *,
        actor: Any,
        based_on: Any,
        request: Any,
        copy: Callable[[Any, Any], object],
        audited: Sequence[str],
        **values: Any,
    ) -> Any:
        """A new draft numbered after the last version, with `values` (texts stripped); when it
        is `based_on` a set, `copy(based_on, draft)` copies what that set holds."""
        with transaction.atomic():
            record = self.model(
                number=next_order(self.model._default_manager.all(), field="number"),
                **_stripped(values),
                based_on=based_on,
                created_by=signed_in_user(actor),
            )
            record.full_clean()
            record.save()
            if based_on is not None:
                copy(based_on, record)
            detail = f"based_on={based_on.number}" if based_on else ""
            self._audited(
                record, actor=actor, request=request, detail=detail, action="create", fields=audited
            )
        return record

    def update(
        self, record: Any, *, actor: Any, expected_version: int, request: Any, **values: Any
    ) -> Any:
        """Change a draft's own fields (its texts); the audit record names those that changed."""
        self.require_draft(record)
        values = _stripped(values)
        self.model(number=record.number, **values).full_clean(exclude=["number"])
        with transaction.atomic():
            changed = [name for name, value in values.items() if getattr(record, name) != value]
            self.bump(record, expected_version, **values)
            self.audit(actor=actor, action="update", target=record, request=request, fields=changed)
        return record

    def activate(
        self,
        record: Any,
        *,
        actor: Any,
        expected_version: int,
        request: Any,
        effective_from: dt.date,
        replaced: Iterable[Any],
        has_items: Callable[[], bool],
        empty: Any,
    ) -> Any:
        """Put a draft in force from `effective_from`, retiring the sets it `replaced` (locked,
        each with its own audit record and the next version) first, so that a rule such as
        "exactly one is active" holds at every statement. A set with no items (`has_items`)
        is refused with `empty`.

        `effective_from` is today or later: records made before today were made under the sets
        then in force, and a set put in force in the past would claim them (or, older than the set
        in force, be superseded the moment it is activated and never used)."""
        if record.status != DRAFT:
            raise DomainError(_("Only a draft can be activated."))
        if effective_from < timezone.localdate():
            raise ValidationError(
                {
                    "effective_from": _(
                        "The rules cannot come into force on a past day: what was checked "
                        "before today was checked under the rules then in force. Choose today "
                        "or a later day."
                    )
                }
            )
        if not has_items():
            raise DomainError(empty)
        now = timezone.now()
        with transaction.atomic():
            for old in replaced:
                self.model._default_manager.filter(pk=old.pk).update(
                    status=RETIRED, retired_at=now, version=F("version") + 1
                )
                old.status, old.retired_at = RETIRED, now
                detail = f"replaced_by={record.number}"
                self._audited(old, actor=actor, request=request, detail=detail)
            self.bump(
                record,
                expected_version,
                status=ACTIVE,
                effective_from=effective_from,
                activated_at=now,
            )
            self._audited(
                record,
                actor=actor,
                request=request,
                detail="activated",
                fields=["status", "effective_from"],
            )
        return record

    def retire(self, record: Any, *, actor: Any, expected_version: int, request: Any) -> Any:
        """Retire a set (the app has checked which status may be retired)."""
        with transaction.atomic():
            self.bump(record, expected_version, status=RETIRED, retired_at=timezone.now())
            self._audited(record, actor=actor, request=request, detail="retired")
        return record

    def save_item(
        self,
        record: Any,
        item: models.Model,
        values: Mapping[str, Any],
        *,
        actor: Any,
        expected_version: int | None,
        created: bool,
        request: Any,
        audited_as: Mapping[str, str] | None = None,
    ) -> None:
        """Set `values` (checked already) on an item of a draft, validate it, save it and bump
        the draft's version; the audit record names the fields that changed (`audited_as`
        renames some)."""
        renamed = audited_as or {}
        changed = [renamed.get(name, name) for name in assign_changes(item, values)]
        item.full_clean()
        with transaction.atomic():
            self.bump(record, expected_version)
            item.save()
            self._audited(
                item,
                actor=actor,
                request=request,
                detail=f"{self.label}={record.number}",
                action="create" if created else "update",
                fields=changed,
            )

    def delete_item(
        self,
        record: Any,
        item: models.Model,
        *,
        actor: Any,
        expected_version: int | None,
        request: Any,
    ) -> None:
        """Remove an item from a draft and bump the draft's version."""
        self.require_draft(record)
        with transaction.atomic():
            self.bump(record, expected_version)
            detail = f"{self.label}={record.number}"
            self._audited(
                item, actor=actor, request=request, detail=detail, action="delete", fields=()
            )
            item.delete()


def _stripped(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value.strip() if isinstance(value, str) else value for name, value in values.items()
    }
