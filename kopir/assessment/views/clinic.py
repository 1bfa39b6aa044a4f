"""The referring clinic's pages: its work list, the referral form, the referral page, sending,
and attached documents. Thin: selectors read, services write, access decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kopir.assessment.access import (
    clinic_referral_for_user,
    is_clinic_user,
    may_download_attachment,
    may_edit_referral,
    referral_for_user,
)
from kopir.assessment.forms_attachments import AttachmentForm
from kopir.assessment.forms_clinic import ReferralForm
from kopir.assessment.models import (
    DocumentType,
    FindingKind,
    Referral,
    ReferralStatus,
    RequiredField,
    Requirement,
)
from kopir.assessment.selectors.clinic import (
    RECENT_DECISION_DAYS,
    RECENT_DECISIONS,
    ClinicCursor,
    clinic_referral_read,
    clinic_worklist,
    referral_for_edit,
    referral_view,
)
from kopir.assessment.selectors.division import attachment_read, referral_attachment
from kopir.assessment.services.attachments import attachment_remove
from kopir.assessment.services.completeness import (
    IncompleteReferral,
    MissingItem,
    completeness_check,
)
from kopir.assessment.services.referrals import (
    attachment_add,
    referral_create,
    referral_send,
    referral_update,
)
from kopir.assessment.workflow import InvalidTransition
from kopir.core.errors import AccessDenied, ConflictError
from kopir.core.forms import VersionForm
from kopir.core.responses import act_and_tell, form_page, refilled_on_conflict
from kopir.people.selectors import person_read

# Where on the form each finding is entered, so a missing item links straight to its field.
_FINDING_ANCHORS = {
    f"{FindingKind.VISUAL_ACUITY}:right": "id_acuity_right",
    f"{FindingKind.VISUAL_ACUITY}:left": "id_acuity_left",
    FindingKind.VISUAL_ACUITY: "id_acuity_right",
    f"{FindingKind.VISUAL_FIELD}:right": "id_field_right",
    f"{FindingKind.VISUAL_FIELD}:left": "id_field_left",
    FindingKind.VISUAL_FIELD: "id_field_right",
    f"{FindingKind.HEARING_THRESHOLD}:right": "id_hearing_right",
    f"{FindingKind.HEARING_THRESHOLD}:left": "id_hearing_left",
    FindingKind.HEARING_THRESHOLD: "id_hearing_right",
    f"{FindingKind.LIMB_FUNCTION}:right": "id_limb_function",
    f"{FindingKind.LIMB_FUNCTION}:left": "id_limb_function",
    FindingKind.LIMB_FUNCTION: "id_limb_function",
    FindingKind.HBA1C: "id_hba1c",
    FindingKind.HISTOLOGY: "id_histology",
    FindingKind.OTHER_TEST: "id_test_1_name",
}


def _require_clinic(request: HttpRequest) -> None:
    if not is_clinic_user(request.user):
        raise PermissionDenied(_("Only a referring clinic's staff work with this page."))


def missing_links(referral: Referral, items: list[MissingItem]) -> list[dict[str, str]]:
    """Each missing item as an error-summary entry linking to where it is filled in."""
    edit = reverse("assessment:clinic_edit", args=[referral.pk])
    add = reverse("assessment:clinic_attachment_add", args=[referral.pk])
    links = []
    for item in items:
        code = item.code.partition(":")[0]
        if item.kind == Requirement.DOCUMENT and code in DocumentType.values:
            href = f"{add}?document_type={code}"
        elif item.kind == Requirement.FINDING:
            href = f"{edit}#{_FINDING_ANCHORS.get(item.code, _FINDING_ANCHORS.get(code, ''))}"
        elif code == RequiredField.LIMITATIONS:
            href = f"{edit}#id_limitation_self_care"
        elif code in RequiredField.values:
            href = f"{edit}#id_{code}"
        else:
            href = edit
        links.append({"message": f"{item.label}: {item.reason}", "href": href})
    return links


@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    _require_clinic(request)
    status = request.GET.get("status", "")
    if status not in ReferralStatus.values:
        status = ""
    # The home page's "decisions received" opens the list so: decided lately, told or not yet.
    recently_decided = request.GET.get("decisions") == RECENT_DECISIONS
    page = clinic_worklist(
        request.user,
        status=status,
        recently_decided=recently_decided,
        after=ClinicCursor.parse(request.GET.get("after")),
    )
    return render(
        request,
        "assessment/clinic/list.html",
        {
            "page": page,
            "rows": page.rows,
            "status": status,
            "statuses": ReferralStatus.choices,
            "recently_decided": recently_decided,
            "recent_days": RECENT_DECISION_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    _require_clinic(request)
    if request.method == "POST" and "add_test_row" in request.POST:
        return _with_another_test_row(request, None)
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial=_person_chosen(request),
    )
    return form_page(
        request,
        form,
        "assessment/clinic/form.html",
        {"referral": None},
        save=lambda: referral_create(
            actor=request.user,
            medical_organisation=request.user.organisation,  # type: ignore[union-attr,arg-type]
            request=request,
            **form.service_data(),
        ),
        done=lambda referral: (
            _("The draft %(number)s is saved. Attach the documents, then send it.")
            % {"number": referral.number}
        ),
        success_url=lambda referral: reverse("assessment:clinic_detail", args=[referral.pk]),
    )


def _person_chosen(request: HttpRequest) -> dict[str, str]:
    """The form's IIN when it was opened from a person's page (`?person=<pk>`): read like the
    page read it (audited; a person the clinic has no business with is a 404)."""
    if request.method != "GET" or "person" not in request.GET:
        return {}
    try:
        pk = int(request.GET["person"])
    except ValueError as error:
        raise Http404 from error
    return {"iin": person_read(request.user, pk, request).iin}


def _no_longer_editable(request: HttpRequest, referral: Referral) -> HttpResponse:
    """Back to the referral, which has left the clinic's hands: say so."""
    messages.info(
        request, _("This referral is with the MSE division and can no longer be changed.")
    )
    return redirect("assessment:clinic_detail", pk=referral.pk)


