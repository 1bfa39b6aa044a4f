"""The recurring-problem radar: the council's texts grouped by likeness (selectors/radar.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from kopir.audit.services import audit_search_reach
from kopir.core.errors import DomainError
from kopir.council import access
from kopir.council.forms_dossiers import DossierForm
from kopir.council.models import DossierRecordKind
from kopir.council.selectors.radar import MAX_TEXTS, council_radar, radar_petitions
from kopir.council.services.dossiers import RECORD_MODELS, dossier_gather, dossiers_holding
from kopir.council.views.meetings_common import council_page

# How far back the radar looks unless asked: the year before last, so that a problem raised
# every year shows as one group.
DEFAULT_YEARS_BACK = 2


class RadarForm(forms.Form):
    since = forms.TypedChoiceField(label=_("Texts since"), coerce=int, required=False)

    def __init__(self, *args: object, this_year: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        years = range(this_year, this_year - 10, -1)
        self.fields["since"].choices = [(year, str(year)) for year in years]  # type: ignore[attr-defined]
        self.fields["since"].initial = this_year - DEFAULT_YEARS_BACK

    def since_date(self, this_year: int) -> dt.date:
        year = self.cleaned_data.get("since") if self.is_valid() else None
        return dt.date(year or this_year - DEFAULT_YEARS_BACK, 1, 1)


@require_GET
def radar(request: HttpRequest, slug: str) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    this_year = timezone.localdate().year
    form = RadarForm(request.GET or None, this_year=this_year)
    since = form.since_date(this_year)
    result = council_radar(council, since=since)
    # Petitions hold personal data: who was shown which, as a staff search does.
    audit_search_reach(
        actor=request.user, records=radar_petitions(result), request=request, purpose="radar"
    )
    return council_page(
        request,
        council,
        "council/followup/radar.html",
        form=form,
        since=since,
        radar=result,
        max_texts=MAX_TEXTS,
    )


class GatherForm(forms.Form):
    """The texts of the dossier a radar group opens when no dossier holds any of its records:
    its title, as the secretary opening a dossier writes it."""

    title = DossierForm.base_fields["title"]
    title_ru = DossierForm.base_fields["title_ru"]


def _records(values: list[str]) -> list[tuple[str, int]]:
    """The records named "kind:pk" in the request; 400 for anything else."""
    records = []
    for value in values:
        kind, _sep, pk = value.partition(":")
        if kind not in RECORD_MODELS or not pk.isdigit():
            raise BadRequest("not a record")
        records.append((kind, int(pk)))
    return list(dict.fromkeys(records))


@require_http_methods(["GET", "POST"])
def radar_gather(request: HttpRequest, slug: str) -> HttpResponse:
    """Gather a radar group's records into one dossier: the page says which dossier (and which
    dossiers merge into it) before the secretary confirms."""
    council = access.council_for_secretary(request.user, slug)
    data = request.POST if request.method == "POST" else request.GET
    records = _records(data.getlist("record"))
    if not records:
        if request.method == "POST":
            raise BadRequest("no records")
        # Opened without a group: the page says where the groups are.
        return render(request, "council/followup/radar_gather.html", {"council": council})
    holding = dossiers_holding(council, records)
    form = GatherForm(
        request.POST if request.method == "POST" and not holding else None,
        initial={"title": data.get("title", ""), "title_ru": data.get("title", "")},
    )
    if request.method == "POST" and (holding or form.is_valid()):
        texts = form.cleaned_data if not holding else {}
        try:
            dossier = dossier_gather(
                actor=request.user, council=council, records=records, request=request, **texts
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The records are gathered in the dossier."))
            return redirect("council:dossier_detail", slug=council.slug, pk=dossier.pk)
    kinds = Counter(kind for kind, _pk in records)
    return render(
        request,
        "council/followup/radar_gather.html",
        {
            "council": council,
            "form": form,
            "records": records,
            "counts": [(DossierRecordKind(kind).label, n) for kind, n in sorted(kinds.items())],
            "target": holding[0] if holding else None,
            "merged": holding[1:],
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )
