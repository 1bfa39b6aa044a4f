"""Forms for the administrator's completeness-rule pages. Writes go through services/rules.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kopir.assessment.models import (
    CompletenessRule,
    CompletenessRuleSet,
    DocumentType,
    FindingKind,
    RequiredField,
    Route,
    RuleSetStatus,
)
from kopir.assessment.services.rules import RuleData
from kopir.core.forms import DatePickerInput, ServiceErrorsMixin, VersionForm


class RuleSetForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = CompletenessRuleSet
        fields = ["title", "legal_source", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "title": {"required": _("Enter a title for this version of the rules.")},
            "legal_source": {"required": _("Enter the legal basis of the rules.")},
        }


class RuleSetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("Version %(number)s: %(title)s") % {"number": obj.number, "title": obj.title}


class RuleSetCreateForm(RuleSetForm):
    based_on = RuleSetChoiceField(
        label=_("Start from the rules of"),
        queryset=CompletenessRuleSet.objects.exclude(status=RuleSetStatus.DRAFT),
        required=False,
        empty_label=_("An empty set"),
        help_text=_("The new draft starts as a copy of these rules; the original never changes."),
    )

    class Meta(RuleSetForm.Meta):
        fields = ["based_on", "title", "legal_source", "notes"]


class RuleSetEditForm(RuleSetForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class ActivateForm(VersionForm):
    effective_from = forms.DateField(
        label=_("In force from"),
        help_text=_("Checks made on or after this day use these rules."),
        widget=DatePickerInput,
        error_messages={
            "required": _("Enter the date the rules come into force."),
            "invalid": _("Enter a real date, for example 01.01.2027."),
        },
    )


class RuleForm(ServiceErrorsMixin, forms.ModelForm):
    """One rule. Only the target that matches `requirement` may be filled in."""

    finding_kind = forms.ChoiceField(
        label=pgettext_lazy("clinical", "Finding"),
        required=False,
        choices=[("", _("None")), *FindingKind.choices],
    )
    document_type = forms.ChoiceField(
        label=_("Document"), required=False, choices=[("", _("None")), *DocumentType.choices]
    )
    route = forms.ChoiceField(
        label=_("Route"),
        required=False,
        choices=[("", _("Both routes")), *Route.choices],
        widget=forms.RadioSelect,
    )
    field_name = forms.ChoiceField(
        label=_("Part of the form"),
        required=False,
        choices=[("", _("None")), *RequiredField.choices],
    )

    class Meta:
        model = CompletenessRule
        fields = [
            "position",
            "diagnoses",
            "include_secondary",
            "route",
            "min_age_years",
            "max_age_years",
            "requirement",
            "finding_kind",
            "per_side",
            "document_type",
            "field_name",
            "max_age_days",
            "legal_source",
            "label_kk",
            "label_ru",
            "label_en",
        ]
        widgets = {"requirement": forms.RadioSelect}
        help_texts = {
            "label_kk": _("Optional: how the missing item is named. Empty: the standard name."),
            "max_age_years": _("E.g. 18 for children only. Empty: no upper age."),
        }
        error_messages = {
            "requirement": {"required": _("Choose what the rule requires.")},
            "legal_source": {"required": _("Enter the legal basis of the rule.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
            if not self.is_bound:
                self.initial["version"] = self.instance.version

    def service_data(self) -> RuleData:
        data = self.cleaned_data
        return RuleData(
            position=data["position"] or 0,
            diagnoses=data["diagnoses"],
            include_secondary=data["include_secondary"],
            route=data["route"] or "",
            min_age_years=data["min_age_years"],
            max_age_years=data["max_age_years"],
            requirement=data["requirement"],
            finding_kind=data["finding_kind"],
            per_side=data["per_side"],
            document_type=data["document_type"],
            field_name=data["field_name"],
            max_age_days=data["max_age_days"],
            legal_source=data["legal_source"],
            label_kk=data["label_kk"],
            label_ru=data["label_ru"],
            label_en=data["label_en"],
        )
