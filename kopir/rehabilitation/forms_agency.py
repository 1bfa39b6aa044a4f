"""The executing organisation's forms: the work list's filters and the actions on a measure.

The services check every value again (the API calls them too); these forms give each field its
label and type, and the services' refusals land on the field they name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kopir.core.collation import AlphabeticalModelChoiceField
from kopir.core.forms import DatePickerInput, FilterForm, VersionForm
from kopir.directory.models import Organisation
from kopir.rehabilitation.models import MeasureStatus, NotDeliveredReason, ProgrammePart
from kopir.rehabilitation.selectors.execution import ALL, OPEN, WorkFilter
from kopir.rehabilitation.services.execution import MISSING_EVIDENCE
from kopir.rehabilitation.services.routing import measure_executors


class WorkFilterForm(FilterForm[WorkFilter]):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(OPEN, _("Still to be done")), (ALL, _("Any status")), *MeasureStatus.choices],
    )
    measure = forms.ChoiceField(label=_("Measure"), required=False)
    part = forms.ChoiceField(
        label=_("Part of the programme"),
        required=False,
        choices=[("", _("Any part")), *ProgrammePart.choices],
    )
    due_from = forms.DateField(label=_("Due from"), required=False, widget=DatePickerInput)
    # The end of the range, which the range's message names: not a measure's own "Due by".
    due_to = forms.DateField(
        label=pgettext_lazy("due date range", "Due by"), required=False, widget=DatePickerInput
    )
    date_range = (
        "due_from",
        "due_to",
        _("The “due by” date must not be before the “due from” date."),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    at_risk = forms.BooleanField(label=_("At risk only"), required=False)
    disputed = forms.BooleanField(label=_("Disputed by the person only"), required=False)
    territory = forms.TypedChoiceField(
        label=_("Territory"), required=False, coerce=int, empty_value=None
    )
    officer = forms.TypedChoiceField(
        label=_("Officer"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        measures: list[tuple[str, str]],
        territories: list[tuple[int, str]],
        officers: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", _("Any measure")), *measures]  # type: ignore[attr-defined]
        self.fields["territory"].choices = [("", _("Any territory")), *territories]  # type: ignore[attr-defined]
        self.fields["officer"].choices = [("", _("Anyone")), *officers]  # type: ignore[attr-defined]

    def criteria_from(self, data: Mapping[str, Any]) -> WorkFilter:
        return WorkFilter(
            status=data.get("status") or OPEN,
            measure_code=data.get("measure", ""),
            part=data.get("part", ""),
            due_from=data.get("due_from"),
            due_to=data.get("due_to"),
            overdue=bool(data.get("overdue")),
            at_risk=bool(data.get("at_risk")),
            disputed=bool(data.get("disputed")),
            territory_id=data.get("territory"),
            officer_id=data.get("officer"),
        )

    def is_filtered(self) -> bool:
        # The cursor of a later page is not a filter.
        return self.is_bound and any(
            value not in (None, "", False, OPEN)
            for name, value in self.data.items()
            if name in self.fields
        )


class ScheduleForm(VersionForm):
    scheduled_on = forms.DateField(
        label=_("Planned date of delivery"),
        widget=DatePickerInput,
        help_text=_("The day the person receives the item or the service starts."),
    )
    note = forms.CharField(
        label=_("Note for the timeline"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeliverForm(VersionForm):
    # Each field the measure's catalogue entry requires (`required_fields`, from
    # `evidence_fields`) is marked required, so the page never calls it optional; a missing one
    # gets the service's own message, and the service checks everything again.
    delivered_on = forms.DateField(
        label=_("Date of delivery"), required=False, widget=DatePickerInput
    )
    evidence_document = forms.FileField(
        label=_("Supporting document"),
        required=False,
        help_text=_("An act of handover, a contract or a certificate: PDF, JPG, PNG or DOCX."),
    )
    serial_number = forms.CharField(label=_("Serial number"), required=False, max_length=100)
    supplier = forms.CharField(label=_("Supplier"), required=False, max_length=300)
    item_details = forms.CharField(
        label=_("Item details"),
        required=False,
        max_length=300,
        help_text=_("Model, size or side; for a job placement, the employer and the position."),
    )

    def __init__(self, *args: Any, required_fields: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in required_fields:
            field = self.fields[name]
            field.required = True
            field.error_messages = {**field.error_messages, "required": MISSING_EVIDENCE[name]}


class NotDeliveredForm(VersionForm):
    reason = forms.ChoiceField(
        label=_("Why was the measure not delivered?"),
        choices=NotDeliveredReason.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you choose “Other reason”."),
    )
    confirm = forms.BooleanField(
        label=_("I confirm that the measure is closed as not delivered."),
        error_messages={"required": _("Tick the box to confirm that the measure is closed.")},
    )


class RedirectForm(VersionForm):
    # Listed by name in the page's language, alphabet-wise (Kazakh or Russian order).
    to_organisation = AlphabeticalModelChoiceField(
        label=_("Organisation responsible for the measure"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
    )
    reason = forms.CharField(
        label=_("Why your organisation is not responsible"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I confirm that the measure leaves our list and goes to this organisation."),
        error_messages={"required": _("Tick the box to confirm the redirect.")},
    )

    def __init__(self, *args: Any, own_organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = (  # type: ignore[attr-defined]
            measure_executors().exclude(pk=own_organisation_id)
        )
