"""The MSE division's pages: the queue, a referral's case page, accepting or returning it,
assigning experts, notifying the person, the timeline, and recording an appeal. Thin: access from
access.py, reads from selectors, writes through services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kopir.assessment.access import (
    appeal_refusal,
    division_referral_for_user,
    is_division_head,
    may_release_attachments,
    may_see_identity,
    works_division_queue,
)
from kopir.assessment.forms_division import (
    AppealFileForm,
    AssignForm,
    QueueFilterForm,
    ReleaseForm,
    ReturnForm,
)
from kopir.assessment.models import ReferralStatus
from kopir.assessment.selectors.division import (
    case_content,
    case_documents,
    identity_for,
    referral_assignments,
    referral_attachment,
    referral_timeline,
    unreleased_attachment_count,
)
from kopir.assessment.selectors.queue import (
    Cursor,
    division_queue,
    queue_chapters,
    queue_clinics,
    queue_export_rows,
)
from kopir.assessment.services.appeal import appeal_file
from kopir.assessment.services.attachments import attachment_release
from kopir.assessment.services.decision import current_decision
from kopir.assessment.services.distribution import is_extraterritorial, proposed_experts
from kopir.assessment.services.division import (
    automatic_missing_items,
    referral_accept,
    referral_return,
)
from kopir.assessment.services.review import (
    eligible_experts,
    experts_required,
    referral_assign_experts,
)
from kopir.assessment.workflow import deadline_state
from kopir.core.db_router import replica_reads
from kopir.core.errors import DomainError
from kopir.core.exports import csv_response
from kopir.core.forms import VersionForm, at_version
from kopir.core.responses import form_page, refuse, render_page_or_fragment, version_button

EXPORT_LIMIT = 5000


def _filter_form(request: HttpRequest, division_id: int) -> QueueFilterForm:
    clinics = [(c.pk, str(c.short_name)) for c in queue_clinics(division_id)]
    return QueueFilterForm(
        request.GET or None, clinics=clinics, chapters=queue_chapters(division_id)
    )


def _division_id(request: HttpRequest) -> int:
    if not works_division_queue(request.user):
        raise PermissionDenied(_("The queue is for the staff of an MSE division."))
    return int(request.user.organisation_id)  # type: ignore[union-attr, arg-type]


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    division_id = _division_id(request)
    form = _filter_form(request, division_id)
    page = division_queue(
        division_id=division_id,
        filters=form.filters(),
        after=Cursor.parse(request.GET.get("after")),
    )
    context = {"form": form, "page": page, "is_filtered": form.is_bound and form.is_filtered()}
    return render_page_or_fragment(
        request,
        "assessment/division/queue.html",
        "assessment/division/_queue_results.html",
        context,
    )


@require_GET
@replica_reads
def queue_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered queue as CSV: numbers, clinics, diagnoses, steps and deadlines; no identity."""
    division_id = _division_id(request)
    form = _filter_form(request, division_id)
    filters = form.filters()
    header = [
        _("Number"),
        _("Clinic"),
        _("Main diagnosis"),
        _("Route"),
        _("Status"),
        _("Age"),
        _("Step due"),
        _("Times returned"),
    ]
    # The rows are read and audited before the answer starts: only writing the file is streamed.
    rows = queue_export_rows(
        actor=request.user,
        division_id=division_id,
        filters=filters,
        today=timezone.localdate(),
        limit=EXPORT_LIMIT,
        request=request,
    )
    return csv_response([header, *rows], "mse-queue.csv")


@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    referral = division_referral_for_user(request.user, pk)
    user = request.user
    is_head = is_division_head(user)
    assignments = referral_assignments(referral)
    missing = automatic_missing_items(referral) if referral.status == ReferralStatus.SENT else []
    appeals = list(referral.appeals.select_related("higher_body"))
    for appeal in appeals:
        appeal.deadline = deadline_state(appeal.due_on)  # type: ignore[attr-defined]
    context = {
        "referral": referral,
        "referral_deadline": deadline_state(referral.step_due_on),
        "person": identity_for(user, referral, request),
        "content": case_content(referral, viewer=user, request=request),
        "missing": missing,
        "is_head": is_head,
        "assignments": assignments,
        # Before the decision, conclusions are the head's to read: experts work independently.
        "show_conclusions": is_head or referral.status not in (ReferralStatus.ASSIGNED,),
        "submitted_count": sum(1 for a in assignments if a.is_submitted),
        "decisions": list(referral.decisions.select_related("decided_by_organisation")),
        "appeals": appeals,
        "open_appeal": any(appeal.is_open for appeal in appeals),
        "appeal_refusal": appeal_refusal(referral),
        "version_form": VersionForm(initial={"version": referral.version}),
        "current_decision": current_decision(referral),
    }
    return render(request, "assessment/division/case.html", context)


@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    referral = division_referral_for_user(request.user, pk)
    version_button(request, referral_accept, referral=referral, done=_("The referral is accepted."))
    return redirect("assessment:division_case", pk=pk)


