"""The demo's organisations that only the council's demo needs: predecessor councils, schools."""

from __future__ import annotations

from kopir.audit.models import AuditChannel
from kopir.directory.demo import name_fields
from kopir.directory.models import Organisation, Territory
from kopir.directory.services import organisation_sync


def sync_organisation(
    code: str,
    names: tuple[str, str, str],
    short_names: tuple[str, str, str],
    kind: str,
    territory: Territory,
    parent: Organisation | None = None,
    *,
    is_active: bool = True,
) -> Organisation:
    """Create or update the organisation `code`, named in Kazakh, Russian and English (in that
    order in `names` and `short_names`); the demo's
    organisations have no BIN (a made-up one would look real)."""
    organisation, _outcome = organisation_sync(
        code=code,
        data={
            **name_fields(names, short_names),
            "kind": kind,
            "bin": None,
            "territory": territory,
            "parent": parent,
            "is_active": is_active,
        },
        channel=AuditChannel.COMMAND,
    )
    return organisation
