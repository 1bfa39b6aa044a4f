"""Writing the measure catalogue: copy the active catalogue into a draft, edit the draft's
measures and suggestion rules, activate it (exactly one catalogue is active: activating retires
the one before), discard a draft by retiring it. Routing rules are edited outside the versions
(they follow the organisations, not the law).

Like the completeness rules (`assessment/services/rules.py`), an activated version never changes:
a programme keeps pointing at the catalogue it was drafted from. A draft is edited as a whole
under one optimistic `version`: every change to it or to its measures and rules names the version
it was read at and bumps it (`core/versioning.py`), so two administrators never overwrite each
other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.assessment.services.rules import normalise_ranges
from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record, audited, save_audited
from kopir.core.errors import AccessDenied, DomainError
from kopir.core.versioned_sets import VersionedSets
from kopir.core.versioning import assign_changes
from kopir.directory.models import Organisation, Territory
from kopir.rehabilitation.access import can_manage_catalogue
from kopir.rehabilitation.models import (
    CatalogueStatus,
    EvidenceItem,
    MeasureCatalogue,
    MeasureType,
    RoutingRule,
    SuggestionRule,
)

CONFLICT = _(
    "Someone else changed this catalogue version after you opened it. Nothing was saved: open it "
    "again to see the current version."
)
NOT_EDITABLE = _("Only a draft can be changed. Make a new draft version to change the catalogue.")


def _require_admin(actor: Any) -> None:
    if not can_manage_catalogue(actor):
        raise AccessDenied(_("Only an administrator may change the measure catalogue."))


def active_catalogue() -> MeasureCatalogue | None:
    return MeasureCatalogue.objects.filter(status=CatalogueStatus.ACTIVE).first()


# model, the label of its items' audit records, the messages, the audit writer
CATALOGUES = VersionedSets(MeasureCatalogue, "catalogue", CONFLICT, NOT_EDITABLE, audit_record)


# --- Versions ------------------------------------------------------------------------------------


TRANSLATED_TEXTS = ("title", "legal_source", "notes")


def _translations(given: dict[str, str]) -> dict[str, str]:
    """The Kazakh and Russian texts of a catalogue version, stripped; nothing else is accepted."""
    allowed = {f"{name}_{lang}" for name in TRANSLATED_TEXTS for lang in ("kk", "ru")}
    unknown = set(given) - allowed
    if unknown:
        raise TypeError(f"unexpected arguments: {sorted(unknown)}")
    return {name: (given.get(name) or "").strip() for name in sorted(allowed) if name in given}


def _copy_measures_and_rules(based_on: MeasureCatalogue, catalogue: MeasureCatalogue) -> None:
    copies: dict[int, MeasureType] = {}
    for measure in based_on.measure_types.all():
        old_pk = measure.pk
        measure.pk = None
        measure.catalogue = catalogue
        measure.save()
        copies[old_pk] = measure
    rules = list(based_on.suggestion_rules.all())
    for rule in rules:
        rule.pk = None
        rule.catalogue = catalogue
        rule.measure_type = copies[rule.measure_type_id]
    SuggestionRule.objects.bulk_create(rules)


def catalogue_create_draft(
    *,
    actor: Any,
    title: str,
    legal_source: str,
    based_on: MeasureCatalogue | None = None,
    notes: str = "",
    request: Any = None,
    **translations: str,
) -> MeasureCatalogue:
    """A new draft version with a copy of `based_on`'s measures and suggestion rules.
    `translations`: the texts in Kazakh and Russian (title_kk, legal_source_ru, notes_kk...)."""
    _require_admin(actor)
    catalogue: MeasureCatalogue = CATALOGUES.create_draft(
        actor=actor,
        based_on=based_on,
        request=request,
        copy=_copy_measures_and_rules,
        audited=["title", "legal_source", "notes", "measure_types", "suggestion_rules"],
        title=title,
        legal_source=legal_source,
        notes=notes,
        **_translations(translations),
    )
    return catalogue


def catalogue_update(
    *,
    actor: Any,
    catalogue: MeasureCatalogue,
    expected_version: int,
    title: str,
    legal_source: str,
    notes: str = "",
    request: Any = None,
    **translations: str,
) -> MeasureCatalogue:
    _require_admin(actor)
    texts = {"title": title, "legal_source": legal_source, "notes": notes}
    return CATALOGUES.update(
        catalogue,
        actor=actor,
        expected_version=expected_version,
        request=request,
        **texts,
        **_translations(translations),
    )


def catalogue_activate(
    *, actor: Any, catalogue: MeasureCatalogue, expected_version: int, request: Any = None
) -> MeasureCatalogue:
    """Put a draft in force today; the catalogue active until now is retired in the same
    transaction, so exactly one is active (a database constraint holds it too)."""
    _require_admin(actor)
    return CATALOGUES.activate(
        catalogue,
        actor=actor,
        expected_version=expected_version,
        request=request,
        effective_from=timezone.localdate(),
        replaced=MeasureCatalogue.objects.select_for_update().filter(status=CatalogueStatus.ACTIVE),
        has_items=catalogue.measure_types.exists,
        empty=_("Add at least one measure before activating the catalogue."),
    )


def catalogue_retire(
    *, actor: Any, catalogue: MeasureCatalogue, expected_version: int, request: Any = None
) -> MeasureCatalogue:
    """Discard a draft. The active catalogue is not retired by hand: activating its successor
    retires it, so programmes can always be drafted from exactly one active catalogue."""
    _require_admin(actor)
    if catalogue.status == CatalogueStatus.ACTIVE:
        raise DomainError(
            _("The active catalogue is retired by activating the version that replaces it.")
        )
    if catalogue.status != CatalogueStatus.DRAFT:
        raise DomainError(_("This catalogue version is already retired."))
    return CATALOGUES.retire(
        catalogue, actor=actor, expected_version=expected_version, request=request
    )


# --- Measures of a draft -------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureTypeData:
    """Every field of a measure an administrator edits."""

    code: str
    name_kk: str
    name_ru: str
    name_en: str
    part: str
    executor_kind: str
    channel: str
    deadline_working_days: int
    unit: str = "none"
    default_quantity: Decimal | None = None
    max_quantity: Decimal | None = None
    replacement_months: int | None = None
    evidence_required: tuple[str, ...] = ()
    legal_source: str = ""
    legal_source_kk: str = ""
    legal_source_ru: str = ""
    is_assumption: bool = False
    position: int = 0


def _measure_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    default, greatest = values["default_quantity"], values["max_quantity"]
    if values["unit"] == "none":
        for name in ("default_quantity", "max_quantity"):
            if values[name] is not None:
                errors[name] = [str(_("Leave it empty: this measure has no quantity."))]
    elif default is not None and greatest is not None and default > greatest:
        errors["default_quantity"] = [
            str(_("The usual quantity cannot be greater than the greatest quantity."))
        ]
    unknown = [item for item in values["evidence_required"] if item not in EvidenceItem.values]
    if unknown:
        errors["evidence_required"] = [str(_("Choose the evidence from the list."))]
    if values["deadline_working_days"] is not None and values["deadline_working_days"] < 1:
        errors["deadline_working_days"] = [str(_("The deadline is at least one working day."))]
    return errors


def _save_draft_item(
    actor: Any,
    catalogue: MeasureCatalogue,
    item: MeasureType | SuggestionRule | None,
    data: Any,
    *,
    new: Callable[[], MeasureType | SuggestionRule],
    elsewhere: Any,
    listed: tuple[str, ...],
    errors_of: Callable[[dict[str, Any]], dict[str, list[str]]],
    expected_version: int | None,
    request: Any,
    audited_as: dict[str, str] | None = None,
) -> Any:
    """Add an item (`new()`) to a draft or change one of its items, from its service data
    (texts stripped, the choices in `listed` as lists), once the actor may change the draft and
    the item is the draft's; `errors_of` the values (which it may normalise) refuses it, each
    problem at its field."""
    _require_admin(actor)
    CATALOGUES.require_draft(catalogue)
    if item is not None and item.catalogue_id != catalogue.pk:
        raise DomainError(elsewhere)
    values = {field.name: getattr(data, field.name) for field in fields(data)}
    for name, value in values.items():
        if isinstance(value, str):
            values[name] = value.strip()
    values.update({name: list(values[name]) for name in listed})
    errors = errors_of(values)
    if errors:
        raise ValidationError(errors)
    target = item or new()
    CATALOGUES.save_item(
        catalogue,
        target,
        values,
        actor=actor,
        expected_version=expected_version,
        created=item is None,
        request=request,
        audited_as=audited_as,
    )
    return target


def measure_type_save(
    *,
    actor: Any,
    catalogue: MeasureCatalogue,
    expected_version: int | None,
    data: MeasureTypeData,
    measure_type: MeasureType | None = None,
    request: Any = None,
) -> MeasureType:
    """Add a measure to a draft, or change one of its measures; bumps the draft's version."""
    saved: MeasureType = _save_draft_item(
        actor,
        catalogue,
        measure_type,
        data,
        new=lambda: MeasureType(catalogue=catalogue),
        elsewhere=_("This measure belongs to another catalogue version."),
        listed=("evidence_required",),
        errors_of=_measure_errors,
        expected_version=expected_version,
        request=request,
    )
    return saved


