"""Meetings: the list, planning and editing, the meeting page with its live quorum, attendance,
invitations, holding and cancelling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kopir.core.forms import at_version
from kopir.core.responses import form_page, render_page_or_fragment, wants_fragment
from kopir.core.selectors import page_of
from kopir.council.access import (
    can_request_accommodation,
    council_for_reader,
    council_for_secretary,
    open_ballots_for,
)
from kopir.council.forms_meetings import (
    AttendanceForm,
    GuestForm,
    MeetingCancelForm,
    MeetingForm,
)
from kopir.council.models import Attendance, Council, Meeting, MeetingStatus
from kopir.council.selectors.councils import open_plan_items
from kopir.council.selectors.meetings import (
    MINUTES_TO_SIGN,
    attendance_rows,
    guests,
    meeting_for_page,
    meeting_in_council,
    minutes_to_sign,
    quorum_status,
)
from kopir.council.selectors.meetings import (
    meeting_list as select_meetings,
)
from kopir.council.services.attendance import attendance_record, guest_add, guest_remove
from kopir.council.services.invitations import invitations_open, invitations_outdated
from kopir.council.services.meetings import (
    meeting_cancel,
    meeting_create,
    meeting_mark_held,
    meeting_update,
)
from kopir.council.views.meetings_common import (
    attempted,
    confirmed_action,
    council_page,
    posted_from_page,
    versioned_form_page,
)

MEETINGS_PER_PAGE = 20


@require_GET
def meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    council = council_for_reader(request.user, slug)
    meetings = select_meetings(council)
    # The home page's "minutes to sign" opens this list narrowed to them.
    to_sign = request.GET.get("minutes") == MINUTES_TO_SIGN
    if to_sign:
        meetings = minutes_to_sign(meetings, request.user, council)
    page_obj = page_of(meetings, MEETINGS_PER_PAGE, request.GET.get("page"))
    return council_page(
        request,
        council,
        "council/meetings/meeting_list.html",
        page_obj=page_obj,
        minutes_to_sign=to_sign,
    )


@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, slug: str) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    form = MeetingForm(
        request.POST if request.method == "POST" else None, plan_items=open_plan_items(council)
    )
    return form_page(
        request,
        form,
        "council/meetings/meeting_form.html",
        {"council": council, "meeting": None},
        save=lambda: meeting_create(
            actor=request.user, council=council, request=request, **form.service_data()
        ),
        done=_("The meeting is planned. Now add its agenda."),
        success_url=lambda meeting: _meeting_url(slug, meeting.pk),
    )


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    plan_items = open_plan_items(council)
    form = (
        MeetingForm(request.POST, plan_items=plan_items)
        if request.method == "POST"
        else MeetingForm(initial=MeetingForm.initial_from(meeting), plan_items=plan_items)
    )
    return versioned_form_page(
        request,
        form,
        meeting,
        "council/meetings/meeting_form.html",
        {"council": council, "meeting": meeting},
        save=lambda data: meeting_update(
            actor=request.user,
            meeting=meeting,
            expected_version=data["version"] or 0,
            request=request,
            **form.service_data(),
        ),
        done=_("The meeting is saved."),
        success_url=_meeting_url(slug, pk),
        plan_items=plan_items,
    )


def _meeting_url(slug: str, pk: int) -> str:
    return reverse("council:meeting_detail", kwargs={"slug": slug, "pk": pk})


@require_GET
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = council_for_reader(request.user, slug)
    meeting = meeting_for_page(council, pk)
    rows = attendance_rows(meeting)
    return council_page(
        request,
        council,
        "council/meetings/meeting_detail.html",
        meeting=meeting,
        quorum=quorum_status(meeting),
        attendance=rows,
        guests=guests(meeting),
        can_request=(
            can_request_accommodation(request.user, council)
            and meeting.status == MeetingStatus.PLANNED
        ),
        open_ballots=open_ballots_for(request.user, meeting),
        is_planned=meeting.status == MeetingStatus.PLANNED,
        # Once the meeting has begun, no invitation or update is sent: none is offered.
        can_invite=invitations_open(meeting),
        invitations_outdated=invitations_open(meeting) and invitations_outdated(meeting),
    )


@require_GET
def meeting_quorum(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The quorum panel on its own, polled by the meeting page while attendance is recorded.

    Answers 204 (htmx then leaves the page alone) when nothing changed since `seen`, so a screen
    reader announces the live region only when the count really changes.
    """
    council = council_for_reader(request.user, slug)
    meeting = meeting_in_council(council, pk)
    quorum = quorum_status(meeting)
    state = f"{quorum.present}-{quorum.members}"
    if wants_fragment(request) and request.GET.get("seen") == state:
        return HttpResponse(status=204)
    return render_page_or_fragment(
        request,
        "council/meetings/quorum_page.html",
        "council/meetings/_quorum.html",
        {"council": council, "meeting": meeting, "quorum": quorum},
    )


