"""Forms for the council's work plan: the plan of a year, its items and their progress."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kopir.core.forms import ServiceErrorsMixin, radio_choice, text_pair
from kopir.council.forms_service_data import ServiceDataMixin
from kopir.council.models import Member, PlannedForm, WorkPlanItem
from kopir.council.services.plan import ITEM_TRANSITIONS
from kopir.directory.models import Organisation, OrganisationKind

# Bodies a council invites to answer: executive bodies and Parliament, not schools or clinics.
INVITED_BODY_KINDS = (
    OrganisationKind.MSE_DEPARTMENT,
    OrganisationKind.MSE_DIVISION,
    OrganisationKind.EMPLOYMENT_SOCIAL,
    OrganisationKind.HEALTH_OFFICE,
    OrganisationKind.EDUCATION_OFFICE,
    OrganisationKind.AKIMAT,
    OrganisationKind.CAREER_CENTRE,
    OrganisationKind.PARLIAMENT,
)
MONTH_CHOICES = [
    ("", _("Any month of the quarter")),
    ("1", _("January")),
    ("2", _("February")),
    ("3", _("March")),
    ("4", _("April")),
    ("5", _("May")),
    ("6", _("June")),
    ("7", _("July")),
    ("8", _("August")),
    ("9", _("September")),
    ("10", _("October")),
    ("11", _("November")),
    ("12", _("December")),
]


class PlanForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        error_messages={"required": _("Enter the year, like 2026.")},
    )
    title, title_ru = text_pair(_("Title"), max_length=255, missing=_("Enter a title."))


class PlanItemForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    service_fields = (
        "quarter",
        "month",
        "topic",
        "topic_ru",
        "planned_form",
        "responsible",
        "bodies_to_invite",
    )

    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        choices=[
            ("1", _("1st quarter")),
            ("2", _("2nd quarter")),
            ("3", _("3rd quarter")),
            ("4", _("4th quarter")),
        ],
        error_messages={"required": _("Choose the quarter.")},
    )
    month = forms.TypedChoiceField(
        label=_("Month"), coerce=int, empty_value=None, required=False, choices=MONTH_CHOICES
    )
    topic, topic_ru = text_pair(_("Topic"), max_length=500, rows=3, missing=_("Enter the topic."))
    planned_form = radio_choice(
        _("Planned form"), PlannedForm.choices, missing=_("Choose how the item is to be held.")
    )
    responsible = forms.ModelMultipleChoiceField(
        label=_("Responsible members"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    bodies_to_invite = forms.ModelMultipleChoiceField(
        label=_("Bodies to invite"),
        queryset=Organisation.objects.filter(kind__in=INVITED_BODY_KINDS, is_active=True).order_by(
            "name_kk"
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = members  # type: ignore[attr-defined]
        # The members in force and those of a proposed composition can both be listed: say which.
        self.fields["responsible"].label_from_instance = (  # type: ignore[attr-defined]
            lambda member: (
                _("%(name)s (composition, version %(number)s)")
                % {"name": member.full_name, "number": member.composition.number}
            )
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        quarter, month = data.get("quarter"), data.get("month")
        if quarter and month and (month - 1) // 3 + 1 != quarter:
            self.add_error("month", _("The month is not in the chosen quarter."))
        return data


STATUS_ACTIONS = {
    "moved": _("Moved to a later date"),
    "cancelled": _("Cancelled"),
    "done": _("Done (recorded by hand)"),
    "pending": _("Pending again"),
}


class PlanItemStatusForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    service_fields = ("status", "note", "note_ru")

    # The choices are the moves open from the item's status (__init__).
    status = radio_choice(_("New status"), (), missing=_("Choose the new status."))
    # The service requires the Kazakh half when the item is moved or cancelled, as it did the note.
    note, note_ru = text_pair(
        _("Where it moved to, or why"),
        max_length=255,
        required=False,
        hint=_(
            "Required when the item is moved or cancelled, e.g. “moved to the 1st quarter of 2027”."
        ),
    )

    def __init__(self, *args: Any, item: WorkPlanItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = ITEM_TRANSITIONS.get(item.status, frozenset())
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in STATUS_ACTIONS.items() if value in allowed
        ]
        if not self.is_bound:
            self.initial["note"] = item.moved_note
            self.initial["note_ru"] = item.moved_note_ru
