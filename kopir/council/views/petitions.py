"""Petitions: the public form (no sign-in), and the secretary's register, agenda and answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kopir.core.rate_limits import Rate, RateLimit, request_client_key
from kopir.core.selectors import page_of
from kopir.core.text import reader_language
from kopir.council.access import (
    can_see_petitioner_contacts,
    council_for_public,
    council_for_reader,
    council_for_secretary,
    is_secretary,
)
from kopir.council.forms_meetings_petitions import (
    PetitionAgendaForm,
    PetitionAnswerForm,
    PetitionFilterForm,
    PetitionPublishForm,
    PublicPetitionForm,
    SecretaryPetitionForm,
)
from kopir.council.models import Council, Petition, PetitionPublication, PetitionStatus
from kopir.council.selectors.petitions import petition_list as select_petitions
from kopir.council.selectors.petitions import petition_read, petition_to_change, planned_meetings
from kopir.council.services.petition_states import PETITION_PUBLICATION_WORKFLOW, can_move
from kopir.council.services.petitions import (
    petition_answer,
    petition_publish,
    petition_put_on_agenda,
    petition_register,
    petition_withhold,
)
from kopir.council.views.meetings_common import council_page, posted_from_page, service_result

PETITIONS_PER_PAGE = 25
# The public form accepts at most this many petitions an hour from one client address: enough
# for an NGO filing several, too few for a script flooding the register.
SUBMISSIONS_PER_HOUR = 5
RATE_WINDOW_SECONDS = 60 * 60
SUBMITTED_SESSION_KEY = "council_petition_submitted"


# Counted per visitor, read past the trusted proxies, so that visitors behind Kopir's reverse proxy
# are counted apart.
SUBMISSIONS = RateLimit("petition", Rate(limit=SUBMISSIONS_PER_HOUR, seconds=RATE_WINDOW_SECONDS))


def _registered(
    request: HttpRequest,
    council: Council,
    form: PublicPetitionForm,
    *,
    submitted_online: bool = False,
) -> Petition | None:
    """The petition a posted form registers (the public form or the secretary's), in the
    language the page is read in; None when nothing was posted or the form or the service
    refused it (the reason is then on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    return service_result(
        form,
        lambda: petition_register(
            actor=request.user,
            council=council,
            contact_language=reader_language(),
            submitted_online=submitted_online,
            request=request,
            **form.service_data(),
        ),
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def petition_new(request: HttpRequest, slug: str) -> HttpResponse:
    """The public petition form: anyone may write to the council, signed in or not."""
    council = council_for_public(slug)
    if request.method == "POST" and SUBMISSIONS.wait(request_client_key(request)):
        response = render(
            request, "council/meetings/petition_rate_limited.html", {"council": council}, status=429
        )
        # The whole window, as the page says: an hour from now there is room for certain.
        response["Retry-After"] = str(RATE_WINDOW_SECONDS)
        return response
    form = PublicPetitionForm(request.POST if request.method == "POST" else None, council=council)
    petition = _registered(request, council, form, submitted_online=True)
    if petition is not None:
        SUBMISSIONS.hit(request_client_key(request))
        request.session[SUBMITTED_SESSION_KEY] = petition.pk
        return redirect("council:petition_submitted", slug=slug)
    return render(
        request, "council/meetings/petition_public_form.html", {"council": council, "form": form}
    )


@login_not_required
@require_GET
def petition_submitted(request: HttpRequest, slug: str) -> HttpResponse:
    """The confirmation after the public form: the number and the date the answer is due."""
    council = council_for_public(slug)
    submitted = request.session.get(SUBMITTED_SESSION_KEY)
    petition = (
        Petition.objects.filter(council=council, pk=submitted).first()
        if isinstance(submitted, int)
        else None
    )
    if petition is None:
        return redirect("council:petition_new", slug=slug)
    return render(
        request,
        "council/meetings/petition_submitted.html",
        {"council": council, "petition": petition},
    )


@require_GET
def petition_list(request: HttpRequest, slug: str) -> HttpResponse:
    council = council_for_reader(request.user, slug)
    form = PetitionFilterForm(request.GET)
    filters = form.filters()
    page_obj = page_of(
        select_petitions(council, **filters), PETITIONS_PER_PAGE, request.GET.get("page")
    )
    return council_page(
        request,
        council,
        "council/meetings/petition_list.html",
        form=form,
        page_obj=page_obj,
        is_filtered=any(filters.values()),
        today=timezone.localdate(),
    )


@require_http_methods(["GET", "POST"])
def petition_create(request: HttpRequest, slug: str) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    form = SecretaryPetitionForm(
        request.POST if request.method == "POST" else None, council=council
    )
    petition = _registered(request, council, form)
    if petition is not None:
        messages.success(
            request,
            _("The petition is registered as %(number)s.") % {"number": petition.number},
        )
        return redirect("council:petition_detail", slug=slug, pk=petition.pk)
    return render(
        request, "council/meetings/petition_form.html", {"council": council, "form": form}
    )


def _detail(
    request: HttpRequest,
    council: Council,
    pk: int,
    *,
    agenda_form: PetitionAgendaForm | None = None,
    answer_form: PetitionAnswerForm | None = None,
    publish_form: PetitionPublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    petition = petition_read(user=request.user, council=council, pk=pk, request=request)
    secretary = is_secretary(request.user, council)
    can_schedule = secretary and can_move(petition, PetitionStatus.ON_AGENDA)
    can_answer = secretary and can_move(petition, PetitionStatus.ANSWERED)
    can_publish = secretary and PETITION_PUBLICATION_WORKFLOW.allows(
        petition.publication, PetitionPublication.PUBLISHED
    )
    can_withhold = secretary and PETITION_PUBLICATION_WORKFLOW.allows(
        petition.publication, PetitionPublication.WITHHELD
    )
    # Every form carries the version the page shows: a stale page changes nothing.
    version = {"version": petition.version}
    if can_schedule and agenda_form is None:
        agenda_form = PetitionAgendaForm(meetings=planned_meetings(council), initial=version)
    if can_answer and answer_form is None:
        answer_form = PetitionAnswerForm(initial=version)
    if (can_publish or can_withhold) and publish_form is None:
        publish_form = PetitionPublishForm(
            initial={
                **version,
                "public_title": petition.public_title,
                "public_summary": petition.public_summary,
            }
        )
    return render(
        request,
        "council/meetings/petition_detail.html",
        {
            "council": council,
            "petition": petition,
            "show_contacts": can_see_petitioner_contacts(request.user, council),
            "agenda_form": agenda_form if can_schedule else None,
            "answer_form": answer_form if can_answer else None,
            "publish_form": publish_form if can_publish or can_withhold else None,
            "can_publish": can_publish,
            "can_withhold": can_withhold,
            "is_overdue": petition.status != PetitionStatus.ANSWERED
            and petition.answer_due_on < timezone.localdate(),
        },
        status=status,
    )


@require_GET
def petition_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _detail(request, council_for_reader(request.user, slug), pk)


def _secretary_petition(
    request: HttpRequest, slug: str, pk: int
) -> tuple[Council, Petition | None]:
    council = council_for_secretary(request.user, slug)
    return council, petition_to_change(council, pk)


@require_POST
def petition_agenda(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council, petition = _secretary_petition(request, slug, pk)
    form = PetitionAgendaForm(request.POST, meetings=planned_meetings(council))
    if petition is None:
        return _detail(request, council, pk, agenda_form=form, status=400)
    return posted_from_page(
        request,
        form,
        save=lambda: petition_put_on_agenda(
            actor=request.user, petition=petition, request=request, **form.service_data()
        ),
        done=lambda item: (
            _("The petition is item %(order)s of the meeting's agenda.") % {"order": item.order}
        ),
        success_url=_petition_url(slug, pk),
        page=lambda: _detail(request, council, pk, agenda_form=form, status=400),
    )


def _petition_url(slug: str, pk: int) -> str:
    return reverse("council:petition_detail", kwargs={"slug": slug, "pk": pk})


@require_POST
def petition_answer_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council, petition = _secretary_petition(request, slug, pk)
    form = PetitionAnswerForm(request.POST)
    if petition is not None and form.is_valid():
        outcome = service_result(
            form,
            lambda: petition_answer(
                actor=request.user,
                petition=petition,
                answer=form.cleaned_data["answer"],
                expected_version=form.cleaned_data["version"],
                request=request,
            ),
        )
        if outcome is not None:
            if outcome.notified_by_email:
                messages.success(
                    request, _("The answer is saved and is being sent to the petitioner by e-mail.")
                )
            elif outcome.notified_by_sms:
                messages.success(
                    request, _("The answer is saved and is being sent to the petitioner by SMS.")
                )
            else:
                messages.warning(
                    request,
                    _(
                        "The answer is saved. The petitioner gave no e-mail address: tell them by phone."
                    ),
                )
            return redirect("council:petition_detail", slug=slug, pk=pk)
    return _detail(request, council, pk, answer_form=form, status=400)


@require_POST
def petition_publication_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Publish the petition with the reviewed title and summary, or keep it off the public page."""
    council, petition = _secretary_petition(request, slug, pk)
    withhold = "withhold" in request.POST
    form = PetitionPublishForm(request.POST)
    if withhold:
        # Keeping it off the page needs no title: only the version counts.
        form.fields["public_title"].required = False
    if petition is None:
        return _detail(request, council, pk, publish_form=form, status=400)

    def save() -> object:
        if withhold:
            return petition_withhold(
                actor=request.user,
                petition=petition,
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        return petition_publish(
            actor=request.user, petition=petition, request=request, **form.service_data()
        )

    return posted_from_page(
        request,
        form,
        save=save,
        done=_("The petition is kept off the public page.")
        if withhold
        else _(
            "The petition is published on the public page with the title and summary you approved."
        ),
        success_url=_petition_url(slug, pk),
        page=lambda: _detail(request, council, pk, publish_form=form, status=400),
    )