def _with_another_test_row(request: HttpRequest, referral: Referral | None) -> HttpResponse:
    """ "Add another test" without JavaScript: the same form again, one row longer, unsaved."""
    values: dict[str, Any] = request.POST.dict()
    values.pop("csrfmiddlewaretoken", None)
    values["test_rows"] = int(values.get("test_rows") or 0) + 1
    form = ReferralForm(user=request.user, referral=referral, initial=values)
    form.focus_last_test_row()
    return render(request, "assessment/clinic/form.html", {"form": form, "referral": referral})


@require_http_methods(["GET", "POST"])
def referral_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_clinic(request)
    if request.method == "GET":
        referral = referral_for_edit(request.user, pk, request)
    else:
        referral = clinic_referral_for_user(request.user, pk)
    if not may_edit_referral(request.user, referral):
        return _no_longer_editable(request, referral)
    if request.method == "POST" and "add_test_row" in request.POST:
        return _with_another_test_row(request, referral)
    form = ReferralForm(
        request.POST if request.method == "POST" else None, user=request.user, referral=referral
    )
    return form_page(
        request,
        form,
        "assessment/clinic/form.html",
        {"referral": referral},
        save=lambda: referral_update(
            actor=request.user,
            referral=referral,
            expected_version=form.cleaned_data["version"],
            request=request,
            **form.service_data(),
        ),
        done=_("The changes are saved."),
        success_url=reverse("assessment:clinic_detail", args=[referral.pk]),
        on_conflict=refilled_on_conflict(
            request, ReferralForm, referral, user=request.user, referral=referral
        ),
    )


