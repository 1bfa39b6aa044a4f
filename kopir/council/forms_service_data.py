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
        names = [*cls.service_fields]
        if "version" in getattr(cls, "base_fields", {}) and "version" not in names:
            names.append("version")
        return model_to_dict(record, fields=names)
