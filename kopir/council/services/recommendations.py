"""Recommendations, from the council's decision (or a visit's finding) to their execution.

The rules in one place:
- deadlines come from the rule set, through `recommendation_deadlines` only;
- the states follow the workflow in recommendation_rules.py; anything else is refused with a
  clear message;
- the addressee answers (with reasons, a reported status and evidence); only the council's
  acceptance of an answer moves a recommendation to executed, partly executed or rejected.
Every change is one transaction with its timeline entry and its audit record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopir.audit.models import AuditAction
from kopir.audit.services import audited
from kopir.core.actors import signed_in_user
from kopir.core.errors import AccessDenied, ConflictError, DomainError
from kopir.core.numbering import next_number
from kopir.core.uploads import check_upload, sha256_of
from kopir.core.versioning import assign_changes
from kopir.council import access
from kopir.council.exchange_events import (
    publish_recommendation_answered,
    publish_recommendation_sent,
)
from kopir.council.models import (
    Council,
    Decision,
    MonitoringVisit,
    Recommendation,
    RecommendationEvent,
    RecommendationEventKind,
    RecommendationResponse,
    RecommendationRuleSet,
    ResponseVerdict,
    VisitFinding,
)
from kopir.council.models import RecommendationStatus as S
from kopir.council.services import recommendation_alerts as alerts
from kopir.council.services import staff_alerts
from kopir.council.services.recommendation_rules import (
    ANSWERABLE,
    AWAITING_ANSWER,
    FINAL_STATUSES,
    RECOMMENDATION_WORKFLOW,
    REPORTABLE,
    recommendation_deadlines,
    source_date,
)
from kopir.directory.models import Organisation

SECRETARY_ONLY = gettext_lazy("Only the council's secretary manages its recommendations.")
"""What anyone but the secretary is told (`access.ensure_secretary`)."""


def _event(
    recommendation: Recommendation,
    kind: str,
    *,
    actor: Any = None,
    from_status: str = "",
    to_status: str = "",
    response: RecommendationResponse | None = None,
    note: str = "",
) -> None:
    RecommendationEvent.objects.create(
        recommendation=recommendation,
        kind=kind,
        actor=signed_in_user(actor),
        from_status=from_status,
        to_status=to_status,
        response=response,
        note=note,
    )


def _move(
    current: Recommendation,
    to_status: str,
    *,
    actor: Any,
    changes: dict[str, Any] | None = None,
    accepted_response: RecommendationResponse | None = None,
    request: HttpRequest | None = None,
    audit_fields: list[str] | None = None,
    detail: str | None = None,
) -> None:
    """Move a recommendation the caller has just locked (`_locked`) through the workflow: the
    table, its timeline entry and its audit record (recommendation_rules.RECOMMENDATION_WORKFLOW).
    """
    changes = dict(changes or {})
    if to_status in FINAL_STATUSES:
        changes["closed_on"] = timezone.localdate()
    RECOMMENDATION_WORKFLOW.transition(
        record=current,
        to=to_status,
        actor=actor,
        # Read under the row lock just now, and already checked against what the user read.
        expected_version=current.version,
        changes=changes,
        context={"accepted_response": accepted_response},
        request=request,
        audit_fields=audit_fields,
        detail=detail,
    )


def _locked(recommendation: Recommendation, expected_version: int | None = None) -> Recommendation:
    """The row, locked for this transaction, checked against the version the user read."""
    current = (
        Recommendation.objects.select_for_update()
        .select_related("council__organisation", "addressee", "rule_set")
        .get(pk=recommendation.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this recommendation after you opened it. Nothing was "
                "saved; check the latest state and try again."
            )
        )
    return current


def _save(recommendation: Recommendation, fields: list[str]) -> None:
    recommendation.version += 1
    recommendation.full_clean()
    recommendation.save(update_fields=sorted({*fields, "version"}))


def recommendation_sequence(council: Council) -> str:
    """The numbering sequence of the council's recommendations (one per council and year)."""
    return f"council.recommendation:{council.pk}"


