"""Writing and delivering notices. The only code that creates or changes a Notice.

`notice_queue` is what other apps call, inside their own transaction: it works out how to reach
the recipient (channel, address, language, format), renders the text in that language and format,
stores the row and asks the worker to deliver it once the transaction commits. `notice_deliver`
is the worker's side: it claims one notice, sends it, and records the outcome or schedules a retry.
"""

from __future__ import annotations

import datetime as dt
import logging
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email import encoders
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template import Context
from django.template.loader import select_template
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import Ref, audit_record_many, audited, target_type_of
from kopir.core.bulk import append_rows, field_checks
from kopir.core.errors import DomainError
from kopir.notices.models import (
    Notice,
    NoticeAttachment,
    NoticeChannel,
    NoticeFormat,
    NoticeStatus,
    RecipientKind,
)
from kopir.notices.sms import get_sms_backend

logger = logging.getLogger(__name__)

# Attempts before a notice is given up as not delivered, and the pause after each failed one.
MAX_ATTEMPTS = 5
RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)
# A braille display shows 40 cells a line on most devices, and braille embossers print 40 too.
BRAILLE_LINE_WIDTH = 40
NO_ADDRESS = "no_address"


@dataclass(frozen=True)
class Recipient:
    """Who a notice goes to and how: resolved once, copied onto the notice."""

    kind: str
    channel: str  # "" when there is no way to reach the recipient
    address: str
    languages: tuple[str, ...]
    format: str = NoticeFormat.PLAIN
    person: Any = None
    organisation: Any = None
    user: Any = None


@dataclass(frozen=True)
class Attachment:
    """A file to send with an e-mail notice: its bytes, its name and its MIME type, parameters
    included ("text/calendar; method=REQUEST"). The caller renders it in the recipient's
    language, as the text is."""

    filename: str
    content: bytes
    mime_type: str


def _person_format(needs: list[str]) -> str:
    # Easy read changes the words, so it wins; braille and large print change only the layout.
    from kopir.people.models import AccessibilityNeed

    for need, notice_format in (
        (AccessibilityNeed.EASY_READ, NoticeFormat.EASY_READ),
        (AccessibilityNeed.BRAILLE, NoticeFormat.BRAILLE_READY),
        (AccessibilityNeed.LARGE_PRINT, NoticeFormat.LARGE_PRINT),
    ):
        if need in (needs or []):
            return notice_format
    return NoticeFormat.PLAIN


def _channel_of(email: str, phone: str) -> tuple[str, str]:
    # E-mail first: it carries the whole text (an SMS gets the short version) and an e-mail
    # client reads it aloud as well as a phone does.
    if email:
        return NoticeChannel.EMAIL, email
    if phone:
        return NoticeChannel.SMS, phone
    return "", ""


def person_recipient(person: Any) -> Recipient:
    """How to reach a person: their own e-mail or phone, else their legal representative's.

    The language is the person's language for notices and the format follows their accessibility
    needs (the representative's, when it is the representative who reads it).
    """
    reader = person
    channel, address = _channel_of(person.email, person.phone)
    representative = person.legal_representative
    if not channel and representative is not None:
        channel, address = _channel_of(representative.email, representative.phone)
        if channel:
            reader = representative
    return Recipient(
        kind=RecipientKind.PERSON,
        channel=channel,
        address=address,
        languages=(reader.preferred_language or settings.LANGUAGE_CODE,),
        format=_person_format(reader.accessibility_needs),
        person=person,
    )


def organisation_recipient(organisation: Any) -> Recipient:
    """How to reach an organisation: its contact address, in the language it chose for notices.

    No fallback to its staff's own addresses: the organisation decides where its mail goes, and
    one without a contact address gets a notice recorded as not delivered, so the gap is fixed
    in the directory rather than hidden.
    """
    channel, address = _channel_of(organisation.email, organisation.phone)
    return Recipient(
        kind=RecipientKind.ORGANISATION,
        channel=channel,
        address=address,
        languages=(organisation.notice_language or settings.LANGUAGE_CODE,),
        organisation=organisation,
    )


