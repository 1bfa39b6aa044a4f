"""Reads for the MSE division's programme pages. Opening a programme shows the person: each read
writes an audit VIEW record (the list one for the page, the programme one for the person)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page
from django.db.models import Exists, OuterRef, Prefetch

from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record, audited
from kopir.core.selectors import page_of
from kopir.rehabilitation.access import may_see_names_in_list, may_see_person
from kopir.rehabilitation.models import (
    Measure,
    MeasureType,
    Programme,
    ProgrammeLine,
    ProgrammeVersion,
    ProgrammeVersionStatus,
)
from kopir.rehabilitation.services.routing import routing_rules_for

V = ProgrammeVersionStatus


PER_PAGE = 50


def programme_rows(
    queryset: Any,
    *,
    viewer: Any,
    status: str | None = "",
    page: int | str | None = 1,
    request: Any = None,
) -> Page[Programme]:
    """A page of the division's programmes, newest first, each with its versions (one query
    each); with `status`, only those with a version in it (None: the filter made no sense, and
    nothing is read). The persons' names are read (and the read audited) for the division's head
    only."""
    rows = None
    if status is not None:
        rows = queryset.select_related("person").prefetch_related(
            Prefetch("versions", queryset=ProgrammeVersion.objects.order_by("-sequence"))
        )
        if status:
            rows = rows.filter(
                Exists(ProgrammeVersion.objects.filter(programme=OuterRef("pk"), status=status))
            )
        rows = rows.order_by("-created_at", "-id")
    page_obj = page_of(rows, PER_PAGE, page)
    audit_record(
        actor=viewer,
        action=AuditAction.VIEW,
        target_type="people.person"
        if may_see_names_in_list(viewer)
        else "rehabilitation.programme",
        request=request,
        detail=f"programme list;rows={len(page_obj.object_list)}",
    )
    return page_obj


@dataclass
class VersionView:
    version: ProgrammeVersion
    lines: list[ProgrammeLine]
    measures: dict[int, Measure] = field(default_factory=dict)  # by line id
    changes: list[dict[str, Any]] = field(default_factory=list)


def _change_rows(version: ProgrammeVersion, names: dict[str, str]) -> list[dict[str, Any]]:
    return [{**row, "name": names.get(row["code"], row["code"])} for row in version.changes]


def version_view(version: ProgrammeVersion) -> VersionView:
    lines = list(
        version.lines.select_related("measure_type", "suggested_by").order_by("position", "id")
    )
    measures = {
        m.line_id: m for m in Measure.objects.filter(line__in=lines).select_related("organisation")
    }
    for line in lines:
        # The template reads each line's measure (who executes it, its state) from the line.
        line.current_measure = measures.get(line.pk)  # type: ignore[attr-defined]
    names = {
        m.code: str(m.name)
        for m in MeasureType.objects.filter(
            code__in=[row["code"] for row in version.changes]
        ).order_by("catalogue_id")
    }
    return VersionView(version, lines, measures, _change_rows(version, names))


def programme_read(programme: Programme, *, viewer: Any, request: Any = None) -> dict[str, Any]:
    """The programme page: its versions, the draft and the approved version with their lines."""
    versions = list(
        programme.versions.select_related("decision", "approved_by", "catalogue").order_by(
            "-sequence"
        )
    )
    draft = next((v for v in versions if v.status == V.DRAFT), None)
    approved = next((v for v in versions if v.status == V.APPROVED), None)
    show_person = may_see_person(viewer, programme)
    audited(
        programme.person if show_person else programme,
        AuditAction.VIEW,
        actor=viewer,
        request=request,
        detail=f"programme={programme.number}",
    )
    return {
        "programme": programme,
        "person": programme.person if show_person else None,
        "versions": versions,
        "draft": version_view(draft) if draft else None,
        "approved": version_view(approved) if approved else None,
    }


def version_read(
    programme: Programme, sequence: int, *, viewer: Any, request: Any = None
) -> VersionView:
    version = programme.versions.select_related("decision", "approved_by").get(sequence=sequence)
    audited(
        programme,
        AuditAction.VIEW,
        actor=viewer,
        request=request,
        detail=f"programme={programme.number};version={sequence}",
    )
    return version_view(version)


def approval_preview(version: ProgrammeVersion) -> VersionView:
    """The draft as the approval page shows it: for each line, the measure it keeps from the
    approved version (that organisation goes on executing it) or the organisation a routing rule
    will choose; `line.no_rule` marks a line no rule covers, which blocks approval."""
    view = version_view(version)
    programme = version.programme
    kept = {
        m.line.measure_type.code: m
        for m in Measure.objects.filter(
            line__programme_version__programme=programme,
            line__programme_version__status=V.APPROVED,
        ).select_related("organisation", "line__measure_type")
    }
    # One read of the rules for every line to route, not one per line.
    rules = routing_rules_for(
        measure_types=[
            line.measure_type for line in view.lines if line.measure_type.code not in kept
        ],
        territory=programme.person.territory,
    )
    for line in view.lines:
        measure = kept.get(line.measure_type.code)
        rule = None if measure is not None else rules[line.measure_type.code]
        line.current_measure = measure  # type: ignore[attr-defined]
        line.routed_to = rule.organisation if rule else None  # type: ignore[attr-defined]
        line.no_rule = measure is None and rule is None  # type: ignore[attr-defined]
    return view
