"""MSE demo: referrals in every state from several polyclinics (see demo_referrals.py)."""

from __future__ import annotations


def load() -> str:
    from kopir.assessment.demo_intake import load as load_intake
    from kopir.assessment.demo_referrals import load as load_referrals
    from kopir.assessment.services.icd10 import icd10_load
    from kopir.assessment.services.rules_demo import rules_load_demo

    # Referrals need the ICD-10 codes they are coded with and the completeness rules they are
    # checked against; both loaders are idempotent.
    return "; ".join([str(icd10_load()), rules_load_demo(), load_referrals(), load_intake()])
