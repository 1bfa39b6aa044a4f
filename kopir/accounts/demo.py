"""The demo accounts: one per role, all synthetic people, one shared password.

`load()` runs after the directory demo (it looks organisations up by their stable `code`) and
is idempotent: a second run finds every account as it should be and changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device

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
    # A post within the role that the sign-in page names instead of the role: the chair's role
    # is council member, but a visitor looking for the chair must find "chair".
    position: str = ""

    @property
    def label(self) -> str | Promise:
        return POSITION_LABELS[self.position] if self.position else self.role.label


POSITION_LABELS: dict[str, str | Promise] = {"chair": _("Council chair")}


# The accounts are data (one per role, synthetic names), kept beside the app as JSON.
DEMO_ACCOUNTS_FILE = Path(__file__).resolve().parent / "data" / "demo-accounts.json"


def _read_accounts() -> list[DemoAccount]:
    rows = json.loads(DEMO_ACCOUNTS_FILE.read_text(encoding="utf-8"))["accounts"]
    return [
        DemoAccount(
            username=row["username"],
            role=Role(row["role"]),
            organisation_code=row["organisation"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            description=row["description"],
            preferred_language=row.get("preferred_language", "kk"),
            position=_known_position(row.get("position", "")),
        )
        for row in rows
    ]


def _known_position(position: str) -> str:
    if position and position not in POSITION_LABELS:
        raise ValueError(f"demo account position {position!r} has no label")
    return position


DEMO_ACCOUNTS: list[DemoAccount] = _read_accounts()
# Who signs in to the demo without a second factor (accounts.access.is_demo_account).
DEMO_USERNAMES: frozenset[str] = frozenset(account.username for account in DEMO_ACCOUNTS)


def describe() -> list[str]:
    """The console banner of `make demo`: whom a visitor can sign in as."""
    width = max(len(account.username) for account in DEMO_ACCOUNTS)
    return [f"Demo accounts (password for all: {DEMO_PASSWORD}):"] + [
        f"  {account.username:<{width}}  {account.description}" for account in DEMO_ACCOUNTS
    ]


def demo_account_rows() -> list[dict[str, Any]]:
    """The sign-in page's list: each account's role and organisation (one query), so the
    several agency officers of the demo are told apart by the body they work in."""
    organisations = Organisation.objects.in_bulk(
        {account.organisation_code for account in DEMO_ACCOUNTS}, field_name="code"
    )
    return [
        {
            "username": account.username,
            "role_label": account.label,
            "organisation": organisations.get(account.organisation_code),
        }
        for account in DEMO_ACCOUNTS
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
            # An authenticator a visitor set up on a shared account (before the set-up page
            # refused it) would ask every later visitor for that visitor's code: the demo state
            # has none.
            changed = saved.version != version
            if user_has_device(saved, confirmed=None):
                services.user_reset_two_factor(actor=None, user=saved, why="demo account put back")
                changed = True
            updated += changed
    return f"{len(DEMO_ACCOUNTS)} demo accounts ({created} created, {updated} updated)"
