"""The measures' events as staff notifications (kopir.notices.staff): who is told of what.

An executing organisation's officers open the measures it holds now (`access.py`), so they are
told of each measure that reaches it (routed when its programme is approved, or redirected to it
by another organisation), of a person's dispute of a result, and of its overdue measures being
escalated (once per organisation and sweep batch, with the count: an escalation sweep may
escalate thousands at once). Where the escalation rule names the MSE division that issued the
programme (the third tier, when the organisation reports to nobody on record), the division's
programme staff are told too. Besides these, the organisation is written to at its contact
address (`routing.notify_holder`, the escalation notices). Each call runs in the transaction of
the event. The text names the measure by its number only, never the person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from kopir.accounts.models import Role
from kopir.directory.models import Organisation
from kopir.notices.kinds import StaffNotificationKind
from kopir.notices.staff import organisation_staff, organisations_staff, staff_notify
from kopir.rehabilitation.access import PROGRAMME_ROLES
from kopir.rehabilitation.models import Measure

MEASURE_ASSIGNED = "rehabilitation.measure_assigned"
MEASURE_REDIRECTED = "rehabilitation.measure_redirected"
MEASURE_DISPUTED = "rehabilitation.measure_disputed"
MEASURES_ESCALATED = "rehabilitation.measures_escalated"
MEASURES_ESCALATED_TO_DIVISION = "rehabilitation.measures_escalated_to_division"
# The tier at which the escalation rule names the organisation's superior, or the division.
TOP_TIER = 3

STAFF_KINDS = (
    StaffNotificationKind(
        MEASURE_ASSIGNED,
        _("A new measure for my organisation"),
        _("A new measure № %(number)s was assigned to your organisation."),
        order=210,
        roles=(Role.AGENCY_OFFICER,),
    ),
    StaffNotificationKind(
        MEASURE_REDIRECTED,
        _("A measure passed to my organisation"),
        _("Measure № %(number)s was passed to your organisation by another organisation."),
        order=220,
        roles=(Role.AGENCY_OFFICER,),
    ),
    StaffNotificationKind(
        MEASURE_DISPUTED,
        _("A person disputes a measure's result"),
        _("The person disputes the result of measure № %(number)s: it is open again."),
        order=230,
        roles=(Role.AGENCY_OFFICER,),
    ),
    StaffNotificationKind(
        MEASURES_ESCALATED,
        _("Overdue measures of my organisation escalated"),
        _("Overdue measures of your organisation were escalated: %(count)s."),
        order=240,
        roles=(Role.AGENCY_OFFICER,),
    ),
    StaffNotificationKind(
        MEASURES_ESCALATED_TO_DIVISION,
        _("Overdue measures of my division's programmes escalated to it"),
        _("Overdue measures of your division's programmes were escalated to it: %(count)s."),
        order=250,
        roles=PROGRAMME_ROLES,
    ),
)


def officers_of(organisation_id: int | None) -> Any:
    return organisation_staff(organisation_id, Role.AGENCY_OFFICER)


def _tell_officers(measure: Measure, kind: str, *, actor: Any, request: Any) -> None:
    staff_notify(
        users=officers_of(measure.organisation_id),
        kind=kind,
        params={"number": measure.pk},
        url_name="rehabilitation:agency_measure",
        url_args=(measure.pk,),
        related=measure,
        actor=actor,
        request=request,
    )


def measure_assigned(measure: Measure, *, actor: Any, request: Any = None) -> None:
    _tell_officers(measure, MEASURE_ASSIGNED, actor=actor, request=request)


def measure_redirected(measure: Measure, *, actor: Any, request: Any = None) -> None:
    """The new holder's officers (the measure already names it)."""
    _tell_officers(measure, MEASURE_REDIRECTED, actor=actor, request=request)


def measure_disputed(measure: Measure, *, request: Any = None) -> None:
    _tell_officers(measure, MEASURE_DISPUTED, actor=None, request=request)


def measures_escalated(rows: Iterable[Mapping[str, Any]]) -> None:
    """A sweep batch's escalations (`deadlines._escalate_batch`'s rows, each with the tier
    reached): each holding organisation's officers once, and at the top tier of an organisation
    that reports to nobody, the programme's division's staff once."""
    rows = list(rows)
    by_holder = Counter(row["organisation_id"] for row in rows)
    top = [row for row in rows if row["escalation_tier"] >= TOP_TIER]
    without_parent = (
        set(
            Organisation.objects.filter(
                pk__in={row["organisation_id"] for row in top}, parent__isnull=True
            ).values_list("pk", flat=True)
        )
        if top
        else set()
    )
    by_division = Counter(
        row["programme__division_id"] for row in top if row["organisation_id"] in without_parent
    )
    # The staff of every organisation told, read in one query each way: a batch that escalates
    # the measures of many organisations costs one statement more, plus a few for each
    # organisation that has someone to tell.
    officers = organisations_staff(by_holder, Role.AGENCY_OFFICER)
    for organisation_id, users in officers.items():
        staff_notify(
            users=users,
            kind=MEASURES_ESCALATED,
            params={"count": by_holder[organisation_id]},
            url_name="rehabilitation:agency_work_list",
        )
    for division_id, users in organisations_staff(by_division, *PROGRAMME_ROLES).items():
        staff_notify(
            users=users,
            kind=MEASURES_ESCALATED_TO_DIVISION,
            params={"count": by_division[division_id]},
            url_name="rehabilitation:programme_list",
        )
