"""Documents attached to a referral: adding, removing and releasing them to the experts.

Every file is checked by `core.uploads` (kind, size, structure). The SHA-256 checksum is stored
with the record, so anyone can later show that a file is the one the clinic sent. Files are stored
under their checksum, not their uploaded name, which may carry a person's name.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.assessment.access import may_refer_from, may_release_attachments
from kopir.assessment.models import Attachment, DocumentType, Referral, ReferralStatus, Route
from kopir.assessment.services.referral_inputs import Errors, check_date
from kopir.assessment.workflow import InvalidTransition, status_label
from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record
from kopir.core.actors import is_signed_in, signed_in_user
from kopir.core.errors import AccessDenied, DomainError
from kopir.core.uploads import check_upload, sha256_of


def _check_editable(actor: Any, referral: Referral) -> None:
    if is_signed_in(actor) and not may_refer_from(actor, referral.medical_organisation_id):
        raise AccessDenied(_("You may change only your own organisation's referrals."))
    if referral.status not in (ReferralStatus.DRAFT, ReferralStatus.RETURNED):
        raise InvalidTransition(
            _("A referral that is “%(status)s” can no longer be changed.")
            % {"status": status_label(referral.status)}
        )


def attachment_add(
    *,
    actor: Any,
    referral: Referral,
    document_type: str,
    issued_on: dt.date | None,
    uploaded_file: Any,
    request: Any = None,
) -> Attachment:
    """Attach a document (PDF, JPG, PNG or DOCX, at most 10 MB) to a draft or returned referral.

    Raises ValidationError with keys "document_type", "issued_on" and "file". Adding a document
    changes the referral, so its version moves on: a send prepared before the upload is stale.
    """
    _check_editable(actor, referral)
    errors = Errors()
    if document_type not in DocumentType.values:
        errors.add("document_type", _("Choose the kind of document."))
    check_date(errors, "issued_on", issued_on, required=True)
    content_type = ""
    digest = ""
    if uploaded_file is None:
        errors.add("file", _("Choose a file."))
    else:
        try:
            content_type = check_upload(uploaded_file)
        except ValidationError as error:
            errors.add("file", error)
        else:
            digest = sha256_of(uploaded_file)
            if Attachment.objects.filter(referral=referral, sha256=digest).exists():
                errors.add("file", _("This file is already attached to the referral."))
    if errors.by_field or issued_on is None or uploaded_file is None:
        raise ValidationError(errors.by_field)

    attachment = Attachment(
        referral=referral,
        document_type=document_type,
        issued_on=issued_on,
        original_name=PurePath(uploaded_file.name).name[:255],
        content_type=content_type,
        size=uploaded_file.size,
        sha256=digest,
        uploaded_by=signed_in_user(actor),
    )
    attachment.file.save(digest, uploaded_file, save=False)
    try:
        with transaction.atomic():
            attachment.full_clean()
            attachment.save()
            Referral.objects.filter(pk=referral.pk).update(version=F("version") + 1)
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                target=attachment,
                request=request,
                fields=["document_type", "issued_on", "file"],
                detail=f"referral={referral.pk}",
            )
    except Exception:
        # The row was not written: the stored file must not linger without it.
        attachment.file.delete(save=False)
        raise
    referral.refresh_from_db(fields=["version"])
    return attachment


def attachment_remove(*, actor: Any, attachment: Attachment, request: Any = None) -> None:
    """Take a wrongly attached document off a draft or returned referral."""
    referral = attachment.referral
    _check_editable(actor, referral)
    storage, name = attachment.file.storage, attachment.file.name
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            target=attachment,
            request=request,
            detail=f"referral={referral.pk}",
        )
        attachment.delete()
        Referral.objects.filter(pk=referral.pk).update(version=F("version") + 1)
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: storage.delete(name))


# While the division holds the referral and nothing is decided. A draft is not the division's yet;
# after the decision (or a withdrawal) the experts' work is over and there is nothing to change.
RELEASABLE_STATUSES: Final = frozenset(
    {ReferralStatus.SENT, ReferralStatus.RETURNED, ReferralStatus.ACCEPTED, ReferralStatus.ASSIGNED}
)


def attachment_release(*, actor: Any, attachment: Attachment, request: Any = None) -> Attachment:
    """Release an in-absentia referral's document to its experts, once the division head has
    checked that it shows no name, IIN, birth date or address (or that the clinic blacked them
    out). The experts can read it from then on.

    Idempotent: releasing a released document changes nothing and records nothing more. Only the
    head of the referral's division releases, only in absentia (in person the expert may see who
    the person is), and only before the decision.
    """
    referral = attachment.referral
    if referral.route != Route.IN_ABSENTIA:
        raise DomainError(
            _(
                "The expert of an in-person examination may see who the person is: "
                "its documents need no release."
            )
        )
    if not may_release_attachments(actor, referral):
        raise AccessDenied(
            _("Only the head of the referral's MSE division releases its documents to the experts.")
        )
    with transaction.atomic():
        # Read again inside the transaction: the decision may have been recorded since the page
        # was opened, and a second head may have released the document meanwhile.
        status = Referral.objects.filter(pk=referral.pk).values_list("status", flat=True).get()
        if status not in RELEASABLE_STATUSES:
            raise InvalidTransition(
                _(
                    "This referral is “%(status)s”: its documents are released to the experts "
                    "only before the decision."
                )
                % {"status": status_label(status)}
            )
        released_at = timezone.now()
        # Conditional, so two heads releasing at once write one release and one audit record.
        updated = Attachment.objects.filter(
            pk=attachment.pk, released_to_experts_at__isnull=True
        ).update(released_to_experts_at=released_at, released_by=actor)
        if updated:
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                target=attachment,
                request=request,
                fields=["released_to_experts_at", "released_by"],
                detail=f"released to the experts; referral={referral.pk}",
            )
    attachment.refresh_from_db(fields=["released_to_experts_at", "released_by"])
    return attachment