def _next_number(council: Council, year: int) -> str:
    return f"{year}-{next_number(recommendation_sequence(council), year):03d}"


def recommendation_create(
    *,
    actor: Any,
    council: Council,
    addressee: Organisation,
    text: str,
    text_ru: str = "",
    rule_set: RecommendationRuleSet | None = None,
    decision: Decision | None = None,
    visit: MonitoringVisit | None = None,
    finding: VisitFinding | None = None,
    motivating_figure: str = "",
    request: HttpRequest | None = None,
) -> Recommendation:
    """Draft a recommendation from a decision of the council or from a visit's finding."""
    access.ensure_secretary(actor, council, SECRETARY_ONLY)
    if finding is not None:
        visit = finding.visit
        if Recommendation.objects.filter(finding=finding).exists():
            raise DomainError(_("This finding has already become a recommendation."))
    if decision is not None and decision.agenda_item.meeting.council_id != council.pk:
        raise DomainError(_("The decision belongs to another council."))
    if visit is not None and visit.council_id != council.pk:
        raise DomainError(_("The visit belongs to another council."))
    if addressee.pk == council.organisation_id:
        raise DomainError(_("A council does not address recommendations to itself."))
    with transaction.atomic():
        recommendation = Recommendation(
            council=council,
            decision=decision,
            visit=visit,
            finding=finding,
            addressee=addressee,
            text=text.strip(),
            text_ru=text_ru.strip(),
            rule_set=rule_set or council.recommendation_rule_set,
            motivating_figure=motivating_figure.strip(),
        )
        deadlines = recommendation_deadlines(
            recommendation.rule_set, source_date(recommendation), None
        )
        recommendation.send_due_on = deadlines.send_due_on
        # Taken last, just before the save: the sequence's row stays locked until the commit.
        recommendation.number = _next_number(council, timezone.localdate().year)
        recommendation.full_clean()
        recommendation.save()
        _event(recommendation, RecommendationEventKind.CREATED, actor=actor, to_status=S.DRAFT)
        audited(recommendation, AuditAction.CREATE, actor=actor, request=request)
    return recommendation


class RecommendationData(TypedDict, total=False):
    """The fields of a draft the secretary edits."""

    addressee: Organisation
    text: str
    text_ru: str
    rule_set: RecommendationRuleSet
    motivating_figure: str


def recommendation_update(
    *,
    actor: Any,
    recommendation: Recommendation,
    expected_version: int,
    request: HttpRequest | None = None,
    **data: Unpack[RecommendationData],
) -> Recommendation:
    """Change a draft (text, addressee, rules, figure). Once sent, the text is what was sent.

    Returns the saved recommendation; its version is still `expected_version` when nothing in
    `data` differed (nothing was written).
    """
    access.ensure_secretary(actor, recommendation.council, SECRETARY_ONLY)
    with transaction.atomic():
        current = _locked(recommendation, expected_version)
        if current.status != S.DRAFT:
            raise DomainError(_("Only a draft can be changed; this recommendation was sent."))
        changed = assign_changes(current, data)
        if not changed:
            return current
        if "rule_set" in changed:
            current.send_due_on = recommendation_deadlines(
                current.rule_set, source_date(current), None
            ).send_due_on
            changed.append("send_due_on")
        _save(current, changed)
        _event(current, RecommendationEventKind.EDITED, actor=actor)
        audited(current, AuditAction.UPDATE, changed, actor=actor, request=request)
    return current


