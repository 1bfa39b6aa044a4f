"""The completeness check: what a referral still lacks under the rules in force.

It runs before sending (the clinic sees the list and can complete the referral first) and again on
receipt (the MSE division's automatic check). It only reads. The answer is a precise list — which
finding, document or part of the form, for which eye or ear, missing or too old — with labels in
the active language, so a clinician, the API caller and the citizen status page all say the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from typing import Any, Protocol

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kopir.assessment.age_bands import age_in_years
from kopir.assessment.models import (
    FINDING_SPECS,
    Attachment,
    CompletenessRule,
    CompletenessRuleSet,
    DocumentType,
    FindingKind,
    Referral,
    RequiredField,
    Requirement,
    RuleSetStatus,
    Side,
)
from kopir.assessment.services.icd10 import codes_match, parse_ranges
from kopir.core.errors import DomainError
from kopir.core.reference_cache import ReferenceCache

MISSING = "missing"
TOO_OLD = "too_old"

# "right eye", "left ear": whole phrases, because word order differs between languages.
SIDE_PHRASES = {
    ("right", "eye"): gettext_lazy("right eye"),
    ("left", "eye"): gettext_lazy("left eye"),
    ("right", "ear"): gettext_lazy("right ear"),
    ("left", "ear"): gettext_lazy("left ear"),
    ("right", "limb"): gettext_lazy("right side"),
    ("left", "limb"): gettext_lazy("left side"),
}
_SIDE_NOUNS: dict[str, str] = {
    FindingKind.VISUAL_ACUITY: "eye",
    FindingKind.VISUAL_FIELD: "eye",
    FindingKind.HEARING_THRESHOLD: "ear",
    FindingKind.LIMB_FUNCTION: "limb",
}


@dataclass(frozen=True)
class MissingItem:
    """One thing a referral lacks. `label` and `reason` are in the active language."""

    rule_id: int
    kind: str  # "finding" | "document" | "field"
    code: str  # finding kind (with ":right"/":left"), document type or field name
    label: str
    reason: str
    reason_code: str = MISSING  # "missing" | "too_old" | "added" (a specialist's own item)
    max_age_days: int | None = None
    legal_source: str = field(default="", compare=False)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class IncompleteReferral(DomainError):
    """The referral lacks what the rules require; `missing` says exactly what."""

    def __init__(self, missing: list[MissingItem]) -> None:
        self.missing = missing
        super().__init__(
            ngettext(
                "The referral is not complete: %(count)s item is missing or out of date.",
                "The referral is not complete: %(count)s items are missing or out of date.",
                len(missing),
            )
            % {"count": len(missing)}
        )


def rule_set_in_force(on: dt.date | None = None) -> CompletenessRuleSet | None:
    """The active rule set with the latest start on or before `on` (today by default)."""
    on = on or timezone.localdate()
    return (
        CompletenessRuleSet.objects.filter(status=RuleSetStatus.ACTIVE, effective_from__lte=on)
        .order_by("-effective_from", "-number")
        .first()
    )


def rule_applies(
    rule: CompletenessRule, *, primary: str, secondary: Sequence[str], route: str, age: int
) -> bool:
    if rule.route and rule.route != route:
        return False
    if rule.min_age_years is not None and age < rule.min_age_years:
        return False
    if rule.max_age_years is not None and age >= rule.max_age_years:
        return False
    codes = [primary, *secondary] if rule.include_secondary else [primary]
    try:
        ranges = parse_ranges(rule.diagnoses)
    except ValueError:
        # The rules' services refuse unreadable ranges; a stored one applies to nothing
        # rather than to everything.
        return False
    return codes_match(codes, ranges)


# --- Labels --------------------------------------------------------------------------------------


def target_label(kind: str, code: str) -> str:
    """What a missing item is called ("Audiogram", "Visual acuity with correction: right eye")."""
    target, _sep, side = code.partition(":")
    if kind == Requirement.FINDING:
        label = str(dict(FindingKind.choices).get(target, target))
    elif kind == Requirement.DOCUMENT:
        label = str(dict(DocumentType.choices).get(target, target))
    else:
        label = str(dict(RequiredField.choices).get(target, target))
    return _with_side(label, target, side)


def _with_side(label: str, target: str, side: str) -> str:
    if not side:
        return label
    phrase = SIDE_PHRASES.get((side, _SIDE_NOUNS.get(target, "limb")), side)
    return _("%(what)s: %(side)s") % {"what": label, "side": phrase}


def reason_text(reason_code: str, max_age_days: int | None) -> str:
    if reason_code == TOO_OLD and max_age_days is not None:
        return ngettext("older than %(count)s day", "older than %(count)s days", max_age_days) % {
            "count": max_age_days
        }
    return _("missing")


def _item(rule: CompletenessRule, code: str, reason_code: str) -> MissingItem:
    target, _sep, side = code.partition(":")
    label = rule.custom_label
    label = _with_side(label, target, side) if label else target_label(rule.requirement, code)
    return MissingItem(
        rule_id=rule.pk,
        kind=rule.requirement,
        code=code,
        label=label,
        reason=reason_text(reason_code, rule.max_age_days),
        reason_code=reason_code,
        max_age_days=rule.max_age_days if reason_code == TOO_OLD else None,
        legal_source=rule.legal_source,
    )


# --- The check -----------------------------------------------------------------------------------


def _newest(dates: Iterable[dt.date]) -> dt.date | None:
    return max(dates, default=None)


def _is_old(newest: dt.date, rule: CompletenessRule, today: dt.date) -> bool:
    return rule.max_age_days is not None and (today - newest).days > rule.max_age_days


class FindingLike(Protocol):
    """What the check reads of a finding: a stored `Finding`, or a bulk row's plain one."""

    @property
    def kind(self) -> str: ...
    @property
    def side(self) -> str: ...
    @property
    def value(self) -> Any: ...
    @property
    def text(self) -> str: ...
    @property
    def measured_on(self) -> dt.date: ...


