"""The administrator's completeness-rule pages and services: versions are drafted, edited,
activated and retired; an activated version never changes; nobody else may touch them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kopir.assessment.models import CompletenessRule, CompletenessRuleSet, RuleSetStatus
from kopir.assessment.services.completeness import rule_set_in_force
from kopir.assessment.services.rules import (
    RuleData,
    rule_save,
    rule_set_activate,
    rule_set_create_draft,
)
from kopir.assessment.tests.helpers import url
from kopir.core.errors import AccessDenied, ConflictError, DomainError

pytestmark = pytest.mark.usefixtures("demo_rules")


@pytest.fixture
def demo_set(db):
    return CompletenessRuleSet.objects.get(number=1)


@pytest.fixture
def draft(administrator, demo_set):
    return rule_set_create_draft(
        actor=administrator, title="Version 2", legal_source="Order No. 260", based_on=demo_set
    )


RULE_FORM = {
    "position": "30",
    "diagnoses": "g80 - g83",
    "route": "",
    "requirement": "document",
    "finding_kind": "",
    "document_type": "discharge_summary",
    "field_name": "",
    "max_age_days": "180",
    "legal_source": "Order No. 260",
    "min_age_years": "",
    "max_age_years": "",
    "label_kk": "",
    "label_ru": "",
    "label_en": "",
}


def test_a_new_draft_copies_the_rules_and_leaves_the_original_untouched(draft, demo_set):
    assert draft.number == 2
    assert draft.status == RuleSetStatus.DRAFT
    assert draft.rules.count() == demo_set.rules.count() == 17
    assert set(draft.rules.values_list("pk", flat=True)).isdisjoint(
        demo_set.rules.values_list("pk", flat=True)
    )


def test_an_administrator_adds_a_rule_to_a_draft_and_the_ranges_are_tidied(
    client, administrator, draft
):
    client.force_login(administrator)

    response = client.post(url("rules_rule_create", draft.pk), RULE_FORM)

    assert response.status_code == 302
    rule = draft.rules.get(position=30)
    assert rule.diagnoses == "G80-G83"
    assert rule.max_age_days == 180


def test_a_rule_that_is_not_a_code_range_is_refused_on_its_field(client, administrator, draft):
    client.force_login(administrator)

    response = client.post(url("rules_rule_create", draft.pk), {**RULE_FORM, "diagnoses": "eyes"})

    assert response.status_code == 200
    assert "diagnoses" in response.context["form"].errors


def test_a_rule_must_name_what_it_requires(client, administrator, draft):
    client.force_login(administrator)

    response = client.post(
        url("rules_rule_create", draft.pk),
        {**RULE_FORM, "document_type": "", "field_name": "commission_date"},
    )

    errors = response.context["form"].errors
    assert "document_type" in errors
    assert "field_name" in errors


def test_an_activated_version_cannot_be_changed(client, administrator, demo_set):
    rule = demo_set.rules.first()
    client.force_login(administrator)

    response = client.post(
        url("rules_rule_edit", demo_set.pk, rule.pk), {**RULE_FORM, "version": 1}
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.diagnoses == ""
    with pytest.raises(DomainError):
        rule_save(
            actor=administrator,
            rule_set=demo_set,
            rule=rule,
            expected_version=1,
            data=RuleData(
                diagnoses="H54", requirement="field", field_name="commission_date", legal_source="x"
            ),
        )


def test_editing_a_rule_from_a_stale_page_is_a_conflict(administrator, draft):
    rule = draft.rules.first()
    data = RuleData(
        diagnoses="H54", requirement="field", field_name="commission_date", legal_source="x"
    )
    rule_save(actor=administrator, rule_set=draft, rule=rule, expected_version=1, data=data)

    with pytest.raises(ConflictError):
        rule_save(actor=administrator, rule_set=draft, rule=rule, expected_version=1, data=data)


def test_activating_a_draft_today_puts_it_in_force_and_retires_the_old_one(
    client, administrator, draft, demo_set
):
    client.force_login(administrator)

    response = client.post(
        url("rules_activate", draft.pk),
        {"version": draft.version, "effective_from": timezone.localdate().isoformat()},
    )

    assert response.status_code == 302
    assert rule_set_in_force() == draft
    demo_set.refresh_from_db()
    assert demo_set.status == RuleSetStatus.RETIRED


def test_a_version_activated_for_a_later_date_waits_its_turn(administrator, draft, demo_set):
    later = timezone.localdate() + dt.timedelta(days=10)

    rule_set_activate(
        actor=administrator, rule_set=draft, expected_version=draft.version, effective_from=later
    )

    assert rule_set_in_force() == demo_set
    assert rule_set_in_force(later) == draft


def test_a_version_cannot_be_activated_on_a_past_day(client, administrator, draft, demo_set):
    """Activated for 01.01.2020, the draft would be older than the set in force: superseded at
    once and never used, though the page said it was activated."""
    client.force_login(administrator)

    response = client.post(
        url("rules_activate", draft.pk),
        {"version": draft.version, "effective_from": "2020-01-01"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["effective_from"] == [
        "The rules cannot come into force on a past day: what was checked before today was "
        "checked under the rules then in force. Choose today or a later day."
    ]
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.DRAFT
    assert rule_set_in_force() == demo_set


def test_retiring_the_version_in_force_leaves_no_rules(client, administrator, demo_set):
    client.force_login(administrator)

    response = client.post(url("rules_retire", demo_set.pk), {"version": demo_set.version})

    assert response.status_code == 302
    assert rule_set_in_force() is None


def test_an_empty_draft_cannot_be_activated(administrator):
    empty = rule_set_create_draft(actor=administrator, title="Empty", legal_source="x")

    with pytest.raises(DomainError):
        rule_set_activate(
            actor=administrator,
            rule_set=empty,
            expected_version=1,
            effective_from=timezone.localdate(),
        )


def test_the_pages_read_well_for_an_administrator(client, administrator, draft, settings):
    client.force_login(administrator)
    rule = draft.rules.first()

    for path in (
        url("rules_list"),
        url("rules_create"),
        url("rules_detail", draft.pk),
        url("rules_edit", draft.pk),
        url("rules_activate", draft.pk),
        url("rules_retire", draft.pk),
        url("rules_rule_create", draft.pk),
        url("rules_rule_edit", draft.pk, rule.pk),
        url("rules_rule_delete", draft.pk, rule.pk),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.content.decode().count("<h1") == 1, path


def test_a_rule_is_removed_from_a_draft(client, administrator, draft):
    rule = draft.rules.first()
    client.force_login(administrator)

    client.post(url("rules_rule_delete", draft.pk, rule.pk))

    assert not CompletenessRule.objects.filter(pk=rule.pk).exists()


def test_a_new_draft_is_made_through_the_page(client, administrator, demo_set):
    client.force_login(administrator)

    response = client.post(
        url("rules_create"),
        {
            "based_on": demo_set.pk,
            "title": "2027 rules",
            "legal_source": "Order No. 131",
            "notes": "",
        },
    )

    new = CompletenessRuleSet.objects.get(title="2027 rules")
    assert response["Location"] == url("rules_detail", new.pk)
    assert new.rules.count() == 17


def test_staff_who_are_not_administrators_are_refused(client, clinician, draft):
    client.force_login(clinician)

    assert client.get(url("rules_list")).status_code == 403
    assert client.get(url("rules_detail", draft.pk)).status_code == 403
    assert client.post(url("rules_rule_create", draft.pk), RULE_FORM).status_code == 403
    with pytest.raises(AccessDenied):
        rule_set_create_draft(actor=clinician, title="x", legal_source="y")


def test_an_anonymous_visitor_is_sent_to_sign_in(client, draft):
    response = client.get(url("rules_detail", draft.pk))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