def measure_type_delete(
    *,
    actor: Any,
    measure_type: MeasureType,
    expected_version: int | None,
    request: Any = None,
) -> None:
    """Remove a measure (and the rules that suggest it) from a draft."""
    _require_admin(actor)
    CATALOGUES.delete_item(
        measure_type.catalogue,
        measure_type,
        actor=actor,
        expected_version=expected_version,
        request=request,
    )


# --- Suggestion rules of a draft -----------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionRuleData:
    measure_type: MeasureType
    diagnoses: str = ""
    limitation: str = ""
    min_degree: int | None = None
    min_age: int | None = None
    max_age: int | None = None
    categories: tuple[str, ...] = ()
    quantity: Decimal | None = None
    reason: str = ""
    reason_kk: str = ""
    reason_ru: str = ""
    position: int = 0


def suggestion_rule_save(
    *,
    actor: Any,
    catalogue: MeasureCatalogue,
    expected_version: int | None,
    data: SuggestionRuleData,
    rule: SuggestionRule | None = None,
    request: Any = None,
) -> SuggestionRule:
    def errors_of(values: dict[str, Any]) -> dict[str, list[str]]:
        if data.measure_type.catalogue_id != catalogue.pk:
            raise ValidationError(
                {"measure_type": _("Choose a measure of this catalogue version.")}
            )
        values["diagnoses"] = normalise_ranges(values["diagnoses"])
        errors: dict[str, list[str]] = {}
        if values["min_degree"] is not None and not values["limitation"]:
            errors["min_degree"] = [str(_("Choose the limitation the degree is of."))]
        if (
            values["min_age"] is not None
            and values["max_age"] is not None
            and values["min_age"] > values["max_age"]
        ):
            errors["max_age"] = [str(_("“Up to age” cannot be less than “from age”."))]
        greatest = data.measure_type.max_quantity
        quantity = values["quantity"]
        if quantity is not None and greatest is not None and quantity > greatest:
            errors["quantity"] = [
                str(_("The catalogue allows at most %(max)s for this measure.") % {"max": greatest})
            ]
        return errors

    saved: SuggestionRule = _save_draft_item(
        actor,
        catalogue,
        rule,
        data,
        new=lambda: SuggestionRule(catalogue=catalogue),
        elsewhere=_("This rule belongs to another catalogue version."),
        listed=("categories",),
        errors_of=errors_of,
        expected_version=expected_version,
        request=request,
        audited_as={"measure_type": "measure_type_id"},
    )
    return saved


