"""Extraterritorial distribution: where the region has it on, an in-absentia case goes to experts
of the region's other divisions, the least loaded first; the head may choose others among them;
they see the case depersonalised and never the person. Off, nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import (
    ExpertAssignment,
    ExtraterritorialDistribution,
    Referral,
    ReferralStatus,
    Route,
)
from kopir.assessment.services.distribution import is_extraterritorial, proposed_experts
from kopir.assessment.services.review import eligible_experts, referral_assign_experts
from kopir.assessment.tests.division_fixtures import (
    accepted,
    identity_strings,
)
from kopir.assessment.tests.factories import ReferralFactory
from kopir.core.tests.fixtures import signed_in
from kopir.directory.models import Organisation, OrganisationKind, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.people.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules", "division")]


@pytest.fixture
def neighbours(division: Organisation, region: Any) -> list[Organisation]:
    """Two other divisions of the same region (under the same department), each serving a
    district of its own, so the person's referral is routed to `division` as before."""
    return [
        OrganisationFactory.create(
            code=f"neighbour-{index}",
            kind=OrganisationKind.MSE_DIVISION,
            territory=TerritoryFactory.create(
                kato=f"27{index}400000", level=TerritoryLevel.DISTRICT, parent=region
            ),
            parent=division.parent,
            bin=None,
        )
        for index in (1, 2)
    ]


@pytest.fixture
def far_experts(neighbours: list[Organisation]) -> list[User]:
    """Two specialists in each neighbouring division, and a head there who is never proposed."""
    UserFactory.create(organisation=neighbours[0], roles=[Role.MSE_SPECIALIST, Role.MSE_HEAD])
    return [
        UserFactory.create(organisation=organisation, roles=[Role.MSE_SPECIALIST])
        for organisation in (*neighbours, *neighbours)
    ]


@pytest.fixture
def switched_on(division: Organisation) -> ExtraterritorialDistribution:
    department = division.parent
    assert department is not None  # the division fixture sits under the region's department
    return ExtraterritorialDistribution.objects.create(
        department=department,
        enabled=True,
        basis="Order of the department (synthetic)",
    )


@pytest.fixture
def distributed(
    clinician: User,
    person: Person,
    experts: list[User],
    far_experts: list[User],
    switched_on: ExtraterritorialDistribution,
) -> Referral:
    """A case in absentia accepted by the home division while the region distributes: the
    neighbouring divisions' `far_experts` are the ones to review it."""
    return accepted(clinician, person, experts[0])


def open_work(expert: User, count: int, division: Organisation) -> None:
    """`count` cases waiting for this expert's conclusion."""
    for index in range(count):
        referral = ReferralFactory.create(
            number=f"LOAD-{expert.pk}-{index}",
            mse_division=division,
            status=ReferralStatus.ASSIGNED,
        )
        ExpertAssignment.objects.create(
            referral=referral, expert=expert, position=1, assigned_by=expert
        )


def test_off_the_divisions_own_specialists_review_as_before(
    clinician: User, person: Person, experts: list[User], far_experts: list[User]
) -> None:
    referral = accepted(clinician, person, experts[0])
    assert not is_extraterritorial(referral)
    assert set(eligible_experts(referral)) == set(experts)


def test_a_row_switched_off_keeps_the_division_s_own_experts(
    clinician: User,
    person: Person,
    experts: list[User],
    far_experts: list[User],
    switched_on: ExtraterritorialDistribution,
) -> None:
    switched_on.enabled = False
    switched_on.save()
    referral = accepted(clinician, person, experts[0])
    assert set(eligible_experts(referral)) == set(experts)


def test_on_never_the_home_division_and_never_a_head(
    distributed: Referral, experts: list[User], far_experts: list[User]
) -> None:
    assert is_extraterritorial(distributed)
    assert set(eligible_experts(distributed)) == set(far_experts)
    assert len(proposed_experts(distributed, 3)) == 3
    assert not set(proposed_experts(distributed, 3)) & set(experts)


def test_the_least_loaded_are_proposed_and_ties_go_to_the_lower_id(
    clinician: User,
    person: Person,
    experts: list[User],
    far_experts: list[User],
    neighbours: list[Organisation],
    switched_on: Any,
) -> None:
    first, second, third, fourth = far_experts
    open_work(first, 2, neighbours[0])
    open_work(second, 1, neighbours[1])
    # Conclusions already submitted are not open work.
    open_work(fourth, 3, neighbours[1])
    ExpertAssignment.objects.filter(expert=fourth).update(submitted_at="2026-01-05T10:00Z")
    referral = accepted(clinician, person, experts[0])
    assert proposed_experts(referral, 3) == [third, fourth, second]
    # The same state gives the same proposal.
    assert proposed_experts(referral, 3) == [third, fourth, second]


def test_in_person_stays_with_the_home_division_even_when_on(
    clinician: User, person: Person, experts: list[User], far_experts: list[User], switched_on: Any
) -> None:
    referral = accepted(clinician, person, experts[0], route=Route.IN_PERSON)
    assert not is_extraterritorial(referral)
    assert set(eligible_experts(referral)) == set(experts)


def test_another_region_s_switch_does_not_apply(
    clinician: User, person: Person, experts: list[User], far_experts: list[User]
) -> None:
    elsewhere = OrganisationFactory.create(kind=OrganisationKind.MSE_DEPARTMENT)
    ExtraterritorialDistribution.objects.create(department=elsewhere, enabled=True)
    referral = accepted(clinician, person, experts[0])
    assert not is_extraterritorial(referral)


def test_the_head_is_offered_the_proposal_and_may_choose_others(
    client: Client, distributed: Referral, head: User, far_experts: list[User]
) -> None:
    signed_in(client, head)
    url = reverse("assessment:division_assign", args=[distributed.pk])
    form = client.get(url).context["form"]
    assert list(form.initial["experts"]) == proposed_experts(distributed, 3)
    chosen = far_experts[1:]  # not the proposal's order: the head overrides
    response = client.post(url, {"version": distributed.version, "experts": [e.pk for e in chosen]})
    assert response.status_code == 302
    assert set(distributed.assignments.values_list("expert_id", flat=True)) == {
        e.pk for e in chosen
    }


def test_the_head_cannot_choose_a_home_expert_when_on(
    distributed: Referral, head: User, experts: list[User], far_experts: list[User]
) -> None:
    with pytest.raises(ValidationError):
        referral_assign_experts(
            actor=head,
            referral=distributed,
            expected_version=distributed.version,
            experts=[experts[0], *far_experts[:2]],
        )


def test_an_expert_of_another_division_reviews_the_case_without_the_person(
    client: Client,
    clinician: User,
    identifiable: Person,
    head: User,
    experts: list[User],
    far_experts: list[User],
    switched_on: Any,
) -> None:
    referral: Referral = accepted(clinician, identifiable, experts[0])
    referral = referral_assign_experts(
        actor=head,
        referral=referral,
        expected_version=referral.version,
        experts=far_experts[:3],
    )
    far = far_experts[0]
    assignment = referral.assignments.get(expert=far)
    signed_in(client, far)
    worklist = client.get(reverse("assessment:expert_worklist")).content.decode()
    assert referral.number in worklist
    review = client.get(reverse("assessment:expert_review", args=[assignment.pk]))
    assert review.status_code == 200
    content = review.content.decode()
    leaked = [value for value in identity_strings(identifiable) if value in content]
    assert not leaked
    assert client.get(reverse("people:detail", args=[identifiable.pk])).status_code == 404
    # The home division's pages stay the home division's.
    assert client.get(reverse("assessment:division_case", args=[referral.pk])).status_code == 404