def _confirmed_move(
    request: HttpRequest, slug: str, pk: int, move: Callable[..., object], done: str
) -> HttpResponse:
    """Hold the meeting: final, so only with the box ticked and the version shown."""
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    confirmed_action(
        request,
        lambda version: move(
            actor=request.user, meeting=meeting, expected_version=version, request=request
        ),
        done,
    )
    return redirect("council:meeting_detail", slug=slug, pk=pk)


@require_POST
def meeting_held(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _confirmed_move(
        request, slug, pk, meeting_mark_held, _("The meeting is recorded as held.")
    )


@require_http_methods(["GET", "POST"])
def meeting_cancel_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Cancelling ends the meeting for good and tells everyone invited, so the meeting page's
    red button leads here: the page says what follows and asks for the box to be ticked."""
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    if meeting.status != MeetingStatus.PLANNED:
        return redirect("council:meeting_detail", slug=slug, pk=pk)
    form = at_version(MeetingCancelForm, request, meeting)
    return form_page(
        request,
        form,
        "council/meetings/meeting_cancel.html",
        {"council": council, "meeting": meeting},
        save=lambda: meeting_cancel(
            actor=request.user,
            meeting=meeting,
            expected_version=form.cleaned_data["version"],
            request=request,
        ),
        done=_("The meeting is cancelled."),
        success_url=_meeting_url(slug, pk),
    )


@require_http_methods(["GET", "POST"])
def meeting_attendance(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    rows = attendance_rows(meeting)
    form = AttendanceForm(request.POST if request.method == "POST" else None, rows=rows)
    return form_page(
        request,
        form,
        "council/meetings/attendance_form.html",
        lambda: _attendance_context(council, meeting, guest_form=GuestForm()),
        save=lambda: attendance_record(
            actor=request.user,
            meeting=meeting,
            statuses=form.statuses(rest_present="all_present" in request.POST),
            request=request,
        ),
        done=_("Attendance is saved."),
        success_url=_meeting_url(slug, pk),
    )


def _attendance_context(council: Council, meeting: Meeting, **forms: Any) -> dict[str, Any]:
    return {
        "council": council,
        "meeting": meeting,
        **forms,
        "guests": guests(meeting),
        "quorum": quorum_status(meeting),
    }


@require_POST
def guest_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    form = GuestForm(request.POST)
    return posted_from_page(
        request,
        form,
        save=lambda: guest_add(
            actor=request.user, meeting=meeting, request=request, **form.service_data()
        ),
        done=_("The guest is recorded."),
        success_url=reverse("council:meeting_attendance", kwargs={"slug": slug, "pk": pk}),
        page=lambda: render(
            request,
            "council/meetings/attendance_form.html",
            _attendance_context(
                council,
                meeting,
                form=AttendanceForm(rows=attendance_rows(meeting)),
                guest_form=form,
            ),
        ),
    )


@require_POST
def guest_delete(request: HttpRequest, slug: str, pk: int, guest_pk: int) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    guest = Attendance.objects.filter(meeting=meeting, member__isnull=True, pk=guest_pk).first()
    if guest is not None:
        attempted(
            request,
            lambda: guest_remove(actor=request.user, guest=guest, request=request),
            _("The guest is removed."),
        )
    return redirect("council:meeting_attendance", slug=slug, pk=pk)
