"""One timeline per person: in order, complete for the MSE division, in plain words without staff
names, notes or the diagnosis for the person; audited; a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.tests.fixtures import signed_in
from kopir.rehabilitation.models import Handoff, MeasureEvent, MeasureStatus
from kopir.rehabilitation.selectors.timeline import Audience, person_timeline
from kopir.rehabilitation.services.routing import handoff_record
from kopir.rehabilitation.tests.factories import MeasureFactory, ProgrammeLineFactory
from kopir.rehabilitation.tests.followup_fixtures import english_messages as english_messages
from kopir.rehabilitation.tests.followup_fixtures import no_second_factor as no_second_factor
from kopir.rehabilitation.tests.followup_fixtures import world as world

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("no_second_factor", "english_messages"),
]


@pytest.fixture
def history(world):
    """Moves of both measures at known times, a redirect with a reason among them."""
    base = timezone.now() - dt.timedelta(days=10)
    with transaction.atomic():
        handoff_record(
            measure=world.job,
            to_organisation=world.career_centre,
            from_organisation=world.employment_office,
            by=world.officer,
            reason="Жұмысқа орналастыру біздің құзыретімізде емес",
            at=base + dt.timedelta(hours=2),
        )
    moves = [
        (1, MeasureStatus.ASSIGNED, MeasureStatus.ACCEPTED, ""),
        (3, MeasureStatus.ACCEPTED, MeasureStatus.DELIVERED, "Сериялық нөмірі SN-4411"),
    ]
    for hours, from_status, to_status, note in moves:
        MeasureEvent.objects.create(
            measure=world.hearing,
            from_status=from_status,
            to_status=to_status,
            actor=world.officer,
            organisation=world.employment_office,
            at=base + dt.timedelta(hours=hours),
            note=note,
        )
    return world


def test_the_staff_timeline_is_in_order_and_complete(history):
    timeline = person_timeline(
        programmes=[history.programme], audience=Audience.STAFF, viewer=history.specialist
    )
    ats = [entry.at for entry in timeline.entries]
    assert ats == sorted(ats)
    kinds = [entry.kind for entry in timeline.entries]
    assert {"mse", "programme", "handoff", "measure"} <= set(kinds)
    titles = [entry.title for entry in timeline.entries]
    accepted = titles.index("Hearing aid: Assigned → Accepted")
    passed = next(i for i, t in enumerate(titles) if "Job placement passed on to" in t)
    delivered = titles.index("Hearing aid: Accepted → Delivered")
    assert accepted < passed < delivered
    text = " ".join(f"{e.title} {e.detail} {e.actor}" for e in timeline.entries)
    # Staff read the notes, the redirect's reason and who acted.
    assert "SN-4411" in text
    assert "құзыретімізде" in text
    assert history.officer.get_full_name() in text
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, target_id=str(history.programme.pk), detail="timeline staff"
    ).exists()


def test_the_citizen_timeline_has_no_staff_names_notes_reasons_or_diagnosis(history):
    timeline = person_timeline(
        programmes=[history.programme], audience=Audience.CITIZEN, viewer=None
    )
    text = " ".join(f"{e.title} {e.detail} {e.actor} {e.organisation}" for e in timeline.entries)
    assert "Hearing aid: The organisation reports it delivered" in text
    assert "Job placement passed on to" in text
    for secret in (
        "SN-4411",
        "құзыретімізде",
        "Шешім почтамен",
        history.officer.get_full_name(),
        history.head.get_full_name(),
        history.programme.referral.primary_diagnosis.code,
    ):
        assert secret not in text
    assert all(entry.actor == "" for entry in timeline.entries)


def test_the_timeline_reads_a_fixed_number_of_queries(history, django_assert_max_num_queries):
    def read() -> int:
        return len(
            person_timeline(
                programmes=[history.programme], audience=Audience.STAFF, viewer=history.specialist
            ).entries
        )

    with django_assert_max_num_queries(12):
        before = read()
    for _ in range(4):
        line = ProgrammeLineFactory.create(
            programme_version=history.version, measure_type__catalogue=history.version.catalogue
        )
        measure = MeasureFactory.create(line=line)
        MeasureEvent.objects.create(
            measure=measure, from_status="", to_status=MeasureStatus.ASSIGNED, at=timezone.now()
        )
        Handoff.objects.create(
            measure=measure,
            to_organisation=measure.organisation,
            at=timezone.now(),
            due_on=measure.due_on,
        )
    with django_assert_max_num_queries(12):
        assert read() == before + 8


def test_the_division_reads_the_timeline_page(history):
    url = reverse("rehabilitation:programme_timeline", args=[history.programme.pk])
    for user in (history.specialist, history.head):
        response = signed_in(Client(), user).get(url)
        assert response.status_code == 200
        assert "Hearing aid" in response.content.decode()


def test_others_do_not_reach_the_timeline(history, client):
    from kopir.accounts.models import Role
    from kopir.accounts.tests.factories import UserFactory
    from kopir.directory.models import OrganisationKind
    from kopir.directory.tests.factories import OrganisationFactory

    url = reverse("rehabilitation:programme_timeline", args=[history.programme.pk])
    other_division = OrganisationFactory.create(kind=OrganisationKind.MSE_DIVISION)
    outsider = UserFactory.create(organisation=other_division, roles=[Role.MSE_SPECIALIST])
    assert signed_in(Client(), outsider).get(url).status_code == 404
    # The agency that executes a measure sees its measure, not the MSE steps.
    assert signed_in(Client(), history.officer).get(url).status_code == 403
    assert signed_in(Client(), history.council_member).get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_the_appeal_and_the_changed_decision_are_steps_of_both_timelines(world):
    from kopir.assessment.models import Appeal, AppealFiledBy, AppealStatus
    from kopir.directory.tests.factories import OrganisationFactory
    from kopir.rehabilitation.tests.factories import DecisionFactory

    referral = world.programme.referral
    appealed = referral.decisions.order_by("-sequence").first() or DecisionFactory.create(
        referral=referral
    )
    higher_body = OrganisationFactory.create()
    now = timezone.now()
    appeal = Appeal.objects.create(
        referral=referral,
        decision=appealed,
        filed_on=timezone.localdate(),
        filed_by=AppealFiledBy.PERSON,
        grounds="Көру өрісі тарылған",
        recorded_by=world.specialist,
        higher_body=higher_body,
        status=AppealStatus.CHANGED,
        step_started_on=timezone.localdate(),
        review_started_at=now,
        resolved_at=now,
        outcome_reasons="Field narrowed to 5 degrees",
    )
    DecisionFactory.create(
        referral=referral, sequence=appealed.sequence + 1, appeal=appeal, decided_at=now
    )

    citizen = person_timeline(
        programmes=[world.programme], audience=Audience.CITIZEN, viewer=None
    ).entries
    titles = [entry.title for entry in citizen]
    number = referral.number
    assert f"Appeal against the MSE decision on case {number} filed" in titles
    assert f"The higher MSE body is reviewing the appeal on case {number}" in titles
    assert f"Appeal on case {number} decided: the decision was changed" in titles
    assert f"MSE decision on case {number}, changed on appeal" in titles
    texts = " ".join(f"{entry.title} {entry.detail}" for entry in citizen)
    assert "Көру өрісі" not in texts
    assert "Field narrowed" not in texts

    staff = person_timeline(
        programmes=[world.programme], audience=Audience.STAFF, viewer=world.specialist
    ).entries
    resolved = next(entry for entry in staff if "decided: the decision was changed" in entry.title)
    assert (resolved.detail, resolved.organisation) == (
        "Field narrowed to 5 degrees",
        higher_body.name,
    )
