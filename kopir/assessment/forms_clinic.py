"""The clinic's referral form (form 031/у equivalent) and its document upload.

The form only reads and checks what was typed; the services decide (ICD-10 codes, findings,
completeness). Their ValidationErrors name field paths ("findings.3.value"), which the form maps
back onto the field the clinician typed into, so each message sits next to its field and in the
error summary. A form its own checks refused runs the service's checks of the content too
(`referral_content_check`), so the clinician hears of every problem in one round.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from kopir.assessment.models import (
    Finding,
    FindingKind,
    LimitationCategory,
    LimitationDegree,
    Referral,
    ReferralPurpose,
    Route,
    Side,
)
from kopir.assessment.models.clinical import plain_number
from kopir.assessment.services.icd10 import parse_code_list
from kopir.assessment.services.referral_inputs import FindingInput, LimitationInput
from kopir.assessment.services.referrals import referral_content_check
from kopir.core.forms import DatePickerInput, ServiceErrorsMixin, radio_choice
from kopir.core.identifiers import typed_iin
from kopir.people.forms import person_by_iin
from kopir.people.models import Person

DATE_ERRORS = {"invalid": _("Enter a real date, for example 27.03.2026.")}
MIN_TEST_ROWS = 2


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=DatePickerInput, error_messages=DATE_ERRORS
    )


class DecimalCommaField(forms.DecimalField):
    """A number typed with a decimal comma or point, whatever the page's language: clinicians
    copy values from Russian- and Kazakh-language reports ("0,05") and from devices ("0.05")."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
        return super().to_python(value)


def _number_field(label: Any, hint: Any, places: int = 2) -> forms.DecimalField:
    return DecimalCommaField(
        label=label,
        help_text=hint,
        required=False,
        max_digits=8,
        decimal_places=places,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"invalid": _("Enter a number, for example 0,05.")},
    )