@require_http_methods(["GET", "POST"])
def return_referral(request: HttpRequest, pk: int) -> HttpResponse:
    referral = division_referral_for_user(request.user, pk)
    missing = automatic_missing_items(referral) if referral.status == ReferralStatus.SENT else []
    form = at_version(
        ReturnForm,
        request,
        referral,
        nothing_found=referral.status == ReferralStatus.SENT and not missing,
    )
    return form_page(
        request,
        form,
        "assessment/division/return_form.html",
        lambda: {"referral": referral, "missing": missing},
        save=lambda: referral_return(
            actor=request.user,
            referral=referral,
            expected_version=form.cleaned_data["version"],
            added_items=form.items(),
            note=form.cleaned_data["note"],
            request=request,
        ),
        done=_("The referral is returned to the clinic."),
        success_url=reverse("assessment:division_case", args=[pk]),
    )


@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    referral = division_referral_for_user(request.user, pk, head_only=True)
    experts = eligible_experts(referral)
    required = experts_required(referral)
    extraterritorial = is_extraterritorial(referral)
    if request.method == "POST":
        form = AssignForm(
            request.POST,
            experts=experts,
            required_count=required,
            show_division=extraterritorial,
        )
    else:
        # Extraterritorially, Kopir proposes the least loaded experts; the head may choose others.
        proposal = proposed_experts(referral, required) if extraterritorial else []
        form = AssignForm(
            initial={"version": referral.version, "experts": proposal},
            experts=experts,
            required_count=required,
            show_division=extraterritorial,
        )
    return form_page(
        request,
        form,
        "assessment/division/assign_form.html",
        lambda: {
            "referral": referral,
            "required": required,
            # Assigning is not blocked: the head may release the documents afterwards too.
            "unreleased_count": unreleased_attachment_count(referral),
        },
        save=lambda: referral_assign_experts(
            actor=request.user,
            referral=referral,
            expected_version=form.cleaned_data["version"],
            experts=list(form.cleaned_data["experts"]),
            request=request,
        ),
        done=_("The experts are assigned."),
        success_url=reverse("assessment:division_case", args=[pk]),
    )


@require_http_methods(["GET", "POST"])
def attachment_release_view(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """The head releases one document of an in-absentia case to its experts, having opened it and
    ticked that it shows nobody's identity: a release cannot be undone. Back to the documents on
    the case page, for the next one."""
    referral = division_referral_for_user(request.user, pk, head_only=True)
    attachment = referral_attachment(referral, attachment_pk)
    attachment.referral = referral
    case_documents_url = reverse("assessment:division_case", args=[pk]) + "#documents-title"
    # In person the expert may see who the person is: there is nothing to release.
    if not may_release_attachments(request.user, referral):
        raise Http404
    if attachment.released_to_experts_at is not None:
        return redirect(case_documents_url)
    form = ReleaseForm(request.POST if request.method == "POST" else None)
    document = case_documents(
        referral, [attachment], viewer=request.user, may_release=True, is_assigned_expert=False
    )[0]
    return form_page(
        request,
        form,
        "assessment/division/release_confirm.html",
        {"referral": referral, "document": document, "back": case_documents_url},
        save=lambda: attachment_release(actor=request.user, attachment=attachment, request=request),
        done=_("The document is released to the experts."),
        success_url=case_documents_url,
    )


@require_POST
def notify(request: HttpRequest, pk: int) -> HttpResponse:
    from kopir.assessment.services.decision import referral_notify

    referral = division_referral_for_user(request.user, pk)
    version_button(
        request, referral_notify, referral=referral, done=_("The notification is recorded.")
    )
    return redirect("assessment:division_case", pk=pk)


@require_GET
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    referral = division_referral_for_user(request.user, pk)
    return render(
        request,
        "assessment/division/timeline.html",
        {"referral": referral, "timeline": referral_timeline(referral, request.user)},
    )


@require_http_methods(["GET", "POST"])
def appeal_record(request: HttpRequest, pk: int) -> HttpResponse:
    referral = division_referral_for_user(request.user, pk)
    refusal = appeal_refusal(referral)
    if request.method == "GET" and refusal is not None:
        # The case page offers no form then: an old link says why instead of an empty form.
        refuse(request, DomainError(refusal))
        return redirect("assessment:division_case", pk=pk)
    if request.method == "POST":
        form = AppealFileForm(request.POST)
    else:
        form = AppealFileForm(initial={"filed_on": timezone.localdate()})
    return form_page(
        request,
        form,
        "assessment/division/appeal_form.html",
        lambda: {
            "referral": referral,
            "may_see_identity": may_see_identity(request.user, referral),
        },
        save=lambda: appeal_file(
            actor=request.user, referral=referral, request=request, **form.cleaned_data
        ),
        done=_("The appeal is recorded and sent to the higher body."),
        success_url=reverse("assessment:division_case", args=[pk]),
    )
