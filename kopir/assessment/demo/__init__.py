"""The MSE demo: referrals in every state from several polyclinics.

- `rules.py` loads the completeness rules of the nosologies the demo uses;
- `referrals.py` loads the referrals and walks each through its states (`referral_steps.py` holds
  what each nosology's referral carries and the experts' conclusions);
- `bulk_upload.py` loads a bulk file of referrals sent by a polyclinic.
"""

from __future__ import annotations


def load() -> str:
    from kopir.assessment.demo.bulk_upload import load as load_bulk_upload
    from kopir.assessment.demo.referrals import load as load_referrals
    from kopir.assessment.demo.rules import rules_load_demo
    from kopir.assessment.services.icd10 import icd10_load

    # Referrals need the ICD-10 codes they are coded with and the completeness rules they are
    # checked against; both loaders are idempotent.
    return "; ".join([str(icd10_load()), rules_load_demo(), load_referrals(), load_bulk_upload()])
