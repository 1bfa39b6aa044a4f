"""External systems (medical information systems) and their API bearer tokens.

Each system sends referrals for one clinic and acts through a technical account of that clinic,
so the referral services, the timeline and the audit log see an ordinary actor. Tokens are random
and long; only their SHA-256 is stored, and they are shown once, when issued.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.accounts.models import Role, RoleAssignment
from kopir.assessment.models import ExternalSystem
from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audited
from kopir.core.errors import DomainError
from kopir.directory.models import Organisation, OrganisationKind

# Marks a string as a Kopir API token (so a leaked one is recognisable); not a secret itself.
TOKEN_PREFIX = "kpr_"  # noqa: S105
# How often a system's "last used" time is written: not on every call, which would make each
# read a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


# Organisations that execute rehabilitation measures: their systems use the measure API, acting
# as an agency officer of their organisation.
AGENCY_KINDS = frozenset(
    {
        OrganisationKind.EMPLOYMENT_SOCIAL,
        OrganisationKind.HEALTH_OFFICE,
        OrganisationKind.EDUCATION_OFFICE,
        OrganisationKind.AKIMAT,
        OrganisationKind.CAREER_CENTRE,
        OrganisationKind.SCHOOL,
        OrganisationKind.NGO,
    }
)


def external_system_issue_token(
    *, name: str, organisation: Organisation, rotate: bool = False
) -> tuple[ExternalSystem, str]:
    """Register a system for a clinic (or give an existing one a new token, if `rotate`).

    Returns the system and the token. The token is shown once: only its hash is stored. A new
    token replaces the old one at once.
    """
    if organisation.kind != OrganisationKind.MEDICAL and organisation.kind not in AGENCY_KINDS:
        raise DomainError(
            _(
                "Only the systems of a medical organisation or of an organisation that executes "
                "rehabilitation measures may use the API."
            )
        )
    token = _new_token()
    now = timezone.now()
    with transaction.atomic():
        system = ExternalSystem.objects.filter(name=name).first()
        if system is not None:
            if not rotate:
                raise DomainError(
                    _("A system with this name exists. Issue a new token with --rotate.")
                )
            if system.organisation_id != organisation.pk:
                raise DomainError(_("This system sends for another organisation."))
            system.token_hash = token_hash(token)
            system.token_prefix = token[:12]
            system.token_issued_at = now
            system.is_active = True
            system.save(
                update_fields=["token_hash", "token_prefix", "token_issued_at", "is_active"]
            )
            action = AuditAction.UPDATE
        else:
            account = _service_account(name, organisation)
            system = ExternalSystem(
                name=name,
                organisation=organisation,
                account=account,
                token_prefix=token[:12],
                token_hash=token_hash(token),
                token_issued_at=now,
            )
            system.full_clean()
            system.save()
            action = AuditAction.CREATE
        audited(
            system,
            action,
            ["token_hash"],
            actor=None,
            channel=AuditChannel.COMMAND,
            detail="token issued",
        )
    return system, token


def _service_account(name: str, organisation: Organisation) -> Any:
    """The account a system acts as: a clinician of its clinic (an agency officer of an executing
    organisation) who can never sign in."""
    user_model = get_user_model()
    account = user_model(
        username=f"api-{name}"[:150],
        first_name="API",
        last_name=name[:150],
        organisation=organisation,
    )
    account.set_unusable_password()
    account.search_text = account.compute_search_text()
    account.full_clean(exclude=["password"])
    account.save()
    role = Role.AGENCY_OFFICER if organisation.kind in AGENCY_KINDS else Role.CLINICIAN
    RoleAssignment.objects.create(user=account, role=role)
    return account


def external_system_authenticate(token: str) -> ExternalSystem | None:
    """The active system this bearer token belongs to, or None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    system = (
        ExternalSystem.objects.select_related("organisation", "account")
        .filter(token_hash=token_hash(token), is_active=True, organisation__is_active=True)
        .first()
    )
    if system is None or not system.account.is_active:
        return None
    now = timezone.now()
    if system.last_used_at is None or system.last_used_at < now - LAST_USED_RESOLUTION:
        ExternalSystem.objects.filter(pk=system.pk).update(last_used_at=now)
    return system
