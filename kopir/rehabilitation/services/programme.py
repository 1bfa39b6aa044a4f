"""The IRP: drafted when a decision establishes disability, edited and approved by the MSE
division, and a new version for every later decision (changed on appeal, or a re-examination).

- A decision that establishes disability (assessment's `decision_recorded` signal, in the
  decision's transaction) gives the case's programme a draft version: a first draft holds the
  lines the active catalogue's suggestion rules propose; a later one is a copy of the approved
  version. Its term (valid from / until) follows the decision.
- The draft's lines are edited by the division (measure, quantity within the catalogue's greatest
  quantity, details for the executing organisation) under the version's optimistic `version`.
- Approving stores what changed against the version before (added / removed / changed) and routes
  the lines (`services/programme_routing.py`). An approved version never changes: these services
  refuse, and so does the model's save().

docs/domain/rehabilitation.md §1–§2 (the IRP follows the MSE decision; its parts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.assessment.age_bands import age_in_years
from kopir.assessment.models import Decision, Outcome
from kopir.assessment.services.icd10 import codes_match, parse_ranges
from kopir.audit.models import AuditAction
from kopir.audit.services import audited, save_audited
from kopir.core.errors import AccessDenied, DomainError
from kopir.core.numbering import next_number
from kopir.core.selectors import next_order
from kopir.core.versioning import assign_changes, update_if_current
from kopir.rehabilitation.access import is_programme_user
from kopir.rehabilitation.models import (
    MeasureCatalogue,
    MeasureType,
    Programme,
    ProgrammeLine,
    ProgrammeVersion,
    ProgrammeVersionStatus,
    QuantityUnit,
    SuggestionRule,
)
from kopir.rehabilitation.services.catalogue import active_catalogue
from kopir.rehabilitation.services.ending import programme_end_on_decision

V = ProgrammeVersionStatus
CONFLICT = _(
    "Someone else changed this programme after you opened it. Nothing was saved: open it again "
    "to see the current version."
)
NOT_EDITABLE = _("Only a draft can be changed: an approved programme version never changes.")


# --- Suggestions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """What the suggestion rules look at, read from the MSE case and its decision."""

    codes: tuple[str, ...]  # main and further diagnoses (ICD-10)
    limitations: dict[str, int]  # LifeLimitation category → degree
    age: int  # completed years on the day of the decision
    category: str


def decision_date(decision: Decision) -> dt.date:
    return timezone.localdate(decision.decided_at) if decision.decided_at else timezone.localdate()


def case_facts(decision: Decision) -> CaseFacts:
    referral = decision.referral
    codes = [referral.primary_diagnosis.code]
    codes += list(referral.secondary_diagnoses.values_list("code__code", flat=True))
    limitations = dict(referral.limitations.values_list("category", "degree"))
    return CaseFacts(
        codes=tuple(str(code) for code in codes),
        limitations=limitations,
        age=age_in_years(referral.person.birth_date, decision_date(decision)),
        category=decision.category_code,
    )


def rule_applies(rule: SuggestionRule, facts: CaseFacts) -> bool:
    """Every condition the rule sets must hold; an empty condition holds for everyone."""
    if rule.diagnoses and not codes_match(facts.codes, parse_ranges(rule.diagnoses)):
        return False
    if rule.limitation:
        degree = facts.limitations.get(rule.limitation)
        if degree is None or (rule.min_degree is not None and degree < rule.min_degree):
            return False
    if rule.min_age is not None and facts.age < rule.min_age:
        return False
    if rule.max_age is not None and facts.age > rule.max_age:
        return False
    return not rule.categories or facts.category in rule.categories


@dataclass(frozen=True)
class Suggestion:
    measure_type: MeasureType
    quantity: Decimal | None
    rule: SuggestionRule


def suggestions_for(facts: CaseFacts, catalogue: MeasureCatalogue) -> list[Suggestion]:
    """One suggestion per measure: the first rule (by order) that applies suggests it."""
    found: dict[int, Suggestion] = {}
    rules = catalogue.suggestion_rules.select_related("measure_type").order_by("position", "id")
    for rule in rules:
        if rule.measure_type_id in found or not rule_applies(rule, facts):
            continue
        quantity = (
            rule.quantity if rule.quantity is not None else rule.measure_type.default_quantity
        )
        found[rule.measure_type_id] = Suggestion(rule.measure_type, quantity, rule)
    return sorted(found.values(), key=lambda s: (s.measure_type.position, s.measure_type.code))


# --- Drafting on a decision ----------------------------------------------------------------------


def _programme_for(decision: Decision) -> Programme | None:
    """The case's programme; for a re-examination (a new case of the same person), the person's
    programme that has an approved version: the new decision makes its next version."""
    referral = decision.referral
    own = Programme.objects.filter(referral=referral).first()
    if own is not None:
        return own
    return (
        Programme.objects.filter(person_id=referral.person_id, versions__status=V.APPROVED)
        .order_by("-created_at")
        .first()
    )


def _new_programme(decision: Decision) -> Programme:
    referral = decision.referral
    year = decision_date(decision).year
    programme = Programme(
        person_id=referral.person_id,
        referral=referral,
        # The case's division, even when the higher body changed the decision on appeal.
        division_id=referral.mse_division_id,
        number=f"IRP-{year}-{next_number('rehabilitation.programme', year):06d}",
    )
    programme.full_clean()
    programme.save()
    return programme


def programme_draft_on_decision(
    *, decision: Decision, actor: Any, request: Any = None
) -> ProgrammeVersion | None:
    """The draft version that follows `decision`, inside the decision's transaction.

    None when the decision does not establish disability or no catalogue is active (the division
    drafts nothing then; an administrator activates a catalogue). A draft already open follows
    the new decision (its term and decision), keeping the lines the division has edited.
    """
    if decision.outcome != Outcome.ESTABLISHED:
        return None
    catalogue = active_catalogue()
    if catalogue is None:
        return None
    valid_from = decision_date(decision)
    programme = _programme_for(decision)
    if programme is None:
        programme = _new_programme(decision)
    elif programme.division_id != decision.referral.mse_division_id:
        # A re-examination by another division: the programme moves with the case.
        Programme.objects.filter(pk=programme.pk).update(
            division_id=decision.referral.mse_division_id
        )
    draft = programme.versions.filter(status=V.DRAFT).first()
    if draft is not None:
        update_if_current(
            draft,
            draft.version,
            CONFLICT,
            decision=decision,
            valid_from=valid_from,
            valid_until=decision.valid_until,
        )
        audited(
            draft,
            AuditAction.UPDATE,
            ["decision", "valid_from", "valid_until"],
            actor=actor,
            request=request,
        )
        return draft
    approved = programme.versions.filter(status=V.APPROVED).first()
    sequence = next_order(programme.versions.all(), field="sequence")
    draft = ProgrammeVersion(
        programme=programme,
        sequence=sequence,
        decision=decision,
        catalogue=catalogue,
        status=V.DRAFT,
        valid_from=valid_from,
        valid_until=decision.valid_until,
        drafted_by=actor,
    )
    draft.full_clean()
    draft.save()
    lines: list[ProgrammeLine] = []
    if approved is not None:
        # Prefilled from the approved version, by the measures' stable codes in today's catalogue.
        by_code = {m.code: m for m in catalogue.measure_types.all()}
        for line in approved.lines.select_related("measure_type"):
            measure_type = by_code.get(line.measure_type.code)
            if measure_type is not None:
                lines.append(
                    ProgrammeLine(
                        programme_version=draft,
                        measure_type=measure_type,
                        position=line.position,
                        quantity=line.quantity,
                        details=line.details,
                        details_ru=line.details_ru,
                        suggested_by=None,
                    )
                )
    else:
        for position, suggestion in enumerate(suggestions_for(case_facts(decision), catalogue)):
            lines.append(
                ProgrammeLine(
                    programme_version=draft,
                    measure_type=suggestion.measure_type,
                    position=(position + 1) * 10,
                    quantity=suggestion.quantity,
                    suggested_by=suggestion.rule,
                )
            )
    ProgrammeLine.objects.bulk_create(lines)
    audited(
        draft,
        AuditAction.CREATE,
        ["decision", "valid_from", "valid_until", "lines"],
        actor=actor,
        request=request,
        detail=f"programme={programme.number};sequence={sequence};lines={len(lines)}",
    )
    return draft


def on_decision_recorded(sender: Any, *, decision: Decision, actor: Any, **kwargs: Any) -> None:
    """Receiver of assessment's `decision_recorded` (connected in apps.py): a decision that
    establishes disability drafts the programme's next version; one that no longer does (changed
    on appeal, or a re-examination) ends the person's programme (`services/ending.py`)."""
    request = kwargs.get("request")
    if decision.outcome == Outcome.ESTABLISHED:
        programme_draft_on_decision(decision=decision, actor=actor, request=request)
        return
    programme = _programme_for(decision)
    if programme is not None:
        programme_end_on_decision(
            programme=programme, decision=decision, actor=actor, request=request
        )


