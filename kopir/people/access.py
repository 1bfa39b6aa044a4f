"""Who may see which person. The one place these decisions are made."""

from __future__ import annotations

from typing import Any

from kopir.accounts.models import Role

# Roles whose work is with individual persons. Council members and secretaries see aggregates only.
PERSON_ROLES = (Role.CLINICIAN, Role.MSE_SPECIALIST, Role.AGENCY_OFFICER)


def can_search_people(user: Any) -> bool:
    return bool(
        user.is_authenticated and user.organisation_id is not None and user.has_role(*PERSON_ROLES)
    )