def contact_recipient(*, email: str, phone: str = "", language: str) -> Recipient:
    """Someone known only by the address they gave (a petitioner), not a person in the registry."""
    channel, address = _channel_of(email, phone)
    return Recipient(
        kind=RecipientKind.PERSON, channel=channel, address=address, languages=(language,)
    )


def staff_recipient(user: Any) -> Recipient:
    return Recipient(
        kind=RecipientKind.STAFF,
        channel=NoticeChannel.EMAIL if user.email else "",
        address=user.email,
        languages=(user.preferred_language or settings.LANGUAGE_CODE,),
        user=user,
    )


def _render_one(names: list[str], context: Mapping[str, Any]) -> str:
    # Notices are plain text: nothing is HTML-escaped ("&" must stay "&").
    template = select_template(names)
    return str(template.template.render(Context(dict(context), autoescape=False))).strip()


def _paragraphs(text: str) -> str:
    """Collapse the blank lines templates leave behind into single paragraph breaks."""
    lines = [line.rstrip() for line in text.splitlines()]
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("\n".join(p) for p in paragraphs if p)


def _braille_layout(text: str) -> str:
    return "\n\n".join(
        textwrap.fill(paragraph, width=BRAILLE_LINE_WIDTH, break_long_words=False)
        for paragraph in text.split("\n\n")
    )


def _render_parts(
    *, template: str, context: Mapping[str, Any], recipient: Recipient
) -> list[tuple[str, str, str]]:
    """(language, subject, body) for each of the recipient's languages, before they are joined."""
    body_names = [f"{template}/{recipient.format}.txt", f"{template}/plain.txt"]
    if recipient.channel == NoticeChannel.SMS:
        body_names.insert(0, f"{template}/sms.txt")
    parts: list[tuple[str, str, str]] = []
    for language in recipient.languages:
        with translation.override(language):
            parts.append(
                (
                    language,
                    " ".join(_render_one([f"{template}/subject.txt"], context).split()),
                    _paragraphs(_render_one(body_names, context)),
                )
            )
    return parts


def _joined(parts: list[tuple[str, str, str]], recipient: Recipient) -> tuple[str, str]:
    body = "\n\n— — —\n\n".join(text for _language, _subject, text in parts)
    if recipient.format == NoticeFormat.BRAILLE_READY:
        body = _braille_layout(body)
    return " / ".join(dict.fromkeys(subject for _l, subject, _t in parts))[:255], body


def render_notice(
    *, template: str, context: Mapping[str, Any], recipient: Recipient
) -> tuple[str, str]:
    """The subject and text of a notice, in each of the recipient's languages.

    Templates live at `<template>/subject.txt` and `<template>/<format>.txt`, falling back to
    `<template>/plain.txt`; an SMS uses `<template>/sms.txt` when there is one.
    """
    return _joined(
        _render_parts(template=template, context=context, recipient=recipient), recipient
    )


# What a fill-in's variable holds while a shared text is rendered (private-use characters, which
# no template, translation or value contains), replaced by each notice's own value afterwards.
_BLANK = "\ue000{}\ue001"


def _filled(
    parts: list[tuple[str, str, str]], fill: Mapping[str, Any], template: str
) -> list[tuple[str, str, str]]:
    """`parts` rendered with blanks, each blank replaced by its value in the part's language."""
    filled: list[tuple[str, str, str]] = []
    for language, subject, body in parts:
        with translation.override(language):
            for name, value in fill.items():
                blank = _BLANK.format(name)
                text = str(value() if callable(value) else value)
                subject = subject.replace(blank, text)
                body = body.replace(blank, text)
        if "\ue000" in subject or "\ue000" in body:
            # A filter or tag changed a blank (|date on a fill-in, say): the template must print
            # fill-ins as they are.
            raise ValueError(f"{template}: a fill-in was not printed as it is")
        filled.append((language, " ".join(subject.split()), body))
    return filled