def recommendation_send(
    *,
    actor: Any,
    recommendation: Recommendation,
    expected_version: int,
    sent_on: dt.date,
    request: HttpRequest | None = None,
) -> Recommendation:
    """Record that the recommendation went to the addressee; its answer clock starts."""
    access.ensure_secretary(actor, recommendation.council, SECRETARY_ONLY)
    if sent_on > timezone.localdate():
        raise DomainError(_("The sending date cannot be in the future."))
    with transaction.atomic():
        current = _locked(recommendation, expected_version)
        started = source_date(current)
        if started is not None and sent_on < started:
            raise DomainError(_("The sending date cannot be before the meeting or visit."))
        _move(
            current,
            S.SENT,
            actor=actor,
            changes={
                "sent_on": sent_on,
                "answer_due_on": recommendation_deadlines(
                    current.rule_set, started, sent_on
                ).answer_due_on,
            },
            request=request,
            audit_fields=["status", "sent_on", "answer_due_on"],
            detail="sent",
        )
        alerts.notify_sent(current, actor=actor, request=request)
        staff_alerts.recommendation_sent(current, actor=actor, request=request)
        publish_recommendation_sent(current)
    return current


def _require_addressee(actor: Any, recommendation: Recommendation) -> None:
    if not access.is_addressee_officer(actor, recommendation):
        raise AccessDenied(_("Only the addressee's staff answer this recommendation."))


def recommendation_acknowledge(
    *, actor: Any, recommendation: Recommendation, request: HttpRequest | None = None
) -> Recommendation:
    _require_addressee(actor, recommendation)
    with transaction.atomic():
        current = _locked(recommendation)
        _move(
            current,
            S.ACKNOWLEDGED,
            actor=actor,
            changes={"acknowledged_on": timezone.localdate()},
            request=request,
            audit_fields=["status", "acknowledged_on"],
            detail="acknowledged",
        )
    return current


def recommendation_respond(
    *,
    actor: Any,
    recommendation: Recommendation,
    text: str,
    reported_status: str,
    evidence: Any = None,
    request: HttpRequest | None = None,
) -> RecommendationResponse:
    """The addressee's answer or progress report. It is a claim until the council accepts it.

    A progress report ("in progress") moves an unanswered recommendation to in progress at once:
    work has started, nothing is closed. A reported result (executed, partly executed, rejected)
    waits for the council's verdict.
    """
    _require_addressee(actor, recommendation)
    if reported_status not in REPORTABLE:
        raise DomainError(_("Choose what the answer reports: in progress, or a result."))
    if evidence is not None:
        check_upload(evidence)
    with transaction.atomic():
        current = _locked(recommendation)
        if current.status not in ANSWERABLE:
            raise DomainError(
                _("This recommendation is “%(status)s”: it takes no more answers.")
                % {"status": current.get_status_display()}
            )
        response = RecommendationResponse(
            recommendation=current,
            author=actor,
            text=text.strip(),
            reported_status=reported_status,
        )
        if evidence is not None:
            response.evidence_sha256 = sha256_of(evidence)
            response.evidence.save(evidence.name, evidence, save=False)
        response.full_clean()
        response.save()
        changes: dict[str, Any] = {}
        today = timezone.localdate()
        if current.answered_on is None:
            changes["answered_on"] = today
        if current.acknowledged_on is None:
            # An answer shows the recommendation arrived.
            changes["acknowledged_on"] = today
        _event(current, RecommendationEventKind.ANSWERED, actor=actor, response=response)
        moves_to = None
        if reported_status == S.IN_PROGRESS and current.status in (S.SENT, S.ACKNOWLEDGED):
            moves_to = S.IN_PROGRESS
        elif current.status == S.SENT:
            moves_to = S.ACKNOWLEDGED
        if moves_to is not None:
            _move(current, moves_to, actor=actor, changes=changes, request=request)
        else:
            # No move, but a new version all the same: a form opened before the answer is stale.
            for name, value in changes.items():
                setattr(current, name, value)
            _save(current, list(changes))
        audited(
            response,
            AuditAction.CREATE,
            ["text", "reported_status"] + (["evidence"] if evidence is not None else []),
            actor=actor,
            request=request,
        )
        alerts.notify_answered(response, actor=actor, request=request)
        staff_alerts.answer_received(response, actor=actor, request=request)
        publish_recommendation_answered(current, response)
    return response