def _detail_context(request: HttpRequest, view: Any) -> dict[str, Any]:
    referral = view.referral
    editable = may_edit_referral(request.user, referral)
    still_missing = completeness_check(referral) if editable else []
    return {
        "view": view,
        "referral": referral,
        "editable": editable,
        "still_missing": still_missing,
        "still_missing_links": missing_links(referral, still_missing),
        "send_form": VersionForm(initial={"version": referral.version}),
    }


@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_clinic(request)
    view = clinic_referral_read(request.user, pk, request)
    return render(request, "assessment/clinic/detail.html", _detail_context(request, view))


@require_POST
def referral_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_clinic(request)
    referral = clinic_referral_for_user(request.user, pk)
    form = VersionForm(request.POST)
    error_items: list[dict[str, str]] = []
    problem = ""
    if not form.is_valid():
        problem = _("The page was out of date. Check the referral and send it again.")
    else:
        try:
            sent = referral_send(
                actor=request.user,
                referral=referral,
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except IncompleteReferral as error:
            problem = str(error)
            error_items = missing_links(referral, error.missing)
        except (ConflictError, InvalidTransition, AccessDenied) as error:
            problem = str(error)
        else:
            messages.success(
                request,
                _("The referral %(number)s is sent to the MSE division.") % {"number": sent.number},
            )
            return redirect("assessment:clinic_detail", pk=sent.pk)
    referral.refresh_from_db()
    context = _detail_context(request, referral_view(referral))
    context.update(send_problem=problem, send_errors=error_items)
    return render(request, "assessment/clinic/detail.html", context)


@require_http_methods(["GET", "POST"])
def attachment_new(request: HttpRequest, pk: int) -> HttpResponse:
    _require_clinic(request)
    referral = clinic_referral_for_user(request.user, pk)
    if not may_edit_referral(request.user, referral):
        return _no_longer_editable(request, referral)
    if request.method == "POST":
        form = AttachmentForm(request.POST, request.FILES)
    else:
        wanted = request.GET.get("document_type", "")
        form = AttachmentForm(
            initial={"document_type": wanted} if wanted in DocumentType.values else None
        )
    return form_page(
        request,
        form,
        "assessment/clinic/attachment_form.html",
        {"referral": referral},
        save=lambda: attachment_add(
            actor=request.user,
            referral=referral,
            document_type=form.cleaned_data["document_type"],
            issued_on=form.cleaned_data["issued_on"],
            uploaded_file=form.cleaned_data["file"],
            request=request,
        ),
        done=_("The document is attached."),
        success_url=reverse("assessment:clinic_detail", args=[referral.pk]),
    )


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """The file, for the referring clinic, for the MSE division the referral was sent to and, in
    absentia, for its experts once the head has released it (access.may_download_attachment).

    Served under a neutral name (the referral number and the document's kind), never the
    uploaded name, which may carry the person's name into a depersonalised case.
    """
    referral = referral_for_user(request.user, pk)
    attachment = referral_attachment(referral, attachment_pk)
    # In absentia an expert gets only what the head released, and only on their own case; the
    # answer is 404 either way, so the refusal does not tell whether the document exists.
    if not may_download_attachment(request.user, referral, attachment):
        raise Http404
    attachment_read(request.user, attachment, request)
    extension = {
        "application/pdf": "pdf",
        "image/jpeg": "jpg",
        "image/png": "png",
    }.get(attachment.content_type, "docx")
    name = f"{referral.number}-{attachment.document_type}-{attachment.issued_on:%Y%m%d}.{extension}"
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=attachment.content_type,
    )
    return response


@require_http_methods(["GET", "POST"])
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    _require_clinic(request)
    referral = clinic_referral_for_user(request.user, pk)
    attachment = referral_attachment(referral, attachment_pk)
    if request.method == "POST":
        act_and_tell(
            request,
            lambda: attachment_remove(actor=request.user, attachment=attachment, request=request),
            done=_("The document is removed from the referral."),
        )
        return redirect("assessment:clinic_detail", pk=referral.pk)
    return render(
        request,
        "assessment/clinic/attachment_delete.html",
        {"referral": referral, "attachment": attachment},
    )
