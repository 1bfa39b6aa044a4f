from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kopir.audit.models import AuditAction
from kopir.audit.selectors import AuditFilter
from kopir.core.forms import DatePickerInput, FilterForm


class AuditSearchForm(FilterForm[AuditFilter]):
    username = forms.CharField(label=_("Username"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *AuditAction.choices]
    )
    target_type = forms.ChoiceField(label=_("Record type"), required=False)
    target_id = forms.CharField(label=_("Record number"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From"), required=False, widget=DatePickerInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DatePickerInput)
    date_range = ("date_from", "date_to", _("The end date must not be before the start date."))

    def __init__(self, *args: Any, target_types: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_type"].choices = [  # type: ignore[attr-defined]
            ("", _("Any record type")),
            *target_types,
        ]

    def criteria_from(self, data: Mapping[str, Any]) -> AuditFilter:
        return AuditFilter(
            username=data.get("username", ""),
            action=data.get("action", ""),
            target_type=data.get("target_type", ""),
            target_id=data.get("target_id", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