# --- Editing a draft -----------------------------------------------------------------------------


def require_division_staff(actor: Any, programme: Programme) -> None:
    if not (is_programme_user(actor) and actor.organisation_id == programme.division_id):
        raise AccessDenied(_("Only the MSE division that issued the programme may change it."))


def _require_draft(version: ProgrammeVersion) -> None:
    if not version.is_editable:
        raise DomainError(NOT_EDITABLE)


def quantity_errors(measure_type: MeasureType, quantity: Decimal | None) -> list[str]:
    """The quantity checked against the catalogue (empty list: it is fine)."""
    if measure_type.unit == QuantityUnit.NONE:
        return [str(_("Leave the quantity empty: this measure has none."))] if quantity else []
    if quantity is None:
        return []
    if quantity <= 0:
        return [str(_("Enter a quantity greater than zero."))]
    greatest = measure_type.max_quantity
    if greatest is not None and quantity > greatest:
        return [
            str(
                _("The catalogue allows at most %(max)s for “%(measure)s”.")
                % {"max": measure_type.max_quantity_text, "measure": measure_type.name}
            )
        ]
    return []


def programme_line_add(
    *,
    actor: Any,
    programme_version: ProgrammeVersion,
    expected_version: int,
    measure_type: MeasureType,
    quantity: Decimal | None,
    details: str = "",
    details_ru: str = "",
    request: Any = None,
) -> ProgrammeLine:
    require_division_staff(actor, programme_version.programme)
    _require_draft(programme_version)
    if measure_type.catalogue_id != programme_version.catalogue_id:
        raise ValidationError({"measure_type": _("Choose a measure of the programme's catalogue.")})
    if programme_version.lines.filter(measure_type=measure_type).exists():
        raise ValidationError({"measure_type": _("This measure is already in the programme.")})
    errors = quantity_errors(measure_type, quantity)
    if errors:
        raise ValidationError({"quantity": errors})
    if quantity is None and measure_type.unit != QuantityUnit.NONE:
        quantity = measure_type.default_quantity
    with transaction.atomic():
        update_if_current(programme_version, expected_version, CONFLICT)
        line = ProgrammeLine(
            programme_version=programme_version,
            measure_type=measure_type,
            position=next_order(programme_version.lines.all(), field="position", first=10, step=10),
            quantity=quantity,
            details=details.strip(),
            details_ru=(details_ru or "").strip(),
        )
        save_audited(
            line,
            AuditAction.CREATE,
            ["measure_type", "quantity", "details", "details_ru"],
            actor=actor,
            request=request,
        )
    return line


