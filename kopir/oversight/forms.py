"""The dashboards' filters: a fixed period, a territory, an organisation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.core.collation import LongSelect
from kopir.core.forms import FilterForm
from kopir.directory.forms import organisation_field
from kopir.directory.models import Organisation, Territory, TerritoryLevel
from kopir.oversight.periods import current_quarter, parse_period, period_choices
from kopir.oversight.selectors.scope import Scope


class DashboardFilterForm(FilterForm[Scope]):
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        help_text=_("Whole quarters and years only, so that no few days' cases stand out."),
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        required=False,
        # Only what the choices show (the name and KATO code): 220 units and 660 executing
        # organisations nationally, each whole record built took the filter 10 ms a page.
        queryset=Territory.objects.filter(
            level__in=[TerritoryLevel.REGION, TerritoryLevel.CITY, TerritoryLevel.DISTRICT]
        )
        .only("kato", "name_kk", "name_ru", "name_en")
        .order_by("kato"),
        empty_label=_("The whole country"),
        widget=LongSelect,
        help_text=_("A region or a district, with the units inside it."),
    )

    def __init__(
        self,
        *args: Any,
        organisation_label: Any,
        organisation_kinds: tuple[str, ...],
        today: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        period = cast(forms.ChoiceField, self.fields["period"])
        period.choices = [(p.key, p.label) for p in period_choices(self.today)]
        period.initial = current_quarter(self.today).key
        organisation = organisation_field(organisation_label)
        organisation.queryset = (
            Organisation.objects.filter(is_active=True, kind__in=organisation_kinds)
            .only("name_kk", "name_ru", "name_en")
            .order_by()  # sorted by name in Python, alphabet-wise
        )
        organisation.empty_label = _("All organisations")
        self.fields["organisation"] = organisation

    def criteria_from(self, data: Mapping[str, Any]) -> Scope:
        period = parse_period(data.get("period") or "") or current_quarter(self.today)
        organisation: Organisation | None = data.get("organisation")
        return Scope(period=period, territory=data.get("territory"), organisation=organisation)
