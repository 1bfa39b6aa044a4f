"""A depersonalised case shows an age band, not the age: with the sex, the exact age singled out
the person among the division's persons (three cases tried, three identified)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kopir.accounts.models import User
from kopir.assessment.age_bands import AgeBand, age_in_years, band_of_age
from kopir.assessment.models import Route
from kopir.assessment.tests.division_fixtures import assigned, sent
from kopir.core.tests.fixtures import signed_in
from kopir.people.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules", "division")]


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, AgeBand(0, 6)),
        (6, AgeBand(0, 6)),
        (7, AgeBand(7, 17)),
        (17, AgeBand(7, 17)),
        (18, AgeBand(18, 29)),
        (44, AgeBand(30, 44)),
        (45, AgeBand(45, 59)),
        (60, AgeBand(60, None)),
        (103, AgeBand(60, None)),
    ],
)
def test_the_bands_follow_the_laws_child_ages_and_cover_every_age(age: int, band: AgeBand) -> None:
    assert band_of_age(age) == band


def test_a_band_reads_as_a_range_or_an_open_end() -> None:
    assert str(AgeBand(18, 29)) == "18–29 years"
    assert str(AgeBand(60, None)) == "60 years and over"


def exact_age(person: Person) -> str:
    return f"{age_in_years(person.birth_date, timezone.localdate())} years"


def band(person: Person) -> str:
    return str(band_of_age(age_in_years(person.birth_date, timezone.localdate())))


def test_the_expert_reads_an_age_band_on_an_in_absentia_case(
    client: Client, clinician: User, person: Person, head: User, experts: list[User]
) -> None:
    referral = assigned(clinician, person, head, experts)
    assignment = referral.assignments.get(expert=experts[0])
    page = signed_in(client, experts[0]).get(
        reverse("assessment:expert_review", args=[assignment.pk])
    )
    content = page.content.decode()
    assert band(person) in content
    assert exact_age(person) not in content


def test_a_specialist_reads_age_bands_on_the_divisions_case_page_queue_and_export(
    client: Client, clinician: User, person: Person, specialist: User
) -> None:
    referral = sent(clinician, person)
    signed_in(client, specialist)
    for url in (
        reverse("assessment:division_case", args=[referral.pk]),
        reverse("assessment:division_queue"),
        reverse("assessment:division_queue_export"),
    ):
        content = client.get(url).getvalue().decode()
        assert band(person) in content, url
        assert exact_age(person) not in content, url
    rows = client.get(reverse("assessment:division_queue_export")).getvalue().decode().splitlines()
    assert rows[1].split(",")[5] == band(person)


def test_who_may_see_the_person_reads_the_exact_age(
    client: Client, clinician: User, person: Person, head: User, experts: list[User]
) -> None:
    in_person = assigned(clinician, person, head, experts, route=Route.IN_PERSON)
    assignment = in_person.assignments.get()
    examining = signed_in(client, User.objects.get(pk=assignment.expert_id)).get(
        reverse("assessment:expert_review", args=[assignment.pk])
    )
    assert exact_age(person) in examining.content.decode()
    head_page = signed_in(client, head).get(
        reverse("assessment:division_case", args=[in_person.pk])
    )
    assert exact_age(person) in head_page.content.decode()


def test_a_child_under_seven_is_shown_in_the_band_the_law_names(
    client: Client, clinician: User, person: Person, head: User, experts: list[User]
) -> None:
    Person.objects.filter(pk=person.pk).update(
        birth_date=timezone.localdate() - dt.timedelta(days=365 * 4)
    )
    referral = assigned(clinician, person, head, experts)
    assignment = referral.assignments.get(expert=experts[0])
    page = signed_in(client, experts[0]).get(
        reverse("assessment:expert_review", args=[assignment.pk])
    )
    assert "0–6 years" in page.content.decode()
