"""The head's decision form (issue 11): it starts from what all three experts agreed on, does not
call the parts a decision needs "optional", and names dates as people write them."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from kopir.assessment.models import Term
from kopir.assessment.services.outcome_rules import OutcomeInput, add_months, valid_until
from kopir.assessment.tests.division_fixtures import GROUP_2, concluded, decide
from kopir.assessment.tests.helpers import en_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules", "division")]
# A form field's label or its group's legend, as core's field partial writes them.
FIELD_LABEL = r'(?:<label class="label" for="[^"]+">|<legend class="fieldset__legend">)'
OTHER_CAUSE = OutcomeInput(**{**GROUP_2.__dict__, "cause": "childhood"})


def _decide_page(client, clinician, person, head, experts, *conclusions):
    """The head's decision page once the three experts have concluded `conclusions`."""
    referral = concluded(clinician, person, head, experts, *conclusions)
    client.force_login(head)
    return client.get(en_url("division_decide", referral.pk))


def test_the_form_starts_from_what_all_three_experts_agreed_on(
    client, clinician, person, head, experts
):
    page = _decide_page(client, clinician, person, head, experts, GROUP_2, GROUP_2, GROUP_2)
    form = page.context["form"]

    assert form["outcome"].value() == GROUP_2.outcome
    assert form["category_code"].value() == GROUP_2.category_code
    assert form["cause"].value() == GROUP_2.cause
    assert form["term"].value() == GROUP_2.term


def test_a_part_the_experts_differ_on_is_left_for_the_head(
    client, clinician, person, head, experts
):
    page = _decide_page(client, clinician, person, head, experts, GROUP_2, OTHER_CAUSE, GROUP_2)
    form = page.context["form"]

    assert not form["cause"].value()
    assert form["term"].value() == GROUP_2.term


def test_the_parts_a_decision_needs_are_not_marked_optional(
    client, clinician, person, head, experts
):
    page = _decide_page(client, clinician, person, head, experts, GROUP_2, GROUP_2, GROUP_2)
    html = page.content.decode()

    def marked_optional(label: str) -> bool:
        found = re.search(rf"{FIELD_LABEL}{re.escape(label)}( <span class=\"optional\">)?", html)
        assert found is not None, f"no field labelled {label}"
        return found.group(1) is not None

    for needed in ("Group or category", "Cause", "Term", "Re-examination date"):
        assert not marked_optional(needed), f"{needed} is called optional"
    assert marked_optional("Reasons"), "a positive decision's reasons are optional"


def test_the_reexamination_error_names_the_end_of_the_term_as_people_write_dates(
    clinician, person, head, experts
):
    referral = concluded(clinician, person, head, experts, GROUP_2)
    today = timezone.localdate()
    end = valid_until(Term.ONE_YEAR, start=today, birth_date=person.birth_date)
    assert end is not None

    with pytest.raises(ValidationError) as caught:
        decide(referral, head, GROUP_2, reexamination_on=add_months(today, 13))

    message = caught.value.message_dict["reexamination_on"][0]
    assert date_format(end, "SHORT_DATE_FORMAT") in message
    assert end.isoformat() not in message
