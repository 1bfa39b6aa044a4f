"""Where a referral goes and what it is called: the MSE division responsible for the person,
and a number that no other referral will ever get."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kopir.assessment.models import IntakeChannel
from kopir.audit.models import AuditChannel
from kopir.core.numbering import draw_numbers
from kopir.directory.models import Organisation, OrganisationKind, Territory
from kopir.people.models import Person


def audit_channel(channel: str) -> str:
    """The audit log's channel for an intake channel (a FHIR bundle arrives through the API)."""
    if channel in (IntakeChannel.API, IntakeChannel.FHIR):
        return AuditChannel.API
    if channel in AuditChannel.values:
        return channel
    return AuditChannel.WEB


def route_to_division(person: Person) -> Organisation:
    """The MSE division responsible for the person's place of residence.

    The nearest territory up the person's chain (settlement → district → region) that has an MSE
    division decides; a territory with only the regional department sends to that department's
    division. In the demo, the Oral division serves the whole West Kazakhstan region this way.
    """
    # The chain of territories (the person's read with its parents saves a query per level), and
    # every active division that any of them could give, in one query; then the nearest wins,
    # its own division before its department's, the lowest code first.
    chain: list[Territory] = []
    territory: Territory | None = person.territory
    while territory is not None:
        chain.append(territory)
        territory = territory.parent
    ids = [territory.pk for territory in chain]
    candidates = list(
        Organisation.objects.filter(kind=OrganisationKind.MSE_DIVISION, is_active=True)
        .filter(
            Q(territory_id__in=ids)
            | Q(
                parent__kind=OrganisationKind.MSE_DEPARTMENT,
                parent__is_active=True,
                parent__territory_id__in=ids,
            )
        )
        .select_related("parent")
        .order_by("code")
    )
    for territory_id in ids:
        for division in candidates:
            if division.territory_id == territory_id:
                return division
        for division in candidates:
            parent = division.parent
            if (
                parent is not None
                and parent.kind == OrganisationKind.MSE_DEPARTMENT
                and parent.is_active
                and parent.territory_id == territory_id
            ):
                return division
    raise ValidationError(
        {
            "person": _(
                "No MSE division serves the person's place of residence. Tell the administrator."
            )
        }
    )


# What a person's read needs for `route_to_division` to walk up without a query per level:
# settlement, district, region, the republic above.
TERRITORY_CHAIN = "territory__parent__parent__parent"


# Referral numbers run per year across the country: one register, so the number alone finds it.
REFERRAL_SEQUENCE = "assessment.referral"


def referral_numbers(year: int, count: int) -> list[str]:
    """`count` new referral numbers of the year, "MSE-<year>-<nnnnnn>", ascending, never given
    twice. Drawn from a sequence that no transaction holds (`core.numbering.draw_numbers`), so
    national intake never queues on the register; a create that rolls back leaves a gap."""
    return [f"MSE-{year}-{number:06d}" for number in draw_numbers(REFERRAL_SEQUENCE, year, count)]


def next_referral_number(year: int) -> str:
    """The next referral number of the year (see `referral_numbers`)."""
    return referral_numbers(year, 1)[0]
