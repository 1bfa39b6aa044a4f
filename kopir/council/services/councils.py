"""Writes about councils themselves: creating one, and merging councils into one.

The seed's Public Council on Social Issues was formed by merging two councils (on the rights of
families, women and children; on socially vulnerable groups). A merge keeps the earlier councils
as records: their compositions, meetings and petitions stay readable from the new council.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audited, create_audited
from kopir.core.errors import DomainError
from kopir.council.models import Council, RecommendationRuleSet
from kopir.directory.models import Organisation, OrganisationKind, Territory


def council_create(
    *,
    actor: Any,
    organisation: Organisation,
    slug: str,
    legal_basis: str,
    territory: Territory,
    rule_set: RecommendationRuleSet,
    legal_basis_note: str = "",
    established_on: dt.date | None = None,
    quorum_rule: str = "",
    is_active: bool = True,
    channel: AuditChannel | str = AuditChannel.WEB,
    request: HttpRequest | None = None,
) -> Council:
    """Create a council for an organisation of kind "public council"."""
    if organisation.kind != OrganisationKind.PUBLIC_COUNCIL:
        raise DomainError(_("A council belongs to an organisation of the kind “public council”."))
    council = Council(
        organisation=organisation,
        slug=slug,
        legal_basis=legal_basis,
        legal_basis_note=legal_basis_note,
        territory=territory,
        established_on=established_on,
        recommendation_rule_set=rule_set,
        is_active=is_active,
    )
    if quorum_rule:
        council.quorum_rule = quorum_rule
    fields = ["organisation", "slug", "legal_basis", "territory"]
    return create_audited(council, fields, actor=actor, request=request, channel=channel)


def council_require_active(council: Council) -> None:
    """Refuse new work (a meeting, a petition) for a council merged into another; its records
    stay readable."""
    if not council.is_active:
        raise DomainError(_("This council no longer works: it was merged into another council."))


def council_merge(
    *,
    actor: Any,
    into: Council,
    sources: Iterable[Council],
    channel: AuditChannel | str = AuditChannel.WEB,
    request: HttpRequest | None = None,
) -> Council:
    """Record that `sources` were merged into `into`; the sources stop being active councils.

    Nothing is moved or deleted: the earlier councils keep their compositions, meetings and
    petitions, and `into.merged_from` leads to them. Merging the same council again changes
    nothing.
    """
    sources = list(sources)
    if not sources:
        raise DomainError(_("Choose at least one council to merge."))
    if any(source.pk == into.pk for source in sources):
        raise DomainError(_("A council cannot be merged into itself."))
    with transaction.atomic():
        # Lock the rows so that two merges of the same councils do not interleave.
        locked = {
            council.pk: council
            for council in Council.objects.select_for_update().filter(
                pk__in=[into.pk, *(source.pk for source in sources)]
            )
        }
        target = locked[into.pk]
        if not target.is_active:
            raise DomainError(_("Councils can only be merged into an active council."))
        already = set(target.merged_from.values_list("pk", flat=True))
        for source in sources:
            current = locked[source.pk]
            if current.pk in already:
                continue
            if current.merged_into.exclude(pk=target.pk).exists():
                raise DomainError(_("This council was already merged into another council."))
            target.merged_from.add(current)
            if current.is_active:
                current.is_active = False
                current.save(update_fields=["is_active"])
            audited(
                current,
                AuditAction.UPDATE,
                ["is_active", "merged_into"],
                actor=actor,
                request=request,
                channel=channel,
            )
            audited(
                target,
                AuditAction.UPDATE,
                ["merged_from"],
                actor=actor,
                request=request,
                channel=channel,
            )
    into.refresh_from_db()
    return into
