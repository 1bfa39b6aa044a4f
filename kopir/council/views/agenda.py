"""Agenda items and what is recorded on them: officials, materials, speeches, decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kopir.core.responses import file_download, form_page
from kopir.council.access import council_for_reader, council_for_secretary, is_secretary
from kopir.council.forms_meetings import (
    AgendaItemForm,
    DecisionForm,
    MaterialForm,
    MeetingTextsForm,
    OfficialForm,
    SpeechForm,
    VoteForm,
)
from kopir.council.models import (
    AgendaItem,
    AgendaMaterial,
    Council,
    InvitedOfficial,
    Meeting,
    MeetingStatus,
    VoteResult,
)
from kopir.council.selectors.councils import (
    draft_plans,
    open_plan_items,
    proposed_compositions,
    votes_on_item,
)
from kopir.council.selectors.meetings import agenda_item_for_page, meeting_in_council
from kopir.council.selectors.petitions import petitions_for_agenda
from kopir.council.services.agenda import (
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    agenda_item_update,
    decision_add,
    material_add,
    official_add,
    official_remove,
    rapporteur_members,
    speech_add,
)
from kopir.council.services.minutes_texts import meeting_texts, meeting_texts_save, missing_texts
from kopir.council.views.meetings_common import attempted, posted_from_page


def vote_form(council: Council, data: Any = None) -> VoteForm:
    return VoteForm(
        data,
        compositions=proposed_compositions(council),
        plans=draft_plans(council),
    )


def item_page(
    request: HttpRequest,
    council: Council,
    meeting: Meeting,
    item: AgendaItem,
    *,
    status: int = 200,
    **bound_forms: Any,
) -> HttpResponse:
    """The agenda item's page; a failed form is shown bound, with its errors, the rest empty."""
    secretary = is_secretary(request.user, council)
    # Every form name is in the context (None for readers), so the template's error summary
    # always receives forms or None.
    forms: dict[str, Any] = dict.fromkeys(
        ("official_form", "material_form", "speech_form", "vote_form", "decision_form")
    )
    if secretary:
        forms = {
            "official_form": OfficialForm(),
            "material_form": MaterialForm(),
            "speech_form": SpeechForm(),
            "vote_form": vote_form(council),
            "decision_form": DecisionForm(votes=item.votes.all()),
        }
        forms.update(bound_forms)
    return render(
        request,
        "council/meetings/agenda_item_detail.html",
        {
            "council": council,
            "meeting": meeting,
            "item": item,
            "is_secretary": secretary,
            # The forms of the item's current step are shown open (a failed one is open anyway).
            "open_forms": _open_forms(meeting, item) if secretary and not bound_forms else set(),
            **forms,
        },
        status=status,
    )


def _open_forms(meeting: Meeting, item: AgendaItem) -> set[str]:
    """The forms the secretary most likely needs now (read from what the page prefetched):
    before the meeting, inviting officials and attaching materials; at it, the first speech,
    then the vote, then the decision of a closed vote."""
    if meeting.status == MeetingStatus.PLANNED and meeting.starts_at > timezone.now():
        return {"official", "material"}
    votes = list(item.votes.all())
    if any(vote.result != VoteResult.OPEN for vote in votes) and not item.decisions.all():
        return {"decision"}
    if not votes:
        return {"speech", "vote"} if item.speeches.all() else {"speech"}
    return set()


