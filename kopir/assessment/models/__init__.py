"""Medical-social expertise records. Split by area; import from here.

Helpers add their modules (clinical findings and documents, completeness rules, expert review,
decisions and appeals, intake) and re-export them here.
"""

from kopir.assessment.models.clinical import (
    FINDING_SPECS,
    Attachment,
    DocumentType,
    Finding,
    FindingKind,
    LifeLimitation,
    LimitationCategory,
    LimitationDegree,
    SecondaryDiagnosis,
    Side,
)
from kopir.assessment.models.deadlines import AppealFilingPeriod, StepDeadline
from kopir.assessment.models.distribution import ExtraterritorialDistribution
from kopir.assessment.models.intake import (
    BulkUpload,
    BulkUploadStatus,
    ExternalSystem,
    IdempotencyRecord,
    StatusAccessCode,
    StatusRequest,
    StatusRequestKind,
)
from kopir.assessment.models.reference import Icd10Code
from kopir.assessment.models.referral import (
    IntakeChannel,
    Referral,
    ReferralEvent,
    ReferralPurpose,
    ReferralStatus,
    Route,
)
from kopir.assessment.models.review import (
    OPEN_APPEAL_STATUSES,
    Appeal,
    AppealDeadline,
    AppealFiledBy,
    AppealStatus,
    Category,
    Cause,
    Decision,
    DecisionBasis,
    ExpertAssignment,
    Outcome,
    Term,
)
from kopir.assessment.models.rules import (
    CompletenessRule,
    CompletenessRuleSet,
    RequiredField,
    Requirement,
    RuleSetStatus,
)

__all__ = [
    "FINDING_SPECS",
    "OPEN_APPEAL_STATUSES",
    "Appeal",
    "AppealDeadline",
    "AppealFiledBy",
    "AppealFilingPeriod",
    "AppealStatus",
    "Attachment",
    "BulkUpload",
    "BulkUploadStatus",
    "Category",
    "Cause",
    "CompletenessRule",
    "CompletenessRuleSet",
    "Decision",
    "DecisionBasis",
    "DocumentType",
    "ExpertAssignment",
    "ExternalSystem",
    "ExtraterritorialDistribution",
    "Finding",
    "FindingKind",
    "Icd10Code",
    "IdempotencyRecord",
    "IntakeChannel",
    "LifeLimitation",
    "LimitationCategory",
    "LimitationDegree",
    "Outcome",
    "Referral",
    "ReferralEvent",
    "ReferralPurpose",
    "ReferralStatus",
    "RequiredField",
    "Requirement",
    "Route",
    "RuleSetStatus",
    "SecondaryDiagnosis",
    "Side",
    "StatusAccessCode",
    "StatusRequest",
    "StatusRequestKind",
    "StepDeadline",
    "Term",
]
