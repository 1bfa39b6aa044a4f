"""Fixtures for the MSE division's side: the division's head and three experts, a division and a
higher body beside it, a person with every identity field filled (to search rendered pages for),
and helpers that walk a referral through the division's steps with the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import (
    AppealFiledBy,
    Decision,
    Outcome,
    Referral,
    ReferralStatus,
    Term,
)
from kopir.assessment.services.appeal import appeal_file, appeal_resolve, appeal_start_review
from kopir.assessment.services.decision import (
    conclusions_stamp,
    referral_decide,
    referral_notify,
)
from kopir.assessment.services.division import referral_accept, referral_return
from kopir.assessment.services.outcome_rules import OutcomeInput, add_months
from kopir.assessment.services.referrals import referral_send
from kopir.assessment.services.review import conclusion_submit, referral_assign_experts
from kopir.assessment.tests.clinic_fixtures import complete_vision_referral
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.people.models import LinkBasis, Person, RepresentativeRelation
from kopir.people.tests.factories import PersonFactory
from kopir.people.tests.fixtures import linked_person

GROUP_2 = OutcomeInput(
    outcome=Outcome.ESTABLISHED,
    category_code="ADULT_G2",
    cause="general_disease",
    term=Term.ONE_YEAR,
    reasons="Persistent pronounced visual impairment.",
)
# What the higher body changes GROUP_2 to on appeal, in the appeal tests.
GROUP_1 = OutcomeInput(**{**GROUP_2.__dict__, "category_code": "ADULT_G1", "term": Term.TWO_YEARS})
NOT_ESTABLISHED = OutcomeInput(
    outcome=Outcome.NOT_ESTABLISHED, reasons="The impairment is slight and compensated."
)


@pytest.fixture
def head(division: Organisation) -> User:
    return UserFactory.create(
        organisation=division, roles=[Role.MSE_HEAD], first_name="Ерлан", last_name="Басшыұлы"
    )


@pytest.fixture
def experts(division: Organisation) -> list[User]:
    names = [("Гүлнар", "Сарапшы"), ("Бекзат", "Тексеруші"), ("Сәуле", "Бағалаушы")]
    return [
        UserFactory.create(
            organisation=division, roles=[Role.MSE_SPECIALIST], first_name=first, last_name=last
        )
        for first, last in names
    ]


@pytest.fixture
def specialist(experts: list[User]) -> User:
    return experts[0]


@pytest.fixture
def other_division(region: Any) -> Organisation:
    return OrganisationFactory.create(
        code="other-mse-division", kind=OrganisationKind.MSE_DIVISION, territory=region, bin=None
    )


@pytest.fixture
def other_division_staff(other_division: Organisation) -> User:
    return UserFactory.create(
        organisation=other_division, roles=[Role.MSE_SPECIALIST, Role.MSE_HEAD]
    )


@pytest.fixture
def reviewer(division: Organisation) -> User:
    """A specialist of the higher MSE body (the department above the division)."""
    return UserFactory.create(organisation=division.parent, roles=[Role.MSE_SPECIALIST])


@pytest.fixture
def identifiable(clinic: Organisation, district: Any) -> Person:
    """A person with every identity field filled with distinctive values, and a representative."""
    representative = PersonFactory.create(
        territory=district, last_name="Өкілбаева", first_name="Меруерт", patronymic="Өкілқызы"
    )
    return linked_person(
        clinic,
        LinkBasis.ATTACHED,
        territory=district,
        last_name="Жасырынова",
        first_name="Құпиягүл",
        patronymic="Белгісізқызы",
        birth_date=dt.date(1979, 10, 28),
        address="Достық көшесі, 77-үй, 12-пәтер",
        phone="+7 701 000 12 34",
        email="qupiyagul@example.test",
        legal_representative=representative,
        representative_relation=RepresentativeRelation.GUARDIAN,
    )


def identity_strings(person: Person) -> list[str]:
    """Every way a page could leak who the person is."""
    birth = person.birth_date
    representative = person.legal_representative
    values = [
        person.last_name,
        person.first_name,
        person.patronymic,
        person.iin,
        birth.isoformat(),
        birth.strftime("%d.%m.%Y"),
        birth.strftime("%d/%m/%Y"),
        birth.strftime("%m/%d/%Y"),
        person.address,
        "Достық",
        person.phone,
        person.phone.replace(" ", ""),
        person.email,
    ]
    if representative is not None:
        values += [representative.last_name, representative.first_name, representative.iin]
    return [value for value in values if value]


def sent(clinician: User, person: Person, **overrides: Any) -> Referral:
    """A complete vision referral, sent to the division."""
    referral = complete_vision_referral(clinician, person, **overrides)
    return referral_send(actor=clinician, referral=referral, expected_version=referral.version)


def returned(
    clinician: User, person: Person, specialist: User, *missing: str, **overrides: Any
) -> Referral:
    """A sent referral the division returned to the clinic, `missing` (one item at least) listed."""
    referral = sent(clinician, person, **overrides)
    return referral_return(
        actor=specialist,
        referral=referral,
        expected_version=referral.version,
        added_items=list(missing),
    )


def accepted(clinician: User, person: Person, specialist: User, **overrides: Any) -> Referral:
    referral = sent(clinician, person, **overrides)
    return referral_accept(actor=specialist, referral=referral, expected_version=referral.version)


def assigned(
    clinician: User, person: Person, head: User, experts: list[User], **overrides: Any
) -> Referral:
    referral = accepted(clinician, person, experts[0], **overrides)
    count = 3 if referral.route == "in_absentia" else 1
    return referral_assign_experts(
        actor=head, referral=referral, expected_version=referral.version, experts=experts[:count]
    )


def conclude(referral: Referral, experts: list[User], *conclusions: OutcomeInput) -> None:
    """Each assigned expert submits the matching conclusion (the last one repeats)."""
    for index, assignment in enumerate(referral.assignments.order_by("position")):
        expert = next(e for e in experts if e.pk == assignment.expert_id)
        conclusion_submit(
            actor=expert,
            assignment=assignment,
            expected_version=assignment.version,
            conclusion=conclusions[min(index, len(conclusions) - 1)],
        )


def concluded(
    clinician: User,
    person: Person,
    head: User,
    experts: list[User],
    *conclusions: OutcomeInput,
    **overrides: Any,
) -> Referral:
    """An assigned referral whose experts have each concluded (`conclusions` as `conclude` takes
    them, GROUP_2 if none), read again: the head's decision is next."""
    referral = assigned(clinician, person, head, experts, **overrides)
    conclude(referral, experts, *(conclusions or (GROUP_2,)))
    referral.refresh_from_db()
    return referral


