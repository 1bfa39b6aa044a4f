"""Forms for the MSE division's programme pages. Writes go through services/programme.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kopir.core.forms import FilterForm, VersionForm, text_pair
from kopir.rehabilitation.forms_catalogue import NamedChoiceField
from kopir.rehabilitation.models import (
    MeasureType,
    ProgrammeVersion,
    ProgrammeVersionStatus,
    QuantityUnit,
)

QUANTITY_HELP = _(
    "Empty: the catalogue's usual quantity. The catalogue's greatest quantity applies."
)


class ProgrammeFilterForm(FilterForm[str]):
    """The programme list's filter: the programmes with a version in the status chosen (a draft
    awaiting approval, one in force, an ended one); every programme when none is chosen."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            (ProgrammeVersionStatus.DRAFT, _("With a draft awaiting approval")),
            (ProgrammeVersionStatus.APPROVED, _("In force")),
            (ProgrammeVersionStatus.ENDED, _("Ended")),
        ],
    )

    def criteria_from(self, data: Any) -> str:
        return str(data.get("status") or "")


class LineEditForm(VersionForm):
    """`version` is the draft programme version's."""

    quantity = forms.DecimalField(
        label=_("Quantity"), required=False, max_digits=7, decimal_places=2, help_text=QUANTITY_HELP
    )
    # In Kazakh and Russian: each language's IRP shows its own half.
    details, details_ru = text_pair(
        _("Details for the executing organisation"),
        rows=3,
        required=False,
        hint=_("For example a wheelchair's seat width or the side of a hearing aid."),
    )

    def __init__(self, *args: Any, measure_type: MeasureType | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A measure counted without a quantity offers no quantity field: any number is refused.
        if measure_type is not None and measure_type.unit == QuantityUnit.NONE:
            del self.fields["quantity"]


class LineAddForm(LineEditForm):
    measure_type = NamedChoiceField(label=_("Measure"), queryset=None)

    field_order = ["version", "measure_type", "quantity", "details"]

    def __init__(self, *args: Any, programme_version: ProgrammeVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = programme_version.lines.values_list("measure_type_id", flat=True)
        field = self.fields["measure_type"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programme_version.catalogue.measure_types.exclude(pk__in=taken).order_by(
            "position", "code"
        )
