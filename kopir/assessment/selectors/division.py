"""Reads for the division's case pages: the clinical content an expert reviews (without
identity), the identity for those allowed to see it (audited), and the timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kopir.assessment.access import (
    is_assigned_to,
    may_download_attachment,
    may_release_attachments,
    may_see_actor_names,
    may_see_identity,
)
from kopir.assessment.age_bands import AgeBand, age_in_years, band_of_age
from kopir.assessment.models import (
    Appeal,
    AppealStatus,
    Attachment,
    Decision,
    ExpertAssignment,
    Referral,
    ReferralEvent,
    Route,
)
from kopir.assessment.models.clinical import in_reading_order
from kopir.assessment.services.attachments import RELEASABLE_STATUSES
from kopir.assessment.workflow import label_for_reader, organisation_label, status_label
from kopir.audit.models import AuditAction
from kopir.audit.services import audited
from kopir.core.selectors import first_or_404
from kopir.people.models import Person


@dataclass(frozen=True)
class CaseDocument:
    """One attached document as this viewer may use it."""

    attachment: Attachment
    # "Ophthalmologist's report, 12.01.2026": what the document is, never its uploaded name.
    label: str
    may_download: bool
    # In absentia, for the division: whether the head has released it to the experts.
    shows_release: bool
    may_release: bool


@dataclass
class CaseContent:
    """What a referral says about the person's health: everything an expert needs, no identity.

    `age` is the exact age for a viewer who may see who the person is, None for everyone else,
    who see `age_band`: with the sex, an exact age could single the person out."""

    age: int | None
    age_band: AgeBand
    sex: str
    secondary_diagnoses: list[Any] = field(default_factory=list)
    findings: list[Any] = field(default_factory=list)
    limitations: list[Any] = field(default_factory=list)
    attachments: list[Any] = field(default_factory=list)
    documents: list[CaseDocument] = field(default_factory=list)
    # The viewer decides which documents the experts may read (the head, in absentia).
    releases_documents: bool = False

    @property
    def unreleased_count(self) -> int:
        return sum(1 for document in self.documents if document.may_release)


def case_content(
    referral: Referral,
    *,
    viewer: Any,
    request: Any = None,
    today: dt.date | None = None,
    is_assigned_expert: bool | None = None,
) -> CaseContent:
    """The clinical content of the referral; reading it is recorded in the audit log.

    `is_assigned_expert`: the expert's own review page already knows, and saves the look-up."""
    today = today or timezone.localdate()
    # Only the age and sex leave the person's row: an expert needs them, and nothing else.
    birth_date, sex = Person.objects.values_list("birth_date", "sex").get(pk=referral.person_id)
    age = age_in_years(birth_date, today)
    content = CaseContent(
        age=age if may_see_identity(viewer, referral) else None,
        age_band=band_of_age(age),
        sex=dict(_sex_labels()).get(sex, ""),
    )
    for relation in ("secondary_diagnoses", "findings", "limitations", "attachments"):
        manager = getattr(referral, relation, None)
        if manager is None:  # the clinical models are not installed (yet)
            continue
        queryset = manager.all()
        if relation == "secondary_diagnoses":
            queryset = queryset.select_related("code")
        rows = in_reading_order(queryset) if relation == "findings" else list(queryset)
        setattr(content, relation, rows)
    content.releases_documents = may_release_attachments(viewer, referral) and (
        referral.status in RELEASABLE_STATUSES
    )
    content.documents = case_documents(
        referral,
        content.attachments,
        viewer=viewer,
        may_release=content.releases_documents,
        is_assigned_expert=is_assigned_expert,
    )
    audited(referral, AuditAction.VIEW, actor=viewer, request=request, detail="case")
    return content


