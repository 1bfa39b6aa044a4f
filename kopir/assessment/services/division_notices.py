"""Notices the referral's key steps send: to the person when it is sent (with the number that
opens the status page), accepted, returned, decided, appealed and the appeal resolved; to the
clinic when it is returned. Written through the notices app's outbox inside the
caller's transaction, so a step that rolls back sends nothing.

Texts live in templates/assessment/notices/<topic>/ (subject, plain, easy read, SMS). The SMS
says only that something happened and where to look: a text message is no place for a diagnosis.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kopir.assessment.models import Decision, Referral, Route
from kopir.assessment.notice_topics import (
    ACCEPTED_TO_PERSON,
    APPEAL_FILED,
    APPEAL_RESOLVED,
    DECIDED,
    RETURNED,
    RETURNED_TO_PERSON,
    SENT_TO_PERSON,
)
from kopir.notices.topics import NoticeTopic


def _notices() -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]] | None:
    """The notices app's services, if that app is installed here."""
    try:
        from kopir.notices.services import notice_queue, organisation_recipient, person_recipient
    except ImportError:  # pragma: no cover - the notices app ships with Kopir
        return None
    return notice_queue, organisation_recipient, person_recipient


def notify_clinic_of_return(
    *, referral: Referral, missing: list[dict[str, Any]], actor: Any = None, request: Any = None
) -> bool:
    """Queue notices that the referral came back: to the clinic with the list of what is missing,
    and to the person that their referral waits for the clinic. False without a notices app."""
    services = _notices()
    if services is None:
        return False
    notice_queue, organisation_recipient, _person_recipient = services
    context = {"referral": referral, "clinic": referral.medical_organisation, "missing": missing}
    notice_queue(
        recipient=organisation_recipient(referral.medical_organisation),
        template=RETURNED.template,
        topic=RETURNED.key,
        context=context,
        related=referral,
        concerns=referral.medical_organisation,
        actor=actor,
        request=request,
    )
    _notify_person(
        referral=referral,
        topic=RETURNED_TO_PERSON,
        context=context,
        related=referral,
        actor=actor,
        request=request,
    )
    return True


def _notify_person(
    *,
    referral: Referral,
    topic: NoticeTopic,
    context: dict[str, Any],
    related: Any,
    actor: Any,
    request: Any,
) -> bool:
    """Queue one notice to the person (or their representative), in their language and format.
    False when it cannot reach anyone: no notices app, or no e-mail or phone for either."""
    services = _notices()
    if services is None:
        return False
    notice_queue, _organisation_recipient, person_recipient = services
    recipient = person_recipient(_person(referral))
    notice_queue(
        recipient=recipient,
        template=topic.template,
        topic=topic.key,
        context={"referral": referral, **context},
        related=related,
        concerns=referral.medical_organisation,
        actor=actor,
        request=request,
    )
    # A notice without an address is kept as "not delivered" in the outbox; the step says so.
    return bool(recipient.channel)


def notify_person_of_sending(
    *, referral: Referral, resent: bool, actor: Any = None, request: Any = None
) -> bool:
    """The referral is with the MSE division: its number (the key to the status page), where it
    went, and by when the division checks it."""
    return _notify_person(
        referral=referral,
        topic=SENT_TO_PERSON,
        context={**_sending_context(referral, resent=resent), "number": referral.number},
        related=referral,
        actor=actor,
        request=request,
    )


def _sending_context(referral: Referral, *, resent: bool) -> dict[str, Any]:
    """What the sending notice says besides the number: the same for every referral of one
    clinic sent to one division on one route on one day."""
    return {
        "resent": resent,
        "clinic": referral.medical_organisation,
        "division": referral.mse_division,
        "in_absentia": referral.route == Route.IN_ABSENTIA,
        "due_on": referral.step_due_on,
    }


