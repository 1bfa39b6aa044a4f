"""What a council form hands to its service: the cleaned fields the service takes by name."""

from __future__ import annotations

from typing import Any, ClassVar


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
