"""The rules in force and the steps' periods, kept per process behind a shared version
(kopir.core.reference_cache): changed through their services and models in one process, used at
once in every other. The other process is a `ReferenceCache` of the same table with memory of its
own; the default cache (local memory in tests) stands for the processes' shared Redis.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kopir.assessment.models import (
    CompletenessRuleSet,
    ReferralStatus,
    Requirement,
    RuleSetStatus,
    StepDeadline,
)
from kopir.assessment.services.completeness import RULES, _read_rules, rules_in_force
from kopir.assessment.services.rules import (
    RuleData,
    rule_save,
    rule_set_activate,
    rule_set_create_draft,
)
from kopir.assessment.tests.intake_fixtures import post_json, referral_body
from kopir.assessment.workflow import STEP_DEADLINES, _step_deadlines, step_working_days
from kopir.core.tests.fixtures import other_process
from kopir.core.tests.fixtures import shared_cache as shared_cache
from kopir.core.working_days import OVERRIDES
from kopir.exchange.services import SUBSCRIPTIONS


@pytest.mark.django_db
@pytest.mark.usefixtures("shared_cache")
def test_a_step_period_changed_is_used_at_once_in_every_process(
    django_capture_on_commit_callbacks,
):
    other = other_process(STEP_DEADLINES)
    before = step_working_days(ReferralStatus.SENT)
    other.get(None, _step_deadlines)
    with CaptureQueriesContext(connection) as queries:
        assert step_working_days(ReferralStatus.SENT) == before
    assert len(queries) == 0

    with django_capture_on_commit_callbacks(execute=True):
        StepDeadline.objects.update_or_create(
            status=ReferralStatus.SENT, defaults={"working_days": 7, "legal_source": "test"}
        )

    assert step_working_days(ReferralStatus.SENT) == 7
    assert other.get(None, _step_deadlines)[ReferralStatus.SENT] == 7


@pytest.mark.django_db
@pytest.mark.usefixtures("shared_cache", "demo_rules")
def test_a_rule_set_activated_is_in_force_at_once_in_every_process(
    django_capture_on_commit_callbacks, administrator
):
    today = timezone.localdate()
    other = other_process(RULES)
    in_force = rules_in_force(today)
    assert in_force
    assert other.get(today, lambda: _read_rules(today)) == tuple(in_force)
    with CaptureQueriesContext(connection) as queries:
        assert rules_in_force(today) == in_force
    assert len(queries) == 0

    draft = rule_set_create_draft(actor=administrator, title="One rule", legal_source="x")
    rule_save(
        actor=administrator,
        rule_set=draft,
        data=RuleData(
            diagnoses="H54",
            requirement=Requirement.FIELD,
            legal_source="x",
            field_name="treatment_history",
        ),
    )
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        rule_set_activate(
            actor=administrator,
            rule_set=draft,
            expected_version=draft.version,
            effective_from=today,
        )

    assert CompletenessRuleSet.objects.get(pk=draft.pk).status == RuleSetStatus.ACTIVE
    assert [rule.rule_set_id for rule in rules_in_force(today)] == [draft.pk]
    assert [rule.rule_set_id for rule in other.get(today, lambda: _read_rules(today))] == [draft.pk]


# --- One round trip a request ---------------------------------------------------------------


def _count_version_reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str]]]:
    """The calls to the shared cache that name a reference table's version, as (method, keys);
    a call another makes inside (locmem's get_many asks get per key) is not counted again."""
    shared = caches["default"]
    calls: list[tuple[str, list[str]]] = []
    depth = [0]

    def counted(method: str, original: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            named = args[0] if args else next(iter(kwargs.values()))
            keys = [named] if isinstance(named, str) else list(named)
            if depth[0] == 0 and any(key.startswith("kopir:reference-version:") for key in keys):
                calls.append((method, keys))
            depth[0] += 1
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    for method in ("get", "get_many", "add", "set", "has_key"):
        monkeypatch.setattr(shared, method, counted(method, getattr(shared, method)))
    return calls


@pytest.mark.django_db
@pytest.mark.usefixtures("shared_cache", "icd10", "demo_rules")
def test_a_request_asks_the_shared_cache_for_the_tables_versions_once(
    client, token, person, clinic, monkeypatch
):
    # A create that sends uses the rules in force, the steps' periods, the working-day overrides
    # and the exchange's subscriptions: their versions come in one get_many, not a GET a use.
    post_json(client, "/api/referrals", referral_body(person, send=True), token=token)
    calls = _count_version_reads(monkeypatch)

    response = post_json(client, "/api/referrals", referral_body(person, send=True), token=token)

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "sent"
    assert [method for method, _keys in calls] == ["get_many"]
    assert {RULES.version_key, STEP_DEADLINES.version_key, OVERRIDES.version_key} | {
        SUBSCRIPTIONS.version_key
    } <= set(calls[0][1])
