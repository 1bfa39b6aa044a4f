"""The demo's completeness rules (version 1): what a referral must carry for the in-absentia
nosologies the demo uses. Loaded by `rules_load_demo()`, which the demo calls; idempotent.

Sources (docs/domain/mse.md §1–§3): the Social Code Art. 155 and the MSE Rules (Order No. 260 of 29.06.2023)
say that the medical advisory commission refers on form 031/у with the examination results and
that an incomplete package is refused; the joint order of 2025 (G25G0000168) names the in-absentia
nosologies. Neither excerpt lists the documents per diagnosis or their maximum age: the lists and
periods below are Kopir's assumptions, written as rules so that an administrator can correct them
once the full texts have been checked (docs/domain/mse.md §4, §7).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from kopir.assessment.models import (
    CompletenessRule,
    CompletenessRuleSet,
    DocumentType,
    FindingKind,
    RequiredField,
    Requirement,
    RuleSetStatus,
)

DEMO_SET_NUMBER = 1
# The demo's texts are written as an administrator would enter them, in Kazakh (the default
# language): the set's title, legal basis and notes are single-language fields.
REFERRAL_BASIS = (
    "ҚР 20.04.2023 жылғы № 224-VII Әлеуметтік кодексі, 155-бап 2-тармақ; МӘС қағидалары, "
    "29.06.2023 жылғы № 260 бұйрық: дәрігерлік-консультациялық комиссияның 031/у нысанындағы "
    "жолдамасы"
)
NOSOLOGY_BASIS = (
    "МӘС қағидалары, 29.06.2023 жылғы № 260 бұйрық; G25G0000168 бірлескен бұйрығы (сырттай "
    "куәландырылатын нозологиялар). Құжаттар тізімі мен мерзімі — Kopir болжамы, толық "
    "мәтіндермен салыстырып тексеру қажет"
)

F, D, R = Requirement.FINDING, Requirement.DOCUMENT, Requirement.FIELD

# (diagnoses, requirement, target, per side, max age in days, under age, legal basis)
DEMO_RULES: tuple[tuple[str, str, str, bool, int | None, int | None, str], ...] = (
    ("", R, RequiredField.COMMISSION_PROTOCOL_NUMBER, False, None, None, REFERRAL_BASIS),
    ("", R, RequiredField.COMMISSION_DATE, False, None, None, REFERRAL_BASIS),
    ("", R, RequiredField.COMMISSION_CONCLUSION, False, None, None, REFERRAL_BASIS),
    (
        "",
        R,
        RequiredField.LIMITATIONS,
        False,
        None,
        None,
        "ҚР Әлеуметтік кодексі, 155-бап 3-тармақ",
    ),
    # Visual impairment.
    ("H54", F, FindingKind.VISUAL_ACUITY, True, None, None, NOSOLOGY_BASIS),
    ("H54", F, FindingKind.VISUAL_FIELD, True, None, None, NOSOLOGY_BASIS),
    ("H54", D, DocumentType.OPHTHALMOLOGIST_REPORT, False, 90, None, NOSOLOGY_BASIS),
    # Hearing impairment.
    ("H90-H91", F, FindingKind.HEARING_THRESHOLD, True, None, None, NOSOLOGY_BASIS),
    ("H90-H91", D, DocumentType.AUDIOGRAM, False, 90, None, NOSOLOGY_BASIS),
    # Limb amputation (acquired absence, traumatic amputation of several regions).
    ("Z89, T05", F, FindingKind.LIMB_FUNCTION, False, None, None, NOSOLOGY_BASIS),
    ("Z89, T05", D, DocumentType.SURGEON_REPORT, False, None, None, NOSOLOGY_BASIS),
    # Oncology: malignant neoplasms and carcinoma in situ.
    ("C00-D09", F, FindingKind.HISTOLOGY, False, None, None, NOSOLOGY_BASIS),
    ("C00-D09", D, DocumentType.ONCOLOGIST_CONCLUSION, False, 30, None, NOSOLOGY_BASIS),
    # Mental and behavioural disorders.
    ("F00-F99", D, DocumentType.PSYCHIATRIST_REPORT, False, None, None, NOSOLOGY_BASIS),
    ("F00-F99", D, DocumentType.PSYCHOLOGICAL_ASSESSMENT, False, None, None, NOSOLOGY_BASIS),
    # Type 1 diabetes in children (under 18).
    ("E10", F, FindingKind.HBA1C, False, 90, 18, NOSOLOGY_BASIS),
    ("E10", D, DocumentType.ENDOCRINOLOGIST_REPORT, False, None, 18, NOSOLOGY_BASIS),
)


def _rule_values(position: int, row: tuple[Any, ...]) -> dict[str, Any]:
    diagnoses, requirement, target, per_side, max_days, under_age, basis = row
    return {
        "position": position,
        "diagnoses": diagnoses,
        "requirement": requirement,
        "finding_kind": target if requirement == F else "",
        "document_type": target if requirement == D else "",
        "field_name": target if requirement == R else "",
        "per_side": per_side,
        "max_age_days": max_days,
        "max_age_years": under_age,
        "legal_source": basis,
    }


def rules_load_demo() -> str:
    """Create and activate the demo rule set, unless version 1 exists already (then nothing
    changes: an activated set is never edited, and an administrator may have replaced it)."""
    with transaction.atomic():
        if CompletenessRuleSet.objects.filter(number=DEMO_SET_NUMBER).exists():
            return "completeness rules: version 1 already loaded"
        rule_set = CompletenessRuleSet.objects.create(
            number=DEMO_SET_NUMBER,
            title="Сырттай МӘС жолдамаларының толықтығы (демо)",
            status=RuleSetStatus.ACTIVE,
            # The MSE Rules (Order No. 260) came into force on 1 July 2023.
            effective_from=dt.date(2023, 7, 1),
            legal_source=REFERRAL_BASIS,
            notes=(
                "Демо ережелер. Әр нозологияға қандай құжаттар керек және олардың ескіру "
                "мерзімі — № 260 бұйрықтың толық мәтінімен тексерілгенге дейін Kopir болжамы."
            ),
            activated_at=timezone.now(),
        )
        rules = [
            CompletenessRule(rule_set=rule_set, **_rule_values(position, row))
            for position, row in enumerate(DEMO_RULES, start=1)
        ]
        for rule in rules:
            rule.full_clean(exclude=["rule_set"])
        CompletenessRule.objects.bulk_create(rules)
    return f"completeness rules: version 1 with {len(rules)} rules"