def _unsaved_notice(row: NoticeRow, recipient: Recipient, concerns: Any) -> Notice:
    """The notice of a row's columns, unsaved."""
    notice = Notice(**{column: getattr(row, column) for column in NOTICE_COLUMNS})
    # The instances the caller holds, so that reading them back costs no query.
    notice.person = recipient.person
    notice.organisation = recipient.organisation
    notice.user = recipient.user
    notice.concerns_organisation = concerns
    return notice


def notice_queue(
    *,
    recipient: Recipient,
    template: str,
    context: Mapping[str, Any],
    topic: str = "",
    related: models.Model | None = None,
    concerns: Any = None,
    sensitive: bool = False,
    actor: Any = None,
    request: Any = None,
    channel: str = "",
    attachments: Sequence[Attachment] = (),
) -> Notice:
    """Store a notice for `recipient` and have the worker deliver it after the caller commits.

    Call it inside the transaction of the change the notice reports: if that change rolls back,
    so does the notice, and no worker ever sees it. A recipient without an address still gets a
    row, recorded as not delivered, so the gap shows in the outbox. `attachments` go with an
    e-mail (an SMS has none) and are kept with the notice, so a retry sends the same files.
    """
    row = _notice_row(
        recipient=recipient,
        template=template,
        text=render_notice(template=template, context=context, recipient=recipient),
        topic=topic,
        related=related,
        concerns=concerns,
        sensitive=sensitive,
        now=timezone.now(),
    )
    notice = _unsaved_notice(row, recipient, concerns)
    with transaction.atomic():
        notice.full_clean()
        notice.save()
        if attachments and notice.channel != NoticeChannel.SMS:
            NoticeAttachment.objects.bulk_create(
                NoticeAttachment(
                    notice=notice,
                    filename=attachment.filename,
                    mime_type=attachment.mime_type,
                    content=attachment.content,
                )
                for attachment in attachments
            )
        audited(
            notice,
            AuditAction.CREATE,
            actor=actor,
            request=request,
            # The audit channel of the step that wrote the notice (a web page, a task, the API).
            channel=channel or (AuditChannel.WEB if request is not None else AuditChannel.TASK),
            detail=notice.topic,
        )
        if notice.status == NoticeStatus.QUEUED:
            notice_id = notice.pk
            transaction.on_commit(lambda: _enqueue_delivery(notice_id))
    return notice


@dataclass(frozen=True)
class NoticeDraft:
    """One notice of a `notice_queue_many` call: what `notice_queue` takes for one notice.

    `fill` holds the values that differ from one notice to the next when many share a text (a
    measure's number, its due date): the template prints each as a variable of that name, with
    no filter, and a callable value is called in each language of the notice (a name in that
    language, a plural). Drafts that pass the same `context` object, the same fill-ins and
    recipients reached the same way (languages, format, channel) share one rendering of the
    templates, and each notice gets its own values written into it.
    """

    recipient: Recipient
    template: str
    context: Mapping[str, Any]
    topic: str = ""
    related: models.Model | Ref | None = None
    concerns: Any = None
    fill: Mapping[str, Any] = field(default_factory=dict)


def _drafts_texts(drafts: list[NoticeDraft]) -> Iterator[tuple[str, str]]:
    """The subject and text of each draft, rendering each shared text once."""
    shared: dict[tuple[Any, ...], list[tuple[str, str, str]]] = {}
    for draft in drafts:
        recipient = draft.recipient
        if not draft.fill:
            yield render_notice(template=draft.template, context=draft.context, recipient=recipient)
            continue
        key = (
            draft.template,
            recipient.languages,
            recipient.format,
            recipient.channel,
            id(draft.context),  # the drafts hold their contexts, so no id is reused meanwhile
            tuple(draft.fill),
        )
        parts = shared.get(key)
        if parts is None:
            blanks = {name: _BLANK.format(name) for name in draft.fill}
            parts = shared[key] = _render_parts(
                template=draft.template, context={**draft.context, **blanks}, recipient=recipient
            )
        yield _joined(_filled(parts, draft.fill, draft.template), recipient)


