"""What a council form hands to its service: the cleaned fields the service takes by name."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Model
from django.forms.models import model_to_dict


class ServiceDataMixin:
    """For a form whose service takes some of its fields as keyword arguments of the same names
    (decision 8): `service_data()` is those `service_fields` of the cleaned data, for
    `service(actor=…, **form.service_data())`. A field the service names otherwise is renamed by
    `service_names` (the version a page was read at is the service's `expected_version`)."""

    service_fields: ClassVar[tuple[str, ...]] = ()
    service_names: ClassVar[dict[str, str]] = {"version": "expected_version"}
    cleaned_data: dict[str, Any]

    def service_data(self) -> dict[str, Any]:
        return {
            self.service_names.get(name, name): self.cleaned_data[name]
            for name in self.service_fields
        }

    @classmethod
    def initial_from(cls, record: Model) -> dict[str, Any]:
        """The form filled from the record it edits, whose fields are named as the form's (a
        relation as its key, many as a list), with the version the page is read at."""
        initial = model_to_dict(record, fields=cls.service_fields)
        # model_to_dict leaves out the fields a model does not let a form edit, `version` among
        # them; without it the page would post no version and its save would be refused.
        if "version" in getattr(cls, "base_fields", {}):
            initial["version"] = record.serializable_value("version")
        return initial
