"""Employment: the employers' quota register and the placement that carries out a job-placement
measure (docs/domain/rehabilitation.md §5).

Quota jobs = the band's percent of (headcount − heavy, harmful and dangerous jobs), rounded as the
band says (down by default: a fraction of a job is not a job an employer can be held to; §5 marks
the rounding as Kopir's choice, kept as data). The band is chosen by the whole headcount: the
Social Code's threshold of 50 employees counts every employee. An akimat may set another percent
within the band's 2–4 %: the register row then keeps the percent it was given.

A placement on a quota job counts against the employer's register row for the year the job starts;
the row's `filled` moves by a conditional UPDATE in the placement's transaction, so two officers
recording placements at once both count.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypedDict

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.audit.models import AuditAction
from kopir.audit.services import audited, save_audited
from kopir.core.errors import ConflictError
from kopir.core.identifiers import normalise_identifier
from kopir.directory.models import Organisation, Territory, TerritoryLevel
from kopir.rehabilitation.models import (
    EmployerQuota,
    Measure,
    MeasureStatus,
    Placement,
    QuotaBand,
)
from kopir.rehabilitation.models.employment import quota_jobs
from kopir.rehabilitation.services.execution import measure_deliver, measure_schedule
from kopir.rehabilitation.services.routing import territory_chain

QUOTA_CONFLICT = _(
    "Someone else changed this quota after you opened it. Nothing was saved; check the figures "
    "and save again."
)
PLACEMENT_CONFLICT = _(
    "Someone else changed this placement after you opened it. Nothing was saved; check it and "
    "save again."
)


class QuotaData(TypedDict):
    employer_bin: str
    employer_name: str
    territory: Territory
    year: int
    headcount: int
    excluded_jobs: int
    quota_percent: Decimal | None  # None: the band's percent
    filled: int
    vacancies_reported: int


def quota_band_for(headcount: int) -> QuotaBand | None:
    """The band an employer of `headcount` employees falls in; None below the smallest band."""
    for band in QuotaBand.objects.order_by("min_headcount"):
        if band.covers(headcount):
            return band
    return None


def quota_for(
    *, headcount: int, excluded_jobs: int, percent: Decimal | None = None
) -> tuple[Decimal, int]:
    """The quota's percent and its number of jobs for an employer."""
    band = quota_band_for(headcount)
    if band is None:
        return Decimal("0"), 0
    chosen = band.percent if percent is None else percent
    base = max(0, headcount - excluded_jobs)
    return chosen, quota_jobs(base=base, percent=chosen, rounding=band.rounding)


def district_of(territory: Territory) -> Territory:
    """The district (or city) a territory lies in: where quota registers are kept."""
    for place in territory_chain(territory):
        if place.level in (TerritoryLevel.DISTRICT, TerritoryLevel.CITY):
            return place
    return territory


def _current(row: EmployerQuota, name: str) -> Any:
    try:
        return getattr(row, name)
    except ObjectDoesNotExist:  # a new row has no territory yet
        return None


def _fill_quota(row: EmployerQuota, data: QuotaData) -> list[str]:
    data = {**data, "employer_bin": normalise_identifier(data["employer_bin"])}
    percent, jobs = quota_for(
        headcount=data["headcount"],
        excluded_jobs=data["excluded_jobs"],
        percent=data["quota_percent"],
    )
    values: dict[str, Any] = {**data, "quota_percent": percent, "quota_jobs": jobs}
    changed = [name for name, value in values.items() if _current(row, name) != value]
    for name, value in values.items():
        setattr(row, name, value)
    # An akimat sets 2 to 4 % (§5): another figure is a typing error, not a decision.
    overridden = data["quota_percent"] is not None and quota_band_for(row.headcount) is not None
    if overridden and not Decimal("2") <= percent <= Decimal("4"):
        raise ValidationError(
            {"quota_percent": _("An akimat sets a quota of 2 to 4 % of headcount.")}
        )
    return changed


def employer_quota_create(
    *, actor: Any, kept_by: Organisation, request: HttpRequest | None = None, **data: Any
) -> EmployerQuota:
    with transaction.atomic():
        row = EmployerQuota(kept_by=kept_by, updated_by=actor)
        _fill_quota(row, QuotaData(**data))  # type: ignore[typeddict-item]
        save_audited(row, AuditAction.CREATE, actor=actor, request=request)
    return row


def employer_quota_update(
    *,
    actor: Any,
    quota: EmployerQuota,
    expected_version: int,
    request: HttpRequest | None = None,
    **data: Any,
) -> EmployerQuota:
    with transaction.atomic():
        row = EmployerQuota.objects.select_for_update().get(pk=quota.pk)
        if row.version != expected_version:
            raise ConflictError(QUOTA_CONFLICT)
        changed = _fill_quota(row, QuotaData(**data))  # type: ignore[typeddict-item]
        if not changed:
            return row
        row.updated_by = actor
        row.version = expected_version + 1
        save_audited(row, AuditAction.UPDATE, changed, actor=actor, request=request)
    return row


def unfilled_quotas(*, territory: Territory, year: int) -> QuerySet[EmployerQuota]:
    """The district's employers with quota jobs not yet filled, most unfilled first."""
    return (
        EmployerQuota.objects.filter(
            territory=district_of(territory), year=year, quota_jobs__gt=F("filled")
        )
        .annotate(open_jobs=F("quota_jobs") - F("filled"))
        .order_by("-open_jobs", "employer_name", "id")
    )


def _quota_row(*, employer_bin: str, year: int, territory: Territory) -> EmployerQuota | None:
    rows = list(EmployerQuota.objects.filter(employer_bin=employer_bin, year=year))
    near = {place.pk for place in territory_chain(territory)}
    rows.sort(key=lambda row: (row.territory_id not in near, row.pk))
    return rows[0] if rows else None


def _check_start(measure: Measure, start: dt.date) -> None:
    assigned = timezone.localdate(measure.assigned_at)
    if start < assigned:
        raise ValidationError(
            {
                "start_date": _("The job cannot start before the measure was assigned (%(date)s).")
                % {"date": assigned.strftime("%d.%m.%Y")}
            }
        )
    valid_until = measure.line.programme_version.valid_until
    if valid_until is not None and start > valid_until:
        raise ValidationError(
            {
                "start_date": _(
                    "The job must start within the programme's term, which ends on %(date)s."
                )
                % {"date": valid_until.strftime("%d.%m.%Y")}
            }
        )


