"""Writing referrals: create (numbered, routed, validated), change a draft, send and send again
after a return (the state machine's send transitions), and attach documents."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import (
    FindingKind,
    IntakeChannel,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Route,
)
from kopir.assessment.services.completeness import IncompleteReferral
from kopir.assessment.services.referral_routing import TERRITORY_CHAIN
from kopir.assessment.services.referrals import (
    FindingInput,
    referral_send,
    referral_update,
    route_to_division,
)
from kopir.assessment.tests.clinic_fixtures import (
    commission,
    complete_vision_referral,
    days_ago,
    make_referral,
    some_limitations,
    vision_findings,
)
from kopir.assessment.tests.helpers import errors_of
from kopir.assessment.workflow import InvalidTransition, referral_transition
from kopir.audit.models import AuditEvent
from kopir.core.errors import AccessDenied, ConflictError
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.people.models import LinkBasis, Person, PersonLink
from kopir.people.tests.factories import PersonFactory

pytestmark = pytest.mark.usefixtures("icd10", "demo_rules")
S = ReferralStatus


# --- Creating --------------------------------------------------------------------------------------


def test_a_new_referral_is_a_numbered_draft_routed_to_the_division_of_the_persons_region(
    clinician, person, division
):
    referral = make_referral(clinician, person, "h54,0", secondary_codes=["H90.3"])

    year = days_ago(0).year
    assert referral.number == f"MSE-{year}-000001"
    assert referral.status == S.DRAFT
    assert referral.mse_division == division
    assert referral.primary_diagnosis.code == "H54.0"
    assert [s.code.code for s in referral.secondary_diagnoses.all()] == ["H90.3"]
    assert referral.created_by == clinician
    assert referral.events.get().to_status == S.DRAFT
    assert AuditEvent.objects.filter(
        action="create", target_type="assessment.referral", target_id=str(referral.pk)
    ).exists()
    assert make_referral(clinician, person).number == f"MSE-{year}-000002"


def test_routing_prefers_a_division_on_the_persons_own_territory(person, district, division):
    local = OrganisationFactory.create(kind=OrganisationKind.MSE_DIVISION, territory=district)

    assert route_to_division(person) == local


def test_routing_walks_up_own_division_before_the_departments_nearest_level_first(
    region, district, django_assert_num_queries
):
    """The rule route_to_division applies at each level from the person's territory up: an
    active division on the territory, else (lowest code first) an active division of an active
    MSE department on it; the nearest level wins. Read in one query, whatever the depth."""
    settlement = TerritoryFactory.create(parent=district)
    person = PersonFactory.create(territory=settlement)
    Division, Department = OrganisationKind.MSE_DIVISION, OrganisationKind.MSE_DEPARTMENT
    on_region = OrganisationFactory.create(code="b-region", kind=Division, territory=region)
    # On the district, only through a department: one inactive division, one of an inactive
    # department, and the one that serves (not the lowest code of all).
    department = OrganisationFactory.create(code="dep", kind=Department, territory=district)
    closed = OrganisationFactory.create(code="dep-closed", kind=Department, territory=district)
    closed.is_active = False
    closed.save()
    OrganisationFactory.create(code="a-of-closed", kind=Division, parent=closed)
    inactive = OrganisationFactory.create(code="a-inactive", kind=Division, parent=department)
    inactive.is_active = False
    inactive.save()
    serving = OrganisationFactory.create(code="c-serving", kind=Division, parent=department)
    OrganisationFactory.create(code="d-serving", kind=Division, parent=department)
    person = Person.objects.select_related(TERRITORY_CHAIN).get(pk=person.pk)

    with django_assert_num_queries(1):
        assert route_to_division(person) == serving
    # A division on the district itself comes before its department's.
    own = OrganisationFactory.create(code="z-own", kind=Division, territory=district)
    assert route_to_division(person) == own
    # Nothing on the settlement or the district: the region's own.
    own.delete()
    Organisation.objects.filter(parent=department).delete()
    assert route_to_division(person) == on_region


def test_a_person_nobody_serves_cannot_be_routed(db):
    person = PersonFactory.create(territory=TerritoryFactory.create())

    with pytest.raises(ValidationError) as raised:
        route_to_division(person)
    assert "person" in errors_of(raised)


def test_every_bad_input_is_named_by_its_field_path_and_nothing_is_written(clinician, person):
    findings = [
        FindingInput(FindingKind.VISUAL_ACUITY, days_ago(1), "right", Decimal("3")),
        FindingInput(FindingKind.HEARING_THRESHOLD, days_ago(1), "", Decimal("80")),
        FindingInput(FindingKind.HISTOLOGY, days_ago(-2), text=""),
    ]

    with pytest.raises(ValidationError) as raised:
        make_referral(
            clinician,
            person,
            "H54",
            secondary_codes=["X99.9"],
            findings=findings,
            commission_date=days_ago(-1),
        )

    assert set(errors_of(raised)) == {
        "primary_code",
        "secondary_codes",
        "commission_date",
        "findings.0.value",
        "findings.1.side",
        "findings.2.measured_on",
        "findings.2.text",
    }
    assert not Referral.objects.exists()


def test_the_main_diagnosis_is_not_repeated_among_further_ones(clinician, person):
    with pytest.raises(ValidationError) as raised:
        make_referral(clinician, person, "H54.0", secondary_codes=["H54.0"])

    assert "secondary_codes" in errors_of(raised)


def test_a_clinician_may_refer_only_a_person_the_clinic_works_with(clinician, district):
    stranger = PersonFactory.create(territory=district)

    with pytest.raises(ValidationError) as raised:
        make_referral(clinician, stranger)
    assert "person" in errors_of(raised)


def test_a_clinician_may_not_refer_for_another_organisation(clinician, person, other_clinic):
    with pytest.raises(AccessDenied):
        make_referral(clinician, person, medical_organisation=other_clinic)


def test_a_system_may_refer_without_a_user_but_the_web_form_may_not(clinic, person):
    values = {"medical_organisation": clinic}
    with pytest.raises(AccessDenied):
        make_referral_as(None, person, channel=IntakeChannel.WEB, **values)

    referral = make_referral_as(
        None, person, channel=IntakeChannel.API, external_id="MIS-1", **values
    )
    assert referral.channel == IntakeChannel.API
    with pytest.raises(ValidationError) as raised:
        make_referral_as(None, person, channel=IntakeChannel.API, external_id="MIS-1", **values)
    assert "external_id" in errors_of(raised)


def make_referral_as(actor, person, **overrides):
    from kopir.assessment.services.referrals import referral_create

    values = {
        "actor": actor,
        "person": person,
        "purpose": "primary",
        "route": Route.IN_ABSENTIA,
        "primary_code": "H54.0",
        **commission(),
        **overrides,
    }
    return referral_create(**values)


# --- Changing a draft ------------------------------------------------------------------------------


def _update(referral, actor, version, **overrides):
    values = {
        "actor": actor,
        "referral": referral,
        "expected_version": version,
        "person": referral.person,
        "purpose": referral.purpose,
        "route": referral.route,
        "primary_code": "H54.0",
        **commission(),
        "findings": vision_findings(),
        "limitations": some_limitations(),
        **overrides,
    }
    return referral_update(**values)


def test_a_draft_is_changed_wholesale_and_the_version_moves_on(clinician, person):
    referral = make_referral(clinician, person, "H54.4", secondary_codes=["G35"])
    read_at = referral.version

    updated = _update(referral, clinician, read_at, secondary_codes=["H90.3"])

    assert updated.version == read_at + 1
    assert updated.primary_diagnosis.code == "H54.0"
    assert [s.code.code for s in updated.secondary_diagnoses.all()] == ["H90.3"]
    assert updated.findings.count() == 4


def test_a_change_from_a_stale_page_is_a_conflict_and_overwrites_nothing(clinician, person):
    referral = make_referral(clinician, person, "H54.4")
    read_at = referral.version
    _update(referral, clinician, read_at)

    with pytest.raises(ConflictError):
        _update(referral, clinician, read_at, primary_code="G35")

    referral.refresh_from_db()
    assert referral.primary_diagnosis.code == "H54.0"


def test_a_returned_referral_stays_about_the_same_person(clinician, person, child):
    referral = _sent(complete_vision_referral(clinician, person), clinician)
    referral = referral_transition(
        referral=referral, to_status=S.RETURNED, actor=None, expected_version=referral.version
    )

    with pytest.raises(ValidationError) as raised:
        _update(referral, clinician, referral.version, person=child)
    assert "person" in errors_of(raised)


def test_a_sent_referral_can_no_longer_be_changed(clinician, person):
    referral = _sent(complete_vision_referral(clinician, person), clinician)

    with pytest.raises(InvalidTransition):
        _update(referral, clinician, referral.version)


# --- Sending ---------------------------------------------------------------------------------------


def _sent(referral, actor):
    return referral_send(actor=actor, referral=referral, expected_version=referral.version)


def test_an_incomplete_referral_is_not_sent_and_the_error_lists_what_is_missing(clinician, person):
    referral = make_referral(clinician, person, "H54.0")

    with pytest.raises(IncompleteReferral) as raised:
        _sent(referral, clinician)

    assert [item.code for item in raised.value.missing][:2] == [
        "visual_acuity:right",
        "visual_acuity:left",
    ]
    referral.refresh_from_db()
    assert referral.status == S.DRAFT
    assert referral.first_sent_at is None


def test_a_complete_referral_is_sent_with_its_deadline_and_a_timeline_entry(clinician, person):
    referral = complete_vision_referral(clinician, person)

    sent = _sent(referral, clinician)

    assert sent.status == S.SENT
    assert sent.first_sent_at is not None
    assert sent.step_due_on is not None
    event = sent.events.order_by("-id").first()
    assert (event.from_status, event.to_status, event.actor) == (S.DRAFT, S.SENT, clinician)


def test_an_in_absentia_referral_gives_the_division_no_access_to_the_person(clinician, person):
    sent = _sent(complete_vision_referral(clinician, person), clinician)

    assert not PersonLink.objects.filter(person=person, organisation=sent.mse_division).exists()


def test_an_in_person_referral_gives_the_division_access_to_the_person(clinician, person):
    sent = _sent(complete_vision_referral(clinician, person, route=Route.IN_PERSON), clinician)

    assert PersonLink.objects.filter(
        person=person, organisation=sent.mse_division, basis=LinkBasis.REFERRAL
    ).exists()


def test_a_returned_referral_is_sent_again_and_keeps_its_first_sending_time(clinician, person):
    sent = _sent(complete_vision_referral(clinician, person), clinician)
    first = sent.first_sent_at
    returned = referral_transition(
        referral=sent, to_status=S.RETURNED, actor=None, expected_version=sent.version
    )

    again = _sent(returned, clinician)

    assert again.status == S.SENT
    assert again.first_sent_at == first
    assert list(again.events.values_list("to_status", flat=True)) == [
        S.DRAFT,
        S.SENT,
        S.RETURNED,
        S.SENT,
    ]


@pytest.mark.parametrize("status", [S.SENT, S.ACCEPTED, S.DECIDED, S.WITHDRAWN])
def test_a_referral_that_is_not_a_draft_or_returned_cannot_be_sent(clinician, person, status):
    referral = complete_vision_referral(clinician, person)
    Referral.objects.filter(pk=referral.pk).update(status=status)
    referral.refresh_from_db()

    with pytest.raises(InvalidTransition):
        _sent(referral, clinician)
    assert ReferralEvent.objects.filter(referral=referral).count() == 1


def test_sending_from_a_stale_page_is_a_conflict(clinician, person):
    referral = complete_vision_referral(clinician, person)
    stale_version = referral.version - 1  # the page was read before the document was attached

    with pytest.raises(ConflictError):
        referral_send(actor=clinician, referral=referral, expected_version=stale_version)


def test_another_clinics_user_cannot_send(clinician, person, outsider):
    referral = complete_vision_referral(clinician, person)

    with pytest.raises(AccessDenied):
        _sent(referral, outsider)


def test_an_mse_specialist_cannot_write_referrals(person, division):
    specialist = UserFactory.create(organisation=division, roles=[Role.MSE_SPECIALIST])

    with pytest.raises(AccessDenied):
        make_referral_as(specialist, person, medical_organisation=division)
