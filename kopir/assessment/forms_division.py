"""Forms of the MSE division's, the experts' and the higher body's pages."""

from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.assessment.models import (
    AppealFiledBy,
    Category,
    Cause,
    Outcome,
    ReferralStatus,
    Route,
    Term,
)
from kopir.assessment.models.reference import ICD10_CHAPTERS
from kopir.assessment.selectors.queue import DIVISION_STATUSES, OPEN_STATUSES, QueueFilters
from kopir.assessment.services.outcome_rules import OutcomeInput, outcome_errors
from kopir.core.forms import DatePickerInput, ServiceErrorsMixin, VersionForm

BLANK: list[tuple[str, Any]] = [("", "—")]
STATUS_OPEN, STATUS_ALL = "open", "all"


def chapter_label(chapter: str) -> str:
    """An ICD-10 chapter as the queue's filter offers it: its numeral, code range and title in
    the reader's language ("VII, H00–H59: Diseases of the eye and adnexa"), or the numeral alone
    for a chapter the classification does not name."""
    if chapter not in ICD10_CHAPTERS:
        return str(_("Chapter %(number)s") % {"number": chapter})
    codes, title = ICD10_CHAPTERS[chapter]
    return str(
        _("%(number)s, %(codes)s: %(title)s") % {"number": chapter, "codes": codes, "title": title}
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    clinic = forms.TypedChoiceField(label=_("Clinic"), required=False, coerce=int, empty_value=None)
    chapter = forms.ChoiceField(label=_("Diagnosis group (ICD-10 chapter)"), required=False)
    route = forms.ChoiceField(
        label=_("Route"), required=False, choices=[("", _("Any route")), *Route.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    at_risk = forms.BooleanField(label=_("At risk only"), required=False)
    documents_to_check = forms.BooleanField(
        label=_("Only cases with documents to check for identity"), required=False
    )

    def __init__(
        self, *args: Any, clinics: list[tuple[int, str]], chapters: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ReferralStatus.choices)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            (STATUS_OPEN, _("To act on")),
            (STATUS_ALL, _("All statuses")),
            *[(status, labels[status]) for status in DIVISION_STATUSES],
        ]
        cast(forms.ChoiceField, self.fields["clinic"]).choices = [("", _("Any clinic")), *clinics]
        cast(forms.ChoiceField, self.fields["chapter"]).choices = [
            ("", _("Any group")),
            *[(chapter, chapter_label(chapter)) for chapter in chapters],
        ]

    def filters(self) -> QueueFilters:
        """The filters to apply; an invalid value is ignored rather than failing the page."""
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or STATUS_OPEN
        if status == STATUS_OPEN:
            statuses = OPEN_STATUSES
        elif status == STATUS_ALL:
            statuses = DIVISION_STATUSES
        else:
            statuses = (status,)
        return QueueFilters(
            statuses=statuses,
            clinic_id=data.get("clinic"),
            chapter=data.get("chapter") or "",
            route=data.get("route") or "",
            overdue=bool(data.get("overdue")),
            at_risk=bool(data.get("at_risk")),
            documents_to_check=bool(data.get("documents_to_check")),
        )

    def is_filtered(self) -> bool:
        return self.filters() != QueueFilters()


class ReturnForm(VersionForm):
    added_items = forms.CharField(
        label=_("What else the clinic must add"),
        help_text=_(
            "One item per line, in plain words the clinic can act on. The completeness check's "
            "items above are always included."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    note = forms.CharField(
        label=_("Note to the clinic"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, nothing_found: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if nothing_found:
            # With no item of the completeness check to send, the clinic gets only what is
            # written here: the field is required, not "(optional)".
            field = self.fields["added_items"]
            field.required = True
            field.help_text = _("One item per line, in plain words the clinic can act on.")
            field.error_messages["required"] = _(
                "The completeness check finds nothing missing: write what the clinic must "
                "add, one item per line, or accept the referral."
            )

    def items(self) -> list[str]:
        return self.cleaned_data.get("added_items", "").splitlines()


class ReleaseForm(ServiceErrorsMixin, forms.Form):
    """Releasing a document to the experts cannot be undone: the head ticks that they opened it
    and it names nobody, so a stray click releases nothing."""

    confirm = forms.BooleanField(
        label=_(
            "I opened the document: it shows no name, IIN, birth date or address of the person, "
            "or the clinic has blacked them out."
        ),
        error_messages={
            "required": _("Tick the box to confirm that you checked the document, then release it.")
        },
    )


class AssignForm(VersionForm):
    experts: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Experts"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        experts: Any,
        required_count: int,
        show_division: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["experts"]
        field.queryset = experts  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            _expert_with_division if show_division else attrgetter("shown_name")
        )
        field.help_text = _("Choose %(count)d.") % {"count": required_count}
        if show_division:
            field.help_text = _(
                "Choose %(count)d. This region sends in-absentia cases to experts of its other "
                "divisions: those with the fewest open reviews are proposed."
            ) % {"count": required_count}


def _expert_with_division(user: Any) -> str:
    # Experts of several divisions are listed: the head needs to know which each works in.
    return f"{user.shown_name} ({user.organisation.short_name})"


def conditional(field: forms.Field) -> forms.Field:
    """`field`, needed in some cases its hint names: the service requires it then, and the
    form does not call it "optional"."""
    field.conditional = True  # type: ignore[attr-defined]
    return field


def _when_established(label: Any, choices: Any) -> forms.Field:
    """A part of the outcome asked only when disability is established."""
    return conditional(
        forms.ChoiceField(
            label=label,
            choices=BLANK + choices,
            required=False,
            help_text=_("Needed when disability is established."),
        )
    )


def _reexamination_date() -> forms.Field:
    """The re-examination date of a decision: needed when a term is set (the service says so)."""
    return conditional(
        forms.DateField(
            label=_("Re-examination date"),
            required=False,
            help_text=_(
                "Leave empty when the term is indefinite or disability is not established."
            ),
            widget=DatePickerInput,
        )
    )


_PERCENT_MESSAGE = _("Enter a percentage from 0 to 100.")


def _percent(label: Any, help_text: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=100,
        help_text=help_text,
        error_messages={
            "invalid": _PERCENT_MESSAGE,
            "min_value": _PERCENT_MESSAGE,
            "max_value": _PERCENT_MESSAGE,
        },
    )


class OutcomeForm(forms.Form):
    """The fields an expert's conclusion and a decision share.

    Given the person's `birth_date`, the form checks the outcome by the rules the service applies
    (`outcome_rules.outcome_errors`), so every missing or wrong part is reported at once, each at
    its field, rather than the form's own errors first and the rules' on the next submit."""

    # An expert's conclusion is always reasoned; a decision needs reasons only when negative.
    reasons_always_required = False

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether disability is established.")},
    )
    category_code = conditional(
        forms.ChoiceField(
            label=_("Group or category"),
            choices=BLANK + Category.choices,
            required=False,
            help_text=_(
                "Needed when disability is established: a group for an adult, a category for a "
                "child."
            ),
        )
    )
    cause = _when_established(_("Cause"), Cause.choices)
    term = _when_established(_("Term"), Term.choices)
    general_loss_percent = _percent(
        _("Loss of general working capacity, %"),
        _("For participants of compulsory social insurance."),
    )
    professional_loss_percent = _percent(
        _("Loss of professional working capacity, %"),
        _("Only for a work injury or an occupational disease."),
    )
    reasons = forms.CharField(
        label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, birth_date: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.birth_date = birth_date

    def checks_outcome(self) -> bool:
        """Whether the outcome fields are checked by the rules (a form may ask them only so)."""
        return True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.birth_date is None or not self.checks_outcome():
            return cleaned
        errors = outcome_errors(
            self.outcome_input(),
            birth_date=self.birth_date,
            on=timezone.localdate(),
            reasons_always_required=self.reasons_always_required,
        )
        for field, messages in errors.items():
            # A field whose own check failed already says what is wrong with it.
            if field in self.fields and field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return cleaned

    def outcome_input(self) -> OutcomeInput:
        data = self.cleaned_data
        return OutcomeInput(
            outcome=data.get("outcome", ""),
            category_code=data.get("category_code", ""),
            cause=data.get("cause", ""),
            term=data.get("term", ""),
            general_loss_percent=data.get("general_loss_percent"),
            professional_loss_percent=data.get("professional_loss_percent"),
            reasons=data.get("reasons", ""),
        )


class ConclusionForm(OutcomeForm, VersionForm):
    field_order = ["outcome", "category_code", "cause", "term"]
    reasons_always_required = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reasons"].required = True
        self.fields["reasons"].error_messages["required"] = _(
            "Give the reasons for the conclusion."
        )


class DecisionForm(OutcomeForm, VersionForm):
    reexamination_on = _reexamination_date()
    conclusions = forms.CharField(widget=forms.HiddenInput)
    field_order = ["outcome", "category_code", "cause", "term", "reexamination_on"]


class AppealFileForm(ServiceErrorsMixin, forms.Form):
    filed_on = forms.DateField(
        label=_("Filed on"),
        widget=DatePickerInput,
        error_messages={"required": _("Enter the date the appeal was filed.")},
    )
    filed_by = forms.ChoiceField(
        label=_("Filed by"),
        choices=AppealFiledBy.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who filed the appeal: the person or their legal representative.")
        },
    )
    grounds = forms.CharField(
        label=_("Grounds"),
        help_text=_("What the person disagrees with, as they stated it. No names or IINs."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write what the person disagrees with.")},
    )

    def clean_filed_on(self) -> dt.date:
        # Told with the form's other errors, not after them: the service checks it again, and
        # the date against the decision's, which the form does not know.
        filed_on: dt.date = self.cleaned_data["filed_on"]
        if filed_on > timezone.localdate():
            raise forms.ValidationError(_("The filing date cannot be in the future."))
        return filed_on


class AppealResolveForm(OutcomeForm, VersionForm):
    RESULT_UPHELD, RESULT_CHANGED = "upheld", "changed"
    result = forms.ChoiceField(
        label=_("Result of the review"),
        choices=[
            (RESULT_UPHELD, _("Uphold the decision")),
            (RESULT_CHANGED, _("Change the decision")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the decision is upheld or changed.")},
    )
    outcome_reasons = forms.CharField(
        label=_("Reasons for the result"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Give the reasons for the outcome.")},
    )
    reexamination_on = _reexamination_date()
    field_order = ["result", "outcome_reasons", "outcome", "category_code", "cause", "term"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The changed decision's outcome is asked only when the decision is changed: required
        # then, so not called "optional".
        self.fields["outcome"].required = False
        conditional(self.fields["outcome"])
        self.fields["outcome"].help_text = _("Only when the decision is changed.")

    def checks_outcome(self) -> bool:
        # The changed decision is checked only when the decision is changed.
        return self.cleaned_data.get("result") == self.RESULT_CHANGED

    @property
    def upheld(self) -> bool:
        return self.cleaned_data.get("result") == self.RESULT_UPHELD