def placement_record(
    *,
    actor: Any,
    measure: Measure,
    employer_bin: str,
    employer_name: str,
    position: str,
    start_date: dt.date,
    on_quota_job: bool,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> Placement:
    """Record (or correct) the job a person took for a job-placement measure.

    `expected_version` is the placement's version the form was read at (None for a new one).

    The placement is the measure's evidence (the employer and the date, which is all the
    catalogue asks of a job placement), so recording it carries out the measure in the same
    transaction, through the transition engine: a measure the centre has accepted is reported
    delivered on the day the job starts, or scheduled for that day when it starts later. A
    measure not yet accepted keeps its status (accepting it acknowledges the handoff); a closed
    one only has its placement corrected.
    """
    employer_bin = normalise_identifier(employer_bin)
    with transaction.atomic():
        measure = Measure.objects.select_related("line__programme_version", "measure_type").get(
            pk=measure.pk
        )
        placement = Placement.objects.select_for_update().filter(measure=measure).first()
        if placement is None:
            if expected_version is not None:
                raise ConflictError(PLACEMENT_CONFLICT)
            placement = Placement(measure=measure)
        elif placement.version != expected_version:
            raise ConflictError(PLACEMENT_CONFLICT)
        was_quota = placement.quota_id
        placement.employer_bin = employer_bin
        placement.employer_name = employer_name
        placement.position = position
        placement.start_date = start_date
        placement.on_quota_job = on_quota_job
        placement.recorded_by = actor
        placement.quota = None
        if on_quota_job and employer_bin:
            placement.quota = _quota_row(
                employer_bin=employer_bin, year=start_date.year, territory=measure.territory
            )
        placement.full_clean(exclude=["measure"])
        _check_start(measure, start_date)
        if placement.pk:
            placement.version += 1
        placement.save()
        # The register counts the quota jobs its placements fill. The row's version moves too, so
        # a register form opened before this placement cannot write back the old count.
        if was_quota != placement.quota_id:
            if was_quota is not None:
                EmployerQuota.objects.filter(pk=was_quota, filled__gt=0).update(
                    filled=F("filled") - 1, version=F("version") + 1
                )
            if placement.quota_id is not None:
                EmployerQuota.objects.filter(pk=placement.quota_id).update(
                    filled=F("filled") + 1, version=F("version") + 1
                )
        audited(
            placement,
            AuditAction.UPDATE if placement.version > 1 else AuditAction.CREATE,
            actor=actor,
            request=request,
            detail=f"measure={measure.pk}",
        )
        _carry_out(measure, placement, actor=actor, request=request)
    return placement


def _carry_out(measure: Measure, placement: Placement, *, actor: Any, request: Any) -> None:
    """Deliver (or schedule) an accepted job-placement measure with its placement."""
    if measure.status not in (MeasureStatus.ACCEPTED, MeasureStatus.SCHEDULED):
        return
    if placement.start_date > timezone.localdate():
        if measure.scheduled_on != placement.start_date:
            measure_schedule(
                actor=actor,
                measure=measure,
                expected_version=measure.version,
                scheduled_on=placement.start_date,
                request=request,
            )
        return
    measure_deliver(
        actor=actor,
        measure=measure,
        expected_version=measure.version,
        delivered_on=placement.start_date,
        item_details=f"{placement.employer_name} ({placement.employer_bin}), {placement.position}",
        request=request,
    )


BAND_CONFLICT = _(
    "Someone else changed this band after you opened it. Nothing was saved; check it and save "
    "again."
)
BAND_FIELDS = (
    "min_headcount",
    "max_headcount",
    "percent",
    "rounding",
    "legal_source",
    "legal_source_kk",
    "legal_source_ru",
)


def _overlaps(band: QuotaBand) -> bool:
    others = QuotaBand.objects.exclude(pk=band.pk)
    top = band.max_headcount
    for other in others:
        other_top = other.max_headcount
        below = top is not None and top < other.min_headcount
        above = other_top is not None and other_top < band.min_headcount
        if not (below or above):
            return True
    return False


def quota_band_update(
    *,
    actor: Any,
    band: QuotaBand,
    expected_version: int,
    request: HttpRequest | None = None,
    **data: Any,
) -> QuotaBand:
    """Change a size band's figures (an administrator, when an akimat's decision says so).

    Register rows keep the percent and the jobs they were computed with; the new figures apply
    to rows saved from now on.
    """
    with transaction.atomic():
        row = QuotaBand.objects.select_for_update().get(pk=band.pk)
        if row.version != expected_version:
            raise ConflictError(BAND_CONFLICT)
        # A field not given keeps its value (the translations are optional).
        values = {name: data.get(name, getattr(row, name)) for name in BAND_FIELDS}
        changed = [name for name in BAND_FIELDS if getattr(row, name) != values[name]]
        if not changed:
            return row
        for name in BAND_FIELDS:
            setattr(row, name, values[name])
        row.version = expected_version + 1
        save_audited(
            row, AuditAction.UPDATE, changed, check=_refuse_overlap, actor=actor, request=request
        )
    return row


def _refuse_overlap(row: QuotaBand) -> None:
    if _overlaps(row):
        raise ValidationError(
            {"min_headcount": _("The band overlaps another band: each size has one share.")}
        )
