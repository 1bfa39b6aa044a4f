"""Writing completeness rules: draft a new version, edit its rules, activate it, retire it.

The rules of a set that has been activated never change (a return is always explained by the
version it was made under), so every change starts with a draft copied from the set in force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.assessment.access import can_manage_rules
from kopir.assessment.models import CompletenessRule, CompletenessRuleSet, RuleSetStatus
from kopir.assessment.services.completeness import RULES
from kopir.assessment.services.icd10 import parse_ranges
from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record, audited
from kopir.core.errors import AccessDenied, ConflictError, DomainError
from kopir.core.versioned_sets import VersionedSets
from kopir.core.versioning import assign_changes, update_if_current

CONFLICT = _(
    "Someone else changed these rules after you opened them. Nothing was saved: open them again "
    "to see the current version."
)
NOT_EDITABLE = _("Only a draft can be changed. Make a new draft version to change the rules.")


@dataclass(frozen=True)
class RuleData:
    """The fields of a rule an administrator edits."""

    diagnoses: str
    requirement: str
    legal_source: str
    include_secondary: bool = False
    route: str = ""
    min_age_years: int | None = None
    max_age_years: int | None = None
    finding_kind: str = ""
    per_side: bool = False
    document_type: str = ""
    field_name: str = ""
    max_age_days: int | None = None
    label_kk: str = ""
    label_ru: str = ""
    label_en: str = ""
    position: int = 0


def _require_admin(actor: Any) -> None:
    if not can_manage_rules(actor):
        raise AccessDenied(_("Only an administrator may change the completeness rules."))


def normalise_ranges(text: str) -> str:
    """ "c00 - d09;z89" → "C00-D09, Z89"; ValidationError naming the part that is not a code."""
    try:
        ranges = parse_ranges(text)
    except ValueError as error:
        raise ValidationError(
            {
                "diagnoses": _(
                    "“%(part)s” is not an ICD-10 code or range. Write codes like H54 or ranges "
                    "like C00-D09, separated by commas."
                )
                % {"part": error.args[0]}
            }
        ) from error
    return ", ".join(r.first if r.first == r.last else f"{r.first}-{r.last}" for r in ranges)


# model, the label of its items' audit records, the messages, the audit writer
RULE_SETS = VersionedSets(CompletenessRuleSet, "rule_set", CONFLICT, NOT_EDITABLE, audit_record)


def _copy_rules(based_on: CompletenessRuleSet, rule_set: CompletenessRuleSet) -> None:
    copies = list(based_on.rules.all())
    for rule in copies:
        rule.pk = None
        rule.rule_set = rule_set
        rule.version = 1
    CompletenessRule.objects.bulk_create(copies)


def rule_set_create_draft(
    *,
    actor: Any,
    title: str,
    legal_source: str,
    based_on: CompletenessRuleSet | None = None,
    notes: str = "",
    request: Any = None,
) -> CompletenessRuleSet:
    """A new draft version, with a copy of `based_on`'s rules when given."""
    _require_admin(actor)
    rule_set: CompletenessRuleSet = RULE_SETS.create_draft(
        actor=actor,
        based_on=based_on,
        request=request,
        copy=_copy_rules,
        audited=["title", "legal_source", "notes", "rules"],
        title=title,
        legal_source=legal_source,
        notes=notes,
    )
    return rule_set


def rule_set_update(
    *,
    actor: Any,
    rule_set: CompletenessRuleSet,
    expected_version: int,
    title: str,
    legal_source: str,
    notes: str = "",
    request: Any = None,
) -> CompletenessRuleSet:
    _require_admin(actor)
    return RULE_SETS.update(
        rule_set,
        actor=actor,
        expected_version=expected_version,
        request=request,
        title=title,
        legal_source=legal_source,
        notes=notes,
    )


def rule_set_activate(
    *,
    actor: Any,
    rule_set: CompletenessRuleSet,
    expected_version: int,
    effective_from: dt.date,
    request: Any = None,
) -> CompletenessRuleSet:
    """Put a draft in force from `effective_from`. Sets that it replaces as of that date are
    retired; a set activated for a future date leaves the current one in force until then."""
    _require_admin(actor)
    replaced = CompletenessRuleSet.objects.none()
    if effective_from <= timezone.localdate():
        replaced = CompletenessRuleSet.objects.filter(
            status=RuleSetStatus.ACTIVE, effective_from__lte=effective_from
        ).exclude(pk=rule_set.pk)
    activated = RULE_SETS.activate(
        rule_set,
        actor=actor,
        expected_version=expected_version,
        request=request,
        effective_from=effective_from,
        replaced=replaced,
        has_items=rule_set.rules.exists,
        empty=_("Add at least one rule before activating the set."),
    )
    # Every process reads the rules in force again once this is committed.
    RULES.changed()
    return activated


def rule_set_retire(
    *, actor: Any, rule_set: CompletenessRuleSet, expected_version: int, request: Any = None
) -> CompletenessRuleSet:
    _require_admin(actor)
    if rule_set.status != RuleSetStatus.ACTIVE:
        raise DomainError(_("Only an active set can be retired."))
    retired = RULE_SETS.retire(
        rule_set, actor=actor, expected_version=expected_version, request=request
    )
    RULES.changed()
    return retired


def rule_save(
    *,
    actor: Any,
    rule_set: CompletenessRuleSet,
    data: RuleData,
    rule: CompletenessRule | None = None,
    expected_version: int | None = None,
    request: Any = None,
) -> CompletenessRule:
    """Add a rule to a draft set, or change one of its rules (`rule` and `expected_version`)."""
    _require_admin(actor)
    RULE_SETS.require_draft(rule_set)
    values = {item.name: getattr(data, item.name) for item in fields(data)}
    for name in ("diagnoses", "legal_source", "label_kk", "label_ru", "label_en"):
        values[name] = values[name].strip()
    values["diagnoses"] = normalise_ranges(values["diagnoses"])
    target = rule or CompletenessRule(rule_set=rule_set)
    if rule is not None and rule.rule_set_id != rule_set.pk:
        raise DomainError(_("This rule belongs to another set."))
    changed = assign_changes(target, values)
    target.full_clean()
    with transaction.atomic():
        if rule is None:
            target.save()
            action = AuditAction.CREATE
        else:
            if expected_version is None:
                raise ConflictError(CONFLICT)
            update_if_current(target, expected_version, CONFLICT, **values)
            action = AuditAction.UPDATE
        audited(
            target,
            action,
            changed,
            actor=actor,
            request=request,
            detail=f"rule_set={rule_set.number}",
        )
    return target


def rule_delete(*, actor: Any, rule: CompletenessRule, request: Any = None) -> None:
    _require_admin(actor)
    RULE_SETS.require_draft(rule.rule_set)
    with transaction.atomic():
        audited(
            rule,
            AuditAction.DELETE,
            actor=actor,
            request=request,
            detail=f"rule_set={rule.rule_set.number}",
        )
        rule.delete()
