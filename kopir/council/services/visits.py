"""Monitoring visits: the council goes to a school, a polyclinic, the school for hearing-impaired
children; it checks a list (the accessibility checklist among them), records what it found, keeps
photos and documents, and turns findings into recommendations tracked like any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopir.audit.models import AuditAction
from kopir.audit.services import audited, save_audited
from kopir.core.errors import DomainError
from kopir.core.selectors import next_order
from kopir.core.uploads import check_upload, sha256_of
from kopir.core.versioning import assign_changes, update_if_current
from kopir.council import access
from kopir.council.models import (
    ChecklistAnswer,
    Council,
    Member,
    MonitoringVisit,
    Recommendation,
    VisitChecklistItem,
    VisitDocument,
    VisitFinding,
    WorkPlanItem,
)
from kopir.council.selectors.visits import members_in_force
from kopir.council.services.plan import plan_item_errors
from kopir.council.services.recommendations import recommendation_create
from kopir.directory.models import Organisation

SECRETARY_ONLY = gettext_lazy("Only the council's secretary records monitoring visits.")
"""What anyone but the secretary is told (`access.ensure_secretary`)."""


# The accessibility checklist, in the three interface languages: inserted in the language the
# secretary works in, so the visit's record reads naturally to the people who filled it in.
ACCESSIBILITY_CHECKLIST: Final[tuple[dict[str, str], ...]] = (
    {
        "kk": "Кіреберіс баспалдақсыз (пандуссыз да кедергісіз кіруге болады)",
        "ru": "Вход без ступеней (безбарьерный доступ)",
        "en": "Step-free entrance",
    },
    {
        "kk": "Пандустар мен тұтқалар нормаға сай",
        "ru": "Пандусы и поручни соответствуют нормам",
        "en": "Ramps and handrails meet the standard",
    },
    {
        "kk": "Көзі көрмейтіндерге арналған тактильді жабын",
        "ru": "Тактильная плитка для незрячих",
        "en": "Tactile paving for blind visitors",
    },
    {
        "kk": "Брайль қарпімен жазылған белгілер мен тақтайшалар",
        "ru": "Таблички и указатели шрифтом Брайля",
        "en": "Braille signage",
    },
    {
        "kk": "Мүмкіндігі шектеулі адамдарға арналған дәретхана",
        "ru": "Доступный туалет для людей с инвалидностью",
        "en": "Accessible toilet",
    },
    {
        "kk": "Ымдау тілі маманының көмегі",
        "ru": "Помощь специалиста жестового языка",
        "en": "Sign-language support",
    },
    {
        "kk": "Нашар еститіндерге арналған индукциялық жүйе",
        "ru": "Индукционная петля для слабослышащих",
        "en": "Hearing loop",
    },
    {
        "kk": "Қолжетімді веб-сайт (экранды оқу бағдарламасымен оқылады)",
        "ru": "Доступный веб-сайт (читается программой экранного доступа)",
        "en": "Accessible website (works with a screen reader)",
    },
)


def _check_participants(council: Council, participants: Iterable[Member]) -> list[Member]:
    chosen = list(participants)
    # The same members the visit form offers, so the form and the service never disagree.
    in_force = set(members_in_force(council).values_list("pk", flat=True))
    if any(member.pk not in in_force for member in chosen):
        raise DomainError(_("Participants must be members of the council's composition in force."))
    return chosen


def visit_create(
    *,
    actor: Any,
    council: Council,
    site: Organisation,
    visited_on: dt.date,
    purpose: str,
    purpose_ru: str = "",
    participants: Iterable[Member] = (),
    plan_item: WorkPlanItem | None = None,
    findings: str = "",
    request: HttpRequest | None = None,
) -> MonitoringVisit:
    access.ensure_secretary(actor, council, SECRETARY_ONLY)
    chosen = _check_participants(council, participants)
    if errors := plan_item_errors(plan_item, council.pk):
        raise ValidationError(errors)
    with transaction.atomic():
        visit = MonitoringVisit(
            council=council,
            site=site,
            visited_on=visited_on,
            purpose=purpose.strip(),
            purpose_ru=purpose_ru.strip(),
            plan_item=plan_item,
            findings=findings.strip(),
        )
        save_audited(visit, AuditAction.CREATE, actor=actor, request=request)
        visit.participants.set(chosen)
    return visit


def _claim_version(visit: MonitoringVisit, expected_version: int) -> None:
    update_if_current(
        visit,
        expected_version,
        _(
            "Someone else changed this visit after you opened it. Nothing was saved; your "
            "input is kept below."
        ),
    )


class VisitData(TypedDict, total=False):
    """The fields of a visit the secretary edits (participants are a separate argument)."""

    site: Organisation
    visited_on: dt.date
    purpose: str
    purpose_ru: str
    plan_item: WorkPlanItem | None
    findings: str


def visit_update(
    *,
    actor: Any,
    visit: MonitoringVisit,
    expected_version: int,
    participants: Iterable[Member],
    request: HttpRequest | None = None,
    **data: Unpack[VisitData],
) -> MonitoringVisit:
    """Change a visit's record; returns `visit`, saved, at its new version."""
    access.ensure_secretary(actor, visit.council, SECRETARY_ONLY)
    chosen = _check_participants(visit.council, participants)
    if errors := plan_item_errors(data.get("plan_item"), visit.council_id):
        raise ValidationError(errors)
    with transaction.atomic():
        _claim_version(visit, expected_version)
        changed = assign_changes(visit, data)
        if set(chosen) != set(visit.participants.all()):
            visit.participants.set(chosen)
            changed.append("participants")
        save_audited(
            visit,
            AuditAction.UPDATE,
            changed,
            actor=actor,
            request=request,
            update_fields=[name for name in changed if name != "participants"] or None,
        )
    return visit