def decision_post(referral: Referral, **overrides: Any) -> dict[str, Any]:
    """The decision page's form, filled as the head does for group 2 on a one-year term."""
    return {
        "version": referral.version,
        "conclusions": conclusions_stamp(list(referral.assignments.all())),
        "outcome": "established",
        "category_code": "ADULT_G2",
        "cause": "general_disease",
        "term": "1y",
        "reexamination_on": add_months(timezone.localdate(), 11).isoformat(),
        "reasons": "Majority of the experts.",
        **overrides,
    }


ELEVEN_MONTHS_ON = object()  # decide()'s default: a re-examination eleven months from today


def decide(
    referral: Referral,
    head: User,
    decision: OutcomeInput = GROUP_2,
    reexamination_on: dt.date | object | None = ELEVEN_MONTHS_ON,
) -> Decision:
    """The head records the decision on the referral as it now stands (its version and its
    experts' conclusions read afresh); the service's refusal is raised as it is."""
    if reexamination_on is ELEVEN_MONTHS_ON:
        reexamination_on = add_months(timezone.localdate(), 11)
    assert reexamination_on is None or isinstance(reexamination_on, dt.date)
    referral.refresh_from_db()
    return referral_decide(
        actor=head,
        referral=referral,
        expected_version=referral.version,
        expected_conclusions=conclusions_stamp(list(referral.assignments.all())),
        decision=decision,
        reexamination_on=reexamination_on,
    )


def decided(
    clinician: User,
    person: Person,
    head: User,
    experts: list[User],
    *conclusions: OutcomeInput,
    decision: OutcomeInput = GROUP_2,
    **overrides: Any,
) -> Referral:
    referral = concluded(
        clinician, person, head, experts, *(conclusions or (decision,)), **overrides
    )
    decide(
        referral,
        head,
        decision,
        reexamination_on=add_months(timezone.localdate(), 11)
        if decision.outcome == Outcome.ESTABLISHED and decision.term != Term.INDEFINITE
        else None,
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECIDED
    return referral


def notified(
    clinician: User, person: Person, head: User, experts: list[User], **overrides: Any
) -> Referral:
    """A decided referral whose decision the person has been told of (and may appeal)."""
    referral = decided(clinician, person, head, experts, **overrides)
    return referral_notify(actor=head, referral=referral, expected_version=referral.version)


def filed_appeal(referral: Referral, actor: User, **overrides: Any) -> Any:
    """An appeal against the referral's decision filed today by `actor` on the person's behalf
    (`overrides`: any other argument of `appeal_file`)."""
    values: dict[str, Any] = {
        "filed_on": timezone.localdate(),
        "filed_by": AppealFiledBy.PERSON,
        "grounds": "The group is too low for the impairment.",
        **overrides,
    }
    return appeal_file(actor=actor, referral=referral, **values)


def take_up(appeal: Any, reviewer: User) -> Any:
    """The higher body's `reviewer` takes the filed appeal up for review."""
    return appeal_start_review(actor=reviewer, appeal=appeal, expected_version=appeal.version)


def resolve(appeal: Any, reviewer: User, **outcome: Any) -> Any:
    """The reviewer resolves the appeal as they last read it (`outcome`: `appeal_resolve`'s
    arguments, e.g. `changed_to_group_1()`); the service's refusal is raised as it is."""
    return appeal_resolve(actor=reviewer, appeal=appeal, expected_version=appeal.version, **outcome)


def changed_to_group_1(**overrides: Any) -> dict[str, Any]:
    """What `resolve` takes to change the decision to GROUP_1, re-examined in twenty months."""
    return {
        "upheld": False,
        "outcome_reasons": "Field narrowed to 5 degrees: group I.",
        "new_decision": GROUP_1,
        "reexamination_on": add_months(timezone.localdate(), 20),
        **overrides,
    }
