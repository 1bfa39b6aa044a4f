"""Reads for the completeness-rule pages: the versions, and each rule described in words."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kopir.assessment.models import CompletenessRule, CompletenessRuleSet, RuleSetStatus
from kopir.assessment.services.completeness import rule_set_in_force, target_label


@dataclass(frozen=True)
class RuleSetRow:
    rule_set: CompletenessRuleSet
    rule_count: int
    # "in_force" | "scheduled" | "draft" | "replaced" | "retired"
    state: str


def rule_set_rows() -> list[RuleSetRow]:
    today = timezone.localdate()
    in_force = rule_set_in_force(today)
    rows = []
    for rule_set in CompletenessRuleSet.objects.annotate(rule_count=Count("rules")).order_by(
        "-number"
    ):
        if in_force is not None and rule_set.pk == in_force.pk:
            state = "in_force"
        elif rule_set.status == RuleSetStatus.ACTIVE:
            scheduled = rule_set.effective_from is not None and rule_set.effective_from > today
            state = "scheduled" if scheduled else "replaced"
        else:
            state = rule_set.status
        rows.append(RuleSetRow(rule_set, rule_set.rule_count, state))
    return rows


@dataclass(frozen=True)
class RuleRow:
    rule: CompletenessRule
    applies_to: str
    ages: str
    requires: str
    max_age: str


def describe_ages(rule: CompletenessRule) -> str:
    low, high = rule.min_age_years, rule.max_age_years
    if low is None and high is None:
        return _("Any age")
    if low is None:
        return _("Under %(high)s") % {"high": high}
    if high is None:
        return _("%(low)s and older") % {"low": low}
    return _("From %(low)s to under %(high)s") % {"low": low, "high": high}


def rule_rows(rule_set: CompletenessRuleSet) -> list[RuleRow]:
    rows = []
    for rule in rule_set.rules.order_by("position", "id"):
        applies = rule.diagnoses or _("Every referral")
        if rule.diagnoses and rule.include_secondary:
            applies = _("%(codes)s (main or further diagnosis)") % {"codes": rule.diagnoses}
        if rule.route:
            applies = f"{applies}; {rule.get_route_display()}"
        requires = rule.custom_label or target_label(rule.requirement, rule.target)
        if rule.per_side:
            requires = _("%(what)s, for each side") % {"what": requires}
        max_age = (
            ngettext("At most %(count)s day old", "At most %(count)s days old", rule.max_age_days)
            % {"count": rule.max_age_days}
            if rule.max_age_days is not None
            else _("No limit")
        )
        rows.append(RuleRow(rule, str(applies), describe_ages(rule), str(requires), max_age))
    return rows