def _restart_answer_clock(
    current: Recommendation, *, actor: Any, request: HttpRequest | None = None
) -> dt.date | None:
    """An answer the council did not accept is no answer: the recommendation waits for one again.

    The addressee owes a new answer within the rule set's answer period counted from the day of
    the rejection, as from a new receipt (docs/domain/council.md §5), so the pages show that due
    date, the daily job reminds and escalates again, and the register counts it overdue after it.
    Nothing restarts while another answer still waits for the council's verdict, nor on a
    recommendation already closed (partly executed: its open work is answered, not its deadline).
    The new due date, which the verdict's notice states; None when nothing restarted.
    """
    if current.status not in AWAITING_ANSWER:
        return None
    if current.responses.filter(verdict=ResponseVerdict.PENDING).exists():
        return None
    rejected_on = timezone.localdate()
    current.answered_on = None
    current.answer_due_on = recommendation_deadlines(
        current.rule_set, None, rejected_on
    ).answer_due_on
    current.reminded_on = None
    current.escalated_on = None
    fields = ["answered_on", "answer_due_on", "reminded_on", "escalated_on"]
    _save(current, fields)
    audited(
        current,
        AuditAction.UPDATE,
        fields,
        actor=actor,
        request=request,
        detail="answer not accepted: answer due again",
    )
    return current.answer_due_on


def response_review(
    *,
    actor: Any,
    response: RecommendationResponse,
    verdict: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> RecommendationResponse:
    """The council's verdict on an answer. Accepting it gives the recommendation its status."""
    recommendation = response.recommendation
    access.ensure_secretary(actor, recommendation.council, SECRETARY_ONLY)
    if verdict not in (ResponseVerdict.ACCEPTED, ResponseVerdict.NOT_ACCEPTED):
        raise DomainError(_("Choose whether the council accepts the answer."))
    if verdict == ResponseVerdict.NOT_ACCEPTED and not note.strip():
        raise DomainError(_("Say why the answer is not accepted: the addressee reads it."))
    with transaction.atomic():
        current = _locked(recommendation)
        answer = RecommendationResponse.objects.select_for_update().get(pk=response.pk)
        if answer.verdict != ResponseVerdict.PENDING:
            raise ConflictError(
                _("This answer was already reviewed: %(verdict)s.")
                % {"verdict": answer.get_verdict_display()}
            )
        answer.verdict = verdict
        answer.verdict_note = note.strip()
        answer.verdict_by = actor
        answer.verdict_at = timezone.now()
        answer.full_clean()
        answer.save(update_fields=["verdict", "verdict_note", "verdict_by", "verdict_at"])
        accepted = verdict == ResponseVerdict.ACCEPTED
        _event(
            current,
            RecommendationEventKind.ACCEPTED if accepted else RecommendationEventKind.NOT_ACCEPTED,
            actor=actor,
            response=answer,
            note=answer.verdict_note,
        )
        # An accepted progress report on a recommendation already past that stage changes nothing.
        progress_only = answer.reported_status == S.IN_PROGRESS and current.status not in (
            S.SENT,
            S.ACKNOWLEDGED,
        )
        if accepted and answer.reported_status != current.status and not progress_only:
            _move(
                current,
                answer.reported_status,
                actor=actor,
                accepted_response=answer,
                request=request,
            )
        audited(
            answer,
            AuditAction.UPDATE,
            ["verdict", "verdict_note"],
            actor=actor,
            request=request,
            detail=verdict,
        )
        redo_due_on = (
            None if accepted else _restart_answer_clock(current, actor=actor, request=request)
        )
        alerts.notify_verdict(answer, redo_due_on=redo_due_on, actor=actor, request=request)
        if not accepted:
            staff_alerts.answer_not_accepted(
                answer, redo_due_on=redo_due_on, actor=actor, request=request
            )
    return answer
