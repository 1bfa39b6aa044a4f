"""The recurring-problem radar: the council's texts grouped by likeness (selectors/radar.py)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kopir.audit.services import audit_search_reach
from kopir.council import access
from kopir.council.selectors.radar import MAX_TEXTS, council_radar, radar_petitions

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
    return render(
        request,
        "council/followup/radar.html",
        {
            "council": council,
            "form": form,
            "since": since,
            "radar": result,
            "max_texts": MAX_TEXTS,
            "can_manage": access.can_manage_council(request.user, council),
        },
    )
