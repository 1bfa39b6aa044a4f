"""Forms for monitoring visits and the letters register."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kopir.core.collation import AlphabeticalModelChoiceField
from kopir.core.forms import (
    ServiceErrorsMixin,
    VersionForm,
    checked_upload,
    date_field,
    text_pair,
)
from kopir.core.uploads import DOCUMENT_EXTENSIONS, TEXT_DOCUMENT_EXTENSIONS
from kopir.council.bilingual import in_reader_language
from kopir.council.forms_meetings import plan_item_label
from kopir.council.forms_service_data import ServiceDataMixin
from kopir.council.models import (
    ChecklistAnswer,
    Council,
    Member,
    Recommendation,
    VisitChecklistItem,
    WorkPlanItem,
)
from kopir.council.selectors.visits import members_in_force
from kopir.directory.models import Organisation


class VisitForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    service_fields: ClassVar[tuple[str, ...]] = (
        "site",
        "visited_on",
        "purpose",
        "purpose_ru",
        "participants",
        "plan_item",
        "findings",
    )

    site = AlphabeticalModelChoiceField(
        label=_("Place visited"),
        queryset=Organisation.objects.none(),
        help_text=_("The school, polyclinic or other organisation the council visited."),
        empty_label=_("Choose an organisation"),
        error_messages={"required": _("Choose the place the council visited.")},
    )
    visited_on = date_field(_("Date of the visit"), missing=_("Enter the date of the visit."))
    purpose, purpose_ru = text_pair(
        _("Purpose"), max_length=500, missing=_("Enter the purpose of the visit.")
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Council members who took part"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    plan_item = forms.ModelChoiceField(
        label=_("Work plan item"),
        queryset=WorkPlanItem.objects.none(),
        required=False,
        empty_label=_("Not in the work plan"),
    )
    findings = forms.CharField(
        label=_("Summary of findings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Each finding that needs action is added separately on the visit's page."),
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Organisation.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["participants"].queryset = members_in_force(council)  # type: ignore[attr-defined]
        self.fields["plan_item"].queryset = (  # type: ignore[attr-defined]
            WorkPlanItem.objects.filter(plan__council=council)
            .select_related("plan")
            .order_by("-plan__year", "quarter", "order")
        )
        self.fields["plan_item"].label_from_instance = plan_item_label  # type: ignore[attr-defined]


class VisitEditForm(VisitForm, VersionForm):
    service_fields = (*VisitForm.service_fields, "version")


class ChecklistForm(VersionForm):
    """One answer (yes / partly / no / not checked) and a note per checklist question."""

    def __init__(self, *args: Any, items: list[VisitChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for item in items:
            answer_name, note_name = f"answer_{item.pk}", f"note_{item.pk}"
            self.fields[answer_name] = forms.ChoiceField(
                label=item.question,
                choices=ChecklistAnswer.choices,
                initial=item.answer,
                widget=forms.RadioSelect,
            )
            self.fields[note_name] = forms.CharField(
                label=_("Note on: %(question)s") % {"question": item.question},
                required=False,
                max_length=500,
                initial=item.note,
            )
            self.rows.append((item, answer_name, note_name))

    def bound_rows(self) -> list[tuple[VisitChecklistItem, forms.BoundField, forms.BoundField]]:
        return [(item, self[answer], self[note]) for item, answer, note in self.rows]

    def answers(self) -> dict[int, tuple[str, str]]:
        return {
            item.pk: (self.cleaned_data[answer], self.cleaned_data.get(note) or "")
            for item, answer, note in self.rows
        }


class ChecklistItemForm(ServiceErrorsMixin, forms.Form):
    question = forms.CharField(
        label=_("Question to check"),
        max_length=500,
        error_messages={"required": _("Enter the question to check.")},
    )
    is_accessibility = forms.BooleanField(label=_("An accessibility check"), required=False)


class FindingForm(ServiceErrorsMixin, forms.Form):
    text = forms.CharField(
        label=pgettext_lazy("monitoring visit", "Finding"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What the council found, in a sentence or two. It can become a recommendation."
        ),
        error_messages={"required": _("Enter what the council found.")},
    )


class VisitDocumentForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    service_fields = ("title", "description", "file")
    service_names = {"file": "upload"}

    title = forms.CharField(
        label=_("Title"), max_length=255, error_messages={"required": _("Enter a title.")}
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Say what the photo or document shows, so that members who cannot see it know: "
            "e.g. “The entrance has three steps and no ramp”."
        ),
        error_messages={"required": _("Say what the photo or document shows.")},
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("A JPG, PNG, PDF or DOCX file of up to 10 MB."),
        error_messages={"required": _("Choose a file.")},
    )

    def clean_file(self) -> Any:
        return checked_upload(self, "file", DOCUMENT_EXTENSIONS)


class LetterForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    service_fields = (
        "number",
        "sent_on",
        "addressee",
        "subject",
        "subject_ru",
        "summary",
        "summary_ru",
        "recommendations",
        "file",
        "reply_due_on",
    )
    service_names = {"file": "upload"}

    number = forms.CharField(label=_("Outgoing number"), max_length=30, required=False)
    sent_on = date_field(_("Date"), missing=_("Enter the date of the letter."))
    addressee = AlphabeticalModelChoiceField(
        label=_("Addressed to"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
        error_messages={"required": _("Choose the addressee of the letter.")},
    )
    subject, subject_ru = text_pair(_("Subject"), max_length=500, missing=_("Enter the subject."))
    summary, summary_ru = text_pair(_("Summary"), required=False, rows=5)
    recommendations = forms.ModelMultipleChoiceField(
        label=_("Recommendations in this letter"),
        queryset=Recommendation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    file = forms.FileField(
        label=_("The letter"), required=False, help_text=_("A PDF or DOCX file of up to 10 MB.")
    )
    reply_due_on = date_field(_("Reply expected by"), required=False)

    def __init__(self, *args: Any, council: Council, next_number: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left empty, the register gives the number when the letter is saved, so two
        # secretaries registering at once cannot both take the suggested one.
        self.fields["number"].help_text = _(
            "Leave empty to take the register's next number (now %(number)s). "
            "A number you enter must be unique in the council's register."
        ) % {"number": next_number}
        self.fields["addressee"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(is_active=True)
            .exclude(pk=council.organisation_id)
            .order_by("name_kk")
        )
        self.fields["recommendations"].queryset = (  # type: ignore[attr-defined]
            Recommendation.objects.filter(council=council)
            .select_related("addressee")
            .order_by("-pk")
        )
        self.fields["recommendations"].label_from_instance = (  # type: ignore[attr-defined]
            lambda r: f"№ {r.number} — {r.addressee.name}: {in_reader_language(r, 'text')[:80]}"
        )

    def clean_file(self) -> Any:
        return checked_upload(self, "file", TEXT_DOCUMENT_EXTENSIONS)


class LetterReplyForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    service_fields = ("received_on", "from_whom", "summary", "file")
    service_names = {"file": "upload"}

    received_on = date_field(_("Received on"), missing=_("Enter the date the reply came."))
    from_whom = forms.CharField(
        label=pgettext_lazy("message", "From"),
        max_length=255,
        help_text=_("The body (and its office) that replied."),
        error_messages={"required": _("Enter who replied.")},
    )
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Enter what the reply says.")},
    )
    file = forms.FileField(
        label=_("The reply"), required=False, help_text=_("A PDF or DOCX file of up to 10 MB.")
    )

    def clean_file(self) -> Any:
        return checked_upload(self, "file", TEXT_DOCUMENT_EXTENSIONS)
