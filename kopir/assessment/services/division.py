"""The MSE division receives a referral: it accepts it, or returns it to the clinic with the
precise list of what is missing (the automatic check's items plus what the specialist adds)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kopir.assessment.exchange_events import publish_referral_returned
from kopir.assessment.models import Referral, ReferralStatus
from kopir.assessment.services import staff_alerts
from kopir.assessment.services.division_notices import (
    notify_clinic_of_return,
    notify_person_of_acceptance,
)
from kopir.assessment.workflow import organisation_label, referral_transition, step_due_on
from kopir.core.errors import DomainError
from kopir.core.versioning import require_current

SPECIALIST_ITEM_KIND = "specialist"
MAX_SPECIALIST_ITEMS = 20
MAX_ITEM_LENGTH = 500


def automatic_missing_items(referral: Referral) -> list[Any]:
    """The completeness check's findings for this referral (the clinic helper's rules engine)."""
    from kopir.assessment.services.completeness import completeness_check

    return list(completeness_check(referral))


def missing_item_as_dict(item: Any) -> dict[str, Any]:
    """A MissingItem as stored on the timeline: the rule, its kind and code, and the label and
    reason in the language the specialist worked in (the rule id lets a page re-translate)."""
    data = asdict(item) if is_dataclass(item) and not isinstance(item, type) else dict(item)
    return {
        "rule_id": data.get("rule_id"),
        "kind": str(data.get("kind", "")),
        "code": str(data.get("code", "")),
        "label": str(data.get("label", "")),
        "reason": str(data.get("reason", "")),
        "language": get_language() or "",
    }


def clean_specialist_items(items: Sequence[str]) -> list[str]:
    """The specialist's own items, one per line: blanks dropped, duplicates once."""
    cleaned: list[str] = []
    for raw in items:
        text = " ".join(str(raw).split())
        if not text or text in cleaned:
            continue
        if len(text) > MAX_ITEM_LENGTH:
            raise ValidationError(
                {
                    "added_items": _("Each item may be at most %(count)d characters long.")
                    % {"count": MAX_ITEM_LENGTH}
                }
            )
        cleaned.append(text)
    if len(cleaned) > MAX_SPECIALIST_ITEMS:
        raise ValidationError(
            {"added_items": _("List at most %(count)d items.") % {"count": MAX_SPECIALIST_ITEMS}}
        )
    return cleaned


def ensure_current(referral: Referral, expected_version: int) -> None:
    """Refuse a change to `referral` made from a stale page (`require_current`)."""
    require_current(
        referral,
        expected_version,
        _(
            "Someone else changed this referral after you opened it. Nothing was saved: "
            "reload it to see the current state."
        ),
    )


def _require_status(referral: Referral, status: str, message: str) -> None:
    if referral.status != status:
        raise DomainError(message)


def referral_accept(
    *, actor: Any, referral: Referral, expected_version: int, request: Any = None
) -> Referral:
    """Accept a sent referral for expertise.

    Refused while the automatic check still finds something missing: an incomplete package is a
    ground to refuse MSE (Social Code Art. 155(4)), so such a referral goes back with the list.
    """
    ensure_current(referral, expected_version)
    _require_status(
        referral, ReferralStatus.SENT, _("Only a referral sent to the division can be accepted.")
    )
    missing = automatic_missing_items(referral)
    if missing:
        raise DomainError(
            _(
                "The completeness check finds %(count)d missing item(s). Return the referral "
                "to the clinic with the list instead."
            )
            % {"count": len(missing)}
        )
    with transaction.atomic():
        accepted = referral_transition(
            referral=referral,
            to_status=ReferralStatus.ACCEPTED,
            actor=actor,
            expected_version=expected_version,
            actor_label=organisation_label(actor),
            request=request,
        )
        # The experts are assigned by the end of this step and decide within theirs.
        expected = accepted.step_due_on and step_due_on(
            ReferralStatus.ASSIGNED, accepted.step_due_on
        )
        notify_person_of_acceptance(
            referral=accepted, expected_decision_on=expected, actor=actor, request=request
        )
    return accepted


def referral_return(
    *,
    actor: Any,
    referral: Referral,
    expected_version: int,
    added_items: Sequence[str] = (),
    note: str = "",
    request: Any = None,
) -> Referral:
    """Return a sent referral to the clinic with everything that is missing.

    The automatic check's items are always included (the specialist cannot drop them); the
    specialist adds what the rules do not cover. A return with nothing missing is refused.
    """
    ensure_current(referral, expected_version)
    _require_status(
        referral, ReferralStatus.SENT, _("Only a referral sent to the division can be returned.")
    )
    specialist_items = clean_specialist_items(added_items)
    missing = [missing_item_as_dict(item) for item in automatic_missing_items(referral)]
    missing += [
        {
            "rule_id": None,
            "kind": SPECIALIST_ITEM_KIND,
            "code": "",
            "label": text,
            "reason": "",
            "language": get_language() or "",
        }
        for text in specialist_items
    ]
    if not missing:
        raise ValidationError(
            {
                "added_items": _(
                    "The completeness check finds nothing missing: write what the clinic must "
                    "add, one item per line, or accept the referral."
                )
            }
        )
    with transaction.atomic():
        referral = referral_transition(
            referral=referral,
            to_status=ReferralStatus.RETURNED,
            actor=actor,
            expected_version=expected_version,
            actor_label=organisation_label(actor),
            note=note.strip(),
            missing=missing,
            request=request,
            changes={"returns_count": referral.returns_count + 1},
        )
        # In the same transaction: a return that rolls back never tells anyone anything.
        notify_clinic_of_return(referral=referral, missing=missing, actor=actor, request=request)
        staff_alerts.referral_returned(referral, actor=actor, request=request)
        publish_referral_returned(referral, missing_count=len(missing))
    return referral
