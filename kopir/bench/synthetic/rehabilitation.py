"""IRPs for the established decisions and their measures, in every state, with realistic lateness.

Uses the active measure catalogue when there is one (the seeded catalogue), else writes a small
synthetic one. Each measure goes to the organisation of its executing kind in the person's
district (or region), as routing would send it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from kopir.assessment.models import Decision, Outcome
from kopir.bench.synthetic.cases import working_days_after
from kopir.bench.synthetic.tables import Table, next_id, reset_sequences
from kopir.bench.synthetic.world import World
from kopir.directory.models import OrganisationKind
from kopir.people.models import LinkBasis, PersonLink
from kopir.rehabilitation.models import (
    CatalogueStatus,
    DeliveryChannel,
    Handoff,
    Measure,
    MeasureCatalogue,
    MeasureEvent,
    MeasureStatus,
    MeasureType,
    NotDeliveredReason,
    Programme,
    ProgrammeLine,
    ProgrammePart,
    ProgrammeVersion,
    ProgrammeVersionStatus,
    QuantityUnit,
)

M = MeasureStatus
# (code, part, executor kind, deadline in working days)
SYNTHETIC_MEASURES = (
    ("synthetic-hearing-aid", ProgrammePart.SOCIAL, OrganisationKind.EMPLOYMENT_SOCIAL, 30),
    ("synthetic-wheelchair", ProgrammePart.SOCIAL, OrganisationKind.EMPLOYMENT_SOCIAL, 30),
    ("synthetic-sign-language", ProgrammePart.SOCIAL, OrganisationKind.EMPLOYMENT_SOCIAL, 20),
    ("synthetic-social-taxi", ProgrammePart.SOCIAL, OrganisationKind.AKIMAT, 10),
    ("synthetic-job-placement", ProgrammePart.VOCATIONAL, OrganisationKind.CAREER_CENTRE, 40),
    ("synthetic-medical-rehabilitation", ProgrammePart.MEDICAL, OrganisationKind.HEALTH_OFFICE, 30),
    ("synthetic-education", ProgrammePart.EDUCATIONAL, OrganisationKind.EDUCATION_OFFICE, 30),
)


def catalogue_measures(user: int | None) -> list[tuple[int, str, int]]:
    """(measure type id, executor kind, deadline days) of the active catalogue, made if missing."""
    catalogue = MeasureCatalogue.objects.filter(status=CatalogueStatus.ACTIVE).first()
    if catalogue is None:
        number = (
            MeasureCatalogue.objects.order_by("-number").values_list("number", flat=True).first()
            or 0
        ) + 1
        catalogue = MeasureCatalogue.objects.create(
            number=number, title="Synthetic catalogue", status=CatalogueStatus.ACTIVE,
            legal_source="Synthetic data", created_by_id=user, activated_at=timezone.now(),
        )  # fmt: skip
        for position, (code, part, kind, days) in enumerate(SYNTHETIC_MEASURES):
            MeasureType.objects.create(
                catalogue=catalogue, code=code, position=position, part=part, executor_kind=kind,
                channel=DeliveryChannel.DIRECT, unit=QuantityUnit.NONE, deadline_working_days=days,
                name_kk=code, name_ru=code, name_en=code,
            )  # fmt: skip
    return list(
        MeasureType.objects.filter(catalogue=catalogue).values_list(
            "pk", "executor_kind", "deadline_working_days"
        )
    )


def rehabilitation_written(region: int) -> bool:
    return Programme.objects.filter(
        division__territory_id=region, number__startswith="SYN-IRP"
    ).exists()


def write_region_programmes(
    *, world: World, region: int, seed: int, today: dt.date
) -> dict[str, int]:
    rng = random.Random(f"{seed}:rehabilitation:{region}")
    division = world.organisation(region, OrganisationKind.MSE_DIVISION)
    head = world.users(division, "mse_head")[0]
    measures = catalogue_measures(head)
    decisions = (
        # The generator's own decisions only (the demo's story has programmes of its own).
        Decision.objects.filter(
            decided_by_organisation_id=division,
            outcome=Outcome.ESTABLISHED,
            superseded_at=None,
            referral__number__startswith="SYN-",
        )
        .values_list(
            "pk",
            "referral_id",
            "referral__person_id",
            "referral__person__territory_id",
            "decided_at",
            "valid_until",
        )
        .order_by("pk")
    )
    models: tuple[type[Model], ...] = (
        Programme,
        ProgrammeVersion,
        ProgrammeLine,
        Measure,
        Handoff,
        MeasureEvent,
        PersonLink,
    )
    tables: dict[type[Model], Table] = {model: Table(model) for model in models}
    ids = {model: itertools.count(next_id(model)) for model in models}
    rows: dict[type[Model], list[list[Any]]] = {model: [] for model in models}
    catalogue_id = MeasureType.objects.get(pk=measures[0][0]).catalogue_id
    linked: set[tuple[int, int]] = set()
    for decision, referral, person, district, decided_at, valid_until in decisions:
        programme = next(ids[Programme])
        approved = decided_at + dt.timedelta(days=rng.randint(0, 5))
        rows[Programme].append(tables[Programme].row(
            id=programme, person_id=person, referral_id=referral, division_id=division,
            number=f"SYN-IRP-{programme:08d}", created_at=decided_at,
        ))  # fmt: skip
        version = next(ids[ProgrammeVersion])
        rows[ProgrammeVersion].append(tables[ProgrammeVersion].row(
            id=version, programme_id=programme, sequence=1, decision_id=decision,
            catalogue_id=catalogue_id, status=ProgrammeVersionStatus.APPROVED,
            valid_from=decided_at.date(), valid_until=valid_until, drafted_by_id=head,
            created_at=decided_at, approved_by_id=head, approved_at=approved,
        ))  # fmt: skip
        for position, (measure_type, kind, days) in enumerate(
            rng.sample(measures, min(len(measures), rng.choice((2, 3, 4, 4, 5))))
        ):
            line = next(ids[ProgrammeLine])
            rows[ProgrammeLine].append(tables[ProgrammeLine].row(
                id=line, programme_version_id=version, measure_type_id=measure_type, position=position,
            ))  # fmt: skip
            territory = (
                district
                if (district, kind) in world.organisations
                else world.district_region[district]
            )
            organisation = world.organisations.get((territory, kind)) or world.organisation(
                world.district_region[district], OrganisationKind.EMPLOYMENT_SOCIAL
            )
            due = working_days_after(approved.date(), days)
            status, closed, delivered_on = _fate(rng, approved, due, today)
            measure = next(ids[Measure])
            overdue = status in (M.ASSIGNED, M.ACCEPTED, M.SCHEDULED) and due < today
            rows[Measure].append(tables[Measure].row(
                id=measure, programme_id=programme, line_id=line, measure_type_id=measure_type,
                person_id=person, territory_id=district, organisation_id=organisation,
                status=status, assigned_at=approved, due_on=due, overdue=overdue,
                at_risk=not overdue and status in (M.ASSIGNED, M.ACCEPTED, M.SCHEDULED)
                and due <= today + dt.timedelta(days=4),
                escalation_tier=min(3, max(0, (today - due).days // 10)) if overdue else 0,
                delivered_on=delivered_on, closed_at=closed,
                not_delivered_reason=rng.choice(NotDeliveredReason.values) if status == M.NOT_DELIVERED else "",
            ))  # fmt: skip
            rows[Handoff].append(tables[Handoff].row(
                id=next(ids[Handoff]), measure_id=measure, to_organisation_id=organisation,
                at=approved, due_on=due,
            ))  # fmt: skip
            previous = ""
            for target in _path(status):
                rows[MeasureEvent].append(tables[MeasureEvent].row(
                    id=next(ids[MeasureEvent]), measure_id=measure, from_status=previous,
                    to_status=target, organisation_id=organisation,
                    at=closed if closed and target == status else approved,
                ))  # fmt: skip
                previous = target
            if (person, organisation) not in linked:
                linked.add((person, organisation))
                rows[PersonLink].append(tables[PersonLink].row(
                    id=next(ids[PersonLink]), person_id=person, organisation_id=organisation,
                    basis=LinkBasis.REHABILITATION, created_at=approved,
                ))  # fmt: skip
    written = {}
    with transaction.atomic():
        for model, model_rows in rows.items():
            written[model._meta.label] = tables[model].write(model_rows)
        reset_sequences(models)
    return written


def _fate(
    rng: random.Random, assigned: dt.datetime, due: dt.date, today: dt.date
) -> tuple[str, dt.datetime | None, dt.date | None]:
    """(status, closed at, delivered on): most delivered on time, some late, some still open."""
    roll = rng.random()
    if due >= today and roll < 0.6:
        return rng.choice((M.ASSIGNED, M.ACCEPTED, M.SCHEDULED)), None, None
    if due < today and roll < 0.05:
        return rng.choice((M.ASSIGNED, M.ACCEPTED, M.SCHEDULED)), None, None  # overdue, open
    if roll < 0.11:
        closed = min(assigned + dt.timedelta(days=rng.randint(5, 60)), timezone.now())
        return M.NOT_DELIVERED, closed, None
    late = roll > 0.85
    span = (due - assigned.date()).days
    days = rng.randint(span + 1, span + 60) if late else rng.randint(1, max(1, span))
    delivered = min(assigned.date() + dt.timedelta(days=days), today)
    closed = timezone.make_aware(dt.datetime.combine(delivered, dt.time(12)), assigned.tzinfo)
    return M.DELIVERED, closed, delivered


def _path(status: str) -> list[str]:
    order: list[str] = [M.ASSIGNED, M.ACCEPTED, M.SCHEDULED]
    if status in order:
        return order[: order.index(status) + 1]
    return [*order[:2], status]
