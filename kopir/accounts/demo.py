"""The demo accounts: one per role, all synthetic people, one shared password.

`load()` runs after the directory demo (it looks organisations up by their stable `code`) and
is idempotent: a second run finds every account as it should be and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from kopir.accounts import services
from kopir.accounts.models import Role, User
from kopir.audit.models import AuditChannel
from kopir.directory.models import Organisation

DEMO_PASSWORD = "kopir-demo-2026"  # noqa: S105 - the demo's published password, never production


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    organisation_code: str
    first_name: str
    last_name: str
    # Shown in the console banner of `make demo` (English, like the rest of the console output).
    description: str
    preferred_language: str = "kk"


DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount(
        username="admin",
        role=Role.ADMINISTRATOR,
        organisation_code="wko-public-council",
        first_name="Әсем",
        last_name="Жұмабаева",
        description="administrator — Public Council on Social Issues",
    ),
    DemoAccount(
        username="clinician",
        role=Role.CLINICIAN,
        organisation_code="oral-polyclinic-1",
        first_name="Нұрлан",
        last_name="Есенов",
        description="clinician — Oral city polyclinic No. 1",
    ),
    DemoAccount(
        username="mse",
        role=Role.MSE_SPECIALIST,
        organisation_code="wko-mse-division-oral",
        first_name="Гүлнар",
        last_name="Тоқтарова",
        description="MSE specialist — MSE division, Oral",
    ),
    DemoAccount(
        username="mse-head",
        role=Role.MSE_HEAD,
        organisation_code="wko-mse-division-oral",
        first_name="Ерлан",
        last_name="Қайыржанов",
        description="head of the MSE division, Oral (sees who the person is in in-absentia cases)",
    ),
    DemoAccount(
        username="agency",
        role=Role.AGENCY_OFFICER,
        organisation_code="wko-employment-office",
        first_name="Данияр",
        last_name="Серікбаев",
        description="agency officer — Office for Employment Coordination and Social Programs",
    ),
    DemoAccount(
        username="secretary",
        role=Role.COUNCIL_SECRETARY,
        organisation_code="wko-public-council",
        first_name="Айжан",
        last_name="Бекова",
        description="council secretary — Public Council on Social Issues",
    ),
    DemoAccount(
        username="member",
        role=Role.COUNCIL_MEMBER,
        organisation_code="kos-wko",
        first_name="Бауыржан",
        last_name="Оспанов",
        description="council member — Society of the Blind, West Kazakhstan branch",
    ),
    # The chair signs the minutes together with the secretary.
    DemoAccount(
        username="chair",
        role=Role.COUNCIL_MEMBER,
        organisation_code="wko-public-council",
        first_name="Серік",
        last_name="Мұхамбетов",
        description="council chair — Public Council on Social Issues",
    ),
]


def describe() -> list[str]:
    """The console banner of `make demo`: whom a visitor can sign in as."""
    return [f"Demo accounts (password for all: {DEMO_PASSWORD}):"] + [
        f"  {account.username:<14} {account.description}" for account in DEMO_ACCOUNTS
    ]


def load() -> str:
    """Create the demo accounts, or bring them back to their demo state. Returns a summary."""
    created = updated = 0
    with transaction.atomic():
        codes = {account.organisation_code for account in DEMO_ACCOUNTS}
        organisations = Organisation.objects.in_bulk(codes, field_name="code")
        missing = sorted(codes - organisations.keys())
        if missing:
            raise LookupError(
                "The directory demo must be loaded first; missing organisations: "
                + ", ".join(missing)
            )
        for account in DEMO_ACCOUNTS:
            values: dict[str, Any] = {
                "username": account.username,
                "first_name": account.first_name,
                "last_name": account.last_name,
                "email": f"{account.username}@demo.kopir.invalid",
                "organisation": organisations[account.organisation_code],
                "roles": [account.role],
                "is_active": True,
                "preferred_language": account.preferred_language,
            }
            user = User.objects.filter(username=account.username).first()
            if user is None:
                services.user_create(
                    actor=None, password=DEMO_PASSWORD, channel=AuditChannel.COMMAND, **values
                )
                created += 1
                continue
            # Hashing gives a new salt every time: set the password only when it differs, so a
            # second run leaves the row (and the audit log) untouched.
            password = "" if user.check_password(DEMO_PASSWORD) else DEMO_PASSWORD
            # Read just above, in this transaction: the demo is the only writer here.
            version = user.version
            saved = services.user_update(
                actor=None,
                user=user,
                expected_version=version,
                password=password,
                channel=AuditChannel.COMMAND,
                **values,
            )
            updated += saved.version != version
    return f"{len(DEMO_ACCOUNTS)} demo accounts ({created} created, {updated} updated)"
