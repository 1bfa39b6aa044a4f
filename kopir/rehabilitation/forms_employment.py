"""Forms of the employers' quota register and of a job placement."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Case, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.core.collation import alphabet_key
from kopir.core.forms import DatePickerInput, ServiceErrorsMixin
from kopir.core.identifiers import validate_bin
from kopir.directory.models import Territory, TerritoryLevel
from kopir.rehabilitation.models import QuotaRounding

# The levels a quota is kept for: a region's districts and cities, never the region itself.
QUOTA_LEVELS = (TerritoryLevel.CITY, TerritoryLevel.DISTRICT)


def in_alphabetical_order(territories: QuerySet[Territory]) -> QuerySet[Territory]:
    """The territories ordered by their name in the active language, alphabet-wise."""
    ordered = sorted(territories, key=lambda territory: alphabet_key(territory.name))
    if not ordered:
        return territories
    rank = Case(*[When(pk=t.pk, then=Value(i)) for i, t in enumerate(ordered)])
    return territories.order_by(rank)


def _bin_field() -> forms.CharField:
    return forms.CharField(
        label=_("Employer's BIN"),
        max_length=12,
        validators=[validate_bin],
        help_text=_("Business identification number: 12 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


# A year the register keeps, said one way whatever was wrong with the one typed.
YEAR_OUT_OF_RANGE = _("Enter a year from 2016 to 2100.")


def _year_field(*, required: bool = True) -> forms.IntegerField:
    """The register's year, in its entry form and its filter alike."""
    return forms.IntegerField(
        label=_("Year"),
        required=required,
        validators=[
            MinValueValidator(2016, message=YEAR_OUT_OF_RANGE),
            MaxValueValidator(2100, message=YEAR_OUT_OF_RANGE),
        ],
        error_messages={"invalid": YEAR_OUT_OF_RANGE},
    )


class QuotaForm(ServiceErrorsMixin, forms.Form):
    employer_bin = _bin_field()
    employer_name = forms.CharField(label=_("Employer"), max_length=300)
    territory = forms.ModelChoiceField(
        label=_("District"),
        queryset=Territory.objects.none(),
        empty_label=_("Choose a district"),
    )
    year = _year_field()
    headcount = forms.IntegerField(label=_("Headcount"), min_value=0)
    excluded_jobs = forms.IntegerField(
        label=_("Heavy, harmful and dangerous jobs"),
        min_value=0,
        initial=0,
        help_text=_("Not counted in the quota's base."),
    )
    quota_percent = forms.DecimalField(
        label=_("Quota set by the akimat, %"),
        required=False,
        max_digits=4,
        decimal_places=2,
        help_text=_("Leave empty to apply the share for the employer's size."),
    )
    filled = forms.IntegerField(
        label=_("Quota jobs filled by persons with disabilities"), min_value=0, initial=0
    )
    vacancies_reported = forms.IntegerField(
        label=_("Vacancies reported by the employer"), min_value=0, initial=0
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, territories: QuerySet[Territory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        districts = territories.filter(level__in=QUOTA_LEVELS)
        self.fields["territory"].queryset = in_alphabetical_order(districts)  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class QuotaFilterForm(forms.Form):
    year = _year_field(required=False)


class PlacementForm(ServiceErrorsMixin, forms.Form):
    employer_bin = _bin_field()
    employer_name = forms.CharField(label=_("Employer"), max_length=300)
    position = forms.CharField(label=_("Position"), max_length=200)
    start_date = forms.DateField(label=_("Start date"), widget=DatePickerInput)
    on_quota_job = forms.BooleanField(
        label=_("On a quota job for persons with disabilities"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class QuotaBandForm(ServiceErrorsMixin, forms.Form):
    min_headcount = forms.IntegerField(label=_("From headcount"), min_value=0)
    max_headcount = forms.IntegerField(
        label=_("Up to headcount"),
        min_value=0,
        required=False,
        help_text=_("Empty: no upper limit."),
    )
    percent = forms.DecimalField(label=_("Quota, % of headcount"), max_digits=4, decimal_places=2)
    rounding = forms.ChoiceField(label=_("Rounding"), choices=QuotaRounding.choices)
    legal_source = forms.CharField(label=_("Legal basis"), max_length=500)
    legal_source_kk = forms.CharField(
        label=_("Legal basis in Kazakh"), max_length=500, required=False
    )
    legal_source_ru = forms.CharField(
        label=_("Legal basis in Russian"), max_length=500, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