def programme_line_update(
    *,
    actor: Any,
    line: ProgrammeLine,
    expected_version: int,
    quantity: Decimal | None,
    details: str = "",
    details_ru: str = "",
    request: Any = None,
) -> ProgrammeLine:
    version = line.programme_version
    require_division_staff(actor, version.programme)
    _require_draft(version)
    errors = quantity_errors(line.measure_type, quantity)
    if errors:
        raise ValidationError({"quantity": errors})
    values = {
        "quantity": quantity,
        "details": details.strip(),
        "details_ru": (details_ru or "").strip(),
    }
    with transaction.atomic():
        update_if_current(version, expected_version, CONFLICT)
        changed = assign_changes(line, values)
        save_audited(line, AuditAction.UPDATE, changed, actor=actor, request=request)
    return line


def programme_line_remove(
    *, actor: Any, line: ProgrammeLine, expected_version: int, request: Any = None
) -> None:
    version = line.programme_version
    require_division_staff(actor, version.programme)
    _require_draft(version)
    with transaction.atomic():
        update_if_current(version, expected_version, CONFLICT)
        audited(line, AuditAction.DELETE, actor=actor, request=request)
        line.delete()


# --- What changed --------------------------------------------------------------------------------


def _line_state(line: ProgrammeLine) -> dict[str, str]:
    quantity = "" if line.quantity is None else str(line.quantity.normalize())
    return {"quantity": quantity, "details": line.details}


def changes_between(
    before: list[ProgrammeLine] | None, after: list[ProgrammeLine]
) -> list[dict[str, Any]]:
    """What changed from one version's lines to the next, by the measures' stable codes."""
    if before is None:
        return []
    old = {line.measure_type.code: line for line in before}
    new = {line.measure_type.code: line for line in after}
    rows: list[dict[str, Any]] = []
    for code, line in new.items():
        if code not in old:
            rows.append(
                {"code": code, "change": "added", "before": None, "after": _line_state(line)}
            )
        elif _line_state(old[code]) != _line_state(line):
            rows.append(
                {
                    "code": code,
                    "change": "changed",
                    "before": _line_state(old[code]),
                    "after": _line_state(line),
                }
            )
    for code, line in old.items():
        if code not in new:
            rows.append(
                {"code": code, "change": "removed", "before": _line_state(line), "after": None}
            )
    return rows
