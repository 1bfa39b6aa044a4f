"""Every registered workflow, every move: an allowed move writes one timeline event and one audit
record; a refused move or a stale version writes nothing.

The workflows are found by importing every Kopir app's `workflow` module and `services`, so a new
workflow is tested as soon as it exists; it only needs a builder below (a test says so).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction
from django.utils import timezone, translation

from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import Appeal, AppealFiledBy, Decision
from kopir.assessment.tests.factories import ReferralFactory
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.errors import ConflictError
from kopir.core.transitions import Edge, InvalidTransition, Workflow, no_timeline, workflows
from kopir.council import models as council
from kopir.council.tests.factories import (
    MeetingFactory,
    PetitionFactory,
    RecommendationFactory,
    WorkPlanItemFactory,
)
from kopir.directory.tests.factories import OrganisationFactory
from kopir.exchange.tests.factories import MessageFactory
from kopir.rehabilitation.tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def _import_every_workflow() -> tuple[Workflow, ...]:
    for config in apps.get_app_configs():
        if not config.name.startswith("kopir."):
            continue
        for part in ("workflow", "services"):
            name = f"{config.name}.{part}"
            if importlib.util.find_spec(name) is None:
                continue
            module = importlib.import_module(name)
            for info in pkgutil.walk_packages(getattr(module, "__path__", []), f"{name}."):
                importlib.import_module(info.name)
    return workflows()


WORKFLOWS = {workflow.name: workflow for workflow in _import_every_workflow()}


def ordered_edges(workflow: Workflow) -> list[Edge]:
    """The workflow's edges in one order in every process. Tables written as sets give their
    edges in an order that changes with the hash seed, and pytest-xdist's workers must collect
    the same parametrised tests in the same order."""
    return sorted(workflow.edges, key=lambda edge: (edge.source, edge.target))


def _appeal(status: str) -> Appeal:
    referral = ReferralFactory.create(status="notified")
    decision = Decision.objects.create(
        referral=referral,
        decided_by=UserFactory.create(),
        decided_by_organisation=referral.mse_division,
    )
    return Appeal.objects.create(
        referral=referral,
        decision=decision,
        filed_on=timezone.localdate(),
        filed_by=AppealFiledBy.PERSON,
        grounds="Топ тым төмен белгіленген.",
        recorded_by=UserFactory.create(),
        higher_body=OrganisationFactory.create(),
        status=status,
        step_started_on=timezone.localdate(),
    )


# How to build a record in a given state, per workflow.
BUILDERS: dict[str, Callable[[str], models.Model]] = {
    "assessment.referral": lambda status: ReferralFactory.create(status=status),
    "assessment.appeal": _appeal,
    "council.petition": lambda status: PetitionFactory.create(status=status),
    "council.petition_publication": lambda state: PetitionFactory.create(publication=state),
    "council.work_plan_item": lambda status: WorkPlanItemFactory.create(status=status),
    "council.meeting": lambda status: MeetingFactory.create(status=status),
    "council.recommendation": lambda status: RecommendationFactory.create(status=status),
    "rehabilitation.measure": lambda status: MeasureFactory.create(status=status),
    "exchange.message": lambda status: MessageFactory.create(status=status),
}


def _context(workflow: Workflow, record: models.Model, target: str) -> dict[str, Any]:
    """What a guarded move needs to be allowed (the guard's own test gives it nothing)."""
    if workflow.name == "council.recommendation":
        answer = council.RecommendationResponse.objects.create(
            recommendation_id=record.pk,
            author=UserFactory.create(),
            text="Квота орындалды.",
            reported_status=target,
        )
        return {"accepted_response": answer}
    return {}


def _snapshot(workflow: Workflow, record: models.Model) -> dict[str, Any]:
    stored = workflow.model._default_manager.get(pk=record.pk)
    return {
        "status": getattr(stored, workflow.status_field),
        "version": getattr(stored, workflow.version_field) if workflow.version_field else None,
        "events": workflow.event_model._default_manager.count() if workflow.event_model else 0,
        "audit": AuditEvent.objects.filter(
            action=AuditAction.UPDATE,
            target_type=f"{record._meta.app_label}.{record._meta.model_name}",
            target_id=str(record.pk),
        ).count(),
    }


def _allowed() -> list[Any]:
    return [
        pytest.param(name, edge.source, edge.target, id=f"{name}:{edge.source}->{edge.target}")
        for name, workflow in WORKFLOWS.items()
        for edge in ordered_edges(workflow)
    ]


def _refused() -> list[Any]:
    return [
        pytest.param(name, source, target, id=f"{name}:{source}->{target}")
        for name, workflow in WORKFLOWS.items()
        for source in workflow.states
        for target in workflow.states
        if not workflow.allows(source, target)
    ]


def _versioned() -> list[Any]:
    return [
        pytest.param(name, ordered_edges(workflow)[0], id=name)
        for name, workflow in WORKFLOWS.items()
        if workflow.version_field
    ]


def _record_in(name: str, source: str) -> tuple[Workflow, models.Model, dict[str, Any]]:
    """Workflow `name`, a record of it in status `source`, and what is stored for it now."""
    workflow = WORKFLOWS[name]
    record = BUILDERS[name](source)
    return workflow, record, _snapshot(workflow, record)


def _move_as_read(
    workflow: Workflow, record: models.Model, target: str, before: dict[str, Any]
) -> models.Model:
    """A signed-in user moves the record to `target` from the version they read."""
    return workflow.transition(
        record=record,
        to=target,
        actor=UserFactory.create(),
        expected_version=before["version"],
        context=_context(workflow, record, target),
    )


def test_every_workflow_that_exists_is_registered_and_has_a_builder_here() -> None:
    assert {"assessment.referral", "council.petition", "council.meeting"} <= set(WORKFLOWS)
    assert set(BUILDERS) == set(WORKFLOWS)


def test_a_workflow_without_a_timeline_says_so_explicitly() -> None:
    for workflow in WORKFLOWS.values():
        assert (workflow.event_model is None) == (workflow.write_event is no_timeline)


@pytest.mark.parametrize(("name", "source", "target"), _allowed())
def test_an_allowed_move_writes_one_event_and_one_audit_record(
    name: str, source: str, target: str
) -> None:
    workflow, record, before = _record_in(name, source)

    moved = _move_as_read(workflow, record, target, before)

    after = _snapshot(workflow, record)
    assert getattr(moved, workflow.status_field) == after["status"] == target
    assert after["events"] - before["events"] == (1 if workflow.event_model else 0)
    assert after["audit"] - before["audit"] == 1
    if workflow.version_field:
        assert after["version"] == before["version"] + 1


@pytest.mark.parametrize(("name", "source", "target"), _refused())
def test_a_move_the_table_does_not_allow_writes_nothing(
    name: str, source: str, target: str
) -> None:
    workflow, record, before = _record_in(name, source)

    with pytest.raises(InvalidTransition):
        _move_as_read(workflow, record, target, before)

    assert _snapshot(workflow, record) == before


@pytest.mark.parametrize(
    ("name", "source", "target"),
    [
        pytest.param(name, edge.source, edge.target, id=f"{name}:{edge.source}->{edge.target}")
        for name, workflow in WORKFLOWS.items()
        for edge in ordered_edges(workflow)
        if edge.guard is not None
    ],
)
def test_a_guarded_move_without_what_its_guard_needs_writes_nothing(
    name: str, source: str, target: str
) -> None:
    workflow, record, before = _record_in(name, source)

    with pytest.raises(InvalidTransition):
        workflow.transition(record=record, to=target, actor=None, expected_version=None)

    assert _snapshot(workflow, record) == before


@pytest.mark.parametrize(("name", "edge"), _versioned())
def test_a_stale_version_is_a_conflict_and_writes_nothing(name: str, edge: Any) -> None:
    workflow = WORKFLOWS[name]
    record = BUILDERS[name](edge.source)
    version_field = str(workflow.version_field)
    read_at = getattr(record, version_field)
    # Someone else saved the record after this user read it.
    workflow.model._default_manager.filter(pk=record.pk).update(**{version_field: read_at + 1})
    before = _snapshot(workflow, record)

    with pytest.raises(ConflictError):
        workflow.transition(
            record=record,
            to=edge.target,
            actor=None,
            expected_version=read_at,
            context=_context(workflow, record, edge.target),
        )

    assert _snapshot(workflow, record) == before


def test_a_durable_move_refuses_to_run_inside_another_transaction() -> None:
    workflow = WORKFLOWS["council.petition"]
    petition = PetitionFactory.create()

    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.transition(record=petition, to="on_agenda", actor=None, durable=True)

    petition.refresh_from_db()
    assert petition.status == "registered"


@pytest.mark.parametrize(
    ("name", "source", "target", "message"),
    [
        # Written by hand: the workflow's message in Russian, with the statuses' Russian labels.
        (
            "assessment.referral",
            "draft",
            "decided",
            "Направление в статусе «Черновик» не может перейти в статус «Решение принято».",
        ),
        # %(status)s is the stored status.
        (
            "council.petition",
            "answered",
            "registered",
            "Обращение в статусе «Дан ответ»: сейчас этот шаг невозможен.",
        ),
        # A message without statuses is said as it is.
        (
            "council.work_plan_item",
            "done",
            "pending",
            "Такое изменение статуса для этого пункта невозможно.",
        ),
    ],
)
def test_a_refusal_names_the_statuses_by_their_labels_in_the_active_language(
    name: str, source: str, target: str, message: str
) -> None:
    with translation.override("ru"):
        assert WORKFLOWS[name].refuse(source, target) == message


def test_every_move_is_audited_by_the_audit_log_unless_its_workflow_names_a_writer() -> None:
    record: Any = BUILDERS["exchange.message"]("sent")
    workflow = WORKFLOWS["exchange.message"]
    assert workflow.audit is None
    workflow.transition(
        record=record, to="delivered", actor=UserFactory.create(), expected_version=record.version
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.detail, event.fields) == (
        AuditAction.UPDATE,
        "sent->delivered",
        ["status"],
    )
