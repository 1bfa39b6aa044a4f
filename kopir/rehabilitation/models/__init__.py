"""The individual habilitation and rehabilitation programme (IRP) and the execution of its measures.

`catalogue`: the measures an IRP may contain, as versioned reference data with their legal source,
and the rules that suggest measures and route them to executing organisations.
`programme`: the IRP of a person, one immutable version per approval.
`employment`: job placements and the employers' quota register.
`execution`: each measure of an approved programme as an executing organisation's task, its
handoffs between organisations and its timeline.
"""

from kopir.rehabilitation.models.catalogue import (
    CatalogueStatus,
    DeliveryChannel,
    EvidenceItem,
    MeasureCatalogue,
    MeasureType,
    ProgrammePart,
    QuantityUnit,
    RoutingRule,
    SuggestionRule,
)
from kopir.rehabilitation.models.employment import (
    EmployerQuota,
    Placement,
    QuotaBand,
    QuotaRounding,
)
from kopir.rehabilitation.models.execution import (
    Handoff,
    Measure,
    MeasureEvent,
    MeasureNote,
    MeasureStatus,
    NotDeliveredReason,
)
from kopir.rehabilitation.models.programme import (
    Programme,
    ProgrammeLine,
    ProgrammeVersion,
    ProgrammeVersionStatus,
)

__all__ = [
    "CatalogueStatus",
    "DeliveryChannel",
    "EmployerQuota",
    "EvidenceItem",
    "Handoff",
    "Measure",
    "MeasureCatalogue",
    "MeasureEvent",
    "MeasureNote",
    "MeasureStatus",
    "MeasureType",
    "NotDeliveredReason",
    "Placement",
    "Programme",
    "ProgrammeLine",
    "ProgrammePart",
    "ProgrammeVersion",
    "ProgrammeVersionStatus",
    "QuantityUnit",
    "QuotaBand",
    "QuotaRounding",
    "RoutingRule",
    "SuggestionRule",
]
