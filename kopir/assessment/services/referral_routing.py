"""Where a referral goes and what it is called: the MSE division responsible for the person,
and a number that no other referral will ever get."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from kopir.assessment.models import IntakeChannel, ReferralCounter
from kopir.audit.models import AuditChannel
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
    territory: Territory | None = person.territory
    while territory is not None:
        divisions = Organisation.objects.filter(
            kind=OrganisationKind.MSE_DIVISION, is_active=True
        ).order_by("code")
        division = divisions.filter(territory=territory).first()
        if division is None:
            division = divisions.filter(
                parent__kind=OrganisationKind.MSE_DEPARTMENT,
                parent__is_active=True,
                parent__territory=territory,
            ).first()
        if division is not None:
            return division
        territory = territory.parent
    raise ValidationError(
        {
            "person": _(
                "No MSE division serves the person's place of residence. Tell the administrator."
            )
        }
    )


def next_referral_number(year: int) -> str:
    """The next referral number of the year, never given twice.

    The UPDATE takes the counter row's lock until the transaction ends, so two clinics sending
    at the same moment queue here rather than read the same number (on SQLite the IMMEDIATE
    transaction already serialises writers).
    """
    ReferralCounter.objects.get_or_create(year=year)
    ReferralCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
    number = ReferralCounter.objects.values_list("last_number", flat=True).get(year=year)
    return f"MSE-{year}-{number:06d}"