def suggestion_rule_delete(
    *, actor: Any, rule: SuggestionRule, expected_version: int | None, request: Any = None
) -> None:
    _require_admin(actor)
    CATALOGUES.delete_item(
        rule.catalogue, rule, actor=actor, expected_version=expected_version, request=request
    )


# --- Routing rules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoutingRuleData:
    executor_kind: str
    territory: Territory
    organisation: Organisation
    measure_code: str = ""


def routing_rule_save(
    *,
    actor: Any,
    data: RoutingRuleData,
    rule: RoutingRule | None = None,
    request: Any = None,
) -> RoutingRule:
    """Add or change a routing rule. The organisation must be of the kind the rule is for, and a
    measure code must name a measure of that kind in some catalogue version."""
    _require_admin(actor)
    code = data.measure_code.strip()
    errors: dict[str, list[str]] = {}
    if data.organisation.kind != data.executor_kind:
        errors["organisation"] = [str(_("Choose an organisation of the kind the rule is for."))]
    if (
        code
        and not MeasureType.objects.filter(code=code, executor_kind=data.executor_kind).exists()
    ):
        errors["measure_code"] = [
            str(_("No measure with this code is executed by this kind of organisation."))
        ]
    if errors:
        raise ValidationError(errors)
    target = rule or RoutingRule()
    values = {
        "measure_code": code,
        "executor_kind": data.executor_kind,
        "territory": data.territory,
        "organisation": data.organisation,
    }
    changed = assign_changes(target, values)
    with transaction.atomic():
        action = AuditAction.UPDATE if rule else AuditAction.CREATE
        save_audited(target, action, changed, actor=actor, request=request)
    return target


def routing_rule_delete(*, actor: Any, rule: RoutingRule, request: Any = None) -> None:
    _require_admin(actor)
    with transaction.atomic():
        audited(rule, AuditAction.DELETE, actor=actor, request=request)
        rule.delete()