# The columns `notice_queue_many` writes of each notice (the others take their defaults).
NOTICE_COLUMNS = (
    "recipient_kind",
    "person_id",
    "organisation_id",
    "user_id",
    "concerns_organisation_id",
    "channel",
    "address",
    "language",
    "format",
    "topic",
    "subject",
    "body",
    "sensitive",
    "status",
    "next_attempt_at",
    "last_error",
    "related_type",
    "related_id",
)
# full_clean's checks of those columns, foreign keys aside (the database checks them on insert).
_notice_passes = field_checks(Notice, NOTICE_COLUMNS)


@dataclass(slots=True)
class NoticeRow:
    """A notice `notice_queue_many` wrote, as the plain values it wrote (no model instance
    each): what `_unsaved_notice` would hold, and its id."""

    recipient_kind: str
    person_id: int | None
    organisation_id: int | None
    user_id: int | None
    concerns_organisation_id: int | None
    channel: str
    address: str
    language: str
    format: str
    topic: str
    subject: str
    body: str
    sensitive: bool
    status: str
    next_attempt_at: dt.datetime | None
    last_error: str
    related_type: str
    related_id: str
    pk: int = 0  # its id once written


def _notice_row(
    *,
    recipient: Recipient,
    template: str,
    text: tuple[str, str],
    topic: str,
    related: models.Model | Ref | None,
    concerns: Any,
    sensitive: bool,
    now: dt.datetime,
) -> NoticeRow:
    """The columns of a notice to `recipient`: queued for delivery now, or, without an address,
    recorded as not delivered."""
    reached = bool(recipient.channel)
    return NoticeRow(
        recipient_kind=recipient.kind,
        person_id=getattr(recipient.person, "pk", None),
        organisation_id=getattr(recipient.organisation, "pk", None),
        user_id=getattr(recipient.user, "pk", None),
        concerns_organisation_id=getattr(concerns, "pk", None),
        channel=recipient.channel,
        address=recipient.address,
        language="+".join(recipient.languages),
        format=recipient.format,
        topic=topic or template.replace("/", "."),
        subject=text[0],
        body=text[1],
        sensitive=sensitive,
        status=NoticeStatus.QUEUED if reached else NoticeStatus.FAILED,
        next_attempt_at=now if reached else None,
        last_error="" if reached else str(NO_ADDRESS),
        related_type=target_type_of(related) if related is not None else "",
        related_id=str(related.pk) if related is not None else "",
    )


def notice_queue_many(
    *,
    drafts: list[NoticeDraft],
    channel: str = AuditChannel.TASK,
    actor: Any = None,
    request: Any = None,
) -> list[NoticeRow]:
    """Store many notices at once, for a background step that tells many recipients in one
    transaction (the deadline sweep's escalations): each checked as `notice_queue` does, each
    shared text rendered once (`NoticeDraft.fill`), its columns checked as `full_clean` checks
    them (`core.bulk.field_checks`; a notice that fails is refused with full_clean's own
    error), inserted as plain rows (`core.bulk.append_rows`: one COPY on PostgreSQL), audited with one chained bulk append, and delivered by one enqueued delivery
    sweep after the commit rather than one task per notice.

    Call it late in the caller's transaction: the audit chain's lock is taken here and held
    until the commit. `actor` and `request` are the audit records', as `notice_queue`'s: none
    for a sweep of the system's, the uploader for a bulk file's batch.
    """
    if not drafts:
        return []
    now = timezone.now()
    notices = [
        _notice_row(
            recipient=draft.recipient,
            template=draft.template,
            text=text,
            topic=draft.topic,
            related=draft.related,
            concerns=draft.concerns,
            sensitive=False,
            now=now,
        )
        for draft, text in zip(drafts, _drafts_texts(drafts), strict=True)
    ]
    rows = [[getattr(notice, column) for column in NOTICE_COLUMNS] for notice in notices]
    for draft, notice, row in zip(drafts, notices, rows, strict=True):
        if not _notice_passes(row):
            # What full_clean refuses, refused with its own message, as one by one.
            _unsaved_notice(notice, draft.recipient, draft.concerns).full_clean(
                exclude=["person", "organisation", "user", "concerns_organisation"],
                validate_unique=False,
                validate_constraints=False,
            )
            raise ValidationError({"__all__": ["the notice does not pass its field checks"]})
    # Inside a caller's transaction, no savepoint of its own (two statements fewer): every caller
    # lets a failure here undo its whole transaction.
    with transaction.atomic(savepoint=False):
        for notice, pk in zip(notices, append_rows(Notice, NOTICE_COLUMNS, rows), strict=True):
            notice.pk = pk
        audit_record_many(
            actor=actor,
            action=AuditAction.CREATE,
            entries=[(Ref.of(Notice, notice.pk), notice.topic) for notice in notices],
            request=request,
            channel=channel,
        )
        if any(notice.status == NoticeStatus.QUEUED for notice in notices):
            transaction.on_commit(_enqueue_delivery_sweep)
    return notices