def case_documents(
    referral: Referral,
    attachments: list[Attachment],
    *,
    viewer: Any,
    may_release: bool,
    is_assigned_expert: bool | None = None,
) -> list[CaseDocument]:
    """The referral's documents with what this viewer may do with each. The experts' assignment
    is looked up once for the whole list, and only if a released document needs it."""
    shows_release = (
        referral.route == Route.IN_ABSENTIA
        and getattr(viewer, "organisation_id", None) == referral.mse_division_id
    )
    # Whoever may see the person reads every document; the others need their assignment.
    sees_identity = may_see_identity(viewer, referral)
    assigned = is_assigned_expert
    documents = []
    for attachment in attachments:
        released = attachment.released_to_experts_at is not None
        if released and not sees_identity and assigned is None:
            assigned = is_assigned_to(viewer, referral)
        documents.append(
            CaseDocument(
                attachment=attachment,
                label=f"{attachment.get_document_type_display()}, "
                f"{date_format(attachment.issued_on, 'SHORT_DATE_FORMAT')}",
                may_download=may_download_attachment(
                    viewer, referral, attachment, is_assigned_expert=bool(assigned)
                ),
                shows_release=shows_release,
                may_release=may_release and attachment.released_to_experts_at is None,
            )
        )
    return documents


def unreleased_attachment_count(referral: Referral) -> int:
    """How many of an in-absentia referral's documents its experts cannot read yet."""
    if referral.route != Route.IN_ABSENTIA:
        return 0
    return Attachment.objects.filter(
        referral_id=referral.pk, released_to_experts_at__isnull=True
    ).count()


def _sex_labels() -> list[tuple[str, str]]:
    from kopir.people.models import Sex

    return [(value, str(label)) for value, label in Sex.choices]


def identity_for(user: Any, referral: Referral, request: Any = None) -> Person | None:
    """The person, for a viewer allowed to see who it is (the read is audited); else None."""
    if not may_see_identity(user, referral):
        return None
    with transaction.atomic():
        person = Person.objects.select_related("territory", "legal_representative").get(
            pk=referral.person_id
        )
        audited(person, AuditAction.VIEW, actor=user, request=request, detail="referral")
    return person


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    what: str
    actor: str
    note: str = ""
    missing: tuple[dict[str, Any], ...] = ()
    due_on: dt.date | None = None


def referral_timeline(referral: Referral, viewer: Any) -> list[TimelineEntry]:
    """Every step with who and when. The division head sees names; everyone else sees the acting
    organisation, and experts as "Expert 2" — never another expert's name."""
    names = may_see_actor_names(viewer, referral)

    def who(user: Any, label: str = "") -> str:
        label = label or organisation_label(user)
        if user is not None and names:
            return f"{user.shown_name} ({label})" if label else user.shown_name
        return label or _("System")

    def expert_label(assignment: ExpertAssignment) -> str:
        label = _("Expert %(number)d") % {"number": assignment.position}
        if assignment.expert_id == viewer.pk:
            return _("%(expert)s (you)") % {"expert": label}
        if names:
            return f"{label}: {assignment.expert.shown_name}"
        return label

    entries: list[TimelineEntry] = []
    events = ReferralEvent.objects.filter(referral=referral).select_related(
        "actor", "actor__organisation"
    )
    for event in events:
        what = (
            _("%(from)s → %(to)s")
            % {"from": status_label(event.from_status), "to": status_label(event.to_status)}
            if event.from_status
            else status_label(event.to_status)
        )
        entries.append(
            TimelineEntry(
                at=event.at,
                what=what,
                actor=who(
                    event.actor,
                    label_for_reader(
                        event.actor_label,
                        getattr(event.actor, "organisation", None),
                        referral.medical_organisation,
                        referral.mse_division,
                    ),
                ),
                note=event.note,
                missing=tuple(event.missing or ()),
                due_on=event.step_due_on,
            )
        )
    assignments = ExpertAssignment.objects.filter(referral=referral).select_related(
        "expert", "assigned_by", "assigned_by__organisation"
    )
    for assignment in assignments:
        entries.append(
            TimelineEntry(
                at=assignment.assigned_at,
                what=_("%(expert)s assigned") % {"expert": expert_label(assignment)},
                actor=who(assignment.assigned_by),
            )
        )
        if assignment.submitted_at is not None:
            entries.append(
                TimelineEntry(
                    at=assignment.submitted_at,
                    what=_("Conclusion submitted"),
                    actor=expert_label(assignment),
                )
            )
    decisions = Decision.objects.filter(referral=referral).select_related(
        "decided_by", "decided_by_organisation"
    )
    for decision in decisions:
        entries.append(
            TimelineEntry(
                at=decision.decided_at,
                what=_("Decision recorded (version %(number)d): %(outcome)s")
                % {"number": decision.sequence, "outcome": decision.get_outcome_display()},
                actor=who(decision.decided_by, str(decision.decided_by_organisation.short_name)),
            )
        )
    appeals = Appeal.objects.filter(referral=referral).select_related(
        "recorded_by",
        "recorded_by__organisation",
        "review_started_by",
        "resolved_by",
        "higher_body",
    )
    for appeal in appeals:
        entries.extend(_appeal_entries(appeal, who))
    entries.sort(key=lambda entry: entry.at)
    return entries


