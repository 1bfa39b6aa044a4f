"""Forms for the administrator's pages: catalogue versions, their measures and suggestion rules,
and the routing rules. Writes go through services/catalogue.py."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

from django import forms
from django.utils.translation import gettext_lazy as _

from kopir.assessment.models import Category, LimitationCategory, LimitationDegree
from kopir.core.forms import ServiceErrorsMixin, VersionForm
from kopir.directory.models import Organisation, OrganisationKind, Territory
from kopir.rehabilitation.models import (
    CatalogueStatus,
    DeliveryChannel,
    EvidenceItem,
    MeasureCatalogue,
    MeasureType,
    ProgrammePart,
    RoutingRule,
    SuggestionRule,
)
from kopir.rehabilitation.services.catalogue import (
    MeasureTypeData,
    RoutingRuleData,
    SuggestionRuleData,
)

DataT = TypeVar("DataT")


def _service_data(
    data_class: type[DataT], cleaned: dict[str, Any], *, tuples: tuple[str, ...]
) -> DataT:
    """The service's input from a valid form: each field of `data_class` as cleaned, the
    choices in `tuples` as a tuple, an empty position as 0."""
    values = {item.name: cleaned[item.name] for item in fields(data_class)}  # type: ignore[arg-type]
    values.update({name: tuple(values[name]) for name in tuples})
    values["position"] = values["position"] or 0
    return data_class(**values)


class CatalogueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("Version %(number)s: %(title)s") % {"number": obj.number, "title": obj.title_text}


# A catalogue version's texts, each in English, Kazakh and Russian (the services' keywords),
# with their labels: the unsuffixed one is the English, shown where a translation is missing.
TEXT_LABELS = {
    "title": _("Title in English"),
    "title_kk": _("Title in Kazakh"),
    "title_ru": _("Title in Russian"),
    "legal_source": _("Legal basis in English"),
    "legal_source_kk": _("Legal basis in Kazakh"),
    "legal_source_ru": _("Legal basis in Russian"),
    "notes": _("Notes in English"),
    "notes_kk": _("Notes in Kazakh"),
    "notes_ru": _("Notes in Russian"),
}
TEXT_FIELDS = list(TEXT_LABELS)


class CatalogueCreateForm(ServiceErrorsMixin, forms.ModelForm):
    based_on = CatalogueChoiceField(
        label=_("Start from the measures of"),
        queryset=MeasureCatalogue.objects.exclude(status=CatalogueStatus.DRAFT),
        required=False,
        empty_label=_("An empty catalogue"),
        help_text=_("The new draft starts as a copy; the original never changes."),
    )

    class Meta:
        model = MeasureCatalogue
        fields = ["based_on", *TEXT_FIELDS]
        labels = TEXT_LABELS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in TEXT_FIELDS[-3:]}
        error_messages = {
            "title": {"required": _("Enter a title for this catalogue version.")},
            "legal_source": {"required": _("Enter the legal basis of the catalogue.")},
        }


class CatalogueEditForm(VersionForm):
    title = forms.CharField(label=TEXT_LABELS["title"], max_length=200)
    title_kk = forms.CharField(label=TEXT_LABELS["title_kk"], max_length=200, required=False)
    title_ru = forms.CharField(label=TEXT_LABELS["title_ru"], max_length=200, required=False)
    legal_source = forms.CharField(label=TEXT_LABELS["legal_source"], max_length=500)
    legal_source_kk = forms.CharField(
        label=TEXT_LABELS["legal_source_kk"], max_length=500, required=False
    )
    legal_source_ru = forms.CharField(
        label=TEXT_LABELS["legal_source_ru"], max_length=500, required=False
    )
    notes = forms.CharField(
        label=TEXT_LABELS["notes"], required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes_kk = forms.CharField(
        label=TEXT_LABELS["notes_kk"], required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes_ru = forms.CharField(
        label=TEXT_LABELS["notes_ru"], required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


# The kinds an executing organisation may be, opening on a prompt (measures and routing rules).
_EXECUTOR_KINDS = [("", _("Choose the kind of executing organisation")), *OrganisationKind.choices]


class MeasureTypeForm(ServiceErrorsMixin, forms.ModelForm):
    """Every field of a measure; `version` is the draft catalogue's."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    evidence_required = forms.MultipleChoiceField(
        label=_("Evidence required"),
        choices=EvidenceItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What the executing organisation records when it reports the measure done."),
    )

    class Meta:
        model = MeasureType
        fields = [
            "code",
            "name_kk",
            "name_ru",
            "name_en",
            "part",
            "executor_kind",
            "channel",
            "unit",
            "default_quantity",
            "max_quantity",
            "replacement_months",
            "deadline_working_days",
            "evidence_required",
            "legal_source",
            "legal_source_kk",
            "legal_source_ru",
            "is_assumption",
            "position",
        ]
        labels = {"legal_source": TEXT_LABELS["legal_source"]}
        help_texts = {
            "code": _("A short stable name, e.g. hearing-aid: routing rules and reports use it."),
            "is_assumption": _(
                "Tick when a quantity, period or deadline is not confirmed by a legal act."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a part of the programme")),
            *ProgrammePart.choices,
        ]
        self.fields["executor_kind"].choices = _EXECUTOR_KINDS  # type: ignore[attr-defined]
        self.fields["channel"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a delivery channel")),
            *DeliveryChannel.choices,
        ]

    def validate_unique(self) -> None:
        # The service checks uniqueness against the draft it writes to.
        return None

    def service_data(self) -> MeasureTypeData:
        return _service_data(MeasureTypeData, self.cleaned_data, tuples=("evidence_required",))


class NamedChoiceField(forms.ModelChoiceField):
    """Choices named by the record's name in the active language."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class SuggestionRuleForm(ServiceErrorsMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    measure_type = NamedChoiceField(
        label=_("Measure"), queryset=MeasureType.objects.none(), empty_label=_("Choose a measure")
    )
    categories = forms.MultipleChoiceField(
        label=_("Groups or categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any group or category."),
    )

    class Meta:
        model = SuggestionRule
        fields = [
            "measure_type",
            "diagnoses",
            "limitation",
            "min_degree",
            "min_age",
            "max_age",
            "categories",
            "quantity",
            "reason",
            "reason_kk",
            "reason_ru",
            "position",
        ]
        help_texts = {
            "diagnoses": _(
                "Comma-separated codes or ranges, e.g. H54 or H90-H91. Empty: any diagnosis."
            )
        }

    def __init__(self, *args: Any, catalogue: MeasureCatalogue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["measure_type"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = catalogue.measure_types.order_by("position", "code")
        self.fields["limitation"].choices = [  # type: ignore[attr-defined]
            ("", _("Whatever the limitations")),
            *LimitationCategory.choices,
        ]
        self.fields["min_degree"].choices = [  # type: ignore[attr-defined]
            ("", _("Any degree")),
            *LimitationDegree.choices,
        ]

    def service_data(self) -> SuggestionRuleData:
        return _service_data(SuggestionRuleData, self.cleaned_data, tuples=("categories",))


class RoutingRuleForm(ServiceErrorsMixin, forms.ModelForm):
    territory = NamedChoiceField(
        label=_("Territory"), queryset=Territory.objects.none(), empty_label=_("Choose a territory")
    )
    organisation = NamedChoiceField(
        label=_("Executing organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
    )

    class Meta:
        model = RoutingRule
        fields = ["executor_kind", "measure_code", "territory", "organisation"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        territory = self.fields["territory"]
        organisation = self.fields["organisation"]
        assert isinstance(territory, forms.ModelChoiceField)
        assert isinstance(organisation, forms.ModelChoiceField)
        territory.queryset = Territory.objects.exclude(level="settlement").order_by("kato")
        organisation.queryset = Organisation.objects.filter(is_active=True).order_by("code")
        self.fields["executor_kind"].choices = _EXECUTOR_KINDS  # type: ignore[attr-defined]

    def validate_unique(self) -> None:
        # The service saves; a duplicate is refused there by the database's constraint check.
        return None

    def service_data(self) -> RoutingRuleData:
        data = self.cleaned_data
        return RoutingRuleData(
            executor_kind=data["executor_kind"],
            territory=data["territory"],
            organisation=data["organisation"],
            measure_code=data["measure_code"],
        )