def _enqueue_delivery(notice_id: int) -> None:
    from kopir.notices.tasks import deliver_notice

    try:
        deliver_notice.enqueue(notice_id)
    except Exception:
        # The periodic sweep delivers whatever is due, so a failed enqueue only delays it.
        logger.exception("could not enqueue delivery of notice %s", notice_id)


def _enqueue_delivery_sweep() -> None:
    from kopir.notices.tasks import deliver_due_notices

    try:
        deliver_due_notices.enqueue()
    except Exception:
        # The periodic sweep runs anyway, so a failed enqueue only delays delivery.
        logger.exception("could not enqueue the notice delivery sweep")


def retry_delay(attempts: int) -> dt.timedelta:
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


def _claim(notice_id: int, now: dt.datetime) -> Notice | None:
    """Take a due notice for one delivery attempt; None when it is not due or someone has it.

    The claim is a conditional update, not a lock held while sending: an SMTP conversation must
    not keep SQLite's write lock. Counting the attempt and pushing the next attempt into the
    future in the same statement means a second worker finds nothing to claim, and a worker that
    dies mid-send leaves a notice the sweep retries once the pause has passed.
    """
    notice = Notice.objects.filter(pk=notice_id).first()
    if notice is None or notice.status != NoticeStatus.QUEUED:
        return None
    if notice.next_attempt_at is not None and notice.next_attempt_at > now:
        return None
    attempts = notice.attempts + 1
    claimed = Notice.objects.filter(
        pk=notice.pk, status=NoticeStatus.QUEUED, attempts=notice.attempts
    ).update(attempts=attempts, next_attempt_at=now + retry_delay(attempts))
    if not claimed:
        return None
    notice.attempts = attempts
    return notice


def _send(notice: Notice) -> str:
    """Hand the notice to its channel's backend; return where it went. Raises on failure."""
    if notice.channel == NoticeChannel.EMAIL:
        message = EmailMultiAlternatives(
            subject=notice.subject,
            body=notice.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notice.address],
            headers={"Content-Language": notice.language.replace("+", ", ")},
        )
        if notice.format == NoticeFormat.LARGE_PRINT:
            message.attach_alternative(_large_print_html(notice), "text/html")
        for attachment in notice.attachments.all():
            message.attach(_mime_part(attachment))
        if message.send(fail_silently=False) != 1:
            raise RuntimeError("the e-mail backend accepted no message")
        return "email"
    if notice.channel == NoticeChannel.SMS:
        receipt = get_sms_backend().send(phone=notice.address, text=notice.body)
        return f"sms:{receipt.via}"
    raise ValueError(f"unknown channel {notice.channel!r}")


def _mime_part(attachment: NoticeAttachment) -> MIMEBase:
    """The attachment as a MIME part that keeps its type's parameters (a calendar client reads
    `method=REQUEST` or `method=CANCEL` from the Content-Type, not only from the file)."""
    media_type, _sep, parameters = attachment.mime_type.partition(";")
    main_type, _slash, sub_type = media_type.strip().partition("/")
    content = bytes(attachment.content)
    part: MIMEBase
    if main_type == "text":
        part = MIMEText(content.decode("utf-8"), sub_type, "utf-8")
    else:
        part = MIMEBase(main_type, sub_type)
        part.set_payload(content)
        encoders.encode_base64(part)
    for parameter in parameters.split(";"):
        name, _equals, value = parameter.partition("=")
        if name.strip():
            part.set_param(name.strip(), value.strip())
    part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
    return part