def _finding_gaps(
    rule: CompletenessRule, findings: Sequence[FindingLike], today: dt.date
) -> list[tuple[str, str]]:
    kind = rule.finding_kind
    spec = FINDING_SPECS.get(kind, FINDING_SPECS[FindingKind.OTHER_TEST])
    sides: list[str] = [Side.RIGHT, Side.LEFT] if rule.per_side and spec.sided else [""]
    gaps = []
    for side in sides:
        dates = [
            finding.measured_on
            for finding in findings
            if finding.kind == kind
            and (not side or finding.side in (side, Side.BOTH))
            and (finding.value is not None or finding.text.strip())
        ]
        code = f"{kind}:{side}" if side else kind
        newest = _newest(dates)
        if newest is None:
            gaps.append((code, MISSING))
        elif _is_old(newest, rule, today):
            gaps.append((code, TOO_OLD))
    return gaps


def _field_is_filled(referral: Referral, name: str, has_limitations: bool) -> bool:
    if name == RequiredField.LIMITATIONS:
        return has_limitations
    value = getattr(referral, name, None)
    return value is not None and str(value).strip() != ""


def completeness_check(referral: Referral, *, on: dt.date | None = None) -> list[MissingItem]:
    """What the referral lacks under the rule set in force `on` (today): a pure read.

    A constant number of queries, whatever the number of rules, findings or documents.
    """
    today = on or timezone.localdate()
    rules = rules_in_force(today)
    if not rules:
        return []
    return missing_under(
        rules,
        referral=referral,
        primary=referral.primary_diagnosis.code,
        secondary=list(referral.secondary_diagnoses.values_list("code__code", flat=True)),
        birth_date=referral.person.birth_date,
        findings=list(referral.findings.all()),
        documents=list(
            Attachment.objects.filter(referral=referral).values_list("document_type", "issued_on")
        ),
        has_limitations=referral.limitations.exists(),
        today=today,
    )


