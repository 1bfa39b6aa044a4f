"""The deadline sweep: stored flags, escalation one tier per period to the right recipient,
batches over more rows than a batch, idempotent, and safe in two workers at once."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kopir.accounts.tests.factories import UserFactory
from kopir.audit.models import AuditEvent
from kopir.core.tests.concurrency import ON_POSTGRESQL, run_at_once_all_succeeding
from kopir.core.working_days import add_working_days
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.exchange.models import Delivery, OutboxEvent
from kopir.exchange.tests.factories import SubscriptionFactory
from kopir.notices.models import Notice
from kopir.rehabilitation.models import Measure, MeasureStatus
from kopir.rehabilitation.services import deadlines
from kopir.rehabilitation.services.deadlines import measure_refresh_flags, measures_sweep_deadlines
from kopir.rehabilitation.tests.factories import MeasureFactory

# A Wednesday with no holiday near it, so working days are easy to follow.
TODAY = dt.date(2026, 11, 18)
ORAL = dt.timezone(dt.timedelta(hours=5))


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(5, 30), tzinfo=ORAL)


def sweep(day: dt.date = TODAY, **kwargs: Any) -> deadlines.SweepRun:
    return measures_sweep_deadlines(today=day, now=at(day), **kwargs)


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []
    monkeypatch.setattr(
        deadlines.events,
        "publish_many",
        lambda kind, rows: seen.extend((kind, row["id"]) for row in rows),
    )
    return seen


@pytest.fixture
def agency():
    region_office = OrganisationFactory.create(
        kind=OrganisationKind.EMPLOYMENT_SOCIAL, email="region@example.test"
    )
    return OrganisationFactory.create(
        kind=OrganisationKind.EMPLOYMENT_SOCIAL, email="district@example.test", parent=region_office
    )


def flags(measure: Measure) -> tuple[bool, bool, int]:
    measure.refresh_from_db()
    return measure.at_risk, measure.overdue, measure.escalation_tier


@pytest.mark.django_db
def test_flags_follow_the_due_date_on_the_working_day_calendar(published):
    risk_edge = add_working_days(TODAY, 3)
    late = MeasureFactory.create(due_on=TODAY - dt.timedelta(days=1))
    due_today = MeasureFactory.create(due_on=TODAY)
    at_edge = MeasureFactory.create(due_on=risk_edge)
    after_edge = MeasureFactory.create(due_on=risk_edge + dt.timedelta(days=1))
    closed = MeasureFactory.create(
        due_on=TODAY - dt.timedelta(days=5), status=MeasureStatus.DELIVERED, overdue=True
    )

    sweep()

    assert flags(late)[:2] == (False, True)
    assert flags(due_today)[:2] == (True, False)
    assert flags(at_edge)[:2] == (True, False)
    assert flags(after_edge)[:2] == (False, False)
    assert flags(closed) == (False, False, 0)


@pytest.mark.django_db
def test_the_at_risk_window_is_a_setting(settings, published):
    settings.REHABILITATION_DEADLINES = {"at_risk_working_days": 1}
    soon = MeasureFactory.create(due_on=add_working_days(TODAY, 2))
    sweep()
    assert flags(soon)[:2] == (False, False)
    settings.REHABILITATION_DEADLINES = {"at_risk_working_days": 2}
    sweep()
    assert flags(soon)[:2] == (True, False)


@pytest.mark.django_db
def test_escalation_climbs_one_tier_per_period_to_each_tiers_recipient(agency, published):
    officer = UserFactory.create(organisation=agency, email="officer@example.test")
    measure = MeasureFactory.create(
        organisation=agency, officer=officer, status=MeasureStatus.ACCEPTED, due_on=TODAY
    )
    day = TODAY + dt.timedelta(days=1)  # Thursday: one day late

    assert sweep(day).escalated == {measure.pk: 1}
    assert flags(measure) == (False, True, 1)
    assert list(Notice.objects.values_list("address", "topic")) == [
        ("officer@example.test", "rehabilitation.measure.escalation.1")
    ]
    assert published == [("measure.escalated", measure.pk)]

    # The next working days, up to the interval: nothing more.
    for later in (add_working_days(day, 1), add_working_days(day, 2)):
        assert sweep(later).escalated == {}
    assert Notice.objects.count() == 1

    tier2_day = add_working_days(day, 3)
    assert sweep(tier2_day).escalated == {measure.pk: 2}
    tier3_day = add_working_days(tier2_day, 3)
    assert sweep(tier3_day).escalated == {measure.pk: 3}
    # Tier 3 is the last.
    assert sweep(add_working_days(tier3_day, 10)).escalated == {}

    notices = Notice.objects.order_by("id")
    assert [n.address for n in notices] == [
        "officer@example.test",
        "district@example.test",
        "region@example.test",
    ]
    # Each concerns the executing organisation, so its staff see what was sent about it.
    assert {n.concerns_organisation_id for n in notices} == {agency.pk}
    assert "IRP-" in notices[2].subject
    assert [kind for kind, _pk in published] == ["measure.escalated"] * 3


@pytest.mark.django_db
def test_without_an_officer_or_a_parent_the_organisation_then_the_mse_division_hear(published):
    lone = OrganisationFactory.create(
        kind=OrganisationKind.HEALTH_OFFICE, email="health@example.test"
    )
    measure = MeasureFactory.create(organisation=lone, due_on=TODAY - dt.timedelta(days=30))
    division = measure.programme.division
    division.email = "mse@example.test"
    division.save()
    day = TODAY
    for _tier in range(3):
        sweep(day)
        day = add_working_days(day, 3)
    assert list(Notice.objects.order_by("id").values_list("address", flat=True)) == [
        "health@example.test",
        "health@example.test",
        "mse@example.test",
    ]


@pytest.mark.django_db
def test_a_second_run_changes_nothing_and_sends_nothing(agency, published):
    for offset in range(-3, 8):
        MeasureFactory.create(organisation=agency, due_on=TODAY + dt.timedelta(days=offset))
    first = sweep()
    assert first.flagged > 0
    assert len(first.escalated) == 3
    notices = Notice.objects.count()
    before = list(Measure.objects.order_by("id").values())

    second = sweep()

    assert (second.flagged, second.escalated) == (0, {})
    assert Notice.objects.count() == notices
    assert list(Measure.objects.order_by("id").values()) == before
    assert len(published) == 3


@pytest.mark.django_db
def test_the_table_is_read_in_batches_by_id(published, django_assert_max_num_queries):
    late = [MeasureFactory.create(due_on=TODAY - dt.timedelta(days=2)) for _ in range(7)]
    calm = [MeasureFactory.create(due_on=TODAY + dt.timedelta(days=60)) for _ in range(3)]

    run = sweep(batch_size=3)

    assert run.batches == 4  # ten rows, three a batch
    assert all(flags(m)[1] for m in late)
    assert not any(flags(m)[1] for m in calm)
    assert sorted(run.escalated) == sorted(m.pk for m in late)
    # A fixed number of statements per batch, whatever it holds: the calendar's two reads, then
    # per batch its keyset read, a savepoint and its release, four UPDATEs and the escalation
    # read, and the final empty keyset read.
    with django_assert_max_num_queries(2 + 4 * 8 + 1):
        assert sweep(batch_size=3).flagged == 0


@pytest.mark.django_db
def test_a_due_date_that_moves_clears_the_flags_and_the_tier(agency, published):
    measure = MeasureFactory.create(organisation=agency, due_on=TODAY - dt.timedelta(days=3))
    sweep()
    assert flags(measure) == (False, True, 1)

    # A redirect gives a new owner a new clock: the service saves the due date, then refreshes.
    with transaction.atomic():
        Measure.objects.filter(pk=measure.pk).update(due_on=TODAY + dt.timedelta(days=1))
        measure_refresh_flags(measure, today=TODAY)
    assert (measure.at_risk, measure.overdue, measure.escalation_tier) == (True, False, 0)
    assert measure.escalated_at is None

    Measure.objects.filter(pk=measure.pk).update(due_on=TODAY + dt.timedelta(days=40))
    measure_refresh_flags(measure, today=TODAY)
    assert flags(measure) == (False, False, 0)


@ON_POSTGRESQL
@pytest.mark.usefixtures("committing_db")
def test_two_workers_at_once_escalate_each_measure_once(published):
    agency = OrganisationFactory.create(kind=OrganisationKind.EMPLOYMENT_SOCIAL, email="a@x.test")
    measures = [
        MeasureFactory.create(organisation=agency, due_on=TODAY - dt.timedelta(days=2))
        for _ in range(12)
    ]

    runs = run_at_once_all_succeeding(lambda _i: sweep(batch_size=5), 2)

    escalated = [pk for run in runs for pk in run.escalated]
    assert sorted(escalated) == sorted(m.pk for m in measures)
    assert sum(run.flagged for run in runs) == len(measures)
    assert Notice.objects.count() == len(measures)
    assert set(Measure.objects.values_list("escalation_tier", flat=True)) == {1}
    assert not Measure.objects.filter(escalated_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_escalation_interval_is_a_setting(settings, agency, published):
    settings.REHABILITATION_DEADLINES = {"escalation_interval_working_days": 1}
    measure = MeasureFactory.create(organisation=agency, due_on=TODAY - dt.timedelta(days=1))
    assert sweep().escalated == {measure.pk: 1}
    assert sweep(add_working_days(TODAY, 1)).escalated == {measure.pk: 2}


def _sweep_statements(late: int) -> int:
    for _ in range(late):
        MeasureFactory.create(due_on=TODAY - dt.timedelta(days=2))
    with CaptureQueriesContext(connection) as statements:
        run = sweep(batch_size=100)
    assert len(run.escalated) == late
    return len(statements)


@pytest.mark.django_db
def test_escalations_are_written_in_bulk_so_a_batch_costs_the_same_whatever_it_escalates():
    # Real notices, events and audit records: only the rows per statement grow.
    with transaction.atomic():
        few = _sweep_statements(2)
        transaction.set_rollback(True)
    assert _sweep_statements(9) == few


@pytest.mark.django_db
def test_a_bulk_sweep_leaves_each_escalation_its_notice_event_and_audit_record_in_one_chain(
    agency,
):
    SubscriptionFactory.create(
        organisation=agency, event_kinds=["rehabilitation.measure.escalated"]
    )
    late = [
        MeasureFactory.create(organisation=agency, due_on=TODAY - dt.timedelta(days=n))
        for n in range(1, 6)
    ]
    MeasureFactory.create(organisation=agency, due_on=TODAY + dt.timedelta(days=30))

    run = sweep(batch_size=2)

    assert sorted(run.escalated) == sorted(m.pk for m in late)
    notices = Notice.objects.filter(topic="rehabilitation.measure.escalation.1")
    assert sorted(int(n.related_id) for n in notices) == sorted(m.pk for m in late)
    assert {n.address for n in notices} == {"district@example.test"}
    events = OutboxEvent.objects.filter(kind="rehabilitation.measure.escalated")
    assert sorted(e.payload["measure_id"] for e in events) == sorted(m.pk for m in late)
    assert {(e.payload["escalation_tier"], e.payload["overdue"]) for e in events} == {(1, True)}
    assert Delivery.objects.filter(event__in=events).count() == len(late)
    records = AuditEvent.objects.filter(
        target_type="rehabilitation.measure", detail="overdue: escalated to tier 1"
    )
    assert sorted(int(r.target_id) for r in records) == sorted(m.pk for m in late)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "Audit chain intact" in out.getvalue()


@pytest.mark.django_db
def test_a_batch_that_fails_keeps_nothing_of_itself(agency, monkeypatch):
    measures = [
        MeasureFactory.create(organisation=agency, due_on=TODAY - dt.timedelta(days=2))
        for _ in range(4)
    ]

    def outbox_down(kind: str, rows: list[dict[str, Any]]) -> None:
        raise RuntimeError("outbox down")

    monkeypatch.setattr(deadlines.events, "publish_many", outbox_down)
    with pytest.raises(RuntimeError, match="outbox down"):
        sweep(batch_size=10)

    assert {flags(m) for m in measures} == {(False, False, 0)}
    assert not Notice.objects.exists()
    assert not AuditEvent.objects.filter(target_type="rehabilitation.measure").exists()


@pytest.mark.django_db
def test_one_text_per_organisation_and_tier_with_each_measures_own_lines(monkeypatch):
    from kopir.notices import services as notice_services

    renders: list[str] = []
    render_parts = notice_services._render_parts

    def counted(**kwargs: Any) -> Any:
        renders.append(kwargs["recipient"].address)
        return render_parts(**kwargs)

    monkeypatch.setattr(notice_services, "_render_parts", counted)
    english = OrganisationFactory.create(
        kind=OrganisationKind.EMPLOYMENT_SOCIAL, email="en@example.test", notice_language="en"
    )
    russian = OrganisationFactory.create(
        kind=OrganisationKind.HEALTH_OFFICE, email="ru@example.test", notice_language="ru"
    )
    late = {
        measure.pk: measure
        for measure in [
            MeasureFactory.create(organisation=english, due_on=TODAY - dt.timedelta(days=days))
            for days in (1, 2, 5)
        ]
        + [MeasureFactory.create(organisation=russian, due_on=TODAY - dt.timedelta(days=3))]
    }

    assert sorted(sweep().escalated) == sorted(late)

    assert sorted(renders) == ["en@example.test", "ru@example.test"]  # once per organisation
    for notice in Notice.objects.all():
        measure = late[int(notice.related_id)]
        days = (TODAY - measure.due_on).days
        name = measure.measure_type.name_en if notice.language == "en" else ""
        assert f"№ {measure.pk})" in notice.body
        assert measure.programme.number in notice.body
        assert measure.programme.number in notice.subject
        assert f"{measure.due_on:%d.%m.%Y}" in notice.body
        if notice.language == "en":
            assert f"{name} (№ {measure.pk})" in notice.body
            assert name in notice.subject
            assert (f"{days} day late" if days == 1 else f"{days} days late") in notice.body
            assert english.name_en in notice.body
        else:
            assert f"{measure.measure_type.name_ru} (№ {measure.pk})" in notice.body
            assert russian.name_ru in notice.body
        assert "\ue000" not in notice.body + notice.subject


def test_every_tier_an_overdue_measure_can_reach_has_a_named_topic():
    """The sweep sends each tier's notice under that tier's topic: a tier added without one
    would stop the sweep at its first measure to reach it."""
    from kopir.notices.topics import registered_topics
    from kopir.rehabilitation.notice_topics import ESCALATIONS

    assert sorted(ESCALATIONS) == list(range(1, deadlines.TOP_TIER + 1))
    assert set(ESCALATIONS.values()) <= set(registered_topics())
