"""Forms for the minutes and recommendations. They check input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.core.collation import AlphabeticalModelChoiceField
from kopir.core.forms import (
    ServiceErrorsMixin,
    VersionForm,
    checked_upload,
    date_field,
    text_pair,
)
from kopir.core.text import reader_language
from kopir.council.forms_service_data import ServiceDataMixin
from kopir.council.models import (
    Council,
    Decision,
    MonitoringVisit,
    RecommendationRuleSet,
    RecommendationStatus,
    ResponseVerdict,
)
from kopir.council.selectors.recommendations import addressee_choices, addressees_of
from kopir.council.services.recommendations import REPORTABLE
from kopir.directory.models import Organisation


class MinutesEditForm(VersionForm):
    note = forms.CharField(
        label=_("What did you change?"),
        max_length=255,
        help_text=_("A short note for the version history, e.g. “corrected the speakers' names”."),
    )

    def __init__(self, *args: Any, sections: list[dict[str, Any]], lang: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.section_keys = []
        for section in sections:
            name = f"section_{section['key']}"
            self.section_keys.append((name, section["key"]))
            self.fields[name] = forms.CharField(
                label=section["heading"],
                required=False,
                initial=section["text"],
                help_text=_("One paragraph per line. Start a line with “- ” for a list entry."),
                widget=forms.Textarea(attrs={"rows": 8, "lang": lang, "spellcheck": "true"}),
            )
        # The note last, after the sections it describes.
        self.order_fields([name for name, _key in self.section_keys] + ["note", "version"])

    def section_texts(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name) or "" for name, key in self.section_keys}


class RecommendationForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    service_fields = (
        "decision",
        "visit",
        "addressee",
        "text",
        "text_ru",
        "rule_set",
        "motivating_figure",
    )

    decision = forms.ModelChoiceField(
        label=_("From the decision"),
        queryset=Decision.objects.none(),
        required=False,
        empty_label=_("Not from a decision"),
    )
    visit = forms.ModelChoiceField(
        label=_("From the monitoring visit"),
        queryset=MonitoringVisit.objects.none(),
        required=False,
        empty_label=_("Not from a visit"),
    )
    addressee = AlphabeticalModelChoiceField(
        label=_("Addressed to"),
        queryset=Organisation.objects.none(),
        help_text=_("The executive body (or Parliament) that must answer."),
        empty_label=_("Choose an organisation"),
        error_messages={"required": _("Choose the body the recommendation is addressed to.")},
    )
    text, text_ru = text_pair(
        _("Recommendation"),
        rows=6,
        missing=_("Enter the text of the recommendation."),
        hint=_("What the body should do, as it will be sent."),
    )
    rule_set = forms.ModelChoiceField(
        label=_("Deadline rules"),
        queryset=RecommendationRuleSet.objects.order_by("code"),
        help_text=_("The council's own rules unless another applies to this recommendation."),
        empty_label=_("Choose the deadline rules"),
        error_messages={"required": _("Choose the deadline rules that apply.")},
    )
    motivating_figure = forms.CharField(
        label=_("Motivating figure"),
        required=False,
        max_length=500,
        help_text=_("Optional: the figure that shows the problem, with its source."),
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = (  # type: ignore[attr-defined]
            Decision.objects.filter(agenda_item__meeting__council=council)
            .select_related("agenda_item__meeting")
            .order_by("-agenda_item__meeting__starts_at", "agenda_item__order", "order")
        )
        self.fields["decision"].label_from_instance = _decision_label  # type: ignore[attr-defined]
        self.fields["visit"].queryset = (  # type: ignore[attr-defined]
            MonitoringVisit.objects.filter(council=council)
            .select_related("site")
            .order_by("-visited_on")
        )
        self.fields["visit"].label_from_instance = _visit_label  # type: ignore[attr-defined]
        self.fields["addressee"].queryset = addressee_choices(council)  # type: ignore[attr-defined]
        self.fields["rule_set"].initial = council.recommendation_rule_set_id
        self.fields["rule_set"].label_from_instance = rule_set_label  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") and data.get("visit"):
            raise forms.ValidationError(_("Choose a decision or a visit, not both."))
        return data


class RecommendationEditForm(ServiceDataMixin, VersionForm):
    service_fields = ("addressee", "text", "text_ru", "rule_set", "motivating_figure", "version")

    addressee = RecommendationForm.base_fields["addressee"]
    text = RecommendationForm.base_fields["text"]
    text_ru = RecommendationForm.base_fields["text_ru"]
    rule_set = RecommendationForm.base_fields["rule_set"]
    motivating_figure = RecommendationForm.base_fields["motivating_figure"]

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["addressee"].queryset = addressee_choices(council)  # type: ignore[attr-defined]
        self.fields["rule_set"].label_from_instance = rule_set_label  # type: ignore[attr-defined]
        self.order_fields(
            ["addressee", "text", "text_ru", "rule_set", "motivating_figure", "version"]
        )


class RecommendationSendForm(ServiceDataMixin, VersionForm):
    service_fields = ("version", "sent_on")

    sent_on = date_field(
        _("Sent on"),
        help_text=_("The day the addressee received it."),
        missing=_("Enter the date the recommendation was sent."),
    )
    # Recording it sent notifies the addressee at once and starts its answer clock: no way back.
    confirm = forms.BooleanField(
        label=_("It was sent: notify the addressee now (this cannot be undone)"),
        error_messages={"required": _("Tick the box to confirm the recommendation was sent.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = timezone.localdate()


class RecommendationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *RecommendationStatus.choices],
    )
    addressee = AlphabeticalModelChoiceField(
        label=_("Addressed to"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("Any addressee"),
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    awaiting_verdict = forms.BooleanField(
        label=_("Only answered, waiting for the council's verdict"), required=False
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["addressee"].queryset = addressees_of(council)  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The selector's filters from what was sent: a field whose value makes no sense filters
        nothing."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "status": data.get("status") or "",
            "addressee": data.get("addressee"),
            "overdue": bool(data.get("overdue")),
            "awaiting_verdict": bool(data.get("awaiting_verdict")),
        }


class ResponseForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    service_fields = ("reported_status", "text", "evidence")

    reported_status = forms.ChoiceField(
        label=_("What does your answer report?"),
        choices=[(value, RecommendationStatus(value).label) for value in REPORTABLE],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what your answer reports.")},
        help_text=_(
            "“In progress” is a progress report. A result (executed, partly executed, rejected) "
            "becomes the recommendation's status only once the council accepts it."
        ),
    )
    text = forms.CharField(
        label=_("Answer, with reasons"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What was done, by when, and why; for a rejection, the reasons."),
        error_messages={"required": _("Enter the answer, with its reasons.")},
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_(
            "Optional: a PDF, DOCX, JPG or PNG file of up to 10 MB (an order, a report, a photo)."
        ),
    )

    def clean_evidence(self) -> Any:
        return checked_upload(self, "evidence")


class ReviewForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    service_fields = ("verdict", "note")

    verdict = forms.ChoiceField(
        label=_("The council's verdict"),
        choices=[
            (ResponseVerdict.ACCEPTED, ResponseVerdict.ACCEPTED.label),
            (ResponseVerdict.NOT_ACCEPTED, ResponseVerdict.NOT_ACCEPTED.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the council accepts the answer.")},
    )
    note = forms.CharField(
        label=_("Note to the addressee"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when the answer is not accepted: say what is missing."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("verdict") == ResponseVerdict.NOT_ACCEPTED
            and not (data.get("note") or "").strip()
        ):
            self.add_error("note", _("Say why the answer is not accepted: the addressee reads it."))
        return data


def rule_set_label(rule_set: RecommendationRuleSet) -> str:
    language = reader_language()
    return str(getattr(rule_set, f"name_{language}", "") or rule_set.name_kk)


def _decision_label(decision: Decision) -> str:
    """The decision's number and text in the page's language (its Kazakh one where no Russian
    was written)."""
    meeting = decision.agenda_item.meeting
    text = (decision.text_ru if reader_language() == "ru" else "") or decision.text
    return f"№ {meeting.number}, {decision.agenda_item.order}.{decision.order}: {text[:90]}"


def _visit_label(visit: MonitoringVisit) -> str:
    return f"{visit.visited_on:%d.%m.%Y} — {visit.site.name}"