def visit_checklist_insert_template(
    *, actor: Any, visit: MonitoringVisit, lang: str, request: HttpRequest | None = None
) -> int:
    """Add the accessibility checklist's questions the visit does not have yet; return how many."""
    access.ensure_secretary(actor, visit.council, SECRETARY_ONLY)
    lang = lang if lang in ("kk", "ru", "en") else "kk"
    with transaction.atomic():
        existing = {
            question.strip().casefold()
            for question in visit.checklist.values_list("question", flat=True)
        }
        known = {text.casefold() for entry in ACCESSIBILITY_CHECKLIST for text in entry.values()}
        if existing & known:
            # The template was inserted before (perhaps in another language): add nothing twice.
            return 0
        order = next_order(VisitChecklistItem.objects.filter(visit=visit))
        items = [
            VisitChecklistItem(
                visit=visit, order=order + index, question=entry[lang], is_accessibility=True
            )
            for index, entry in enumerate(ACCESSIBILITY_CHECKLIST)
        ]
        for item in items:
            item.full_clean()
        VisitChecklistItem.objects.bulk_create(items)
        audited(
            visit,
            AuditAction.UPDATE,
            ["checklist"],
            actor=actor,
            request=request,
            detail="accessibility checklist inserted",
        )
    return len(items)


def visit_checklist_item_add(
    *,
    actor: Any,
    visit: MonitoringVisit,
    question: str,
    is_accessibility: bool = False,
    request: HttpRequest | None = None,
) -> VisitChecklistItem:
    access.ensure_secretary(actor, visit.council, SECRETARY_ONLY)
    with transaction.atomic():
        item = VisitChecklistItem(
            visit=visit,
            order=next_order(VisitChecklistItem.objects.filter(visit=visit)),
            question=question.strip(),
            is_accessibility=is_accessibility,
        )
        item.full_clean()
        item.save()
        audited(visit, AuditAction.UPDATE, ["checklist"], actor=actor, request=request)
    return item


def visit_checklist_save(
    *,
    actor: Any,
    visit: MonitoringVisit,
    expected_version: int,
    answers: dict[int, tuple[str, str]],
    request: HttpRequest | None = None,
) -> int:
    """Record the answers (yes / partly / no / not checked, with notes); return how many changed."""
    access.ensure_secretary(actor, visit.council, SECRETARY_ONLY)
    valid = set(ChecklistAnswer.values)
    with transaction.atomic():
        _claim_version(visit, expected_version)
        changed = 0
        for item in visit.checklist.all():
            if item.pk not in answers:
                continue
            answer, note = answers[item.pk]
            if answer not in valid:
                raise DomainError(_("Choose yes, partly, no or not checked for every question."))
            if (item.answer, item.note) == (answer, note.strip()):
                continue
            item.answer, item.note = answer, note.strip()
            item.full_clean()
            item.save(update_fields=["answer", "note"])
            changed += 1
        audited(visit, AuditAction.UPDATE, ["checklist"], actor=actor, request=request)
    return changed


def visit_finding_add(
    *, actor: Any, visit: MonitoringVisit, text: str, request: HttpRequest | None = None
) -> VisitFinding:
    access.ensure_secretary(actor, visit.council, SECRETARY_ONLY)
    with transaction.atomic():
        finding = VisitFinding(
            visit=visit,
            order=next_order(VisitFinding.objects.filter(visit=visit)),
            text=text.strip(),
        )
        save_audited(finding, AuditAction.CREATE, actor=actor, request=request)
    return finding


def visit_document_add(
    *,
    actor: Any,
    visit: MonitoringVisit,
    title: str,
    description: str,
    upload: Any,
    request: HttpRequest | None = None,
) -> VisitDocument:
    """Keep a photo or document of the visit. A description is required: a blind member reads it."""
    access.ensure_secretary(actor, visit.council, SECRETARY_ONLY)
    if not description.strip():
        raise DomainError(_("Describe what the photo or document shows."))
    check_upload(upload)
    with transaction.atomic():
        document = VisitDocument(
            visit=visit,
            title=title.strip(),
            description=description.strip(),
            sha256=sha256_of(upload),
        )
        document.file.save(upload.name, upload, save=False)
        save_audited(document, AuditAction.CREATE, actor=actor, request=request)
    return document


def default_addressee(visit: MonitoringVisit) -> Organisation:
    """Who answers for a site: the body it reports to (a school → the education office)."""
    return visit.site.parent or visit.site


def visit_finding_recommend(
    *,
    actor: Any,
    finding: VisitFinding,
    addressee: Organisation | None = None,
    request: HttpRequest | None = None,
) -> Recommendation:
    """One action: the finding becomes a draft recommendation linked to its visit."""
    visit = finding.visit
    return recommendation_create(
        actor=actor,
        council=visit.council,
        addressee=addressee or default_addressee(visit),
        text=finding.text,
        finding=finding,
        request=request,
    )