def _persons_of(referrals: Sequence[Referral]) -> dict[int, Any]:
    """The referrals' persons with their legal representatives: those the referrals hold
    already (an intake has just read them), the others read in one query."""
    from kopir.people.models import Person

    persons: dict[int, Any] = {}
    for referral in referrals:
        if Referral.person.is_cached(referral):
            person = referral.person
            if person.legal_representative_id is None or Person.legal_representative.is_cached(
                person
            ):
                persons[person.pk] = person
    missing = {referral.person_id for referral in referrals} - persons.keys()
    if missing:
        persons.update(Person.objects.select_related("legal_representative").in_bulk(missing))
    return persons


def notify_people_of_sending(
    *,
    referrals: Sequence[Referral],
    resent: Mapping[int, bool],
    actor: Any = None,
    request: Any = None,
) -> None:
    """`notify_person_of_sending` for many referrals sent together (a bulk file's batch): one
    notice to each person, the text rendered once per group of referrals told the same way and
    each notice given its own number (`notices.services.NoticeDraft.fill`), the notices written
    and audited in bulk (`notice_queue_many`)."""
    try:
        from kopir.notices.services import NoticeDraft, notice_queue_many, person_recipient
    except ImportError:  # pragma: no cover - the notices app ships with Kopir
        return
    from kopir.audit.models import AuditChannel

    persons = _persons_of(referrals)
    contexts: dict[tuple[Any, ...], dict[str, Any]] = {}
    drafts = []
    for referral in referrals:
        told = resent[referral.pk]
        key = (
            referral.medical_organisation_id,
            referral.mse_division_id,
            referral.route,
            referral.step_due_on,
            told,
        )
        context = contexts.setdefault(key, _sending_context(referral, resent=told))
        drafts.append(
            NoticeDraft(
                recipient=person_recipient(persons[referral.person_id]),
                template=SENT_TO_PERSON.template,
                topic=SENT_TO_PERSON.key,
                context=context,
                related=referral,
                concerns=referral.medical_organisation,
                fill={"number": referral.number},
            )
        )
    notice_queue_many(
        drafts=drafts,
        actor=actor,
        request=request,
        # notice_queue's channel for a step that passes none: the web's, or a task's.
        channel=AuditChannel.WEB if request is not None else AuditChannel.TASK,
    )


def notify_person_of_acceptance(
    *, referral: Referral, expected_decision_on: Any, actor: Any = None, request: Any = None
) -> bool:
    """The documents are complete: who examines the person, and when the decision is expected."""
    return _notify_person(
        referral=referral,
        topic=ACCEPTED_TO_PERSON,
        context={
            "in_absentia": referral.route == Route.IN_ABSENTIA,
            "expected_decision_on": expected_decision_on,
        },
        related=referral,
        actor=actor,
        request=request,
    )


def notify_person_of_decision(
    *, referral: Referral, decision: Decision | None, actor: Any = None, request: Any = None
) -> bool:
    """Queue the decision notice to the person (or their representative)."""
    return _notify_person(
        referral=referral,
        topic=DECIDED,
        context={"decision": decision},
        related=referral,
        actor=actor,
        request=request,
    )


def notify_person_of_appeal_filed(
    *, referral: Referral, appeal: Any, actor: Any = None, request: Any = None
) -> bool:
    """The appeal is recorded and sent on: to whom, and by when it is to be reviewed."""
    return _notify_person(
        referral=referral,
        topic=APPEAL_FILED,
        context={"appeal": appeal},
        related=appeal,
        actor=actor,
        request=request,
    )


def notify_person_of_appeal_result(
    *,
    referral: Referral,
    appeal: Any,
    decision: Decision | None,
    actor: Any = None,
    request: Any = None,
) -> bool:
    """Queue the result of the appeal (upheld, or the changed decision) to the person."""
    return _notify_person(
        referral=referral,
        topic=APPEAL_RESOLVED,
        context={"appeal": appeal, "decision": decision},
        related=appeal,
        actor=actor,
        request=request,
    )


def _person(referral: Referral) -> Any:
    from kopir.people.models import Person

    return Person.objects.select_related("legal_representative").get(pk=referral.person_id)