def _text_field(label: Any, hint: Any = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


@dataclass(frozen=True)
class MeasuredPair:
    """A finding measured on both sides, entered as right + left + one date."""

    kind: str
    prefix: str


PAIRS = (
    MeasuredPair(FindingKind.VISUAL_ACUITY, "acuity"),
    MeasuredPair(FindingKind.VISUAL_FIELD, "field"),
    MeasuredPair(FindingKind.HEARING_THRESHOLD, "hearing"),
)


class ReferralForm(ServiceErrorsMixin, forms.Form):
    """Everything the clinic writes in a referral. `user` decides which persons can be chosen."""

    iin = forms.CharField(
        label=_("Person's IIN"),
        help_text=_("The person must already be in the registry and attached to your clinic."),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Enter the person's IIN.")},
    )
    purpose = radio_choice(
        _("Purpose of the referral"),
        ReferralPurpose.choices,
        missing=_("Choose the purpose of the referral."),
    )
    route = radio_choice(
        _("How the expertise is to be held"),
        Route.choices,
        help_text=_("In absentia: the experts decide from the documents, without the person."),
        missing=_("Choose in person or in absentia."),
    )
    primary_code = forms.CharField(
        label=_("Main diagnosis (ICD-10)"),
        help_text=_("The full code with its subdivision, e.g. H54.0."),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the main diagnosis as an ICD-10 code, e.g. H54.0.")},
    )
    secondary_codes = forms.CharField(
        label=_("Further diagnoses (ICD-10)"),
        help_text=_("Codes separated by commas, e.g. H90.3, E10.9."),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    commission_protocol_number = forms.CharField(
        label=_("Commission protocol number"), required=False, max_length=50
    )
    commission_date = _date_field(_("Commission date"))
    commission_conclusion = _text_field(_("Commission's conclusion"), rows=4)

    acuity_right = _number_field(_("Visual acuity, right eye"), _("With correction, 0 to 2.0."))
    acuity_left = _number_field(_("Visual acuity, left eye"), _("With correction, 0 to 2.0."))
    acuity_date = _date_field(_("Date visual acuity was measured"))
    field_right = _number_field(_("Visual field, right eye"), _("Degrees from the fixation point."))
    field_left = _number_field(_("Visual field, left eye"), _("Degrees from the fixation point."))
    field_date = _date_field(_("Date the visual field was measured"))
    hearing_right = _number_field(
        _("Hearing threshold, right ear"), _("Decibels, average at speech frequencies.")
    )
    hearing_left = _number_field(
        _("Hearing threshold, left ear"), _("Decibels, average at speech frequencies.")
    )
    hearing_date = _date_field(_("Date of the hearing test"))
    limb_side = forms.ChoiceField(
        label=_("Which side's limbs"),
        required=False,
        choices=[("", _("Not stated")), *Side.choices],
    )
    limb_function = _text_field(
        _("Limb function"), _("Level of amputation or loss, range of movement, prosthesis.")
    )
    limb_date = _date_field(_("Date limb function was assessed"))
    hba1c = _number_field(_("HbA1c"), _("Per cent, e.g. 7,8."), places=1)
    hba1c_date = _date_field(_("Date of the HbA1c test"))
    histology = _text_field(_("Histology result"), _("The conclusion of the histology report."))
    histology_date = _date_field(_("Date of the histology"))

    treatment_history = _text_field(_("Treatment history"), rows=4)
    rehabilitation_history = _text_field(_("Rehabilitation history"), rows=4)
    test_rows = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=MIN_TEST_ROWS, max_value=20
    )

    def __init__(
        self, *args: Any, user: Any, referral: Referral | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.referral = referral
        self.person: Person | None = None
        # Which form field each finding came from, so service errors land on the right field.
        self.finding_sources: list[dict[str, str]] = []
        if referral is not None and not self.is_bound and not self.initial:
            self.initial.update(initial_from(referral))
        rows = self._row_count()
        self.initial.setdefault("test_rows", rows)
        for number in range(1, rows + 1):
            self.fields[f"test_{number}_name"] = forms.CharField(
                label=_("Test %(number)s: name") % {"number": number},
                required=False,
                max_length=200,
            )
            self.fields[f"test_{number}_result"] = forms.CharField(
                label=_("Test %(number)s: result") % {"number": number},
                required=False,
                max_length=500,
            )
            self.fields[f"test_{number}_date"] = _date_field(
                _("Test %(number)s: date") % {"number": number}
            )
        for category, label in LimitationCategory.choices:
            self.fields[f"limitation_{category}"] = forms.TypedChoiceField(
                label=label,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Not limited")), *LimitationDegree.choices],
            )
        if referral is not None:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
            if not self.is_bound:
                self.initial.setdefault("version", referral.version)

    def _row_count(self) -> int:
        if self.is_bound:
            try:
                return max(MIN_TEST_ROWS, min(20, int(self.data.get("test_rows", MIN_TEST_ROWS))))
            except (TypeError, ValueError):
                return MIN_TEST_ROWS
        if "test_rows" in self.initial:
            try:
                return max(MIN_TEST_ROWS, min(20, int(self.initial["test_rows"])))
            except (TypeError, ValueError):
                return MIN_TEST_ROWS
        existing = sum(
            1 for key in self.initial if key.startswith("test_") and key.endswith("_name")
        )
        return max(MIN_TEST_ROWS, existing + 1)

    @property
    def test_row_numbers(self) -> range:
        return range(1, self._row_count() + 1)

    def test_row(self, number: int) -> list[forms.BoundField]:
        return [self[f"test_{number}_{part}"] for part in ("name", "result", "date")]

    def focus_last_test_row(self) -> None:
        """Start the keyboard in the last test row's first field when the page loads (the
        `autofocus` attribute: no script needed). After "Add a row for another test" the page
        comes back looking the same at the top; this takes a keyboard or screen-reader user to
        the row that appeared, and a screen reader reads its name."""
        self.fields[f"test_{self._row_count()}_name"].widget.attrs["autofocus"] = True

    @property
    def test_rows_fields(self) -> list[list[forms.BoundField]]:
        return [self.test_row(number) for number in self.test_row_numbers]

    @property
    def limitation_fields(self) -> list[forms.BoundField]:
        return [self[f"limitation_{category}"] for category in LimitationCategory.values]

    def clean_iin(self) -> str:
        iin = typed_iin(self.cleaned_data["iin"])
        self.person = person_by_iin(
            self.user,
            iin,
            not_found=_(
                "No person with this IIN among those your clinic works with. Register the "
                "person in the registry first."
            ),
        )
        return iin

    def clean_secondary_codes(self) -> list[str]:
        return parse_code_list(self.cleaned_data["secondary_codes"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._findings = self._collect_findings(data)
        if self.errors:  # the fields' own checks, already run
            self._add_service_checks(data)
        return data

    def _add_service_checks(self, data: dict[str, Any]) -> None:
        """The service's checks of what was typed, on a form its own checks refused, so the page
        names every problem at once. A valid form leaves them to the service, which runs them as
        it saves: each path runs them once. A field already refused keeps the form's message."""
        routed = self.person
        if (
            routed is not None
            and self.referral is not None
            and routed.pk == self.referral.person_id
        ):
            routed = None  # an edit routes again only for another person
        try:
            referral_content_check(routed=routed, **self._content(data))
        except ValidationError as error:
            for key, messages in error.error_dict.items():
                field = self.service_error_field(key)
                if (field or NON_FIELD_ERRORS) not in self.errors:
                    self.add_error(field, messages)

    # --- Findings --------------------------------------------------------------------------------

    def _needs_date(self, data: dict[str, Any], date_field: str, value_fields: list[str]) -> bool:
        """A value without its date (or a date without a value) is an error on the form."""
        has_value = any(data.get(name) not in (None, "") for name in value_fields)
        if has_value and not data.get(date_field):
            self.add_error(date_field, _("Enter the date of the test."))
        elif data.get(date_field) and not has_value and date_field not in self.errors:
            self.add_error(value_fields[0], _("Enter the result, or clear the date."))
        return has_value and bool(data.get(date_field))

    def _add(self, finding: FindingInput, sources: dict[str, str]) -> None:
        self._findings_list.append(finding)
        self.finding_sources.append(sources)

    def _collect_findings(self, data: dict[str, Any]) -> list[FindingInput]:
        self._findings_list: list[FindingInput] = []
        for pair in PAIRS:
            date_field = f"{pair.prefix}_date"
            sides = [f"{pair.prefix}_right", f"{pair.prefix}_left"]
            if not self._needs_date(data, date_field, sides):
                continue
            for side, name in zip((Side.RIGHT, Side.LEFT), sides, strict=True):
                if data.get(name) is not None:
                    self._add(
                        FindingInput(pair.kind, data[date_field], side=side, value=data[name]),
                        {"value": name, "measured_on": date_field, "side": name, "kind": name},
                    )
        if self._needs_date(data, "limb_date", ["limb_function"]):
            self._add(
                FindingInput(
                    FindingKind.LIMB_FUNCTION,
                    data["limb_date"],
                    side=data.get("limb_side") or "",
                    text=data["limb_function"],
                ),
                {"text": "limb_function", "measured_on": "limb_date", "side": "limb_side"},
            )
        if self._needs_date(data, "hba1c_date", ["hba1c"]):
            self._add(
                FindingInput(FindingKind.HBA1C, data["hba1c_date"], value=data["hba1c"]),
                {"value": "hba1c", "measured_on": "hba1c_date", "kind": "hba1c"},
            )
        if self._needs_date(data, "histology_date", ["histology"]):
            self._add(
                FindingInput(FindingKind.HISTOLOGY, data["histology_date"], text=data["histology"]),
                {"text": "histology", "measured_on": "histology_date", "kind": "histology"},
            )
        for number in self.test_row_numbers:
            prefix = f"test_{number}"
            if not self._needs_date(data, f"{prefix}_date", [f"{prefix}_result", f"{prefix}_name"]):
                continue
            self._add(
                FindingInput(
                    FindingKind.OTHER_TEST,
                    data[f"{prefix}_date"],
                    name=data.get(f"{prefix}_name", ""),
                    text=data.get(f"{prefix}_result", ""),
                ),
                {
                    "name": f"{prefix}_name",
                    "text": f"{prefix}_result",
                    "measured_on": f"{prefix}_date",
                },
            )
        return self._findings_list

    def _limitations(self) -> list[LimitationInput]:
        return [
            LimitationInput(category, self.cleaned_data[f"limitation_{category}"])
            for category in LimitationCategory.values
            if self.cleaned_data.get(f"limitation_{category}")
        ]

    def service_data(self) -> dict[str, Any]:
        return {"person": self.person, **self._content(self.cleaned_data)}

    def _content(self, data: dict[str, Any]) -> dict[str, Any]:
        """The referral's content for the service (`ReferralContent`); a field the form refused
        is left empty."""
        return {
            "purpose": data.get("purpose", ""),
            "route": data.get("route", ""),
            "primary_code": data.get("primary_code", ""),
            "secondary_codes": data.get("secondary_codes", []),
            "commission_protocol_number": data.get("commission_protocol_number", ""),
            "commission_date": data.get("commission_date"),
            "commission_conclusion": data.get("commission_conclusion", ""),
            "treatment_history": data.get("treatment_history", ""),
            "rehabilitation_history": data.get("rehabilitation_history", ""),
            "findings": self._findings,
            "limitations": self._limitations(),
        }

    def service_error_field(self, key: str) -> str | None:
        """The field a service's error names in its input's terms ("findings.2.value" →
        acuity_left)."""
        if key == "person":
            return "iin"
        parts = key.split(".")
        if parts[0] == "findings" and len(parts) == 3 and parts[1].isdigit():
            sources = (
                self.finding_sources[int(parts[1])]
                if int(parts[1]) < len(self.finding_sources)
                else {}
            )
            return sources.get(parts[2]) or next(iter(sources.values()), None)
        if parts[0] == "limitations":
            return "limitation_self_care"
        return super().service_error_field(key)


def _plain(value: Any) -> str:
    """A stored number as the form shows it again, in the page's language (`plain_number`)."""
    if value is None:
        return ""
    return plain_number(value)


def initial_from(referral: Referral) -> dict[str, Any]:
    """The form's values for an existing referral (its findings spread over the fixed fields)."""
    initial: dict[str, Any] = {
        "iin": referral.person.iin,
        "purpose": referral.purpose,
        "route": referral.route,
        "primary_code": referral.primary_diagnosis.code,
        "secondary_codes": ", ".join(
            referral.secondary_diagnoses.values_list("code__code", flat=True)
        ),
        "commission_protocol_number": referral.commission_protocol_number,
        "commission_date": referral.commission_date,
        "commission_conclusion": referral.commission_conclusion,
        "treatment_history": referral.treatment_history,
        "rehabilitation_history": referral.rehabilitation_history,
    }
    tests = 0
    prefixes = {pair.kind: pair.prefix for pair in PAIRS}
    findings: list[Finding] = list(referral.findings.order_by("measured_on", "id"))
    for finding in findings:
        if finding.kind in prefixes and finding.side in (Side.RIGHT, Side.LEFT):
            prefix = prefixes[finding.kind]
            initial[f"{prefix}_{finding.side}"] = _plain(finding.value)
            initial[f"{prefix}_date"] = finding.measured_on
        elif finding.kind == FindingKind.LIMB_FUNCTION:
            initial.update(
                limb_function=finding.text, limb_side=finding.side, limb_date=finding.measured_on
            )
        elif finding.kind == FindingKind.HBA1C:
            initial.update(hba1c=_plain(finding.value), hba1c_date=finding.measured_on)
        elif finding.kind == FindingKind.HISTOLOGY:
            initial.update(histology=finding.text, histology_date=finding.measured_on)
        else:
            tests += 1
            initial[f"test_{tests}_name"] = finding.name or finding.get_kind_display()
            initial[f"test_{tests}_result"] = finding.display_value
            initial[f"test_{tests}_date"] = finding.measured_on
    for limitation in referral.limitations.all():
        initial[f"limitation_{limitation.category}"] = limitation.degree
    return initial
