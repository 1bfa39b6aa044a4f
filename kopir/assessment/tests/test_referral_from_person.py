"""The person's page starts a referral with the person already chosen (issue 11: no retyping the
IIN), for the clinic's staff only; the form is filled only with a person the clinic may see."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.access import new_referral_address
from kopir.assessment.tests.helpers import en_url
from kopir.audit.models import AuditAction, AuditEvent
from kopir.directory.models import Organisation
from kopir.people.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules")]


def test_the_person_page_offers_a_clinician_a_new_referral_for_that_person(
    client: Client, clinician: User, person: Person
) -> None:
    client.force_login(clinician)

    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()

    assert f'href="{new_referral_address(person)}"' in page.replace("&amp;", "&")


def test_the_new_referral_form_opened_from_the_person_page_has_the_iin_filled_in(
    client: Client, clinician: User, person: Person
) -> None:
    client.force_login(clinician)
    before = AuditEvent.objects.filter(action=AuditAction.VIEW, target_id=str(person.pk)).count()

    response = client.get(f"{en_url('clinic_create')}?person={person.pk}")

    assert response.status_code == 200
    assert response.context["form"]["iin"].value() == person.iin
    assert f'value="{person.iin}"' in response.content.decode()
    # Showing the IIN is a read of the person's record, and is audited as one.
    after = AuditEvent.objects.filter(action=AuditAction.VIEW, target_id=str(person.pk)).count()
    assert after == before + 1


def test_a_person_of_another_clinic_is_not_filled_in(
    client: Client, outsider: User, person: Person
) -> None:
    client.force_login(outsider)

    assert client.get(f"{en_url('clinic_create')}?person={person.pk}").status_code == 404
    assert client.get(f"{en_url('clinic_create')}?person=not-a-number").status_code == 404


def test_roles_that_do_not_refer_see_no_new_referral_button(
    client: Client, clinic: Organisation, person: Person
) -> None:
    head = UserFactory.create(organisation=clinic, roles=[Role.MSE_HEAD])
    client.force_login(head)

    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()

    assert reverse("assessment:clinic_create") not in page