def _appeal_entries(appeal: Appeal, who: Any) -> list[TimelineEntry]:
    body = str(appeal.higher_body.short_name)
    entries = [
        TimelineEntry(
            at=appeal.recorded_at,
            what=_("Appeal filed on %(date)s by %(who)s")
            % {
                "date": date_format(appeal.filed_on, "SHORT_DATE_FORMAT"),
                "who": appeal.get_filed_by_display(),
            },
            actor=who(appeal.recorded_by),
            due_on=None,
        )
    ]
    if appeal.review_started_at is not None:
        entries.append(
            TimelineEntry(
                at=appeal.review_started_at,
                what=str(AppealStatus.UNDER_REVIEW.label),
                actor=who(appeal.review_started_by, body),
            )
        )
    if appeal.resolved_at is not None:
        entries.append(
            TimelineEntry(
                at=appeal.resolved_at,
                what=appeal.get_status_display(),
                actor=who(appeal.resolved_by, body),
                note=appeal.outcome_reasons,
            )
        )
    return entries


def referral_assignments(referral: Referral) -> list[ExpertAssignment]:
    """The referral's experts, in the order they were assigned."""
    return list(
        ExpertAssignment.objects.filter(referral=referral)
        .select_related("expert")
        .order_by("position")
    )


def referral_attachment(referral: Referral, attachment_pk: int) -> Attachment:
    """One document of the referral; 404 for a document of another referral, so an address
    cannot reach documents through a case the user may see."""
    return first_or_404(Attachment.objects.filter(referral=referral, pk=attachment_pk))


def attachment_read(user: Any, attachment: Attachment, request: Any = None) -> Attachment:
    """The document, with its download recorded: a scan carries personal data."""
    audited(attachment, AuditAction.VIEW, actor=user, request=request)
    return attachment


def expert_worklist(expert_id: int, limit: int) -> list[ExpertAssignment]:
    """An expert's assignments: conclusions still to write first, the nearest deadline first
    among them; then the conclusions submitted, the latest first.

    Two reads from `assignment_expert_work_idx` (expert, submitted_at desc, id desc): the
    conclusions to write are a range of it (submitted_at is null: a few dozen, sorted by their
    referral's deadline), the submitted ones its order, read only as far as the page goes. One
    read sorting all of an expert's assignments by their referral's deadline sorted 139 k rows
    at the national scale (docs/performance.md)."""
    assignments = ExpertAssignment.objects.filter(expert_id=expert_id).select_related(
        "referral", "referral__primary_diagnosis"
    )
    to_write = list(
        assignments.filter(submitted_at__isnull=True).order_by("referral__step_due_on", "id")[
            :limit
        ]
    )
    if len(to_write) >= limit:
        return to_write
    submitted = assignments.filter(submitted_at__isnull=False).order_by("-submitted_at", "-id")
    return to_write + list(submitted[: limit - len(to_write)])


def appeals_for_reviewer(higher_body_id: int | None, limit: int) -> list[Appeal]:
    """The appeals lodged with a higher MSE body: open ones first, the nearest deadline first."""
    return list(
        Appeal.objects.filter(higher_body_id=higher_body_id)
        .select_related("referral", "referral__mse_division")
        .order_by(F("resolved_at").asc(nulls_first=True), "due_on", "id")[:limit]
    )