def _large_print_html(notice: Notice) -> str:
    # Inline styles are fine in e-mail (the site's CSP does not apply); 24px is the usual
    # minimum for large print.
    paragraphs = "".join(
        f'<p style="font-size:24px;line-height:1.5;margin:0 0 24px">'
        f"{escape(paragraph).replace(chr(10), '<br>')}</p>"
        for paragraph in notice.body.split("\n\n")
    )
    language = notice.language.split("+")[0]
    return f'<html lang="{language}"><body>{paragraphs}</body></html>'


def notice_deliver(*, notice_id: int) -> str:
    """One delivery attempt. Returns the notice's status afterwards ("" if it was not due)."""
    now = timezone.now()
    notice = _claim(notice_id, now)
    if notice is None:
        return ""
    try:
        via = _send(notice)
    except Exception as error:
        error_kind = type(error).__name__[:200]
        if notice.attempts >= MAX_ATTEMPTS:
            Notice.objects.filter(pk=notice.pk).update(
                status=NoticeStatus.FAILED, last_error=error_kind, next_attempt_at=None
            )
            logger.warning("notice %s not delivered after %s attempts", notice.pk, notice.attempts)
            return NoticeStatus.FAILED
        Notice.objects.filter(pk=notice.pk).update(last_error=error_kind)
        logger.info("notice %s attempt %s failed: %s", notice.pk, notice.attempts, error_kind)
        return NoticeStatus.QUEUED
    Notice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.SENT,
        sent_at=timezone.now(),
        delivered_via=via,
        next_attempt_at=None,
        last_error="",
    )
    logger.info("notice %s sent via %s", notice.pk, via)
    return NoticeStatus.SENT


def due_notice_ids(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(
        Notice.objects.filter(status=NoticeStatus.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def _current_contact(notice: Notice) -> tuple[str, str]:
    """The channel and address the notice's recipient has now ("" when still none): a person's
    (or their representative's), an organisation's contact, a staff member's."""
    if notice.person_id is not None:
        recipient = person_recipient(notice.person)
    elif notice.organisation_id is not None:
        recipient = organisation_recipient(notice.organisation)
    elif notice.user_id is not None:
        recipient = staff_recipient(notice.user)
    else:
        return "", ""
    return recipient.channel, recipient.address


def notice_retry(*, actor: Any, notice: Notice, request: Any = None) -> Notice:
    """Send a notice that was given up on once more (when the gateway is working again, say).

    A notice that had no address takes the one its recipient has now: the way to deliver it is
    to add the person's, the organisation's or the account's e-mail or phone, then send it again.
    """
    if notice.status != NoticeStatus.FAILED:
        raise DomainError(_("Only a notice that was not delivered can be sent again."))
    channel, address = notice.channel, notice.address
    if not channel:
        channel, address = _current_contact(notice)
    if not channel:
        raise DomainError(
            _(
                "The recipient still has no e-mail address or phone number: add one to their "
                "record, then send the notice again."
            )
        )
    with transaction.atomic():
        updated = Notice.objects.filter(pk=notice.pk, status=NoticeStatus.FAILED).update(
            status=NoticeStatus.QUEUED,
            attempts=0,
            next_attempt_at=timezone.now(),
            channel=channel,
            address=address,
        )
        if not updated:
            raise DomainError(_("Someone else has already sent this notice again."))
        audited(
            notice,
            AuditAction.UPDATE,
            ["status", "channel", "address"] if channel != notice.channel else ["status"],
            actor=actor,
            request=request,
            detail="retry",
        )
        transaction.on_commit(lambda: _enqueue_delivery(notice.pk))
    notice.refresh_from_db()
    return notice