@require_GET
def agenda_item_detail(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    council = council_for_reader(request.user, slug)
    meeting = meeting_in_council(council, pk)
    return item_page(request, council, meeting, agenda_item_for_page(meeting, item_pk))


@require_http_methods(["GET", "POST"])
def agenda_item_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    form = AgendaItemForm(
        request.POST if request.method == "POST" else None,
        petitions=petitions_for_agenda(council),
        plan_items=open_plan_items(council),
        members=rapporteur_members(meeting).order_by("order", "full_name"),
    )
    return form_page(
        request,
        form,
        "council/meetings/agenda_item_form.html",
        {"council": council, "meeting": meeting, "item": None},
        save=lambda: agenda_item_add(
            actor=request.user, meeting=meeting, request=request, **form.cleaned_data
        ),
        done=_("The item is added to the agenda."),
        success_url=reverse("council:meeting_detail", kwargs={"slug": slug, "pk": pk}),
    )


@require_http_methods(["GET", "POST"])
def agenda_item_edit(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    item = get_object_or_404(AgendaItem, meeting=meeting, pk=item_pk)
    choices = {
        "plan_items": open_plan_items(council),
        "members": rapporteur_members(meeting).order_by("order", "full_name"),
        "officials": item.invited.order_by("pk"),
    }
    form = (
        AgendaItemForm(request.POST, **choices)
        if request.method == "POST"
        else AgendaItemForm(
            initial={
                "title": item.title,
                "title_ru": item.title_ru,
                "description": item.description,
                "description_ru": item.description_ru,
                "rapporteur_choice": AgendaItemForm.choice_of(item),
                "rapporteur": item.rapporteur,
                "rapporteur_ru": item.rapporteur_ru,
                "plan_item": item.plan_item_id,
            },
            **choices,
        )
    )
    return form_page(
        request,
        form,
        "council/meetings/agenda_item_form.html",
        {"council": council, "meeting": meeting, "item": item},
        save=lambda: agenda_item_update(
            actor=request.user, item=item, request=request, **form.cleaned_data
        ),
        done=_("The agenda item is saved."),
        success_url=reverse(
            "council:agenda_item_detail", kwargs={"slug": slug, "pk": pk, "item_pk": item_pk}
        ),
    )


@require_POST
def agenda_item_reorder(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    item = get_object_or_404(AgendaItem, meeting=meeting, pk=item_pk)
    attempted(
        request,
        lambda: agenda_item_move(
            actor=request.user,
            item=item,
            direction=request.POST.get("direction", ""),
            request=request,
        ),
    )
    # Back to the same row of the agenda, so keyboard users keep their place.
    url = reverse("council:meeting_detail", kwargs={"slug": slug, "pk": pk})
    return redirect(f"{url}#agenda-{item_pk}")


@require_POST
def agenda_item_delete(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    item = get_object_or_404(AgendaItem, meeting=meeting, pk=item_pk)
    attempted(
        request,
        lambda: agenda_item_remove(actor=request.user, item=item, request=request),
        _("The item is removed from the agenda."),
    )
    return redirect("council:meeting_detail", slug=slug, pk=pk)


def _secretary_item(
    request: HttpRequest, slug: str, pk: int, item_pk: int
) -> tuple[Council, Meeting, AgendaItem]:
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    return council, meeting, agenda_item_for_page(meeting, item_pk)


def _record(
    request: HttpRequest,
    slug: str,
    pk: int,
    item_pk: int,
    *,
    form_name: str,
    form: Any,
    add: Callable[..., Any],
    done: str,
) -> HttpResponse:
    """The common path of the item page's small forms: validate, call the service that adds the
    record to the item (`add(actor=, agenda_item=, request=, **form.cleaned_data)`), come back."""
    council, meeting, item = _secretary_item(request, slug, pk, item_pk)
    return posted_from_page(
        request,
        form,
        save=lambda: add(
            actor=request.user, agenda_item=item, request=request, **form.cleaned_data
        ),
        done=done,
        success_url=reverse(
            "council:agenda_item_detail", kwargs={"slug": slug, "pk": pk, "item_pk": item_pk}
        ),
        page=lambda: item_page(request, council, meeting, item, status=400, **{form_name: form}),
    )


@require_POST
def official_new(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    return _record(
        request,
        slug,
        pk,
        item_pk,
        form_name="official_form",
        form=OfficialForm(request.POST),
        add=official_add,
        done=_("The official is invited to this item."),
    )


@require_POST
def official_delete(
    request: HttpRequest, slug: str, pk: int, item_pk: int, official_pk: int
) -> HttpResponse:
    _council, _meeting, item = _secretary_item(request, slug, pk, item_pk)
    official = get_object_or_404(InvitedOfficial, agenda_item=item, pk=official_pk)
    attempted(
        request, lambda: official_remove(actor=request.user, official=official, request=request)
    )
    return redirect("council:agenda_item_detail", slug=slug, pk=pk, item_pk=item_pk)


@require_POST
def material_new(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    return _record(
        request,
        slug,
        pk,
        item_pk,
        form_name="material_form",
        form=MaterialForm(request.POST, request.FILES),
        add=material_add,
        done=_("The material is attached."),
    )


@require_GET
def material_download(request: HttpRequest, slug: str, pk: int, material_pk: int) -> FileResponse:
    """Materials are for the council's secretary and members: served through this check."""
    council = council_for_reader(request.user, slug)
    meeting = meeting_in_council(council, pk)
    material = get_object_or_404(AgendaMaterial, agenda_item__meeting=meeting, pk=material_pk)
    return file_download(material.file)


@require_POST
def speech_new(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    return _record(
        request,
        slug,
        pk,
        item_pk,
        form_name="speech_form",
        form=SpeechForm(request.POST),
        add=speech_add,
        done=_("The speech is recorded."),
    )


@require_POST
def decision_new(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    # The vote must be one taken on this item; _record checks the item belongs to the council.
    return _record(
        request,
        slug,
        pk,
        item_pk,
        form_name="decision_form",
        form=DecisionForm(request.POST, votes=votes_on_item(item_pk)),
        add=decision_add,
        done=_("The decision is recorded."),
    )


@require_http_methods(["GET", "POST"])
def meeting_texts_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The meeting's texts in Kazakh and Russian side by side: where a missing one is filled."""
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    pairs = meeting_texts(meeting)
    form = MeetingTextsForm(request.POST or None, pairs=pairs)
    return form_page(
        request,
        form,
        "council/meetings/meeting_texts.html",
        lambda: {
            "council": council,
            "meeting": meeting,
            "rows": form.rows(),
            "missing": missing_texts(meeting),
        },
        save=lambda: meeting_texts_save(
            actor=request.user, meeting=meeting, texts=form.texts(), request=request
        ),
        done=_(
            "The texts are saved. If the minutes were already assembled, assemble them again so "
            "they carry the new texts."
        ),
        success_url=reverse("council:meeting_texts", kwargs={"slug": slug, "pk": pk}),
    )