# The rules in force on each day asked about, kept per process behind a shared version
# (kopir.core.reference_cache): the sets' services call RULES.changed() when they activate or
# retire one, and every save or delete of a set or a rule does (AssessmentConfig.ready).
RULES: ReferenceCache[tuple[CompletenessRule, ...]] = ReferenceCache("completeness-rules")


def _read_rules(today: dt.date) -> tuple[CompletenessRule, ...]:
    rule_set = rule_set_in_force(today)
    if rule_set is None:
        return ()
    return tuple(rule_set.rules.order_by("position", "id"))


def rules_in_force(today: dt.date) -> list[CompletenessRule]:
    """The rules of the set in force `today`, in order (none without a set): two queries, or
    none while this process's copy for that day is current. The rules are shared by the
    process's threads: read them, never change them."""
    return list(RULES.get(today, partial(_read_rules, today)))


def missing_under(
    rules: Sequence[CompletenessRule],
    *,
    referral: Referral,
    primary: str,
    secondary: Sequence[str],
    birth_date: dt.date,
    findings: Sequence[FindingLike],
    documents: Sequence[tuple[str, Any]],
    has_limitations: bool,
    today: dt.date,
) -> list[MissingItem]:
    """What a referral lacks under `rules`, from what is given: no query. `completeness_check`
    reads a stored referral's parts for it; a bulk file's batch gives the rows' own, unsaved."""
    age = age_in_years(birth_date, today)
    missing: list[MissingItem] = []
    seen: set[tuple[str, str]] = set()
    for rule in rules:
        if not rule_applies(
            rule, primary=primary, secondary=secondary, route=referral.route, age=age
        ):
            continue
        gaps: list[tuple[str, str]] = []
        if rule.requirement == Requirement.FINDING:
            gaps = _finding_gaps(rule, findings, today)
        elif rule.requirement == Requirement.DOCUMENT:
            newest = _newest(day for kind, day in documents if kind == rule.document_type)
            if newest is None:
                gaps = [(rule.document_type, MISSING)]
            elif _is_old(newest, rule, today):
                gaps = [(rule.document_type, TOO_OLD)]
        elif not _field_is_filled(referral, rule.field_name, has_limitations):
            gaps = [(rule.field_name, MISSING)]
        for code, reason in gaps:
            # Two rules may ask for the same thing (e.g. Z89 and T05 both want limb function):
            # the clinic is told once, by the first rule that finds it lacking.
            if (rule.requirement, code) in seen:
                continue
            seen.add((rule.requirement, code))
            missing.append(_item(rule, code, reason))
    return missing


def describe_missing(entries: Iterable[dict[str, Any]]) -> list[MissingItem]:
    """Stored missing lists (ReferralEvent.missing) in the reader's language.

    Items from rules are labelled afresh from their codes, so a list stored in Russian reads in
    Kazakh to a Kazakh-speaking reader. Items a specialist wrote by hand keep their own words.
    """
    entries = list(entries)
    rule_ids = {entry.get("rule_id") for entry in entries if entry.get("rule_id")}
    rules = {rule.pk: rule for rule in CompletenessRule.objects.filter(pk__in=rule_ids)}
    items = []
    for entry in entries:
        rule = rules.get(entry.get("rule_id") or 0)
        reason_code = entry.get("reason_code", MISSING)
        if rule is not None and entry.get("code"):
            item = _item(rule, entry["code"], reason_code)
            if "reason_code" not in entry:
                # Stored without its reason's code: keep the words the check used then.
                item = replace(item, reason=str(entry.get("reason") or item.reason))
            items.append(item)
            continue
        kind, code = entry.get("kind", ""), entry.get("code", "")
        label = entry.get("label") or (target_label(kind, code) if code else "")
        items.append(
            MissingItem(
                rule_id=int(entry.get("rule_id") or 0),
                kind=kind,
                code=code,
                label=label,
                reason=str(entry.get("reason") or ""),
                reason_code=reason_code,
                max_age_days=entry.get("max_age_days"),
            )
        )
    return items
